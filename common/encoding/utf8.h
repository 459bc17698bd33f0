#pragma once
// UTF-8 as RFC 3629 defines it: overlong forms, UTF-16 surrogates and code points above U+10FFFF
// are not UTF-8. The one place that decides; the JSON quoter and the text checks use it.

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace rmhub::encoding {

// Length of the valid UTF-8 sequence starting at text[i] (1 for ASCII), or 0 if none starts there.
size_t Utf8SequenceLength(absl::string_view text, size_t i);

// The number of Unicode code points in `text`, or nullopt when it is not valid UTF-8.
absl::optional<size_t> CountCodePoints(absl::string_view text);

}  // namespace rmhub::encoding
