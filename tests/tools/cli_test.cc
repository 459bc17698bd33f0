// Command-line parsing, service lookup, ids, text width, error reports and dev tokens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "common/auth/jwt.h"
#include "common/auth/jwt_key_set.h"
#include "common/clock/clock.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "rmhub/task/v1/task.pb.h"
#include "rmhub/team/v1/team.pb.h"
#include "tests/common/auth/test_pki.h"
#include "tools/rmhubctl/cli_args.h"
#include "tools/rmhubctl/error_report.h"
#include "tools/rmhubctl/service_catalog.h"
#include "tools/rmhubctl/text_width.h"
#include "tools/rmhubctl/token_command.h"

namespace rmhub::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const google::protobuf::DescriptorPool& Pool() {
  // Referencing the team, task and complaint types keeps their descriptors in the generated pool.
  (void)team::v1::Member::descriptor();
  (void)task::v1::Task::descriptor();
  (void)complaint::v1::Complaint::descriptor();
  return *google::protobuf::DescriptorPool::generated_pool();
}

TEST(CommandLine, FlagsMayStandAnywhere) {
  auto line = ParseCommandLine(
      {"team", "--json", "get-member", "--addr=h:1", "name=members/3", "--timeout", "3s", "-h"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_THAT(line->positional, ElementsAre("team", "get-member", "name=members/3"));
  EXPECT_EQ(line->Get("json"), "true");
  EXPECT_EQ(line->Get("addr"), "h:1");
  EXPECT_EQ(line->Get("timeout"), "3s");
  EXPECT_TRUE(line->Has("help"));
}

TEST(CommandLine, DoubleDashEndsFlags) {
  auto line = ParseCommandLine({"team", "--", "--json"});
  ASSERT_TRUE(line.ok());
  EXPECT_THAT(line->positional, ElementsAre("team", "--json"));
}

TEST(CommandLine, UnknownFlagAndMissingValueAreErrors) {
  EXPECT_FALSE(ParseCommandLine({"--nope"}).ok());
  EXPECT_FALSE(ParseCommandLine({"team", "--addr"}).ok());
}

TEST(CommandLine, FlagsAreCheckedPerCommand) {
  auto line = ParseCommandLine({"health", "--member", "1"});
  ASSERT_TRUE(line.ok());
  EXPECT_FALSE(CheckFlags(*line, {"addr"}, "health").ok());
  EXPECT_TRUE(CheckFlags(*line, {"addr", "member"}, "health").ok());
}

TEST(CommandLine, Durations) {
  auto d = ParsePositiveDuration("1m30s", "--timeout");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, absl::Seconds(90));
  EXPECT_FALSE(ParsePositiveDuration("0s", "--timeout").ok());
  EXPECT_FALSE(ParsePositiveDuration("soon", "--timeout").ok());
}

TEST(ServiceCatalog, FindsServicesByAliasOrFullName) {
  auto team = FindService("team", Pool());
  ASSERT_TRUE(team.ok());
  EXPECT_EQ((*team)->full_name(), "rmhub.team.v1.TeamService");
  auto full = FindService("rmhub.team.v1.TeamService", Pool());
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(*full, *team);
  EXPECT_EQ(DefaultAddress(*team), "127.0.0.1:50051");
  EXPECT_EQ(AliasOf(**team), "team");
  auto missing = FindService("nope", Pool());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("team"));
}

TEST(ServiceCatalog, MethodsMatchInAnyCase) {
  const auto* team = *FindService("team", Pool());
  for (const char* name : {"GetMember", "get-member", "get_member", "getmember"}) {
    auto m = FindMethod(*team, name);
    ASSERT_TRUE(m.ok()) << name;
    EXPECT_EQ((*m)->name(), "GetMember");
    EXPECT_EQ(MethodPath(**m), "/rmhub.team.v1.TeamService/GetMember");
  }
  EXPECT_FALSE(FindMethod(*team, "get-members-now").ok());
  EXPECT_EQ(KebabCase("CheckAssignmentEligibility"), "check-assignment-eligibility");
}

TEST(ServiceCatalog, CoversEveryTaskServiceMethod) {
  auto task = FindService("task", Pool());
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ((*task)->full_name(), "rmhub.task.v1.TaskService");
  EXPECT_EQ(DefaultAddress(*task), "127.0.0.1:50053");
  for (const char* name :
       {"create-task", "get-task", "batch-get-tasks", "list-tasks", "update-task",
        "transition-task", "sign-off-task", "accept-task-request", "decline-task-request",
        "add-progress-entry", "list-progress-entries", "suggest-assignees", "get-workload",
        "create-meeting", "get-meeting", "list-meetings"}) {
    EXPECT_TRUE(FindMethod(**task, name).ok()) << name;
  }
  EXPECT_EQ((*task)->method_count(), 16);
}

