#include "common/service/service_main.h"

#include <atomic>
#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/auth/service_method_acl.h"
#include "common/auth/tls.h"
#include "common/config/config.h"
#include "common/grpc/channel.h"
#include "common/grpc/peer_call.h"
#include "common/grpc/server.h"
#include "common/grpc/server_flags.h"
#include "common/grpc/status_mapping.h"
#include "common/idempotency/idempotency.h"
#include "common/log/log.h"
#include "common/outbox/relay.h"
#include "google/protobuf/descriptor.h"
#include "rmhub/service_registry.h"

ABSL_FLAG(std::string, db_host, "127.0.0.1", "database host");
ABSL_FLAG(int, db_port, 3306, "database port");
ABSL_FLAG(std::string, db_user, "", "database user (the service's own)");
ABSL_FLAG(std::string, db_password, "", "database password (prefer --db_password_file)");
ABSL_FLAG(std::string, db_password_file, "", "file holding the database password");
ABSL_FLAG(std::string, db_name, "", "the service's database");
ABSL_FLAG(int, db_pool_size, 8, "database connections; the server's workers follow it");
ABSL_FLAG(absl::Duration, db_acquire_timeout, absl::Seconds(2),
          "longest wait for a free connection before UNAVAILABLE");
ABSL_FLAG(std::string, db_tls_ca_file, "",
          "CA of the database server's certificate: TLS to the database, verified, when set");
ABSL_FLAG(std::string, db_tls_cert_file, "", "client certificate for the database (PEM)");
ABSL_FLAG(std::string, db_tls_key_file, "", "client key for the database (PEM)");
ABSL_FLAG(bool, dev_mode, false,
          "DEVELOPMENT ONLY: allow the HS256 shared secret, optional iss/aud, plaintext gRPC on "
          "non-loopback addresses and --reflection");
ABSL_FLAG(std::string, jwt_hs256_secret_file, "",
          "development mode (--dev_mode): file holding the shared HS256 secret");
ABSL_FLAG(std::string, jwt_keys_file, "",
          "JWK Set of RS256 verification keys, by kid, with the subjects each may sign");
ABSL_FLAG(std::string, jwt_issuer, "", "required `iss` claim (required outside --dev_mode)");
ABSL_FLAG(std::string, jwt_audience, "", "required `aud` claim (required outside --dev_mode)");
ABSL_FLAG(absl::Duration, jwt_max_lifetime, absl::Hours(1),
          "longest token lifetime (exp - iat) accepted");
ABSL_FLAG(std::string, service_method_acl, rmhub::auth::kDefaultServiceMethodAcl,
          "methods each calling service may call: "
          "\"<service>=<pkg.Service>/<Method or *>[,...][;...]\"");
ABSL_FLAG(std::string, tls_cert_file, "", "server certificate (PEM); empty = plaintext");
ABSL_FLAG(std::string, tls_key_file, "", "server private key (PEM)");
ABSL_FLAG(std::string, tls_client_ca_file, "", "CA for client certificates: mutual TLS when set");
ABSL_FLAG(
    std::string, tls_ca_file, "",
    "CA of the other services' server certificates: calls to them use TLS when set (with "
    "--tls_cert_file/--tls_key_file as this service's client certificate); empty = plaintext");
ABSL_FLAG(bool, mutex_deadlock_detection, false,
          "Abseil's Mutex deadlock detection (Debian's build turns it on): a lock-order graph "
          "updated on every lock, 4.5% of a GetCustomer's instructions; unit tests keep it on");
ABSL_FLAG(std::string, time_zone, "Asia/Shanghai", "the bank's zone for civil days");
ABSL_FLAG(std::string, analytics_address, "",
          "analytics service for the outbox relay (host:port); empty = events stay in the outbox");
ABSL_FLAG(std::string, idempotency_key_file, "",
          "file holding the secret (at least 16 bytes) that keys request_id records and their "
          "request HMACs; required");
ABSL_FLAG(absl::Duration, idempotency_retention, rmhub::idempotency::kDefaultRetention,
          "how long a request_id is remembered (at least 24h)");

