#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/filter_match.h"
#include "common/api/list_scope.h"
#include "common/api/pagination.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"

namespace rmhub::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string FirstField(const absl::Status& s) {
  auto v = FieldViolations(s);
  return v.empty() ? "" : v[0].field;
}

TEST(ResourceName, ParsesAndRejects) {
  EXPECT_EQ(*ParseName("members/42", "members", "name"), 42);
  for (const char* bad : {"", "members/", "members/0", "members/-1", "members/4x", "teams/4",
                          "members/4/x", "members/0042", "members/99999999999999999999"}) {
    auto id = ParseName(bad, "members", "member.branch");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(FirstField(id.status()), "member.branch") << bad;
  }
  auto child = ParseChildName("members/3/certifications/9", "members", "certifications", "name");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->parent, 3);
  EXPECT_EQ(child->child, 9);
  EXPECT_EQ(FormatChildName("members", 3, "certifications", 9), "members/3/certifications/9");
}

TEST(ResourceName, BatchNamesKeepOrderAndNameEveryBadEntry) {
  google::protobuf::RepeatedPtrField<std::string> names;
  for (const char* n : {"customers/7", "customers/3", "customers/7"}) *names.Add() = n;
  auto ids = ParseNames(names, "customers", "names", 3);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre(7, 3, 7));

  EXPECT_EQ(FirstField(ParseNames(names, "customers", "names", 2).status()), "names");
  EXPECT_EQ(FirstField(ParseNames({}, "customers", "names", 2).status()), "names");
  *names.Mutable(0) = "members/7";
  *names.Mutable(2) = "";
  auto bad = ParseNames(names, "customers", "names", 3);
  std::vector<std::string> fields;
  for (const auto& v : FieldViolations(bad.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("names[0]", "names[2]"));

  EXPECT_EQ(IdOf("teams/12", "teams"), 12);
  EXPECT_EQ(IdOf("members/12", "teams"), 0);
}

TEST(Pagination, SizesFollowAip158) {
  EXPECT_EQ(ParsePage(0, "", "")->limit, kDefaultPageSize);
  EXPECT_EQ(ParsePage(100000, "", "")->limit, kMaxPageSize);
  EXPECT_EQ(FirstField(ParsePage(-1, "", "").status()), "page_size");
}

TEST(Pagination, TokenRoundTripsAndIsBoundToFilter) {
  std::string token = NextPageToken(1234, "role = TELLER");
  auto page = ParsePage(10, token, "role = TELLER");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->after_id, 1234);
  EXPECT_EQ(FirstField(ParsePage(10, token, "role = TEAM_LEAD").status()), "page_token");
  EXPECT_EQ(FirstField(ParsePage(10, "garbage!", "").status()), "page_token");
}

TEST(Filter, ParsesTermsJoinedByAnd) {
  auto terms = ParseFilter(R"(branch = "branches/1" AND skills: WEALTH AND grade >= 7)");
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->size(), 3u);
  EXPECT_EQ((*terms)[0].value, "branches/1");
  EXPECT_TRUE((*terms)[0].quoted);
  EXPECT_EQ((*terms)[1].op, ":");
  EXPECT_EQ((*terms)[2].op, ">=");
}

TEST(Filter, RejectsWhatTheSubsetDoesNotHave) {
  for (const char* bad : {"a = 1 OR b = 2", "a =", "= 3", "a = \"open", "(a = 1)"}) {
    auto terms = ParseFilter(bad);
    EXPECT_FALSE(terms.ok()) << bad;
    EXPECT_EQ(FirstField(terms.status()), "filter") << bad;
  }
}

const FilterSchema& Schema() {
  static const auto* schema = new FilterSchema{
      {"status",
       FilterType::kEnum,
       {FilterOp::kEq, FilterOp::kNe},
       [](absl::string_view v) -> absl::StatusOr<int64_t> {
         if (v == "ACTIVE") return 1;
         return absl::InvalidArgumentError("no");
       }},
      {"branch", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "branches"},
      {"display_name", FilterType::kString, {FilterOp::kEq}},
      {"grade", FilterType::kInt, {FilterOp::kGe, FilterOp::kLt}},
      {"key_account", FilterType::kBool, {FilterOp::kEq}},
      {"due", FilterType::kDate, {FilterOp::kLe}},
      {"since", FilterType::kTimestamp, {FilterOp::kGt}},
      {"skills",
       FilterType::kEnum,
       {FilterOp::kHas},
       [](absl::string_view v) -> absl::StatusOr<int64_t> {
         if (v == "WEALTH") return 3;
         return absl::InvalidArgumentError("no");
       }},
  };
  return *schema;
}

