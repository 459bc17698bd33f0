// Issue 8, the team service's part, over real gRPC against a real MariaDB: eligibility over time
// (ListIneligibleHolders, team.member.eligibility_changed, the expiry sweep across two replicas),
// ladder approval by level, mentorships ended by the mentor's change, the back-office filter, the
// customer service's team-lead lookups, and the event of every mutating RPC.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_split.h"
#include "common/auth/roles.h"
#include "tests/services/team/team_test_env.h"

namespace rmhub::team {
namespace {

using rmhub::common::v1::DomainEvent;
using ::testing::ElementsAre;

class TeamCorrectionsTest : public TeamTestEnv {
 protected:
  std::string CustomerServiceToken() const {
    auth::DevTokenRequest r;
    r.service = "customer";
    return harness_.Token(r);
  }

  Result<v1::ListIneligibleHoldersResponse> Holders(const std::string& token,
                                                    const std::string& branch, int days = 0,
                                                    int page_size = 0,
                                                    const std::string& page_token = "") {
    v1::ListIneligibleHoldersRequest r;
    r.set_branch(branch);
    r.set_expiring_within_days(days);
    r.set_page_size(page_size);
    r.set_page_token(page_token);
    Result<v1::ListIneligibleHoldersResponse> out;
    auto ctx = Context(token);
    out.status = stub_->ListIneligibleHolders(ctx.get(), r, &out.response);
    return out;
  }

  // `paths`: the update mask, comma-separated.
  v1::Member Update(const v1::Member& m, const std::string& paths,
                    const std::function<void(v1::Member&)>& change) {
    v1::UpdateMemberRequest r;
    *r.mutable_member() = m;
    change(*r.mutable_member());
    for (absl::string_view p : absl::StrSplit(paths, ','))
      r.mutable_update_mask()->add_paths(std::string(p));
    v1::Member out;
    auto ctx = Context(admin_token_);
    grpc::Status s = stub_->UpdateMember(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Revoke(const std::string& certification) {
    v1::RevokeCertificationRequest r;
    r.set_name(certification);
    r.set_reason("disciplinary decision");
    v1::Certification out;
    auto ctx = Context(admin_token_);
    return stub_->RevokeCertification(ctx.get(), r, &out);
  }

  Result<v1::ChangeCareerLevelResponse> LadderAs(const std::string& token,
                                                 const std::string& member,
                                                 v1::LadderChangeKind kind, v1::CareerLevel level,
                                                 int grade) {
    v1::ChangeCareerLevelRequest r;
    r.set_name(member);
    r.set_kind(kind);
    r.set_to_level(level);
    r.set_to_grade(grade);
    r.set_reason("annual review");
    Result<v1::ChangeCareerLevelResponse> out;
    auto ctx = Context(token);
    out.status = stub_->ChangeCareerLevel(ctx.get(), r, &out.response);
    return out;
  }

  // The events of `type` among the aggregate's, payload unpacked into T.
  template <class T>
  std::vector<T> Payloads(const std::string& aggregate, const std::string& type) {
    std::vector<T> out;
    for (const DomainEvent& e : Events(aggregate)) {
      if (e.type() != type) continue;
      T payload;
      EXPECT_TRUE(e.payload().UnpackTo(&payload));
      out.push_back(std::move(payload));
    }
    return out;
  }

  static void ExpectVersionsStrictlyIncrease(const std::vector<DomainEvent>& events) {
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].aggregate_version(), static_cast<int64_t>(i + 1))
          << events[i].type() << " of " << events[i].aggregate();
    }
  }

  static std::vector<v1::IneligibilityReason> ReasonsOf(const v1::HolderEligibility& h) {
    std::vector<v1::IneligibilityReason> out;
    for (int r : h.reasons()) out.push_back(static_cast<v1::IneligibilityReason>(r));
    return out;
  }

