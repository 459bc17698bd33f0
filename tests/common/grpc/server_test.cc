#include "common/grpc/server.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/grpc/server_flags.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "tests/common/grpc/probe_support.h"
#include "tests/common/metrics/scrape_support.h"

namespace rmhub::grpcx {
namespace {

using ::rmhub::analytics::v1::AnalyticsService;
using ::rmhub::analytics::v1::IngestEventsRequest;
using ::rmhub::analytics::v1::IngestEventsResponse;
using ::rmhub::testing::HealthCheck;
using ::rmhub::testing::kNotServing;
using ::rmhub::testing::kServing;
using ::testing::Contains;

constexpr char kAnalytics[] = "rmhub.analytics.v1.AnalyticsService";

// "slow" calls block until released (or cancelled); everything else answers at once.
class SlowService final : public AnalyticsService::Service {
 public:
  grpc::Status IngestEvents(grpc::ServerContext* ctx, const IngestEventsRequest* req,
                            IngestEventsResponse* resp) override {
    if (req->events_size() == 0 || req->events(0).event_id() != "slow") return grpc::Status::OK;
    int now = ++running;
    {
      absl::MutexLock lock(&mu);
      max_running = std::max(max_running, now);
      ++entered;
    }
    // Bounded: 60 s at most, far beyond any test's need.
    for (int i = 0; i < 6000 && !release.HasBeenNotified() && !ctx->IsCancelled(); ++i) {
      release.WaitForNotificationWithTimeout(absl::Milliseconds(10));
    }
    --running;
    if (!release.HasBeenNotified()) return {grpc::StatusCode::CANCELLED, "cancelled"};
    resp->set_accepted_count(1);
    return grpc::Status::OK;
  }
  bool WaitEntered(int n) {
    struct Target {
      SlowService* self;
      int n;
    } target{this, n};
    absl::MutexLock lock(&mu);
    return mu.AwaitWithTimeout(
        absl::Condition(
            +[](Target* t) ABSL_NO_THREAD_SAFETY_ANALYSIS { return t->self->entered >= t->n; },
            &target),
        absl::Seconds(30));
  }

  std::atomic<int> running{0};
  absl::Mutex mu;
  int max_running ABSL_GUARDED_BY(mu) = 0;
  int entered ABSL_GUARDED_BY(mu) = 0;
  absl::Notification release;
};

grpc::Status Ingest(const std::shared_ptr<grpc::Channel>& channel, const std::string& mode,
                    absl::Duration timeout = absl::Seconds(60)) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  IngestEventsRequest req;
  req.add_events()->set_event_id(mode);
  IngestEventsResponse resp;
  return AnalyticsService::NewStub(channel)->IngestEvents(&ctx, req, &resp);
}

std::shared_ptr<grpc::Channel> Connect(int port) {
  // A fresh channel per call site: a reused one could hide a listener that is gone.
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials(), args);
}

ServerOptions TestOptions() {
  ServerOptions o;
  o.readiness_interval = absl::Hours(1);  // tests call RefreshHealth() themselves
  o.drain_timeout = absl::Seconds(60);
  // civetweb takes up to 2 s to stop; only the tests about metrics start an endpoint.
  o.metrics_address = "";
  return o;
}

TEST(ServiceRunner, HealthFollowsTheReadinessCheck) {
  std::atomic<bool> ready{false};
  SlowService service;
  ServiceRunner runner(TestOptions());
  runner.AddService(&service, kAnalytics);
  runner.SetReadinessCheck([&]() -> absl::Status {
    return ready ? absl::OkStatus() : Unavailable("DB_UNREACHABLE", "database down");
  });
  ASSERT_TRUE(runner.Start().ok());
  auto channel = Connect(runner.port());
  runner.RefreshHealth();
  EXPECT_EQ(HealthCheck(channel, "").value_or(-1), kNotServing);
  EXPECT_EQ(HealthCheck(channel, kAnalytics).value_or(-1), kNotServing);
  ready = true;
  runner.RefreshHealth();
  EXPECT_EQ(HealthCheck(channel, "").value_or(-1), kServing);
  EXPECT_EQ(HealthCheck(channel, kAnalytics).value_or(-1), kServing);
  ready = false;
  runner.RefreshHealth();
  EXPECT_EQ(HealthCheck(channel, kAnalytics).value_or(-1), kNotServing);
  EXPECT_EQ(HealthCheck(channel, "no.such.Service").status().code(), absl::StatusCode::kNotFound);
}

