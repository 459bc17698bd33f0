#pragma once
// The filterable fields of ListComplaints (AIP-160 subset, common/api/filter.h), as published in
// the contract. The MySQL repository maps them to SQL.

#include "common/api/filter.h"

namespace rmhub::complaint {

// state, sla_state, category, channel, handler, handler_team, branch, customer, receive_time,
// deadline.
const api::FilterSchema& ComplaintFilterSchema();

}  // namespace rmhub::complaint
