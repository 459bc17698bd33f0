#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/metrics/grpc_server_interceptor.h"
#include "common/metrics/metrics_server.h"
#include "common/metrics/process_collector.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "tests/common/grpc/probe_support.h"
#include "tests/common/metrics/scrape_support.h"

namespace rmhub::metrics {
namespace {

using ::rmhub::analytics::v1::AnalyticsService;
using ::rmhub::analytics::v1::IngestEventsRequest;
using ::rmhub::analytics::v1::IngestEventsResponse;
using ::rmhub::testing::HttpGet;
using ::rmhub::testing::PromtoolCheckMetrics;
using ::rmhub::testing::SampleValue;
using ::testing::HasSubstr;
using ::testing::Not;

// Accepts non-empty batches; remembers the request id each call saw.
class FakeAnalytics final : public AnalyticsService::Service {
 public:
  grpc::Status IngestEvents(grpc::ServerContext* ctx, const IngestEventsRequest* req,
                            IngestEventsResponse* resp) override {
    auto it = ctx->client_metadata().find(kRequestIdHeader);
    {
      absl::MutexLock lock(&mu_);
      seen_ids_.push_back(it == ctx->client_metadata().end()
                              ? ""
                              : std::string(it->second.data(), it->second.size()));
    }
    if (req->events_size() == 0) return {grpc::StatusCode::INVALID_ARGUMENT, "no events"};
    resp->set_accepted_count(req->events_size());
    return grpc::Status::OK;
  }
  std::string LastSeenId() {
    absl::MutexLock lock(&mu_);
    return seen_ids_.empty() ? "" : seen_ids_.back();
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> seen_ids_ ABSL_GUARDED_BY(mu_);
};

class InterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_sink_ = log::SetSink(capture_);
    registry_ = std::make_shared<prometheus::Registry>();
    auto metrics = MetricsServer::Start("127.0.0.1:0", registry_);
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    metrics_ = std::move(*metrics);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
    f.push_back(std::make_unique<ServerObservabilityFactory>(
        std::make_shared<GrpcServerMetrics>(*registry_)));
    builder.experimental().SetInterceptorCreators(std::move(f));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    log::SetSink(previous_sink_);
  }

  grpc::Status Ingest(int events, const std::string& request_id = "",
                      std::string* echoed_id = nullptr) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!request_id.empty()) ctx.AddMetadata(kRequestIdHeader, request_id);
    IngestEventsRequest req;
    for (int i = 0; i < events; ++i)
      req.add_events()->set_event_id("BODY-MARKER-" + std::to_string(i));
    IngestEventsResponse resp;
    grpc::Status s = AnalyticsService::NewStub(channel_)->IngestEvents(&ctx, req, &resp);
    auto it = ctx.GetServerInitialMetadata().find(kRequestIdHeader);
    if (echoed_id != nullptr && it != ctx.GetServerInitialMetadata().end()) {
      *echoed_id = std::string(it->second.data(), it->second.size());
    }
    return s;
  }

  std::vector<std::string> RpcLogLines() {
    std::vector<std::string> out;
    for (const auto& l : capture_->Lines()) {
      if (absl::StrContains(l, "\"msg\":\"rpc\"")) out.push_back(l);
    }
    return out;
  }

  std::shared_ptr<log::CaptureSink> capture_ = std::make_shared<log::CaptureSink>();
  std::shared_ptr<log::Sink> previous_sink_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<MetricsServer> metrics_;
  FakeAnalytics service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

const std::map<std::string, std::string> kIngest = {
    {"grpc_type", "unary"},
    {"grpc_service", "rmhub.analytics.v1.AnalyticsService"},
    {"grpc_method", "IngestEvents"}};

std::map<std::string, std::string> WithCode(std::map<std::string, std::string> labels,
                                            const std::string& code) {
  labels["grpc_code"] = code;
  return labels;
}