TEST(ServiceRunner, HealthPortMirrorsReadinessAndLivenessIgnoresTheDatabase) {
  std::atomic<bool> ready{false};
  SlowService service;
  ServerOptions options = TestOptions();
  options.health_address = "127.0.0.1:0";
  options.metrics_address = "127.0.0.1:0";
  ServiceRunner runner(options);
  runner.AddService(&service, kAnalytics);
  runner.SetReadinessCheck([&]() -> absl::Status {
    return ready ? absl::OkStatus() : Unavailable("DB_UNREACHABLE", "database down");
  });
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_NE(runner.health_port(), 0);
  ASSERT_NE(runner.health_port(), runner.port());
  auto health = Connect(runner.health_port());
  runner.RefreshHealth();
  EXPECT_EQ(HealthCheck(health, "").value_or(-1), kNotServing);
  EXPECT_EQ(HealthCheck(health, ServiceRunner::kLivenessService).value_or(-1), kServing);
  EXPECT_EQ(HealthCheck(Connect(runner.port()), ServiceRunner::kLivenessService).value_or(-1),
            kServing);
  ready = true;
  runner.RefreshHealth();
  EXPECT_EQ(HealthCheck(health, "").value_or(-1), kServing);
  EXPECT_EQ(HealthCheck(health, kAnalytics).value_or(-1), kServing);
  ready = false;
  runner.RefreshHealth();
  EXPECT_EQ(HealthCheck(health, kAnalytics).value_or(-1), kNotServing);
  EXPECT_EQ(HealthCheck(health, ServiceRunner::kLivenessService).value_or(-1), kServing);
  // The health port serves nothing else: the service's methods are not there.
  EXPECT_EQ(Ingest(health, "fast").error_code(), grpc::StatusCode::UNIMPLEMENTED);
  auto text = rmhub::testing::HttpGet(runner.metrics_port());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(rmhub::testing::SampleValue(*text, "rmhub_ready"), 0);
  // not serving -> serving -> not serving: two changes after the first publication.
  EXPECT_EQ(rmhub::testing::SampleValue(*text, "rmhub_readiness_transitions_total"), 2);
}

TEST(ServiceRunner, TheBackgroundCheckTurnsHealthServing) {
  std::atomic<bool> ready{false};
  ServerOptions options = TestOptions();
  options.readiness_interval = absl::Milliseconds(20);
  SlowService service;
  ServiceRunner runner(options);
  runner.AddService(&service, kAnalytics);
  runner.SetReadinessCheck([&]() -> absl::Status {
    if (ready) return absl::OkStatus();
    throw std::runtime_error("a throwing check is a failing check");
  });
  ASSERT_TRUE(runner.Start().ok());
  auto channel = Connect(runner.port());
  EXPECT_EQ(HealthCheck(channel, "").value_or(-1), kNotServing);
  ready = true;
  auto seen = rmhub::testing::HealthWatchUntil(channel, kAnalytics, kServing);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_FALSE(seen->empty());
  EXPECT_EQ(seen->back(), kServing);
}

TEST(ServiceRunner, ReflectionListsTheRegisteredServices) {
  SlowService service;
  ServerOptions options = TestOptions();
  options.reflection = true;
  ServiceRunner runner(options);
  runner.AddService(&service, kAnalytics);
  ASSERT_TRUE(runner.Start().ok());
  auto names = rmhub::testing::ReflectionListServices(Connect(runner.port()));
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, Contains(kAnalytics));
  EXPECT_THAT(*names, Contains("grpc.health.v1.Health"));
}

