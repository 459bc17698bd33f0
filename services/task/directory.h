#pragma once
// The task service's view of the team and customer services: the facts its rules need (a team's
// branch, leader and members; a member's status, role and skills; a customer's owner, team and
// branch). An interface so the service logic can be tested with a scripted one; the real one
// calls rmhub.team.v1.TeamService and rmhub.customer.v1.CustomerService over gRPC with the
// caller's deadline (grpcx::PeerCaller).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/grpc/peer_call.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "rmhub/team/v1/team.grpc.pb.h"

namespace rmhub::task {

struct TeamFacts {
  int64_t team_id = 0;
  int64_t branch_id = 0;
  int64_t leader_id = 0;  // 0 = none
};

class Directory {
 public:
  virtual ~Directory() = default;
  // FAILED_PRECONDITION TEAM_NOT_FOUND for a team the team service does not know; UNAVAILABLE
  // TEAM_SERVICE_UNAVAILABLE when it cannot answer in time.
  virtual absl::StatusOr<TeamFacts> GetTeam(int64_t team_id, const auth::Caller& caller) = 0;
  // Every member of the team, with status, role and skills.
  virtual absl::StatusOr<std::vector<team::v1::Member>> TeamMembers(int64_t team_id,
                                                                    const auth::Caller& caller) = 0;
  // The members asked for (FAILED_PRECONDITION MEMBER_NOT_FOUND naming one that is unknown).
  virtual absl::StatusOr<std::vector<team::v1::Member>> GetMembers(
      const std::vector<int64_t>& member_ids, const auth::Caller& caller) = 0;
  // The customer as the customer service has it (PII masked), or nullopt when it does not exist.
  // UNAVAILABLE CUSTOMER_SERVICE_UNAVAILABLE when it cannot answer in time.
  virtual absl::StatusOr<std::optional<customer::v1::Customer>> GetCustomer(
      int64_t customer_id, const auth::Caller& caller) = 0;
};

class GrpcDirectory final : public Directory {
 public:
  GrpcDirectory(grpcx::PeerCaller team, grpcx::PeerCaller customer);
  absl::StatusOr<TeamFacts> GetTeam(int64_t team_id, const auth::Caller& caller) override;
  absl::StatusOr<std::vector<team::v1::Member>> TeamMembers(int64_t team_id,
                                                            const auth::Caller& caller) override;
  absl::StatusOr<std::vector<team::v1::Member>> GetMembers(const std::vector<int64_t>& member_ids,
                                                           const auth::Caller& caller) override;
  absl::StatusOr<std::optional<customer::v1::Customer>> GetCustomer(
      int64_t customer_id, const auth::Caller& caller) override;

 private:
  const grpcx::PeerCaller team_;
  const grpcx::PeerCaller customer_;
  const std::unique_ptr<team::v1::TeamService::Stub> team_stub_;
  const std::unique_ptr<customer::v1::CustomerService::Stub> customer_stub_;
};

}  // namespace rmhub::task
