// Tables for list responses, field/value lines for single resources, JSON for scripts.
#include "tools/rmhubctl/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "rmhub/ctltest/v1/ctltest.pb.h"
#include "rmhub/team/v1/team.pb.h"
#include "tools/rmhubctl/text_width.h"

namespace rmhub::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

team::v1::ListMembersResponse TwoMembers() {
  team::v1::ListMembersResponse response;
  auto* a = response.add_members();
  a->set_name("members/1");
  a->set_employee_number("E001");
  a->set_display_name("李雷");
  a->set_role(team::v1::RELATIONSHIP_MANAGER);
  a->set_rm_kind(team::v1::PERSONAL);
  a->add_skills(team::v1::WEALTH);
  a->add_skills(team::v1::FX);
  a->set_etag("W/\"3\"");
  a->mutable_create_time()->set_seconds(1);
  auto* b = response.add_members();
  b->set_name("members/12");
  b->set_employee_number("E012");
  b->set_display_name("Wang Fang");
  b->set_role(team::v1::TELLER);
  return response;
}

// The display column at which `needle` starts in `line`.
size_t ColumnOf(const std::string& line, const std::string& needle) {
  return DisplayWidth(line.substr(0, line.find(needle)));
}

TEST(RenderText, ListResponseIsATableWithAlignedColumns) {
  auto text = RenderText(TwoMembers(), {});
  ASSERT_TRUE(text.ok()) << text.status();
  auto lines = Lines(*text);
  ASSERT_EQ(lines.size(), 3u) << *text;
  EXPECT_THAT(lines[0], HasSubstr("NAME"));
  EXPECT_THAT(lines[0], HasSubstr("DISPLAY_NAME"));
  EXPECT_THAT(lines[1], HasSubstr("WEALTH,FX"));
  // A Chinese name takes two columns per character; the next column still lines up.
  EXPECT_EQ(ColumnOf(lines[0], "ROLE"), ColumnOf(lines[1], "RELATIONSHIP_MANAGER"));
  EXPECT_EQ(ColumnOf(lines[0], "ROLE"), ColumnOf(lines[2], "TELLER"));
  // Bookkeeping and columns empty in every row are left out; an empty cell shows "-".
  EXPECT_THAT(lines[0], Not(HasSubstr("ETAG")));
  EXPECT_THAT(lines[0], Not(HasSubstr("CREATE_TIME")));
  EXPECT_THAT(lines[0], Not(HasSubstr("MENTOR")));
  EXPECT_THAT(lines[2], HasSubstr(" - "));
}

TEST(RenderText, NextPageTokenIsShownAsTheArgumentToPass) {
  auto response = TwoMembers();
  response.set_next_page_token("abc");
  auto text = RenderText(response, {});
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("more: add page_token=abc"));
}

TEST(RenderText, ChosenColumnsInOrder) {
  RenderOptions options;
  options.columns = {"display_name", "name"};
  auto text = RenderText(TwoMembers(), options);
  ASSERT_TRUE(text.ok()) << text.status();
  auto lines = Lines(*text);
  EXPECT_EQ(lines[0], "DISPLAY_NAME  NAME");
  EXPECT_EQ(lines[2], "Wang Fang     members/12");
}

TEST(RenderText, UnknownColumnIsAnError) {
  RenderOptions options;
  options.columns = {"nope"};
  auto text = RenderText(TwoMembers(), options);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RenderText, EmptyListSaysSo) {
  auto text = RenderText(team::v1::ListMembersResponse(), {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "(no members)\n");
}

TEST(RenderText, LongCellsAreCut) {
  ctltest::v1::ListSamplesResponse response;
  response.add_samples()->set_text(std::string(100, 'x'));
  RenderOptions options;
  options.max_cell_width = 10;
  auto text = RenderText(response, options);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("xxxxxxxxx\xE2\x80\xA6"));
  EXPECT_THAT(*text, Not(HasSubstr("xxxxxxxxxxx")));
}

TEST(RenderText, SingleResourceIsAlignedFieldValueLines) {
  team::v1::Member member = TwoMembers().members(0);
  auto text = RenderText(member, {});
  ASSERT_TRUE(text.ok());
  auto lines = Lines(*text);
  EXPECT_EQ(lines[0], "name                  members/1");
  EXPECT_THAT(*text, HasSubstr("\nskills                WEALTH,FX\n"));
  EXPECT_THAT(*text, HasSubstr("\nmentor                -\n"));
  EXPECT_THAT(*text, HasSubstr("\ncreate_time           1970-01-01T00:00:01Z\n"));
}

TEST(RenderText, NestedMessagesAreFlattenedWithDottedNames) {
  team::v1::ChangeCareerLevelResponse response;
  response.mutable_member()->set_name("members/1");
  response.mutable_change()->set_to_level(team::v1::SENIOR);
  response.mutable_change()->set_to_grade(7);
  auto* date = response.mutable_change()->mutable_effective_date();
  date->set_year(2025);
  date->set_month(7);
  date->set_day(1);
  auto text = RenderText(response, {});
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("member.name "));
  EXPECT_THAT(*text, HasSubstr("change.to_level "));
  EXPECT_THAT(*text, HasSubstr(" SENIOR\n"));
  EXPECT_THAT(*text, HasSubstr(" 2025-07-01\n"));
}

TEST(RenderText, ValueLikeMessagesAreOneCell) {
  ctltest::v1::Sample sample;
  sample.mutable_amount()->set_currency_code("CNY");
  sample.mutable_amount()->set_minor_units(-1205);
  sample.mutable_period()->mutable_start_date()->set_year(2025);
  sample.mutable_period()->mutable_start_date()->set_month(1);
  sample.mutable_period()->mutable_start_date()->set_day(1);
  sample.mutable_wait()->set_seconds(90);
  sample.mutable_mask()->add_paths("a");
  sample.mutable_mask()->add_paths("b");
  sample.mutable_maybe()->set_value(5);
  auto text = RenderText(sample, {});
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr(" -12.05 CNY\n"));
  EXPECT_THAT(*text, HasSubstr(" 2025-01-01..\n"));
  EXPECT_THAT(*text, HasSubstr(" 1m30s\n"));
  EXPECT_THAT(*text, HasSubstr(" a,b\n"));
  EXPECT_THAT(*text, HasSubstr("\nmaybe "));
  EXPECT_THAT(*text, HasSubstr(" 5\n"));
}

TEST(RenderText, EmptyResponseIsOk) {
  auto text = RenderText(team::v1::RemoveTeamMemberResponse(), {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "OK\n");
}

TEST(RenderJson, ProtoFieldNamesWithDefaults) {
  team::v1::CheckAssignmentEligibilityResponse response;
  response.set_cap(400);
  std::string json = RenderJson(response);
  EXPECT_THAT(json, HasSubstr("\"eligible\": false"));
  EXPECT_THAT(json, HasSubstr("\"reason_message\""));
  EXPECT_THAT(json, HasSubstr("\"cap\": 400"));
}

TEST(ListFieldOf, RecognisesListShapes) {
  EXPECT_NE(ListFieldOf(*team::v1::ListMembersResponse::descriptor()), nullptr);
  EXPECT_NE(ListFieldOf(*team::v1::BatchGetMembersResponse::descriptor()), nullptr);
  EXPECT_EQ(ListFieldOf(*team::v1::ChangeCareerLevelResponse::descriptor()), nullptr);
  EXPECT_EQ(ListFieldOf(*team::v1::Member::descriptor()), nullptr);
}

}  // namespace
}  // namespace rmhub::ctl
