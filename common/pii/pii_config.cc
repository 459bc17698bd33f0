#include "common/pii/pii_config.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"

namespace rmhub::pii {
namespace {

// Error messages name the key id at most, never key material.
absl::StatusOr<std::string> DecodeKey(absl::string_view base64, const std::string& field,
                                      absl::string_view what) {
  std::string bytes;
  if (base64.empty() || !absl::Base64Unescape(base64, &bytes)) {
    return InvalidField(field, absl::StrCat(what, " is not base64"));
  }
  return bytes;
}

// The message of `status` under another field name (the config flag rather than the API field).
absl::Status Rename(const absl::Status& status, const std::string& field) {
  if (status.ok()) return status;
  std::vector<FieldViolation> violations = FieldViolations(status);
  std::string description =
      violations.empty() ? std::string(status.message()) : violations.front().description;
  return InvalidField(field, description);
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseKeyList(absl::string_view spec,
                                                                const std::string& field) {
  std::map<std::string, std::string> keys;
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(absl::StripAsciiWhitespace(entry), absl::MaxSplits(':', 1));
    std::string id(kv.first);
    if (id.empty() || keys.count(id) > 0) {
      return InvalidField(field, "entries are <id>:<base64 key> with distinct ids");
    }
    RMHUB_ASSIGN_OR_RETURN(keys[id], DecodeKey(kv.second, field, absl::StrCat("key \"", id, "\"")));
  }
  if (keys.empty()) return InvalidField(field, "at least one key is needed");
  return keys;
}

absl::StatusOr<FieldCipher> BuildFieldCipher(const PiiConfig& config) {
  RMHUB_ASSIGN_OR_RETURN(auto keys, ParseKeyList(config.encryption_keys, "pii_encryption_keys"));
  absl::StatusOr<FieldCipher> cipher = FieldCipher::Create(std::move(keys), config.active_key_id);
  if (cipher.ok()) return cipher;
  std::vector<FieldViolation> violations = FieldViolations(cipher.status());
  bool id_problem = !violations.empty() && violations.front().field == "active_key_id";
  return Rename(cipher.status(), id_problem ? "pii_active_key_id" : "pii_encryption_keys");
}

absl::StatusOr<BlindIndex> BuildBlindIndex(const PiiConfig& config) {
  const std::string field = "pii_blind_index_key";
  RMHUB_ASSIGN_OR_RETURN(std::string key, DecodeKey(config.blind_index_key, field, "the key"));
  absl::StatusOr<BlindIndex> index = BlindIndex::Create(key);
  if (!index.ok()) return Rename(index.status(), field);
  return index;
}

absl::Status ValidatePiiConfig(const PiiConfig& config) {
  RMHUB_RETURN_IF_ERROR(BuildFieldCipher(config).status());
  RMHUB_RETURN_IF_ERROR(BuildBlindIndex(config).status());
  RMHUB_ASSIGN_OR_RETURN(auto keys, ParseKeyList(config.encryption_keys, "pii_encryption_keys"));
  std::string index_key;
  absl::Base64Unescape(config.blind_index_key, &index_key);
  for (const auto& [id, key] : keys) {
    if (key == index_key) {
      return InvalidField("pii_blind_index_key", "must differ from every encryption key");
    }
  }
  return absl::OkStatus();
}

}  // namespace rmhub::pii
