#include "common/pii/blind_index.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::pii {

struct BlindIndex::Key {
  std::string bytes;
  ~Key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

namespace {

absl::string_view DomainTag(PiiKind kind) {
  switch (kind) {
    case PiiKind::kNationalId:
      return "rmhub.national_id";
    case PiiKind::kCreditCode:
      return "rmhub.credit_code";
    case PiiKind::kPhone:
      return "rmhub.phone";
  }
  return "rmhub.unknown";
}

}  // namespace

absl::StatusOr<BlindIndex> BlindIndex::Create(absl::string_view key) {
  if (key.size() < kMinBlindIndexKeyBytes) {
    return InvalidField("blind_index_key",
                        absl::StrCat("must be at least ", kMinBlindIndexKeyBytes, " bytes"));
  }
  auto k = std::make_shared<Key>();
  k->bytes = std::string(key);
  return BlindIndex(std::move(k));
}

std::string BlindIndex::Compute(PiiKind kind, absl::string_view value) const {
  // The tag contains no NUL, so "tag\0value" splits only one way.
  std::string message =
      absl::StrCat(DomainTag(kind), absl::string_view("\0", 1), Normalize(kind, value));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_->bytes.data(), static_cast<int>(key_->bytes.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  OPENSSL_cleanse(message.data(), message.size());
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string BlindIndex::ComputeHex(PiiKind kind, absl::string_view value) const {
  return absl::BytesToHexString(Compute(kind, value));
}

}  // namespace rmhub::pii
