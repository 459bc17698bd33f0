// Plain unit tests of the customer service's pure rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status/errors.h"
#include "services/customer/domain/access_policy.h"
#include "services/customer/domain/assignment_policy.h"
#include "services/customer/domain/care_reminders.h"
#include "services/customer/domain/customer_rules.h"
#include "services/customer/domain/segmentation.h"
#include "services/customer/repository.h"
#include "tests/support/fake_list.h"

namespace rmhub::customer {
namespace {

using ::testing::ElementsAre;

TEST(Segmentation, TiersFollowThresholds) {
  SegmentThresholds t;
  EXPECT_EQ(AssetTierOf(0, t), v1::SMALL);
  EXPECT_EQ(AssetTierOf(t.medium_aum - 1, t), v1::SMALL);
  EXPECT_EQ(AssetTierOf(t.medium_aum, t), v1::MEDIUM);
  EXPECT_EQ(AssetTierOf(t.large_aum, t), v1::LARGE);
  EXPECT_EQ(AssetTierOf(t.vip_aum, t), v1::VIP);
  EXPECT_EQ(ValueTierOf(t.high_contribution, t), v1::HIGH_VALUE);
  EXPECT_EQ(ValueTierOf(t.medium_contribution - 1, t), v1::LOW_VALUE);
  // A change of thresholds re-derives at once.
  t.vip_aum = 300'000'000;
  EXPECT_EQ(AssetTierOf(400'000'000, t), v1::VIP);
  t.vip_aum = t.large_aum;
  EXPECT_FALSE(ValidateThresholds(t).ok());
}

v1::Customer Retail(bool key = false) {
  v1::Customer c;
  c.set_type(v1::RETAIL);
  c.set_key_account(key);
  return c;
}

TEST(AssignmentPolicy, PersonalCapCountsEveryCustomerCorporateOnlyKeyAccounts) {
  ManagerFacts personal{7, team::v1::PERSONAL, true, "", 400, 1, 2};
  EXPECT_TRUE(CheckCapacity(Retail(), personal, 399, 0).ok());
  absl::Status full = CheckCapacity(Retail(), personal, 400, 0);
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(full), "ASSIGNMENT_CAP_REACHED");
  EXPECT_THAT(ErrorMetadata(full),
              ::testing::Contains(std::make_pair(std::string("cap"), std::string("400"))));

  ManagerFacts corporate{8, team::v1::CORPORATE, true, "", 15, 1, 2};
  v1::Customer plain;
  plain.set_type(v1::CORPORATE);
  v1::Customer key = plain;
  key.set_key_account(true);
  EXPECT_TRUE(CheckCapacity(plain, corporate, 1000, 15).ok());  // not a key account: no cap
  EXPECT_EQ(ErrorReason(CheckCapacity(key, corporate, 20, 15)), "ASSIGNMENT_CAP_REACHED");
  EXPECT_TRUE(CheckCapacity(key, corporate, 20, 14).ok());
  EXPECT_EQ(RequiredRmKind(v1::PRIVATE_BANKING), team::v1::PERSONAL);
  EXPECT_EQ(RequiredRmKind(v1::CORPORATE), team::v1::CORPORATE);
}

TEST(AssignmentPolicy, TheCapIsComparedWithHoldingsAfterTheChange) {
  // A personal RM at exactly 400 flags a held customer: still 400 customers, one more key account.
  ManagerFacts personal{7, team::v1::PERSONAL, true, "", 400, 1, 2};
  EXPECT_TRUE(CheckHoldingsAfter(personal, 400, 3, 400, 4).ok());
  EXPECT_EQ(ErrorReason(CheckHoldingsAfter(personal, 400, 3, 401, 3)), "ASSIGNMENT_CAP_REACHED");
  // Over the cap after a cap cut: a change that does not add is allowed.
  EXPECT_TRUE(CheckHoldingsAfter(personal, 410, 0, 410, 1).ok());
  // A corporate RM's flag is a key account more.
  ManagerFacts corporate{8, team::v1::CORPORATE, true, "", 15, 1, 2};
  EXPECT_EQ(ErrorReason(CheckHoldingsAfter(corporate, 30, 15, 30, 16)), "ASSIGNMENT_CAP_REACHED");
  EXPECT_TRUE(CheckHoldingsAfter(corporate, 30, 14, 30, 15).ok());
}

TEST(AssignmentPolicy, NotEligibleSaysWhy) {
  ManagerFacts m{9, team::v1::PERSONAL, false, "the member's status is ON_LEAVE", 400, 1, 0};
  absl::Status s = CheckEligible(m);
  EXPECT_EQ(ErrorReason(s), "MANAGER_NOT_ELIGIBLE");
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("ON_LEAVE"));
}

