// The team service in-process over real gRPC (127.0.0.1, port 0) against a real MariaDB.
// Every rejected call also checks that nothing was written (table checksums, outbox included).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/team/team_test_env.h"

namespace rmhub::team {
namespace {

using ::testing::HasSubstr;
using v1::TeamService;

class TeamServiceTest : public TeamTestEnv {};

// ---------------------------------------------------------------------------------------------
// Happy paths

TEST_F(TeamServiceTest, CreateAndGetMemberRoundTrip) {
  v1::Branch branch = MakeBranch();
  v1::Member created = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSOCIATE, 5);
  EXPECT_THAT(created.name(), ::testing::StartsWith("members/"));
  EXPECT_EQ(created.status(), v1::ACTIVE);
  EXPECT_EQ(created.career_level(), v1::ASSOCIATE);
  EXPECT_FALSE(created.etag().empty());

  v1::GetMemberRequest get;
  get.set_name(created.name());
  v1::Member fetched;
  auto ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->GetMember(ctx.get(), get, &fetched).ok());
  EXPECT_EQ(fetched.employee_number(), created.employee_number());
  EXPECT_EQ(fetched.skills_size(), 2);

  // The entry onto the ladder is history too.
  v1::ListLadderChangesRequest hist;
  hist.set_parent(created.name());
  v1::ListLadderChangesResponse changes;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->ListLadderChanges(ctx.get(), hist, &changes).ok());
  ASSERT_EQ(changes.ladder_changes_size(), 1);
  EXPECT_EQ(changes.ladder_changes(0).kind(), v1::ENTRY);
  EXPECT_GE(OutboxCount("team.member.created"), 1);
}

TEST_F(TeamServiceTest, ReplayedRequestIdReturnsFirstResponseAndWritesOnce) {
  v1::Branch branch = MakeBranch();
  v1::CreateMemberRequest req = MemberRequest(branch, v1::TELLER);
  req.set_request_id("replay-test-1");
  v1::Member first, second;
  auto c1 = Context(admin_token_);
  ASSERT_TRUE(stub_->CreateMember(c1.get(), req, &first).ok());
  auto c2 = Context(admin_token_);
  ASSERT_TRUE(stub_->CreateMember(c2.get(), req, &second).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountRows("members WHERE employee_number = '" + req.member().employee_number() + "'"),
            1);

  req.mutable_member()->set_display_name("Someone Else");
  auto c3 = Context(admin_token_);
  grpc::Status reused = stub_->CreateMember(c3.get(), req, &second);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(reused), "REQUEST_ID_REUSED");
}

TEST_F(TeamServiceTest, AReplayIsTheCallersOwnAndIsReauthorizedAgainstTheMemberAsItIsNow) {
  v1::Branch home = MakeBranch();
  v1::Branch elsewhere = MakeBranch();
  v1::Member manager = MakeMember(home, v1::BRANCH_MANAGER);
  v1::Member deputy = MakeMember(home, v1::BRANCH_MANAGER);
  const std::string bm = TokenFor(manager, home, {"BRANCH_MANAGER"});
  v1::CreateMemberRequest req = MemberRequest(home, v1::TELLER);
  req.set_request_id("bm-create-1");
  v1::Member first, replay;
  auto c1 = Context(bm);
  ASSERT_TRUE(stub_->CreateMember(c1.get(), req, &first).ok());
  auto c2 = Context(bm);
  ASSERT_TRUE(stub_->CreateMember(c2.get(), req, &replay).ok());
  EXPECT_EQ(replay.name(), first.name());

  // Another caller's identical request is its own first call (here: the employee number is taken),
  // never the first caller's answer.
  v1::Member theirs;
  auto c3 = Context(TokenFor(deputy, home, {"BRANCH_MANAGER"}));
  grpc::Status other = stub_->CreateMember(c3.get(), req, &theirs);
  EXPECT_FALSE(other.ok());
  EXPECT_TRUE(theirs.name().empty());
  EXPECT_EQ(CountRows("members WHERE employee_number = '" + req.member().employee_number() + "'"),
            1);

  // Head office moves the member to another branch: the manager's replay is refused as a first
  // call on that member would be.
  v1::UpdateMemberRequest move;
  *move.mutable_member() = first;
  move.mutable_member()->set_branch(elsewhere.name());
  move.mutable_update_mask()->add_paths("branch");
  v1::Member moved;
  auto c4 = Context(admin_token_);
  ASSERT_TRUE(stub_->UpdateMember(c4.get(), move, &moved).ok());
  v1::Member refused;
  auto c5 = Context(bm);
  grpc::Status s = stub_->CreateMember(c5.get(), req, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Reason(s), "OTHER_BRANCH");
  EXPECT_TRUE(refused.name().empty());
}

