#include "services/customer/domain/access_policy.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/auth/roles.h"
#include "common/pii/masking.h"
#include "common/status/errors.h"

namespace rmhub::customer {
namespace {

int64_t IdIn(const std::string& name, absl::string_view collection) {
  auto id = api::ParseName(name, collection, "name");
  return id.ok() ? *id : 0;
}

bool IsStaff(const auth::Principal& p) { return !p.is_service() && p.member_id != 0; }

}  // namespace

bool AccessPolicy::CanAccess(const auth::Principal& p, const v1::Customer& c, Access access) {
  if (p.is_service()) return access == Access::kRead;
  if (!IsStaff(p)) return false;
  if (!c.owner().empty() && IdIn(c.owner(), "members") == p.member_id) return true;
  if (p.HasRole(auth::kRoleTeamLead) && !c.team().empty() && p.InTeam(IdIn(c.team(), "teams")))
    return true;
  return p.HasRole(auth::kRoleBranchManager) && p.branch_id != 0 &&
         IdIn(c.branch(), "branches") == p.branch_id;
}

absl::Status AccessPolicy::Check(const auth::Principal& p, const v1::Customer& c, Access access) {
  if (CanAccess(p, c, access)) return absl::OkStatus();
  return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
}

absl::StatusOr<api::ListScope> AccessPolicy::ListScope(const auth::Principal& p) {
  if (p.is_service()) return api::ListScope::All();
  if (!IsStaff(p)) return PermissionDenied("NO_MEMBER", "the caller is not a member of staff");
  api::ListScope scope;
  scope.owner_member_id = p.member_id;
  if (p.HasRole(auth::kRoleTeamLead)) scope.team_ids = p.team_ids;
  if (p.HasRole(auth::kRoleBranchManager)) scope.branch_id = p.branch_id;
  return scope;
}

absl::Status AccessPolicy::CanManageBook(const auth::Principal& p, int64_t branch_id,
                                         int64_t team_id) {
  if (IsStaff(p) && p.HasRole(auth::kRoleBranchManager) && p.branch_id == branch_id)
    return absl::OkStatus();
  if (IsStaff(p) && p.HasRole(auth::kRoleTeamLead) && team_id != 0 && p.InTeam(team_id)) {
    return absl::OkStatus();
  }
  return BookManagerRequired();
}

bool AccessPolicy::MayManageSomeBook(const auth::Principal& p) {
  return IsStaff(p) && (p.HasRole(auth::kRoleBranchManager) || p.HasRole(auth::kRoleTeamLead));
}

absl::Status AccessPolicy::BookManagerRequired() {
  return PermissionDenied("BOOK_MANAGER_REQUIRED",
                          "only the branch manager or the team's lead assigns customers");
}

absl::Status AccessPolicy::CanCreateIn(const auth::Principal& p, int64_t branch_id) {
  if (IsStaff(p) && p.branch_id == branch_id &&
      (p.HasRole(auth::kRoleBranchManager) || p.HasRole(auth::kRoleTeamLead) ||
       p.HasRole(auth::kRoleRelationshipManager))) {
    return absl::OkStatus();
  }
  return PermissionDenied("OTHER_BRANCH", "customers are created by staff of their own branch");
}

bool AccessPolicy::MaySeePii(const auth::Principal& p) {
  return p.HasPermission(auth::kPermPiiRead);
}

absl::Status AccessPolicy::CanReadAudit(const auth::Principal& p) {
  if (p.HasPermission(auth::kPermAuditRead)) return absl::OkStatus();
  return PermissionDenied("AUDIT_READ_REQUIRED", "the PII audit trail needs audit.read");
}

void MaskPii(v1::Customer& c) {
  if (!c.national_id().empty()) c.set_national_id(pii::MaskNationalId(c.national_id()));
  if (!c.credit_code().empty()) c.set_credit_code(pii::MaskCreditCode(c.credit_code()));
  if (!c.contact_phone().empty()) c.set_contact_phone(pii::MaskPhone(c.contact_phone()));
  c.set_pii_masked(true);
}

}  // namespace rmhub::customer
