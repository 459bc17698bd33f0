#include "services/analytics/domain/access_policy.h"

#include "common/auth/roles.h"
#include "common/status/errors.h"

namespace rmhub::analytics {
namespace {

bool Allowed(const auth::Principal& p, ScopeKind kind, int64_t id, const SubjectFacts& f) {
  if (p.is_service()) return false;
  if (p.HasPermission(auth::kPermAnalyticsRead)) return true;
  bool lead = p.HasRole(auth::kRoleTeamLead);
  bool branch_manager = p.HasRole(auth::kRoleBranchManager) && p.branch_id != 0;
  switch (kind) {
    case ScopeKind::kMember:
      if (p.member_id != 0 && p.member_id == id) return true;
      if (!f.member) return false;
      if (lead && f.member->home_team != 0 && p.InTeam(f.member->home_team)) return true;
      return branch_manager && f.member->branch == p.branch_id;
    case ScopeKind::kTeam:
      if (lead && p.InTeam(id)) return true;
      return branch_manager && f.team_in_callers_branch;
    case ScopeKind::kBranch:
      return branch_manager && p.branch_id == id;
  }
  return false;
}

}  // namespace

absl::Status CheckReadSubject(const auth::Principal& p, ScopeKind kind, int64_t id,
                              const SubjectFacts& facts) {
  if (Allowed(p, kind, id, facts)) return absl::OkStatus();
  return NotFound("SUBJECT_NOT_FOUND", "no such subject");
}

absl::Status CheckAdmin(const auth::Principal& p) {
  if (!p.is_service() && p.HasPermission(auth::kPermAnalyticsAdmin)) return absl::OkStatus();
  return PermissionDenied("ANALYTICS_ADMIN_REQUIRED",
                          "rebuilding projections needs analytics.admin");
}

}  // namespace rmhub::analytics
