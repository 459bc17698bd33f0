// The team service: wiring only (flags → config → repository → service → server).
#include "absl/flags/flag.h"
#include "common/config/config.h"
#include "common/service/service_main.h"
#include "services/team/expiry_sweeper.h"
#include "services/team/mysql_repository.h"
#include "services/team/team_grpc_service.h"
#include "services/team/team_service.h"

ABSL_FLAG(int, max_mentees, 3, "active mentees a mentor may have at once");
ABSL_FLAG(int, default_personal_customer_cap, 400,
          "customers a personal RM may hold, for branches created without a cap");
ABSL_FLAG(int, default_corporate_key_account_cap, 15,
          "key accounts a corporate RM may hold, for branches created without a cap");
ABSL_FLAG(
    int, certificate_warning_days, 30,
    "ListIneligibleHolders lists RM qualifications expiring within this many days by default");
ABSL_FLAG(absl::Duration, certificate_sweep_interval, absl::Minutes(1),
          "how often the expiry sweep publishes RM qualifications whose expiry date has passed "
          "(0 = never)");

namespace {

using rmhub::service::RegisteredService;
using rmhub::service::Runtime;

absl::StatusOr<std::vector<RegisteredService>> Build(Runtime& runtime) {
  rmhub::team::TeamConfig config;
  config.max_mentees = absl::GetFlag(FLAGS_max_mentees);
  config.default_personal_customer_cap = absl::GetFlag(FLAGS_default_personal_customer_cap);
  config.default_corporate_key_account_cap = absl::GetFlag(FLAGS_default_corporate_key_account_cap);
  config.certificate_warning_days = absl::GetFlag(FLAGS_certificate_warning_days);
  const absl::Duration sweep_interval = absl::GetFlag(FLAGS_certificate_sweep_interval);
  rmhub::config::ExitIfInvalid({
      rmhub::config::CheckRange("max_mentees", config.max_mentees, 1, 20),
      rmhub::config::CheckRange("default_personal_customer_cap",
                                config.default_personal_customer_cap, 1, 100000),
      rmhub::config::CheckRange("default_corporate_key_account_cap",
                                config.default_corporate_key_account_cap, 1, 10000),
      rmhub::config::CheckRange("certificate_warning_days", config.certificate_warning_days, 1,
                                366),
      sweep_interval == absl::ZeroDuration()
          ? absl::OkStatus()
          : rmhub::config::CheckPositive("certificate_sweep_interval", sweep_interval),
  });
  // Owned for the life of the process; the gRPC service refers to the logic and the repository.
  auto idempotency =
      rmhub::idempotency::Idempotency::Create("team", runtime.idempotency, nullptr, runtime.clock);
  if (!idempotency.ok()) return idempotency.status();
  auto* records = idempotency->release();
  auto* repository = new rmhub::team::MySqlTeamRepository(runtime.pool, *records);
  auto* logic = new rmhub::team::TeamService(*repository, runtime.clock, runtime.zone, config);
  auto service = std::make_shared<rmhub::team::TeamGrpcService>(*logic, runtime.authenticator,
                                                                runtime.call_queue);
  if (sweep_interval > absl::ZeroDuration() && runtime.on_stop != nullptr) {
    auto* sweeper = new rmhub::team::ExpirySweeper(*logic, sweep_interval);
    sweeper->Start();
    runtime.on_stop->push_back([sweeper] { sweeper->Stop(); });
  }
  return std::vector<RegisteredService>{{service, "rmhub.team.v1.TeamService"}};
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::service::ServiceSpec spec;
  spec.name = "team";
  spec.migrations = TeamMigrations();
  spec.build = Build;
  return rmhub::service::RunService(argc, argv, spec);
}
