#pragma once
// PII keys from configuration (flags / RMHUB_* environment), all base64 (standard alphabet, as
// `openssl rand -base64 32` prints them):
//
//   pii_encryption_keys   "<id>:<base64 32 bytes>[,<id>:<base64>...]"  e.g.
//   "2024a:q3...=,2025a:Zk...=" pii_active_key_id     the id new values are encrypted with, e.g.
//   "2025a" pii_blind_index_key   base64 of at least 32 bytes, different from every encryption key
//
// Rotation: add a new key, make it active, re-encrypt rows still under the old id
// (FieldCipher::KeyIdOf), then drop the old key.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"

namespace rmhub::pii {

struct PiiConfig {
  std::string encryption_keys;
  std::string active_key_id;
  std::string blind_index_key;
};

// INVALID_ARGUMENT naming the flag when a key list, key or id is malformed.
absl::StatusOr<std::map<std::string, std::string>> ParseKeyList(absl::string_view spec,
                                                                const std::string& field);
absl::StatusOr<FieldCipher> BuildFieldCipher(const PiiConfig& config);
absl::StatusOr<BlindIndex> BuildBlindIndex(const PiiConfig& config);
// Both of the above, plus the rule that the blind-index key is none of the encryption keys.
absl::Status ValidatePiiConfig(const PiiConfig& config);

}  // namespace rmhub::pii
