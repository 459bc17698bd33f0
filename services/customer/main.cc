// The customer service: wiring only (flags → config → repository → service → server).
#include "absl/flags/flag.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/config/config.h"
#include "common/grpc/channel.h"
#include "common/grpc/peer_call.h"
#include "common/pii/pii_config.h"
#include "common/service/service_main.h"
#include "services/customer/customer_grpc_service.h"
#include "services/customer/customer_service.h"
#include "services/customer/mysql_repository.h"
#include "services/customer/over_cap_gauge.h"

ABSL_FLAG(std::string, team_address, "", "the team service (host:port)");
ABSL_FLAG(absl::Duration, team_call_timeout, absl::Seconds(2),
          "longest wait for the team service on one call");
ABSL_FLAG(
    std::string, pii_encryption_keys, "",
    "PII encryption keys: \"<id>:<base64 32 bytes>[,...]\" (prefer --pii_encryption_keys_file)");
ABSL_FLAG(std::string, pii_encryption_keys_file, "",
          "file holding the PII encryption keys, as --pii_encryption_keys");
ABSL_FLAG(std::string, pii_active_key_id, "", "the key id new PII values are encrypted with");
ABSL_FLAG(std::string, pii_blind_index_key, "",
          "base64 HMAC key of the PII blind indexes (prefer --pii_blind_index_key_file)");
ABSL_FLAG(std::string, pii_blind_index_key_file, "", "file holding the blind-index key (base64)");
ABSL_FLAG(int64_t, medium_aum_threshold, 5'000'000, "AUM (fen) from which a customer is MEDIUM");
ABSL_FLAG(int64_t, large_aum_threshold, 100'000'000, "AUM (fen) from which a customer is LARGE");
ABSL_FLAG(int64_t, vip_aum_threshold, 600'000'000, "AUM (fen) from which a customer is VIP");
ABSL_FLAG(int64_t, medium_contribution_threshold, 500'000,
          "annual contribution (fen) from which a customer is MEDIUM_VALUE");
ABSL_FLAG(int64_t, high_contribution_threshold, 5'000'000,
          "annual contribution (fen) from which a customer is HIGH_VALUE");
ABSL_FLAG(int, birthday_window_days, 7, "default birthday window of care reminders");
ABSL_FLAG(absl::Duration, over_cap_refresh_interval, absl::Minutes(5),
          "how often rmhub_customer_managers_over_cap is recounted (0: never)");

namespace {

using rmhub::service::RegisteredService;
using rmhub::service::Runtime;

template <class T>
T OrExit(absl::StatusOr<T> value) {
  if (!value.ok()) rmhub::config::ExitIfInvalid({value.status()});
  return *std::move(value);
}

rmhub::customer::CustomerConfig ConfigFromFlags() {
  rmhub::customer::CustomerConfig config;
  config.thresholds.medium_aum = absl::GetFlag(FLAGS_medium_aum_threshold);
  config.thresholds.large_aum = absl::GetFlag(FLAGS_large_aum_threshold);
  config.thresholds.vip_aum = absl::GetFlag(FLAGS_vip_aum_threshold);
  config.thresholds.medium_contribution = absl::GetFlag(FLAGS_medium_contribution_threshold);
  config.thresholds.high_contribution = absl::GetFlag(FLAGS_high_contribution_threshold);
  config.default_birthday_window_days = absl::GetFlag(FLAGS_birthday_window_days);
  rmhub::config::ExitIfInvalid({
      rmhub::customer::ValidateThresholds(config.thresholds),
      rmhub::config::CheckRange("birthday_window_days", config.default_birthday_window_days, 1, 60),
      rmhub::config::CheckHostPort("team_address", absl::GetFlag(FLAGS_team_address)),
      rmhub::config::CheckPositive("team_call_timeout", absl::GetFlag(FLAGS_team_call_timeout)),
  });
  if (absl::GetFlag(FLAGS_over_cap_refresh_interval) < absl::ZeroDuration()) {
    rmhub::config::ExitIfInvalid(
        {absl::InvalidArgumentError("over_cap_refresh_interval: must not be negative")});
  }
  return config;
}

absl::StatusOr<std::vector<RegisteredService>> Build(Runtime& runtime) {
  rmhub::customer::CustomerConfig config = ConfigFromFlags();
  rmhub::pii::PiiConfig pii{
      OrExit(rmhub::auth::SecretFromFlags(absl::GetFlag(FLAGS_pii_encryption_keys),
                                          absl::GetFlag(FLAGS_pii_encryption_keys_file),
                                          "pii_encryption_keys")),
      absl::GetFlag(FLAGS_pii_active_key_id),
      OrExit(rmhub::auth::SecretFromFlags(absl::GetFlag(FLAGS_pii_blind_index_key),
                                          absl::GetFlag(FLAGS_pii_blind_index_key_file),
                                          "pii_blind_index_key"))};
  rmhub::config::ExitIfInvalid({rmhub::pii::ValidatePiiConfig(pii)});
  // Owned for the life of the process.
  auto* cipher = new rmhub::pii::FieldCipher(OrExit(rmhub::pii::BuildFieldCipher(pii)));
  auto* index = new rmhub::pii::BlindIndex(OrExit(rmhub::pii::BuildBlindIndex(pii)));
  // Stored responses are sealed with the PII key ring (docs/decisions.md, "Idempotency").
  auto* records = OrExit(rmhub::idempotency::Idempotency::Create("customer", runtime.idempotency,
                                                                 cipher, runtime.clock))
                      .release();
  auto* repository =
      new rmhub::customer::MySqlCustomerRepository(runtime.pool, *cipher, *index, *records);
  auto call_auth =
      OrExit(rmhub::auth::ServiceCallAuth::Create(runtime.auth_config, "customer", runtime.clock));
  rmhub::grpcx::PeerCallOptions team_call;
  team_call.max_timeout = absl::GetFlag(FLAGS_team_call_timeout);
  auto* team = new rmhub::customer::GrpcTeamDirectory(rmhub::grpcx::PeerCaller(
      rmhub::grpcx::MakePeerChannel(absl::GetFlag(FLAGS_team_address), runtime.peer_credentials),
      std::move(call_auth), team_call));
  auto* logic = new rmhub::customer::CustomerService(*repository, *team, runtime.clock,
                                                     runtime.zone, config, &runtime.registry);
  auto service = std::make_shared<rmhub::customer::CustomerGrpcService>(
      *logic, runtime.authenticator, runtime.call_queue);
  absl::Duration over_cap_interval = absl::GetFlag(FLAGS_over_cap_refresh_interval);
  if (over_cap_interval > absl::ZeroDuration() && runtime.on_stop != nullptr) {
    auto* over_cap = new rmhub::customer::OverCapGauge(*logic, over_cap_interval, runtime.registry);
    over_cap->Start();
    runtime.on_stop->push_back([over_cap] { over_cap->Stop(); });
  }
  return std::vector<RegisteredService>{{service, "rmhub.customer.v1.CustomerService"}};
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::service::ServiceSpec spec;
  spec.name = "customer";
  spec.migrations = CustomerMigrations();
  // The indexed tier columns follow the configured thresholds (flags are parsed by then).
  spec.after_migrations = [](rmhub::db::ConnectionPool& pool) {
    return rmhub::customer::MySqlCustomerRepository::ApplySegmentTiers(
        pool, ConfigFromFlags().thresholds);
  };
  spec.build = Build;
  return rmhub::service::RunService(argc, argv, spec);
}
