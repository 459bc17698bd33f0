#include "common/api/text.h"

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "common/encoding/utf8.h"

namespace rmhub::api {

absl::Status CheckText(const std::string& field, absl::string_view value, size_t max_chars) {
  FieldErrors errors;
  CheckText(errors, field, value, max_chars, /*required=*/false);
  return errors.Status();
}

void CheckText(FieldErrors& errors, const std::string& field, absl::string_view value,
               size_t max_chars, bool required) {
  if (value.empty()) {
    if (required) errors.Add(field, "is required");
    return;
  }
  absl::optional<size_t> chars = encoding::CountCodePoints(value);
  if (!chars.has_value()) return errors.Add(field, "must be valid UTF-8");
  if (*chars > max_chars)
    errors.Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
}

}  // namespace rmhub::api
