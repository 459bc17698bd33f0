#pragma once
// Base64url without padding (RFC 4648 §5), as JWS compact serialisation needs it. Decoding is
// strict: padding, other alphabets, whitespace and non-zero trailing bits are refused, so a token
// has exactly one encoding and cannot be altered into a second form that verifies the same.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace rmhub::auth {

std::string Base64UrlEncode(absl::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical unpadded base64url.
absl::optional<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace rmhub::auth
