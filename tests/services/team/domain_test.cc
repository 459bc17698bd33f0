// Plain unit tests of the team service's pure rules.
#include <gtest/gtest.h>

#include "common/status/errors.h"
#include "services/team/domain/access_policy.h"
#include "services/team/domain/holder_eligibility.h"
#include "services/team/domain/ladder.h"
#include "services/team/domain/mentoring.h"
#include "services/team/domain/qualification.h"
#include "services/team/repository.h"

namespace rmhub::team {
namespace {

v1::Member Rm(v1::CareerLevel level, int grade, v1::RmKind kind = v1::PERSONAL) {
  v1::Member m;
  m.set_name("members/1");
  m.set_branch("branches/1");
  m.set_role(v1::RELATIONSHIP_MANAGER);
  m.set_rm_kind(kind);
  m.set_status(v1::ACTIVE);
  m.set_career_level(level);
  m.set_career_grade(grade);
  return m;
}

TEST(Ladder, SixLevelsOwnSeventeenContiguousGrades) {
  int expected = 1;
  for (int l = v1::ASSISTANT; l <= v1::DIRECTOR; ++l) {
    GradeRange r = GradesOf(static_cast<v1::CareerLevel>(l));
    EXPECT_EQ(r.lowest, expected);
    for (int g = r.lowest; g <= r.highest; ++g) EXPECT_EQ(LevelOfGrade(g), l);
    expected = r.highest + 1;
  }
  EXPECT_EQ(expected, 18);
  EXPECT_EQ(LevelOfGrade(0), v1::CAREER_LEVEL_UNSPECIFIED);
  EXPECT_EQ(LevelOfGrade(18), v1::CAREER_LEVEL_UNSPECIFIED);
}

TEST(Ladder, PromotionGoesUpAtMostOneLevel) {
  v1::Member m = Rm(v1::ASSOCIATE, 5);
  auto up = DecideLadderMove(m, v1::PROMOTION, v1::ASSOCIATE, 6);
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->to_grade, 6);
  EXPECT_TRUE(DecideLadderMove(m, v1::PROMOTION, v1::SENIOR, 7).ok());
  auto skip = DecideLadderMove(m, v1::PROMOTION, v1::PRINCIPAL, 10);
  EXPECT_EQ(ErrorReason(skip.status()), "LEVEL_SKIPPED");
  auto sideways = DecideLadderMove(m, v1::PROMOTION, v1::ASSOCIATE, 5);
  EXPECT_EQ(sideways.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(sideways.status()), "NOT_A_PROMOTION");
}

TEST(Ladder, DemotionGoesDown) {
  v1::Member m = Rm(v1::SENIOR, 8);
  EXPECT_TRUE(DecideLadderMove(m, v1::DEMOTION, v1::ASSOCIATE, 4).ok());
  EXPECT_EQ(ErrorReason(DecideLadderMove(m, v1::DEMOTION, v1::SENIOR, 9).status()),
            "NOT_A_DEMOTION");
}

TEST(Ladder, GradeMustBelongToLevel) {
  v1::Member m = Rm(v1::ASSOCIATE, 5);
  auto bad = DecideLadderMove(m, v1::PROMOTION, v1::SENIOR, 12);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad.status())[0].field, "to_grade");
}

