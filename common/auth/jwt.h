#pragma once
// JSON Web Tokens (RFC 7519) in JWS compact form (RFC 7515), signed HS256 or RS256.
//
// Verification is closed by default: the algorithm comes from the configured key, never from the
// token (alg "none", an unknown alg, or an alg for which no key is configured are refused, which
// rules out the RS256→HS256 key-confusion attack); an RS256 token names its key by "kid" and an
// unknown kid is refused; the signature is checked before any claim is read; "sub", "exp" and
// "iat" are required and exp − iat may not exceed the configured maximum lifetime; the key must
// be allowed to sign the subject (a gateway key signs "members/*" only); "nbf" is enforced when
// present, "iss" and "aud" when configured. Time comes from an injected Clock.
//
// RM Hub claims, on top of the registered ones:
//   sub    "members/<id>" for a person, "services/<name>" for a service
//   roles  ["RELATIONSHIP_MANAGER", ...]     branch  <int>
//   teams  [<int>, ...]                      perms   ["pii.read", ...]
//
// Every failure is UNAUTHENTICATED with one of the reasons below; messages never contain the
// token itself.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "common/auth/jwt_key.h"
#include "common/auth/jwt_key_set.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"

namespace rmhub::auth {

struct JsonValue;

inline constexpr char kReasonMissingCredentials[] = "MISSING_CREDENTIALS";
inline constexpr char kReasonInvalidToken[] = "INVALID_TOKEN";  // malformed
inline constexpr char kReasonAlgorithmRejected[] = "TOKEN_ALGORITHM_REJECTED";
inline constexpr char kReasonBadSignature[] = "TOKEN_SIGNATURE_INVALID";
inline constexpr char kReasonExpired[] = "TOKEN_EXPIRED";
inline constexpr char kReasonNotYetValid[] = "TOKEN_NOT_YET_VALID";
inline constexpr char kReasonWrongIssuer[] = "TOKEN_ISSUER_MISMATCH";
inline constexpr char kReasonWrongAudience[] = "TOKEN_AUDIENCE_MISMATCH";
inline constexpr char kReasonBadClaims[] = "TOKEN_CLAIMS_INVALID";
inline constexpr char kReasonUnknownKey[] = "TOKEN_KEY_UNKNOWN";                 // no such "kid"
inline constexpr char kReasonLifetimeTooLong[] = "TOKEN_LIFETIME_TOO_LONG";      // exp − iat
inline constexpr char kReasonSubjectNotAllowed[] = "TOKEN_SUBJECT_NOT_ALLOWED";  // for this key

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
absl::StatusOr<std::string> EncodeJws(absl::string_view header_json, absl::string_view payload_json,
                                      const JwtKey& key);

// A signed token for `claims` (sub and exp are required) with {"alg":..,"typ":"JWT"} and, when
// `kid` is not empty, the "kid" that selects the verification key.
absl::StatusOr<std::string> MintJwt(const JwtClaims& claims, const JwtKey& key,
                                    absl::string_view kid = "");

struct JwtVerifierOptions {
  std::string issuer;    // required "iss" when set
  std::string audience;  // must be among "aud" when set
  // Tolerated clock skew between the issuer and us, for exp, nbf and iat.
  absl::Duration leeway = absl::Seconds(30);
  // Longest exp − iat accepted: a leaked token is useful for at most this long.
  absl::Duration max_lifetime = absl::Hours(1);
};

class JwtVerifier {
 public:
  // `hs256`: the development shared secret (it may sign any subject), or none. `rs256`: keys
  // selected by kid (unique). At least one key; `clock` must outlive the verifier.
  static absl::StatusOr<JwtVerifier> Create(absl::optional<JwtKey> hs256,
                                            std::vector<VerificationKey> rs256,
                                            JwtVerifierOptions options, const Clock& clock);
  // HS256 keys only (an RS256 key needs a kid: use the overload above).
  static absl::StatusOr<JwtVerifier> Create(std::vector<JwtKey> keys, JwtVerifierOptions options,
                                            const Clock& clock);

  // A token that verified before is not verified again: its claims come from a cache keyed by
  // the token's SHA-256 (no token is kept), and only the time checks (exp, nbf, iat) run again.
  // Nothing else a check reads can change: the keys and options are fixed at creation. Failures
  // are never cached. Copies of a verifier share the cache.
  absl::StatusOr<JwtClaims> Verify(absl::string_view token) const;

  // Entries the cache holds at most; when it is full, expired entries go, then all of them.
  static constexpr size_t kMaxCachedTokens = 4096;

 private:
  struct Cache;
  JwtVerifier(std::vector<VerificationKey> keys, JwtVerifierOptions options, const Clock& clock);
  absl::StatusOr<JwtClaims> VerifyUncached(absl::string_view token) const;
  absl::StatusOr<const VerificationKey*> SelectKey(const JsonValue& header) const;
  absl::Status CheckTimes(const JwtClaims& claims) const;
  absl::Status CheckIssuerAndAudience(const JwtClaims& claims) const;

  // The HS256 key, if any, has an empty kid.
  std::vector<VerificationKey> keys_;
  JwtVerifierOptions options_;
  const Clock* clock_;
  std::shared_ptr<Cache> cache_;
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

// The same token signed with `key` (an RS256 private key, or HS256) under `kid`: what a gateway
// issues, for tests and `rmhubctl token --rs256_key_file`.
absl::StatusOr<std::string> MintToken(const DevTokenRequest& request, const JwtKey& key,
                                      absl::string_view kid, const Clock& clock,
                                      absl::Duration ttl);

}  // namespace rmhub::auth