TEST(AssignmentPolicy, HandoverSpreadsRoundRobinWithinCapsAndReportsWhatDoesNotFit) {
  std::vector<v1::Customer> customers(5, Retail());
  std::vector<int64_t> ids = {1, 2, 3, 4, 5};
  std::vector<HandoverCandidate> personal = {
      {{10, team::v1::PERSONAL, true, "", 400, 1, 0}, 399, 0},  // room for one
      {{11, team::v1::PERSONAL, true, "", 400, 1, 0}, 0, 0},
      {{12, team::v1::PERSONAL, false, "on leave", 400, 1, 0}, 0, 0},
  };
  std::vector<HandoverCandidate> corporate;
  auto plan = PlanHandover(customers, ids, personal, corporate);
  std::vector<int> targets;
  for (const auto& p : plan) targets.push_back(p.target);
  EXPECT_THAT(targets, ElementsAre(0, 1, 1, 1, 1));
  EXPECT_EQ(personal[0].held_customers, 400);

  std::vector<v1::Customer> corp(1);
  corp[0].set_type(v1::CORPORATE);
  auto none = PlanHandover(corp, {6}, personal, corporate);
  EXPECT_EQ(none[0].target, -1);
  EXPECT_FALSE(none[0].error.empty());
}

TEST(CareReminders, LeapDayBirthdaysAndMonthEnds) {
  // Born 29 Feb: in 2027 (common year) the birthday falls on 28 Feb; in 2028 on 29 Feb.
  EXPECT_EQ(NextBirthday(absl::CivilDay(1992, 2, 29), absl::CivilDay(2027, 2, 20)),
            absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(NextBirthday(absl::CivilDay(1992, 2, 29), absl::CivilDay(2028, 2, 20)),
            absl::CivilDay(2028, 2, 29));
  // Past this year's birthday: next year's, across the year end.
  EXPECT_EQ(NextBirthday(absl::CivilDay(1985, 1, 2), absl::CivilDay(2026, 12, 30)),
            absl::CivilDay(2027, 1, 2));
}

v1::Customer WithBirthday(const std::string& name, int y, int m, int d) {
  v1::Customer c = Retail();
  c.set_name(name);
  c.mutable_birthday()->set_year(y);
  c.mutable_birthday()->set_month(m);
  c.mutable_birthday()->set_day(d);
  return c;
}

TEST(CareReminders, WindowKindsAndOrder) {
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  absl::CivilDay today(2026, 1, 29);  // month end ahead
  std::vector<v1::Customer> book = {WithBirthday("customers/1", 1980, 2, 3),
                                    WithBirthday("customers/2", 1980, 2, 10),
                                    WithBirthday("customers/3", 1980, 1, 28)};
  v1::Customer key;
  key.set_name("customers/4");
  key.set_type(v1::CORPORATE);
  key.set_key_account(true);
  key.mutable_last_interaction_time()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2025, 12, 29, 10, 0, 0), zone)));
  book.push_back(key);
  v1::Customer dormant = Retail();
  dormant.set_name("customers/5");
  dormant.set_status(v1::DORMANT);
  dormant.mutable_status_change_time()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 1, 20, 9, 0, 0), zone)));
  book.push_back(dormant);
  std::vector<DueFollowUp> due = {{"customers/6", "Zhao", absl::CivilDay(2026, 1, 27)}};

  auto reminders = ComputeCareReminders(book, due, today, 7, zone);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& r : reminders) got.emplace_back(r.kind(), r.customer());
  EXPECT_THAT(got,
              ElementsAre(std::make_pair(v1::BIRTHDAY, std::string("customers/1")),
                          std::make_pair(v1::FOLLOW_UP_DUE, std::string("customers/6")),
                          std::make_pair(v1::KEY_ACCOUNT_UNTOUCHED, std::string("customers/4")),
                          std::make_pair(v1::NEWLY_DORMANT, std::string("customers/5"))));
  EXPECT_EQ(reminders[0].days_from_today(), 5);  // 29 Jan → 3 Feb across the month end
  EXPECT_EQ(reminders[1].days_from_today(), -2);
  EXPECT_EQ(reminders[2].days_from_today(), -31);
}

