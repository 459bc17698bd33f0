#pragma once
// The one JSON string quoter (RFC 8259), for log lines, JWT headers and claims, and rmhubctl's
// request JSON. The output is always valid JSON on a single line: control characters (and DEL)
// are escaped, and bytes that are not valid UTF-8 become U+FFFD, so a stray byte in a value
// cannot break the consumer that parses it.

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::encoding {

// Appends `value` to `out` as a quoted JSON string.
void AppendJsonString(std::string* out, absl::string_view value);

// `value` as a quoted JSON string.
std::string JsonQuote(absl::string_view value);

}  // namespace rmhub::encoding
