// The in-memory repository and the MySQL repository agree on customer list semantics: the same
// data, typed filters (parsed from the published filter text), tiers from the same thresholds,
// the archived default and scopes give the same rows in the same pages. Needs the harness's
// MariaDB.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"
#include "services/customer/domain/list_filters.h"
#include "services/customer/mysql_repository.h"
#include "tests/services/customer/fake_customer_repository.h"
#include "tests/support/repository_test_util.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::customer {
namespace {

using namespace ::rmhub::test_util;  // NOLINT(google-build-using-namespace): test helpers

std::string NationalId(int seq) {
  const std::string first17 = absl::StrCat("11010519900307", absl::Dec(seq, absl::kZeroPad3));
  return first17 + pii::NationalIdCheckDigit(first17);
}

struct Scoped {
  std::string label;
  api::ListScope scope;
};

std::vector<Scoped> Scopes() {
  api::ListScope owner;
  owner.owner_member_id = 7;
  api::ListScope lead = owner;
  lead.team_ids = {10, 11};
  api::ListScope manager;
  manager.owner_member_id = 100;
  manager.branch_id = 2;
  return {{"all", api::ListScope::All()},
          {"owner 7", owner},
          {"owner 7 + teams 10, 11", lead},
          {"branch 2", manager},
          {"closed", api::ListScope()}};
}

// Not the defaults: the thresholds travel as values into both stores.
SegmentThresholds Tiers() {
  SegmentThresholds t;
  t.medium_aum = 1'000;
  t.large_aum = 10'000;
  t.vip_aum = 100'000;
  t.medium_contribution = 500;
  t.high_contribution = 5'000;
  return t;
}

class CustomerListParityTest : public ::testing::Test {
 public:  // ExpectParity reads the stores
  // A database per test: both stores start empty, so their ids agree.
  void SetUp() override {
    db_ = rmhub::testing::TestDatabase::Create("customer_parity");
    auto pool = db::ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_OK(MySqlCustomerRepository::Migrate(*pool_));
    mysql_ = std::make_unique<MySqlCustomerRepository>(*pool_, cipher_, index_, *idempotency_);
    Populate();
  }

  void Insert(const v1::Customer& c, Ownership o) {
    std::vector<int64_t> ids;
    for (CustomerRepository* repo : {static_cast<CustomerRepository*>(mysql_.get()),
                                     static_cast<CustomerRepository*>(&fake_)}) {
      int64_t id = 0;
      ASSERT_OK(repo->Write(
          {"Populate", "", ""}, v1::GetCustomerRequest(), nullptr,
          [&](CustomerStore& s) { return Into(s.InsertCustomer(c, o, kT0), &id); }, nullptr));
      ids.push_back(id);
    }
    ASSERT_EQ(ids[0], ids[1]) << "a fresh database and the fake number rows alike";
  }