TEST(ServiceCatalog, CoversEveryComplaintServiceMethod) {
  auto complaint = FindService("complaint", Pool());
  ASSERT_TRUE(complaint.ok()) << complaint.status();
  EXPECT_EQ((*complaint)->full_name(), "rmhub.complaint.v1.ComplaintService");
  EXPECT_EQ(DefaultAddress(*complaint), "127.0.0.1:50054");
  for (const char* name : {"file-complaint",
                           "get-complaint",
                           "batch-get-complaints",
                           "list-complaints",
                           "start-review",
                           "reject-complaint",
                           "assign-complaint",
                           "reassign-complaint",
                           "start-investigation",
                           "propose-solution",
                           "reply-to-customer",
                           "record-customer-response",
                           "start-follow-up",
                           "close-complaint",
                           "withdraw-complaint",
                           "reopen-complaint",
                           "extend-deadline",
                           "record-appraisal",
                           "list-complaint-history",
                           "verify-complaint-history",
                           "get-complaint-statistics"}) {
    EXPECT_TRUE(FindMethod(**complaint, name).ok()) << name;
  }
  EXPECT_EQ((*complaint)->method_count(), 21);
}

TEST(TextWidth, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("李雷"), 4u);
  EXPECT_EQ(DisplayWidth("Li 雷"), 5u);
  EXPECT_EQ(PadToWidth("雷", 4), "雷  ");
  EXPECT_EQ(TruncateToWidth("abcdef", 4), "abc\xE2\x80\xA6");
  EXPECT_EQ(TruncateToWidth("李雷雷", 4), "李\xE2\x80\xA6");
  EXPECT_EQ(TruncateToWidth("abc", 4), "abc");
}

TEST(ErrorReport, ShowsCodeReasonMetadataAndFieldViolations) {
  absl::Status status = InvalidArgument({{"member.role", "required"}, {"member.branch", "bad"}});
  status = WithErrorMetadata(status, "cap", "400");
  grpc::Status wire = grpcx::ToGrpcStatus(status);
  std::string text = FormatRpcError(wire);
  EXPECT_THAT(text, HasSubstr("error: INVALID_ARGUMENT: invalid request:"));
  EXPECT_THAT(text, HasSubstr("\n  reason: INVALID_FIELDS\n"));
  EXPECT_THAT(text, HasSubstr("\n  cap: 400\n"));
  EXPECT_THAT(text, HasSubstr("\n  field member.role: required\n"));
  EXPECT_THAT(text, HasSubstr("\n  field member.branch: bad\n"));
  EXPECT_EQ(ExitCodeFor(wire), 64 + 3);
}

TEST(ErrorReport, PlainStatusWithoutDetails) {
  grpc::Status wire(grpc::StatusCode::UNAVAILABLE, "connection refused");
  EXPECT_EQ(FormatRpcError(wire), "error: UNAVAILABLE: connection refused\n");
  EXPECT_EQ(ExitCodeFor(wire), 78);
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/rmhubctl-secret";
    // With a trailing newline, as an editor leaves it: stripped as the services strip it.
    std::ofstream(path_, std::ios::binary) << secret_ << "\n";
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_;
  std::string secret_ = "0123456789abcdef0123456789abcdef-dev";
};

TEST_F(TokenTest, MintsATokenTheServicesAccept) {
  auto line = ParseCommandLine({"token", "--member", "7", "--roles", "branch_manager,TEAM_LEAD",
                                "--branch", "1", "--teams", "2,3", "--perms", "pii.read", "--ttl",
                                "1h", "--secret-file", path_});
  ASSERT_TRUE(line.ok());
  auto token = MintTokenFromFlags(*line);
  ASSERT_TRUE(token.ok()) << token.status();
  auto key = auth::JwtKey::Hs256(secret_);
  ASSERT_TRUE(key.ok());
  auto verifier = auth::JwtVerifier::Create({*key}, {}, RealClock::Instance());
  ASSERT_TRUE(verifier.ok());
  auto claims = verifier->Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "members/7");
  EXPECT_THAT(claims->roles, ElementsAre("BRANCH_MANAGER", "TEAM_LEAD"));
  EXPECT_EQ(claims->branch_id, 1);
  EXPECT_THAT(claims->team_ids, ElementsAre(2, 3));
  EXPECT_THAT(claims->permissions, ElementsAre("pii.read"));
}

