// rmhub-seed's demo customer book: the same rows on every run and every day, every row valid for
// the customer service, every type in every tier, managers of the right kind under their caps,
// birthdays and follow-ups for the care reminders.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "services/customer/domain/care_reminders.h"
#include "services/customer/domain/customer_rules.h"
#include "services/customer/domain/segmentation.h"
#include "tools/rmhub-seed/customer_demo.h"
#include "tools/rmhub-seed/demo_data.h"

namespace rmhub::seed {
namespace {

const absl::CivilDay kToday(2025, 6, 15);

CustomerDemoData Demo(absl::CivilDay today = kToday) {
  return MakeCustomerDemoData(ManagersOf(MakeDemoData(today)), today);
}

absl::CivilDay DayOf(const rmhub::common::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

TEST(SeedCustomerDemo, TheDemoStaffHaveManagersOfBothKinds) {
  DemoManagers managers = ManagersOf(MakeDemoData(kToday));
  EXPECT_THAT(managers.personal,
              testing::ElementsAre("DEMO-E004", "DEMO-E005", "DEMO-E006", "DEMO-E007"));
  EXPECT_THAT(managers.corporate,
              testing::ElementsAre("DEMO-E008", "DEMO-E009", "DEMO-E010", "DEMO-E011"));
}

TEST(SeedCustomerDemo, CustomersAreTheSameWhateverTheDay) {
  CustomerDemoData a = Demo(), b = Demo(absl::CivilDay(2031, 2, 3));
  ASSERT_EQ(a.customers.size(), 2000u);
  ASSERT_EQ(a.customers.size(), b.customers.size());
  for (size_t i = 0; i < a.customers.size(); ++i) {
    EXPECT_EQ(a.customers[i].customer.SerializeAsString(),
              b.customers[i].customer.SerializeAsString())
        << "row " << i;
    EXPECT_EQ(a.customers[i].manager, b.customers[i].manager) << "row " << i;
  }
}

// The service's own validation accepts every row as it is (normalising changes nothing), and
// the natural keys are unique, so a second import finds every row UNCHANGED.
TEST(SeedCustomerDemo, EveryRowIsValidAndKeyedUniquely) {
  std::set<std::string> keys;
  for (const DemoCustomer& d : Demo().customers) {
    cv1::Customer normalised = d.customer;
    FieldErrors errors;
    customer::NormalizeAndValidate(normalised, "", kToday, errors);
    EXPECT_TRUE(errors.empty()) << d.customer.display_name() << ": " << errors.violations()[0].field
                                << " " << errors.violations()[0].description;
    EXPECT_TRUE(customer::SameWritableFields(normalised, d.customer)) << d.customer.display_name();
    EXPECT_TRUE(keys.insert(customer::NaturalKey(normalised)).second) << d.customer.display_name();
    EXPECT_THAT(d.customer.display_name(), testing::EndsWith("(demo)"));
  }
}

TEST(SeedCustomerDemo, EveryTypeIsInEveryAssetAndValueTier) {
  const customer::SegmentThresholds defaults;
  std::set<std::tuple<int, int, int>> seen;
  std::map<int, int> per_type;
  for (const DemoCustomer& d : Demo().customers) {
    const cv1::Customer& c = d.customer;
    per_type[c.type()]++;
    seen.insert({c.type(), customer::AssetTierOf(c.aum().minor_units(), defaults),
                 customer::ValueTierOf(c.annual_contribution().minor_units(), defaults)});
  }
  EXPECT_EQ(per_type[cv1::RETAIL], kDemoRetail);
  EXPECT_EQ(per_type[cv1::PRIVATE_BANKING], kDemoPrivateBanking);
  EXPECT_EQ(per_type[cv1::CORPORATE], kDemoCorporate);
  for (int type : {cv1::RETAIL, cv1::PRIVATE_BANKING, cv1::CORPORATE}) {
    for (int asset = cv1::SMALL; asset <= cv1::VIP; ++asset) {
      for (int value = cv1::LOW_VALUE; value <= cv1::HIGH_VALUE; ++value) {
        EXPECT_EQ(seen.count({type, asset, value}), 1u)
            << cv1::CustomerType_Name(type) << " " << asset << " " << value;
      }
    }
  }
}

// Right kind of manager, spread evenly, every asset tier for each, well under 400 customers /
// 15 key accounts.
TEST(SeedCustomerDemo, ManagersGetTheirKindEvenlyUnderTheCaps) {
  DemoManagers managers = ManagersOf(MakeDemoData(kToday));
  std::set<std::string> personal(managers.personal.begin(), managers.personal.end());
  const customer::SegmentThresholds defaults;
  std::map<std::string, int> held, key_accounts;
  std::map<std::string, std::set<int>> asset_tiers;
  std::set<int> statuses, risks, needs;
  for (const DemoCustomer& d : Demo().customers) {
    bool corporate = d.customer.type() == cv1::CORPORATE;
    EXPECT_EQ(personal.count(d.manager), corporate ? 0u : 1u) << d.customer.display_name();
    EXPECT_TRUE(corporate || !d.customer.key_account());
    held[d.manager]++;
    key_accounts[d.manager] += d.customer.key_account();
    asset_tiers[d.manager].insert(customer::AssetTierOf(d.customer.aum().minor_units(), defaults));
    statuses.insert(d.customer.status());
    risks.insert(d.customer.risk_tolerance());
    needs.insert(d.customer.needs().begin(), d.customer.needs().end());
  }
  ASSERT_EQ(held.size(), 8u);
  for (const auto& [m, tiers] : asset_tiers) EXPECT_EQ(tiers.size(), 4u) << m << ": every tier";
  for (const std::string& m : managers.personal) {
    EXPECT_EQ(held[m], (kDemoRetail + kDemoPrivateBanking) / 4) << m;
    EXPECT_LE(held[m], 300) << m;
  }
  for (const std::string& m : managers.corporate) {
    EXPECT_EQ(held[m], kDemoCorporate / 4) << m;
    EXPECT_GT(key_accounts[m], 0) << m;
    EXPECT_LE(key_accounts[m], 10) << m;
  }
  EXPECT_EQ(statuses.size(), 4u);
  EXPECT_EQ(risks.size(), 5u);
  EXPECT_EQ(needs.size(), 3u);
}

// Whatever the day (a common and a leap year), every personal manager has a customer whose
// birthday is within the care reminders' default window of 7 days.
TEST(SeedCustomerDemo, EveryPersonalManagerHasBirthdaysInAnyWeek) {
  CustomerDemoData data = Demo();
  std::map<std::string, std::vector<absl::CivilDay>> born;
  for (const DemoCustomer& d : data.customers) {
    if (d.customer.type() != cv1::CORPORATE)
      born[d.manager].push_back(DayOf(d.customer.birthday()));
  }
  ASSERT_EQ(born.size(), 4u);
  for (int year : {2027, 2028}) {
    for (absl::CivilDay day(year, 1, 1); day.year() == year; ++day) {
      for (const auto& [manager, days] : born) {
        int within = 0;
        for (absl::CivilDay b : days) within += customer::NextBirthday(b, day) - day <= 7;
        EXPECT_GT(within, 0) << manager << " on " << day;
      }
    }
  }
}

// Interactions lie in the past; each manager has follow-ups that are due today and one coming;
// corporate managers have key accounts untouched for over 30 days; no customer twice.
TEST(SeedCustomerDemo, InteractionsMakeCareRemindersForEveryManager) {
  CustomerDemoData data = Demo();
  std::map<std::string, int> due, upcoming, untouched;
  std::set<int> customers;
  for (const DemoInteraction& in : data.interactions) {
    const DemoCustomer& d = data.customers.at(in.customer);
    EXPECT_TRUE(customers.insert(in.customer).second) << in.customer;
    EXPECT_LT(absl::CivilDay(in.time), kToday);
    EXPECT_EQ(d.customer.status(), cv1::ACTIVE);
    if (in.has_follow_up) {
      EXPECT_GE(in.follow_up, absl::CivilDay(in.time));
      (in.follow_up <= kToday ? due : upcoming)[d.manager]++;
    } else if (d.customer.key_account() && kToday - absl::CivilDay(in.time) >= 30) {
      untouched[d.manager]++;
    }
  }
  DemoManagers managers = ManagersOf(MakeDemoData(kToday));
  for (const auto* kind : {&managers.personal, &managers.corporate}) {
    for (const std::string& m : *kind) {
      EXPECT_GT(due[m], 0) << m;
      EXPECT_GT(upcoming[m], 0) << m;
    }
  }
  for (const std::string& m : managers.corporate) EXPECT_GT(untouched[m], 0) << m;
}

}  // namespace
}  // namespace rmhub::seed