  const absl::CivilDay kToday{2026, 3, 15};  // the harness's start, in Shanghai
};

// ---------------------------------------------------------------------------------------------
// Point 1: eligibility over time

TEST_F(TeamCorrectionsTest, IneligibleHoldersNameEveryCauseAndTheExpiringQualifications) {
  v1::Branch branch = MakeBranch();
  auto rm = [&](v1::CareerLevel level = v1::SENIOR, int grade = 7) {
    return MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, level, grade);
  };
  v1::Member fine = rm();
  AddQualification(fine, v1::PERSONAL, absl::CivilDay(2027, 6, 30));
  v1::Member expiring = rm();
  AddQualification(expiring, v1::PERSONAL, absl::CivilDay(2026, 3, 25));
  v1::Member expired = rm();
  AddQualification(expired, v1::PERSONAL, absl::CivilDay(2026, 3, 1));
  v1::Member revoked = rm();
  ASSERT_TRUE(
      Revoke(AddQualification(revoked, v1::PERSONAL, absl::CivilDay(2027, 1, 1)).name()).ok());
  v1::Member on_leave = rm();
  AddQualification(on_leave, v1::PERSONAL, absl::CivilDay(2027, 1, 1));
  on_leave = Update(on_leave, "status", [](v1::Member& m) { m.set_status(v1::ON_LEAVE); });
  v1::Member exited = rm();
  AddQualification(exited, v1::PERSONAL, absl::CivilDay(2027, 1, 1));
  ASSERT_TRUE(Ladder(exited.name(), v1::EXIT, v1::CAREER_LEVEL_UNSPECIFIED, 0).status.ok());
  v1::Member now_teller = rm();
  auto teller_exit = Ladder(now_teller.name(), v1::EXIT, v1::CAREER_LEVEL_UNSPECIFIED, 0);
  ASSERT_TRUE(teller_exit.status.ok());
  now_teller = Update(teller_exit.response.member(), "role,rm_kind", [](v1::Member& m) {
    m.set_role(v1::TELLER);
    m.set_rm_kind(v1::RM_KIND_UNSPECIFIED);
  });
  v1::Member switched = rm();
  AddQualification(switched, v1::CORPORATE, absl::CivilDay(2027, 1, 1));
  switched = Update(switched, "rm_kind", [](v1::Member& m) { m.set_rm_kind(v1::CORPORATE); });
  MakeMember(branch, v1::TELLER);  // never an RM: never listed

  v1::Member manager = MakeMember(branch, v1::BRANCH_MANAGER);
  const std::string token = TokenFor(manager, branch, {auth::kRoleBranchManager});
  auto all = Holders(token, branch.name());
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  std::map<std::string, v1::HolderEligibility> by;
  for (const auto& h : all.response.holders()) by[h.member()] = h;
  EXPECT_EQ(by.count(fine.name()), 0u);
  ASSERT_EQ(by.size(), 7u);
  EXPECT_TRUE(by[expiring.name()].eligible());
  EXPECT_EQ(by[expiring.name()].days_to_expiry(), 10);
  EXPECT_EQ(by[expiring.name()].certificate_expiry().day(), 25);
  EXPECT_THAT(ReasonsOf(by[expired.name()]), ElementsAre(v1::CERTIFICATE_EXPIRED));
  EXPECT_EQ(by[expired.name()].days_to_expiry(), -14);
  EXPECT_THAT(ReasonsOf(by[revoked.name()]), ElementsAre(v1::CERTIFICATE_REVOKED));
  EXPECT_THAT(ReasonsOf(by[on_leave.name()]), ElementsAre(v1::MEMBER_ON_LEAVE));
  EXPECT_THAT(ReasonsOf(by[exited.name()]), ElementsAre(v1::EXITED_LADDER));
  EXPECT_THAT(ReasonsOf(by[now_teller.name()]), ElementsAre(v1::NOT_A_RELATIONSHIP_MANAGER));
  EXPECT_EQ(by[now_teller.name()].previous_rm_kind(), v1::PERSONAL);
  EXPECT_TRUE(by[switched.name()].eligible());
  EXPECT_THAT(ReasonsOf(by[switched.name()]), ElementsAre(v1::RM_KIND_CHANGED));
  EXPECT_EQ(by[switched.name()].rm_kind(), v1::CORPORATE);
  EXPECT_EQ(by[switched.name()].previous_rm_kind(), v1::PERSONAL);