TEST_F(TokenTest, RejectsBadRequests) {
  (void)Pool();  // the Role enum is checked when the team API is linked
  const std::vector<std::vector<std::string>> bad = {
      {"token", "--secret-file", path_},                                        // nobody
      {"token", "--member", "1", "--service", "task", "--secret-file", path_},  // both
      {"token", "--member", "x", "--secret-file", path_},
      {"token", "--member", "1", "--roles", "WIZARD", "--secret-file", path_},
      {"token", "--member", "1", "--teams", "1,b", "--secret-file", path_},
      {"token", "--member", "1", "--ttl", "forever", "--secret-file", path_},
      {"token", "--member", "1", "--secret-file", path_ + ".missing"},
      {"token", "--member", "1", "--addr", "x:1", "--secret-file", path_},
  };
  for (const auto& args : bad) {
    auto line = ParseCommandLine(args);
    ASSERT_TRUE(line.ok());
    auto token = MintTokenFromFlags(*line);
    EXPECT_FALSE(token.ok()) << args[2];
    EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument) << args[2];
  }
}

TEST_F(TokenTest, ServiceToken) {
  auto line =
      ParseCommandLine({"token", "--service", "customer", "--ttl", "30m", "--secret-file", path_});
  ASSERT_TRUE(line.ok());
  auto token = MintTokenFromFlags(*line);
  ASSERT_TRUE(token.ok()) << token.status();
  auto key = auth::JwtKey::Hs256(secret_);
  auto verifier = auth::JwtVerifier::Create({*key}, {}, RealClock::Instance());
  auto claims = verifier->Verify(*token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->subject, "services/customer");
}

// A gateway-style RS256 token under a kid, verified with the key set `rmhubctl jwks` writes for
// the same key, as a production service would.
TEST_F(TokenTest, Rs256TokenAndItsKeySet) {
  auth::testing::PemKeyPair rsa = auth::testing::GenerateRsaKeyPair();
  std::string key_file = ::testing::TempDir() + "/rmhubctl-gateway.key";
  std::ofstream(key_file, std::ios::binary) << rsa.private_pem;
  auto jwks_line = ParseCommandLine(
      {"jwks", "--public-key-file", key_file, "--kid", "gw-7", "--subjects", "members/*"});
  ASSERT_TRUE(jwks_line.ok());
  auto jwks = JwksFromFlags(*jwks_line);
  ASSERT_TRUE(jwks.ok()) << jwks.status();
  EXPECT_EQ(jwks->find("PRIVATE"), std::string::npos);
  auto keys = auth::ParseJwks(*jwks);
  ASSERT_TRUE(keys.ok()) << keys.status();

  auto line =
      ParseCommandLine({"token", "--member", "7", "--ttl", "30m", "--issuer", "gw", "--audience",
                        "rmhub", "--rs256-key-file", key_file, "--kid", "gw-7"});
  ASSERT_TRUE(line.ok());
  auto token = MintTokenFromFlags(*line);
  ASSERT_TRUE(token.ok()) << token.status();
  auth::JwtVerifierOptions options;
  options.issuer = "gw";
  options.audience = "rmhub";
  auto verifier =
      auth::JwtVerifier::Create(absl::nullopt, *std::move(keys), options, RealClock::Instance());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto claims = verifier->Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "members/7");

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"token", "--member", "7", "--rs256-key-file", key_file},  // no kid
           {"token", "--member", "7", "--rs256-key-file", key_file, "--kid", "k", "--secret-file",
            path_},                                                              // two signers
           {"token", "--member", "7", "--rs256-key-file", path_, "--kid", "k"},  // not a key
           {"jwks", "--public-key-file", key_file, "--kid", "k"},                // no subjects
           {"jwks", "--public-key-file", key_file, "--kid", "k", "--subjects", "admins/*"}}) {
    auto bad_line = ParseCommandLine(bad);
    ASSERT_TRUE(bad_line.ok());
    absl::Status status = bad[0] == "token" ? MintTokenFromFlags(*bad_line).status()
                                            : JwksFromFlags(*bad_line).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad.back();
  }
  std::remove(key_file.c_str());
}

}  // namespace
}  // namespace rmhub::ctl
