// PeerCaller against a real gRPC server on 127.0.0.1 (port 0): deadline cap, request id, service
// token, read retries, writes sent once, status mapping. Every call is bounded by a deadline.
#include "common/grpc/peer_call.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "common/grpc/channel.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"

namespace rmhub::grpcx {
namespace {

using ::rmhub::analytics::v1::AnalyticsService;
using ::rmhub::analytics::v1::IngestEventsRequest;
using ::rmhub::analytics::v1::IngestEventsResponse;

// Fails the first `failures` calls with `error`, then answers; records what the calls carried.
class FlakyService final : public AnalyticsService::Service {
 public:
  FlakyService(int failures, absl::Status error) : failures_(failures), error_(std::move(error)) {}
  grpc::Status IngestEvents(grpc::ServerContext* context, const IngestEventsRequest*,
                            IngestEventsResponse* resp) override {
    {
      absl::MutexLock lock(&mu_);
      deadline_ = absl::FromChrono(context->deadline());
      metadata_.clear();
      for (const auto& [key, value] : context->client_metadata()) {
        metadata_[std::string(key.data(), key.size())] = std::string(value.data(), value.size());
      }
    }
    if (calls_.fetch_add(1) < failures_) return ToGrpcStatus(error_);
    resp->set_accepted_count(1);
    return grpc::Status::OK;
  }
  int calls() const { return calls_.load(); }
  absl::Time deadline() {
    absl::MutexLock lock(&mu_);
    return deadline_;
  }
  std::string metadata(const std::string& key) {
    absl::MutexLock lock(&mu_);
    auto it = metadata_.find(key);
    return it == metadata_.end() ? "" : it->second;
  }

