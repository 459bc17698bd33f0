#pragma once
// The customer service's view of the team service: "may this member hold customers of this
// kind, and under which cap?" An interface so the service logic can be tested with a fake; the
// real one calls rmhub.team.v1.TeamService over gRPC.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/grpc/peer_call.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "services/customer/domain/assignment_policy.h"

namespace rmhub::customer {

class TeamDirectory {
 public:
  virtual ~TeamDirectory() = default;
  // UNAVAILABLE (TEAM_SERVICE_UNAVAILABLE) when the team service cannot answer in time;
  // FAILED_PRECONDITION (MANAGER_NOT_FOUND) for a member it does not know.
  virtual absl::StatusOr<ManagerFacts> CheckEligibility(int64_t member_id, team::v1::RmKind kind,
                                                        const auth::Caller& caller) = 0;
  // The teams the member leads, from the team service's record (ListTeams, filter
  // leader = "members/N"), not from the caller's `teams` claim. UNAVAILABLE
  // (TEAM_SERVICE_UNAVAILABLE) when the team service cannot answer in time.
  virtual absl::StatusOr<std::vector<int64_t>> LedTeams(int64_t member_id,
                                                        const auth::Caller& caller) = 0;
};

class GrpcTeamDirectory final : public TeamDirectory {
 public:
  // `peer` reaches the team service: its max_timeout caps every call, a caller with less time
  // left passes its own deadline on.
  explicit GrpcTeamDirectory(grpcx::PeerCaller peer);
  absl::StatusOr<ManagerFacts> CheckEligibility(int64_t member_id, team::v1::RmKind kind,
                                                const auth::Caller& caller) override;
  // Cached per member for `led_teams_ttl` (a change of leader shows within it).
  absl::StatusOr<std::vector<int64_t>> LedTeams(int64_t member_id,
                                                const auth::Caller& caller) override;

 private:
  const grpcx::PeerCaller peer_;
  const std::unique_ptr<team::v1::TeamService::Stub> stub_;
  const absl::Duration led_teams_ttl_ = absl::Seconds(30);
  absl::Mutex mu_;
  std::map<int64_t, std::pair<absl::Time, std::vector<int64_t>>> led_ ABSL_GUARDED_BY(mu_);
};

// Parses the team service's answer into facts (exposed for tests).
ManagerFacts FactsFrom(int64_t member_id, team::v1::RmKind kind,
                       const team::v1::CheckAssignmentEligibilityResponse& response);

}  // namespace rmhub::customer
