#pragma once
// Who may read and change what in the team service (DOMAIN.md §7). Checked on every call and
// every object, before existence is revealed: a caller who may not see a branch's staff gets
// PERMISSION_DENIED whether or not the member exists.
//
//   read branches             anyone authenticated
//   create branches           team.admin (head-office HR)
//   update a branch           team.admin, or that branch's BRANCH_MANAGER
//   read members and teams    team.admin, service principals, or staff of the same branch
//   change members, ladder,
//   certifications, mentoring team.admin, or the member's BRANCH_MANAGER
//   create teams, set leaders team.admin, or the team's BRANCH_MANAGER
//   roster and goals          the above, or the team's leader
//   ladder changes            by level (ladder.h): the member's team leader (stored), branch
//                             manager, region permission holder or head office
//   ineligible holders        the branch's manager, team.admin, service principals
// Service principals only read: the customer service asks eligibility, lists a branch's
// ineligible holders and reads members and teams (team-lead scope); the task service reads
// members and teams.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/list_scope.h"
#include "common/auth/principal.h"

namespace rmhub::team {

class AccessPolicy {
 public:
  static bool SeesAllBranches(const auth::Principal& p);
  static absl::Status CanReadBranchStaff(const auth::Principal& p, int64_t branch_id);
  // Whose members, teams and mentorships a list shows: everything for those who see all
  // branches, else the caller's branch; PERMISSION_DENIED (NO_BRANCH) for staff of no branch.
  static absl::StatusOr<api::ListScope> StaffListScope(const auth::Principal& p);
  static absl::Status CanCreateBranch(const auth::Principal& p);
  static absl::Status CanManageBranch(const auth::Principal& p, int64_t branch_id);
  static absl::Status CanManageRoster(const auth::Principal& p, int64_t branch_id,
                                      int64_t leader_id);
  // ListIneligibleHolders: the branch's manager, head office, or a service principal (the
  // customer service; --service_method_acl says which services may call it).
  static absl::Status CanListIneligibleHolders(const auth::Principal& p, int64_t branch_id);
};

}  // namespace rmhub::team
