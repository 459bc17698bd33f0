#pragma once
// One command-line word → the proto3 JSON value of a field, checked against the field's type so
// a mistake is reported with the field's path before anything is sent.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace rmhub::ctl {

// JSON for `text` as a value of `field` (one element of it when repeated). `path` names the
// field in errors. Message fields are accepted only for the kinds in value_types.h.
absl::StatusOr<std::string> ValueToJson(const google::protobuf::FieldDescriptor& field,
                                        absl::string_view text, const std::string& path);

// "display_name" → "displayName", per dot-separated segment: the JSON form of a FieldMask path.
std::string SnakeToLowerCamel(absl::string_view path);

}  // namespace rmhub::ctl
