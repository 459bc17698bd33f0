#pragma once
// What a task and a meeting must hold to be stored (proto field comments in
// protos/rmhub/task/v1/task.proto). Pure: field errors collected for INVALID_ARGUMENT.

#include <string>

#include "absl/time/time.h"
#include "common/status/errors.h"
#include "rmhub/task/v1/task.pb.h"

namespace rmhub::task {

inline constexpr int kMaxMilestones = 50;
inline constexpr int kMaxChecklistItems = 100;
inline constexpr int kMaxAttendees = 100;
inline constexpr int kMaxActionItems = 50;

// Defaults (priority NORMAL) and checks the writable fields of `task`, naming fields with
// `prefix` ("task."). `due_after` is the earliest acceptable due time (the creation time; an
// update passes absl::InfinitePast() when the due time did not change). Assignees are checked by
// CheckAssignees (workflow.h).
void NormalizeAndValidateTask(v1::Task& task, absl::Time due_after, const std::string& prefix,
                              FieldErrors& errors);

// Checks a meeting to record (prefix "meeting."); action items must be due after `now`.
void ValidateMeeting(const v1::Meeting& meeting, absl::Time now, FieldErrors& errors);

// A timestamp that is set and within 0001-01-01 .. 9999-12-31 with valid nanos.
bool IsValidTimestamp(const google::protobuf::Timestamp& ts);

}  // namespace rmhub::task
