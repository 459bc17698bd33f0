// The analytics service: wiring only (flags → config → repository → service → server).
#include "absl/flags/flag.h"
#include "common/config/config.h"
#include "common/service/service_main.h"
#include "services/analytics/analytics_grpc_service.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/mysql_repository.h"

ABSL_FLAG(std::string, scorecard_weights, "1,1,1,1,1",
          "weights of satisfaction, relationship, capability, collaboration, growth");
ABSL_FLAG(int, max_batch_events, 1000, "most events one IngestEvents call may carry");

namespace {

using rmhub::service::RegisteredService;
using rmhub::service::Runtime;

template <class T>
T OrExit(absl::StatusOr<T> value) {
  if (!value.ok()) rmhub::config::ExitIfInvalid({value.status()});
  return *std::move(value);
}

absl::StatusOr<std::vector<RegisteredService>> Build(Runtime& runtime) {
  rmhub::analytics::AnalyticsConfig config;
  config.max_batch_events = absl::GetFlag(FLAGS_max_batch_events);
  rmhub::config::ExitIfInvalid({
      rmhub::analytics::ParseWeights(absl::GetFlag(FLAGS_scorecard_weights), "scorecard_weights",
                                     &config.weights),
      rmhub::config::CheckRange("max_batch_events", config.max_batch_events, 1, 10000),
  });
  // Ingestion and rebuilds keep no request records, but the repository base takes the store.
  auto* records = OrExit(rmhub::idempotency::Idempotency::Create("analytics", runtime.idempotency,
                                                                 nullptr, runtime.clock))
                      .release();
  auto* repository = new rmhub::analytics::MySqlAnalyticsRepository(runtime.pool, *records);
  auto* metrics = new rmhub::analytics::IngestMetrics(runtime.registry);
  auto* logic = new rmhub::analytics::AnalyticsService(*repository, runtime.clock, runtime.zone,
                                                       config, metrics);
  auto service = std::make_shared<rmhub::analytics::AnalyticsGrpcService>(
      *logic, runtime.authenticator, runtime.call_queue);
  return std::vector<RegisteredService>{{service, "rmhub.analytics.v1.AnalyticsService"}};
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::service::ServiceSpec spec;
  spec.name = "analytics";
  spec.migrations = AnalyticsMigrations();
  spec.build = Build;
  return rmhub::service::RunService(argc, argv, spec);
}
