#pragma once
// The filterable fields of each customer List method (AIP-160 subset, common/api/filter.h), as
// published in services/customer/README.md. No columns here: the MySQL repository maps these
// fields to SQL (tiers through the configured thresholds), the in-memory test store evaluates
// them directly.

#include "common/api/filter.h"

namespace rmhub::customer {

// asset_tier and value_tier are derived from money with the configured thresholds; "archived"
// defaults to false unless the filter names it (applied by the store).
const api::FilterSchema& CustomerFilterSchema();
const api::FilterSchema& PiiAuditFilterSchema();

}  // namespace rmhub::customer
