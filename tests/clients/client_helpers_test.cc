// The C++ client helpers (clients/cpp, installed as rmhub/client/client.h) without a server:
// error decoding, call preparation, paging and channel options. Their use against the real
// servers is clients_cpp (the example, built against the installed package).

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "rmhub/client/client.h"

namespace rmhub::client {
namespace {

grpc::Status InvalidFields() {
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message("customer has invalid fields");
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_FIELDS");
  info.set_domain("customer.rmhub");
  (*info.mutable_metadata())["cap"] = "5";
  status.add_details()->PackFrom(info);
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("customer.national_id");
  v->set_description("is not a valid 18-character resident ID number");
  v = bad.add_field_violations();
  v->set_field("customer.display_name");
  v->set_description("is required");
  status.add_details()->PackFrom(bad);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(1);
  retry.mutable_retry_delay()->set_nanos(500000000);
  status.add_details()->PackFrom(retry);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, status.message(),
                      status.SerializeAsString());
}

TEST(DecodeError, ReadsReasonViolationsMetadataAndRetryDelay) {
  RpcError e = DecodeError(InvalidFields());
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(e.message, "customer has invalid fields");
  EXPECT_EQ(e.reason, "INVALID_FIELDS");
  ASSERT_EQ(e.field_violations.size(), 2u);
  EXPECT_EQ(e.field_violations[0].field, "customer.national_id");
  ASSERT_NE(e.Violation("customer.display_name"), nullptr);
  EXPECT_EQ(e.Violation("customer.display_name")->description, "is required");
  EXPECT_EQ(e.Violation("customer"), nullptr);
  EXPECT_EQ(e.metadata, (std::vector<std::pair<std::string, std::string>>{{"cap", "5"}}));
  ASSERT_TRUE(e.retry_delay.has_value());
  EXPECT_EQ(e.retry_delay->count(), 1500);
  EXPECT_EQ(e.ToString(),
            "INVALID_ARGUMENT: customer has invalid fields [INVALID_FIELDS] customer.national_id: "
            "is not a valid 18-character resident ID number customer.display_name: is required");
}

TEST(DecodeError, OkAndBrokenDetailsKeepCodeAndMessage) {
  EXPECT_TRUE(DecodeError(grpc::Status::OK).ok());
  RpcError e = DecodeError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down", "\xff\xff junk"));
  EXPECT_EQ(e.code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(e.message, "down");
  EXPECT_EQ(e.reason, "");
  EXPECT_TRUE(e.field_violations.empty());
  EXPECT_FALSE(e.retry_delay.has_value());
  EXPECT_EQ(CodeName(grpc::StatusCode::NOT_FOUND), "NOT_FOUND");
}

TEST(NewRequestId, FreshHexTokens) {
  std::string a = NewRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, NewRequestId());
}

TEST(Call, PreparesTheContextOnce) {
  CallOptions options;
  options.token = "t0k";
  options.request_id = "req-1";
  int calls = 0;
  RpcError e = Call(options, [&](grpc::ClientContext* context) {
    ++calls;
    // A deadline within the next 10 s was set (none would be the far future).
    EXPECT_LT(context->deadline(), std::chrono::system_clock::now() + std::chrono::seconds(11));
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "customers/9 not found");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(e.code, grpc::StatusCode::NOT_FOUND);
}

// A stand-in for a List request/response pair with the generated accessors ForEachPage uses.
struct FakeRequest {
  std::string token;
  void set_page_token(const std::string& t) { token = t; }
};
struct FakeResponse {
  std::string next;
  int page = 0;
  const std::string& next_page_token() const { return next; }
};

TEST(ForEachPage, FollowsTokensStopsOnRequestAndOnError) {
  std::vector<std::string> seen;
  auto list = [&](grpc::ClientContext*, const FakeRequest& r, FakeResponse* out) {
    seen.push_back(r.token);
    out->page = static_cast<int>(seen.size());
    out->next = r.token == "" ? "a" : r.token == "a" ? "b" : "";
    return grpc::Status::OK;
  };
  std::vector<int> pages;
  RpcError e = ForEachPage<FakeRequest, FakeResponse>(CallOptions{}, FakeRequest{}, list,
                                                      [&](const FakeResponse& p) {
                                                        pages.push_back(p.page);
                                                        return true;
                                                      });
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"", "a", "b"}));
  EXPECT_EQ(pages, (std::vector<int>{1, 2, 3}));

  seen.clear();
  e = ForEachPage<FakeRequest, FakeResponse>(CallOptions{}, FakeRequest{}, list,
                                             [](const FakeResponse&) { return false; });
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(seen.size(), 1u);

  e = ForEachPage<FakeRequest, FakeResponse>(
      CallOptions{}, FakeRequest{},
      [](grpc::ClientContext*, const FakeRequest&, FakeResponse*) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
      },
      [](const FakeResponse&) { return true; });
  EXPECT_EQ(e.code, grpc::StatusCode::UNAVAILABLE);
}

TEST(OpenChannel, RefusesBadOptionsNamingTheField) {
  std::shared_ptr<grpc::Channel> channel;
  ChannelOptions fast;
  fast.keepalive_time = std::chrono::seconds(1);
  grpc::Status s = OpenChannel("127.0.0.1:1", fast, &channel);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("keepalive_time"), std::string::npos);

  ChannelOptions missing_ca;
  missing_ca.tls.ca_file = "/nonexistent/ca.pem";
  s = OpenChannel("127.0.0.1:1", missing_ca, &channel);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("tls_ca_file"), std::string::npos);

  std::string not_pem = testing::TempDir() + "/not-a-cert.pem";
  std::ofstream(not_pem) << "hello";
  ChannelOptions bad_ca;
  bad_ca.tls.ca_file = not_pem;
  s = OpenChannel("127.0.0.1:1", bad_ca, &channel);
  EXPECT_NE(s.error_message().find("does not hold a PEM certificate"), std::string::npos);

  ChannelOptions half;
  half.tls.ca_file = not_pem;
  half.tls.cert_file = not_pem;
  s = OpenChannel("127.0.0.1:1", half, &channel);
  EXPECT_NE(s.error_message().find("go together"), std::string::npos);

  EXPECT_TRUE(OpenChannel("127.0.0.1:1", ChannelOptions{}, &channel).ok());
  EXPECT_NE(channel, nullptr);
}

}  // namespace
}  // namespace rmhub::client