  // A narrower window drops the expiring one; pages of 2 give the same members in order.
  auto narrow = Holders(token, branch.name(), 5);
  ASSERT_TRUE(narrow.status.ok());
  EXPECT_EQ(narrow.response.holders_size(), 6);
  std::vector<std::string> paged;
  std::string page_token;
  do {
    auto page = Holders(token, branch.name(), 0, 2, page_token);
    ASSERT_TRUE(page.status.ok()) << page.status.error_message();
    EXPECT_LE(page.response.holders_size(), 2);
    for (const auto& h : page.response.holders()) paged.push_back(h.member());
    page_token = page.response.next_page_token();
  } while (!page_token.empty());
  std::vector<std::string> whole;
  for (const auto& h : all.response.holders()) whole.push_back(h.member());
  EXPECT_EQ(paged, whole);

  // The customer service may ask; an RM of the branch and another branch's manager may not.
  EXPECT_TRUE(Holders(CustomerServiceToken(), branch.name()).status.ok());
  auto as_rm = Holders(TokenFor(fine, branch, {auth::kRoleRelationshipManager}), branch.name());
  EXPECT_EQ(as_rm.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::Branch other = MakeBranch();
  v1::Member other_manager = MakeMember(other, v1::BRANCH_MANAGER);
  auto foreign = Holders(TokenFor(other_manager, other, {auth::kRoleBranchManager}), branch.name());
  EXPECT_EQ(foreign.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Bad input names the field.
  auto bad_days = Holders(token, branch.name(), 400);
  EXPECT_EQ(bad_days.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(bad_days.status).at(0).field, "expiring_within_days");
  auto no_branch = Holders(token, "");
  EXPECT_EQ(no_branch.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(no_branch.status).at(0).field, "branch");
  auto missing = Holders(admin_token_, "branches/999999");
  EXPECT_EQ(missing.status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(TeamCorrectionsTest, EveryEligibilityChangeIsPublishedWithBothSides) {
  v1::Branch branch = MakeBranch();
  v1::Member m = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 7);
  // Gaining the first qualification makes the member eligible.
  v1::Certification q = AddQualification(m, v1::PERSONAL, absl::CivilDay(2027, 1, 1));
  auto changes =
      Payloads<v1::MemberEligibilityChanged>(m.name(), "team.member.eligibility_changed");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].eligible());
  EXPECT_FALSE(changes[0].previous_eligible());
  EXPECT_THAT(changes[0].previous_reasons(), ElementsAre(v1::NO_CERTIFICATE));
  EXPECT_EQ(changes[0].cause(), "team.certification.added");
  EXPECT_EQ(changes[0].branch(), branch.name());

  // A change that does not touch eligibility publishes none.
  m = Update(m, "display_name", [](v1::Member& x) { x.set_display_name("Li Na"); });
  EXPECT_EQ(OutboxCount("team.member.eligibility_changed"), 1);

  ASSERT_TRUE(Revoke(q.name()).ok());
  changes = Payloads<v1::MemberEligibilityChanged>(m.name(), "team.member.eligibility_changed");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_FALSE(changes[1].eligible());
  EXPECT_THAT(changes[1].reasons(), ElementsAre(v1::CERTIFICATE_REVOKED));
  EXPECT_TRUE(changes[1].previous_eligible());
  EXPECT_EQ(changes[1].cause(), "team.certification.revoked");

  ASSERT_TRUE(Ladder(m.name(), v1::EXIT, v1::CAREER_LEVEL_UNSPECIFIED, 0).status.ok());
  changes = Payloads<v1::MemberEligibilityChanged>(m.name(), "team.member.eligibility_changed");
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_THAT(changes[2].reasons(), ElementsAre(v1::EXITED_LADDER, v1::CERTIFICATE_REVOKED));
  EXPECT_EQ(changes[2].cause(), "team.member.ladder_changed");

  // One member, one strictly increasing sequence over all its events.
  ExpectVersionsStrictlyIncrease(Events(m.name()));
}

TEST_F(TeamCorrectionsTest, TheExpirySweepPublishesEachExpiryOnceAcrossTwoReplicas) {
  v1::Branch branch = MakeBranch();
  v1::Member m = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 7);
  v1::Certification q = AddQualification(m, v1::PERSONAL, absl::CivilDay(2026, 3, 20));
  std::unique_ptr<TeamService> a = Replica();
  std::unique_ptr<TeamService> b = Replica();

