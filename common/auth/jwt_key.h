#pragma once
// Keys for signing and verifying JWS: an HS256 shared secret, or an RSA key pair for RS256
// (RSASSA-PKCS1-v1_5 with SHA-256). The key decides the algorithm; a token never does.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header.

namespace rmhub::auth {

// Shortest HS256 secret accepted: RFC 7518 §3.2 asks for at least the hash size (32 bytes).
inline constexpr size_t kMinHs256SecretBytes = 32;
// Smallest RSA modulus accepted for RS256 (RFC 7518 §3.3).
inline constexpr int kMinRsaBits = 2048;

enum class JwtAlgorithm { kHs256, kRs256 };
absl::string_view JwtAlgorithmName(JwtAlgorithm alg);

// A key that signs (HS256 secret, or RS256 private key) or only verifies (RS256 public key).
class JwtKey {
 public:
  // At least kMinHs256SecretBytes bytes.
  static absl::StatusOr<JwtKey> Hs256(absl::string_view secret);
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of an RSA key of at least 2048 bits.
  static absl::StatusOr<JwtKey> Rs256PublicKeyPem(absl::string_view pem);
  // PEM "PRIVATE KEY" / "RSA PRIVATE KEY" (unencrypted) of at least 2048 bits; also verifies.
  static absl::StatusOr<JwtKey> Rs256PrivateKeyPem(absl::string_view pem);
  // An RSA public key from its big-endian modulus and exponent (a JWK's decoded "n" and "e").
  static absl::StatusOr<JwtKey> Rs256PublicKeyComponents(absl::string_view modulus,
                                                         absl::string_view exponent);

  JwtAlgorithm algorithm() const { return alg_; }
  bool can_sign() const { return alg_ == JwtAlgorithm::kHs256 || is_private_; }
  // The raw signature over `signing_input`; FAILED_PRECONDITION for a public-only key.
  absl::StatusOr<std::string> Sign(absl::string_view signing_input) const;
  // Constant-time for HS256.
  bool Verify(absl::string_view signing_input, absl::string_view signature) const;
  // The big-endian modulus and exponent of an RS256 key (for publishing it as a JWK); empty
  // strings for HS256.
  std::pair<std::string, std::string> RsaPublicComponents() const;

 private:
  JwtKey(JwtAlgorithm alg, std::string secret, std::shared_ptr<evp_pkey_st> pkey, bool is_private)
      : alg_(alg), secret_(std::move(secret)), pkey_(std::move(pkey)), is_private_(is_private) {}

  JwtAlgorithm alg_;
  std::string secret_;
  std::shared_ptr<evp_pkey_st> pkey_;
  bool is_private_ = false;
};

}  // namespace rmhub::auth
