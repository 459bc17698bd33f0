// rmhubctl end to end against an in-process gRPC server on a loopback port chosen by the kernel:
// the generic call path, the bearer token, rendering, error details, exit codes and health.
#include <gmock/gmock.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"
#include "rmhub/ctltest/v1/ctltest.grpc.pb.h"
#include "tools/rmhubctl/commands.h"

namespace rmhub::ctl {
namespace {

using ctltest::v1::Sample;
using ::testing::HasSubstr;
using ::testing::Not;

class TestService final : public ctltest::v1::CtlTestService::Service {
  grpc::Status Echo(grpc::ServerContext* context, const Sample* request,
                    Sample* response) override {
    *response = *request;
    auto it = context->client_metadata().find("authorization");
    if (it != context->client_metadata().end()) {
      response->set_seen_authorization(std::string(it->second.data(), it->second.size()));
    }
    auto id = context->client_metadata().find("x-request-id");
    if (id != context->client_metadata().end()) {
      response->set_text(response->text() +
                         " id=" + std::string(id->second.data(), id->second.size()));
    }
    return grpc::Status::OK;
  }
  grpc::Status Fail(grpc::ServerContext*, const Sample*, Sample*) override {
    return grpcx::ToGrpcStatus(
        WithErrorMetadata(InvalidField("text", "must not be empty"), "limit", "3"));
  }
  grpc::Status ListSamples(grpc::ServerContext*, const ctltest::v1::ListSamplesRequest* request,
                           ctltest::v1::ListSamplesResponse* response) override {
    for (int i = 0; i < request->page_size(); ++i) {
      response->add_samples()->set_text(absl::StrCat("sample-", i));
    }
    response->set_next_page_token("next");
    return grpc::Status::OK;
  }
};

class RmhubctlCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    ::unsetenv("RMHUB_TOKEN");
  }
  void TearDown() override { server_->Shutdown(); }

  // Runs rmhubctl against the test server; flags given after the arguments.
  int Run(std::vector<std::string> args) {
    args.push_back(absl::StrCat("--addr=127.0.0.1:", port_));
    args.push_back("--timeout=20s");
    out_.str("");
    err_.str("");
    return RunCommandLine(args, out_, err_);
  }

  const std::string kService = "rmhub.ctltest.v1.CtlTestService";
  TestService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RmhubctlCallTest, CallsAnyMethodWithTheTokenAndPrintsJson) {
  int rc = Run({kService, "echo", "text=hi", "colors=RED,GREEN", "day=2025-06-30", "--json",
                "--token", "T0K", "request_id=r-1"});
  ASSERT_EQ(rc, 0) << err_.str();
  std::string out = out_.str();
  // The request_id doubles as the x-request-id, which joins the server's logs to the change.
  EXPECT_THAT(out, HasSubstr("\"text\": \"hi id=r-1\""));
  EXPECT_THAT(out, HasSubstr("\"seen_authorization\": \"Bearer T0K\""));
  EXPECT_THAT(out, HasSubstr("\"colors\": [\n  \"RED\",\n  \"GREEN\"\n ]"));
  EXPECT_THAT(out, HasSubstr("\"year\": 2025"));
}

TEST_F(RmhubctlCallTest, GeneratesARequestIdWhenNoneIsGiven) {
  ASSERT_EQ(Run({kService, "echo", "--json"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"request_id\": \""));
  EXPECT_THAT(out_.str(), Not(HasSubstr("\"request_id\": \"\"")));
}

TEST_F(RmhubctlCallTest, TokenFromTheEnvironment) {
  ::setenv("RMHUB_TOKEN", "FROM-ENV", 1);
  int rc = Run({kService, "Echo"});
  ::unsetenv("RMHUB_TOKEN");
  ASSERT_EQ(rc, 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\nseen_authorization  Bearer FROM-ENV\n"));
}

TEST_F(RmhubctlCallTest, ListResponseAsATable) {
  ASSERT_EQ(Run({kService, "list-samples", "page_size=2"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("TEXT"));
  EXPECT_THAT(out_.str(), HasSubstr("sample-1"));
  EXPECT_THAT(out_.str(), HasSubstr("more: add page_token=next"));
}

TEST_F(RmhubctlCallTest, FailureShowsDetailsAndExitsWithTheCode) {
  int rc = Run({kService, "fail"});
  EXPECT_EQ(rc, 64 + static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  std::string err = err_.str();
  EXPECT_THAT(err, HasSubstr("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(err, HasSubstr("  reason: INVALID_FIELDS\n"));
  EXPECT_THAT(err, HasSubstr("  limit: 3\n"));
  EXPECT_THAT(err, HasSubstr("  field text: must not be empty\n"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(RmhubctlCallTest, LocalMistakesSendNothingAndExitTwo) {
  EXPECT_EQ(Run({kService, "no-such-method"}), 2);
  EXPECT_EQ(Run({kService, "watch"}), 2);  // streaming
  EXPECT_EQ(Run({kService, "echo", "small=big"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: small: "));
  EXPECT_EQ(Run({kService, "echo", "--wait=1s"}), 2);  // not a flag of a call
  EXPECT_EQ(Run({"nope", "echo"}), 2);
}

TEST_F(RmhubctlCallTest, HelpListsMethodsAndFields) {
  EXPECT_EQ(Run({kService, "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("ListSamples"));
  EXPECT_EQ(Run({kService, "echo", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("day"));
  EXPECT_THAT(out_.str(), HasSubstr("date YYYY-MM-DD"));
}

TEST_F(RmhubctlCallTest, HealthFollowsTheServer) {
  EXPECT_EQ(Run({"health"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "SERVING\n");
  server_->GetHealthCheckService()->SetServingStatus(false);
  EXPECT_EQ(Run({"health"}), 1);
  EXPECT_EQ(out_.str(), "NOT_SERVING\n");
}

TEST(RmhubctlUnreachable, UnavailableWithARetryHint) {
  std::ostringstream out, err;
  // Port 1 on loopback is closed: the connection is refused at once.
  int rc = RunCommandLine({"rmhub.ctltest.v1.CtlTestService", "echo", "--addr=127.0.0.1:1",
                           "--timeout=5s", "request_id=abc"},
                          out, err);
  EXPECT_EQ(rc, 64 + static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  EXPECT_THAT(err.str(), HasSubstr("error: UNAVAILABLE: "));
  EXPECT_THAT(err.str(), HasSubstr("  x-request-id: abc\n"));
  EXPECT_THAT(err.str(), HasSubstr("add request_id=abc"));
}

}  // namespace
}  // namespace rmhub::ctl
