#include "common/auth/jwt_key_set.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/auth/json.h"
#include "common/auth/jwt.h"
#include "common/encoding/base64url.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

// Generous for a rotation overlap of a few signers; a larger set is the wrong file.
constexpr size_t kMaxKeys = 64;

absl::Status BadJwk(size_t index, absl::string_view problem) {
  return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_KEY",
                   absl::StrCat("keys[", index, "]: ", problem));
}

// An optional string member that, when present, must equal `expected`.
absl::Status CheckOptional(const JsonValue& jwk, const char* name, absl::string_view expected,
                           size_t index) {
  const JsonValue* v = jwk.Find(name);
  if (v != nullptr && (!v->is_string() || v->text != expected)) {
    return BadJwk(index, absl::StrCat("\"", name, "\" must be \"", expected, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Base64UrlMember(const JsonValue& jwk, const char* name, size_t index) {
  const JsonValue* v = jwk.Find(name);
  absl::optional<std::string> bytes;
  if (v != nullptr && v->is_string()) bytes = encoding::Base64UrlDecode(v->text);
  if (!bytes.has_value() || bytes->empty()) {
    return BadJwk(index, absl::StrCat("\"", name, "\" must be base64url"));
  }
  return *std::move(bytes);
}

absl::StatusOr<std::vector<std::string>> Subjects(const JsonValue& jwk, size_t index) {
  const JsonValue* v = jwk.Find("rmhub_subjects");
  if (v == nullptr || !v->is_array() || v->items.empty()) {
    return BadJwk(index, "\"rmhub_subjects\" must list the subjects the key may sign");
  }
  std::vector<std::string> out;
  for (const JsonValue& item : v->items) {
    if (!item.is_string() || !IsValidSubjectPattern(item.text)) {
      return BadJwk(index,
                    "\"rmhub_subjects\" entries are \"members/*\", \"services/*\" or "
                    "\"services/<name>\"");
    }
    out.push_back(item.text);
  }
  return out;
}

absl::StatusOr<VerificationKey> ParseJwk(const JsonValue& jwk, size_t index) {
  if (!jwk.is_object()) return BadJwk(index, "is not an object");
  RMHUB_RETURN_IF_ERROR(CheckOptional(jwk, "kty", "RSA", index));
  if (jwk.Find("kty") == nullptr) return BadJwk(index, "\"kty\" must be \"RSA\"");
  RMHUB_RETURN_IF_ERROR(CheckOptional(jwk, "alg", "RS256", index));
  RMHUB_RETURN_IF_ERROR(CheckOptional(jwk, "use", "sig", index));
  // A private exponent here means the signing key was copied to every verifier.
  if (jwk.Find("d") != nullptr)
    return BadJwk(index, "holds a private key; publish public keys only");
  const JsonValue* kid = jwk.Find("kid");
  if (kid == nullptr || !kid->is_string() || kid->text.empty()) {
    return BadJwk(index, "\"kid\" is required: tokens select their key by it");
  }
  RMHUB_ASSIGN_OR_RETURN(std::string n, Base64UrlMember(jwk, "n", index));
  RMHUB_ASSIGN_OR_RETURN(std::string e, Base64UrlMember(jwk, "e", index));
  absl::StatusOr<JwtKey> key = JwtKey::Rs256PublicKeyComponents(n, e);
  if (!key.ok()) return BadJwk(index, key.status().message());
  RMHUB_ASSIGN_OR_RETURN(std::vector<std::string> subjects, Subjects(jwk, index));
  return VerificationKey{kid->text, *std::move(key), std::move(subjects)};
}

}  // namespace

bool IsValidSubjectPattern(absl::string_view pattern) {
  if (pattern == "members/*" || pattern == "services/*") return true;
  return absl::ConsumePrefix(&pattern, "services/") && IsValidServiceName(pattern);
}

bool SubjectMatches(absl::string_view pattern, absl::string_view subject) {
  if (absl::ConsumeSuffix(&pattern, "*")) {
    return absl::StartsWith(subject, pattern) && subject.size() > pattern.size();
  }
  return pattern == subject;
}

bool VerificationKey::MaySign(absl::string_view subject) const {
  for (const std::string& pattern : subjects) {
    if (SubjectMatches(pattern, subject)) return true;
  }
  return false;
}

absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view json) {
  absl::StatusOr<JsonValue> doc = ParseJson(json);
  if (!doc.ok() || !doc->is_object()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_KEY", "not a JSON object");
  }
  const JsonValue* keys = doc->Find("keys");
  if (keys == nullptr || !keys->is_array() || keys->items.empty() ||
      keys->items.size() > kMaxKeys) {
    return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_KEY",
                     absl::StrCat("\"keys\" must be an array of 1 to ", kMaxKeys, " keys"));
  }
  std::vector<VerificationKey> out;
  std::set<std::string> kids;
  for (size_t i = 0; i < keys->items.size(); ++i) {
    RMHUB_ASSIGN_OR_RETURN(VerificationKey key, ParseJwk(keys->items[i], i));
    if (!kids.insert(key.kid).second) return BadJwk(i, "repeats a \"kid\"");
    out.push_back(std::move(key));
  }
  return out;
}

std::string JwksJson(const std::vector<VerificationKey>& keys) {
  std::vector<std::string> jwks;
  for (const VerificationKey& k : keys) {
    auto [n, e] = k.key.RsaPublicComponents();
    jwks.push_back(JsonObjectWriter()
                       .String("kty", "RSA")
                       .String("kid", k.kid)
                       .String("alg", "RS256")
                       .String("use", "sig")
                       .String("n", encoding::Base64UrlEncode(n))
                       .String("e", encoding::Base64UrlEncode(e))
                       .StringArray("rmhub_subjects", k.subjects)
                       .Finish());
  }
  return absl::StrCat("{\"keys\":[", absl::StrJoin(jwks, ","), "]}");
}

}  // namespace rmhub::auth
