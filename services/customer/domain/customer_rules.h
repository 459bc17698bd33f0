#pragma once
// Shape rules for a customer, whatever the caller sends: required fields per type, PII formats
// (check digits), CNY amounts, enums. Violations are reported per field, never with the value.

#include <string>
#include <vector>

#include "common/status/errors.h"
#include "rmhub/customer/v1/customer.pb.h"

namespace rmhub::customer {

// Validates and normalises `c` in place (PII upper-cased and stripped of separators, currency
// defaulted to CNY, status defaulted to PROSPECT). `today` bounds the birthday.
void NormalizeAndValidate(v1::Customer& c, const std::string& prefix, absl::CivilDay today,
                          FieldErrors& errors);

// The natural key of an import row: the national ID (retail, private banking) or credit code
// (corporate), normalised.
std::string NaturalKey(const v1::Customer& c);

// Clears every output-only field (name, owner, team, branch, tiers, archived, pii_masked,
// times, etag): what a caller sends there on create or import is ignored.
void ClearOutputOnly(v1::Customer& c);

// The fields only a branch manager or a permitted service principal may set (the inputs of caps
// and scorecards) that differ between `before` and `after`: "aum", "annual_contribution",
// "key_account".
std::vector<std::string> ChangedRestrictedFields(const v1::Customer& before,
                                                 const v1::Customer& after);

// Whether two customers differ in any field a caller can set (import's UNCHANGED).
bool SameWritableFields(const v1::Customer& a, const v1::Customer& b);

}  // namespace rmhub::customer