TEST(ServiceRunner, MetricsEndpointShowsCallsAndProcessMetricsAndPassesPromtool) {
  SlowService service;
  ServerOptions options = TestOptions();
  options.metrics_address = "127.0.0.1:0";
  ServiceRunner runner(options);
  runner.AddService(&service, kAnalytics);
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_NE(runner.metrics_port(), 0);
  ASSERT_NE(runner.metrics_port(), runner.port());
  auto channel = Connect(runner.port());
  ASSERT_TRUE(Ingest(channel, "fast").ok());
  ASSERT_TRUE(Ingest(channel, "fast").ok());
  auto text = rmhub::testing::HttpGet(runner.metrics_port());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(rmhub::testing::SampleValue(*text, "grpc_server_handled_total",
                                        {{"grpc_type", "unary"},
                                         {"grpc_service", kAnalytics},
                                         {"grpc_method", "IngestEvents"},
                                         {"grpc_code", "OK"}}),
            2);
  EXPECT_TRUE(rmhub::testing::SampleValue(*text, "process_open_fds").has_value());
  EXPECT_TRUE(rmhub::testing::SampleValue(*text, "process_start_time_seconds").has_value());
  auto check = rmhub::testing::PromtoolCheckMetrics(*text);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(check->exit_code, 0) << check->output;
}

