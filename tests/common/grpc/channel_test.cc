#include "common/grpc/channel.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"

namespace rmhub::grpcx {
namespace {

using ::rmhub::analytics::v1::AnalyticsService;
using ::rmhub::analytics::v1::IngestEventsRequest;
using ::rmhub::analytics::v1::IngestEventsResponse;

// Sheds the first `failures` calls with the given code, then answers.
class FlakyService final : public AnalyticsService::Service {
 public:
  FlakyService(int failures, grpc::StatusCode code) : failures_(failures), code_(code) {}
  grpc::Status IngestEvents(grpc::ServerContext*, const IngestEventsRequest*,
                            IngestEventsResponse* resp) override {
    if (calls_.fetch_add(1) < failures_) return grpc::Status(code_, "shed");
    resp->set_accepted_count(1);
    return grpc::Status::OK;
  }
  int calls() const { return calls_.load(); }

 private:
  const int failures_;
  const grpc::StatusCode code_;
  std::atomic<int> calls_{0};
};

struct Served {
  std::unique_ptr<FlakyService> service;
  std::unique_ptr<grpc::Server> server;
  std::string address;
};

Served Serve(int failures, grpc::StatusCode code) {
  Served s;
  s.service = std::make_unique<FlakyService>(failures, code);
  int port = 0;
  grpc::ServerBuilder b;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  b.RegisterService(s.service.get());
  s.server = b.BuildAndStart();
  s.address = "127.0.0.1:" + std::to_string(port);
  return s;
}

// One read through CallReadWithRetry, a fresh context per attempt.
grpc::Status Call(const std::string& address, const ReadRetry& retry,
                  absl::Duration timeout = absl::Seconds(10)) {
  auto stub = AnalyticsService::NewStub(
      MakePeerChannel(address, grpc::InsecureChannelCredentials()));
  return CallReadWithRetry(absl::Now() + timeout, retry, [&](absl::Time deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(deadline));
    IngestEventsRequest req;
    IngestEventsResponse resp;
    return stub->IngestEvents(&ctx, req, &resp);
  });
}

ReadRetry Fast(int attempts) {
  ReadRetry r;
  r.max_attempts = attempts;
  r.initial_backoff = absl::Milliseconds(5);
  r.max_backoff = absl::Milliseconds(20);
  return r;
}

TEST(CallReadWithRetry, SendsAShedReadAgain) {
  for (grpc::StatusCode code :
       {grpc::StatusCode::RESOURCE_EXHAUSTED, grpc::StatusCode::UNAVAILABLE}) {
    Served s = Serve(2, code);
    EXPECT_TRUE(Call(s.address, Fast(4)).ok()) << code;
    EXPECT_EQ(s.service->calls(), 3);
    s.server->Shutdown();
  }
}

TEST(CallReadWithRetry, GivesUpAfterMaxAttempts) {
  Served s = Serve(100, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Call(s.address, Fast(3)).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.service->calls(), 3);
  s.server->Shutdown();
}

TEST(CallReadWithRetry, NeverWaitsPastTheDeadline) {
  Served s = Serve(100, grpc::StatusCode::UNAVAILABLE);
  ReadRetry slow;
  slow.max_attempts = 5;
  slow.initial_backoff = absl::Seconds(30);
  slow.max_backoff = absl::Seconds(30);
  // The first backoff alone would pass the 1 s deadline: one attempt, then the last status.
  EXPECT_EQ(Call(s.address, slow, absl::Seconds(1)).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.service->calls(), 1);
  s.server->Shutdown();
}

TEST(CallReadWithRetry, OtherCodesAreNotRetried) {
  Served s = Serve(1, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Call(s.address, Fast(4)).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.service->calls(), 1);
  s.server->Shutdown();
}

TEST(CallReadWithRetry, APeerThatIsNotThereIsUnavailable) {
  Served s = Serve(0, grpc::StatusCode::OK);
  std::string address = s.address;
  s.server->Shutdown();
  s.server->Wait();
  EXPECT_EQ(Call(address, Fast(2), absl::Seconds(5)).error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace rmhub::grpcx
