// The server model end to end over real sockets: a callback service whose calls go through
// grpcx::ServeQueued into the runner's CallQueue.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/grpc/handler.h"
#include "common/grpc/server.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "tests/support/metric_value.h"

namespace rmhub::grpcx {
namespace {

using ::rmhub::analytics::v1::AnalyticsService;
using ::rmhub::analytics::v1::IngestEventsRequest;
using ::rmhub::analytics::v1::IngestEventsResponse;
using ::rmhub::testing::MetricValue;

class AnyoneAuthenticator final : public auth::Authenticator {
 public:
  absl::StatusOr<auth::Principal> Authenticate(const grpc::ServerContextBase&) const override {
    auth::Principal p;
    p.subject = "members/1";
    p.member_id = 1;
    return p;
  }
};

// "slow" blocks its worker until released; "work" takes a few milliseconds; anything else
// answers at once. Counts what actually ran.
class QueuedService final : public AnalyticsService::CallbackService {
 public:
  explicit QueuedService(CallQueue& queue) : queue_(queue) {}

  grpc::ServerUnaryReactor* IngestEvents(grpc::CallbackServerContext* ctx,
                                         const IngestEventsRequest* req,
                                         IngestEventsResponse* resp) override {
    return ServeQueued(queue_, ctx, authn_, resp,
                       [this, req](const auth::Caller&) -> absl::StatusOr<IngestEventsResponse> {
                         std::string mode = req->events_size() ? req->events(0).event_id() : "";
                         if (mode == "slow") {
                           slow_entered.Notify();
                           release.WaitForNotificationWithTimeout(absl::Seconds(30));
                         } else {
                           ++executed_fast;
                           if (mode == "work") absl::SleepFor(absl::Milliseconds(2));
                         }
                         IngestEventsResponse out;
                         out.set_accepted_count(1);
                         return out;
                       });
  }

  absl::Notification slow_entered;
  absl::Notification release;
  std::atomic<int> executed_fast{0};

 private:
  CallQueue& queue_;
  AnyoneAuthenticator authn_;
};

class QueuedServerTest : public ::testing::Test {
 protected:
  void Start(int workers, int max_queue_length = 10000) {
    ServerOptions options;
    options.metrics_address = "";
    options.queue.workers = workers;
    options.queue.max_queue_length = max_queue_length;
    runner_ = std::make_unique<ServiceRunner>(options);
    service_ = std::make_unique<QueuedService>(runner_->call_queue());
    runner_->AddService(service_.get(), AnalyticsService::service_full_name());
    ASSERT_TRUE(runner_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(runner_->port()),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (service_) Release();
    if (runner_) runner_->Stop();
  }
  void Release() {
    if (!service_->release.HasBeenNotified()) service_->release.Notify();
  }

  grpc::Status Call(const std::string& mode, absl::Duration timeout) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    IngestEventsRequest req;
    req.add_events()->set_event_id(mode);
    IngestEventsResponse resp;
    return AnalyticsService::NewStub(channel_)->IngestEvents(&ctx, req, &resp);
  }
  double Metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    return MetricValue(*runner_->registry(), name, labels).value_or(-1);
  }
  // Waits (bounded) until a metric reaches a value: the worker answers after the client left.
  bool AwaitMetric(const std::string& name, const std::map<std::string, std::string>& labels,
                   double value) {
    for (int i = 0; i < 3000; ++i) {
      if (Metric(name, labels) == value) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  std::unique_ptr<ServiceRunner> runner_;
  std::unique_ptr<QueuedService> service_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(QueuedServerTest, ACallWhoseDeadlinePassesInTheQueueIsNeverExecuted) {
  Start(/*workers=*/1);
  std::thread slow([&] { EXPECT_TRUE(Call("slow", absl::Seconds(30)).ok()); });
  ASSERT_TRUE(service_->slow_entered.WaitForNotificationWithTimeout(absl::Seconds(30)));
  // Queued behind the slow call; the client gives up at its deadline.
  grpc::Status late = Call("fast", absl::Milliseconds(300));
  EXPECT_EQ(late.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server's copy of the deadline is the client's plus the request's transit time: releasing
  // the worker the instant the client gives up let it start the call just inside that margin on a
  // loaded machine. Let the server's deadline pass too before the worker frees up.
  absl::SleepFor(absl::Milliseconds(250));
  Release();
  slow.join();
  ASSERT_TRUE(AwaitMetric("rmhub_server_shed_total", {{"reason", "expired"}}, 1));
  EXPECT_EQ(service_->executed_fast.load(), 0);
  EXPECT_EQ(Metric("rmhub_server_executed_total"), 1);  // the slow call only
  EXPECT_EQ(Metric("rmhub_server_queue_depth"), 0);
}

TEST_F(QueuedServerTest, ManyMoreConcurrentCallsThanWorkersAllSucceed) {
  Start(/*workers=*/2);
  constexpr int kCalls = 256;
  std::atomic<int> ok{0};
  std::atomic<int> exhausted{0};
  std::vector<std::thread> clients;
  clients.reserve(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    clients.emplace_back([&] {
      grpc::Status s = Call("work", absl::Seconds(30));
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(exhausted.load(), 0);
  EXPECT_EQ(service_->executed_fast.load(), kCalls);
}

TEST_F(QueuedServerTest, AFullQueueAnswersResourceExhaustedWithRetryInfo) {
  Start(/*workers=*/1, /*max_queue_length=*/1);
  std::thread slow([&] { EXPECT_TRUE(Call("slow", absl::Seconds(30)).ok()); });
  ASSERT_TRUE(service_->slow_entered.WaitForNotificationWithTimeout(absl::Seconds(30)));
  std::thread queued([&] { EXPECT_TRUE(Call("fast", absl::Seconds(30)).ok()); });
  ASSERT_TRUE(AwaitMetric("rmhub_server_queue_depth", {}, 1));

  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  IngestEventsRequest req;
  req.add_events()->set_event_id("fast");
  IngestEventsResponse resp;
  grpc::Status full = AnalyticsService::NewStub(channel_)->IngestEvents(&ctx, req, &resp);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(full.error_details()));
  bool has_retry_info = false;
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      has_retry_info = true;
      EXPECT_GT(retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1000000, 0);
    }
  }
  EXPECT_TRUE(has_retry_info);
  Release();
  slow.join();
  queued.join();
  EXPECT_EQ(Metric("rmhub_server_shed_total", {{"reason", "queue_full"}}), 1);
}

}  // namespace
}  // namespace rmhub::grpcx
