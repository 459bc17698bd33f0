#pragma once
// The one compiler from a typed list request to SQL: a filter (api::FilterExpr) and a caller's
// scope (api::ListScope) become WHERE conditions with bound parameters, and a keyset page
// wraps them. Each MySQL repository owns the map from its declared filter fields to columns
// (FilterColumns) and from scope grants to conditions (ScopeColumns); those maps are code
// constants, and the user's text only ever reaches the server as a bound parameter.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/filter.h"
#include "common/api/list_query.h"
#include "common/api/list_scope.h"
#include "common/api/pagination.h"
#include "common/db/connection_pool.h"
#include "common/db/sql_values.h"

namespace rmhub::db {

// Conditions joined by AND, with their parameters in order.
struct SqlWhere {
  std::vector<std::string> conditions;
  std::vector<SqlParam> params;

  SqlWhere& Add(std::string condition, std::vector<SqlParam> condition_params = {});
  SqlWhere& Append(const SqlWhere& other);
  // " WHERE a AND b", or "" when there is no condition.
  std::string Clause() const;
};

// How a repository maps one declared filter field.
struct FilterColumn {
  // A column or expression: "m.role" — each operator becomes "<expression> <op> ?".
  std::string expression;
  // Or, for a field naming a set of related rows (a repeated field, a membership), a condition
  // with one '?' that holds when the set contains the value — used for "=" and ":".
  std::string contains;

  static FilterColumn Of(std::string expression) { return {std::move(expression), ""}; }
  static FilterColumn Contains(std::string condition) { return {"", std::move(condition)}; }
};
using FilterColumns = std::map<std::string, FilterColumn, std::less<>>;

// The condition for each kind of scope grant, each with one '?' for the id; "" when the resource
// has no such grant (a scope using it is then INTERNAL: the policy and the repository disagree).
struct ScopeColumns {
  std::string owner;
  std::string team;
  std::string branch;
};

// The filter's conditions. INTERNAL when it names a field `columns` does not map or an operator
// the mapping cannot express: the method's schema and the repository disagree, a code error.
absl::StatusOr<SqlWhere> CompileFilterWhere(const api::FilterExpr& filter,
                                            const FilterColumns& columns);

// The scope as one condition: nothing for all, "(owner OR team OR ... OR branch)" for grants,
// a condition no row meets for an empty scope.
absl::StatusOr<SqlWhere> CompileScopeWhere(const api::ListScope& scope,
                                           const ScopeColumns& columns);

// Scope, then filter.
absl::StatusOr<SqlWhere> CompileListWhere(const api::FilterExpr& filter,
                                          const FilterColumns& columns, const api::ListScope& scope,
                                          const ScopeColumns& scope_columns);

// A statement and its parameters, in order.
struct SqlStatement {
  std::string sql;
  std::vector<SqlParam> params;
};

enum class KeysetOrder {
  kAscending,    // id > after_id ORDER BY id
  kNewestFirst,  // id < after_id ORDER BY id DESC (after_id 0: from the newest)
};

// "<select> WHERE <keyset> AND <where> ORDER BY <alias>.id [DESC] LIMIT ?", the limit being one
// more than the page so FetchPage can tell whether a next page exists.
SqlStatement KeysetPage(absl::string_view select, absl::string_view alias, const SqlWhere& where,
                        const api::PageRequest& page, KeysetOrder order = KeysetOrder::kAscending);

// A repository's map for one List method.
struct ListMapping {
  FilterColumns filter;
  ScopeColumns scope;
};

// Compiles `query` (scope, filter, then `extra` conditions the repository adds itself) and
// prepares its keyset page on `conn` with every parameter bound. Throws on SQL errors.
absl::StatusOr<sql::PreparedStatement*> PrepareKeysetList(
    Connection& conn, absl::string_view select, absl::string_view alias,
    const api::ListQuery& query, const ListMapping& mapping, const SqlWhere& extra = {},
    KeysetOrder order = KeysetOrder::kAscending);

}  // namespace rmhub::db
