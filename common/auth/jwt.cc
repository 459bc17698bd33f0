#include "common/auth/jwt.h"

#include <openssl/evp.h>

#include <array>
#include <cmath>
#include <cstring>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/json.h"
#include "common/encoding/base64url.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

using encoding::Base64UrlDecode;
using encoding::Base64UrlEncode;

constexpr char kMemberPrefix[] = "members/";
constexpr char kServicePrefix[] = "services/";
// NumericDate values beyond the year 5138 are nonsense and would overflow nothing useful.
constexpr double kMaxNumericDate = 1e11;

absl::Status Reject(const char* reason, std::string message) {
  return Unauthenticated(reason, std::move(message));
}

absl::StatusOr<JsonValue> DecodeObject(absl::string_view part, const char* what) {
  absl::optional<std::string> bytes = Base64UrlDecode(part);
  if (!bytes.has_value()) {
    return Reject(kReasonInvalidToken, absl::StrCat("token ", what, " is not base64url"));
  }
  absl::StatusOr<JsonValue> value = ParseJson(*bytes);
  if (!value.ok() || !value->is_object()) {
    return Reject(kReasonInvalidToken, absl::StrCat("token ", what, " is not a JSON object"));
  }
  return value;
}

absl::Status BadClaim(absl::string_view claim, absl::string_view problem) {
  return Reject(kReasonBadClaims, absl::StrCat("claim \"", claim, "\" ", problem));
}

absl::StatusOr<absl::optional<absl::Time>> NumericDate(const JsonValue& payload, const char* name) {
  const JsonValue* v = payload.Find(name);
  if (v == nullptr) return absl::optional<absl::Time>();
  absl::optional<double> seconds = v->AsDouble();
  if (!seconds.has_value() || *seconds < 0 || *seconds > kMaxNumericDate) {
    return BadClaim(name, "is not a NumericDate");
  }
  return absl::optional<absl::Time>(
      absl::FromUnixSeconds(static_cast<int64_t>(std::floor(*seconds))));
}

absl::StatusOr<std::string> OptionalString(const JsonValue& payload, const char* name) {
  const JsonValue* v = payload.Find(name);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return BadClaim(name, "is not a string");
  return v->text;
}

