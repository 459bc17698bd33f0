// field=value arguments → proto JSON → request message, for every field shape.
#include "tools/rmhubctl/request_builder.h"

#include <gtest/gtest.h>

#include "common/status/errors.h"
#include "rmhub/ctltest/v1/ctltest.pb.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::ctl {
namespace {

using rmhub::ctltest::v1::Sample;

std::string FixedId() { return "00000000-0000-4000-8000-000000000001"; }

template <class M>
absl::StatusOr<M> Build(std::vector<std::string> args, const std::string& data = "") {
  M message;
  absl::Status status = BuildRequest(args, data, FixedId, &message);
  if (!status.ok()) return status;
  return message;
}

// The first field violation's field, for asserting which argument an error names.
std::string BadField(const absl::Status& status) {
  auto v = FieldViolations(status);
  return v.empty() ? "" : v[0].field;
}

TEST(RequestBuilder, CreateMemberFromDottedPathsEnumsAndLists) {
  auto r = Build<team::v1::CreateMemberRequest>(
      {"member.employee_number=E100", "member.display_name=Li Lei", "member.branch=branches/1",
       "member.role=relationship_manager", "member.rm_kind=PERSONAL", "member.skills=WEALTH,FX"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->member().employee_number(), "E100");
  EXPECT_EQ(r->member().display_name(), "Li Lei");
  EXPECT_EQ(r->member().role(), team::v1::RELATIONSHIP_MANAGER);
  EXPECT_EQ(r->member().rm_kind(), team::v1::PERSONAL);
  ASSERT_EQ(r->member().skills_size(), 2);
  EXPECT_EQ(r->member().skills(1), team::v1::FX);
  EXPECT_EQ(r->request_id(), FixedId());
}

TEST(RequestBuilder, KeepsAGivenRequestIdAndGeneratesNoneWithoutTheField) {
  auto create = Build<team::v1::CreateBranchRequest>({"request_id=my-id", "branch.code=X"});
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->request_id(), "my-id");
  auto get = Build<team::v1::GetMemberRequest>({"name=members/3"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->name(), "members/3");
}

TEST(RequestBuilder, RepeatedFieldGivenTwiceAppends) {
  auto r =
      Build<team::v1::BatchGetMembersRequest>({"names=members/1", "names=members/2,members/3"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->names_size(), 3);
  EXPECT_EQ(r->names(2), "members/3");
}

TEST(RequestBuilder, ValueLikeMessagesTakeOneWord) {
  auto r = Build<Sample>({"day=2025-06-30", "period=2025-01-01..2025-04-01", "amount=12.5 CNY",
                          "at=2025-06-30T08:00:00Z", "wait=1m30s", "mask=display_name,rm_kind",
                          "maybe=42", "days=2025-01-01,2025-02-01"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->day().year(), 2025);
  EXPECT_EQ(r->day().month(), 6);
  EXPECT_EQ(r->day().day(), 30);
  EXPECT_EQ(r->period().end_date().month(), 4);
  EXPECT_EQ(r->amount().currency_code(), "CNY");
  EXPECT_EQ(r->amount().minor_units(), 1250);
  EXPECT_EQ(r->at().seconds(), 1751270400);
  EXPECT_EQ(r->wait().seconds(), 90);
  ASSERT_EQ(r->mask().paths_size(), 2);
  EXPECT_EQ(r->mask().paths(0), "display_name");
  EXPECT_EQ(r->maybe().value(), 42);
  ASSERT_EQ(r->days_size(), 2);
  EXPECT_EQ(r->days(1).month(), 2);
}

TEST(RequestBuilder, ScalarsOfEveryKind) {
  auto r = Build<Sample>({"text=a \"quoted\" 李雷", "flag=yes", "small=-7", "big=9007199254740993",
                          "unsigned_small=7", "ratio=0.1", "color=2", "colors=red,GREEN",
                          "inner.deeper.label=deep"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->text(), "a \"quoted\" 李雷");
  EXPECT_TRUE(r->flag());
  EXPECT_EQ(r->small(), -7);
  EXPECT_EQ(r->big(), 9007199254740993LL);  // not representable as a double: sent exactly
  EXPECT_EQ(r->unsigned_small(), 7u);
  EXPECT_DOUBLE_EQ(r->ratio(), 0.1);
  EXPECT_EQ(r->color(), ctltest::v1::GREEN);
  ASSERT_EQ(r->colors_size(), 2);
  EXPECT_EQ(r->colors(0), ctltest::v1::RED);
  EXPECT_EQ(r->inner().deeper().label(), "deep");
}

TEST(RequestBuilder, AcceptsJsonFieldNames) {
  auto r = Build<team::v1::CreateMemberRequest>({"member.displayName=Wang Fang"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->member().display_name(), "Wang Fang");
}

TEST(RequestBuilder, DataIsTheBaseAndArgumentsOverrideIt) {
  auto r = Build<team::v1::CreateMemberRequest>(
      {"member.display_name=B"},
      R"({"member": {"display_name": "A", "employee_number": "E1"}, "request_id": "r1"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->member().display_name(), "B");
  EXPECT_EQ(r->member().employee_number(), "E1");
  EXPECT_EQ(r->request_id(), "r1");
}

TEST(RequestBuilder, ErrorsNameTheArgument) {
  struct Case {
    std::vector<std::string> args;
    std::string field;
  } cases[] = {
      {{"small=abc"}, "small"},          {{"small=99999999999"}, "small"},
      {{"flag=maybe"}, "flag"},          {{"color=PURPLE"}, "color"},
      {{"inner.nope=1"}, "inner.nope"},  {{"inner=x"}, "inner"},
      {{"labels=a"}, "labels"},          {{"inners=x"}, "inners"},
      {{"text=a", "text=b"}, "text"},    {{"tags.x=1"}, "tags"},
      {{"day=2025-13-01"}, "day"},       {{"amount=1.234 CNY"}, "amount"},
      {{"period=2025-01-01"}, "period"}, {{"wait=soon"}, "wait"},
      {{"at=yesterday"}, "at"},          {{"novalue"}, "novalue"},
  };
  for (const auto& c : cases) {
    auto r = Build<Sample>(c.args);
    ASSERT_FALSE(r.ok()) << c.args[0];
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.args[0];
    EXPECT_EQ(BadField(r.status()), c.field) << c.args[0] << ": " << r.status();
  }
}

TEST(RequestBuilder, UnknownFieldListsTheFields) {
  auto r = Build<team::v1::GetMemberRequest>({"nam=members/1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("fields: name"), std::string::npos) << r.status();
}

TEST(RequestBuilder, BadDataIsReportedAsData) {
  auto r = Build<Sample>({}, "{not json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(BadField(r.status()), "--data");
}

TEST(RequestBuilder, NegativeMoneyAndWholeUnits) {
  auto r = Build<Sample>({"amount=CNY -0.5"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->amount().minor_units(), -50);
  auto yen = Build<Sample>({"amount=300 jpy"});
  ASSERT_TRUE(yen.ok()) << yen.status();
  EXPECT_EQ(yen->amount().minor_units(), 300);
  EXPECT_EQ(yen->amount().currency_code(), "JPY");
}

}  // namespace
}  // namespace rmhub::ctl
