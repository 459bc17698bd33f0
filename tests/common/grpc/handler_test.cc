#include "common/grpc/handler.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/grpc/request_id.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"

namespace rmhub::grpcx {
namespace {

using ::rmhub::analytics::v1::AnalyticsService;
using ::rmhub::analytics::v1::IngestEventsRequest;
using ::rmhub::analytics::v1::IngestEventsResponse;
using ::testing::HasSubstr;
using ::testing::Not;

// "Bearer good" is member 7; anything else is refused.
class FakeAuthenticator final : public auth::Authenticator {
 public:
  absl::StatusOr<auth::Principal> Authenticate(
      const grpc::ServerContextBase& context) const override {
    auto it = context.client_metadata().find("authorization");
    if (it == context.client_metadata().end()) {
      return Unauthenticated("MISSING_TOKEN", "no bearer token");
    }
    if (std::string(it->second.data(), it->second.size()) == "Bearer broken") {
      return Internal("KEYS_BROKEN", "verifier misconfigured");
    }
    if (std::string(it->second.data(), it->second.size()) != "Bearer good") {
      return Unauthenticated("BAD_TOKEN", "token does not verify");
    }
    auth::Principal p;
    p.subject = "members/7";
    p.member_id = 7;
    return p;
  }
};

// Behaviour chosen by the first event's id. Records what Serve saw and returned.
class ProbeService final : public AnalyticsService::Service {
 public:
  grpc::Status IngestEvents(grpc::ServerContext* ctx, const IngestEventsRequest* req,
                            IngestEventsResponse* resp) override {
    std::string mode = req->events_size() > 0 ? req->events(0).event_id() : "";
    if (mode == "wait-deadline") WaitUntilPast(ctx);
    if (mode == "wait-cancel") WaitForCancel(ctx);
    if (mode == "unary") return ServeUnaryMode(ctx, req, resp);
    last_status = Serve(ctx, authn, [&](const CallContext& call) -> absl::Status {
      ran = true;
      seen_member = call.principal.member_id;
      seen_request_id = call.request_id;
      seen_deadline = call.deadline;
      if (mode == "invalid") return InvalidField("events[0].source", "must not be empty");
      if (mode == "throw") throw std::runtime_error("SECRET-CUSTOMER-DATA");
      if (mode == "throw-int") throw 42;
      resp->set_accepted_count(1);
      return absl::OkStatus();
    });
    return last_status;
  }

  FakeAuthenticator authn;
  std::atomic<bool> ran{false};
  int64_t seen_member = 0;
  std::string seen_request_id;
  absl::Time seen_deadline;
  grpc::Status last_status;
  absl::Notification entered;

 private:
  grpc::Status ServeUnaryMode(grpc::ServerContext* ctx, const IngestEventsRequest* req,
                              IngestEventsResponse* resp) {
    resp->set_duplicate_count(99);  // must survive a failed call untouched
    return ServeUnary(ctx, authn, resp,
                      [&](const auth::Principal& p) -> absl::StatusOr<IngestEventsResponse> {
                        ran = true;
                        if (req->events_size() > 1) return NotFound("NO_SUCH_THING", "nothing");
                        IngestEventsResponse out;
                        out.set_accepted_count(static_cast<int32_t>(p.member_id));
                        return out;
                      });
  }
  void WaitUntilPast(grpc::ServerContext* ctx) {
    absl::Time deadline = absl::FromChrono(ctx->deadline());
    while (absl::Now() <= deadline) absl::SleepFor(absl::Milliseconds(5));
  }
  void WaitForCancel(grpc::ServerContext* ctx) {
    entered.Notify();
    // Bounded: gives up after 30 s, which would fail the test's expectations.
    for (int i = 0; i < 3000 && !ctx->IsCancelled(); ++i) absl::SleepFor(absl::Milliseconds(10));
  }
};

class HandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = log::SetSink(capture_);
    ServerOptions options;
    options.metrics_address = "";
    runner_ = std::make_unique<ServiceRunner>(options);
    runner_->AddService(&service_, AnalyticsService::service_full_name());
    ASSERT_TRUE(runner_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(runner_->port()),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    runner_->Stop();
    log::SetSink(previous_);
  }