absl::StatusOr<std::vector<std::string>> StringList(const JsonValue& payload, const char* name,
                                                    bool allow_single) {
  const JsonValue* v = payload.Find(name);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (allow_single && v->is_string()) return std::vector<std::string>{v->text};
  if (!v->is_array()) return BadClaim(name, "is not an array of strings");
  for (const JsonValue& item : v->items) {
    if (!item.is_string() || item.text.empty()) return BadClaim(name, "is not an array of strings");
    out.push_back(item.text);
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> IdList(const JsonValue& payload, const char* name) {
  const JsonValue* v = payload.Find(name);
  std::vector<int64_t> out;
  if (v == nullptr) return out;
  if (!v->is_array()) return BadClaim(name, "is not an array of positive integers");
  for (const JsonValue& item : v->items) {
    absl::optional<int64_t> id = item.AsInt64();
    if (!id.has_value() || *id <= 0) return BadClaim(name, "is not an array of positive integers");
    out.push_back(*id);
  }
  return out;
}

absl::StatusOr<int64_t> OptionalId(const JsonValue& payload, const char* name) {
  const JsonValue* v = payload.Find(name);
  if (v == nullptr) return int64_t{0};
  absl::optional<int64_t> id = v->AsInt64();
  if (!id.has_value() || *id <= 0) return BadClaim(name, "is not a positive integer");
  return *id;
}

absl::Status ReadRegisteredClaims(const JsonValue& payload, JwtClaims& c) {
  const JsonValue* sub = payload.Find("sub");
  if (sub == nullptr || !sub->is_string() || sub->text.empty()) {
    return BadClaim("sub", "is missing");
  }
  c.subject = sub->text;
  RMHUB_ASSIGN_OR_RETURN(c.issuer, OptionalString(payload, "iss"));
  RMHUB_ASSIGN_OR_RETURN(c.token_id, OptionalString(payload, "jti"));
  RMHUB_ASSIGN_OR_RETURN(c.audience, StringList(payload, "aud", /*allow_single=*/true));
  RMHUB_ASSIGN_OR_RETURN(absl::optional<absl::Time> exp, NumericDate(payload, "exp"));
  // A token without "exp" would be valid for ever once leaked.
  if (!exp.has_value()) return BadClaim("exp", "is missing");
  c.expires_at = *exp;
  RMHUB_ASSIGN_OR_RETURN(c.not_before, NumericDate(payload, "nbf"));
  RMHUB_ASSIGN_OR_RETURN(c.issued_at, NumericDate(payload, "iat"));
  // Without "iat" the lifetime cap could not be checked.
  if (!c.issued_at.has_value()) return BadClaim("iat", "is missing");
  return absl::OkStatus();
}

absl::StatusOr<JwtClaims> ReadClaims(const JsonValue& payload) {
  JwtClaims c;
  RMHUB_RETURN_IF_ERROR(ReadRegisteredClaims(payload, c));
  RMHUB_ASSIGN_OR_RETURN(std::vector<std::string> roles, StringList(payload, "roles", false));
  RMHUB_ASSIGN_OR_RETURN(std::vector<std::string> perms, StringList(payload, "perms", false));
  c.roles.insert(roles.begin(), roles.end());
  c.permissions.insert(perms.begin(), perms.end());
  RMHUB_ASSIGN_OR_RETURN(c.branch_id, OptionalId(payload, "branch"));
  RMHUB_ASSIGN_OR_RETURN(c.team_ids, IdList(payload, "teams"));
  return c;
}

// The algorithm named by the header, after refusing headers we cannot honour.
absl::StatusOr<std::string> HeaderAlgorithm(const JsonValue& header) {
  const JsonValue* alg = header.Find("alg");
  if (alg == nullptr || !alg->is_string()) {
    return Reject(kReasonInvalidToken, "token header has no \"alg\"");
  }
  // RFC 7515 §4.1.11: a recipient that does not understand a critical extension must reject.
  if (header.Find("crit") != nullptr) {
    return Reject(kReasonInvalidToken, "token header has unsupported critical extensions");
  }
  return alg->text;
}

std::string BuildPayload(const JwtClaims& c) {
  JsonObjectWriter w;
  w.String("sub", c.subject);
  if (!c.issuer.empty()) w.String("iss", c.issuer);
  if (c.audience.size() == 1) w.String("aud", c.audience[0]);
  if (c.audience.size() > 1) w.StringArray("aud", c.audience);
  w.Int("exp", absl::ToUnixSeconds(c.expires_at));
  if (c.not_before.has_value()) w.Int("nbf", absl::ToUnixSeconds(*c.not_before));
  if (c.issued_at.has_value()) w.Int("iat", absl::ToUnixSeconds(*c.issued_at));
  if (!c.token_id.empty()) w.String("jti", c.token_id);
  if (!c.roles.empty()) w.StringArray("roles", {c.roles.begin(), c.roles.end()});
  if (c.branch_id != 0) w.Int("branch", c.branch_id);
  if (!c.team_ids.empty()) w.IntArray("teams", c.team_ids);
  if (!c.permissions.empty()) w.StringArray("perms", {c.permissions.begin(), c.permissions.end()});
  return w.Finish();
}

absl::Status ValidateDevTokenRequest(const DevTokenRequest& r, absl::Duration ttl) {
  FieldErrors errors;
  if ((r.member_id != 0) == !r.service.empty()) {
    errors.Add("member_id", "give exactly one of member_id or service");
  }
  if (r.member_id < 0) errors.Add("member_id", "must be positive");
  if (!r.service.empty() && !IsValidServiceName(r.service)) {
    errors.Add("service", "must match [a-z][a-z0-9-]* (at most 63 characters)");
  }
  if (r.branch_id < 0) errors.Add("branch_id", "must be positive");
  for (int64_t team : r.team_ids) {
    if (team <= 0) errors.Add("team_ids", "must all be positive");
  }
  if (ttl <= absl::ZeroDuration() || ttl > kMaxDevTokenTtl) {
    errors.Add("ttl", "must be positive and at most 7 days");
  }
  return errors.Status();
}

}  // namespace

absl::StatusOr<std::string> EncodeJws(absl::string_view header_json, absl::string_view payload_json,
                                      const JwtKey& key) {
  std::string input =
      absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(payload_json));
  RMHUB_ASSIGN_OR_RETURN(std::string signature, key.Sign(input));
  return absl::StrCat(input, ".", Base64UrlEncode(signature));
}

