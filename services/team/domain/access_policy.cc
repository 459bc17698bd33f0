#include "services/team/domain/access_policy.h"

#include "common/auth/roles.h"
#include "common/status/errors.h"

namespace rmhub::team {

bool AccessPolicy::SeesAllBranches(const auth::Principal& p) {
  return p.is_service() || p.HasPermission(auth::kPermTeamAdmin);
}

absl::Status AccessPolicy::CanReadBranchStaff(const auth::Principal& p, int64_t branch_id) {
  if (SeesAllBranches(p) || (p.branch_id != 0 && p.branch_id == branch_id)) {
    return absl::OkStatus();
  }
  return PermissionDenied("OTHER_BRANCH", "the caller may not see another branch's staff");
}

absl::StatusOr<api::ListScope> AccessPolicy::StaffListScope(const auth::Principal& p) {
  if (SeesAllBranches(p)) return api::ListScope::All();
  if (p.branch_id == 0) return PermissionDenied("NO_BRANCH", "the caller belongs to no branch");
  return api::ListScope::Branch(p.branch_id);
}

absl::Status AccessPolicy::CanCreateBranch(const auth::Principal& p) {
  if (p.HasPermission(auth::kPermTeamAdmin)) return absl::OkStatus();
  return PermissionDenied("TEAM_ADMIN_REQUIRED",
                          "creating a branch needs the team.admin permission");
}

absl::Status AccessPolicy::CanManageBranch(const auth::Principal& p, int64_t branch_id) {
  if (p.HasPermission(auth::kPermTeamAdmin)) return absl::OkStatus();
  if (!p.is_service() && p.HasRole(auth::kRoleBranchManager) && p.branch_id == branch_id) {
    return absl::OkStatus();
  }
  return PermissionDenied("BRANCH_MANAGER_REQUIRED",
                          "only the branch's manager or head-office HR may change this");
}

absl::Status AccessPolicy::CanManageRoster(const auth::Principal& p, int64_t branch_id,
                                           int64_t leader_id) {
  if (CanManageBranch(p, branch_id).ok()) return absl::OkStatus();
  if (!p.is_service() && leader_id != 0 && p.member_id == leader_id) return absl::OkStatus();
  return PermissionDenied("TEAM_LEADER_REQUIRED",
                          "only the team's leader or its branch manager may change this");
}

absl::Status AccessPolicy::CanListIneligibleHolders(const auth::Principal& p, int64_t branch_id) {
  if (p.is_service()) return absl::OkStatus();
  return CanManageBranch(p, branch_id);
}

}  // namespace rmhub::team