namespace rmhub::service {
namespace {

absl::StatusOr<db::DbConfig> DbConfigFromFlags() {
  db::DbConfig config;
  config.host = absl::GetFlag(FLAGS_db_host);
  config.port = absl::GetFlag(FLAGS_db_port);
  config.user = absl::GetFlag(FLAGS_db_user);
  config.database = absl::GetFlag(FLAGS_db_name);
  config.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  config.acquire_timeout = absl::GetFlag(FLAGS_db_acquire_timeout);
  RMHUB_ASSIGN_OR_RETURN(
      config.password, auth::SecretFromFlags(absl::GetFlag(FLAGS_db_password),
                                             absl::GetFlag(FLAGS_db_password_file), "db_password"));
  config.tls_ca_file = absl::GetFlag(FLAGS_db_tls_ca_file);
  config.tls_cert_file = absl::GetFlag(FLAGS_db_tls_cert_file);
  config.tls_key_file = absl::GetFlag(FLAGS_db_tls_key_file);
  return config;
}

// A method of a service this binary knows (its own API, the peers it calls) must exist: a typo
// would silently deny the caller it was meant for. Services it does not link are taken on trust.
absl::Status CheckAclMethodsExist(const std::string& text) {
  RMHUB_ASSIGN_OR_RETURN(auth::ServiceMethodAcl acl,
                         auth::ServiceMethodAcl::Parse(text, "service_method_acl"));
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& method : acl.Methods()) {
    size_t slash = method.find('/');
    const auto* service = pool->FindServiceByName(method.substr(0, slash));
    std::string name = method.substr(slash + 1);
    if (service != nullptr && name != "*" && service->FindMethodByName(name) == nullptr) {
      return InvalidField("service_method_acl", absl::StrCat("no method ", method));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<auth::AuthConfig> AuthConfigFromFlags() {
  auth::AuthConfig config;
  config.dev_mode = absl::GetFlag(FLAGS_dev_mode);
  RMHUB_ASSIGN_OR_RETURN(
      config.jwt_hs256_secret,
      auth::SecretFromFlags("", absl::GetFlag(FLAGS_jwt_hs256_secret_file), "jwt_hs256_secret"));
  config.jwt_keys_file = absl::GetFlag(FLAGS_jwt_keys_file);
  config.jwt_issuer = absl::GetFlag(FLAGS_jwt_issuer);
  config.jwt_audience = absl::GetFlag(FLAGS_jwt_audience);
  config.jwt_max_lifetime = absl::GetFlag(FLAGS_jwt_max_lifetime);
  config.service_method_acl = absl::GetFlag(FLAGS_service_method_acl);
  RMHUB_RETURN_IF_ERROR(auth::ValidateAuthConfig(config));
  RMHUB_RETURN_IF_ERROR(CheckAclMethodsExist(config.service_method_acl));
  return config;
}

std::vector<absl::Status> CheckSharedFlags(const db::DbConfig& db) {
  return {
      config::CheckNotEmpty("db_host", db.host),
      config::CheckPort("db_port", db.port),
      config::CheckNotEmpty("db_user", db.user),
      config::CheckNotEmpty("db_name", db.database),
      config::CheckRange("db_pool_size", db.pool_size, 1, 256),
      config::CheckPositive("db_acquire_timeout", db.acquire_timeout),
      absl::GetFlag(FLAGS_analytics_address).empty()
          ? absl::OkStatus()
          : config::CheckHostPort("analytics_address", absl::GetFlag(FLAGS_analytics_address)),
  };
}

// The secret file is required: without it the service would have no key for its records.
absl::StatusOr<idempotency::Settings> IdempotencySettingsFromFlags() {
  idempotency::Settings settings;
  settings.retention = absl::GetFlag(FLAGS_idempotency_retention);
  const std::string file = absl::GetFlag(FLAGS_idempotency_key_file);
  if (file.empty()) {
    return InvalidField("idempotency_key_file", "--idempotency_key_file is required");
  }
  RMHUB_ASSIGN_OR_RETURN(std::string secret, auth::ReadSmallFile(file, "idempotency_key_file"));
  settings.secret = std::string(absl::StripTrailingAsciiWhitespace(secret));
  RMHUB_RETURN_IF_ERROR(idempotency::ValidateSettings(settings));
  return settings;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> CredentialsFromFlags() {
  std::string cert = absl::GetFlag(FLAGS_tls_cert_file);
  std::string key = absl::GetFlag(FLAGS_tls_key_file);
  std::string ca = absl::GetFlag(FLAGS_tls_client_ca_file);
  if (cert.empty() && key.empty() && ca.empty()) return grpc::InsecureServerCredentials();
  return auth::ServerCredentialsFromFiles(cert, key, ca);
}

// Credentials for calls to other services: this service's own certificate is its client
// certificate, so a peer running mutual TLS knows who calls.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> PeerCredentialsFromFlags() {
  std::string ca = absl::GetFlag(FLAGS_tls_ca_file);
  if (ca.empty()) return grpc::InsecureChannelCredentials();
  return auth::ChannelCredentialsFromFiles(ca, absl::GetFlag(FLAGS_tls_cert_file),
                                           absl::GetFlag(FLAGS_tls_key_file));
}

// Plaintext on a non-loopback address and reflection need --dev_mode (as the HS256 secret does,
// checked in AuthConfigFromFlags); a development process says so in its log.
void ExitUnlessAllowedHere(const grpcx::ServerOptions& server, const auth::AuthConfig& auth) {
  bool tls = !absl::GetFlag(FLAGS_tls_cert_file).empty();
  config::ExitIfInvalid(grpcx::CheckProductionServing(server, tls, auth.dev_mode));
  if (auth.dev_mode) log::Warn("development mode: not for production", {{"flag", "dev_mode"}});
}

// Exits with a message naming what is wrong: a bad configuration must stop the process.
template <class T>
T OrExit(absl::StatusOr<T> value, const std::string& what) {
  if (!value.ok()) {
    std::cerr << what << ": " << value.status() << std::endl;
    std::exit(2);
  }
  return *std::move(value);
}

grpcx::ServerOptions ServerOptionsFor(const ServiceSpec& spec, int pool_size) {
  grpcx::ServerOptions defaults;
  // The service's own ports come from the registry (services/registry.txt).
  const registry::ServiceEntry* entry = registry::FindService(spec.name);
  if (entry == nullptr) {
    std::cerr << "server: " << spec.name << " is not in services/registry.txt" << std::endl;
    std::exit(2);
  }
  defaults.listen_address = absl::StrCat("0.0.0.0:", entry->grpc_port);
  defaults.metrics_address = absl::StrCat("0.0.0.0:", entry->metrics_port);
  // Calls wait in the CallQueue for one of 2 x pool workers (docs/decisions.md, "Server model"):
  // the extra half keep the pool busy while others wait on a peer service or the CPU. The sync
  // quota serves only reflection.
  defaults.queue.workers = 2 * pool_size;
  defaults.max_threads = 8;
  return grpcx::ServerOptionsFromFlags(defaults);
}

// SERVING needs the database to answer and the schema to be current; a schema that is behind
// (the database was down at start) is brought up to date here.
// `after_done` records that the spec's after_migrations step succeeded in this process.
absl::Status CheckReady(db::ConnectionPool& pool, const ServiceSpec& spec,
                        std::atomic<bool>& after_done) {
  RMHUB_RETURN_IF_ERROR(pool.Ping());
  RMHUB_ASSIGN_OR_RETURN(bool applied, db::MigrationsApplied(pool, spec.migrations));
  if (!applied) {
    RMHUB_RETURN_IF_ERROR(db::ApplyMigrations(pool, spec.migrations));
    RMHUB_ASSIGN_OR_RETURN(applied, db::MigrationsApplied(pool, spec.migrations));
    if (!applied) return Unavailable("SCHEMA_NOT_CURRENT", "migrations are not applied");
  }
  if (spec.after_migrations && !after_done.load()) {
    RMHUB_RETURN_IF_ERROR(spec.after_migrations(pool));
    after_done.store(true);
  }
  return absl::OkStatus();
}

}  // namespace

int RunService(int argc, char** argv, const ServiceSpec& spec) {
  grpcx::ServiceRunner::BlockTerminationSignals();
  config::ParseFlagsWithEnv(argc, argv, absl::StrCat("rmhub ", spec.name, " service"));
  grpcx::SetErrorDomain(spec.name + ".rmhub");
  if (!absl::GetFlag(FLAGS_mutex_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }

  db::DbConfig db_config = OrExit(DbConfigFromFlags(), "database configuration");
  config::ExitIfInvalid(CheckSharedFlags(db_config));
  grpcx::ServerOptions server_options = ServerOptionsFor(spec, db_config.pool_size);
  config::ExitIfInvalid(grpcx::CheckServerOptions(server_options));
  auth::AuthConfig auth_config = OrExit(AuthConfigFromFlags(), "authentication configuration");
  const idempotency::Settings idempotency_settings =
      OrExit(IdempotencySettingsFromFlags(), "idempotency configuration");
  absl::TimeZone zone = OrExit(LoadZone(absl::GetFlag(FLAGS_time_zone), "time_zone"), "time zone");
  server_options.credentials = OrExit(CredentialsFromFlags(), "TLS configuration");
  ExitUnlessAllowedHere(server_options, auth_config);

  const Clock& clock = RealClock::Instance();
  auto authenticator = OrExit(auth::BuildAuthenticator(auth_config, clock), "authentication");
  grpcx::ServiceRunner runner(server_options);
  auto pool =
      OrExit(db::ConnectionPool::Create(db_config, runner.registry().get()), "database pool");

  // Migrations run before serving; if the database is down at start, the service still starts,
  // reports NOT_SERVING, and applies them once the database answers.
  absl::Status migrated = db::ApplyMigrations(*pool, spec.migrations);
  if (!migrated.ok()) log::Warn("migrations not applied yet", {{"status", migrated.ToString()}});
  std::atomic<bool> after_done{false};
  if (migrated.ok() && spec.after_migrations) {
    absl::Status after = spec.after_migrations(*pool);
    if (after.ok()) {
      after_done.store(true);
    } else {
      log::Warn("schema step after the migrations not done yet", {{"status", after.ToString()}});
    }
  }

  auto peer_credentials = OrExit(PeerCredentialsFromFlags(), "tls_ca_file");
  Runtime runtime{*pool,
                  *authenticator,
                  auth_config,
                  clock,
                  zone,
                  *runner.registry(),
                  peer_credentials,
                  runner.call_queue(),
                  idempotency_settings};
  auto services = OrExit(spec.build(runtime), "service construction");
  for (const auto& s : services) runner.AddService(s.service.get(), s.full_name);
  runner.SetReadinessCheck([&]() { return CheckReady(*pool, spec, after_done); });

  std::unique_ptr<outbox::OutboxRelay> relay;
  std::string analytics = absl::GetFlag(FLAGS_analytics_address);
  if (!analytics.empty()) {
    // The relay's calls carry this service's token in development, like every peer call.
    std::shared_ptr<const auth::ServiceCallAuth> call_auth =
        OrExit(auth::ServiceCallAuth::Create(auth_config, spec.name, clock), "service token");
    grpcx::PeerCallOptions analytics_call;
    analytics_call.max_timeout = absl::Seconds(5);
    relay = std::make_unique<outbox::OutboxRelay>(
        *pool,
        outbox::MakeAnalyticsSink(grpcx::PeerCaller(
            grpcx::MakePeerChannel(analytics, peer_credentials), call_auth, analytics_call)),
        outbox::RelayOptions{}, runner.registry().get());
  }
  // Expired idempotency records go in bounded batches every few minutes.
  idempotency::Purger purger(*pool, idempotency_settings.retention, clock, {},
                             runner.registry().get());
  absl::Status started = runner.Start();
  if (!started.ok()) {
    std::cerr << "server: " << started << std::endl;
    return 1;
  }
  if (relay) relay->Start();
  purger.Start();
  log::Info("serving", {{"service", spec.name},
                        {"port", absl::StrCat(runner.port())},
                        {"metrics_port", absl::StrCat(runner.metrics_port())}});
  int code = runner.RunUntilSignal();
  if (relay) relay->Stop();
  purger.Stop();
  log::Info("stopped", {{"service", spec.name}, {"exit_code", absl::StrCat(code)}});
  return code;
}

}  // namespace rmhub::service
