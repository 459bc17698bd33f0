#pragma once
// The one length check for free text in requests: it counts Unicode code points, the
// "characters" the error messages and the API docs speak of, not bytes (a Chinese name of 100
// characters is 300 bytes of UTF-8). Text that is not valid UTF-8 is refused: proto3 strings must
// be UTF-8, and a stored invalid byte would break every reader after us.

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status/errors.h"

namespace rmhub::api {

// OK, or INVALID_ARGUMENT naming `field` when `value` is not valid UTF-8 or is longer than
// `max_chars` code points.
absl::Status CheckText(const std::string& field, absl::string_view value, size_t max_chars);

// The same check collected into `errors`; a `required` value must also not be empty.
void CheckText(FieldErrors& errors, const std::string& field, absl::string_view value,
               size_t max_chars, bool required);

}  // namespace rmhub::api
