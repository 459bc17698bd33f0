#pragma once
// Who may see and work which complaints (DOMAIN.md §5 and §7, no BOLA):
//   compliance (permission complaint.all) — every complaint;
//   a branch manager                       — the complaints counted against their branch;
//   a team lead                            — the complaints routed to their teams;
//   the handler                            — the complaints routed to them;
//   service principals                     — read every complaint (analytics, task), no steps;
// anyone else nothing. A complaint the caller may not see is NOT_FOUND COMPLAINT_NOT_FOUND, the
// same answer as for one that does not exist. The manager complained about never sees the
// investigation (findings, solution, investigation notes of the history), whatever other grant
// they hold.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/list_scope.h"
#include "common/auth/principal.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/domain/history_chain.h"

namespace rmhub::complaint {

enum class Access {
  kRead,    // Get, BatchGet, List, history
  kWork,    // the handler's steps: investigate, propose, reply, execute, follow up
  kManage,  // review, reject, assign, reassign, extend, close, reopen: team lead, branch
            // manager, compliance
  kVerify,  // VerifyComplaintHistory: compliance, the branch manager
};

class AccessPolicy {
 public:
  static bool CanAccess(const auth::Principal& p, const v1::Complaint& c, Access access);
  // NOT_FOUND COMPLAINT_NOT_FOUND when the caller may not even read it; PERMISSION_DENIED
  // NOT_ALLOWED naming what is missing when they may read it but not do this.
  static absl::Status Check(const auth::Principal& p, const v1::Complaint& c, Access access);
  // The complaints a list shows: all (compliance, services); the branch (branch managers); the
  // teams (team leads); the handler's own (owner grant = the handler). PERMISSION_DENIED for
  // callers who see none.
  static absl::StatusOr<api::ListScope> ListScope(const auth::Principal& p);
  // Who may file a complaint for a customer (owner "members/{id}", the owner's team and the
  // customer's branch as the customer service reports them): the customer's relationship
  // manager, the lead of that team, the branch manager of that branch, compliance and service
  // principals. Others get FAILED_PRECONDITION CUSTOMER_NOT_FOUND — as for a customer that does
  // not exist, so a filing does not reveal whom a caller cannot see.
  static absl::Status CheckFiling(const auth::Principal& p, const std::string& owner,
                                  int64_t team_id, int64_t branch_id);
  // The complaints statistics count: compliance and services all, a branch manager the branch,
  // a team lead the teams. PERMISSION_DENIED for anyone else (handlers get no statistics).
  static absl::StatusOr<api::ListScope> StatisticsScope(const auth::Principal& p);
  // The manager complained about: the caller is that member.
  static bool IsComplainedAbout(const auth::Principal& p, const v1::Complaint& c);
};

// Clears what the manager complained about may not see (findings, solution); no-op for others.
void RedactFor(const auth::Principal& p, v1::Complaint& c, const std::string& complained_about);

// History rows whose notes belong to the investigation (steps into and out of INVESTIGATING,
// SOLUTION_PROPOSED): their notes are blanked for the manager complained about. The stored row
// and its hash are unchanged; verification runs on stored rows only.
bool IsInvestigationRow(const HistoryRow& row);

}  // namespace rmhub::complaint
