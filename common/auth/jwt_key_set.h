#pragma once
// The RS256 verification keys a service trusts, selected by the token header's "kid" so keys can
// rotate (publish the new key beside the old one, switch the signer, retire the old key), each
// with the subjects it may sign: the gateway's key signs people ("members/*") and nothing else,
// a service's key signs that service only ("services/customer").
//
// File format (--jwt_keys_file): a JWK Set (RFC 7517 §5) of RSA public keys, each with a "kid"
// and RM Hub's own member "rmhub_subjects" (a JWK may carry members its readers do not know):
//
//   {"keys": [{"kty": "RSA", "kid": "gateway-2026-11", "alg": "RS256", "use": "sig",
//              "n": "<base64url modulus>", "e": "AQAB", "rmhub_subjects": ["members/*"]}]}
//
// Strict: a key without "kid" or "rmhub_subjects", a repeated kid, a private key ("d"), a key
// that is not RSA, shorter than 2048 bits, or marked for another algorithm or use stops start-up.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/jwt_key.h"

namespace rmhub::auth {

// A subject pattern: "members/*", "services/*", or one exact subject ("services/customer").
bool IsValidSubjectPattern(absl::string_view pattern);
bool SubjectMatches(absl::string_view pattern, absl::string_view subject);

struct VerificationKey {
  std::string kid;
  JwtKey key;
  // Subject patterns this key may sign; a token it signed for any other subject is refused.
  std::vector<std::string> subjects;

  bool MaySign(absl::string_view subject) const;
};

// The keys of a JWK Set document; INVALID_ARGUMENT (reason INVALID_KEY) saying which key is wrong.
absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view json);

// A JWK Set document for `keys` (public parts only), as ParseJwks reads it.
std::string JwksJson(const std::vector<VerificationKey>& keys);

}  // namespace rmhub::auth
