#pragma once
// The AIP-160 subset every RM Hub List method accepts:
//   filter   := term { "AND" term }
//   term     := field op value
//   op       := "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"      (":" = "has", for repeated fields)
//   value    := "double-quoted string" | bare word (enum name, number, true/false)
// No OR, NOT or parentheses. A service declares which fields and operators it accepts and the SQL
// each one becomes; the user's text never reaches SQL except as bound parameters.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/variant.h"

namespace rmhub::api {

struct FilterTerm {
  std::string field;
  std::string op;
  std::string value;
  bool quoted = false;
};

// Splits filter text into terms; INVALID_ARGUMENT on field "filter" with what is wrong.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view text);

using SqlParam = absl::variant<int64_t, std::string>;

enum class FilterValueKind { kString, kInt, kBool, kEnum, kResourceName, kDate };

struct FilterField {
  FilterValueKind kind = FilterValueKind::kString;
  // SQL per accepted operator, each with exactly one '?' for the value.
  std::map<std::string, std::string> sql_by_op;
  // kEnum: the enum's value for a name, or an error (e.g. from a proto EnumDescriptor).
  std::function<absl::StatusOr<int64_t>(absl::string_view)> enum_value;
  // kResourceName: the collection, e.g. "branches" for "branches/3".
  std::string collection;
};

using FilterSpec = std::map<std::string, FilterField>;

struct SqlFilter {
  // "" or conditions joined by AND, ready to follow "WHERE ... AND ".
  std::string where;
  std::vector<SqlParam> params;
};

absl::StatusOr<SqlFilter> CompileFilter(absl::string_view text, const FilterSpec& spec);

// Helper for proto enums: accepts the enum value's name, rejects the *_UNSPECIFIED zero value.
template <class Enum, class Parser>
std::function<absl::StatusOr<int64_t>(absl::string_view)> ProtoEnum(Parser parse);

}  // namespace rmhub::api

#include "common/api/filter_inl.h"
