#pragma once
// Helpers shared by the customer_service*.cc files. Not part of the service's interface.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/api/date.h"
#include "common/api/field_mask.h"
#include "common/api/list_query.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/status/errors.h"
#include "rmhub/customer/v1/customer.pb.h"

namespace rmhub::customer::internal {

inline constexpr char kSource[] = "customer";

// Reason of the status a Write body returns to roll back a dry run / validate-only call.
inline constexpr char kRollbackReason[] = "ROLLBACK_REQUESTED";
absl::Status RollbackRequested();
bool IsRollbackRequested(const absl::Status& status);

using api::IdOf;
// The first violation's description for `field` (for merging parse errors into FieldErrors).
void AddParseError(const absl::Status& status, const std::string& field, FieldErrors& errors);

using api::ToDate;

// Which PII fields a customer carries (non-empty).
std::vector<v1::PiiField> PiiFieldsOf(const v1::Customer& c);
// Which PII fields differ between two customers.
std::vector<v1::PiiField> ChangedPiiFields(const v1::Customer& before, const v1::Customer& after);

// The copy of a customer that may travel in an event: PII masked.
v1::Customer ForEvent(v1::Customer c);

// The payload of customer.assigned / transferred / handed_over: `after` is the customer as it is
// held now (owner, team, branch, type, key flag), `record` the history record written.
v1::CustomerOwnershipChanged OwnershipChanged(const v1::Customer& after,
                                              const v1::AssignmentRecord& record);
// The payload of customer.status_changed.
v1::CustomerStatusChanged StatusChanged(const v1::Customer& before, const v1::Customer& after);

}  // namespace rmhub::customer::internal