TEST(CustomerRules, NormalisesAndNamesBadFields) {
  v1::Customer c;
  c.set_type(v1::RETAIL);
  c.set_display_name("Li Lei");
  c.set_national_id("11010519491231002x");  // lower-case check character
  c.set_contact_phone("138-0013-8000");
  FieldErrors errors;
  NormalizeAndValidate(c, "customer.", absl::CivilDay(2026, 1, 1), errors);
  EXPECT_TRUE(errors.empty()) << errors.Status();
  EXPECT_EQ(c.national_id(), "11010519491231002X");
  EXPECT_EQ(c.contact_phone(), "13800138000");
  EXPECT_EQ(c.status(), v1::PROSPECT);
  EXPECT_EQ(c.aum().currency_code(), "CNY");

  v1::Customer bad;
  bad.set_type(v1::CORPORATE);
  bad.set_national_id("11010519491231002X");
  bad.mutable_aum()->set_currency_code("USD");
  FieldErrors e2;
  NormalizeAndValidate(bad, "customer.", absl::CivilDay(2026, 1, 1), e2);
  std::vector<std::string> fields;
  for (const auto& v : e2.violations()) fields.push_back(v.field);
  EXPECT_THAT(fields,
              ::testing::IsSupersetOf({"customer.display_name", "customer.credit_code",
                                       "customer.national_id", "customer.aum.currency_code"}));
  // A violation never echoes the value.
  EXPECT_EQ(std::string(e2.Status().message()).find("11010519491231002X"), std::string::npos);
}

auth::Principal Rm(int64_t member, int64_t branch) {
  auth::Principal p;
  p.subject = "members/" + std::to_string(member);
  p.member_id = member;
  p.branch_id = branch;
  p.roles = {"RELATIONSHIP_MANAGER"};
  return p;
}

TEST(AccessPolicy, OwnersTeamLeadsBranchManagersAndNobodyElse) {
  v1::Customer c;
  c.set_owner("members/7");
  c.set_team("teams/3");
  c.set_branch("branches/1");
  EXPECT_TRUE(AccessPolicy::CanAccess(Rm(7, 1), c, Access::kWrite));
  EXPECT_FALSE(AccessPolicy::CanAccess(Rm(8, 1), c, Access::kRead));
  EXPECT_EQ(AccessPolicy::Check(Rm(8, 1), c, Access::kRead).code(), absl::StatusCode::kNotFound);
  auth::Principal lead = Rm(9, 1);
  lead.roles = {"TEAM_LEAD"};
  lead.team_ids = {3};
  EXPECT_TRUE(AccessPolicy::CanAccess(lead, c, Access::kWrite));
  lead.team_ids = {4};
  EXPECT_FALSE(AccessPolicy::CanAccess(lead, c, Access::kRead));
  auth::Principal bm = Rm(10, 2);
  bm.roles = {"BRANCH_MANAGER"};
  EXPECT_FALSE(AccessPolicy::CanAccess(bm, c, Access::kRead));  // another branch
  bm.branch_id = 1;
  EXPECT_TRUE(AccessPolicy::CanAccess(bm, c, Access::kRead));
  auth::Principal svc;
  svc.service = "task";
  svc.subject = "services/task";
  EXPECT_TRUE(AccessPolicy::CanAccess(svc, c, Access::kRead));
  EXPECT_FALSE(AccessPolicy::CanAccess(svc, c, Access::kWrite));
}

// The typed list scope and the per-object check are one rule: a customer is in a caller's list
// scope (grants as the repositories apply them) exactly when the caller may read it.
TEST(AccessPolicy, ListScopeAgreesWithCanAccess) {
  std::vector<auth::Principal> callers = {Rm(7, 1), Rm(8, 2)};
  auth::Principal lead = Rm(9, 1);
  lead.roles = {"TEAM_LEAD"};
  lead.team_ids = {3, 5};
  auth::Principal bm = Rm(10, 2);
  bm.roles = {"BRANCH_MANAGER", "RELATIONSHIP_MANAGER"};
  auth::Principal svc;
  svc.service = "task";
  svc.subject = "services/task";
  callers.insert(callers.end(), {lead, bm, svc});
  for (const auth::Principal& p : callers) {
    auto scope = AccessPolicy::ListScope(p);
    ASSERT_TRUE(scope.ok()) << p.subject;
    for (int64_t owner : {0, 7, 8, 9, 10}) {
      for (int64_t team : {0, 3, 4, 5}) {
        for (int64_t branch : {1, 2}) {
          v1::Customer c;
          if (owner != 0) c.set_owner("members/" + std::to_string(owner));
          if (team != 0) c.set_team("teams/" + std::to_string(team));
          c.set_branch("branches/" + std::to_string(branch));
          EXPECT_EQ(rmhub::testing::FakeInScope(*scope, owner, team, branch),
                    AccessPolicy::CanAccess(p, c, Access::kRead))
              << p.subject << " owner " << owner << " team " << team << " branch " << branch;
        }
      }
    }
  }
  auth::Principal nobody;
  nobody.subject = "members/0";
  EXPECT_EQ(AccessPolicy::ListScope(nobody).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(AccessPolicy, MaskingHidesPii) {
  v1::Customer c;
  c.set_national_id("11010519491231002X");
  c.set_contact_phone("13812345678");
  MaskPii(c);
  EXPECT_EQ(c.national_id(), "110***********002X");
  EXPECT_EQ(c.contact_phone(), "138****5678");
  EXPECT_TRUE(c.pii_masked());
}

}  // namespace
}  // namespace rmhub::customer
