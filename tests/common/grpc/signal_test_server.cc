// A minimal service main for signal_test: configured like a real service (flags with RMHUB_*
// fallbacks, ServerOptionsFromFlags), it prints "PORT <n>" once listening and "IN_HANDLER" when a
// "slow" call starts; that call finishes only once the server is draining, so a clean exit after
// SIGTERM proves the in-flight call was let finish.

#include <cstdio>

#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/grpc/server.h"
#include "common/grpc/server_flags.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"

namespace {

rmhub::grpcx::ServiceRunner* g_runner = nullptr;

class DrainAwareService final : public rmhub::analytics::v1::AnalyticsService::Service {
 public:
  grpc::Status IngestEvents(grpc::ServerContext* ctx,
                            const rmhub::analytics::v1::IngestEventsRequest* req,
                            rmhub::analytics::v1::IngestEventsResponse* resp) override {
    if (req->events_size() > 0 && req->events(0).event_id() == "slow") {
      std::printf("IN_HANDLER\n");
      std::fflush(stdout);
      // Bounded: 60 s at most.
      for (int i = 0; i < 6000 && !g_runner->draining() && !ctx->IsCancelled(); ++i) {
        absl::SleepFor(absl::Milliseconds(10));
      }
      if (!g_runner->draining()) return {grpc::StatusCode::ABORTED, "not drained"};
    }
    resp->set_accepted_count(req->events_size());
    return grpc::Status::OK;
  }
};

}  // namespace

int main(int argc, char** argv) {
  rmhub::grpcx::ServiceRunner::BlockTerminationSignals();
  rmhub::config::ParseFlagsWithEnv(argc, argv, "signal_test_server: test helper");
  rmhub::grpcx::ServerOptions defaults;
  defaults.listen_address = "127.0.0.1:0";
  defaults.metrics_address = "127.0.0.1:0";
  rmhub::grpcx::ServiceRunner runner(rmhub::grpcx::ServerOptionsFromFlags(defaults));
  g_runner = &runner;
  DrainAwareService service;
  runner.AddService(&service, rmhub::analytics::v1::AnalyticsService::service_full_name());
  if (!runner.Start().ok()) return 1;
  std::printf("PORT %d METRICS %d\n", runner.port(), runner.metrics_port());
  std::fflush(stdout);
  return runner.RunUntilSignal();
}