TEST(Ladder, EntryExitAndWhoIsOnTheLadder) {
  v1::Member off = Rm(v1::CAREER_LEVEL_UNSPECIFIED, 0);
  EXPECT_TRUE(DecideLadderMove(off, v1::ENTRY, v1::ASSISTANT, 1).ok());
  EXPECT_EQ(ErrorReason(DecideLadderMove(off, v1::PROMOTION, v1::ASSISTANT, 2).status()),
            "NOT_ON_LADDER");
  EXPECT_EQ(ErrorReason(DecideLadderMove(off, v1::EXIT, v1::CAREER_LEVEL_UNSPECIFIED, 0).status()),
            "NOT_ON_LADDER");
  v1::Member on = Rm(v1::PRINCIPAL, 11);
  EXPECT_EQ(ErrorReason(DecideLadderMove(on, v1::ENTRY, v1::ASSISTANT, 1).status()),
            "ALREADY_ON_LADDER");
  auto exit = DecideLadderMove(on, v1::EXIT, v1::CAREER_LEVEL_UNSPECIFIED, 0);
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->to_level, v1::CAREER_LEVEL_UNSPECIFIED);
  v1::Member teller = on;
  teller.set_role(v1::TELLER);
  EXPECT_EQ(ErrorReason(DecideLadderMove(teller, v1::DEMOTION, v1::ASSOCIATE, 4).status()),
            "NOT_ON_LADDER");
  v1::Member left = on;
  left.set_status(v1::LEFT);
  EXPECT_EQ(ErrorReason(DecideLadderMove(left, v1::DEMOTION, v1::SENIOR, 7).status()),
            "MEMBER_LEFT");
}

v1::Certification Qualification(v1::RmKind kind, absl::CivilDay expiry) {
  v1::Certification c;
  c.set_type(v1::RM_QUALIFICATION);
  c.set_rm_kind(kind);
  c.mutable_expiry_date()->set_year(static_cast<int>(expiry.year()));
  c.mutable_expiry_date()->set_month(expiry.month());
  c.mutable_expiry_date()->set_day(expiry.day());
  return c;
}

