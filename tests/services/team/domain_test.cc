// Plain unit tests of the team service's pure rules.
#include <gtest/gtest.h>

#include "common/status/errors.h"
#include "services/team/domain/access_policy.h"
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

}  // namespace
}  // namespace rmhub::team