absl::StatusOr<std::string> MintJwt(const JwtClaims& claims, const JwtKey& key,
                                    absl::string_view kid) {
  if (claims.subject.empty()) return InvalidField("sub", "a token needs a subject");
  if (claims.expires_at == absl::InfinitePast() || claims.expires_at == absl::InfiniteFuture()) {
    return InvalidField("exp", "a token needs a finite expiry");
  }
  JsonObjectWriter header;
  header.String("alg", JwtAlgorithmName(key.algorithm())).String("typ", "JWT");
  if (!kid.empty()) header.String("kid", kid);
  return EncodeJws(header.Finish(), BuildPayload(claims), key);
}

absl::StatusOr<JwtVerifier> JwtVerifier::Create(absl::optional<JwtKey> hs256,
                                                std::vector<VerificationKey> rs256,
                                                JwtVerifierOptions options, const Clock& clock) {
  std::set<std::string> kids;
  for (const VerificationKey& k : rs256) {
    if (k.key.algorithm() != JwtAlgorithm::kRs256 || k.kid.empty() || !kids.insert(k.kid).second) {
      return InvalidField("keys", "RS256 keys need unique, non-empty kids");
    }
  }
  if (hs256.has_value()) {
    if (hs256->algorithm() != JwtAlgorithm::kHs256) return InvalidField("keys", "not an HS256 key");
    rs256.push_back(VerificationKey{"", *std::move(hs256), {"members/*", "services/*"}});
  }
  if (rs256.empty()) return InvalidField("keys", "at least one verification key is needed");
  if (options.leeway < absl::ZeroDuration() || options.leeway > absl::Minutes(5)) {
    return InvalidField("leeway", "must be between 0 and 5 minutes");
  }
  if (options.max_lifetime <= absl::ZeroDuration()) {
    return InvalidField("max_lifetime", "must be positive");
  }
  return JwtVerifier(std::move(rs256), std::move(options), clock);
}

absl::StatusOr<JwtVerifier> JwtVerifier::Create(std::vector<JwtKey> keys,
                                                JwtVerifierOptions options, const Clock& clock) {
  if (keys.size() != 1 || keys[0].algorithm() != JwtAlgorithm::kHs256) {
    return InvalidField("keys", "one HS256 key; RS256 keys need a kid");
  }
  return Create(std::move(keys[0]), {}, std::move(options), clock);
}

absl::StatusOr<const VerificationKey*> JwtVerifier::SelectKey(const JsonValue& header) const {
  RMHUB_ASSIGN_OR_RETURN(std::string alg, HeaderAlgorithm(header));
  const JsonValue* kid = header.Find("kid");
  bool any_of_alg = false;
  for (const VerificationKey& k : keys_) {
    if (JwtAlgorithmName(k.key.algorithm()) != alg) continue;
    any_of_alg = true;
    // The one HS256 key answers to any kid; RS256 keys only to their own.
    if (k.kid.empty() || (kid != nullptr && kid->is_string() && kid->text == k.kid)) return &k;
  }
  if (!any_of_alg) return Reject(kReasonAlgorithmRejected, "token algorithm is not accepted here");
  return Reject(kReasonUnknownKey, "token \"kid\" names no key trusted here");
}

