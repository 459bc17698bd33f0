#pragma once
// Builds a request message from the command line, driven only by the message's descriptor:
//
//   name=members/3                       a string field
//   member.role=RELATIONSHIP_MANAGER     dotted paths into nested messages; enums by name/number
//   member.skills=WEALTH,FX              repeated fields: commas, or the same field repeated
//   goal.period=2025-01-01..2025-04-01   dates, periods, money, timestamps, durations and
//   update_mask=display_name,region      field masks are typed as one word (value_types.h)
//
// The arguments become a JSON object which protobuf's JSON parser turns into the message, so
// every type rule (ranges, enum values, oneofs) is the standard proto3 JSON mapping.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace rmhub::ctl {

// The JSON object that `field_args` ("path=value" each) describe for a message of `type`.
// INVALID_ARGUMENT naming the path for an unknown field, a bad value or a conflicting argument.
absl::StatusOr<std::string> FieldArgsToJson(const google::protobuf::Descriptor& type,
                                            const std::vector<std::string>& field_args);

// Fills `out` (cleared first): the JSON of `data_json` when not empty, then `field_args` merged
// over it, then — when the message has a string request_id that is still empty — a fresh one
// from `new_request_id`, so a retried command line can be replayed with request_id=<that id>.
absl::Status BuildRequest(const std::vector<std::string>& field_args, const std::string& data_json,
                          const std::function<std::string()>& new_request_id,
                          google::protobuf::Message* out);

// Proto3 JSON text → message, with the parser's complaint as INVALID_ARGUMENT on `what`.
absl::Status ParseJsonInto(const std::string& json, const std::string& what,
                           google::protobuf::Message* out);

}  // namespace rmhub::ctl
