#pragma once
// How a service is told whom to trust. Filled from flags / RMHUB_* environment by the caller;
// field errors name the flags below so a bad start-up message points at what to fix.
//
//   jwt_hs256_secret           shared secret (>= 32 bytes): development mode, explicit by nature.
//                              Whoever holds it can mint any token, so production leaves it
//                              empty and relies on the gateway's RS256 key plus mTLS.
//   jwt_rs256_public_key_file  PEM public key of the gateway that signs people's tokens.
//   jwt_issuer / jwt_audience  required "iss" / an "aud" entry, when set.
//   jwt_leeway                 clock skew tolerated on exp/nbf (0..5 min, default 30 s).
//
// At least one key is required: there is no configuration that lets every caller in.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt.h"
#include "common/clock/clock.h"

namespace rmhub::auth {

struct AuthConfig {
  std::string jwt_hs256_secret;
  std::string jwt_rs256_public_key_file;
  std::string jwt_issuer;
  std::string jwt_audience;
  absl::Duration jwt_leeway = absl::Seconds(30);
};

// INVALID_ARGUMENT naming each bad field. Does not read files.
absl::Status ValidateAuthConfig(const AuthConfig& config);

// The verifier the config describes; reads the public key file.
absl::StatusOr<JwtVerifier> BuildJwtVerifier(const AuthConfig& config, const Clock& clock);

// The JwtAuthenticator the config describes. `clock` must outlive it.
absl::StatusOr<std::unique_ptr<Authenticator>> BuildAuthenticator(const AuthConfig& config,
                                                                  const Clock& clock);

// The whole content of a small file (keys, certificates); INVALID_ARGUMENT naming `field` when it
// cannot be read.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const std::string& field);

}  // namespace rmhub::auth
