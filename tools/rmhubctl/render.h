#pragma once
// How responses are shown. Readable text by default:
//   a List/BatchGet response  → a table, one row per element, one column per scalar field
//                               (columns empty in every row are left out; --columns picks them)
//   any other response        → aligned "field  value" lines, nested messages flattened with
//                               dotted names (change.to_level), as the request side spells them
// and, with --json, the proto3 JSON mapping (proto field names, defaults included) for scripts.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace rmhub::ctl {

struct RenderOptions {
  // Dotted field paths of the list element to show, in order; empty → the default columns.
  std::vector<std::string> columns;
  // Longer cells are cut with "…" so one long description does not wreck the table.
  size_t max_cell_width = 40;
};

// INVALID_ARGUMENT when a requested column names no field of the list element.
absl::StatusOr<std::string> RenderText(const google::protobuf::Message& response,
                                       const RenderOptions& options);

std::string RenderJson(const google::protobuf::Message& response);

// The list field of a response shaped like ListXResponse / BatchGetXResponse: its only repeated
// message field, the other fields being scalars (next_page_token). nullptr for other shapes.
const google::protobuf::FieldDescriptor* ListFieldOf(const google::protobuf::Descriptor& type);

// One field of `message` as display text: enums by name, dates as YYYY-MM-DD, timestamps in
// RFC 3339, repeated values joined by ",", and "" when the field is unset or default.
std::string FieldText(const google::protobuf::Message& message,
                      const google::protobuf::FieldDescriptor& field);

}  // namespace rmhub::ctl
