#pragma once
// Helpers shared by the complaint_service*.cc files. Not part of the service's interface.

#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::complaint::internal {

inline constexpr char kSource[] = "complaint";

google::protobuf::Timestamp Ts(absl::Time t);

// Senior rank for the second extension's approver (docs/decisions.md): a branch manager, or
// BACK_OFFICE with the COMPLIANCE function.
bool IsSeniorApprover(const team::v1::Member& m);

// The request id of a task the complaint service creates or changes for one step of one
// complaint at one version: a retry of the step reaches the same task.
std::string TaskRequestId(const std::string& complaint, const char* step, int64_t version,
                          const std::string& handler);

}  // namespace rmhub::complaint::internal
