// What production refuses and --dev_mode allows (CheckProductionServing), which addresses count
// as loopback, and that a server not asked for reflection does not serve it. Its own binary:
// reflection, once switched on, is on for every later server in the process.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "common/grpc/server_flags.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "tests/common/grpc/probe_support.h"

namespace rmhub::grpcx {
namespace {

std::string Messages(const std::vector<absl::Status>& failed) {
  std::string out;
  for (const absl::Status& s : failed) absl::StrAppend(&out, s.message(), "\n");
  return out;
}

TEST(IsLoopbackAddress, OnlyAddressesNoOtherMachineCanReach) {
  for (const char* local : {"127.0.0.1:50051", "127.8.9.10:1", "localhost:50051", "LOCALHOST:1",
                            "[::1]:50051", "unix:/run/rmhub.sock"}) {
    EXPECT_TRUE(IsLoopbackAddress(local)) << local;
  }
  for (const char* open : {"0.0.0.0:50051", "[::]:50051", "10.1.2.3:50051", "team:50051",
                           "[::ffff:127.0.0.1]:1", "128.0.0.1:1", ":50051"}) {
    EXPECT_FALSE(IsLoopbackAddress(open)) << open;
  }
}

TEST(CheckProductionServing, PlaintextOnEveryInterfaceNamesTheFlagsToSet) {
  ServerOptions o;
  o.listen_address = "0.0.0.0:50051";
  std::vector<absl::Status> failed = CheckProductionServing(o, /*tls=*/false, /*dev_mode=*/false);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].code(), absl::StatusCode::kInvalidArgument);
  std::string message = Messages(failed);
  for (const char* flag : {"--listen_address", "--tls_cert_file", "--tls_key_file", "--dev_mode"}) {
    EXPECT_NE(message.find(flag), std::string::npos) << flag << " missing from: " << message;
  }
  EXPECT_TRUE(CheckProductionServing(o, /*tls=*/true, false).empty());
  EXPECT_TRUE(CheckProductionServing(o, false, /*dev_mode=*/true).empty());
  o.listen_address = "127.0.0.1:50051";
  EXPECT_TRUE(CheckProductionServing(o, false, false).empty());
}

TEST(CheckProductionServing, ReflectionOnlyInDevelopment) {
  ServerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.reflection = true;
  std::vector<absl::Status> failed = CheckProductionServing(o, true, false);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(Messages(failed).find("--reflection"), std::string::npos);
  EXPECT_TRUE(CheckProductionServing(o, true, /*dev_mode=*/true).empty());
}

class NoopAnalytics final : public analytics::v1::AnalyticsService::Service {};

TEST(ServiceRunner, ServesNoReflectionUnlessAskedTo) {
  NoopAnalytics service;
  ServerOptions o;
  o.metrics_address = "";
  o.readiness_interval = absl::Hours(1);
  ServiceRunner runner(o);
  runner.AddService(&service, "rmhub.analytics.v1.AnalyticsService");
  ASSERT_TRUE(runner.Start().ok());
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runner.port()),
                                     grpc::InsecureChannelCredentials());
  auto names = rmhub::testing::ReflectionListServices(channel);
  EXPECT_EQ(names.status().code(), absl::StatusCode::kUnimplemented) << names.status();
  runner.Stop();
}

}  // namespace
}  // namespace rmhub::grpcx