TEST_F(TeamServiceTest, LadderPromotionDemotionExitKeepHistory) {
  v1::Branch branch = MakeBranch();
  v1::Member m = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSOCIATE, 6);
  auto promote = Ladder(m.name(), v1::PROMOTION, v1::SENIOR, 7);
  ASSERT_TRUE(promote.status.ok()) << promote.status.error_message();
  EXPECT_EQ(promote.response.member().career_grade(), 7);
  EXPECT_EQ(promote.response.change().from_grade(), 6);
  EXPECT_EQ(promote.response.change().decider(), admin_subject_);

  auto demote = Ladder(m.name(), v1::DEMOTION, v1::ASSOCIATE, 4);
  ASSERT_TRUE(demote.status.ok());
  auto exit = Ladder(m.name(), v1::EXIT, v1::CAREER_LEVEL_UNSPECIFIED, 0);
  ASSERT_TRUE(exit.status.ok());
  EXPECT_EQ(exit.response.member().career_level(), v1::CAREER_LEVEL_UNSPECIFIED);

  v1::ListLadderChangesRequest hist;
  hist.set_parent(m.name());
  hist.set_page_size(2);
  v1::ListLadderChangesResponse page1, page2;
  auto c1 = Context(admin_token_);
  ASSERT_TRUE(stub_->ListLadderChanges(c1.get(), hist, &page1).ok());
  ASSERT_EQ(page1.ladder_changes_size(), 2);
  EXPECT_EQ(page1.ladder_changes(0).kind(), v1::EXIT);  // newest first
  ASSERT_FALSE(page1.next_page_token().empty());
  hist.set_page_token(page1.next_page_token());
  auto c2 = Context(admin_token_);
  ASSERT_TRUE(stub_->ListLadderChanges(c2.get(), hist, &page2).ok());
  ASSERT_EQ(page2.ladder_changes_size(), 2);
  EXPECT_EQ(page2.ladder_changes(1).kind(), v1::ENTRY);
  EXPECT_TRUE(page2.next_page_token().empty());
}

TEST_F(TeamServiceTest, EligibilityFollowsQualificationStatusAndBranchCap) {
  v1::Branch branch = MakeBranch(/*personal_cap=*/350);
  v1::Member rm = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSOCIATE, 4);
  auto before = Eligibility(rm.name(), v1::PERSONAL);
  ASSERT_TRUE(before.status.ok());
  EXPECT_FALSE(before.response.eligible());
  EXPECT_EQ(before.response.reason(), v1::NO_VALID_QUALIFICATION);

  v1::Certification cert = AddQualification(rm, v1::PERSONAL, absl::CivilDay(2030, 12, 31));
  EXPECT_EQ(cert.state(), v1::VALID);
  auto after = Eligibility(rm.name(), v1::PERSONAL);
  EXPECT_TRUE(after.response.eligible());
  EXPECT_EQ(after.response.cap(), 350);
  EXPECT_EQ(Eligibility(rm.name(), v1::CORPORATE).response.reason(), v1::WRONG_RM_KIND);

  // Time passes beyond the expiry: the same certificate no longer qualifies.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2031, 1, 1, 0, 0, 1), zone_));
  RenewAdminToken();  // tokens expire with the clock too
  EXPECT_EQ(Eligibility(rm.name(), v1::PERSONAL).response.reason(), v1::NO_VALID_QUALIFICATION);
}

