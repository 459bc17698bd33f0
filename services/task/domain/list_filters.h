#pragma once
// The filterable fields of the task service's List methods (AIP-160 subset, common/api/filter.h),
// as published in services/task/README.md. The MySQL repository maps them to SQL.

#include <cstdint>

#include "common/api/filter.h"

namespace rmhub::task {

// assignee, team, requesting_team, status, type, priority, acceptance, due_time, overdue,
// related_customer, related_complaint, meeting.
const api::FilterSchema& TaskFilterSchema();
// The customer a ListTasks filter pins with `related_customer = "customers/N"` (N), else 0. A
// caller who may see that customer lists all of its tasks (the filter keeps the list to them).
int64_t PinnedCustomer(const api::FilterExpr& filter);
// team, start_time.
const api::FilterSchema& MeetingFilterSchema();

}  // namespace rmhub::task
