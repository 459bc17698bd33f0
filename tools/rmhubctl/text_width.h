#pragma once
// Terminal display width of UTF-8 text, so tables stay aligned when names are Chinese: a CJK
// character takes two columns, an ASCII one takes one.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::ctl {

// Columns `text` occupies on a terminal. Invalid UTF-8 bytes count one column each.
size_t DisplayWidth(absl::string_view text);

// `text` cut to at most `max_width` columns, ending in "…" when something was cut.
std::string TruncateToWidth(absl::string_view text, size_t max_width);

// `text` followed by spaces up to `width` columns.
std::string PadToWidth(absl::string_view text, size_t width);

}  // namespace rmhub::ctl