 private:
  const int failures_;
  const absl::Status error_;
  std::atomic<int> calls_{0};
  absl::Mutex mu_;
  absl::Time deadline_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> metadata_ ABSL_GUARDED_BY(mu_);
};

absl::Status Shed(absl::StatusCode code) { return MakeError(code, "SHED", "shed"); }

struct Served {
  std::unique_ptr<FlakyService> service;
  std::unique_ptr<grpc::Server> server;
  std::string address;
  ~Served() {
    if (server) server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  }
};

std::unique_ptr<Served> Serve(int failures, absl::Status error = absl::OkStatus()) {
  auto s = std::make_unique<Served>();
  s->service = std::make_unique<FlakyService>(failures, std::move(error));
  int port = 0;
  grpc::ServerBuilder b;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  b.RegisterService(s->service.get());
  s->server = b.BuildAndStart();
  s->address = "127.0.0.1:" + std::to_string(port);
  return s;
}

PeerCallOptions Fast(int attempts, absl::Duration max_timeout = absl::Seconds(10)) {
  PeerCallOptions o;
  o.max_timeout = max_timeout;
  o.read_retry.max_attempts = attempts;
  o.read_retry.initial_backoff = absl::Milliseconds(5);
  o.read_retry.max_backoff = absl::Milliseconds(20);
  return o;
}

PeerCaller To(const std::string& address, PeerCallOptions options,
              std::shared_ptr<const auth::ServiceCallAuth> auth = nullptr) {
  return PeerCaller(MakePeerChannel(address, grpc::InsecureChannelCredentials()), std::move(auth),
                    options);
}

// One IngestEvents through `peer`, as a read or as a write.
absl::Status Ingest(const PeerCaller& peer, const PeerCallScope& scope, bool read = true) {
  auto stub = AnalyticsService::NewStub(peer.channel());
  IngestEventsRequest req;
  IngestEventsResponse resp;
  auto attempt = [&](grpc::ClientContext& ctx) {
    resp.Clear();
    return stub->IngestEvents(&ctx, req, &resp);
  };
  return read ? peer.Read(scope, attempt) : peer.Write(scope, attempt);
}

TEST(PeerCaller, SendsAShedReadAgain) {
  for (absl::StatusCode code :
       {absl::StatusCode::kResourceExhausted, absl::StatusCode::kUnavailable}) {
    auto s = Serve(2, Shed(code));
    EXPECT_TRUE(Ingest(To(s->address, Fast(4)), PeerCallScope()).ok()) << code;
    EXPECT_EQ(s->service->calls(), 3);
  }
}

TEST(PeerCaller, GivesUpAfterMaxAttempts) {
  auto s = Serve(100, Shed(absl::StatusCode::kResourceExhausted));
  absl::Status st = Ingest(To(s->address, Fast(3)), PeerCallScope());
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s->service->calls(), 3);
}

TEST(PeerCaller, NeverWaitsPastTheDeadline) {
  auto s = Serve(100, Shed(absl::StatusCode::kUnavailable));
  PeerCallOptions slow = Fast(5, absl::Seconds(1));
  slow.read_retry.initial_backoff = absl::Seconds(30);
  slow.read_retry.max_backoff = absl::Seconds(30);
  // The first backoff alone would pass the 1 s cap: one attempt, then the last status.
  EXPECT_EQ(Ingest(To(s->address, slow), PeerCallScope()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s->service->calls(), 1);
}

TEST(PeerCaller, OtherCodesAreNotRetried) {
  auto s = Serve(1, FailedPrecondition("NOT_NOW", "no"));
  EXPECT_EQ(Ingest(To(s->address, Fast(4)), PeerCallScope()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s->service->calls(), 1);
}

TEST(PeerCaller, WritesAreSentOnce) {
  auto s = Serve(2, Shed(absl::StatusCode::kUnavailable));
  EXPECT_EQ(Ingest(To(s->address, Fast(4)), PeerCallScope(), /*read=*/false).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(s->service->calls(), 1);
}

TEST(PeerCaller, ThePeersReasonAndFieldsComeBack) {
  auto s = Serve(1, InvalidField("member", "must name a member"));
  absl::Status st = Ingest(To(s->address, Fast(1)), PeerCallScope());
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolations(st).size(), 1u);
  EXPECT_EQ(FieldViolations(st)[0].field, "member");

  auto t = Serve(1, NotFound("MEMBER_NOT_FOUND", "members/7 does not exist"));
  EXPECT_EQ(ErrorReason(Ingest(To(t->address, Fast(1)), PeerCallScope())), "MEMBER_NOT_FOUND");
}

TEST(PeerCaller, APeerThatIsNotThereIsUnavailable) {
  auto s = Serve(0);
  std::string address = s->address;
  s->server->Shutdown();
  s->server->Wait();
  EXPECT_EQ(Ingest(To(address, Fast(2, absl::Seconds(5))), PeerCallScope()).code(),
            absl::StatusCode::kUnavailable);
}

TEST(PeerCaller, TheCallersShorterDeadlineIsPassedOn) {
  auto s = Serve(0);
  auth::Principal principal;
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  auth::Caller caller{principal, deadline, "req-1"};
  ASSERT_TRUE(Ingest(To(s->address, Fast(1, absl::Seconds(300))), caller).ok());
  // gRPC sends the remaining time, so the peer's deadline is the caller's up to clock rounding.
  EXPECT_LE(s->service->deadline(), deadline + absl::Seconds(1));
  EXPECT_GT(s->service->deadline(), deadline - absl::Seconds(5));
}

TEST(PeerCaller, ACallerWithoutDeadlineGetsTheCap) {
  auto s = Serve(0);
  absl::Time before = absl::Now();
  ASSERT_TRUE(Ingest(To(s->address, Fast(1, absl::Seconds(30))), PeerCallScope()).ok());
  EXPECT_LE(s->service->deadline(), absl::Now() + absl::Seconds(31));
  EXPECT_GT(s->service->deadline(), before + absl::Seconds(20));
}

TEST(PeerCaller, TheRequestIdTravels) {
  auto s = Serve(0);
  auth::Principal principal;
  auth::Caller caller{principal, absl::InfiniteFuture(), "req-abc.1"};
  ASSERT_TRUE(Ingest(To(s->address, Fast(1)), caller).ok());
  EXPECT_EQ(s->service->metadata("x-request-id"), "req-abc.1");

  // A call no request started gets a fresh id (32 hex digits).
  ASSERT_TRUE(Ingest(To(s->address, Fast(1)), PeerCallScope(), /*read=*/false).ok());
  EXPECT_EQ(s->service->metadata("x-request-id").size(), 32u);
}

TEST(PeerCaller, TheServiceTokenIsAttachedWhenTokensAreInUse) {
  auto s = Serve(0);
  auth::AuthConfig config;
  config.dev_mode = true;
  config.jwt_hs256_secret = std::string(32, 's');
  auto call_auth = auth::ServiceCallAuth::Create(config, "customer", RealClock::Instance());
  ASSERT_TRUE(call_auth.ok()) << call_auth.status();
  ASSERT_TRUE(Ingest(To(s->address, Fast(1), *std::move(call_auth)), PeerCallScope()).ok());
  EXPECT_TRUE(absl::StartsWith(s->service->metadata("authorization"), "Bearer "));

  // Without token auth (mTLS identifies the service) nothing is attached.
  ASSERT_TRUE(Ingest(To(s->address, Fast(1)), PeerCallScope()).ok());
  EXPECT_EQ(s->service->metadata("authorization"), "");
}

}  // namespace
}  // namespace rmhub::grpcx
