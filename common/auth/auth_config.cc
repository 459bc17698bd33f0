#include "common/auth/auth_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_authenticator.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

// Keys and certificates are a few KiB; anything much larger is the wrong file.
constexpr std::streamoff kMaxSmallFileBytes = 1 << 20;

}  // namespace

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidField(field, absl::StrCat("cannot open \"", path, "\""));
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxSmallFileBytes) {
    return InvalidField(field, absl::StrCat("\"", path, "\" is not a small regular file"));
  }
  in.seekg(0, std::ios::beg);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) return InvalidField(field, absl::StrCat("cannot read \"", path, "\""));
  return content.str();
}

absl::Status ValidateAuthConfig(const AuthConfig& config) {
  FieldErrors errors;
  if (config.jwt_hs256_secret.empty() && config.jwt_rs256_public_key_file.empty()) {
    errors.Add("jwt_rs256_public_key_file",
               "set it (or jwt_hs256_secret in development): no key means no caller could be "
               "authenticated");
  }
  if (!config.jwt_hs256_secret.empty() &&
      config.jwt_hs256_secret.size() < kMinHs256SecretBytes) {
    errors.Add("jwt_hs256_secret",
               absl::StrCat("must be at least ", kMinHs256SecretBytes, " bytes"));
  }
  if (config.jwt_leeway < absl::ZeroDuration() || config.jwt_leeway > absl::Minutes(5)) {
    errors.Add("jwt_leeway", "must be between 0 and 5 minutes");
  }
  return errors.Status();
}

absl::StatusOr<JwtVerifier> BuildJwtVerifier(const AuthConfig& config, const Clock& clock) {
  RMHUB_RETURN_IF_ERROR(ValidateAuthConfig(config));
  std::vector<JwtKey> keys;
  if (!config.jwt_hs256_secret.empty()) {
    RMHUB_ASSIGN_OR_RETURN(JwtKey key, JwtKey::Hs256(config.jwt_hs256_secret));
    keys.push_back(std::move(key));
  }
  if (!config.jwt_rs256_public_key_file.empty()) {
    const std::string field = "jwt_rs256_public_key_file";
    RMHUB_ASSIGN_OR_RETURN(std::string pem,
                           ReadSmallFile(config.jwt_rs256_public_key_file, field));
    absl::StatusOr<JwtKey> key = JwtKey::Rs256PublicKeyPem(pem);
    if (!key.ok()) return InvalidField(field, std::string(key.status().message()));
    keys.push_back(*std::move(key));
  }
  JwtVerifierOptions options;
  options.issuer = config.jwt_issuer;
  options.audience = config.jwt_audience;
  options.leeway = config.jwt_leeway;
  return JwtVerifier::Create(std::move(keys), std::move(options), clock);
}

absl::StatusOr<std::unique_ptr<Authenticator>> BuildAuthenticator(const AuthConfig& config,
                                                                  const Clock& clock) {
  RMHUB_ASSIGN_OR_RETURN(JwtVerifier verifier, BuildJwtVerifier(config, clock));
  return std::unique_ptr<Authenticator>(std::make_unique<JwtAuthenticator>(std::move(verifier)));
}

}  // namespace rmhub::auth
