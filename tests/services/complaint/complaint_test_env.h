#pragma once
// The complaint service in-process over real gRPC and a real MariaDB, with a scripted directory
// of customers, teams, members and tasks (the end-to-end test uses the real services).
//
// The scripted organisation (branch 1 unless said otherwise):
//   teams/10 "retail"      lead members/1; RMs 2, 3, 4; RM 6 ON_LEAVE
//   teams/20 "corporate"   lead members/21; RMs 22, 23
//   teams/90 "compliance"  lead members/91 (BACK_OFFICE COMPLIANCE); member 92 (same)
//   members/100            branch 1's BRANCH_MANAGER
//   teams/30 in branch 2   lead members/31; RM 32
//   customers/500 owned by members/2 (team 10, branch 1); customers/600 by members/32 (team 30,
//   branch 2)
// The clock starts on Monday 2 March 2026, 10:00 in Shanghai.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "rmhub/common/v1/event.pb.h"
#include "rmhub/complaint/v1/complaint.grpc.pb.h"
#include "services/complaint/complaint_grpc_service.h"
#include "services/complaint/complaint_service.h"
#include "services/complaint/mysql_repository.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::complaint {

class ScriptedDirectory final : public Directory {
 public:
  void AddTeam(int64_t team, int64_t branch, int64_t leader);
  void AddMember(int64_t member, int64_t branch, int64_t team, team::v1::Role role,
                 team::v1::MemberStatus status = team::v1::ACTIVE);
  void AddCustomer(int64_t customer, int64_t owner, int64_t team, int64_t branch);
  // While down, every task call answers UNAVAILABLE TASK_SERVICE_UNAVAILABLE.
  void SetTaskServiceDown(bool down);
  void SetTaskStatus(const std::string& task, task::v1::TaskStatus status);
  std::vector<task::v1::Task> Tasks();

  absl::StatusOr<std::optional<customer::v1::Customer>> GetCustomer(
      int64_t customer_id, const auth::Caller& caller) override;
  absl::StatusOr<team::v1::Team> GetTeam(int64_t team_id, const auth::Caller& caller) override;
  absl::StatusOr<std::vector<team::v1::Member>> TeamMembers(int64_t team_id,
                                                            const auth::Caller& caller) override;
  absl::StatusOr<team::v1::Member> GetMember(int64_t member_id,
                                             const auth::Caller& caller) override;
  absl::StatusOr<std::string> CreateTask(const task::v1::Task& task, const std::string& request_id,
                                         const auth::Caller& caller) override;
  absl::Status ReassignTask(const std::string& task, const std::string& assignee,
                            const std::string& request_id, const auth::Caller& caller) override;
  absl::StatusOr<std::vector<task::v1::Task>> GetTasks(const std::vector<std::string>& names,
                                                       const auth::Caller& caller) override;

 private:
  absl::Mutex mu_;
  std::map<int64_t, team::v1::Team> teams_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, team::v1::Member> members_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, customer::v1::Customer> customers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, task::v1::Task> tasks_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> task_requests_ ABSL_GUARDED_BY(mu_);
  bool task_down_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_task_ ABSL_GUARDED_BY(mu_) = 7000;
};

class ComplaintTestEnv : public ::testing::Test {
 protected:
  ComplaintTestEnv();

  std::string Token(int64_t member, int64_t branch, std::vector<int64_t> teams,
                    std::set<std::string> roles, std::set<std::string> permissions = {}) const;
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const {
    return harness_.Context(token);
  }

  // A valid filing for customers/500 about members/2 (the customer's RM).
  v1::Complaint NewComplaint(const std::string& subject = "Fee charged twice");
  // Files through the API as compliance; fails the test unless OK.
  v1::Complaint File(const v1::Complaint& complaint, const std::string& request_id = "");
  // RECEIVED → UNDER_REVIEW → ASSIGNED (default routing) as compliance.
  v1::Complaint FileAndAssign(const std::string& subject = "Fee charged twice");
  grpc::Status Get(const std::string& name, const std::string& token, v1::Complaint* out = nullptr);

  std::vector<rmhub::common::v1::DomainEvent> EventsOf(const std::string& aggregate);
  int64_t CountRows(const std::string& table_and_where);

  testing::ServiceHarness harness_;
  ScriptedDirectory directory_;
  std::shared_ptr<const Calendar> calendar_;
  std::unique_ptr<ClockBook> clocks_;
  std::unique_ptr<idempotency::Idempotency> idempotency_;
  std::unique_ptr<MySqlComplaintRepository> repository_;
  std::unique_ptr<ComplaintService> service_;
  std::unique_ptr<ComplaintGrpcService> grpc_service_;
  std::unique_ptr<v1::ComplaintService::Stub> stub_;
  std::string compliance_token_;    // members/91, complaint.all
  std::string manager_token_;       // members/100, branch 1's manager
  std::string lead_token_;          // members/1, lead of team 10
  std::string rm_token_;            // members/2, the customer's RM (often the one complained about)
  std::string handler3_token_;      // members/3, RM of team 10
  std::string other_branch_token_;  // members/31, lead of team 30 in branch 2
};

}  // namespace rmhub::complaint
