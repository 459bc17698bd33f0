#pragma once
// The start-up every RM Hub service shares, so each service's main.cc is only its own wiring:
// flags (with RMHUB_* environment fallbacks) → validated config → database pool and migrations →
// authenticator → the service's gRPC services → server with health, reflection, metrics and
// graceful drain → outbox relay to analytics.
//
// Shared flags (environment variable in brackets):
//   --listen_address [RMHUB_LISTEN_ADDRESS]       gRPC address, e.g. 0.0.0.0:50051
//   --metrics_address [RMHUB_METRICS_ADDRESS]     Prometheus address, e.g. 0.0.0.0:9101
//   --db_host --db_port --db_user --db_name       the service's own database
//   --db_password / --db_password_file            one of the two (both: start-up error)
//   --db_tls_ca_file [--db_tls_cert_file --db_tls_key_file]   TLS to the database, verified
//   --db_pool_size                                connections; also caps the server's threads
//   --dev_mode                                    development only (see below)
//   --jwt_hs256_secret_file                       dev-mode shared secret (only with --dev_mode)
//   --jwt_keys_file                               JWK Set of RS256 keys by kid (jwt_key_set.h)
//   --jwt_issuer --jwt_audience                   required claims (required outside --dev_mode)
//   --jwt_max_lifetime                            longest exp - iat accepted (1h)
//   --service_method_acl                          methods each calling service may call
//   --tls_cert_file --tls_key_file --tls_client_ca_file   TLS / mTLS (all empty: plaintext)
//   --tls_ca_file                     TLS on calls to other services (Runtime::peer_credentials)
//   --time_zone                                   the bank's zone for civil days
//   --analytics_address                           outbox relay target ("" = relay off)
//   --drain_timeout                               in-flight calls' grace period on SIGTERM
//   --idempotency_key_file                        secret of the request_id records (required)
//   --idempotency_retention                       how long request_ids are remembered (7d, >= 24h)
//
// Production defaults: without --dev_mode a service refuses to start with an HS256 secret,
// without --jwt_issuer/--jwt_audience, with plaintext gRPC on a non-loopback --listen_address
// (the default 0.0.0.0:<port> needs --tls_cert_file/--tls_key_file), or with --reflection.

#include <grpcpp/impl/service_type.h>
#include <grpcpp/security/credentials.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth_config.h"
#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/grpc/call_queue.h"
#include "common/idempotency/idempotency.h"

namespace rmhub::service {

// What a service gets to build itself with.
struct Runtime {
  db::ConnectionPool& pool;
  const auth::Authenticator& authenticator;
  // For calls to other services (service tokens in development mode).
  const auth::AuthConfig& auth_config;
  const Clock& clock;
  absl::TimeZone zone;
  prometheus::Registry& registry;
  // For channels to other services (grpcx::MakePeerChannel): plaintext, or TLS when --tls_ca_file
  // is set.
  std::shared_ptr<grpc::ChannelCredentials> peer_credentials;
  // Where the service's gRPC adapter queues its calls (grpcx::ServeQueued).
  grpcx::CallQueue& call_queue;
  // --idempotency_key_file and --idempotency_retention: what the repository's
  // idempotency::Idempotency is created with (a background purge is already running).
  const idempotency::Settings& idempotency;
};

struct RegisteredService {
  std::shared_ptr<grpc::Service> service;
  // "rmhub.team.v1.TeamService": its own grpc.health.v1 entry.
  std::string full_name;
};

struct ServiceSpec {
  // "team": names the error domain ("team.rmhub"), the outbox source and the log lines, and the
  // service's row in services/registry.txt, whose ports are the defaults of --listen_address
  // and --metrics_address (0.0.0.0:<grpc_port>, 0.0.0.0:<metrics_port>).
  std::string name;
  // The service's schema (its compiled-in migrations/*.sql); applied with the runtime's at start,
  // or as soon as the database answers. Health is SERVING only while the database answers and
  // every migration is applied.
  std::vector<db::MigrationFile> migrations;
  // Optional: schema work that depends on the configuration (e.g. the customer service's
  // indexed tier columns built with the configured thresholds), run once per process after the
  // migrations are applied — at start, or later as soon as the database answers. Must be
  // idempotent and safe for replicas starting together. Health is SERVING only after it succeeded.
  std::function<absl::Status(db::ConnectionPool&)> after_migrations;
  // Builds the gRPC services to register; the returned objects live until exit.
  std::function<absl::StatusOr<std::vector<RegisteredService>>(Runtime&)> build;
};

// Parses flags, runs the service until SIGTERM/SIGINT, drains, and returns the exit code.
int RunService(int argc, char** argv, const ServiceSpec& spec);

}  // namespace rmhub::service
