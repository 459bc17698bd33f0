#pragma once
// AES-256-GCM for PII columns, with a key ring for rotation (DOMAIN.md §7).
//
// A sealed value is self-describing bytes (store them in a VARBINARY/BLOB column):
//
//   0x01 | len(key id) | key id | 12-byte random nonce | ciphertext | 16-byte tag
//
// Encrypt always uses the active key; Decrypt picks the key named inside the value, so rows
// written under an old key stay readable while keys rotate (keep old keys configured until
// every row has been re-encrypted; KeyIdOf finds those rows). The version byte and key id are
// authenticated along with the caller's associated data — pass the column name
// ("customers.national_id") so a value copied into another column or row fails to decrypt.
// Any tampering or a wrong key gives DATA_LOSS, never garbage plaintext.
//
// Nonces are random: NIST SP 800-38D bounds one key to about 2^32 encryptions, far beyond
// RM Hub's volume, but rotate keys rather than use one for ever.

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rmhub::pii {

inline constexpr size_t kFieldKeyBytes = 32;
inline constexpr size_t kMaxKeyIdBytes = 32;
// Plaintexts larger than this are not field values.
inline constexpr size_t kMaxFieldPlaintextBytes = 1 << 20;

class FieldCipher {
 public:
  // `keys` maps key id ([A-Za-z0-9_.-], 1..32 chars) to 32 raw key bytes; `active_key_id` must be
  // one of them. INVALID_ARGUMENT naming "keys" or "active_key_id" otherwise.
  static absl::StatusOr<FieldCipher> Create(std::map<std::string, std::string> keys,
                                            std::string active_key_id);

  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view associated_data = {}) const;
  // DATA_LOSS (reason PII_CIPHERTEXT_INVALID) for malformed or tampered values or the wrong
  // associated data; FAILED_PRECONDITION (PII_KEY_UNKNOWN) when the key id is not configured.
  absl::StatusOr<std::string> Decrypt(absl::string_view sealed,
                                      absl::string_view associated_data = {}) const;

  // The key id a sealed value was written with.
  static absl::StatusOr<std::string> KeyIdOf(absl::string_view sealed);
  const std::string& active_key_id() const { return active_key_id_; }

 private:
  struct KeyRing;  // wipes the key bytes when the last copy of the cipher goes
  FieldCipher(std::shared_ptr<const KeyRing> keys, std::string active_key_id)
      : keys_(std::move(keys)), active_key_id_(std::move(active_key_id)) {}
  const std::string* KeyFor(absl::string_view id) const;

  std::shared_ptr<const KeyRing> keys_;
  std::string active_key_id_;
};

}  // namespace rmhub::pii
