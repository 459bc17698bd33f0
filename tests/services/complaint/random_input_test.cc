// No crash on any input: every ComplaintService RPC with random requests from several callers.
// Every answer must be a client error or a success; a server fault fails the test with its
// request.
#include <gtest/gtest.h>

#include "tests/services/complaint/complaint_test_env.h"
#include "tests/support/random_requests.h"

namespace rmhub::complaint {
namespace {

class ComplaintRandomInputTest : public ComplaintTestEnv {};

TEST_F(ComplaintRandomInputTest, EveryRpcAnswersNonsenseWithoutAServerFault) {
  v1::Complaint first = FileAndAssign();
  File(NewComplaint("Another matter"));
  testing::ExpectNoServerFaults(
      harness_.channel(), v1::ComplaintService::service_full_name(),
      {compliance_token_, manager_token_, lead_token_, handler3_token_, other_branch_token_},
      /*seed=*/20261128, /*calls_per_method=*/40);
  v1::Complaint got;
  ASSERT_TRUE(Get(first.name(), compliance_token_, &got).ok());
  EXPECT_EQ(got.subject(), first.subject());
}

}  // namespace
}  // namespace rmhub::complaint