// Verified tokens by SHA-256 of the token, with their claims.
struct JwtVerifier::Cache {
  using Digest = std::array<unsigned char, 32>;
  struct DigestHash {
    size_t operator()(const Digest& d) const {
      size_t h;
      std::memcpy(&h, d.data(), sizeof h);  // a cryptographic digest: any 8 bytes are uniform
      return h;
    }
  };
  absl::Mutex mu;
  absl::flat_hash_map<Digest, JwtClaims, DigestHash> claims ABSL_GUARDED_BY(mu);
};

namespace {

bool Sha256(absl::string_view data, std::array<unsigned char, 32>* out) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned int len = 0;
  return md != nullptr &&
         EVP_Digest(data.data(), data.size(), out->data(), &len, md, nullptr) == 1 &&
         len == out->size();
}

}  // namespace

JwtVerifier::JwtVerifier(std::vector<VerificationKey> keys, JwtVerifierOptions options,
                         const Clock& clock)
    : keys_(std::move(keys)),
      options_(std::move(options)),
      clock_(&clock),
      cache_(std::make_shared<Cache>()) {}

absl::StatusOr<JwtClaims> JwtVerifier::Verify(absl::string_view token) const {
  Cache::Digest digest;
  if (token.empty() || token.size() > kMaxTokenBytes || !Sha256(token, &digest)) {
    return VerifyUncached(token);
  }
  absl::optional<JwtClaims> cached;
  {
    absl::ReaderMutexLock lock(&cache_->mu);
    auto it = cache_->claims.find(digest);
    if (it != cache_->claims.end()) cached = it->second;
  }
  if (cached.has_value()) {
    RMHUB_RETURN_IF_ERROR(CheckTimes(*cached));
    return *std::move(cached);
  }
  absl::StatusOr<JwtClaims> claims = VerifyUncached(token);
  if (!claims.ok()) return claims;
  absl::MutexLock lock(&cache_->mu);
  if (cache_->claims.size() >= kMaxCachedTokens) {
    const absl::Time now = clock_->Now();
    absl::erase_if(cache_->claims, [&](const auto& entry) {
      return now >= entry.second.expires_at + options_.leeway;
    });
    if (cache_->claims.size() >= kMaxCachedTokens) cache_->claims.clear();
  }
  cache_->claims.emplace(digest, *claims);
  return claims;
}

absl::StatusOr<JwtClaims> JwtVerifier::VerifyUncached(absl::string_view token) const {
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Reject(kReasonInvalidToken, "token is empty or too long");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[2].empty()) {
    return Reject(kReasonInvalidToken, "token is not a signed compact JWS");
  }
  RMHUB_ASSIGN_OR_RETURN(JsonValue header, DecodeObject(parts[0], "header"));
  RMHUB_ASSIGN_OR_RETURN(const VerificationKey* key, SelectKey(header));
  absl::optional<std::string> signature = Base64UrlDecode(parts[2]);
  absl::string_view signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!signature.has_value() || !key->key.Verify(signing_input, *signature)) {
    return Reject(kReasonBadSignature, "token signature does not verify");
  }
  RMHUB_ASSIGN_OR_RETURN(JsonValue payload, DecodeObject(parts[1], "payload"));
  RMHUB_ASSIGN_OR_RETURN(JwtClaims claims, ReadClaims(payload));
  RMHUB_RETURN_IF_ERROR(CheckTimes(claims));
  RMHUB_RETURN_IF_ERROR(CheckIssuerAndAudience(claims));
  if (!key->MaySign(claims.subject)) {
    return Reject(kReasonSubjectNotAllowed, "the token's key may not sign its subject");
  }
  return claims;
}

