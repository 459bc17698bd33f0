// The customer service's rules driven through the in-memory repository and a fake team
// directory: no database, no gRPC. Visibility, caps, etags, masking and audit, filters with the
// configured tiers, the archived default and paging.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/auth/roles.h"
#include "common/clock/clock.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"
#include "services/customer/customer_service.h"
#include "tests/services/customer/fake_customer_repository.h"

namespace rmhub::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kBranch = 1;
constexpr int64_t kTeam = 10;

// Every member the directory knows is a personal RM of branch 1, team 10, with the given cap.
class FakeTeamDirectory : public TeamDirectory {
 public:
  absl::StatusOr<ManagerFacts> CheckEligibility(int64_t member_id, team::v1::RmKind kind,
                                                const auth::Caller&) override {
    ManagerFacts f;
    f.member_id = member_id;
    f.kind = kind;
    f.eligible = kind == team::v1::PERSONAL;
    f.ineligible_reason = f.eligible ? "" : "not a corporate RM";
    f.cap = cap;
    f.branch_id = kBranch;
    f.home_team_id = kTeam;
    return f;
  }
  // The service logic is called directly here (no gRPC surface, so no scope resolution): the
  // principals carry their teams themselves.
  absl::StatusOr<std::vector<int64_t>> LedTeams(int64_t, const auth::Caller&) override {
    return std::vector<int64_t>{kTeam};
  }
  int cap = 400;
};

auth::Principal Rm(int64_t member, std::set<std::string> perms = {}) {
  auth::Principal p;
  p.subject = absl::StrCat("members/", member);
  p.member_id = member;
  p.roles = {"RELATIONSHIP_MANAGER"};
  p.branch_id = kBranch;
  p.team_ids = {kTeam};
  p.permissions = std::move(perms);
  return p;
}

auth::Principal Manager() {
  auth::Principal p = Rm(100);
  p.roles = {"BRANCH_MANAGER"};
  return p;
}

class CustomerServiceFakeTest : public ::testing::Test {
 protected:
  CustomerServiceFakeTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone())),
        service_(repo_, team_, clock_, absl::UTCTimeZone(), CustomerConfig()) {}

  v1::Customer Retail(int64_t aum_minor = 12'000'000) {
    const int n = ++serial_;
    std::string first17 = absl::StrFormat("3101151985%02d%02d%03d", 1 + n % 12, 1 + n % 28, n);
    v1::Customer c;
    c.set_type(v1::RETAIL);
    c.set_display_name("Chen Jing");
    c.set_national_id(first17 + pii::NationalIdCheckDigit(first17));
    c.set_contact_phone(absl::StrFormat("139%08d", n));
    c.mutable_aum()->set_minor_units(aum_minor);
    c.mutable_annual_contribution()->set_minor_units(800'000);
    c.set_status(v1::ACTIVE);
    c.add_needs(v1::INVESTMENT);
    c.set_risk_tolerance(v1::STEADY);
    return c;
  }

  absl::StatusOr<v1::Customer> Create(const auth::Principal& p, v1::Customer c,
                                      const std::string& owner = "") {
    v1::CreateCustomerRequest r;
    // AUM and contribution are the branch manager's to set (issue 8 point 8): an RM's customer
    // with them is created by the branch manager for that RM.
    const bool restricted =
        c.aum().minor_units() != 0 || c.annual_contribution().minor_units() != 0;
    if (restricted && !p.HasRole(auth::kRoleBranchManager) && owner.empty()) {
      *r.mutable_customer() = std::move(c);
      r.set_owner(p.subject);
      return service_.CreateCustomer(Call(Manager()), r);
    }
    *r.mutable_customer() = std::move(c);
    r.set_owner(owner);
    return service_.CreateCustomer(Call(p), r);
  }

  auth::Caller Call(const auth::Principal& p) { return auth::Caller{p}; }

  std::vector<std::string> Names(const v1::ListCustomersResponse& r) {
    std::vector<std::string> out;
    for (const auto& c : r.customers()) out.push_back(c.name());
    return out;
  }

  fakes::FakeCustomerRepository repo_;
  FakeTeamDirectory team_;
  FakeClock clock_;
  CustomerService service_;
  int serial_ = 0;
};

