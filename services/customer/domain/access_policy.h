#pragma once
// Who may see and change which customers (DOMAIN.md §7, no BOLA):
//   a relationship manager — the customers they hold;
//   a team lead           — their teams' customers;
//   a branch manager      — their branch's customers, assigned or not;
//   service principals    — read every customer (task, complaint, analytics need them), no writes;
// anyone else nothing. A customer the caller may not see is NOT_FOUND, the same answer as for one
// that does not exist, so ids cannot be probed. PII comes back masked unless the caller holds
// pii.read; the audit trail needs audit.read.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/list_scope.h"
#include "common/auth/principal.h"
#include "rmhub/customer/v1/customer.pb.h"

namespace rmhub::customer {

enum class Access { kRead, kWrite };

class AccessPolicy {
 public:
  static bool CanAccess(const auth::Principal& p, const v1::Customer& c, Access access);
  // NOT_FOUND CUSTOMER_NOT_FOUND unless CanAccess.
  static absl::Status Check(const auth::Principal& p, const v1::Customer& c, Access access);
  // Whose customers a list shows this caller, the same rule as CanAccess(kRead) as a typed
  // scope the store applies: everything for service principals; for staff the customers they
  // own, their teams' (team leads) and their branch's (branch managers); PERMISSION_DENIED for
  // those who see nothing.
  static absl::StatusOr<api::ListScope> ListScope(const auth::Principal& p);
  // Assigning, transferring and handing over customers of a branch: its branch manager, or a
  // team lead for customers of their own teams.
  static absl::Status CanManageBook(const auth::Principal& p, int64_t branch_id, int64_t team_id);
  // Whether the caller could manage any book at all (a branch manager or team lead on staff):
  // decided from the token alone, before anything is read or asked.
  static bool MayManageSomeBook(const auth::Principal& p);
  // The one denial CanManageBook answers (PERMISSION_DENIED BOOK_MANAGER_REQUIRED).
  static absl::Status BookManagerRequired();
  // Creating (unassigned) and importing customers into a branch.
  static absl::Status CanCreateIn(const auth::Principal& p, int64_t branch_id);
  static bool MaySeePii(const auth::Principal& p);
  static absl::Status CanReadAudit(const auth::Principal& p);
};

// Replaces national ID, credit code and phone with their masked forms and sets pii_masked.
void MaskPii(v1::Customer& c);

}  // namespace rmhub::customer