absl::Status JwtVerifier::CheckTimes(const JwtClaims& claims) const {
  absl::Time now = clock_->Now();
  // RFC 7519 §4.1.4: the current time must be before "exp".
  if (now >= claims.expires_at + options_.leeway) {
    return Reject(kReasonExpired, "token has expired");
  }
  if (claims.not_before.has_value() && now + options_.leeway < *claims.not_before) {
    return Reject(kReasonNotYetValid, "token is not valid yet");
  }
  // ReadClaims made sure "iat" is there. A future iat would stretch the lifetime cap.
  if (now + options_.leeway < *claims.issued_at) {
    return Reject(kReasonNotYetValid, "token is issued in the future");
  }
  if (claims.expires_at - *claims.issued_at > options_.max_lifetime) {
    return Reject(kReasonLifetimeTooLong, "token lifetime exceeds the maximum accepted here");
  }
  return absl::OkStatus();
}

absl::Status JwtVerifier::CheckIssuerAndAudience(const JwtClaims& claims) const {
  if (!options_.issuer.empty() && claims.issuer != options_.issuer) {
    return Reject(kReasonWrongIssuer, "token issuer is not accepted here");
  }
  if (options_.audience.empty()) return absl::OkStatus();
  for (const std::string& aud : claims.audience) {
    if (aud == options_.audience) return absl::OkStatus();
  }
  return Reject(kReasonWrongAudience, "token is not meant for this audience");
}

bool IsValidServiceName(absl::string_view name) {
  if (name.empty() || name.size() > 63 || !absl::ascii_islower(name[0])) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return name.back() != '-';
}

absl::StatusOr<Principal> PrincipalFromClaims(const JwtClaims& claims) {
  Principal p;
  p.subject = claims.subject;
  absl::string_view sub = claims.subject;
  if (absl::ConsumePrefix(&sub, kMemberPrefix)) {
    bool digits_only = !sub.empty() && sub[0] != '0' &&
                       sub.find_first_not_of("0123456789") == absl::string_view::npos;
    if (!digits_only || !absl::SimpleAtoi(sub, &p.member_id) || p.member_id <= 0) {
      return BadClaim("sub", "does not name a member");
    }
  } else if (absl::ConsumePrefix(&sub, kServicePrefix) && IsValidServiceName(sub)) {
    p.service = std::string(sub);
  } else {
    return BadClaim("sub", "names neither a member nor a service");
  }
  p.roles = claims.roles;
  p.branch_id = claims.branch_id;
  p.team_ids = claims.team_ids;
  p.permissions = claims.permissions;
  return p;
}

absl::StatusOr<std::string> MintDevToken(const DevTokenRequest& request, absl::string_view secret,
                                         const Clock& clock, absl::Duration ttl) {
  absl::StatusOr<JwtKey> key = JwtKey::Hs256(secret);
  if (!key.ok()) return InvalidField("secret", std::string(key.status().message()));
  return MintToken(request, *key, "", clock, ttl);
}

absl::StatusOr<std::string> MintToken(const DevTokenRequest& request, const JwtKey& key,
                                      absl::string_view kid, const Clock& clock,
                                      absl::Duration ttl) {
  RMHUB_RETURN_IF_ERROR(ValidateDevTokenRequest(request, ttl));
  if (!key.can_sign()) return InvalidField("key", "a public key cannot sign");
  JwtClaims claims;
  claims.subject = request.member_id != 0 ? absl::StrCat(kMemberPrefix, request.member_id)
                                          : absl::StrCat(kServicePrefix, request.service);
  claims.issuer = request.issuer;
  if (!request.audience.empty()) claims.audience = {request.audience};
  absl::Time now = clock.Now();
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  claims.roles = request.roles;
  claims.branch_id = request.branch_id;
  claims.team_ids = request.team_ids;
  claims.permissions = request.permissions;
  return MintJwt(claims, key, kid);
}

}  // namespace rmhub::auth
