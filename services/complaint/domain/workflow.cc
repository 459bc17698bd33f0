#include "services/complaint/domain/workflow.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/encoding/utf8.h"
#include "common/status/errors.h"

namespace rmhub::complaint {

std::vector<v1::ComplaintState> AllowedNext(v1::ComplaintState from) {
  switch (from) {
    case v1::RECEIVED:
      return {v1::UNDER_REVIEW, v1::WITHDRAWN};
    case v1::UNDER_REVIEW:
      return {v1::ASSIGNED, v1::REJECTED, v1::WITHDRAWN};
    case v1::ASSIGNED:
      return {v1::INVESTIGATING, v1::WITHDRAWN};
    case v1::INVESTIGATING:
      return {v1::SOLUTION_PROPOSED, v1::WITHDRAWN};
    case v1::SOLUTION_PROPOSED:
      return {v1::AWAITING_CUSTOMER, v1::WITHDRAWN};
    case v1::AWAITING_CUSTOMER:
      return {v1::INVESTIGATING, v1::SOLUTION_PROPOSED, v1::EXECUTING, v1::WITHDRAWN};
    case v1::EXECUTING:
      return {v1::FOLLOW_UP, v1::WITHDRAWN};
    case v1::FOLLOW_UP:
      return {v1::CLOSED, v1::WITHDRAWN};
    case v1::CLOSED:
      return {v1::REOPENED};
    case v1::REOPENED:
      return {v1::INVESTIGATING, v1::WITHDRAWN};
    default:
      return {};
  }
}

bool IsOpen(v1::ComplaintState state) {
  return state != v1::CLOSED && state != v1::REJECTED && state != v1::WITHDRAWN &&
         state != v1::COMPLAINT_STATE_UNSPECIFIED;
}

bool StopsClock(v1::ComplaintState to) {
  return to == v1::AWAITING_CUSTOMER || to == v1::REJECTED || to == v1::WITHDRAWN ||
         to == v1::CLOSED;
}

bool IsRouted(v1::ComplaintState state) {
  switch (state) {
    case v1::ASSIGNED:
    case v1::INVESTIGATING:
    case v1::SOLUTION_PROPOSED:
    case v1::AWAITING_CUSTOMER:
    case v1::EXECUTING:
    case v1::FOLLOW_UP:
    case v1::REOPENED:
      return true;
    default:
      return false;
  }
}

absl::Status CheckStep(v1::ComplaintState from, v1::ComplaintState to, const std::string& field) {
  if (to == v1::COMPLAINT_STATE_UNSPECIFIED || !v1::ComplaintState_IsValid(to)) {
    return InvalidField(field, "a target state is required");
  }
  std::vector<v1::ComplaintState> allowed = AllowedNext(from);
  for (v1::ComplaintState s : allowed) {
    if (s == to) return absl::OkStatus();
  }
  std::string allowed_text =
      allowed.empty() ? absl::StrCat("none (", v1::ComplaintState_Name(from), " is final)")
                      : absl::StrJoin(allowed, ", ", [](std::string* out, v1::ComplaintState s) {
                          out->append(v1::ComplaintState_Name(s));
                        });
  return FailedPrecondition("ILLEGAL_STEP",
                            absl::StrCat("cannot go from ", v1::ComplaintState_Name(from), " to ",
                                         v1::ComplaintState_Name(to), "; allowed: ", allowed_text));
}

absl::Status CheckNoOpenTasks(const std::vector<std::string>& open_tasks) {
  if (open_tasks.empty()) return absl::OkStatus();
  return FailedPrecondition("TASKS_OPEN",
                            absl::StrCat("the complaint cannot close while its tasks are open: ",
                                         absl::StrJoin(open_tasks, ", ")));
}

absl::Status ValidateClosing(int satisfaction, v1::RootCause root_cause,
                             const std::string& root_cause_note) {
  FieldErrors errors;
  if (satisfaction < 1 || satisfaction > 5) errors.Add("satisfaction", "must be 1-5");
  if (root_cause == v1::ROOT_CAUSE_UNSPECIFIED || !v1::RootCause_IsValid(root_cause)) {
    errors.Add("root_cause", "a root-cause category is required");
  }
  absl::optional<size_t> len = encoding::CountCodePoints(root_cause_note);
  if (!len || *len > 2000) errors.Add("root_cause_note", "at most 2000 characters of UTF-8");
  return errors.Status();
}

}  // namespace rmhub::complaint
