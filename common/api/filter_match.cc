#include "common/api/filter_match.h"

namespace rmhub::api {
namespace {

bool Compare(FilterOp op, const FilterValue& actual, const FilterValue& wanted) {
  // Values of different alternatives never compare (a store bug, not a match).
  if (actual.index() != wanted.index()) return false;
  switch (op) {
    case FilterOp::kEq:
    case FilterOp::kHas:
      return actual == wanted;
    case FilterOp::kNe:
      return actual != wanted;
    case FilterOp::kLt:
      return actual < wanted;
    case FilterOp::kLe:
      return actual <= wanted;
    case FilterOp::kGt:
      return actual > wanted;
    case FilterOp::kGe:
      return actual >= wanted;
  }
  return false;
}

}  // namespace

bool MatchesCondition(const FilterCondition& condition, const FieldValues& values) {
  for (const FilterValue& v : values) {
    if (Compare(condition.op, v, condition.value)) return true;
  }
  return false;
}

bool MatchesFilter(const FilterExpr& expr, const FieldLookup& lookup) {
  for (const FilterCondition& c : expr.conditions) {
    if (!MatchesCondition(c, lookup(c.field))) return false;
  }
  return true;
}

}  // namespace rmhub::api
