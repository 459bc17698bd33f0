#pragma once
// The complaint service's view of its peers: the customer service (a customer's owner, team,
// branch and masked display name), the team service (teams, their leads and members; a
// member's role for recusal and approvals) and the task service (the investigation and
// remediation tasks). An interface so the service logic can be tested with a scripted one; the
// real one calls the peers over gRPC with the caller's deadline (grpcx::PeerCaller).
//
// Errors: an unknown object is FAILED_PRECONDITION (<KIND>_NOT_FOUND); a peer that cannot answer
// in time is UNAVAILABLE <PEER>_SERVICE_UNAVAILABLE.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/grpc/peer_call.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "rmhub/task/v1/task.grpc.pb.h"
#include "rmhub/team/v1/team.grpc.pb.h"

namespace rmhub::complaint {

class Directory {
 public:
  virtual ~Directory() = default;
  // The customer as the customer service shows it to this service (PII masked), or nullopt.
  virtual absl::StatusOr<std::optional<customer::v1::Customer>> GetCustomer(
      int64_t customer_id, const auth::Caller& caller) = 0;
  // FAILED_PRECONDITION TEAM_NOT_FOUND for a team the team service does not know.
  virtual absl::StatusOr<team::v1::Team> GetTeam(int64_t team_id, const auth::Caller& caller) = 0;
  // Every member of the team (active or not), in the team service's order.
  virtual absl::StatusOr<std::vector<team::v1::Member>> TeamMembers(int64_t team_id,
                                                                    const auth::Caller& caller) = 0;
  // FAILED_PRECONDITION MEMBER_NOT_FOUND for a member the team service does not know.
  virtual absl::StatusOr<team::v1::Member> GetMember(int64_t member_id,
                                                     const auth::Caller& caller) = 0;
  // Creates a task; `request_id` makes a retry return the same task. Returns "tasks/{id}".
  virtual absl::StatusOr<std::string> CreateTask(const task::v1::Task& task,
                                                 const std::string& request_id,
                                                 const auth::Caller& caller) = 0;
  // Sets the task's assignees to `assignee` ("members/{id}"); `request_id` as for CreateTask.
  virtual absl::Status ReassignTask(const std::string& task, const std::string& assignee,
                                    const std::string& request_id, const auth::Caller& caller) = 0;
  // The tasks that exist among `names`.
  virtual absl::StatusOr<std::vector<task::v1::Task>> GetTasks(
      const std::vector<std::string>& names, const auth::Caller& caller) = 0;
};

class GrpcDirectory final : public Directory {
 public:
  GrpcDirectory(grpcx::PeerCaller customer, grpcx::PeerCaller team, grpcx::PeerCaller task);
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
  const grpcx::PeerCaller customer_;
  const grpcx::PeerCaller team_;
  const grpcx::PeerCaller task_;
  const std::unique_ptr<customer::v1::CustomerService::Stub> customer_stub_;
  const std::unique_ptr<team::v1::TeamService::Stub> team_stub_;
  const std::unique_ptr<task::v1::TaskService::Stub> task_stub_;
};

}  // namespace rmhub::complaint