  // Not yet: valid through the 20th.
  ASSERT_EQ(*a->SweepExpiredCertifications(100), 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 20, 23, 0, 0), zone_));
  ASSERT_EQ(*b->SweepExpiredCertifications(100), 0);

  // The 21st: both replicas sweep at once; exactly one publishes.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 21, 0, 30, 0), zone_));
  absl::StatusOr<int> from_a, from_b;
  std::thread ta([&] { from_a = a->SweepExpiredCertifications(100); });
  std::thread tb([&] { from_b = b->SweepExpiredCertifications(100); });
  ta.join();
  tb.join();
  ASSERT_TRUE(from_a.ok()) << from_a.status();
  ASSERT_TRUE(from_b.ok()) << from_b.status();
  EXPECT_EQ(*from_a + *from_b, 1);
  EXPECT_EQ(*service().SweepExpiredCertifications(100), 0);

  auto expired = Events(q.name());
  ASSERT_EQ(expired.size(), 2u);  // added, expired
  EXPECT_EQ(expired[1].type(), "team.certification.expired");
  EXPECT_EQ(expired[1].actor(), "services/team");
  ExpectVersionsStrictlyIncrease(expired);
  auto changes =
      Payloads<v1::MemberEligibilityChanged>(m.name(), "team.member.eligibility_changed");
  ASSERT_EQ(changes.size(), 2u);  // the qualification added, then its expiry
  EXPECT_FALSE(changes[1].eligible());
  EXPECT_TRUE(changes[1].previous_eligible());
  EXPECT_THAT(changes[1].reasons(), ElementsAre(v1::CERTIFICATE_EXPIRED));
  EXPECT_EQ(changes[1].cause(), "team.certification.expired");
  EXPECT_EQ(changes[1].certificate_expiry().day(), 20);
  ExpectVersionsStrictlyIncrease(Events(m.name()));

  RenewAdminToken();
  auto listed = Holders(admin_token_, branch.name());
  ASSERT_TRUE(listed.status.ok());
  ASSERT_EQ(listed.response.holders_size(), 1);
  EXPECT_THAT(ReasonsOf(listed.response.holders(0)), ElementsAre(v1::CERTIFICATE_EXPIRED));
}

// ---------------------------------------------------------------------------------------------
// Point 2: approval authority by level

