#include "common/api/pagination.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/encoding/base64url.h"
#include "common/status/errors.h"

namespace rmhub::api {
namespace {

// FNV-1a: binds a token to its filter; not a security boundary (tokens carry no secrets).
uint64_t FilterFingerprint(absl::string_view filter) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : filter) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

absl::StatusOr<PageRequest> ParsePage(int32_t page_size, absl::string_view page_token,
                                      absl::string_view filter) {
  PageRequest page;
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  page.limit = page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  if (page_token.empty()) return page;

  absl::optional<std::string> raw = encoding::Base64UrlDecode(page_token);
  std::vector<absl::string_view> parts;
  uint64_t fingerprint = 0;
  if (raw.has_value()) parts = absl::StrSplit(*raw, ':');
  if (parts.size() != 3 || parts[0] != "p1" || !absl::SimpleAtoi(parts[1], &page.after_id) ||
      page.after_id <= 0 || !absl::SimpleAtoi(parts[2], &fingerprint)) {
    return InvalidField("page_token", "is not a token this service issued");
  }
  if (fingerprint != FilterFingerprint(filter)) {
    return InvalidField("page_token", "was issued for a different filter");
  }
  return page;
}

std::string NextPageToken(int64_t last_id, absl::string_view filter) {
  return encoding::Base64UrlEncode(absl::StrCat("p1:", last_id, ":", FilterFingerprint(filter)));
}

}  // namespace rmhub::api
