#pragma once
// AIP-134 update masks: an empty mask means every updatable field; a path that is not updatable
// is INVALID_ARGUMENT on update_mask naming it.

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"

namespace rmhub::api {

absl::StatusOr<std::set<std::string>> ResolveUpdateMask(const google::protobuf::FieldMask& mask,
                                                        const std::set<std::string>& updatable);

}  // namespace rmhub::api