TEST_F(TeamCorrectionsTest, LadderChangesNeedTheAuthorityOfTheirLevelAndRecordTheApprover) {
  v1::Branch branch = MakeBranch();  // region "East"
  v1::Member lead = MakeMember(branch, v1::TEAM_LEAD);
  v1::Team team = MakeTeam(branch, v1::HOME, lead.name());
  v1::Member rm = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSISTANT, 3);
  ASSERT_TRUE(AddToTeam(team.name(), rm.name()).ok());
  v1::Member peer_lead = MakeMember(branch, v1::TEAM_LEAD);
  ASSERT_TRUE(AddToTeam(team.name(), peer_lead.name()).ok());
  v1::Member manager = MakeMember(branch, v1::BRANCH_MANAGER);
  v1::Branch elsewhere = MakeBranch();
  v1::Member regional = MakeMember(elsewhere, v1::BRANCH_MANAGER);

  const std::string lead_token = TokenFor(lead, branch, {auth::kRoleTeamLead});
  const std::string peer_token = TokenFor(peer_lead, branch, {auth::kRoleTeamLead});
  const std::string manager_token = TokenFor(manager, branch, {auth::kRoleBranchManager});
  const std::string region_token = TokenFor(regional, elsewhere, {auth::kRoleBranchManager},
                                            {std::string(auth::kPermRegionPrefix) + "East"});
  const std::string wrong_region_token = TokenFor(regional, elsewhere, {auth::kRoleBranchManager},
                                                  {std::string(auth::kPermRegionPrefix) + "West"});

  // The team's leader (its stored leader, not a TEAM_LEAD claim) approves up to ASSOCIATE.
  auto by_peer = LadderAs(peer_token, rm.name(), v1::PROMOTION, v1::ASSOCIATE, 4);
  EXPECT_EQ(by_peer.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto by_lead = LadderAs(lead_token, rm.name(), v1::PROMOTION, v1::ASSOCIATE, 4);
  ASSERT_TRUE(by_lead.status.ok()) << by_lead.status.error_message();
  EXPECT_EQ(by_lead.response.change().approver(), lead.name());
  EXPECT_EQ(by_lead.response.change().decider(), lead.name());
  EXPECT_EQ(by_lead.response.change().approval_authority(), v1::TEAM_APPROVAL);

  auto lead_to_senior = LadderAs(lead_token, rm.name(), v1::PROMOTION, v1::SENIOR, 7);
  EXPECT_EQ(lead_to_senior.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Reason(lead_to_senior.status), "APPROVAL_AUTHORITY_REQUIRED");
  auto by_manager = LadderAs(manager_token, rm.name(), v1::PROMOTION, v1::SENIOR, 7);
  ASSERT_TRUE(by_manager.status.ok()) << by_manager.status.error_message();
  EXPECT_EQ(by_manager.response.change().approval_authority(), v1::BRANCH_APPROVAL);

  auto manager_to_principal = LadderAs(manager_token, rm.name(), v1::PROMOTION, v1::PRINCIPAL, 10);
  EXPECT_EQ(Reason(manager_to_principal.status), "APPROVAL_AUTHORITY_REQUIRED");
  auto other_region = LadderAs(wrong_region_token, rm.name(), v1::PROMOTION, v1::PRINCIPAL, 10);
  EXPECT_EQ(other_region.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto by_region = LadderAs(region_token, rm.name(), v1::PROMOTION, v1::PRINCIPAL, 10);
  ASSERT_TRUE(by_region.status.ok()) << by_region.status.error_message();
  EXPECT_EQ(by_region.response.change().approval_authority(), v1::REGION_APPROVAL);
  EXPECT_EQ(by_region.response.change().approver(), regional.name());

  auto region_to_gm = LadderAs(region_token, rm.name(), v1::PROMOTION, v1::GENERAL_MANAGER, 13);
  EXPECT_EQ(Reason(region_to_gm.status), "APPROVAL_AUTHORITY_REQUIRED");
  // Demoting from GENERAL_MANAGER is head office's too; the branch may not.
  auto by_head_office = Ladder(rm.name(), v1::PROMOTION, v1::GENERAL_MANAGER, 13);
  ASSERT_TRUE(by_head_office.status.ok()) << by_head_office.status.error_message();
  EXPECT_EQ(by_head_office.response.change().approval_authority(), v1::HEAD_OFFICE_APPROVAL);
  auto manager_demotes = LadderAs(manager_token, rm.name(), v1::DEMOTION, v1::SENIOR, 9);
  EXPECT_EQ(Reason(manager_demotes.status), "APPROVAL_AUTHORITY_REQUIRED");

  // The history keeps approver and authority.
  v1::ListLadderChangesRequest hist;
  hist.set_parent(rm.name());
  v1::ListLadderChangesResponse changes;
  auto ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->ListLadderChanges(ctx.get(), hist, &changes).ok());
  ASSERT_EQ(changes.ladder_changes_size(), 5);  // entry + four promotions, newest first
  EXPECT_EQ(changes.ladder_changes(0).approval_authority(), v1::HEAD_OFFICE_APPROVAL);
  EXPECT_EQ(changes.ladder_changes(1).approver(), regional.name());
  EXPECT_EQ(changes.ladder_changes(3).approval_authority(), v1::TEAM_APPROVAL);

  // A branch manager may not place a new member at DIRECTOR.
  auto director = MemberRequest(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::DIRECTOR, 16);
  v1::Member created;
  ctx = Context(manager_token);
  grpc::Status placed = stub_->CreateMember(ctx.get(), director, &created);
  EXPECT_EQ(placed.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Reason(placed), "APPROVAL_AUTHORITY_REQUIRED");
}