TEST_F(CustomerServiceFakeTest, ARelationshipManagerSeesOnlyTheirOwnCustomers) {
  auto mine = Create(Rm(7), Retail());
  auto theirs = Create(Rm(8), Retail());
  ASSERT_TRUE(mine.ok() && theirs.ok()) << mine.status() << theirs.status();
  EXPECT_EQ(mine->owner(), "members/7");

  v1::GetCustomerRequest get;
  get.set_name(theirs->name());
  EXPECT_EQ(service_.GetCustomer(Call(Rm(7)), get).status().code(), absl::StatusCode::kNotFound);
  get.set_name("customers/999999");  // the same answer for one that does not exist
  EXPECT_EQ(ErrorReason(service_.GetCustomer(Call(Rm(7)), get).status()), "CUSTOMER_NOT_FOUND");

  EXPECT_THAT(Names(*service_.ListCustomers(Call(Rm(7)), {})), ElementsAre(mine->name()));
  EXPECT_THAT(Names(*service_.ListCustomers(Call(Manager()), {})),
              ElementsAre(mine->name(), theirs->name()));
  auth::Principal lead = Rm(9);
  lead.roles = {"TEAM_LEAD"};
  EXPECT_THAT(Names(*service_.ListCustomers(Call(lead), {})),
              ElementsAre(mine->name(), theirs->name()));
  auth::Principal analytics;
  analytics.subject = "services/analytics";
  analytics.service = "analytics";
  EXPECT_EQ(service_.ListCustomers(Call(analytics), {})->customers_size(), 2);
  auth::Principal stranger;
  stranger.subject = "members/0";
  EXPECT_EQ(service_.ListCustomers(Call(stranger), {}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CustomerServiceFakeTest, PiiIsMaskedWithoutPiiReadAndAuditedWithIt) {
  v1::Customer in = Retail();
  auto created = Create(Rm(7), in);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->pii_masked());
  EXPECT_NE(created->national_id(), in.national_id());
  const size_t audited = repo_.data().audit.size();

  v1::GetCustomerRequest get;
  get.set_name(created->name());
  auto clear = service_.GetCustomer(Call(Rm(7, {auth::kPermPiiRead})), get);
  ASSERT_TRUE(clear.ok()) << clear.status();
  EXPECT_FALSE(clear->pii_masked());
  EXPECT_EQ(clear->national_id(), pii::Normalize(pii::PiiKind::kNationalId, in.national_id()));
  EXPECT_EQ(repo_.data().audit.size(), audited + 1) << "a clear read is audited";
  auto masked = service_.GetCustomer(Call(Rm(7)), get);
  EXPECT_TRUE(masked->pii_masked());
  EXPECT_EQ(repo_.data().audit.size(), audited + 1) << "a masked read is not";
  for (const auto& event : repo_.data().events) {
    EXPECT_EQ(event.payload().value().find(clear->national_id()), std::string::npos)
        << "events carry masked PII only";
  }
}

TEST_F(CustomerServiceFakeTest, TheCapStopsOneCustomerTooManyAndNothingIsWritten) {
  team_.cap = 2;
  ASSERT_TRUE(Create(Manager(), Retail(), "members/7").ok());
  ASSERT_TRUE(Create(Manager(), Retail(), "members/7").ok());
  const int writes = repo_.writes_committed();
  auto third = Create(Manager(), Retail(), "members/7");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(third.status()), "ASSIGNMENT_CAP_REACHED");
  EXPECT_EQ(repo_.writes_committed(), writes);

  auto unassigned = Create(Manager(), Retail());
  ASSERT_TRUE(unassigned.ok()) << unassigned.status();
  v1::AssignCustomerRequest assign;
  assign.set_customer(unassigned->name());
  assign.set_manager("members/7");
  assign.set_reason("rebalancing");
  EXPECT_EQ(ErrorReason(service_.AssignCustomer(Call(Manager()), assign).status()),
            "ASSIGNMENT_CAP_REACHED");
  assign.set_manager("members/8");
  EXPECT_TRUE(service_.AssignCustomer(Call(Manager()), assign).ok());
}

TEST_F(CustomerServiceFakeTest, AStaleEtagIsAbortedAndArchivedCustomersLeaveTheDefaultList) {
  auto created = Create(Rm(7), Retail());
  ASSERT_TRUE(created.ok());
  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_name(created->name());
  update.mutable_customer()->set_etag(created->etag());
  update.mutable_customer()->set_display_name("Chen Jing (VIP)");
  update.mutable_update_mask()->add_paths("display_name");
  auto updated = service_.UpdateCustomer(Call(Rm(7)), update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  auto stale = service_.UpdateCustomer(Call(Rm(7)), update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale.status()), "ETAG_MISMATCH");

  v1::ArchiveCustomerRequest archive;
  archive.set_name(created->name());
  archive.set_reason("moved abroad");
  archive.set_etag(created->etag());  // stale as well
  EXPECT_EQ(service_.ArchiveCustomer(Call(Rm(7)), archive).status().code(),
            absl::StatusCode::kAborted);
  archive.set_etag(updated->etag());
  ASSERT_TRUE(service_.ArchiveCustomer(Call(Rm(7)), archive).ok());

  EXPECT_THAT(Names(*service_.ListCustomers(Call(Rm(7)), {})), IsEmpty());
  v1::ListCustomersRequest archived;
  archived.set_filter("archived = true");
  EXPECT_THAT(Names(*service_.ListCustomers(Call(Rm(7)), archived)), ElementsAre(created->name()));
}

TEST_F(CustomerServiceFakeTest, TierFiltersFollowTheConfiguredThresholdsAndPagesAreBound) {
  const SegmentThresholds t;
  std::vector<std::string> large;
  for (int i = 0; i < 5; ++i) large.push_back(Create(Rm(7), Retail(t.large_aum + i))->name());
  ASSERT_TRUE(Create(Rm(7), Retail(t.medium_aum)).ok());  // MEDIUM
  ASSERT_TRUE(Create(Rm(7), Retail(t.vip_aum)).ok());     // VIP

  v1::ListCustomersRequest r;
  r.set_filter("asset_tier = LARGE AND needs: INVESTMENT");
  r.set_page_size(2);
  std::vector<std::string> seen;
  for (int guard = 0; guard < 5; ++guard) {
    auto page = service_.ListCustomers(Call(Rm(7)), r);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->customers()) {
      seen.push_back(c.name());
      EXPECT_EQ(c.asset_tier(), v1::LARGE);
    }
    if (page->next_page_token().empty()) break;
    r.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen, large);

  v1::ListCustomersRequest at_least;
  at_least.set_filter("asset_tier >= LARGE");
  EXPECT_EQ(service_.ListCustomers(Call(Rm(7)), at_least)->customers_size(), 6);
  at_least.set_page_token(r.page_token());
  EXPECT_EQ(FieldViolations(service_.ListCustomers(Call(Rm(7)), at_least).status())[0].field,
            "page_token");
  v1::ListCustomersRequest bad;
  bad.set_filter("asset_tier > LARGE");
  auto invalid = service_.ListCustomers(Call(Rm(7)), bad);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(invalid.status())[0].field, "filter");
}

}  // namespace
}  // namespace rmhub::customer