TEST_F(InterceptorTest, CountsStartedHandledAndLatencyPerMethodAndCode) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Ingest(1).ok());
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Ingest(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto text = HttpGet(metrics_->port());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(SampleValue(*text, "grpc_server_started_total", kIngest), 5);
  EXPECT_EQ(SampleValue(*text, "grpc_server_handled_total", WithCode(kIngest, "OK")), 3);
  EXPECT_EQ(SampleValue(*text, "grpc_server_handled_total", WithCode(kIngest, "INVALID_ARGUMENT")),
            2);
  EXPECT_EQ(SampleValue(*text, "grpc_server_handling_seconds_count", WithCode(kIngest, "OK")), 3);
  auto inf = WithCode(kIngest, "OK");
  inf["le"] = "+Inf";
  EXPECT_EQ(SampleValue(*text, "grpc_server_handling_seconds_bucket", inf), 3);
  // No series for codes that never happened.
  EXPECT_EQ(SampleValue(*text, "grpc_server_handled_total", WithCode(kIngest, "INTERNAL")),
            std::nullopt);
}

TEST_F(InterceptorTest, LabelsStreamingCallsByType) {
  auto seen = ::rmhub::testing::HealthWatchUntil(channel_, "", ::rmhub::testing::kServing);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_FALSE(seen->empty());
  auto text = HttpGet(metrics_->port());
  ASSERT_TRUE(text.ok()) << text.status();
  // Started is counted when the call begins, so it is there while the stream winds down.
  EXPECT_EQ(SampleValue(*text, "grpc_server_started_total",
                        {{"grpc_type", "server_stream"},
                         {"grpc_service", "grpc.health.v1.Health"},
                         {"grpc_method", "Watch"}}),
            1);
}

TEST_F(InterceptorTest, ScrapePassesPromtool) {
  ASSERT_TRUE(Ingest(1).ok());
  ASSERT_EQ(Ingest(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto collector = std::make_shared<ProcessCollector>();
  metrics_->Add(collector);
  auto text = HttpGet(metrics_->port());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("process_resident_memory_bytes"));
  auto check = PromtoolCheckMetrics(*text);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ(check->exit_code, 0) << check->output << "\n--- scraped:\n" << *text;
}

TEST_F(InterceptorTest, PassesOnTheClientsRequestIdAndLogsOneLinePerCall) {
  std::string echoed;
  ASSERT_TRUE(Ingest(2, "req-42.a_b:c", &echoed).ok());
  EXPECT_EQ(service_.LastSeenId(), "req-42.a_b:c");
  EXPECT_EQ(echoed, "req-42.a_b:c");
  auto lines = RpcLogLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0],
              HasSubstr("\"method\":\"/rmhub.analytics.v1.AnalyticsService/IngestEvents\""));
  EXPECT_THAT(lines[0], HasSubstr("\"code\":\"OK\""));
  EXPECT_THAT(lines[0], HasSubstr("\"request_id\":\"req-42.a_b:c\""));
  EXPECT_THAT(lines[0], HasSubstr("\"latency_ms\":"));
  EXPECT_THAT(lines[0], HasSubstr("\"peer\":\"ipv4:127.0.0.1:"));
  EXPECT_THAT(lines[0], Not(HasSubstr("BODY-MARKER")));  // never the request body
}

TEST_F(InterceptorTest, GivesCallsWithoutAUsableRequestIdAFreshOne) {
  std::string echoed;
  ASSERT_TRUE(Ingest(1, "", &echoed).ok());
  std::string seen = service_.LastSeenId();
  EXPECT_EQ(seen.size(), 32u);
  EXPECT_EQ(echoed, seen);
  ASSERT_TRUE(Ingest(1, "has space", &echoed).ok());  // not a plain token: replaced
  EXPECT_NE(service_.LastSeenId(), "has space");
  EXPECT_TRUE(grpcx::IsAcceptableRequestId(service_.LastSeenId()));
  auto lines = RpcLogLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("\"request_id\":\"" + seen + "\""));
  EXPECT_THAT(lines[1], Not(HasSubstr("has space")));
}