// ---------------------------------------------------------------------------------------------
// Point 10: mentorships end with the mentor's eligibility; back-office filter

TEST_F(TeamCorrectionsTest, AMentorsDemotionOrDepartureEndsTheirMentorshipsInTheSameChange) {
  v1::Branch branch = MakeBranch();
  v1::Member mentor = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 7);
  v1::Member mentee = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSISTANT, 1);
  ASSERT_TRUE(StartMentorship(mentor.name(), mentee.name()).ok());
  ASSERT_TRUE(Ladder(mentor.name(), v1::DEMOTION, v1::ASSOCIATE, 6).status.ok());
  EXPECT_EQ(CountRows("mentorships WHERE state = 2 AND outcome = 4"), 1);
  v1::ListMentorshipsRequest lm;
  lm.set_filter("mentor = \"" + mentor.name() + "\"");
  v1::ListMentorshipsResponse listed;
  auto ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->ListMentorships(ctx.get(), lm, &listed).ok());
  ASSERT_EQ(listed.mentorships_size(), 1);
  EXPECT_EQ(listed.mentorships(0).state(), v1::MENTORSHIP_ENDED);
  auto ended = Payloads<v1::Mentorship>(listed.mentorships(0).name(), "team.mentorship.ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].outcome(), v1::MENTOR_NO_LONGER_ELIGIBLE);
  EXPECT_EQ(ended[0].mentor(), mentor.name());

  v1::Member principal =
      MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::PRINCIPAL, 10);
  v1::Member mentee2 = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSISTANT, 1);
  ASSERT_TRUE(StartMentorship(principal.name(), mentee2.name()).ok());
  Update(principal, "status", [](v1::Member& m) { m.set_status(v1::LEFT); });
  EXPECT_EQ(CountRows("mentorships WHERE state = 2 AND outcome = 4"), 2);
  EXPECT_EQ(CountRows("mentorships WHERE state = 1"), 0);
  EXPECT_EQ(OutboxCount("team.mentorship.ended"), 2);
  // A demotion that stays at SENIOR or above ends nothing.
  v1::Member senior = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::PRINCIPAL, 11);
  ASSERT_TRUE(StartMentorship(senior.name(), mentee.name()).ok());
  ASSERT_TRUE(Ladder(senior.name(), v1::DEMOTION, v1::SENIOR, 9).status.ok());
  EXPECT_EQ(CountRows("mentorships WHERE state = 1"), 1);
}

TEST_F(TeamCorrectionsTest, MembersFilterOnBackOfficeFunction) {
  v1::Branch branch = MakeBranch();
  v1::Member compliance = MakeMember(branch, v1::BACK_OFFICE);  // COMPLIANCE by the helper
  v1::CreateMemberRequest risk_request = MemberRequest(branch, v1::BACK_OFFICE);
  risk_request.mutable_member()->set_back_office_function(v1::RISK);
  v1::Member risk;
  auto ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->CreateMember(ctx.get(), risk_request, &risk).ok());
  MakeMember(branch, v1::TELLER);

  v1::ListMembersRequest r;
  r.set_filter("back_office_function = COMPLIANCE AND branch = \"" + branch.name() + "\"");
  v1::ListMembersResponse out;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->ListMembers(ctx.get(), r, &out).ok());
  ASSERT_EQ(out.members_size(), 1);
  EXPECT_EQ(out.members(0).name(), compliance.name());
  r.set_filter("back_office_function = NOPE");
  ctx = Context(admin_token_);
  grpc::Status bad = stub_->ListMembers(ctx.get(), r, &out);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// ---------------------------------------------------------------------------------------------
