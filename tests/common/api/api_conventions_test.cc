#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/api/field_mask.h"
#include "common/api/filter.h"
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

FilterSpec Spec() {
  FilterSpec spec;
  spec["status"] = {FilterValueKind::kEnum, {{"=", "m.status = ?"}, {"!=", "m.status <> ?"}},
                    [](absl::string_view v) -> absl::StatusOr<int64_t> {
                      if (v == "ACTIVE") return 1;
                      return absl::InvalidArgumentError("no");
                    }};
  spec["branch"] = {FilterValueKind::kResourceName, {{"=", "m.branch_id = ?"}}, nullptr,
                    "branches"};
  spec["display_name"] = {FilterValueKind::kString, {{"=", "m.display_name = ?"}}};
  return spec;
}

TEST(Filter, CompilesToBoundSql) {
  auto sql = CompileFilter(R"(status = ACTIVE AND branch = "branches/7")", Spec());
  ASSERT_TRUE(sql.ok()) << sql.status();
  EXPECT_EQ(sql->where, "m.status = ? AND m.branch_id = ?");
  EXPECT_THAT(sql->params, ElementsAre(SqlParam(int64_t{1}), SqlParam(int64_t{7})));
}

TEST(Filter, InjectionStaysAParameter) {
  auto sql = CompileFilter(R"(display_name = "x' OR 1=1 --")", Spec());
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->where, "m.display_name = ?");
  EXPECT_EQ(absl::get<std::string>(sql->params[0]), "x' OR 1=1 --");
}

TEST(Filter, NamesTheProblem) {
  auto unknown = CompileFilter("colour = RED", Spec());
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("unknown field \"colour\""));
  auto op = CompileFilter("branch != \"branches/1\"", Spec());
  EXPECT_THAT(std::string(op.status().message()), HasSubstr("operator != is not supported"));
  auto value = CompileFilter("status = SLEEPING", Spec());
  EXPECT_THAT(std::string(value.status().message()), HasSubstr("SLEEPING"));
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
