#include "common/pii/field_cipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::pii {

struct FieldCipher::KeyRing {
  std::map<std::string, std::string> keys;
  ~KeyRing() {
    for (auto& [id, key] : keys) OPENSSL_cleanse(key.data(), key.size());
  }
};

namespace {

constexpr unsigned char kFormatVersion = 0x01;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-256-GCM fetched once: EVP_aes_256_gcm() makes every Init look the implementation up again
// in the provider store (about a third of a decryption's instructions).
const EVP_CIPHER* Aes256Gcm() {
  static const EVP_CIPHER* const cipher = [] {
    const EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return fetched != nullptr ? fetched : EVP_aes_256_gcm();
  }();
  return cipher;
}

struct SealedParts {
  absl::string_view header;  // version, id length and id: authenticated with the caller's AAD
  absl::string_view key_id;
  absl::string_view nonce;
  absl::string_view ciphertext;
  absl::string_view tag;
};

absl::Status Malformed() {
  return MakeError(absl::StatusCode::kDataLoss, "PII_CIPHERTEXT_INVALID",
                   "encrypted value is malformed, tampered with, or bound to other data");
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool IsValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdBytes) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<SealedParts> Split(absl::string_view sealed) {
  if (sealed.size() < 2 || static_cast<unsigned char>(sealed[0]) != kFormatVersion) {
    return Malformed();
  }
  size_t id_len = static_cast<unsigned char>(sealed[1]);
  size_t header_len = 2 + id_len;
  if (id_len == 0 || sealed.size() < header_len + kNonceBytes + kTagBytes) return Malformed();
  SealedParts p;
  p.header = sealed.substr(0, header_len);
  p.key_id = sealed.substr(2, id_len);
  p.nonce = sealed.substr(header_len, kNonceBytes);
  size_t body = sealed.size() - header_len - kNonceBytes - kTagBytes;
  p.ciphertext = sealed.substr(header_len + kNonceBytes, body);
  p.tag = sealed.substr(sealed.size() - kTagBytes);
  return p;
}

// Feeds the header and then the caller's data as GCM associated data. The header carries its own
// length, so the concatenation cannot be split two ways.
bool AddAssociatedData(EVP_CIPHER_CTX* ctx, absl::string_view header, absl::string_view aad,
                       bool encrypt) {
  auto update = encrypt ? &EVP_EncryptUpdate : &EVP_DecryptUpdate;
  int len = 0;
  if (update(ctx, nullptr, &len, Bytes(header), static_cast<int>(header.size())) != 1) return false;
  return aad.empty() || update(ctx, nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1;
}

}  // namespace

absl::StatusOr<FieldCipher> FieldCipher::Create(std::map<std::string, std::string> keys,
                                                std::string active_key_id) {
  auto ring = std::make_shared<KeyRing>();
  ring->keys = std::move(keys);
  if (ring->keys.empty()) return InvalidField("keys", "at least one key is needed");
  for (const auto& [id, key] : ring->keys) {
    if (!IsValidKeyId(id)) return InvalidField("keys", "key ids are 1-32 of [A-Za-z0-9_.-]");
    if (key.size() != kFieldKeyBytes) {
      return InvalidField("keys", absl::StrCat("key \"", id, "\" is not 32 bytes"));
    }
  }
  if (ring->keys.count(active_key_id) == 0) {
    return InvalidField("active_key_id", "is not one of the configured keys");
  }
  return FieldCipher(std::move(ring), std::move(active_key_id));
}

const std::string* FieldCipher::KeyFor(absl::string_view id) const {
  auto it = keys_->keys.find(std::string(id));
  return it == keys_->keys.end() ? nullptr : &it->second;
}

absl::StatusOr<std::string> FieldCipher::Encrypt(absl::string_view plaintext,
                                                 absl::string_view associated_data) const {
  if (plaintext.size() > kMaxFieldPlaintextBytes ||
      associated_data.size() > kMaxFieldPlaintextBytes) {
    return InvalidField("plaintext", "is too large for a field value");
  }
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(active_key_id_.size()));
  out += active_key_id_;
  const size_t header_len = out.size();
  out.resize(header_len + kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* nonce = reinterpret_cast<unsigned char*>(&out[header_len]);
  unsigned char* body = nonce + kNonceBytes;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx && RAND_bytes(nonce, kNonceBytes) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(*KeyFor(active_key_id_)), nonce) ==
          1 &&
      AddAssociatedData(ctx.get(), absl::string_view(out.data(), header_len), associated_data,
                        true) &&
      EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, body + plaintext.size()) == 1;
  if (!ok) return Internal("OPENSSL", "AES-256-GCM encryption failed");
  return out;
}

absl::StatusOr<std::string> FieldCipher::Decrypt(absl::string_view sealed,
                                                 absl::string_view associated_data) const {
  RMHUB_ASSIGN_OR_RETURN(SealedParts p, Split(sealed));
  const std::string* key = KeyFor(p.key_id);
  if (key == nullptr) {
    return FailedPrecondition("PII_KEY_UNKNOWN",
                              absl::StrCat("PII key \"", p.key_id, "\" is not configured"));
  }
  std::string plain(p.ciphertext.size(), '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(plain.data());
  std::string tag(p.tag);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(*key), Bytes(p.nonce)) == 1 &&
            AddAssociatedData(ctx.get(), p.header, associated_data, false) &&
            EVP_DecryptUpdate(ctx.get(), out, &len, Bytes(p.ciphertext),
                              static_cast<int>(p.ciphertext.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;
  if (!ok) {
    // Whatever was decrypted before the tag check failed is unauthenticated: wipe it.
    OPENSSL_cleanse(plain.data(), plain.size());
    return Malformed();
  }
  return plain;
}

absl::StatusOr<std::string> FieldCipher::KeyIdOf(absl::string_view sealed) {
  RMHUB_ASSIGN_OR_RETURN(SealedParts p, Split(sealed));
  return std::string(p.key_id);
}

}  // namespace rmhub::pii