TEST(Filter, ParsesIntoTypedConditions) {
  auto expr = ParseFilterExpr(
      R"(status = ACTIVE AND branch = "branches/7" AND grade >= 3 AND key_account = true AND )"
      R"(due <= "2026-01-31" AND since > "2026-01-01T08:00:00Z" AND skills: WEALTH)",
      Schema());
  ASSERT_TRUE(expr.ok()) << expr.status();
  ASSERT_EQ(expr->conditions.size(), 7u);
  EXPECT_EQ(expr->conditions[0].field, "status");
  EXPECT_EQ(expr->conditions[0].op, FilterOp::kEq);
  EXPECT_EQ(expr->conditions[0].value, FilterValue(int64_t{1}));
  EXPECT_EQ(expr->conditions[1].value, FilterValue(int64_t{7}));
  EXPECT_EQ(expr->conditions[2].op, FilterOp::kGe);
  EXPECT_EQ(expr->conditions[3].value, FilterValue(true));
  EXPECT_EQ(expr->conditions[4].value, FilterValue(absl::CivilDay(2026, 1, 31)));
  EXPECT_EQ(
      expr->conditions[5].value,
      FilterValue(absl::FromCivil(absl::CivilSecond(2026, 1, 1, 8, 0, 0), absl::UTCTimeZone())));
  EXPECT_EQ(expr->conditions[6].op, FilterOp::kHas);
  EXPECT_TRUE(expr->Mentions("skills"));
  EXPECT_FALSE(expr->Mentions("archived"));
  EXPECT_TRUE(ParseFilterExpr("", Schema())->conditions.empty());
}

TEST(Filter, InjectionStaysAValue) {
  auto expr = ParseFilterExpr(R"(display_name = "x' OR 1=1 --")", Schema());
  ASSERT_TRUE(expr.ok());
  EXPECT_EQ(absl::get<std::string>(expr->conditions[0].value), "x' OR 1=1 --");
}

TEST(Filter, NamesTheProblemOnFieldFilter) {
  const std::pair<const char*, const char*> cases[] = {
      {"colour = RED", "unknown field \"colour\""},
      {"branch != \"branches/1\"", "operator != is not supported on branch"},
      {"status = SLEEPING", "SLEEPING"},
      {"grade >= seven", "grade takes a whole number"},
      {"key_account = yes", "true or false"},
      {"due <= \"31/01/2026\"", "date like"},
      {"since > yesterday", "time like"},
      {"branch = \"teams/1\"", "branches/1"},
      {"skills = WEALTH", "operator = is not supported on skills"},
  };
  for (const auto& [text, message] : cases) {
    auto expr = ParseFilterExpr(text, Schema());
    ASSERT_FALSE(expr.ok()) << text;
    EXPECT_EQ(expr.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(FirstField(expr.status()), "filter") << text;
    EXPECT_THAT(
        std::string(expr.status().message()) + FieldViolations(expr.status())[0].description,
        HasSubstr(message))
        << text;
  }
}

TEST(FilterMatch, FollowsSqlSemantics) {
  auto expr = ParseFilterExpr("grade >= 3 AND skills: WEALTH", Schema());
  ASSERT_TRUE(expr.ok());
  auto record = [](FieldValues grade, FieldValues skills) {
    return [=](absl::string_view field) { return field == "grade" ? grade : skills; };
  };
  EXPECT_TRUE(MatchesFilter(*expr, record({int64_t{3}}, {int64_t{1}, int64_t{3}})));
  EXPECT_FALSE(MatchesFilter(*expr, record({int64_t{2}}, {int64_t{3}})));
  EXPECT_FALSE(MatchesFilter(*expr, record({int64_t{5}}, {})));
  // No value (a NULL column) satisfies no comparison, not even !=.
  FilterCondition ne{"status", FilterType::kEnum, FilterOp::kNe, int64_t{1}};
  EXPECT_FALSE(MatchesCondition(ne, {}));
  EXPECT_TRUE(MatchesCondition(ne, {int64_t{2}}));
  EXPECT_TRUE(MatchesFilter(FilterExpr(), record({}, {})));
}

TEST(ListScope, DefaultIsClosed) {
  EXPECT_TRUE(ListScope().Empty());
  EXPECT_FALSE(ListScope::All().Empty());
  EXPECT_FALSE(ListScope::Branch(3).Empty());
}

TEST(FieldMask, EmptyMeansAllAndUnknownIsNamed) {
  std::set<std::string> updatable = {"display_name", "region"};
  google::protobuf::FieldMask mask;
  EXPECT_EQ(*ResolveUpdateMask(mask, updatable), updatable);
  mask.add_paths("region");
  EXPECT_EQ(*ResolveUpdateMask(mask, updatable), std::set<std::string>{"region"});
  mask.add_paths("code");
  auto bad = ResolveUpdateMask(mask, updatable);
  EXPECT_EQ(FirstField(bad.status()), "update_mask");
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("code"));
}

}  // namespace
}  // namespace rmhub::api
