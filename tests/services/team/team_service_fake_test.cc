// The team service's rules driven through the in-memory repository: no database, no gRPC.
// Permissions, the mentee cap, etags, filters, scopes and paging as the service applies them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/clock/clock.h"
#include "common/status/errors.h"
#include "services/team/team_service.h"
#include "tests/services/team/fake_team_repository.h"

namespace rmhub::team {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

auth::Principal Admin() {
  auth::Principal p;
  p.subject = "members/900000";
  p.member_id = 900000;
  p.permissions = {auth::kPermTeamAdmin};
  return p;
}

auth::Principal BranchManager(int64_t branch) {
  auth::Principal p;
  p.subject = "members/800000";
  p.member_id = 800000;
  p.roles = {"BRANCH_MANAGER"};
  p.branch_id = branch;
  return p;
}

std::string Reason(const absl::Status& s) { return ErrorReason(s); }

class TeamServiceFakeTest : public ::testing::Test {
 protected:
  TeamServiceFakeTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone())),
        service_(repo_, clock_, absl::UTCTimeZone(), TeamConfig()) {}

  v1::Branch MakeBranch(const std::string& code, const std::string& region = "East") {
    v1::CreateBranchRequest r;
    r.mutable_branch()->set_code(code);
    r.mutable_branch()->set_display_name("Branch " + code);
    r.mutable_branch()->set_region(region);
    auto b = service_.CreateBranch(Call(admin_), r);
    EXPECT_TRUE(b.ok()) << b.status();
    return *b;
  }

  v1::Member MakeMember(const v1::Branch& branch, v1::Role role,
                        v1::CareerLevel level = v1::CAREER_LEVEL_UNSPECIFIED, int grade = 0,
                        std::vector<v1::Skill> skills = {v1::WEALTH}) {
    v1::CreateMemberRequest r;
    v1::Member* m = r.mutable_member();
    m->set_employee_number(absl::StrCat("E-", ++serial_));
    m->set_display_name("Wang Fang");
    m->set_branch(branch.name());
    m->set_role(role);
    if (role == v1::RELATIONSHIP_MANAGER) m->set_rm_kind(v1::PERSONAL);
    m->set_career_level(level);
    m->set_career_grade(grade);
    for (v1::Skill s : skills) m->add_skills(s);
    auto out = service_.CreateMember(Call(admin_), r);
    EXPECT_TRUE(out.ok()) << out.status();
    return *out;
  }

  auth::Caller Call(const auth::Principal& p) { return auth::Caller{p}; }

  std::vector<std::string> MemberNames(const v1::ListMembersResponse& r) {
    std::vector<std::string> out;
    for (const auto& m : r.members()) out.push_back(m.name());
    return out;
  }

  fakes::FakeTeamRepository repo_;
  FakeClock clock_;
  TeamService service_;
  auth::Principal admin_ = Admin();
  int serial_ = 0;
};

TEST_F(TeamServiceFakeTest, OnlyHeadOfficeCreatesBranchesAndNothingIsWrittenOtherwise) {
  v1::CreateBranchRequest r;
  r.mutable_branch()->set_code("SH-01");
  r.mutable_branch()->set_display_name("Pudong");
  auto denied = service_.CreateBranch(Call(BranchManager(1)), r);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(denied.status()), "TEAM_ADMIN_REQUIRED");
  EXPECT_EQ(repo_.writes_committed(), 0);

  auto created = service_.CreateBranch(Call(admin_), r);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->personal_customer_cap(), TeamConfig().default_personal_customer_cap);
  ASSERT_EQ(repo_.data().events.size(), 1u);
  EXPECT_EQ(repo_.data().events[0].type(), "team.branch.created");
  auto taken = service_.CreateBranch(Call(admin_), r);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Reason(taken.status()), "BRANCH_CODE_TAKEN");
}

