#pragma once
// The task's life (DOMAIN.md §4): the status machine, the dependency rule, the acceptance step of
// cross-department requests and the four-eyes rule (双人调查/双人贷后检查). Pure rules: no I/O;
// the service loads what they look at and stores what they decide.
//
//   TODO ──► IN_PROGRESS ◄──► BLOCKED
//    │            │              │
//    │            ▼              │
//    │          DONE             │
//    └──────► CANCELLED ◄────────┘   (IN_PROGRESS may be cancelled too)
//
// DONE and CANCELLED are final. Four-eyes tasks (DUE_DILIGENCE, POST_LOAN_CHECK) reach DONE only
// through the second assignee's signature, never through a plain transition.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rmhub/task/v1/task.pb.h"

namespace rmhub::task {

// The statuses a task in `from` may move to (empty for DONE and CANCELLED).
std::vector<v1::TaskStatus> AllowedNext(v1::TaskStatus from);

// True for DUE_DILIGENCE and POST_LOAN_CHECK.
bool IsFourEyes(v1::TaskType type);

// Open means it still asks for work: TODO, IN_PROGRESS, BLOCKED.
bool IsOpen(v1::TaskStatus status);

// Whether the task is open work of its assignees now (workload, suggestions): open, and not a
// cross-department request still waiting for acceptance or declined.
bool CountsAsWork(const v1::Task& task);

// Decides a TransitionTask. `dependencies` are the tasks `task` depends on, as stored now.
//  - the move must be in AllowedNext: FAILED_PRECONDITION ILLEGAL_TRANSITION naming the allowed
//    ones (or "none: <status> is final");
//  - BLOCKED and CANCELLED need a reason (INVALID_ARGUMENT on "reason", 1–500 characters);
//  - IN_PROGRESS from TODO needs every dependency DONE (DEPENDENCY_NOT_DONE naming them), an
//    accepted request when it is cross-department (REQUEST_NOT_ACCEPTED), at least one
//    assignee (NO_ASSIGNEE) and, for four-eyes types, two distinct assignees (FOUR_EYES_NEEDS_TWO);
//  - DONE of a four-eyes task is refused (FOUR_EYES_SIGN_OFF_REQUIRED: both assignees sign).
absl::Status DecideTransition(const v1::Task& task, v1::TaskStatus to, absl::string_view reason,
                              const std::vector<v1::Task>& dependencies);

// Applies an allowed transition at `now` (status, reason, start/complete time, on-time flag,
// progress 100 on DONE).
void ApplyTransition(v1::Task& task, v1::TaskStatus to, absl::string_view reason, absl::Time now);

// Checks the assignees a task would have (at creation and on update), whatever its status:
// at most 10, each "members/{id}", distinct; a four-eyes type holds at most 2, and a four-eyes
// task that has started keeps exactly 2 (FAILED_PRECONDITION FOUR_EYES_NEEDS_TWO). A signer may
// not be removed (SIGNER_REMOVED). `field` names the request field ("task.assignees").
absl::Status CheckAssignees(const v1::Task& task, const std::vector<std::string>& assignees,
                            const std::string& field);

// What a member is, as far as four-eyes eligibility is concerned (from the team service).
struct Signer {
  std::string member;  // "members/{id}"
  bool active = false;
  // RELATIONSHIP_MANAGER, TEAM_LEAD, BRANCH_MANAGER, or BACK_OFFICE with the RISK function.
  bool may_check = false;
};

// Both assignees of a four-eyes task must be active and allowed to check; the customer's own
// manager (`customer_owner`, "members/{id}" or "") may be one of the two but never both —
// which two distinct assignees already guarantee — and is reported when the other is not
// eligible, so a manager never checks their own customer's loan alone.
// FAILED_PRECONDITION SIGNER_NOT_ELIGIBLE naming the member.
absl::Status CheckFourEyesSigners(const std::vector<Signer>& signers,
                                  const std::string& customer_owner);

// Decides one assignee's sign-off: the task must be four-eyes (NOT_FOUR_EYES), IN_PROGRESS
// (TASK_NOT_IN_PROGRESS; a cancelled or done task takes no signature), the signer one of its
// assignees (PERMISSION_DENIED NOT_AN_ASSIGNEE) who has not signed yet (ALREADY_SIGNED), and the
// attestation 10–2000 characters (INVALID_ARGUMENT "attestation"). On success the signature is
// appended; with the second one the task is DONE at `now`. Returns true when it became DONE.
absl::StatusOr<bool> SignOff(v1::Task& task, const std::string& signer,
                             absl::string_view attestation, absl::Time now);

// Due time passed and still open.
bool IsOverdue(const v1::Task& task, absl::Time now);

}  // namespace rmhub::task