  void Populate() {
    struct Row {
      v1::CustomerType type;
      int64_t aum, contribution;
      std::vector<v1::Need> needs;
      v1::RiskTolerance risk;
      v1::CustomerStatus status;
      bool key, archived;
      Ownership owner;
    };
    const std::vector<Row> rows = {
        {v1::RETAIL, 500, 100, {v1::INVESTMENT}, v1::STEADY, v1::ACTIVE, false, false, {7, 10, 1}},
        {v1::RETAIL,
         1'000,
         500,
         {v1::INVESTMENT, v1::SAVINGS},
         v1::GROWTH,
         v1::ACTIVE,
         false,
         false,
         {7, 10, 1}},
        {v1::PRIVATE_BANKING,
         100'000,
         9'000,
         {v1::INVESTMENT},
         v1::AGGRESSIVE,
         v1::ACTIVE,
         false,
         false,
         {7, 10, 1}},
        {v1::CORPORATE,
         50'000,
         4'999,
         {v1::CONSUMPTION},
         v1::BALANCED,
         v1::DORMANT,
         true,
         false,
         {8, 10, 1}},
        {v1::RETAIL, 9'999, 0, {}, v1::CONSERVATIVE, v1::PROSPECT, false, false, {8, 11, 2}},
        {v1::CORPORATE,
         10'000,
         5'000,
         {v1::SAVINGS},
         v1::STEADY,
         v1::ACTIVE,
         true,
         true,
         {7, 10, 1}},
        {v1::RETAIL,
         20'000,
         700,
         {v1::INVESTMENT},
         v1::STEADY,
         v1::CHURNED,
         false,
         true,
         {9, 0, 2}},
        {v1::RETAIL,
         0,
         0,
         {v1::SAVINGS},
         v1::RISK_TOLERANCE_UNSPECIFIED,
         v1::ACTIVE,
         false,
         false,
         {0, 0, 2}},
        {v1::RETAIL, 2'000, 600, {v1::INVESTMENT}, v1::GROWTH, v1::ACTIVE, false, false, {0, 0, 1}},
    };
    int seq = 0;
    for (const Row& r : rows) {
      v1::Customer c;
      c.set_type(r.type);
      c.set_display_name(absl::StrCat("Customer ", ++seq));
      if (r.type != v1::CORPORATE) c.set_national_id(NationalId(seq));
      c.mutable_aum()->set_minor_units(r.aum);
      c.mutable_annual_contribution()->set_minor_units(r.contribution);
      for (v1::Need n : r.needs) c.add_needs(n);
      c.set_risk_tolerance(r.risk);
      c.set_status(r.status);
      c.set_key_account(r.key);
      c.set_archived(r.archived);
      Insert(c, r.owner);
    }
  }

  std::vector<std::vector<std::string>> Pages(CustomerRepository& repo, ListQuery q) {
    std::vector<std::vector<std::string>> pages;
    q.page.limit = 2;
    for (int guard = 0; guard < 20; ++guard) {
      Page<v1::Customer> page;
      EXPECT_OK(
          repo.Read([&](CustomerStore& s) { return Into(s.ListCustomers(q, Tiers()), &page); }));
      std::vector<std::string> names;
      for (const auto& c : page.items) names.push_back(c.name());
      pages.push_back(names);
      if (page.next_after_id == 0) break;
      q.page.after_id = page.next_after_id;
    }
    return pages;
  }

  std::unique_ptr<rmhub::testing::TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  const pii::FieldCipher cipher_ =
      *pii::FieldCipher::Create({{"k2024", std::string(32, 'a')}}, "k2024");
  const pii::BlindIndex index_ = *pii::BlindIndex::Create(std::string(32, 'i'));
  std::unique_ptr<idempotency::Idempotency> idempotency_ =
      rmhub::testing::TestIdempotency("customer", &cipher_);
  std::unique_ptr<MySqlCustomerRepository> mysql_;
  fakes::FakeCustomerRepository fake_;
};

// Every filter under every scope, paged by 2, in the fake and in MariaDB; `mode` labels whether
// MariaDB computes the tiers per row or reads its indexed tier columns.
void ExpectParity(CustomerListParityTest* t, const std::string& mode);

TEST_F(CustomerListParityTest, FakeAndMySqlAgreeOnFiltersTiersArchivedAndScopes) {
  // Before the tier columns are built for these thresholds: computed per row.
  ExpectParity(this, "computed tiers");
  // Built (VIRTUAL generated columns + indexes): the same pages.
  ASSERT_OK(MySqlCustomerRepository::ApplySegmentTiers(*pool_, Tiers()));
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema "
                          "= DATABASE() AND index_name = 'ix_customers_branch_asset_tier'")
                .value_or(-1),
            4);
  ExpectParity(this, "indexed tiers");
}

TEST_F(CustomerListParityTest, AThresholdChangeRebuildsTheTierColumnsOnce) {
  SegmentThresholds other = Tiers();
  other.large_aum = 20'000;  // a customer at 10,000 is MEDIUM under these
  ASSERT_OK(MySqlCustomerRepository::ApplySegmentTiers(*pool_, other));
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM customers WHERE asset_tier = 3").value_or(-1), 2)
      << "LARGE (3) under `other`: 50,000 and 20,000";
  // Back to the thresholds the lists use: rebuilt, and the pages agree with the fake again.
  ASSERT_OK(MySqlCustomerRepository::ApplySegmentTiers(*pool_, Tiers()));
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM customers WHERE asset_tier = 3").value_or(-1), 3)
      << "LARGE (3): 50,000, 10,000 and 20,000";
  ExpectParity(this, "rebuilt tiers");
  // The same thresholds again: nothing to do (the columns stay, no rebuild).
  ASSERT_OK(MySqlCustomerRepository::ApplySegmentTiers(*pool_, Tiers()));
  EXPECT_EQ(db_->QueryString("SELECT fingerprint FROM segment_tier_config").value_or(""),
            "aum:1000/10000/100000;contribution:500/5000");
}

void ExpectParity(CustomerListParityTest* t, const std::string& mode) {
  const std::vector<std::string> filters = {
      "",
      "type = CORPORATE",
      "type != RETAIL",
      "asset_tier = LARGE",
      "asset_tier >= MEDIUM",
      "asset_tier <= MEDIUM",
      "asset_tier != SMALL",
      "asset_tier = VIP",
      "value_tier = HIGH_VALUE",
      "value_tier <= MEDIUM_VALUE",
      "value_tier != LOW_VALUE",
      "needs: INVESTMENT",
      "needs: SAVINGS AND asset_tier >= LARGE",
      "risk_tolerance >= BALANCED",
      "risk_tolerance <= STEADY",
      "status != ACTIVE",
      "key_account = true",
      "key_account = false AND type = RETAIL",
      "archived = true",
      "archived = false",
      "owner = \"members/7\"",
      "owner = \"members/7\" AND archived = true",
      "team = \"teams/10\"",
      "team = \"teams/11\"",
      "branch = \"branches/2\"",
      "branch = \"branches/2\" AND archived = true",
  };
  int non_empty = 0;
  for (const std::string& text : filters) {
    for (const Scoped& scoped : Scopes()) {
      ListQuery q;
      auto filter = api::ParseFilterExpr(text, CustomerFilterSchema());
      ASSERT_TRUE(filter.ok()) << text << ": " << filter.status();
      q.filter = *filter;
      q.scope = scoped.scope;
      auto mysql = t->Pages(*t->mysql_, q);
      EXPECT_EQ(mysql, t->Pages(t->fake_, q))
          << mode << ": filter '" << text << "', scope " << scoped.label;
      if (!mysql.front().empty()) ++non_empty;
    }
  }
  EXPECT_GT(non_empty, 60) << mode << ": the cases must select rows, not agree on nothing";
}

TEST_F(CustomerListParityTest, AuditTrailFiltersAgree) {
  for (CustomerRepository* repo :
       {static_cast<CustomerRepository*>(mysql_.get()), static_cast<CustomerRepository*>(&fake_)}) {
    ASSERT_OK(repo->Write(
        {"Populate", "", ""}, v1::GetCustomerRequest(), nullptr,
        [&](CustomerStore& s) -> absl::Status {
          for (int i = 0; i < 5; ++i) {
            v1::PiiAuditEntry e;
            e.set_actor(i % 2 == 0 ? "members/7" : "members/100");
            e.set_customer(absl::StrCat("customers/", 1 + i % 3));
            e.add_fields(v1::NATIONAL_ID);
            e.set_access(v1::READ_CLEAR);
            e.set_method("GetCustomer");
            *e.mutable_time() = Micros(kT0 + absl::Seconds(i));
            RMHUB_RETURN_IF_ERROR(s.AppendPiiAudit(e));
          }
          return absl::OkStatus();
        },
        nullptr));
  }
  for (const char* text : {"", "actor = \"members/7\"", "customer = \"customers/2\"",
                           "customer = \"customers/1\" AND actor = \"members/100\""}) {
    // The audit trail has branch grants only (the customer's branch).
    for (const Scoped& scoped : std::vector<Scoped>{{"all", api::ListScope::All()},
                                                    {"branch 1", api::ListScope::Branch(1)},
                                                    {"branch 2", api::ListScope::Branch(2)},
                                                    {"closed", api::ListScope()}}) {
      ListQuery q;
      q.filter = *api::ParseFilterExpr(text, PiiAuditFilterSchema());
      q.scope = scoped.scope;
      q.page.limit = 2;
      std::vector<std::vector<std::string>> got[2];
      int i = 0;
      for (CustomerRepository* repo : {static_cast<CustomerRepository*>(mysql_.get()),
                                       static_cast<CustomerRepository*>(&fake_)}) {
        ListQuery page_q = q;
        for (int guard = 0; guard < 10; ++guard) {
          Page<v1::PiiAuditEntry> page;
          EXPECT_OK(
              repo->Read([&](CustomerStore& s) { return Into(s.ListPiiAudit(page_q), &page); }));
          std::vector<std::string> rows;
          for (const auto& e : page.items) {
            rows.push_back(absl::StrCat(e.actor(), " ", e.customer(), " ", e.time().seconds()));
          }
          got[i].push_back(rows);
          if (page.next_after_id == 0) break;
          page_q.page.after_id = page.next_after_id;
        }
        ++i;
      }
      EXPECT_EQ(got[0], got[1]) << "filter '" << text << "', scope " << scoped.label;
    }
  }
}

}  // namespace
}  // namespace rmhub::customer