TEST(GrpcServerMetrics, CreatesEachMethodsSeriesOnce) {
  prometheus::Registry registry;
  GrpcServerMetrics metrics(registry);
  auto& a = metrics.ForMethod(grpc::experimental::ServerRpcInfo::Type::UNARY, "/s.v1.S/A");
  auto& b = metrics.ForMethod(grpc::experimental::ServerRpcInfo::Type::UNARY, "/s.v1.S/A");
  EXPECT_EQ(&a, &b);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto& s = metrics.ForMethod(grpc::experimental::ServerRpcInfo::Type::UNARY, "/s.v1.S/A");
        s.Started();
        s.Handled(static_cast<grpc::StatusCode>(i % 3), 0.001);
      }
    });
  }
  for (auto& th : threads) th.join();
  size_t handled_series = 0;
  double handled_sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "grpc_server_handled_total") continue;
    handled_series = family.metric.size();
    for (const auto& m : family.metric) handled_sum += m.counter.value;
  }
  EXPECT_EQ(handled_series, 3u);
  EXPECT_EQ(handled_sum, 2000);
}

TEST(GrpcLabels, SplitsMethodsAndNamesCodesAndTypes) {
  auto [service, method] = SplitFullMethod("/rmhub.team.v1.TeamService/GetMember");
  EXPECT_EQ(service, "rmhub.team.v1.TeamService");
  EXPECT_EQ(method, "GetMember");
  EXPECT_EQ(SplitFullMethod("garbage").first, "unknown");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(99)), "UNKNOWN");
  EXPECT_EQ(GrpcTypeLabel(grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING), "bidi_stream");
  EXPECT_EQ(GrpcTypeLabel(grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING),
            "client_stream");
}

TEST(ProcessCollector, ParsesProcFiles) {
  // A command name with spaces and parentheses must not shift the fields.
  std::string stat =
      "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 4 0 5000 "
      "123456789 2500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  auto parsed = ParseProcStat(stat, 100);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_DOUBLE_EQ(parsed->cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(parsed->start_ticks, 5000);
  EXPECT_FALSE(ParseProcStat("garbage", 100).has_value());
  auto statm = ParseStatm("3000 250 100 10 0 500 0\n");
  ASSERT_TRUE(statm.has_value());
  EXPECT_EQ(statm->first, 3000);
  EXPECT_EQ(statm->second, 250);
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nbtime 1700000000\nprocesses 5\n"), 1700000000);
  EXPECT_EQ(ParseMaxOpenFiles("Limit Soft Hard Units\nMax open files            1024    "
                              "   524288       files\n"),
            1024);
  EXPECT_EQ(ParseMaxOpenFiles("Max open files unlimited unlimited files\n"), std::nullopt);
}

TEST(ProcessCollector, ReportsThisProcess) {
  ProcessCollector collector;
  std::map<std::string, double> values;
  for (const auto& f : collector.Collect()) {
    ASSERT_EQ(f.metric.size(), 1u) << f.name;
    values[f.name] = f.type == prometheus::MetricType::Counter ? f.metric[0].counter.value
                                                               : f.metric[0].gauge.value;
  }
  EXPECT_GT(values["process_resident_memory_bytes"], 0);
  EXPECT_GE(values["process_virtual_memory_bytes"], values["process_resident_memory_bytes"]);
  EXPECT_GE(values["process_open_fds"], 3);  // stdin, stdout, stderr at least
  EXPECT_GE(values["process_max_fds"], values["process_open_fds"]);
  EXPECT_GE(values["process_cpu_seconds_total"], 0);
  double now = static_cast<double>(absl::ToUnixSeconds(absl::Now()));
  EXPECT_GT(values["process_start_time_seconds"], 1.6e9);
  EXPECT_LE(values["process_start_time_seconds"], now + 1);  // whole-second boot time rounding
  EXPECT_EQ(values.size(), 6u);
}

TEST(MetricsServer, ReportsABindFailureAsAStatus) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto first = MetricsServer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = MetricsServer::Start("127.0.0.1:" + std::to_string((*first)->port()), registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rmhub::metrics
