#pragma once
// JSON string quoting for log lines. Output is always valid JSON and a single line: control
// characters are escaped, and bytes that are not valid UTF-8 become U+FFFD, so a stray byte in a
// caller's value cannot break the consumer that parses the log.

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::log {

// Appends `value` to `out` as a quoted JSON string.
void AppendJsonString(std::string* out, absl::string_view value);

// `value` as a quoted JSON string.
std::string JsonQuote(absl::string_view value);

}  // namespace rmhub::log
