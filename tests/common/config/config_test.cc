#include "common/config/config.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, cfg_port, 8080, "a port");
ABSL_FLAG(std::string, cfg_listen_address, "127.0.0.1:0", "an address");
ABSL_FLAG(absl::Duration, cfg_drain, absl::Seconds(5), "a duration");
ABSL_FLAG(bool, cfg_verbose, false, "a switch");

namespace rmhub::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(EnvSettings, MapsRmhubVariablesToFlagNames) {
  auto settings = EnvSettings({"RMHUB_CFG_PORT=9000", "HOME=/root", "RMHUB_CFG_LISTEN_ADDRESS=a=b",
                               "RMHUB_TEST_MYSQL_HOST=127.0.0.1", "RMHUB_SOURCE_DIR=/src",
                               "RMHUB_BUILD_DIR=/b", "NOEQUALS"});
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings[0].variable, "RMHUB_CFG_PORT");
  EXPECT_EQ(settings[0].flag, "cfg_port");
  EXPECT_EQ(settings[0].value, "9000");
  EXPECT_EQ(settings[1].flag, "cfg_listen_address");
  EXPECT_EQ(settings[1].value, "a=b");  // only the first '=' separates name and value
}

TEST(ApplyEnvSettings, SetsFlagsOfEveryType) {
  ASSERT_TRUE(ApplyEnvSettings(EnvSettings({"RMHUB_CFG_PORT=9001", "RMHUB_CFG_DRAIN=250ms",
                                            "RMHUB_CFG_VERBOSE=true"}))
                  .ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_cfg_port), 9001);
  EXPECT_EQ(absl::GetFlag(FLAGS_cfg_drain), absl::Milliseconds(250));
  EXPECT_TRUE(absl::GetFlag(FLAGS_cfg_verbose));
}

TEST(ApplyEnvSettings, RejectsAVariableNamingNoFlag) {
  absl::Status s = ApplyEnvSettings(EnvSettings({"RMHUB_CFG_PROT=1"}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("RMHUB_CFG_PROT"));
}

TEST(ApplyEnvSettings, RejectsABadValueNamingTheVariableButNotTheValue) {
  absl::Status s = ApplyEnvSettings(EnvSettings({"RMHUB_CFG_PORT=secretish"}));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("RMHUB_CFG_PORT"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("secretish")));
}

TEST(ParseFlagsWithEnv, CommandLineWinsOverEnvironment) {
  setenv("RMHUB_CFG_PORT", "7000", 1);
  setenv("RMHUB_CFG_LISTEN_ADDRESS", "0.0.0.0:7000", 1);
  setenv("RMHUB_TEST_SOMETHING", "ignored", 1);
  std::vector<std::string> args = {"prog", "--cfg_port=7001", "positional"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto rest = ParseFlagsWithEnv(static_cast<int>(argv.size()), argv.data(), "test");
  unsetenv("RMHUB_CFG_PORT");
  unsetenv("RMHUB_CFG_LISTEN_ADDRESS");
  unsetenv("RMHUB_TEST_SOMETHING");
  EXPECT_EQ(absl::GetFlag(FLAGS_cfg_port), 7001);
  EXPECT_EQ(absl::GetFlag(FLAGS_cfg_listen_address), "0.0.0.0:7000");
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(std::string(rest[1]), "positional");
}

TEST(ParseFlagsWithEnvDeathTest, UnknownVariableExitsWithTwoNamingIt) {
  EXPECT_EXIT(
      {
        setenv("RMHUB_NO_SUCH_FLAG", "1", 1);
        char prog[] = "prog";
        char* argv[] = {prog};
        ParseFlagsWithEnv(1, argv, "test");
      },
      ::testing::ExitedWithCode(2), "RMHUB_NO_SUCH_FLAG");
}

TEST(Checks, PortRange) {
  EXPECT_TRUE(CheckPort("port", 1).ok());
  EXPECT_TRUE(CheckPort("port", 65535).ok());
  EXPECT_FALSE(CheckPort("port", 0).ok());
  EXPECT_TRUE(CheckPort("port", 0, /*allow_zero=*/true).ok());
  absl::Status s = CheckPort("metrics_port", 70000);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--metrics_port"));
}

TEST(Checks, PositiveNumbersAndDurations) {
  EXPECT_TRUE(CheckPositive("max_threads", 1).ok());
  EXPECT_FALSE(CheckPositive("max_threads", 0).ok());
  EXPECT_TRUE(CheckPositive("drain", absl::Milliseconds(1)).ok());
  EXPECT_FALSE(CheckPositive("drain", absl::ZeroDuration()).ok());
  EXPECT_FALSE(CheckPositive("drain", absl::Seconds(-1)).ok());
  EXPECT_FALSE(CheckPositive("drain", absl::InfiniteDuration()).ok());
  EXPECT_THAT(std::string(CheckPositive("drain", absl::ZeroDuration()).message()),
              HasSubstr("--drain"));
}

TEST(Checks, RangeAndNotEmpty) {
  EXPECT_TRUE(CheckRange("pool", 5, 1, 10).ok());
  EXPECT_FALSE(CheckRange("pool", 11, 1, 10).ok());
  EXPECT_TRUE(CheckNotEmpty("db", "x").ok());
  EXPECT_FALSE(CheckNotEmpty("db", "  ").ok());
}

TEST(Checks, HostPort) {
  EXPECT_TRUE(CheckHostPort("listen", "127.0.0.1:0").ok());
  EXPECT_TRUE(CheckHostPort("listen", "0.0.0.0:50051").ok());
  EXPECT_TRUE(CheckHostPort("listen", "[::]:50051").ok());
  EXPECT_TRUE(CheckHostPort("listen", "team:50051").ok());
  EXPECT_FALSE(CheckHostPort("listen", "50051").ok());
  EXPECT_FALSE(CheckHostPort("listen", ":50051").ok());
  EXPECT_FALSE(CheckHostPort("listen", "host:").ok());
  EXPECT_FALSE(CheckHostPort("listen", "host:65536").ok());
  EXPECT_FALSE(CheckHostPort("listen", "[::1:5").ok());
}

TEST(ExitIfInvalidDeathTest, ExitsWithTwoNamingEveryBadFlag) {
  ExitIfInvalid({CheckPort("port", 1), absl::OkStatus()});  // all fine: returns
  EXPECT_EXIT(ExitIfInvalid({CheckPort("port", 0), CheckPositive("max_threads", -1)}),
              ::testing::ExitedWithCode(2), "--port(.|\n)*--max_threads");
}

}  // namespace
}  // namespace rmhub::config
