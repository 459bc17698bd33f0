#pragma once
// The task service in-process over real gRPC and a real MariaDB, with a scripted directory of
// teams, members and customers (the end-to-end test uses the real team and customer services).
//
// The scripted organisation (branch 1 unless said otherwise):
//   teams/10 "retail"  leader members/1; members 1 (TEAM_LEAD), 2, 3, 4 (RMs), 5 (BACK_OFFICE IT),
//                      6 (RM, ON_LEAVE)
//   teams/20 "credit"  leader members/21; members 21 (TEAM_LEAD), 22, 23 (RMs)
//   teams/30 "other branch" in branch 2: leader members/31; member 32 (RM)
//   customers/100 owned by members/2 (team 10, branch 1); customers/200 owned by members/32
//   (team 30, branch 2)

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "rmhub/common/v1/event.pb.h"
#include "rmhub/task/v1/task.grpc.pb.h"
#include "services/task/mysql_repository.h"
#include "services/task/task_grpc_service.h"
#include "services/task/task_service.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::task {

class ScriptedDirectory final : public Directory {
 public:
  void AddTeam(int64_t team, int64_t branch, int64_t leader);
  void AddMember(int64_t member, int64_t branch, int64_t team, team::v1::Role role,
                 std::vector<team::v1::Skill> skills = {},
                 team::v1::MemberStatus status = team::v1::ACTIVE);
  void AddCustomer(int64_t customer, int64_t owner, int64_t team, int64_t branch);
  void SetStatus(int64_t member, team::v1::MemberStatus status);

  absl::StatusOr<TeamFacts> GetTeam(int64_t team_id, const auth::Caller& caller) override;
  absl::StatusOr<std::vector<team::v1::Member>> TeamMembers(int64_t team_id,
                                                            const auth::Caller& caller) override;
  absl::StatusOr<std::vector<team::v1::Member>> GetMembers(const std::vector<int64_t>& ids,
                                                           const auth::Caller& caller) override;
  absl::StatusOr<std::optional<customer::v1::Customer>> GetCustomer(
      int64_t customer_id, const auth::Caller& caller) override;

 private:
  absl::Mutex mu_;
  std::map<int64_t, TeamFacts> teams_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, team::v1::Member> members_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, customer::v1::Customer> customers_ ABSL_GUARDED_BY(mu_);
};

class TaskTestEnv : public ::testing::Test {
 protected:
  TaskTestEnv();

  // Tokens. `teams` are the teams the member belongs to or leads.
  std::string RmToken(int64_t member, int64_t branch, std::vector<int64_t> teams) const;
  std::string LeadToken(int64_t member, int64_t branch, std::vector<int64_t> teams) const;
  std::string BranchManagerToken(int64_t member, int64_t branch) const;
  std::string ServiceToken(const std::string& service) const;
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const {
    return harness_.Context(token);
  }

  // A valid task of `type` for `team`, due in three days.
  v1::Task NewTask(v1::TaskType type, const std::string& team = "teams/10");
  // Creates through the API; fails the test unless OK.
  v1::Task Create(const v1::Task& task, const std::string& token);
  grpc::Status Transition(const std::string& name, v1::TaskStatus to, const std::string& token,
                          v1::Task* out = nullptr, const std::string& reason = "");
  grpc::Status Get(const std::string& name, const std::string& token, v1::Task* out = nullptr);

  // The events of an aggregate in outbox order.
  std::vector<rmhub::common::v1::DomainEvent> EventsOf(const std::string& aggregate);
  int64_t CountRows(const std::string& table_and_where);

  testing::ServiceHarness harness_;
  ScriptedDirectory directory_;
  std::unique_ptr<idempotency::Idempotency> idempotency_;
  std::unique_ptr<MySqlTaskRepository> repository_;
  std::unique_ptr<TaskService> service_;
  std::unique_ptr<TaskGrpcService> grpc_service_;
  std::unique_ptr<v1::TaskService::Stub> stub_;
  // members/2, an RM of team 10; members/1 its lead; members/100 branch 1's manager.
  std::string rm_token_;
  std::string lead_token_;
  std::string manager_token_;
};

}  // namespace rmhub::task
