#pragma once
// The server side of customer_bench: the real CustomerGrpcService (real service logic, MySQL
// repository with PII decryption, JWT authentication) and a no-op RPC, both registered in one
// grpcx::ServiceRunner shaped as production shapes it (sync server, thread cap 4 × pool + 1,
// interceptors, health, reflection).

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt.h"
#include "common/db/connection_pool.h"
#include "common/grpc/server.h"
#include "common/idempotency/idempotency.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "services/customer/customer_grpc_service.h"
#include "services/customer/customer_service.h"
#include "services/customer/mysql_repository.h"
#include "services/customer/team_client.h"

namespace rmhub::bench {

// Says every member is an eligible RM of either kind in branch 1 (cap 400, team 1 + id % 5).
// The read paths measured never ask; the service needs a directory to be built.
class EveryoneEligibleDirectory final : public customer::TeamDirectory {
 public:
  absl::StatusOr<customer::ManagerFacts> CheckEligibility(int64_t member_id, team::v1::RmKind kind,
                                                          const auth::Caller&) override;
  // Nobody leads a team here (the benchmarked callers are RMs and branch managers).
  absl::StatusOr<std::vector<int64_t>> LedTeams(int64_t, const auth::Caller&) override {
    return std::vector<int64_t>{};
  }
};

// The gRPC floor: authenticates the caller exactly as every RM Hub RPC does (ServeUnary and
// the same JwtAuthenticator), then answers at once with no I/O.
class NoopTeamService final : public team::v1::TeamService::Service {
 public:
  explicit NoopTeamService(const auth::Authenticator& authenticator)
      : authenticator_(authenticator) {}
  grpc::Status GetMember(grpc::ServerContext* ctx, const team::v1::GetMemberRequest* req,
                         team::v1::Member* resp) override;

 private:
  const auth::Authenticator& authenticator_;
};

class CustomerBenchServer {
 public:
  // The HS256 secret the bench signs and verifies its tokens with (not a real secret).
  static constexpr char kJwtSecret[] = "customer-bench-hs256-secret-0123456789abcdef";

  // Builds the customer service over `pool` and starts the server on 127.0.0.1:0 with
  // max_threads: the call queue's workers (0 = production's 2 × pool); max_pollers (0 =
  // ServiceRunner's default). `pool` must outlive the server.
  static absl::StatusOr<std::unique_ptr<CustomerBenchServer>> Start(db::ConnectionPool& pool,
                                                                    int max_threads,
                                                                    int max_pollers = 0);
  ~CustomerBenchServer();

  // The repository, for seeding through the real store.
  customer::MySqlCustomerRepository& repository() { return *repository_; }
  // The service logic the gRPC handlers call, for timing it without gRPC.
  customer::CustomerService& service() { return *service_; }
  int port() const { return runner_->port(); }
  int max_threads() const { return max_threads_; }
  // A token valid for an hour for `request`.
  absl::StatusOr<std::string> Token(const auth::DevTokenRequest& request) const;
  // The caller `token` names, verified as the server verifies it (for in-process workloads).
  absl::StatusOr<auth::Principal> PrincipalOf(const std::string& token) const;

 private:
  CustomerBenchServer() = default;
  absl::Status Build(db::ConnectionPool& pool, int max_threads, int max_pollers);

  std::unique_ptr<pii::FieldCipher> cipher_;
  std::unique_ptr<pii::BlindIndex> index_;
  std::unique_ptr<idempotency::Idempotency> idempotency_;
  std::unique_ptr<customer::MySqlCustomerRepository> repository_;
  EveryoneEligibleDirectory team_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<customer::CustomerService> service_;
  std::unique_ptr<customer::CustomerGrpcService> grpc_service_;
  std::unique_ptr<NoopTeamService> noop_;
  std::unique_ptr<grpcx::ServiceRunner> runner_;
  int max_threads_ = 0;
};

}  // namespace rmhub::bench
