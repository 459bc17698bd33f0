#include "common/auth/auth_config.h"

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_authenticator.h"
#include "common/auth/jwt_key_set.h"
#include "common/auth/service_method_acl.h"
#include "common/status/errors.h"

namespace rmhub::auth {

absl::StatusOr<std::string> SecretFromFlags(const std::string& inline_value,
                                            const std::string& file, const std::string& flag) {
  const std::string file_flag = flag + "_file";
  if (!inline_value.empty() && !file.empty()) {
    return InvalidField(flag, absl::StrCat("give --", flag, " or --", file_flag, ", not both"));
  }
  if (file.empty()) return inline_value;
  RMHUB_ASSIGN_OR_RETURN(std::string secret, ReadSmallFile(file, file_flag));
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return InvalidField(file_flag, absl::StrCat("\"", file, "\" is empty"));
  return secret;
}

namespace {

// What only --dev_mode allows, each named with the flag to change.
void CheckProductionAuth(const AuthConfig& config, FieldErrors& errors) {
  if (config.dev_mode) return;
  if (!config.jwt_hs256_secret.empty()) {
    errors.Add("jwt_hs256_secret_file",
               "a shared HS256 secret lets whoever holds it mint any token: remove it and use "
               "--jwt_keys_file (RS256), or set --dev_mode for development");
  }
  if (config.jwt_issuer.empty()) {
    errors.Add("jwt_issuer", "required outside --dev_mode (the gateway's \"iss\")");
  }
  if (config.jwt_audience.empty()) {
    errors.Add("jwt_audience", "required outside --dev_mode (this suite's \"aud\")");
  }
}

}  // namespace

absl::Status ValidateAuthConfig(const AuthConfig& config) {
  FieldErrors errors;
  if (config.jwt_hs256_secret.empty() && config.jwt_keys_file.empty()) {
    errors.Add("jwt_keys_file",
               "set it (or jwt_hs256_secret_file with --dev_mode): no key means no caller could "
               "be authenticated");
  }
  if (!config.jwt_hs256_secret.empty() && config.jwt_hs256_secret.size() < kMinHs256SecretBytes) {
    errors.Add("jwt_hs256_secret",
               absl::StrCat("must be at least ", kMinHs256SecretBytes, " bytes"));
  }
  CheckProductionAuth(config, errors);
  if (config.jwt_leeway < absl::ZeroDuration() || config.jwt_leeway > absl::Minutes(5)) {
    errors.Add("jwt_leeway", "must be between 0 and 5 minutes");
  }
  if (config.jwt_max_lifetime < absl::Minutes(1) || config.jwt_max_lifetime > absl::Hours(24 * 7)) {
    errors.Add("jwt_max_lifetime", "must be between 1 minute and 7 days");
  }
  absl::Status acl =
      ServiceMethodAcl::Parse(config.service_method_acl, "service_method_acl").status();
  for (FieldViolation& v : FieldViolations(acl)) errors.Add(v.field, v.description);
  return errors.Status();
}

absl::StatusOr<JwtVerifier> BuildJwtVerifier(const AuthConfig& config, const Clock& clock) {
  RMHUB_RETURN_IF_ERROR(ValidateAuthConfig(config));
  absl::optional<JwtKey> hs256;
  if (!config.jwt_hs256_secret.empty()) {
    RMHUB_ASSIGN_OR_RETURN(hs256, JwtKey::Hs256(config.jwt_hs256_secret));
  }
  std::vector<VerificationKey> rs256;
  if (!config.jwt_keys_file.empty()) {
    const std::string field = "jwt_keys_file";
    RMHUB_ASSIGN_OR_RETURN(std::string jwks, ReadSmallFile(config.jwt_keys_file, field));
    absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(jwks);
    if (!keys.ok()) return InvalidField(field, std::string(keys.status().message()));
    rs256 = *std::move(keys);
  }
  JwtVerifierOptions options;
  options.issuer = config.jwt_issuer;
  options.audience = config.jwt_audience;
  options.leeway = config.jwt_leeway;
  options.max_lifetime = config.jwt_max_lifetime;
  return JwtVerifier::Create(std::move(hs256), std::move(rs256), std::move(options), clock);
}

absl::StatusOr<std::unique_ptr<Authenticator>> BuildAuthenticator(const AuthConfig& config,
                                                                  const Clock& clock) {
  RMHUB_ASSIGN_OR_RETURN(JwtVerifier verifier, BuildJwtVerifier(config, clock));
  RMHUB_ASSIGN_OR_RETURN(ServiceMethodAcl acl,
                         ServiceMethodAcl::Parse(config.service_method_acl, "service_method_acl"));
  return std::unique_ptr<Authenticator>(
      std::make_unique<JwtAuthenticator>(std::move(verifier), std::move(acl)));
}

}  // namespace rmhub::auth
