#pragma once
// The complaint's workflow (投诉处理流程, DOMAIN.md §5). Pure rules: no I/O.
//
//   RECEIVED ─► UNDER_REVIEW ─► ASSIGNED ─► INVESTIGATING ─► SOLUTION_PROPOSED ─► AWAITING_CUSTOMER
//                   │                          ▲    ▲                ▲                │ accept
//                   ▼                          │    │ escalate       └──── revise ────┤
//                REJECTED            REOPENED ─┘    └─────────────────────────────────┤
//                                       ▲                                              ▼
//                                       └──────── CLOSED ◄── FOLLOW_UP ◄────────── EXECUTING
//
// Every open state (all but CLOSED, REJECTED, WITHDRAWN) may go to WITHDRAWN. REJECTED and
// WITHDRAWN are final; CLOSED only reopens.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "rmhub/complaint/v1/complaint.pb.h"

namespace rmhub::complaint {

// The states a complaint in `from` may move to, in workflow order (WITHDRAWN last).
std::vector<v1::ComplaintState> AllowedNext(v1::ComplaintState from);

// Open: neither CLOSED, REJECTED nor WITHDRAWN.
bool IsOpen(v1::ComplaintState state);

// Reaching this state stops the clock of the current period: AWAITING_CUSTOMER (the decision
// reached the complainant), REJECTED, WITHDRAWN, CLOSED.
bool StopsClock(v1::ComplaintState to);

// A routed state: a handler is set (ASSIGNED … FOLLOW_UP, REOPENED).
bool IsRouted(v1::ComplaintState state);

// FAILED_PRECONDITION ILLEGAL_STEP "cannot go from X to Y; allowed: A, B" (or "none (X is
// final)"); INVALID_ARGUMENT on `field` for an unspecified target.
absl::Status CheckStep(v1::ComplaintState from, v1::ComplaintState to,
                       const std::string& field = "state");

// The complaint may close only when none of its linked tasks is open:
// FAILED_PRECONDITION TASKS_OPEN naming them.
absl::Status CheckNoOpenTasks(const std::vector<std::string>& open_tasks);

// CloseComplaint's own input: satisfaction 1–5, a root cause, a note of at most 2000 characters.
absl::Status ValidateClosing(int satisfaction, v1::RootCause root_cause,
                             const std::string& root_cause_note);

}  // namespace rmhub::complaint
