#pragma once
// The AIP-160 subset every RM Hub List method accepts:
//   filter   := term { "AND" term }
//   term     := field op value
//   op       := "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"      (":" = "has", for repeated fields)
//   value    := "double-quoted string" | bare word (enum name, number, true/false)
// No OR, NOT or parentheses.
//
// A List method declares its filterable fields (FilterSchema: name, type, operators); the text
// is parsed and checked against that declaration into a typed FilterExpr. Nothing here knows
// SQL or column names: a repository compiles the expression (common/db/list_where.h with its
// own field-to-column map), an in-memory store evaluates it (filter_match.h).

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/variant.h"

namespace rmhub::api {

// One term as written, before it is checked against a schema.
struct FilterTerm {
  std::string field;
  std::string op;
  std::string value;
  bool quoted = false;
};

// Splits filter text into terms; INVALID_ARGUMENT on field "filter" with what is wrong.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view text);

enum class FilterType {
  kString,        // text, compared exactly
  kInt,           // whole number
  kEnum,          // a proto enum value's name; carried as its number
  kBool,          // true / false
  kTimestamp,     // RFC 3339, e.g. "2026-01-31T08:00:00Z"
  kDate,          // civil date "2026-01-31"
  kResourceName,  // "<collection>/<id>"; carried as the id
};

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

// "=", "!=", ... as written in a filter.
absl::string_view FilterOpText(FilterOp op);

// A checked value: int64_t for kInt, kEnum (the enum number) and kResourceName (the id); bool;
// std::string; absl::Time; absl::CivilDay.
using FilterValue = absl::variant<int64_t, bool, std::string, absl::Time, absl::CivilDay>;

// One declared field of a List method.
struct FilterField {
  std::string name;
  FilterType type = FilterType::kString;
  std::set<FilterOp> ops = {FilterOp::kEq};
  // kEnum: the enum's number for a name, or an error (see ProtoEnum).
  std::function<absl::StatusOr<int64_t>(absl::string_view)> enum_value;
  // kResourceName: the collection, e.g. "branches" for "branches/3".
  std::string collection;
};

// The filterable fields of one List method.
class FilterSchema {
 public:
  FilterSchema(std::initializer_list<FilterField> fields);
  const FilterField* Find(absl::string_view name) const;
  // "a, b, c": for error messages and docs.
  std::string Names() const;

 private:
  std::map<std::string, FilterField, std::less<>> fields_;
};

// One checked condition: `field op value`, value of the field's declared type.
struct FilterCondition {
  std::string field;
  FilterType type = FilterType::kString;
  FilterOp op = FilterOp::kEq;
  FilterValue value;
};

// Conditions that must all hold (an empty expression matches everything).
struct FilterExpr {
  std::vector<FilterCondition> conditions;

  bool Mentions(absl::string_view field) const;
  FilterExpr& Add(std::string field, FilterType type, FilterOp op, FilterValue value);
};

// Parses `text` and checks every term against `schema`: unknown fields, operators a field does
// not accept and values of the wrong type are INVALID_ARGUMENT on field "filter", naming them.
absl::StatusOr<FilterExpr> ParseFilterExpr(absl::string_view text, const FilterSchema& schema);

// Helper for proto enums: accepts the enum value's name, rejects the *_UNSPECIFIED zero value.
template <class Enum, class Parser>
std::function<absl::StatusOr<int64_t>(absl::string_view)> ProtoEnum(Parser parse);

}  // namespace rmhub::api

#include "common/api/filter_inl.h"
