#include "common/encoding/base64url.h"

#include "absl/strings/escaping.h"

namespace rmhub::encoding {

std::string Base64UrlEncode(absl::string_view bytes) {
  // absl's web-safe encoding writes no padding.
  return absl::WebSafeBase64Escape(bytes);
}

absl::optional<std::string> Base64UrlDecode(absl::string_view text) {
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(text, &bytes)) return absl::nullopt;
  // absl accepts padding and ignores non-zero trailing bits; only the one canonical form counts.
  if (absl::WebSafeBase64Escape(bytes) != text) return absl::nullopt;
  return bytes;
}

}  // namespace rmhub::encoding
