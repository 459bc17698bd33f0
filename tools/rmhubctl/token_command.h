#pragma once
// `rmhubctl token`: mints a development HS256 token with the local stack's signing secret, for a
// member (with roles, branch, teams and permissions) or for a service. Only for development: a
// deployment has no HS256 secret and takes people's tokens from the gateway. With
// --rs256-key-file and --kid it signs RS256 as a gateway would (tests of production settings).

#include <iosfwd>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "tools/rmhubctl/cli_args.h"

namespace rmhub::ctl {

// Where scripts/up.sh keeps the dev secret, relative to the repository root.
inline constexpr char kDefaultSecretFile[] = ".run/secrets/jwt-dev-secret";

// The request the flags describe: --member or --service, --roles (checked against
// rmhub.team.v1.Role when compiled in), --branch, --teams, --perms, --issuer, --audience.
absl::StatusOr<auth::DevTokenRequest> DevTokenRequestFromFlags(const CommandLine& line);

// The dev secret in `path`, read as the services read --jwt_hs256_secret_file: the whole file
// less trailing newlines. INVALID_ARGUMENT naming `flag` when it cannot be read.
absl::StatusOr<std::string> ReadDevSecret(const std::string& path, const std::string& flag);

// The token the flags ask for, signed with the secret in --secret-file (default: env
// RMHUB_JWT_HS256_SECRET_FILE, else kDefaultSecretFile), or RS256 with the private key in
// --rs256-key-file under --kid; valid for --ttl (default 12h).
absl::StatusOr<std::string> MintTokenFromFlags(const CommandLine& line);

// Prints the token and a newline on `out`; returns the exit status.
int RunToken(const CommandLine& line, std::ostream& out, std::ostream& err);

// `rmhubctl jwks --public-key-file PEM --kid KID --subjects members/*[,...]`: the JWK Set the
// services' --jwt_keys_file reads, for one RSA public key (PEM "PUBLIC KEY" or a private key,
// of which only the public part is written). Keys for rotation are concatenated by hand.
absl::StatusOr<std::string> JwksFromFlags(const CommandLine& line);
int RunJwks(const CommandLine& line, std::ostream& out, std::ostream& err);

}  // namespace rmhub::ctl
