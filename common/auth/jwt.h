#pragma once
// JSON Web Tokens (RFC 7519) in JWS compact form (RFC 7515), signed HS256 or RS256.
//
// Verification is closed by default: the algorithm comes from the configured key, never from the
// token (alg "none", an unknown alg, or an alg for which no key is configured are refused, which
// rules out the RS256→HS256 key-confusion attack); the signature is checked before any claim is
// read; "exp" and "sub" are required; "nbf", "iss" and "aud" are enforced when present or
// configured. Time comes from an injected Clock.
//
// RM Hub claims, on top of the registered ones:
//   sub    "members/<id>" for a person, "services/<name>" for a service
//   roles  ["RELATIONSHIP_MANAGER", ...]     branch  <int>
//   teams  [<int>, ...]                      perms   ["pii.read", ...]
//
// Every failure is UNAUTHENTICATED with one of the reasons below; messages never contain the
// token itself.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "common/auth/jwt_key.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"

namespace rmhub::auth {

inline constexpr char kReasonMissingCredentials[] = "MISSING_CREDENTIALS";
inline constexpr char kReasonInvalidToken[] = "INVALID_TOKEN";                // malformed
inline constexpr char kReasonAlgorithmRejected[] = "TOKEN_ALGORITHM_REJECTED";
inline constexpr char kReasonBadSignature[] = "TOKEN_SIGNATURE_INVALID";
inline constexpr char kReasonExpired[] = "TOKEN_EXPIRED";
inline constexpr char kReasonNotYetValid[] = "TOKEN_NOT_YET_VALID";
inline constexpr char kReasonWrongIssuer[] = "TOKEN_ISSUER_MISMATCH";
inline constexpr char kReasonWrongAudience[] = "TOKEN_AUDIENCE_MISMATCH";
inline constexpr char kReasonBadClaims[] = "TOKEN_CLAIMS_INVALID";

// Longest token read; anything larger is refused before it is decoded.
inline constexpr size_t kMaxTokenBytes = 8192;

// The claims RM Hub reads and writes.
struct JwtClaims {
  std::string subject;
  std::string issuer;                 // "" when absent
  std::vector<std::string> audience;  // "aud" as a string or an array
  absl::Time expires_at = absl::InfinitePast();
  absl::optional<absl::Time> not_before;
  absl::optional<absl::Time> issued_at;
  std::string token_id;  // "jti"
  std::set<std::string> roles;
  int64_t branch_id = 0;
  std::vector<int64_t> team_ids;
  std::set<std::string> permissions;
};

// Signs `header_json`.`payload_json` with `key` exactly as given. Low level: MintJwt builds the
// header itself; this exists so tests can forge headers (alg "none", mismatched alg, ...).
absl::StatusOr<std::string> EncodeJws(absl::string_view header_json,
                                      absl::string_view payload_json, const JwtKey& key);

// A signed token for `claims` (sub and exp are required) with {"alg":..,"typ":"JWT"}.
absl::StatusOr<std::string> MintJwt(const JwtClaims& claims, const JwtKey& key);

struct JwtVerifierOptions {
  std::string issuer;    // required "iss" when set
  std::string audience;  // must be among "aud" when set
  // Tolerated clock skew between the issuer and us, for exp and nbf.
  absl::Duration leeway = absl::Seconds(30);
};

class JwtVerifier {
 public:
  // At most one key per algorithm; `clock` must outlive the verifier.
  static absl::StatusOr<JwtVerifier> Create(std::vector<JwtKey> keys, JwtVerifierOptions options,
                                            const Clock& clock);

  absl::StatusOr<JwtClaims> Verify(absl::string_view token) const;

 private:
  JwtVerifier(std::vector<JwtKey> keys, JwtVerifierOptions options, const Clock& clock)
      : keys_(std::move(keys)), options_(std::move(options)), clock_(&clock) {}
  const JwtKey* KeyFor(absl::string_view alg) const;
  absl::Status CheckTimes(const JwtClaims& claims) const;
  absl::Status CheckIssuerAndAudience(const JwtClaims& claims) const;

  std::vector<JwtKey> keys_;
  JwtVerifierOptions options_;
  const Clock* clock_;
};

// The caller a verified token names. TOKEN_CLAIMS_INVALID when "sub" is neither
// "members/<positive id>" nor "services/<name>" (name: [a-z][a-z0-9-]*, at most 63 chars).
absl::StatusOr<Principal> PrincipalFromClaims(const JwtClaims& claims);

// True for a service name usable in "services/<name>" and in "rmhub-<name>" certificates.
bool IsValidServiceName(absl::string_view name);

// What a developer (or rmhubctl token) asks for. Exactly one of member_id or service.
struct DevTokenRequest {
  int64_t member_id = 0;
  std::string service;
  std::set<std::string> roles;
  int64_t branch_id = 0;
  std::vector<int64_t> team_ids;
  std::set<std::string> permissions;
  std::string issuer;    // must match the services' configured issuer, if any
  std::string audience;  // likewise
};

// Longest lifetime MintDevToken grants: dev tokens are for a working day, not for keeps.
inline constexpr absl::Duration kMaxDevTokenTtl = absl::Hours(24 * 7);

// An HS256 token for the request, issued now by `clock` and valid for `ttl`.
// INVALID_ARGUMENT naming the field for a bad request, secret or ttl.
absl::StatusOr<std::string> MintDevToken(const DevTokenRequest& request, absl::string_view secret,
                                         const Clock& clock, absl::Duration ttl);

}  // namespace rmhub::auth
