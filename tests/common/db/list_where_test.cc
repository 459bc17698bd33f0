// The filter/scope compiler, without a database: what SQL and which parameters come out.
#include "common/db/list_where.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status/errors.h"

namespace rmhub::db {
namespace {

using ::testing::ElementsAre;

const api::FilterSchema& Schema() {
  static const auto* schema = new api::FilterSchema{
      {"role",
       api::FilterType::kEnum,
       {api::FilterOp::kEq, api::FilterOp::kNe},
       [](absl::string_view) -> absl::StatusOr<int64_t> { return 3; }},
      {"name", api::FilterType::kString, {api::FilterOp::kEq}},
      {"skills",
       api::FilterType::kEnum,
       {api::FilterOp::kHas},
       [](absl::string_view) -> absl::StatusOr<int64_t> { return 5; }},
      {"vip", api::FilterType::kBool, {api::FilterOp::kEq}},
      {"due", api::FilterType::kDate, {api::FilterOp::kLe}},
      {"unmapped", api::FilterType::kInt, {api::FilterOp::kEq}},
  };
  return *schema;
}

const ListMapping& Mapping() {
  static const auto* m = new ListMapping{
      {{"role", FilterColumn::Of("m.role")},
       {"name", FilterColumn::Of("m.name")},
       {"skills", FilterColumn::Contains("EXISTS (SELECT 1 FROM s WHERE s.m = m.id AND s.v = ?)")},
       {"vip", FilterColumn::Of("m.vip")},
       {"due", FilterColumn::Of("m.due")}},
      {"m.owner_id = ?", "m.team_id = ?", ""}};
  return *m;
}

api::FilterExpr Parse(absl::string_view text) { return *api::ParseFilterExpr(text, Schema()); }

TEST(ListWhere, CompilesFilterToBoundConditions) {
  auto where = CompileFilterWhere(
      Parse(R"(role != X AND name = "x' OR 1=1 --" AND skills: Y AND vip = true AND )"
            R"(due <= "2026-02-01")"),
      Mapping().filter);
  ASSERT_TRUE(where.ok()) << where.status();
  EXPECT_THAT(where->conditions,
              ElementsAre("m.role <> ?", "m.name = ?",
                          "EXISTS (SELECT 1 FROM s WHERE s.m = m.id AND s.v = ?)", "m.vip = ?",
                          "m.due <= ?"));
  EXPECT_THAT(where->params,
              ElementsAre(SqlParam(int64_t{3}), SqlParam("x' OR 1=1 --"), SqlParam(int64_t{5}),
                          SqlParam(int64_t{1}), SqlParam("2026-02-01")));
}

TEST(ListWhere, ScopeIsAUnionOfGrantsAndClosedByDefault) {
  api::ListScope scope;
  scope.owner_member_id = 7;
  scope.team_ids = {1, 2};
  auto where = CompileScopeWhere(scope, Mapping().scope);
  ASSERT_TRUE(where.ok());
  EXPECT_THAT(where->conditions, ElementsAre("(m.owner_id = ? OR m.team_id = ? OR m.team_id = ?)"));
  EXPECT_THAT(where->params,
              ElementsAre(SqlParam(int64_t{7}), SqlParam(int64_t{1}), SqlParam(int64_t{2})));
  EXPECT_THAT(CompileScopeWhere(api::ListScope(), Mapping().scope)->conditions,
              ElementsAre("1 = 0"));
  EXPECT_TRUE(CompileScopeWhere(api::ListScope::All(), Mapping().scope)->conditions.empty());
  // A grant the resource has no column for is a code error, never a silently open list.
  EXPECT_EQ(CompileScopeWhere(api::ListScope::Branch(4), Mapping().scope).status().code(),
            absl::StatusCode::kInternal);
}

TEST(ListWhere, AFieldTheRepositoryDoesNotMapIsInternal) {
  auto where = CompileFilterWhere(Parse("unmapped = 4"), Mapping().filter);
  EXPECT_EQ(where.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(where.status()), "FILTER_NOT_MAPPED");
}

TEST(ListWhere, KeysetPageOrdersAndLimitsOneBeyondThePage) {
  api::ListQuery q;
  q.filter = Parse("role = X");
  q.scope.owner_member_id = 9;
  q.page.limit = 10;
  q.page.after_id = 40;
  auto where = CompileListWhere(q.filter, Mapping().filter, q.scope, Mapping().scope);
  ASSERT_TRUE(where.ok());
  SqlStatement up = KeysetPage("SELECT m.id FROM m", "m", *where, q.page);
  EXPECT_EQ(up.sql,
            "SELECT m.id FROM m WHERE m.id > ? AND (m.owner_id = ?) AND m.role = ? "
            "ORDER BY m.id LIMIT ?");
  EXPECT_THAT(up.params, ElementsAre(SqlParam(int64_t{40}), SqlParam(int64_t{9}),
                                     SqlParam(int64_t{3}), SqlParam(int64_t{11})));
  q.page.after_id = 0;
  SqlStatement down =
      KeysetPage("SELECT m.id FROM m", "m", SqlWhere(), q.page, KeysetOrder::kNewestFirst);
  EXPECT_EQ(down.sql, "SELECT m.id FROM m ORDER BY m.id DESC LIMIT ?");
}

}  // namespace
}  // namespace rmhub::db
