#include "tools/rmhub-bench/customer_bench_server.h"

#include "common/auth/auth_config.h"
#include "common/auth/jwt.h"
#include "common/clock/clock.h"
#include "common/grpc/handler.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::bench {
namespace {

// Synthetic keys: the bench's data is synthetic too, and must reopen with the same keys.
std::string Key(char fill) { return std::string(32, fill); }

}  // namespace

absl::StatusOr<customer::ManagerFacts> EveryoneEligibleDirectory::CheckEligibility(
    int64_t member_id, team::v1::RmKind kind, const auth::Caller&) {
  return customer::ManagerFacts{member_id, kind, true, "", 400, 1, 1 + member_id % 5};
}

grpc::Status NoopTeamService::GetMember(grpc::ServerContext* ctx,
                                        const team::v1::GetMemberRequest* req,
                                        team::v1::Member* resp) {
  return grpcx::ServeUnary(ctx, authenticator_, resp,
                           [&](const auth::Principal&) -> absl::StatusOr<team::v1::Member> {
                             team::v1::Member m;
                             m.set_name(req->name());
                             return m;
                           });
}

absl::StatusOr<std::unique_ptr<CustomerBenchServer>> CustomerBenchServer::Start(
    db::ConnectionPool& pool, int max_threads, int max_pollers) {
  std::unique_ptr<CustomerBenchServer> server(new CustomerBenchServer());
  RMHUB_RETURN_IF_ERROR(server->Build(pool, max_threads, max_pollers));
  return server;
}

absl::Status CustomerBenchServer::Build(db::ConnectionPool& pool, int max_threads,
                                        int max_pollers) {
  grpcx::SetErrorDomain("customer.rmhub");
  RMHUB_ASSIGN_OR_RETURN(pii::FieldCipher cipher,
                         pii::FieldCipher::Create({{"k1", Key('a')}}, "k1"));
  cipher_ = std::make_unique<pii::FieldCipher>(std::move(cipher));
  RMHUB_ASSIGN_OR_RETURN(pii::BlindIndex index, pii::BlindIndex::Create(Key('b')));
  index_ = std::make_unique<pii::BlindIndex>(std::move(index));
  idempotency::Settings records;
  records.secret = Key('c');  // a bench secret, as the keys above
  RMHUB_ASSIGN_OR_RETURN(
      idempotency_,
      idempotency::Idempotency::Create("customer", records, cipher_.get(), RealClock::Instance()));
  repository_ =
      std::make_unique<customer::MySqlCustomerRepository>(pool, *cipher_, *index_, *idempotency_);
  auth::AuthConfig auth;
  auth.dev_mode = true;  // an in-process bench signs with a shared secret
  auth.jwt_hs256_secret = kJwtSecret;
  RMHUB_ASSIGN_OR_RETURN(authenticator_, auth::BuildAuthenticator(auth, RealClock::Instance()));
  RMHUB_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(kDefaultZone));
  service_ = std::make_unique<customer::CustomerService>(*repository_, team_, RealClock::Instance(),
                                                         zone, customer::CustomerConfig{});
  grpcx::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "";  // nothing scrapes it here; the registry still records
  max_threads_ = max_threads > 0 ? max_threads : 2 * pool.size();  // workers, as service_main.cc
  options.queue.workers = max_threads_;
  options.max_pollers = max_pollers;
  runner_ = std::make_unique<grpcx::ServiceRunner>(options);
  grpc_service_ = std::make_unique<customer::CustomerGrpcService>(*service_, *authenticator_,
                                                                  runner_->call_queue());
  noop_ = std::make_unique<NoopTeamService>(*authenticator_);
  runner_->AddService(grpc_service_.get(), "rmhub.customer.v1.CustomerService");
  runner_->AddService(noop_.get(), team::v1::TeamService::service_full_name());
  return runner_->Start();
}

CustomerBenchServer::~CustomerBenchServer() {
  if (runner_) runner_->Stop();
}

absl::StatusOr<std::string> CustomerBenchServer::Token(const auth::DevTokenRequest& request) const {
  return auth::MintDevToken(request, kJwtSecret, RealClock::Instance(), absl::Hours(1));
}

absl::StatusOr<auth::Principal> CustomerBenchServer::PrincipalOf(const std::string& token) const {
  RMHUB_ASSIGN_OR_RETURN(auth::JwtKey key, auth::JwtKey::Hs256(kJwtSecret));
  RMHUB_ASSIGN_OR_RETURN(auth::JwtVerifier verifier,
                         auth::JwtVerifier::Create({std::move(key)}, {}, RealClock::Instance()));
  RMHUB_ASSIGN_OR_RETURN(auth::JwtClaims claims, verifier.Verify(token));
  return auth::PrincipalFromClaims(claims);
}

}  // namespace rmhub::bench
