#pragma once
// Who may see and change which task and meeting (DOMAIN.md §7, issue 9 point 9). Checked on every
// call and every object; a caller who may not see a task gets NOT_FOUND, exactly as for a task
// that does not exist.
//
//   a task           its creator and assignees; a TEAM_LEAD of its serving or requesting team;
//                    a BRANCH_MANAGER of the serving team's branch; service principals (each
//                    kept to its methods by --service_method_acl: the complaint service creates
//                    and reads complaint tasks); and, to read, whoever may see its related
//                    customer (the customer service's own rule, customer::AccessPolicy)
//   a meeting        its attendees and recorder, a TEAM_LEAD of its team, a BRANCH_MANAGER of
//                    its branch, service principals
//   create a task    a member of its team (or, for a cross-department request, of the
//                    requesting team), a BRANCH_MANAGER of the team's branch, a service
//   record a meeting a member of the team or a BRANCH_MANAGER of its branch
//   accept/decline   the serving team's leader (from the team service) or its BRANCH_MANAGER
//   suggest/workload a TEAM_LEAD of the team, a BRANCH_MANAGER of its branch, a service; a
//                    member's own workload is theirs to read

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/list_scope.h"
#include "common/auth/principal.h"
#include "rmhub/task/v1/task.pb.h"

namespace rmhub::task {

class TaskAccessPolicy {
 public:
  // Without the customer rule (the service asks that one separately).
  static bool CanAccessTask(const auth::Principal& p, const v1::Task& task, int64_t branch_id);
  // The list scope of tasks: everything for services; for staff their own (creator or
  // assignee), their teams' when TEAM_LEAD, their branch's when BRANCH_MANAGER.
  static api::ListScope TaskListScope(const auth::Principal& p);
  static bool CanAccessMeeting(const auth::Principal& p, const v1::Meeting& meeting,
                               int64_t branch_id);
  static api::ListScope MeetingListScope(const auth::Principal& p);
  // PERMISSION_DENIED unless the caller may create work for `team_id` (in `branch_id`).
  static absl::Status CanCreateFor(const auth::Principal& p, int64_t team_id, int64_t branch_id);
  // PERMISSION_DENIED unless the caller leads `team_id` (leader from the team service) or
  // manages `branch_id`.
  static absl::Status CanLead(const auth::Principal& p, int64_t leader_member_id,
                              int64_t branch_id);
  // A team's workload and suggestions: its leader, its branch manager, services.
  static absl::Status CanManageTeam(const auth::Principal& p, int64_t team_id, int64_t branch_id);
  // The creator named on a new task: "members/{id}" or "services/{service}".
  static std::string CreatorOf(const auth::Principal& p);
};

}  // namespace rmhub::task
