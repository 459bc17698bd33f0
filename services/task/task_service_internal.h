#pragma once
// Helpers shared by the task_service*.cc files. Not part of the service's interface.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::task::internal {

inline constexpr char kSource[] = "task";

std::vector<std::string> Names(const google::protobuf::RepeatedPtrField<std::string>& names);
// The ids of names already validated.
std::vector<int64_t> Ids(const google::protobuf::RepeatedPtrField<std::string>& names,
                         absl::string_view collection);
// Whether a member may be one of a four-eyes check's two people (by role; activity apart):
// RELATIONSHIP_MANAGER, TEAM_LEAD, BRANCH_MANAGER, or BACK_OFFICE with the RISK function.
bool MayCheck(const team::v1::Member& member);

}  // namespace rmhub::task::internal