TEST_F(TeamServiceTest, MentorCapacityAndTeamsRoster) {
  v1::Branch branch = MakeBranch();
  v1::Member mentor = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 8);
  for (int i = 0; i < 3; ++i) {
    v1::Member mentee =
        MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSISTANT, 1);
    ASSERT_TRUE(StartMentorship(mentor.name(), mentee.name()).ok());
  }
  v1::Member fourth = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSISTANT, 2);
  ExpectNothingWritten([&] {
    grpc::Status s = StartMentorship(mentor.name(), fourth.name());
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(Reason(s), "MENTOR_AT_CAPACITY");
  });

  v1::Team home = MakeTeam(branch, v1::HOME, mentor.name());
  EXPECT_EQ(home.member_count(), 1);
  v1::Team other_home = MakeTeam(branch, v1::HOME, "");
  ExpectNothingWritten([&] {
    grpc::Status s = AddToTeam(other_home.name(), mentor.name());
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(Reason(s), "ALREADY_IN_HOME_TEAM");
  });
  v1::Team project = MakeTeam(branch, v1::PROJECT, "");
  ASSERT_TRUE(AddToTeam(project.name(), mentor.name()).ok());
  v1::GetMemberRequest get;
  get.set_name(mentor.name());
  v1::Member fetched;
  auto ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->GetMember(ctx.get(), get, &fetched).ok());
  EXPECT_EQ(fetched.home_team(), home.name());
  ASSERT_EQ(fetched.project_teams_size(), 1);
  EXPECT_EQ(fetched.project_teams(0), project.name());
}

