// No crash on any input: every CustomerService RPC with random requests (malformed names and
// filters, extreme numbers, unknown enum values, oversized strings and lists) from several
// callers. Every answer must be a client error or a success; a server fault (INTERNAL, UNKNOWN,
// ...) fails the test with the request that caused it, and a crash ends the process.
#include <gtest/gtest.h>

#include "common/auth/principal.h"
#include "tests/services/customer/customer_test_env.h"
#include "tests/support/random_requests.h"

namespace rmhub::customer {
namespace {

class CustomerRandomInputTest : public CustomerTestEnv {};

TEST_F(CustomerRandomInputTest, EveryRpcAnswersNonsenseWithoutAServerFault) {
  // Some data for the random names to find: members/1 and members/7 hold customers 1 and 2.
  team_.AddManager(1, team::v1::PERSONAL, 400, 1, 2);
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(15, team::v1::CORPORATE, 15, 1, 3);
  v1::Customer first = Create(RetailCustomer(), "members/1");
  Create(RetailCustomer(), "members/7");
  Create(CorporateCustomer(true), "members/15");
  team_.SetLeads(3, {3});  // the team service's record: members/3 leads teams/3

  testing::ExpectNoServerFaults(
      harness_.channel(), v1::CustomerService::service_full_name(),
      {BranchManagerToken(100, 1, {auth::kPermPiiRead, auth::kPermAuditRead}), RmToken(1, 1, {2}),
       LeadToken(3, 1, {3}), ServiceToken("task")},
      /*seed=*/20261127, /*calls_per_method=*/40);
  // Still serving, and still right.
  auto ctx = Context(manager_token_);
  v1::GetCustomerRequest get;
  get.set_name(first.name());
  v1::Customer got;
  ASSERT_TRUE(stub_->GetCustomer(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.display_name(), first.display_name());
}

}  // namespace
}  // namespace rmhub::customer
