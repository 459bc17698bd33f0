#include "tools/rmhubctl/token_command.h"

#include <ostream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/auth_config.h"
#include "common/auth/jwt_key_set.h"
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

// An RS256 token as a gateway would issue it: signed with the private key in --rs256-key-file
// under --kid, which the services' --jwt_keys_file must list.
absl::StatusOr<std::string> MintRs256FromFlags(const CommandLine& line,
                                               const auth::DevTokenRequest& request,
                                               absl::Duration ttl) {
  if (line.Get("kid").empty()) {
    return InvalidField("--kid", "an RS256 token names its key: give --kid");
  }
  if (line.Has("secret-file")) {
    return InvalidField("--secret-file", "give --secret-file or --rs256-key-file, not both");
  }
  RMHUB_ASSIGN_OR_RETURN(std::string pem,
                         auth::ReadSmallFile(line.Get("rs256-key-file"), "--rs256-key-file"));
  absl::StatusOr<auth::JwtKey> key = auth::JwtKey::Rs256PrivateKeyPem(pem);
  if (!key.ok()) return InvalidField("--rs256-key-file", std::string(key.status().message()));
  return auth::MintToken(request, *key, line.Get("kid"), RealClock::Instance(), ttl);
}

absl::StatusOr<std::string> MintTokenFromFlags(const CommandLine& line) {
  RMHUB_RETURN_IF_ERROR(CheckFlags(line,
                                   {"member", "service", "roles", "branch", "teams", "perms", "ttl",
                                    "secret-file", "issuer", "audience", "rs256-key-file", "kid"},
                                   "token"));
  RMHUB_ASSIGN_OR_RETURN(auth::DevTokenRequest request, DevTokenRequestFromFlags(line));
  RMHUB_ASSIGN_OR_RETURN(absl::Duration ttl,
                         ParsePositiveDuration(line.Get("ttl", "12h"), "--ttl"));
  if (line.Has("rs256-key-file")) return MintRs256FromFlags(line, request, ttl);
  std::string file = line.Get("secret-file", kDefaultSecretFile, "RMHUB_JWT_HS256_SECRET_FILE");
  RMHUB_ASSIGN_OR_RETURN(std::string secret, ReadDevSecret(file, "--secret-file"));
  return auth::MintDevToken(request, secret, RealClock::Instance(), ttl);
}

namespace {

int PrintOrFail(const absl::StatusOr<std::string>& text, std::ostream& out, std::ostream& err) {
  if (!text.ok()) {
    err << FormatLocalError(text.status());
    return kExitUsage;
  }
  out << *text << "\n";
  return 0;
}

absl::StatusOr<auth::JwtKey> PublicOrPrivateKey(const std::string& pem) {
  absl::StatusOr<auth::JwtKey> key = auth::JwtKey::Rs256PublicKeyPem(pem);
  if (key.ok()) return key;
  key = auth::JwtKey::Rs256PrivateKeyPem(pem);
  if (!key.ok()) return InvalidField("--public-key-file", std::string(key.status().message()));
  return key;
}

}  // namespace

int RunToken(const CommandLine& line, std::ostream& out, std::ostream& err) {
  return PrintOrFail(MintTokenFromFlags(line), out, err);
}

absl::StatusOr<std::string> JwksFromFlags(const CommandLine& line) {
  RMHUB_RETURN_IF_ERROR(CheckFlags(line, {"public-key-file", "kid", "subjects"}, "jwks"));
  if (line.Get("kid").empty()) return InvalidField("--kid", "give the key's id");
  RMHUB_ASSIGN_OR_RETURN(std::string pem,
                         auth::ReadSmallFile(line.Get("public-key-file"), "--public-key-file"));
  RMHUB_ASSIGN_OR_RETURN(auth::JwtKey key, PublicOrPrivateKey(pem));
  std::vector<std::string> subjects = CommaList(line.Get("subjects"));
  if (subjects.empty()) return InvalidField("--subjects", "give what the key may sign");
  for (const std::string& s : subjects) {
    if (!auth::IsValidSubjectPattern(s)) {
      return InvalidField(
          "--subjects", absl::StrCat("\"", s, "\" is not members/*, services/* or services/NAME"));
    }
  }
  return auth::JwksJson({{line.Get("kid"), std::move(key), std::move(subjects)}});
}

int RunJwks(const CommandLine& line, std::ostream& out, std::ostream& err) {
  return PrintOrFail(JwksFromFlags(line), out, err);
}

}  // namespace rmhub::ctl