TEST_F(TeamServiceTest, ListMembersFiltersAndPages) {
  v1::Branch branch = MakeBranch();
  for (int i = 0; i < 5; ++i)
    MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::CORPORATE, v1::SENIOR, 7);
  MakeMember(branch, v1::TELLER);
  v1::ListMembersRequest req;
  req.set_filter("branch = \"" + branch.name() + "\" AND rm_kind = CORPORATE AND skills: WEALTH");
  req.set_page_size(2);
  std::set<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListMembersResponse resp;
    auto ctx = Context(admin_token_);
    ASSERT_TRUE(stub_->ListMembers(ctx.get(), req, &resp).ok());
    for (const auto& m : resp.members()) {
      EXPECT_EQ(m.rm_kind(), v1::CORPORATE);
      seen.insert(m.name());
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(seen.size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Rejections: each one leaves the database as it was.

TEST_F(TeamServiceTest, NoTokenIsUnauthenticated) {
  ExpectNothingWritten([&] {
    grpc::ClientContext ctx;
    v1::CreateBranchRequest req;
    req.mutable_branch()->set_code("NOAUTH");
    req.mutable_branch()->set_display_name("x");
    v1::Branch out;
    EXPECT_EQ(stub_->CreateBranch(&ctx, req, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    auto bad = Context("not-a-jwt");
    EXPECT_EQ(stub_->CreateBranch(bad.get(), req, &out).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  });
}

TEST_F(TeamServiceTest, DuplicateEmployeeNumberIsAlreadyExists) {
  v1::Branch branch = MakeBranch();
  v1::CreateMemberRequest req = MemberRequest(branch, v1::TELLER);
  v1::Member out;
  auto c1 = Context(admin_token_);
  ASSERT_TRUE(stub_->CreateMember(c1.get(), req, &out).ok());
  ExpectNothingWritten([&] {
    auto c2 = Context(admin_token_);
    grpc::Status s = stub_->CreateMember(c2.get(), req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
    EXPECT_EQ(Reason(s), "EMPLOYEE_NUMBER_TAKEN");
  });
}

TEST_F(TeamServiceTest, StaleEtagIsAborted) {
  v1::Branch branch = MakeBranch();
  v1::Member m = MakeMember(branch, v1::TELLER);
  v1::UpdateMemberRequest first;
  *first.mutable_member() = m;
  first.mutable_member()->set_display_name("Renamed Once");
  first.mutable_update_mask()->add_paths("display_name");
  v1::Member updated;
  auto c1 = Context(admin_token_);
  ASSERT_TRUE(stub_->UpdateMember(c1.get(), first, &updated).ok());
  EXPECT_NE(updated.etag(), m.etag());

  ExpectNothingWritten([&] {
    v1::UpdateMemberRequest stale = first;  // still carries the old etag
    stale.mutable_member()->set_display_name("Renamed Twice");
    auto c2 = Context(admin_token_);
    grpc::Status s = stub_->UpdateMember(c2.get(), stale, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
    EXPECT_EQ(Reason(s), "ETAG_MISMATCH");
  });
}

TEST_F(TeamServiceTest, AnotherBranchsMemberIsPermissionDeniedAndIdsCannotBeProbed) {
  v1::Branch mine = MakeBranch();
  v1::Branch theirs = MakeBranch();
  v1::Member manager = MakeMember(mine, v1::BRANCH_MANAGER);
  v1::Member colleague = MakeMember(mine, v1::TELLER);
  v1::Member stranger = MakeMember(theirs, v1::TELLER);
  std::string token = TokenFor(manager, mine, {"BRANCH_MANAGER"});

  v1::GetMemberRequest get;
  v1::Member out;
  get.set_name(colleague.name());
  auto c1 = Context(token);
  EXPECT_TRUE(stub_->GetMember(c1.get(), get, &out).ok());
  get.set_name(stranger.name());
  auto c2 = Context(token);
  EXPECT_EQ(stub_->GetMember(c2.get(), get, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get.set_name("members/987654321");
  auto c3 = Context(token);
  EXPECT_EQ(stub_->GetMember(c3.get(), get, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  ExpectNothingWritten([&] {
    v1::UpdateMemberRequest upd;
    *upd.mutable_member() = stranger;
    upd.mutable_member()->set_status(v1::ON_LEAVE);
    upd.mutable_update_mask()->add_paths("status");
    auto c4 = Context(token);
    EXPECT_EQ(stub_->UpdateMember(c4.get(), upd, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::CreateMemberRequest create = MemberRequest(theirs, v1::TELLER);
    auto c5 = Context(token);
    EXPECT_EQ(stub_->CreateMember(c5.get(), create, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    auto c6 = Context(token);
    v1::Branch branch_out;
    auto s = stub_->CreateBranch(c6.get(), BranchRequest(), &branch_out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  });

  // A list is silently scoped to the caller's branch.
  v1::ListMembersRequest list;
  v1::ListMembersResponse listed;
  auto c7 = Context(token);
  ASSERT_TRUE(stub_->ListMembers(c7.get(), list, &listed).ok());
  for (const auto& m : listed.members()) EXPECT_EQ(m.branch(), mine.name());
}

TEST_F(TeamServiceTest, IllegalLadderMovesAreFailedPrecondition) {
  v1::Branch branch = MakeBranch();
  v1::Member rm = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSOCIATE, 5);
  v1::Member teller = MakeMember(branch, v1::TELLER);
  ExpectNothingWritten([&] {
    EXPECT_EQ(Reason(Ladder(rm.name(), v1::PROMOTION, v1::ASSOCIATE, 4).status), "NOT_A_PROMOTION");
    EXPECT_EQ(Reason(Ladder(rm.name(), v1::PROMOTION, v1::PRINCIPAL, 10).status), "LEVEL_SKIPPED");
    EXPECT_EQ(Reason(Ladder(rm.name(), v1::DEMOTION, v1::SENIOR, 7).status), "NOT_A_DEMOTION");
    EXPECT_EQ(Reason(Ladder(rm.name(), v1::ENTRY, v1::ASSISTANT, 1).status), "ALREADY_ON_LADDER");
    EXPECT_EQ(Reason(Ladder(teller.name(), v1::ENTRY, v1::ASSISTANT, 1).status), "NOT_ON_LADDER");
    // Even a legal move fails on a stale etag.
    auto stale = Ladder(rm.name(), v1::PROMOTION, v1::ASSOCIATE, 6, "\"v999\"");
    EXPECT_EQ(stale.status.error_code(), grpc::StatusCode::ABORTED);
  });
}

}  // namespace
}  // namespace rmhub::team