TEST_F(TeamServiceFakeTest, StaleEtagIsAbortedAndTheBranchManagerUpdatesOnlyTheirBranch) {
  v1::Branch branch = MakeBranch("SH-02");
  const int64_t id = *api::ParseName(branch.name(), "branches", "name");
  v1::UpdateBranchRequest r;
  *r.mutable_branch() = branch;
  r.mutable_branch()->set_region("West");
  r.mutable_update_mask()->add_paths("region");
  auto updated = service_.UpdateBranch(Call(BranchManager(id)), r);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->region(), "West");
  EXPECT_NE(updated->etag(), branch.etag());

  auto stale = service_.UpdateBranch(Call(BranchManager(id)), r);  // the old etag again
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Reason(stale.status()), "ETAG_MISMATCH");
  r.mutable_branch()->set_etag(updated->etag());
  auto other = service_.UpdateBranch(Call(BranchManager(id + 1)), r);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(TeamServiceFakeTest, StaffSeeTheirOwnBranchOnly) {
  v1::Branch east = MakeBranch("E-1");
  v1::Branch west = MakeBranch("W-1", "West");
  v1::Member here = MakeMember(east, v1::TELLER);
  v1::Member there = MakeMember(west, v1::TELLER);
  auth::Principal manager = BranchManager(*api::ParseName(east.name(), "branches", "name"));

  v1::GetMemberRequest get;
  get.set_name(there.name());
  EXPECT_EQ(service_.GetMember(Call(manager), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  get.set_name("members/424242");  // missing: the same answer, ids cannot be probed
  EXPECT_EQ(service_.GetMember(Call(manager), get).status().code(),
            absl::StatusCode::kPermissionDenied);

  auto listed = service_.ListMembers(Call(manager), v1::ListMembersRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(MemberNames(*listed), ElementsAre(here.name()));
  auto all = service_.ListMembers(Call(admin_), v1::ListMembersRequest());
  EXPECT_THAT(MemberNames(*all), ElementsAre(here.name(), there.name()));

  auth::Principal nobody;
  nobody.subject = "members/1";
  nobody.member_id = 1;
  EXPECT_EQ(Reason(service_.ListMembers(Call(nobody), v1::ListMembersRequest()).status()),
            "NO_BRANCH");
}

TEST_F(TeamServiceFakeTest, ListMembersFiltersAndPagesWithTokensBoundToTheFilter) {
  v1::Branch branch = MakeBranch("F-1");
  std::vector<std::string> wealthy;
  for (int i = 0; i < 5; ++i) {
    wealthy.push_back(
        MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::SENIOR, 8, {v1::WEALTH, v1::FX}).name());
  }
  MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::ASSISTANT, 2, {v1::WEALTH});   // level too low
  MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PRINCIPAL, 10, {v1::FX});      // no WEALTH
  MakeMember(branch, v1::TELLER, v1::CAREER_LEVEL_UNSPECIFIED, 0, {v1::WEALTH});  // a teller

  v1::ListMembersRequest r;
  r.set_filter("skills: WEALTH AND career_level >= SENIOR AND role = RELATIONSHIP_MANAGER");
  r.set_page_size(2);
  std::vector<std::string> seen;
  for (int guard = 0; guard < 5; ++guard) {
    auto page = service_.ListMembers(Call(admin_), r);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& m : page->members()) seen.push_back(m.name());
    if (page->next_page_token().empty()) break;
    EXPECT_EQ(page->members_size(), 2);
    r.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen, wealthy);

  v1::ListMembersRequest other = r;  // a token from another filter is refused
  other.set_filter("skills: FX");
  auto refused = service_.ListMembers(Call(admin_), other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(refused.status())[0].field, "page_token");

  v1::ListMembersRequest bad;
  bad.set_filter("skills = WEALTH");
  auto invalid = service_.ListMembers(Call(admin_), bad);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(invalid.status())[0].field, "filter");
  EXPECT_THAT(FieldViolations(invalid.status())[0].description,
              HasSubstr("operator = is not supported on skills"));
}

TEST_F(TeamServiceFakeTest, AMentorTakesAtMostTheConfiguredNumberOfMentees) {
  v1::Branch branch = MakeBranch("M-1");
  v1::Member mentor = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::SENIOR, 8);
  auto start = [&](const v1::Member& mentee) {
    v1::StartMentorshipRequest r;
    r.set_mentor(mentor.name());
    r.set_mentee(mentee.name());
    return service_.StartMentorship(Call(admin_), r);
  };
  for (int i = 0; i < TeamConfig().max_mentees; ++i) {
    auto started = start(MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::ASSISTANT, 1));
    ASSERT_TRUE(started.ok()) << started.status();
  }
  v1::Member one_more = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::ASSISTANT, 1);
  auto full = start(one_more);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reason(full.status()), "MENTOR_AT_CAPACITY");

  v1::GetMemberRequest get;
  get.set_name(one_more.name());
  EXPECT_TRUE(service_.GetMember(Call(admin_), get)->mentor().empty());

  v1::ListMentorshipsRequest list;
  list.set_filter(absl::StrCat("mentor = \"", mentor.name(), "\" AND state = MENTORSHIP_ACTIVE"));
  auto mentorships = service_.ListMentorships(Call(admin_), list);
  ASSERT_TRUE(mentorships.ok()) << mentorships.status();
  EXPECT_EQ(mentorships->mentorships_size(), TeamConfig().max_mentees);
}

TEST_F(TeamServiceFakeTest, AReplayedRequestIdReturnsTheFirstAnswerWithoutWritingAgain) {
  v1::CreateBranchRequest r;
  r.mutable_branch()->set_code("R-1");
  r.mutable_branch()->set_display_name("Replay");
  r.set_request_id("req-1");
  auto first = service_.CreateBranch(Call(admin_), r);
  auto again = service_.CreateBranch(Call(admin_), r);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->name(), again->name());
  EXPECT_EQ(repo_.data().branches.size(), 1u);
  r.mutable_branch()->set_code("R-2");
  EXPECT_EQ(Reason(service_.CreateBranch(Call(admin_), r).status()), "REQUEST_ID_REUSED");
}

}  // namespace
}  // namespace rmhub::team
