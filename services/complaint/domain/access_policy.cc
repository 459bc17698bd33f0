#include "services/complaint/domain/access_policy.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/auth/roles.h"
#include "common/status/errors.h"

namespace rmhub::complaint {
namespace {

int64_t IdOf(const std::string& name, const char* collection) {
  if (name.empty()) return 0;
  absl::StatusOr<int64_t> id = api::ParseName(name, collection, "name");
  return id.ok() ? *id : 0;
}

bool Compliance(const auth::Principal& p) { return p.HasPermission(auth::kPermComplaintAll); }

bool BranchManagerOf(const auth::Principal& p, const v1::Complaint& c) {
  return p.HasRole(auth::kRoleBranchManager) && p.branch_id != 0 &&
         p.branch_id == IdOf(c.branch(), "branches");
}

bool TeamLeadOf(const auth::Principal& p, const v1::Complaint& c) {
  const int64_t team = IdOf(c.handler_team(), "teams");
  return p.HasRole(auth::kRoleTeamLead) && team != 0 && p.InTeam(team);
}

bool HandlerOf(const auth::Principal& p, const v1::Complaint& c) {
  return !p.is_service() && p.member_id != 0 && !c.handler().empty() && c.handler() == p.subject;
}

}  // namespace

bool AccessPolicy::IsComplainedAbout(const auth::Principal& p, const v1::Complaint& c) {
  return !p.is_service() && !c.complained_about().empty() && c.complained_about() == p.subject;
}

bool AccessPolicy::CanAccess(const auth::Principal& p, const v1::Complaint& c, Access access) {
  if (p.is_service()) return access == Access::kRead;
  const bool manager = Compliance(p) || BranchManagerOf(p, c) || TeamLeadOf(p, c);
  switch (access) {
    case Access::kRead:
      return manager || HandlerOf(p, c);
    case Access::kWork:
      // The recused never work it, whatever grant they hold.
      return (manager || HandlerOf(p, c)) && !IsComplainedAbout(p, c);
    case Access::kManage:
      return manager && !IsComplainedAbout(p, c);
    case Access::kVerify:
      return Compliance(p) || BranchManagerOf(p, c);
  }
  return false;
}

absl::Status AccessPolicy::Check(const auth::Principal& p, const v1::Complaint& c, Access access) {
  if (!CanAccess(p, c, Access::kRead)) {
    return NotFound("COMPLAINT_NOT_FOUND", "no such complaint");
  }
  if (CanAccess(p, c, access)) return absl::OkStatus();
  if (IsComplainedAbout(p, c)) {
    return PermissionDenied("RECUSED", "the manager complained about may not work this complaint");
  }
  return PermissionDenied(
      "NOT_ALLOWED", access == Access::kWork
                         ? "only the handler, their team lead, the branch manager or compliance"
                     : access == Access::kVerify
                         ? "only compliance or the branch manager may verify the history"
                         : "only the team lead, the branch manager or compliance");
}

absl::StatusOr<api::ListScope> AccessPolicy::ListScope(const auth::Principal& p) {
  if (p.is_service() || Compliance(p)) return api::ListScope::All();
  api::ListScope scope;
  if (p.HasRole(auth::kRoleBranchManager) && p.branch_id != 0) scope.branch_id = p.branch_id;
  if (p.HasRole(auth::kRoleTeamLead)) scope.team_ids = p.team_ids;
  if (p.member_id != 0) scope.owner_member_id = p.member_id;  // the handler's own
  if (scope.Empty()) {
    return PermissionDenied("NOT_ALLOWED", "this caller may see no complaints");
  }
  return scope;
}

absl::Status AccessPolicy::CheckFiling(const auth::Principal& p, const std::string& owner,
                                       int64_t team_id, int64_t branch_id) {
  const bool allowed =
      p.is_service() || Compliance(p) || (!owner.empty() && owner == p.subject) ||
      (p.HasRole(auth::kRoleTeamLead) && team_id != 0 && p.InTeam(team_id)) ||
      (p.HasRole(auth::kRoleBranchManager) && p.branch_id != 0 && p.branch_id == branch_id);
  if (allowed) return absl::OkStatus();
  return FailedPrecondition("CUSTOMER_NOT_FOUND", "complaint.customer: no such customer");
}

absl::StatusOr<api::ListScope> AccessPolicy::StatisticsScope(const auth::Principal& p) {
  if (p.is_service() || Compliance(p)) return api::ListScope::All();
  api::ListScope scope;
  if (p.HasRole(auth::kRoleBranchManager) && p.branch_id != 0) scope.branch_id = p.branch_id;
  if (p.HasRole(auth::kRoleTeamLead)) scope.team_ids = p.team_ids;
  if (scope.Empty()) {
    return PermissionDenied("NOT_ALLOWED",
                            "statistics are for compliance, branch managers and team leads");
  }
  return scope;
}

void RedactFor(const auth::Principal& p, v1::Complaint& c, const std::string& complained_about) {
  if (p.is_service() || complained_about.empty() || complained_about != p.subject) return;
  c.clear_findings();
  c.clear_solution();
}

bool IsInvestigationRow(const HistoryRow& row) {
  auto investigative = [](v1::ComplaintState s) {
    return s == v1::INVESTIGATING || s == v1::SOLUTION_PROPOSED;
  };
  return row.kind == v1::STEP && (investigative(row.from_state) || investigative(row.to_state));
}

}  // namespace rmhub::complaint
