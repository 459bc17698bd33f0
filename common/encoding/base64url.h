#pragma once
// Base64url without padding (RFC 4648 §5), on absl's web-safe base64: JWS compact serialisation
// and page tokens. Decoding is strict: padding, other alphabets, whitespace and non-zero trailing
// bits are refused, so a value has exactly one encoding and a token cannot be altered into a
// second form that decodes (and verifies) the same.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace rmhub::encoding {

std::string Base64UrlEncode(absl::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical unpadded base64url.
absl::optional<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace rmhub::encoding
