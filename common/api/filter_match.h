#pragma once
// Evaluates a typed filter in memory, for stores that are not SQL (test fakes) and for lists a
// service filters itself (a member's certifications, whose state is derived).
//
// The semantics are those the MySQL compiler (common/db/list_where.h) gives the same expression:
// a field with no value (a NULL column) satisfies no comparison, and a field with several values
// (a repeated field, or a relation such as a member's teams) satisfies a comparison when any of
// its values does — the EXISTS of the SQL form.

#include <functional>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/api/filter.h"

namespace rmhub::api {

// The values a record holds for a declared field; each of the field's FilterValue alternative.
using FieldValues = std::vector<FilterValue>;
using FieldLookup = std::function<FieldValues(absl::string_view field)>;

bool MatchesCondition(const FilterCondition& condition, const FieldValues& values);
bool MatchesFilter(const FilterExpr& expr, const FieldLookup& lookup);

}  // namespace rmhub::api
