// No crash on any input: every TeamService RPC with random requests (malformed names and filters,
// extreme numbers, unknown enum values, oversized strings and lists) from several callers. Every
// answer must be a client error or a success; a server fault (INTERNAL, UNKNOWN, ...) fails the
// test with the request that caused it, and a crash ends the process.
#include <gtest/gtest.h>

#include "tests/services/team/team_test_env.h"
#include "tests/support/random_requests.h"

namespace rmhub::team {
namespace {

class TeamRandomInputTest : public TeamTestEnv {};

TEST_F(TeamRandomInputTest, EveryRpcAnswersNonsenseWithoutAServerFault) {
  // Some data for the random names to find.
  v1::Branch branch = MakeBranch();
  v1::Member manager = MakeMember(branch, v1::BRANCH_MANAGER);
  v1::Member rm = MakeMember(branch, v1::RELATIONSHIP_MANAGER, v1::PERSONAL, v1::SENIOR, 7);
  MakeTeam(branch, v1::PROJECT, rm.name());

  testing::ExpectNoServerFaults(harness_.channel(), v1::TeamService::service_full_name(),
                                {admin_token_, TokenFor(manager, branch, {"BRANCH_MANAGER"}),
                                 TokenFor(rm, branch, {"RELATIONSHIP_MANAGER"})},
                                /*seed=*/20261127, /*calls_per_method=*/30);
  // Still serving, and still right.
  auto ctx = Context(admin_token_);
  v1::GetMemberRequest get;
  get.set_name(rm.name());
  v1::Member got;
  ASSERT_TRUE(stub_->GetMember(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.employee_number(), rm.employee_number());
}

}  // namespace
}  // namespace rmhub::team
