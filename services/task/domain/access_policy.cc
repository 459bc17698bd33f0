#include "services/task/domain/access_policy.h"

#include <algorithm>

#include "common/api/resource_name.h"
#include "common/auth/roles.h"
#include "common/status/errors.h"

namespace rmhub::task {
namespace {

bool IsTeamLeadOf(const auth::Principal& p, const std::string& team) {
  return !team.empty() && p.HasRole(auth::kRoleTeamLead) && p.InTeam(api::IdOf(team, "teams"));
}

bool IsBranchManagerOf(const auth::Principal& p, int64_t branch_id) {
  return branch_id != 0 && p.HasRole(auth::kRoleBranchManager) && p.branch_id == branch_id;
}

}  // namespace

bool TaskAccessPolicy::CanAccessTask(const auth::Principal& p, const v1::Task& task,
                                     int64_t branch_id) {
  if (p.is_service()) return true;
  if (p.member_id == 0) return false;
  if (task.creator() == p.subject) return true;
  if (std::find(task.assignees().begin(), task.assignees().end(), p.subject) !=
      task.assignees().end()) {
    return true;
  }
  return IsTeamLeadOf(p, task.team()) || IsTeamLeadOf(p, task.requesting_team()) ||
         IsBranchManagerOf(p, branch_id);
}

api::ListScope TaskAccessPolicy::TaskListScope(const auth::Principal& p) {
  if (p.is_service()) return api::ListScope::All();
  api::ListScope scope;
  if (p.member_id == 0) return scope;
  scope.owner_member_id = p.member_id;
  if (p.HasRole(auth::kRoleTeamLead)) scope.team_ids = p.team_ids;
  if (p.HasRole(auth::kRoleBranchManager)) scope.branch_id = p.branch_id;
  return scope;
}

bool TaskAccessPolicy::CanAccessMeeting(const auth::Principal& p, const v1::Meeting& meeting,
                                        int64_t branch_id) {
  if (p.is_service()) return true;
  if (p.member_id == 0) return false;
  if (meeting.recorder() == p.subject) return true;
  if (std::find(meeting.attendees().begin(), meeting.attendees().end(), p.subject) !=
      meeting.attendees().end()) {
    return true;
  }
  return IsTeamLeadOf(p, meeting.team()) || IsBranchManagerOf(p, branch_id);
}

api::ListScope TaskAccessPolicy::MeetingListScope(const auth::Principal& p) {
  return TaskListScope(p);
}

absl::Status TaskAccessPolicy::CanCreateFor(const auth::Principal& p, int64_t team_id,
                                            int64_t branch_id) {
  if (p.is_service() || (p.member_id != 0 && p.InTeam(team_id)) ||
      IsBranchManagerOf(p, branch_id)) {
    return absl::OkStatus();
  }
  return PermissionDenied("NOT_IN_TEAM", "only members of the team may create its work");
}

absl::Status TaskAccessPolicy::CanLead(const auth::Principal& p, int64_t leader_member_id,
                                       int64_t branch_id) {
  if ((p.member_id != 0 && p.member_id == leader_member_id) || IsBranchManagerOf(p, branch_id)) {
    return absl::OkStatus();
  }
  return PermissionDenied("NOT_TEAM_LEAD", "only the serving team's lead may accept or decline");
}

absl::Status TaskAccessPolicy::CanManageTeam(const auth::Principal& p, int64_t team_id,
                                             int64_t branch_id) {
  if (p.is_service() || IsBranchManagerOf(p, branch_id) ||
      (p.HasRole(auth::kRoleTeamLead) && p.InTeam(team_id))) {
    return absl::OkStatus();
  }
  return PermissionDenied("NOT_TEAM_LEAD", "only the team's lead or branch manager may see this");
}

std::string TaskAccessPolicy::CreatorOf(const auth::Principal& p) { return p.subject; }

}  // namespace rmhub::task
