#include "services/task/domain/workflow.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"

namespace rmhub::task {
namespace {

constexpr int kMaxAssignees = 10;
constexpr size_t kMaxReasonChars = 500;
constexpr size_t kMinAttestationChars = 10;
constexpr size_t kMaxAttestationChars = 2000;

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void SetTime(google::protobuf::Timestamp* ts, absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  ts->set_seconds(micros / 1000000);
  ts->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

// Unicode code points of valid UTF-8; the byte length for anything else (it is refused elsewhere).
size_t CodePoints(absl::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string StatusList(const std::vector<v1::TaskStatus>& statuses) {
  std::vector<std::string> names;
  for (v1::TaskStatus s : statuses) names.push_back(v1::TaskStatus_Name(s));
  return absl::StrJoin(names, ", ");
}

bool HasSigned(const v1::Task& task, const std::string& member) {
  return std::any_of(task.sign_offs().begin(), task.sign_offs().end(),
                     [&](const v1::SignOff& s) { return s.signer() == member; });
}

}  // namespace

std::vector<v1::TaskStatus> AllowedNext(v1::TaskStatus from) {
  switch (from) {
    case v1::TODO:
      return {v1::IN_PROGRESS, v1::CANCELLED};
    case v1::IN_PROGRESS:
      return {v1::BLOCKED, v1::DONE, v1::CANCELLED};
    case v1::BLOCKED:
      return {v1::IN_PROGRESS, v1::CANCELLED};
    default:
      return {};
  }
}

bool IsFourEyes(v1::TaskType type) {
  return type == v1::DUE_DILIGENCE || type == v1::POST_LOAN_CHECK;
}

bool IsOpen(v1::TaskStatus status) {
  return status == v1::TODO || status == v1::IN_PROGRESS || status == v1::BLOCKED;
}

bool CountsAsWork(const v1::Task& task) {
  return IsOpen(task.status()) && task.acceptance() != v1::PENDING_ACCEPTANCE &&
         task.acceptance() != v1::DECLINED;
}

absl::Status DecideTransition(const v1::Task& task, v1::TaskStatus to, absl::string_view reason,
                              const std::vector<v1::Task>& dependencies) {
  if (to != v1::IN_PROGRESS && to != v1::BLOCKED && to != v1::DONE && to != v1::CANCELLED) {
    return InvalidField("status", "must be IN_PROGRESS, BLOCKED, DONE or CANCELLED");
  }
  const std::vector<v1::TaskStatus> allowed = AllowedNext(task.status());
  if (std::find(allowed.begin(), allowed.end(), to) == allowed.end()) {
    return FailedPrecondition(
        "ILLEGAL_TRANSITION",
        absl::StrCat("a ", v1::TaskStatus_Name(task.status()), " task cannot become ",
                     v1::TaskStatus_Name(to), "; allowed: ",
                     allowed.empty()
                         ? absl::StrCat("none (", v1::TaskStatus_Name(task.status()), " is final)")
                         : StatusList(allowed)));
  }
  if (to == v1::BLOCKED || to == v1::CANCELLED) {
    if (reason.empty() || CodePoints(reason) > kMaxReasonChars) {
      return InvalidField("reason", absl::StrCat("required to make a task ",
                                                 v1::TaskStatus_Name(to), ", 1-500 characters"));
    }
  }
  if (to == v1::IN_PROGRESS && task.status() == v1::TODO) {
    std::vector<std::string> open;
    for (const v1::Task& dep : dependencies) {
      if (dep.status() != v1::DONE) open.push_back(dep.name());
    }
    if (!open.empty()) {
      return FailedPrecondition(
          "DEPENDENCY_NOT_DONE",
          absl::StrCat("the task depends on ", absl::StrJoin(open, ", "), ", not DONE yet"));
    }
    if (task.acceptance() == v1::PENDING_ACCEPTANCE || task.acceptance() == v1::DECLINED) {
      return FailedPrecondition("REQUEST_NOT_ACCEPTED",
                                "the serving team's lead has not accepted this request");
    }
    if (task.assignees().empty()) {
      return FailedPrecondition("NO_ASSIGNEE", "assign the task before starting it");
    }
    if (IsFourEyes(task.type()) && task.assignees_size() != 2) {
      return FailedPrecondition("FOUR_EYES_NEEDS_TWO",
                                absl::StrCat(v1::TaskType_Name(task.type()),
                                             " needs two distinct assignees before it starts"));
    }
  }
  if (to == v1::DONE && IsFourEyes(task.type())) {
    return FailedPrecondition("FOUR_EYES_SIGN_OFF_REQUIRED",
                              "a four-eyes task is done when both assignees have signed off");
  }
  return absl::OkStatus();
}

void ApplyTransition(v1::Task& task, v1::TaskStatus to, absl::string_view reason, absl::Time now) {
  task.set_status(to);
  if (to == v1::BLOCKED || to == v1::CANCELLED) task.set_status_reason(std::string(reason));
  if (to == v1::IN_PROGRESS && !task.has_start_time()) SetTime(task.mutable_start_time(), now);
  if (to == v1::DONE) {
    SetTime(task.mutable_complete_time(), now);
    task.set_progress(100);
    task.set_completed_on_time(!task.has_due_time() || now <= ToTime(task.due_time()));
  }
  task.set_overdue(false);
}

absl::Status CheckAssignees(const v1::Task& task, const std::vector<std::string>& assignees,
                            const std::string& field) {
  if (static_cast<int>(assignees.size()) > kMaxAssignees) {
    return InvalidField(field, absl::StrCat("at most ", kMaxAssignees, " assignees"));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < assignees.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    RMHUB_RETURN_IF_ERROR(api::ParseName(assignees[i], "members", item).status());
    if (!seen.insert(assignees[i]).second) {
      return InvalidField(item, absl::StrCat(assignees[i], " is listed twice"));
    }
  }
  if (IsFourEyes(task.type())) {
    if (assignees.size() > 2) {
      return FailedPrecondition("FOUR_EYES_NEEDS_TWO",
                                "a four-eyes task has exactly two assignees");
    }
    if (task.status() != v1::TODO && assignees.size() != 2) {
      return FailedPrecondition("FOUR_EYES_NEEDS_TWO",
                                "a started four-eyes task keeps its two assignees");
    }
    for (const v1::SignOff& s : task.sign_offs()) {
      if (!seen.count(s.signer())) {
        return FailedPrecondition("SIGNER_REMOVED",
                                  absl::StrCat(s.signer(), " has signed and stays an assignee"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckFourEyesSigners(const std::vector<Signer>& signers,
                                  const std::string& customer_owner) {
  for (const Signer& s : signers) {
    if (!s.active || !s.may_check) {
      std::string why = !s.active ? "is not active" : "may not perform this check";
      if (!customer_owner.empty() && customer_owner != s.member) {
        absl::StrAppend(&why, " (the customer's own manager may not check alone)");
      }
      return FailedPrecondition("SIGNER_NOT_ELIGIBLE", absl::StrCat(s.member, " ", why));
    }
  }
  if (signers.size() == 2 && signers[0].member == signers[1].member) {
    return FailedPrecondition("FOUR_EYES_NEEDS_TWO", "the two assignees must be different people");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> SignOff(v1::Task& task, const std::string& signer,
                             absl::string_view attestation, absl::Time now) {
  const size_t chars = CodePoints(attestation);
  if (chars < kMinAttestationChars || chars > kMaxAttestationChars) {
    return InvalidField("attestation", "10-2000 characters stating what was checked");
  }
  if (!IsFourEyes(task.type())) {
    return FailedPrecondition("NOT_FOUR_EYES",
                              absl::StrCat(v1::TaskType_Name(task.type()),
                                           " tasks are completed with TransitionTask, not signed"));
  }
  if (task.status() != v1::IN_PROGRESS) {
    return FailedPrecondition(
        "TASK_NOT_IN_PROGRESS",
        absl::StrCat("a ", v1::TaskStatus_Name(task.status()), " task takes no signature"));
  }
  if (std::find(task.assignees().begin(), task.assignees().end(), signer) ==
      task.assignees().end()) {
    return PermissionDenied("NOT_AN_ASSIGNEE", "only the task's two assignees sign it off");
  }
  if (HasSigned(task, signer)) {
    return FailedPrecondition("ALREADY_SIGNED", absl::StrCat(signer, " has signed already"));
  }
  v1::SignOff* s = task.add_sign_offs();
  s->set_signer(signer);
  s->set_attestation(std::string(attestation));
  SetTime(s->mutable_sign_time(), now);
  const bool both = task.sign_offs_size() == 2;
  if (both) ApplyTransition(task, v1::DONE, "", now);
  return both;
}

bool IsOverdue(const v1::Task& task, absl::Time now) {
  return IsOpen(task.status()) && task.has_due_time() && ToTime(task.due_time()) < now;
}

}  // namespace rmhub::task