TEST(Qualification, ValidThroughItsExpiryDay) {
  auto c = Qualification(v1::PERSONAL, absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(StateOn(c, absl::CivilDay(2026, 12, 31), false), v1::VALID);
  EXPECT_EQ(StateOn(c, absl::CivilDay(2027, 1, 1), false), v1::EXPIRED);
  EXPECT_EQ(StateOn(c, absl::CivilDay(2026, 1, 1), true), v1::REVOKED);
}

TEST(Eligibility, NeedsActiveQualifiedRmOfTheKindAndReportsTheBranchCap) {
  v1::Branch branch;
  branch.set_personal_customer_cap(400);
  branch.set_corporate_key_account_cap(15);
  v1::Member m = Rm(v1::ASSOCIATE, 4, v1::CORPORATE);
  EligibilityInput input{&m, &branch, {Qualification(v1::CORPORATE, absl::CivilDay(2030, 1, 1))}};
  input.certifications[0].set_state(v1::VALID);

  auto ok = DecideEligibility(input, v1::CORPORATE);
  EXPECT_TRUE(ok.eligible());
  EXPECT_EQ(ok.cap(), 15);

  EXPECT_EQ(DecideEligibility(input, v1::PERSONAL).reason(), v1::WRONG_RM_KIND);
  input.certifications[0].set_state(v1::EXPIRED);
  EXPECT_EQ(DecideEligibility(input, v1::CORPORATE).reason(), v1::NO_VALID_QUALIFICATION);
  input.certifications[0].set_state(v1::VALID);
  m.set_status(v1::ON_LEAVE);
  EXPECT_EQ(DecideEligibility(input, v1::CORPORATE).reason(), v1::NOT_ACTIVE);
  m.set_status(v1::ACTIVE);
  m.set_career_level(v1::CAREER_LEVEL_UNSPECIFIED);
  EXPECT_EQ(DecideEligibility(input, v1::CORPORATE).reason(), v1::EXITED_LADDER);
  m.set_role(v1::TELLER);
  auto teller = DecideEligibility(input, v1::CORPORATE);
  EXPECT_FALSE(teller.eligible());
  EXPECT_EQ(teller.reason(), v1::NOT_A_RELATIONSHIP_MANAGER);
}

TEST(Mentoring, SeniorMentorWithRoomAndAnUnmentoredMentee) {
  v1::Member mentor = Rm(v1::SENIOR, 7);
  v1::Member mentee = Rm(v1::ASSISTANT, 1);
  mentee.set_name("members/2");
  MentoringFacts facts;
  EXPECT_TRUE(CheckCanStartMentorship(mentor, mentee, facts).ok());
  facts.mentor_active_mentees = 3;
  EXPECT_EQ(ErrorReason(CheckCanStartMentorship(mentor, mentee, facts)), "MENTOR_AT_CAPACITY");
  facts.max_mentees = 4;
  EXPECT_TRUE(CheckCanStartMentorship(mentor, mentee, facts).ok());
  facts.mentee_has_active_mentor = true;
  EXPECT_EQ(ErrorReason(CheckCanStartMentorship(mentor, mentee, facts)), "MENTEE_ALREADY_MENTORED");
  v1::Member junior = Rm(v1::ASSOCIATE, 6);
  EXPECT_EQ(ErrorReason(CheckCanStartMentorship(junior, mentee, MentoringFacts{})),
            "MENTOR_LEVEL_TOO_LOW");
  EXPECT_EQ(CheckCanStartMentorship(mentor, mentor, MentoringFacts{}).code(),
            absl::StatusCode::kInvalidArgument);
}

auth::Principal Staff(int64_t branch, std::set<std::string> roles, int64_t member = 9) {
  auth::Principal p;
  p.subject = "members/" + std::to_string(member);
  p.member_id = member;
  p.branch_id = branch;
  p.roles = std::move(roles);
  return p;
}

TEST(AccessPolicy, BranchManagerManagesOnlyTheirBranch) {
  auto bm = Staff(1, {"BRANCH_MANAGER"});
  EXPECT_TRUE(AccessPolicy::CanManageBranch(bm, 1).ok());
  EXPECT_EQ(AccessPolicy::CanManageBranch(bm, 2).code(), absl::StatusCode::kPermissionDenied);
  auto rm = Staff(1, {"RELATIONSHIP_MANAGER"});
  EXPECT_EQ(AccessPolicy::CanManageBranch(rm, 1).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(AccessPolicy::CanReadBranchStaff(rm, 1).ok());
  EXPECT_EQ(AccessPolicy::CanReadBranchStaff(rm, 2).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AccessPolicy::CanCreateBranch(bm).code(), absl::StatusCode::kPermissionDenied);
}

// The list scope is CanReadBranchStaff as a typed value: all branches, or the caller's own.
TEST(AccessPolicy, StaffListScopeIsTheReadableBranches) {
  auto rm = Staff(3, {"RELATIONSHIP_MANAGER"});
  auto scope = AccessPolicy::StaffListScope(rm);
  ASSERT_TRUE(scope.ok());
  EXPECT_FALSE(scope->all);
  EXPECT_EQ(scope->branch_id, 3);
  EXPECT_EQ(scope->owner_member_id, 0);
  auto admin = Staff(0, {});
  admin.permissions = {auth::kPermTeamAdmin};
  EXPECT_TRUE(AccessPolicy::StaffListScope(admin)->all);
  auth::Principal svc;
  svc.service = "customer";
  EXPECT_TRUE(AccessPolicy::StaffListScope(svc)->all);
  EXPECT_EQ(ErrorReason(AccessPolicy::StaffListScope(Staff(0, {"TELLER"})).status()), "NO_BRANCH");
}

TEST(AccessPolicy, LeaderManagesRosterServicesOnlyRead) {
  auto leader = Staff(1, {"TEAM_LEAD"}, 42);
  EXPECT_TRUE(AccessPolicy::CanManageRoster(leader, 1, 42).ok());
  EXPECT_FALSE(AccessPolicy::CanManageRoster(leader, 1, 43).ok());
  auth::Principal svc;
  svc.subject = "services/customer";
  svc.service = "customer";
  EXPECT_TRUE(AccessPolicy::CanReadBranchStaff(svc, 7).ok());
  EXPECT_FALSE(AccessPolicy::CanManageBranch(svc, 7).ok());
  auth::Principal hr = Staff(0, {});
  hr.permissions.insert(auth::kPermTeamAdmin);
  EXPECT_TRUE(AccessPolicy::CanCreateBranch(hr).ok());
  EXPECT_TRUE(AccessPolicy::CanManageBranch(hr, 5).ok());
}

TEST(Etag, RoundTripsAndRejectsJunk) {
  EXPECT_EQ(MakeEtag(7), "\"v7\"");
  EXPECT_EQ(ParseEtag(MakeEtag(12345)), 12345);
  for (const char* bad : {"", "7", "\"7\"", "\"v\"", "\"v-1\"", "v7", "\"v7"}) {
    EXPECT_FALSE(ParseEtag(bad).has_value()) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// Issue 8: eligibility over time, approval by level, mentors who may no longer mentor

v1::Certification Qualification(v1::RmKind kind, absl::CivilDay expiry, v1::CertificationState s) {
  v1::Certification c;
  c.set_name("members/1/certifications/1");
  c.set_type(v1::RM_QUALIFICATION);
  c.set_rm_kind(kind);
  c.mutable_expiry_date()->set_year(static_cast<int>(expiry.year()));
  c.mutable_expiry_date()->set_month(expiry.month());
  c.mutable_expiry_date()->set_day(expiry.day());
  c.set_state(s);
  return c;
}

using Reasons = std::vector<v1::IneligibilityReason>;

TEST(HolderEligibility, ValidQualificationIsEligibleWithDaysToExpiry) {
  const absl::CivilDay today(2026, 3, 15);
  HolderAssessment a =
      AssessHolder(Rm(v1::ASSOCIATE, 5), v1::RM_KIND_UNSPECIFIED,
                   {Qualification(v1::PERSONAL, absl::CivilDay(2026, 4, 1), v1::VALID)}, today);
  EXPECT_TRUE(a.eligible);
  EXPECT_TRUE(a.reasons.empty());
  EXPECT_EQ(a.days_to_expiry, 17);
  EXPECT_TRUE(NeedsAttention(a, 30));   // within the warning window
  EXPECT_FALSE(NeedsAttention(a, 16));  // outside it
}

TEST(HolderEligibility, EachCauseIsNamed) {
  const absl::CivilDay today(2026, 3, 15);
  const auto valid = Qualification(v1::PERSONAL, absl::CivilDay(2027, 1, 1), v1::VALID);
  const auto expired = Qualification(v1::PERSONAL, absl::CivilDay(2026, 3, 14), v1::EXPIRED);
  const auto revoked = Qualification(v1::PERSONAL, absl::CivilDay(2027, 1, 1), v1::REVOKED);

  EXPECT_EQ(AssessHolder(Rm(v1::SENIOR, 7), {}, {expired}, today).reasons,
            Reasons{v1::CERTIFICATE_EXPIRED});
  EXPECT_EQ(AssessHolder(Rm(v1::SENIOR, 7), {}, {expired}, today).days_to_expiry, -1);
  EXPECT_EQ(AssessHolder(Rm(v1::SENIOR, 7), {}, {revoked}, today).reasons,
            Reasons{v1::CERTIFICATE_REVOKED});
  EXPECT_EQ(AssessHolder(Rm(v1::SENIOR, 7), {}, {}, today).reasons, Reasons{v1::NO_CERTIFICATE});
  // A qualification of the other kind does not count.
  EXPECT_EQ(AssessHolder(Rm(v1::SENIOR, 7, v1::CORPORATE), {}, {valid}, today).reasons,
            Reasons{v1::NO_CERTIFICATE});

  v1::Member exited = Rm(v1::CAREER_LEVEL_UNSPECIFIED, 0);
  EXPECT_EQ(AssessHolder(exited, {}, {valid}, today).reasons, Reasons{v1::EXITED_LADDER});
  v1::Member on_leave = Rm(v1::SENIOR, 7);
  on_leave.set_status(v1::ON_LEAVE);
  EXPECT_EQ(AssessHolder(on_leave, {}, {valid}, today).reasons, Reasons{v1::MEMBER_ON_LEAVE});
  v1::Member left = Rm(v1::SENIOR, 7);
  left.set_status(v1::LEFT);
  EXPECT_EQ(AssessHolder(left, {}, {expired}, today).reasons,
            (Reasons{v1::CERTIFICATE_EXPIRED, v1::MEMBER_LEFT}));
  v1::Member teller = Rm(v1::CAREER_LEVEL_UNSPECIFIED, 0);
  teller.set_role(v1::TELLER);
  teller.set_rm_kind(v1::RM_KIND_UNSPECIFIED);
  HolderAssessment t = AssessHolder(teller, v1::PERSONAL, {valid}, today);
  EXPECT_FALSE(t.eligible);
  EXPECT_EQ(t.reasons, Reasons{v1::NOT_A_RELATIONSHIP_MANAGER});
  EXPECT_EQ(t.rm_kind, v1::RM_KIND_UNSPECIFIED);
}

TEST(HolderEligibility, AKindChangeStaysListedWhileEligibleForTheNewKind) {
  const absl::CivilDay today(2026, 3, 15);
  HolderAssessment a =
      AssessHolder(Rm(v1::SENIOR, 7, v1::CORPORATE), v1::PERSONAL,
                   {Qualification(v1::CORPORATE, absl::CivilDay(2027, 1, 1), v1::VALID)}, today);
  EXPECT_TRUE(a.eligible);
  EXPECT_EQ(a.reasons, Reasons{v1::RM_KIND_CHANGED});
  EXPECT_TRUE(NeedsAttention(a, 1));
}

TEST(HolderEligibility, TheEventCarriesBothSidesAndOnlyRealChangesMakeOne) {
  const absl::CivilDay today(2026, 3, 15);
  const v1::Member m = Rm(v1::SENIOR, 7);
  const auto valid = Qualification(v1::PERSONAL, absl::CivilDay(2027, 1, 1), v1::VALID);
  const auto revoked = Qualification(v1::PERSONAL, absl::CivilDay(2027, 1, 1), v1::REVOKED);
  HolderAssessment before = AssessHolder(m, {}, {valid}, today);
  HolderAssessment same = AssessHolder(m, {}, {valid, valid}, today);
  HolderAssessment after = AssessHolder(m, {}, {revoked}, today);
  EXPECT_FALSE(EligibilityChanged(before, same));
  ASSERT_TRUE(EligibilityChanged(before, after));
  v1::MemberEligibilityChanged e = EligibilityEvent(m, before, after, "team.certification.revoked");
  EXPECT_EQ(e.member(), "members/1");
  EXPECT_EQ(e.branch(), "branches/1");
  EXPECT_FALSE(e.eligible());
  EXPECT_TRUE(e.previous_eligible());
  ASSERT_EQ(e.reasons_size(), 1);
  EXPECT_EQ(e.reasons(0), v1::CERTIFICATE_REVOKED);
  EXPECT_EQ(e.previous_reasons_size(), 0);
  EXPECT_EQ(e.cause(), "team.certification.revoked");
}

TEST(ApprovalAuthority, ByTheHigherLevelOfTheMove) {
  EXPECT_EQ(RequiredAuthority(v1::CAREER_LEVEL_UNSPECIFIED, v1::ASSISTANT), v1::TEAM_APPROVAL);
  EXPECT_EQ(RequiredAuthority(v1::ASSISTANT, v1::ASSOCIATE), v1::TEAM_APPROVAL);
  EXPECT_EQ(RequiredAuthority(v1::ASSOCIATE, v1::SENIOR), v1::BRANCH_APPROVAL);
  EXPECT_EQ(RequiredAuthority(v1::SENIOR, v1::PRINCIPAL), v1::REGION_APPROVAL);
  EXPECT_EQ(RequiredAuthority(v1::PRINCIPAL, v1::GENERAL_MANAGER), v1::HEAD_OFFICE_APPROVAL);
  EXPECT_EQ(RequiredAuthority(v1::DIRECTOR, v1::GENERAL_MANAGER), v1::HEAD_OFFICE_APPROVAL);
  // Exit from SENIOR is the branch's decision.
  EXPECT_EQ(RequiredAuthority(v1::SENIOR, v1::CAREER_LEVEL_UNSPECIFIED), v1::BRANCH_APPROVAL);
}

TEST(ApprovalAuthority, AHigherAuthorityMayApproveWhatALowerMayNotTheOtherWayRound) {
  ApproverFacts lead;
  lead.leads_home_team = true;
  EXPECT_TRUE(CheckApproval(lead, v1::TEAM_APPROVAL).ok());
  EXPECT_EQ(ErrorReason(CheckApproval(lead, v1::BRANCH_APPROVAL)), "APPROVAL_AUTHORITY_REQUIRED");
  ApproverFacts manager;
  manager.manages_branch = true;
  EXPECT_TRUE(CheckApproval(manager, v1::TEAM_APPROVAL).ok());
  EXPECT_TRUE(CheckApproval(manager, v1::BRANCH_APPROVAL).ok());
  EXPECT_EQ(CheckApproval(manager, v1::REGION_APPROVAL).code(),
            absl::StatusCode::kPermissionDenied);
  ApproverFacts region;
  region.holds_region = true;
  EXPECT_TRUE(CheckApproval(region, v1::REGION_APPROVAL).ok());
  EXPECT_FALSE(CheckApproval(region, v1::HEAD_OFFICE_APPROVAL).ok());
  ApproverFacts head_office;
  head_office.head_office = true;
  EXPECT_TRUE(CheckApproval(head_office, v1::HEAD_OFFICE_APPROVAL).ok());
  EXPECT_EQ(HeldAuthority(head_office), v1::HEAD_OFFICE_APPROVAL);
  head_office.is_member = true;
  EXPECT_EQ(ErrorReason(CheckApproval(head_office, v1::TEAM_APPROVAL)), "SELF_APPROVAL");
  EXPECT_FALSE(CheckApproval(ApproverFacts{}, v1::TEAM_APPROVAL).ok());
}

TEST(Mentoring, AMentorBelowSeniorOrGoneMayNoLongerMentor) {
  EXPECT_TRUE(MayStillMentor(Rm(v1::SENIOR, 7)));
  EXPECT_FALSE(MayStillMentor(Rm(v1::ASSOCIATE, 6)));
  EXPECT_FALSE(MayStillMentor(Rm(v1::CAREER_LEVEL_UNSPECIFIED, 0)));
  v1::Member left = Rm(v1::PRINCIPAL, 10);
  left.set_status(v1::LEFT);
  EXPECT_FALSE(MayStillMentor(left));
  v1::Member on_leave = Rm(v1::PRINCIPAL, 10);
  on_leave.set_status(v1::ON_LEAVE);
  EXPECT_TRUE(MayStillMentor(on_leave));
}

TEST(AccessPolicy, IneligibleHoldersForTheBranchManagerHeadOfficeAndServices) {
  auth::Principal manager;
  manager.member_id = 5;
  manager.branch_id = 1;
  manager.roles = {auth::kRoleBranchManager};
  EXPECT_TRUE(AccessPolicy::CanListIneligibleHolders(manager, 1).ok());
  EXPECT_FALSE(AccessPolicy::CanListIneligibleHolders(manager, 2).ok());
  auth::Principal rm;
  rm.member_id = 6;
  rm.branch_id = 1;
  rm.roles = {auth::kRoleRelationshipManager};
  EXPECT_FALSE(AccessPolicy::CanListIneligibleHolders(rm, 1).ok());
  auth::Principal customer;
  customer.subject = "services/customer";
  customer.service = "customer";
  EXPECT_TRUE(AccessPolicy::CanListIneligibleHolders(customer, 2).ok());
}

}  // namespace
}  // namespace rmhub::team