TEST(ServiceRunner, DrainLetsInFlightCallsFinishAndRefusesNewOnes) {
  SlowService service;
  ServiceRunner runner(TestOptions());
  runner.AddService(&service, kAnalytics);
  runner.SetReadinessCheck([] { return absl::OkStatus(); });
  ASSERT_TRUE(runner.Start().ok());
  runner.RefreshHealth();
  const int port = runner.port();
  grpc::Status slow_status;
  std::thread slow([&] { slow_status = Ingest(Connect(port), "slow"); });
  ASSERT_TRUE(service.WaitEntered(1));

  std::thread stopper([&] { runner.Stop(); });
  // Once draining, new connections are refused; poll until that is so (bounded).
  bool refused = false;
  for (int i = 0; i < 300 && !refused; ++i) {
    refused = runner.draining() && !Ingest(Connect(port), "fast", absl::Seconds(2)).ok();
    if (!refused) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(service.running.load(), 1);  // the slow call is still being served
  service.release.Notify();
  slow.join();
  stopper.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
}

TEST(ServiceRunner, DrainCancelsCallsStillRunningAtTheDeadline) {
  SlowService service;
  ServerOptions options = TestOptions();
  options.drain_timeout = absl::Milliseconds(100);
  ServiceRunner runner(options);
  runner.AddService(&service, kAnalytics);
  ASSERT_TRUE(runner.Start().ok());
  grpc::Status slow_status;
  std::thread slow([&] { slow_status = Ingest(Connect(runner.port()), "slow"); });
  ASSERT_TRUE(service.WaitEntered(1));
  runner.Stop();  // returns once the stuck call has been cancelled
  slow.join();
  EXPECT_FALSE(slow_status.ok());
  EXPECT_EQ(service.running.load(), 0);
}

TEST(ServiceRunner, HandlerConcurrencyNeverExceedsTheThreadCap) {
  SlowService service;
  ServerOptions options = TestOptions();
  options.max_threads = 4;
  ServiceRunner runner(options);
  runner.AddService(&service, kAnalytics);
  ASSERT_TRUE(runner.Start().ok());
  auto channel = Connect(runner.port());
  constexpr int kCalls = 12;
  std::atomic<int> exhausted{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&] {
      grpc::Status s = Ingest(channel, "slow");
      if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
    });
  }
  // Hold the admitted calls until every call has been either admitted or refused (bounded).
  for (int i = 0; i < 1500; ++i) {
    {
      absl::MutexLock lock(&service.mu);
      if (service.entered + exhausted.load() == kCalls) break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  service.release.Notify();
  for (auto& t : callers) t.join();
  absl::MutexLock lock(&service.mu);
  // Pollers count against the cap too, so fewer handlers than max_threads run at once.
  EXPECT_LE(service.max_running, options.max_threads);
  EXPECT_GE(service.max_running, 1);
  EXPECT_GE(exhausted.load(), 1);
  EXPECT_EQ(exhausted.load() + service.entered, kCalls);
}

TEST(ServiceRunner, HealthWatchersSeeNotServingWhenDrainingStarts) {
  SlowService service;
  ServiceRunner runner(TestOptions());
  runner.AddService(&service, kAnalytics);
  runner.SetReadinessCheck([] { return absl::OkStatus(); });
  ASSERT_TRUE(runner.Start().ok());
  runner.RefreshHealth();
  auto channel = Connect(runner.port());
  ASSERT_EQ(HealthCheck(channel, kAnalytics).value_or(-1), kServing);
  absl::StatusOr<std::vector<int>> seen;
  absl::Notification watching;
  std::thread watcher([&] {
    seen = rmhub::testing::HealthWatchUntil(channel, kAnalytics, kNotServing, absl::Seconds(30),
                                            [&](int) {
                                              if (!watching.HasBeenNotified()) watching.Notify();
                                            });
  });
  ASSERT_TRUE(watching.WaitForNotificationWithTimeout(absl::Seconds(30)));
  runner.Stop();
  watcher.join();
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_FALSE(seen->empty());
  EXPECT_EQ(seen->back(), kNotServing);
}

TEST(ServiceRunner, RunUntilSignalReturnsZeroAfterStop) {
  SlowService service;
  ServiceRunner runner(TestOptions());
  runner.AddService(&service, kAnalytics);
  ASSERT_TRUE(runner.Start().ok());
  std::atomic<int> code{-1};
  std::thread run([&] { code = runner.RunUntilSignal(); });
  ASSERT_TRUE(Ingest(Connect(runner.port()), "fast").ok());
  runner.Stop();
  run.join();
  EXPECT_EQ(code.load(), 0);
}

TEST(ServiceRunner, StartFailuresAreStatuses) {
  SlowService service;
  {
    ServiceRunner runner(TestOptions());
    runner.AddService(&service, "rmhub.nothing.v1.Nope");
    EXPECT_EQ(runner.Start().code(), absl::StatusCode::kInvalidArgument);
  }
  {
    ServerOptions with_metrics = TestOptions();
    with_metrics.metrics_address = "127.0.0.1:0";
    ServiceRunner first(with_metrics);
    // A server needs a service to poll for (reflection, which used to be one, is off now).
    first.AddService(&service, kAnalytics);
    ASSERT_TRUE(first.Start().ok());
    EXPECT_EQ(first.Start().code(), absl::StatusCode::kFailedPrecondition);
    ServerOptions clash = TestOptions();
    clash.metrics_address = "127.0.0.1:" + std::to_string(first.metrics_port());
    ServiceRunner second(clash);
    EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
  }
  {
    ServerOptions bad = TestOptions();
    bad.listen_address = "203.0.113.1:0";  // TEST-NET-3: not an address of this machine
    ServiceRunner runner(bad);
    EXPECT_EQ(runner.Start().code(), absl::StatusCode::kUnavailable);
  }
}

TEST(ServerOptions, ChecksNameEachBadValue) {
  ServerOptions o;
  EXPECT_TRUE(CheckServerOptions(o).empty());
  o.listen_address = "nonsense";
  o.max_threads = 1;
  o.drain_timeout = absl::ZeroDuration();
  auto failed = CheckServerOptions(o);
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_THAT(std::string(failed[0].message()), ::testing::HasSubstr("--listen_address"));
  EXPECT_THAT(std::string(failed[1].message()), ::testing::HasSubstr("--max_threads"));
  EXPECT_THAT(std::string(failed[2].message()), ::testing::HasSubstr("--drain_timeout"));
}

}  // namespace
}  // namespace rmhub::grpcx
