#include "tools/rmhubctl/token_command.h"

#include <ostream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/auth_config.h"
#include "common/clock/clock.h"
#include "common/status/errors.h"
#include "google/protobuf/descriptor.h"
#include "tools/rmhubctl/error_report.h"

namespace rmhub::ctl {
namespace {

absl::StatusOr<int64_t> PositiveId(const std::string& text, const std::string& flag) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(text, &id) || id <= 0) {
    return InvalidField(flag, absl::StrCat("\"", text, "\" is not a positive id"));
  }
  return id;
}

std::vector<std::string> CommaList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return out;
}

// Role names are upper-cased and, when the team API is compiled in, checked against its Role
// enum: a typo would otherwise mint a token that silently grants nothing.
absl::StatusOr<std::set<std::string>> Roles(const std::string& text) {
  const auto* role_enum =
      google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName("rmhub.team.v1.Role");
  std::set<std::string> roles;
  for (std::string role : CommaList(text)) {
    role = absl::AsciiStrToUpper(role);
    if (role_enum != nullptr &&
        (role_enum->FindValueByName(role) == nullptr || role == "ROLE_UNSPECIFIED")) {
      return InvalidField("--roles", absl::StrCat("\"", role, "\" is not a rmhub.team.v1.Role"));
    }
    roles.insert(role);
  }
  return roles;
}

absl::StatusOr<std::vector<int64_t>> Teams(const std::string& text) {
  std::vector<int64_t> teams;
  for (const std::string& item : CommaList(text)) {
    RMHUB_ASSIGN_OR_RETURN(int64_t id, PositiveId(item, "--teams"));
    teams.push_back(id);
  }
  return teams;
}

}  // namespace

absl::StatusOr<auth::DevTokenRequest> DevTokenRequestFromFlags(const CommandLine& line) {
  auth::DevTokenRequest request;
  if (line.Has("member") == line.Has("service")) {
    return InvalidField("--member", "give exactly one of --member ID or --service NAME");
  }
  if (line.Has("member")) {
    RMHUB_ASSIGN_OR_RETURN(request.member_id, PositiveId(line.Get("member"), "--member"));
  }
  request.service = line.Get("service");
  RMHUB_ASSIGN_OR_RETURN(request.roles, Roles(line.Get("roles")));
  if (line.Has("branch")) {
    RMHUB_ASSIGN_OR_RETURN(request.branch_id, PositiveId(line.Get("branch"), "--branch"));
  }
  RMHUB_ASSIGN_OR_RETURN(request.team_ids, Teams(line.Get("teams")));
  for (const std::string& perm : CommaList(line.Get("perms"))) request.permissions.insert(perm);
  request.issuer = line.Get("issuer", "", "RMHUB_JWT_ISSUER");
  request.audience = line.Get("audience", "", "RMHUB_JWT_AUDIENCE");
  return request;
}

absl::StatusOr<std::string> ReadDevSecret(const std::string& path, const std::string& flag) {
  absl::StatusOr<std::string> secret = auth::ReadSmallFile(path, flag);
  if (!secret.ok()) {
    return InvalidField(flag, absl::StrCat("cannot read ", path,
                                           " (scripts/up.sh writes the local "
                                           "stack's secret to ",
                                           kDefaultSecretFile, ")"));
  }
  while (!secret->empty() && secret->back() == '\n') secret->pop_back();
  return secret;
}

absl::StatusOr<std::string> MintTokenFromFlags(const CommandLine& line) {
  RMHUB_RETURN_IF_ERROR(CheckFlags(line,
                                   {"member", "service", "roles", "branch", "teams", "perms", "ttl",
                                    "secret-file", "issuer", "audience"},
                                   "token"));
  RMHUB_ASSIGN_OR_RETURN(auth::DevTokenRequest request, DevTokenRequestFromFlags(line));
  RMHUB_ASSIGN_OR_RETURN(absl::Duration ttl,
                         ParsePositiveDuration(line.Get("ttl", "12h"), "--ttl"));
  std::string file = line.Get("secret-file", kDefaultSecretFile, "RMHUB_JWT_HS256_SECRET_FILE");
  RMHUB_ASSIGN_OR_RETURN(std::string secret, ReadDevSecret(file, "--secret-file"));
  return auth::MintDevToken(request, secret, RealClock::Instance(), ttl);
}

int RunToken(const CommandLine& line, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::string> token = MintTokenFromFlags(line);
  if (!token.ok()) {
    err << FormatLocalError(token.status());
    return kExitUsage;
  }
  out << *token << "\n";
  return 0;
}

}  // namespace rmhub::ctl
