// No crash on any input: every TaskService RPC with random requests from several callers. Every
// answer must be a client error or a success; a server fault fails the test with its request.
#include <gtest/gtest.h>

#include "tests/services/task/task_test_env.h"
#include "tests/support/random_requests.h"

namespace rmhub::task {
namespace {

class TaskRandomInputTest : public TaskTestEnv {};

TEST_F(TaskRandomInputTest, EveryRpcAnswersNonsenseWithoutAServerFault) {
  v1::Task spec = NewTask(v1::CUSTOMER_VISIT);
  spec.add_assignees("members/2");
  v1::Task first = Create(spec, rm_token_);
  Create(spec, lead_token_);
  testing::ExpectNoServerFaults(harness_.channel(), v1::TaskService::service_full_name(),
                                {manager_token_, rm_token_, lead_token_, RmToken(32, 2, {30})},
                                /*seed=*/20261128, /*calls_per_method=*/40);
  v1::Task got;
  ASSERT_TRUE(Get(first.name(), rm_token_, &got).ok());
  EXPECT_EQ(got.title(), first.title());
}

}  // namespace
}  // namespace rmhub::task
