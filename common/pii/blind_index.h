#pragma once
// Keyed blind index for looking up encrypted PII by equality (DOMAIN.md §7, bulk import keys):
// HMAC-SHA256 under its own key — never an encryption key — over the normalised value, prefixed
// by the kind so that a phone number and an ID with the same digits index differently.
// Deterministic by design: equal values give equal indexes; without the key, an index reveals
// nothing and cannot be brute-forced from the small space of phone numbers.
// Changing the key means recomputing every stored index, so it is not rotated casually.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/pii/validation.h"

namespace rmhub::pii {

inline constexpr size_t kMinBlindIndexKeyBytes = 32;
inline constexpr size_t kBlindIndexBytes = 32;

class BlindIndex {
 public:
  // INVALID_ARGUMENT naming "blind_index_key" when shorter than 32 bytes.
  static absl::StatusOr<BlindIndex> Create(absl::string_view key);

  // 32 raw bytes (for a BINARY(32) column) of Normalize(kind, value).
  std::string Compute(PiiKind kind, absl::string_view value) const;
  // The same as 64 lower-case hex characters.
  std::string ComputeHex(PiiKind kind, absl::string_view value) const;

 private:
  struct Key;  // wipes the key bytes when the last copy goes
  explicit BlindIndex(std::shared_ptr<const Key> key) : key_(std::move(key)) {}
  std::shared_ptr<const Key> key_;
};

}  // namespace rmhub::pii