  grpc::Status Call(const std::string& mode, const std::string& token = "good",
                    IngestEventsResponse* resp_out = nullptr, int events = 1,
                    absl::Duration timeout = absl::Seconds(30),
                    grpc::ClientContext* ctx = nullptr) {
    grpc::ClientContext local;
    if (ctx == nullptr) ctx = &local;
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->AddMetadata(kRequestIdHeader, "rid-1");
    IngestEventsRequest req;
    for (int i = 0; i < events; ++i) req.add_events()->set_event_id(mode);
    IngestEventsResponse resp;
    grpc::Status s = AnalyticsService::NewStub(channel_)->IngestEvents(ctx, req, &resp);
    if (resp_out != nullptr) *resp_out = resp;
    return s;
  }

  std::shared_ptr<log::CaptureSink> capture_ = std::make_shared<log::CaptureSink>();
  std::shared_ptr<log::Sink> previous_;
  ProbeService service_;
  std::unique_ptr<ServiceRunner> runner_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(HandlerTest, RunsTheHandlerWithPrincipalRequestIdAndDeadline) {
  absl::Time before = absl::Now();
  IngestEventsResponse resp;
  ASSERT_TRUE(Call("ok", "good", &resp).ok());
  EXPECT_TRUE(service_.ran);
  EXPECT_EQ(service_.seen_member, 7);
  EXPECT_EQ(service_.seen_request_id, "rid-1");
  EXPECT_GT(service_.seen_deadline, before);
  EXPECT_LT(service_.seen_deadline, absl::InfiniteFuture());
  EXPECT_EQ(resp.accepted_count(), 1);
}

TEST_F(HandlerTest, UnauthenticatedCallsNeverReachTheHandler) {
  EXPECT_EQ(Call("ok", "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call("ok", "forged").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(Call("ok", "forged"))), "BAD_TOKEN");
  // A broken authenticator still refuses, as UNAUTHENTICATED.
  EXPECT_EQ(Call("ok", "broken").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(service_.ran);
}

TEST_F(HandlerTest, ConvertsDomainErrorsWithDetails) {
  grpc::Status s = Call("invalid");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = FieldViolations(FromGrpcStatus(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "events[0].source");
}

TEST_F(HandlerTest, AnEscapedExceptionIsInternalAndLoggedWithoutItsMessage) {
  grpc::Status s = Call("throw");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(s.error_message(), Not(HasSubstr("SECRET")));
  EXPECT_EQ(Call("throw-int").error_code(), grpc::StatusCode::INTERNAL);
  bool logged = false;
  for (const auto& line : capture_->Lines()) {
    EXPECT_THAT(line, Not(HasSubstr("SECRET-CUSTOMER-DATA")));
    if (absl::StrContains(line, "handler threw")) logged = true;
  }
  EXPECT_TRUE(logged);
  EXPECT_TRUE(Call("ok").ok());  // the server is still there
}

TEST_F(HandlerTest, ServeUnaryFillsTheResponseOnlyOnSuccess) {
  IngestEventsResponse resp;
  ASSERT_TRUE(Call("unary", "good", &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 7);   // the principal reached a Principal-taking lambda
  EXPECT_EQ(resp.duplicate_count(), 0);  // the value replaced the whole response
  grpc::Status s = Call("unary", "good", &resp, 2);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(HandlerTest, ACallPastItsDeadlineIsNotRun) {
  grpc::Status client = Call("wait-deadline", "good", nullptr, 1, absl::Milliseconds(100));
  EXPECT_EQ(client.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The client gives up at its deadline; the server's answer is what Serve decided.
  runner_->Stop();  // waits for the handler to return
  EXPECT_EQ(service_.last_status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_FALSE(service_.ran);
}

TEST_F(HandlerTest, ACancelledCallIsNotRun) {
  grpc::ClientContext ctx;
  std::thread canceller([&] {
    ASSERT_TRUE(service_.entered.WaitForNotificationWithTimeout(absl::Seconds(30)));
    ctx.TryCancel();
  });
  grpc::Status client = Call("wait-cancel", "good", nullptr, 1, absl::Seconds(60), &ctx);
  canceller.join();
  EXPECT_EQ(client.error_code(), grpc::StatusCode::CANCELLED);
  runner_->Stop();
  EXPECT_EQ(service_.last_status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_FALSE(service_.ran);
}

}  // namespace
}  // namespace rmhub::grpcx
