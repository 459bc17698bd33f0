#include "common/db/list_where.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/variant.h"
#include "common/status/errors.h"

namespace rmhub::db {
namespace {

absl::string_view SqlOperator(api::FilterOp op) {
  switch (op) {
    case api::FilterOp::kEq:
      return "=";
    case api::FilterOp::kNe:
      return "<>";
    case api::FilterOp::kLt:
      return "<";
    case api::FilterOp::kLe:
      return "<=";
    case api::FilterOp::kGt:
      return ">";
    case api::FilterOp::kGe:
      return ">=";
    case api::FilterOp::kHas:
      return "";
  }
  return "";
}

struct ParamOf {
  SqlParam operator()(int64_t v) const { return v; }
  SqlParam operator()(bool v) const { return int64_t{v ? 1 : 0}; }
  SqlParam operator()(const std::string& v) const { return v; }
  SqlParam operator()(absl::Time v) const { return SqlTime(v); }
  SqlParam operator()(absl::CivilDay v) const { return SqlDate(v); }
};

absl::Status Unmapped(const api::FilterCondition& c) {
  return Internal("FILTER_NOT_MAPPED",
                  absl::StrCat("the repository cannot express filter field ", c.field,
                               " with operator ", api::FilterOpText(c.op)));
}

}  // namespace

SqlWhere& SqlWhere::Add(std::string condition, std::vector<SqlParam> condition_params) {
  conditions.push_back(std::move(condition));
  for (auto& p : condition_params) params.push_back(std::move(p));
  return *this;
}

SqlWhere& SqlWhere::Append(const SqlWhere& other) {
  conditions.insert(conditions.end(), other.conditions.begin(), other.conditions.end());
  params.insert(params.end(), other.params.begin(), other.params.end());
  return *this;
}

std::string SqlWhere::Clause() const {
  if (conditions.empty()) return "";
  return absl::StrCat(" WHERE ", absl::StrJoin(conditions, " AND "));
}

absl::StatusOr<SqlWhere> CompileFilterWhere(const api::FilterExpr& filter,
                                            const FilterColumns& columns) {
  SqlWhere where;
  for (const api::FilterCondition& c : filter.conditions) {
    auto column = columns.find(c.field);
    if (column == columns.end()) return Unmapped(c);
    SqlParam param = absl::visit(ParamOf{}, c.value);
    if (!column->second.contains.empty()) {
      if (c.op != api::FilterOp::kEq && c.op != api::FilterOp::kHas) return Unmapped(c);
      where.Add(column->second.contains, {std::move(param)});
      continue;
    }
    if (c.op == api::FilterOp::kHas || column->second.expression.empty()) return Unmapped(c);
    where.Add(absl::StrCat(column->second.expression, " ", SqlOperator(c.op), " ?"),
              {std::move(param)});
  }
  return where;
}

absl::StatusOr<SqlWhere> CompileScopeWhere(const api::ListScope& scope,
                                           const ScopeColumns& columns) {
  SqlWhere where;
  if (scope.all) return where;
  if (scope.Empty()) return where.Add("1 = 0");
  std::vector<std::string> grants;
  std::vector<SqlParam> params;
  auto grant = [&](const std::string& condition, int64_t id, absl::string_view kind) {
    if (condition.empty()) {
      return Internal("SCOPE_NOT_MAPPED",
                      absl::StrCat("the repository has no ", kind, " scope for this list"));
    }
    grants.push_back(condition);
    params.push_back(id);
    return absl::OkStatus();
  };
  if (scope.owner_member_id != 0) {
    RMHUB_RETURN_IF_ERROR(grant(columns.owner, scope.owner_member_id, "owner"));
  }
  for (int64_t team : scope.team_ids) RMHUB_RETURN_IF_ERROR(grant(columns.team, team, "team"));
  if (scope.branch_id != 0) {
    RMHUB_RETURN_IF_ERROR(grant(columns.branch, scope.branch_id, "branch"));
  }
  return where.Add(absl::StrCat("(", absl::StrJoin(grants, " OR "), ")"), std::move(params));
}

absl::StatusOr<SqlWhere> CompileListWhere(const api::FilterExpr& filter,
                                          const FilterColumns& columns, const api::ListScope& scope,
                                          const ScopeColumns& scope_columns) {
  RMHUB_ASSIGN_OR_RETURN(SqlWhere where, CompileScopeWhere(scope, scope_columns));
  RMHUB_ASSIGN_OR_RETURN(SqlWhere conditions, CompileFilterWhere(filter, columns));
  return where.Append(conditions);
}

SqlStatement KeysetPage(absl::string_view select, absl::string_view alias, const SqlWhere& where,
                        const api::PageRequest& page, KeysetOrder order) {
  SqlWhere all;
  const bool newest_first = order == KeysetOrder::kNewestFirst;
  if (!newest_first) {
    all.Add(absl::StrCat(alias, ".id > ?"), {page.after_id});
  } else if (page.after_id != 0) {
    all.Add(absl::StrCat(alias, ".id < ?"), {page.after_id});
  }
  all.Append(where);
  SqlStatement out;
  out.sql = absl::StrCat(select, all.Clause(), " ORDER BY ", alias, ".id",
                         newest_first ? " DESC" : "", " LIMIT ?");
  out.params = std::move(all.params);
  out.params.push_back(int64_t{PageLimit(page) + 1});
  return out;
}

absl::StatusOr<sql::PreparedStatement*> PrepareKeysetList(
    Connection& conn, absl::string_view select, absl::string_view alias,
    const api::ListQuery& query, const ListMapping& mapping, const SqlWhere& extra,
    KeysetOrder order) {
  RMHUB_ASSIGN_OR_RETURN(
      SqlWhere where, CompileListWhere(query.filter, mapping.filter, query.scope, mapping.scope));
  where.Append(extra);
  SqlStatement statement = KeysetPage(select, alias, where, query.page, order);
  sql::PreparedStatement& ps = conn.Prepare(statement.sql);
  Binder(ps).Params(statement.params);
  return &ps;
}

}  // namespace rmhub::db