// Point 7: the customer service resolves team-lead scope from the stored leader

TEST_F(TeamCorrectionsTest, TheCustomerServiceReadsWhoLeadsWhichTeam) {
  v1::Branch branch = MakeBranch();
  v1::Member lead = MakeMember(branch, v1::TEAM_LEAD);
  v1::Team team = MakeTeam(branch, v1::HOME, lead.name());
  MakeTeam(branch, v1::HOME, "");
  v1::ListTeamsRequest r;
  r.set_filter("leader = \"" + lead.name() + "\"");
  v1::ListTeamsResponse out;
  auto ctx = Context(CustomerServiceToken());
  ASSERT_TRUE(stub_->ListTeams(ctx.get(), r, &out).ok());
  ASSERT_EQ(out.teams_size(), 1);
  EXPECT_EQ(out.teams(0).name(), team.name());
  v1::GetMemberRequest g;
  g.set_name(lead.name());
  v1::Member fetched;
  ctx = Context(CustomerServiceToken());
  ASSERT_TRUE(stub_->GetMember(ctx.get(), g, &fetched).ok());
  EXPECT_EQ(fetched.role(), v1::TEAM_LEAD);
}

// ---------------------------------------------------------------------------------------------
// Point 9: the event of every mutating RPC

TEST_F(TeamCorrectionsTest, EveryMutatingRpcPublishesItsEventWithAnIncreasingVersion) {
  // Branch: created, updated.
  v1::Branch branch = MakeBranch();
  v1::UpdateBranchRequest ub;
  *ub.mutable_branch() = branch;
  ub.mutable_branch()->set_personal_customer_cap(350);
  ub.mutable_update_mask()->add_paths("personal_customer_cap");
  v1::Branch updated_branch;
  auto ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->UpdateBranch(ctx.get(), ub, &updated_branch).ok());
  auto events = Events(branch.name());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type(), "team.branch.created");
  EXPECT_EQ(events[1].type(), "team.branch.updated");
  ExpectVersionsStrictlyIncrease(events);
  v1::Branch branch_payload;
  ASSERT_TRUE(events[1].payload().UnpackTo(&branch_payload));
  EXPECT_EQ(branch_payload.personal_customer_cap(), 350);
  EXPECT_EQ(events[1].source(), "team");
  EXPECT_EQ(events[1].actor(), admin_subject_);

  // Member: created, updated, ladder_changed (and eligibility when it changes).
  v1::Member m = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 7);
  m = Update(m, "skills", [](v1::Member& x) { x.add_skills(v1::INSURANCE); });
  ASSERT_TRUE(Ladder(m.name(), v1::PROMOTION, v1::SENIOR, 8).status.ok());
  events = Events(m.name());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), "team.member.created");
  EXPECT_EQ(events[1].type(), "team.member.updated");
  EXPECT_EQ(events[2].type(), "team.member.ladder_changed");
  ExpectVersionsStrictlyIncrease(events);
  v1::Member member_payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&member_payload));
  EXPECT_EQ(member_payload.branch(), branch.name());
  EXPECT_EQ(member_payload.role(), v1::RELATIONSHIP_MANAGER);
  EXPECT_EQ(member_payload.rm_kind(), v1::PERSONAL);
  EXPECT_EQ(member_payload.career_level(), v1::SENIOR);
  v1::LadderChange ladder_payload;
  ASSERT_TRUE(events[2].payload().UnpackTo(&ladder_payload));
  EXPECT_EQ(ladder_payload.kind(), v1::PROMOTION);
  EXPECT_EQ(ladder_payload.from_grade(), 7);
  EXPECT_EQ(ladder_payload.to_grade(), 8);
  EXPECT_EQ(ladder_payload.approval_authority(), v1::HEAD_OFFICE_APPROVAL);

  // Certification: added, revoked.
  v1::Certification cert = AddQualification(m, v1::PERSONAL, absl::CivilDay(2027, 1, 1));
  ASSERT_TRUE(Revoke(cert.name()).ok());
  events = Events(cert.name());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type(), "team.certification.added");
  EXPECT_EQ(events[1].type(), "team.certification.revoked");
  ExpectVersionsStrictlyIncrease(events);
  v1::Certification cert_payload;
  ASSERT_TRUE(events[1].payload().UnpackTo(&cert_payload));
  EXPECT_EQ(cert_payload.state(), v1::REVOKED);
  EXPECT_EQ(cert_payload.rm_kind(), v1::PERSONAL);

  // Mentorship: started, ended.
  v1::Member mentee = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::ASSISTANT, 1);
  v1::StartMentorshipRequest sm;
  sm.set_mentor(m.name());
  sm.set_mentee(mentee.name());
  v1::Mentorship mentorship;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->StartMentorship(ctx.get(), sm, &mentorship).ok());
  v1::EndMentorshipRequest em;
  em.set_name(mentorship.name());
  em.set_outcome(v1::MENTEE_QUALIFIED);
  v1::Mentorship ended;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->EndMentorship(ctx.get(), em, &ended).ok());
  events = Events(mentorship.name());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type(), "team.mentorship.started");
  EXPECT_EQ(events[1].type(), "team.mentorship.ended");
  ExpectVersionsStrictlyIncrease(events);
  v1::Mentorship mentorship_payload;
  ASSERT_TRUE(events[1].payload().UnpackTo(&mentorship_payload));
  EXPECT_EQ(mentorship_payload.outcome(), v1::MENTEE_QUALIFIED);
  EXPECT_EQ(mentorship_payload.mentee(), mentee.name());

  // Team: created, updated, member_added, goal_set, member_removed.
  v1::Team team = MakeTeam(branch, v1::PROJECT, "");
  v1::UpdateTeamRequest ut;
  *ut.mutable_team() = team;
  ut.mutable_team()->set_description("cross-selling");
  ut.mutable_update_mask()->add_paths("description");
  v1::Team updated_team;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->UpdateTeam(ctx.get(), ut, &updated_team).ok());
  ASSERT_TRUE(AddToTeam(team.name(), mentee.name()).ok());
  v1::SetTeamGoalRequest sg;
  sg.set_team(team.name());
  sg.mutable_goal()->set_metric(v1::NEW_CUSTOMERS);
  sg.mutable_goal()->mutable_period()->mutable_start_date()->set_year(2026);
  sg.mutable_goal()->mutable_period()->mutable_start_date()->set_month(4);
  sg.mutable_goal()->mutable_period()->mutable_start_date()->set_day(1);
  sg.mutable_goal()->mutable_period()->mutable_end_date()->set_year(2026);
  sg.mutable_goal()->mutable_period()->mutable_end_date()->set_month(7);
  sg.mutable_goal()->mutable_period()->mutable_end_date()->set_day(1);
  sg.mutable_goal()->set_target_value(40);
  v1::TeamGoal goal;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->SetTeamGoal(ctx.get(), sg, &goal).ok()) << "goal";
  v1::RemoveTeamMemberRequest rtm;
  rtm.set_team(team.name());
  rtm.set_member(mentee.name());
  v1::RemoveTeamMemberResponse removed;
  ctx = Context(admin_token_);
  ASSERT_TRUE(stub_->RemoveTeamMember(ctx.get(), rtm, &removed).ok());
  events = Events(team.name());
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type());
  EXPECT_THAT(types, ElementsAre("team.team.created", "team.team.updated", "team.team.member_added",
                                 "team.team.goal_set", "team.team.member_removed"));
  ExpectVersionsStrictlyIncrease(events);
  v1::TeamMembership membership_payload;
  ASSERT_TRUE(events[2].payload().UnpackTo(&membership_payload));
  EXPECT_EQ(membership_payload.member(), mentee.name());
  v1::TeamGoal goal_payload;
  ASSERT_TRUE(events[3].payload().UnpackTo(&goal_payload));
  EXPECT_EQ(goal_payload.target_value(), 40);
  EXPECT_EQ(goal_payload.metric(), v1::NEW_CUSTOMERS);
}

}  // namespace
}  // namespace rmhub::team
