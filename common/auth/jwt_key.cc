#include "common/auth/jwt_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

using PkeyPtr = std::shared_ptr<evp_pkey_st>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

absl::Status BadKey(std::string message) {
  return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_KEY", std::move(message));
}

// OpenSSL's default would prompt on the terminal for an encrypted key; a service must fail.
int NoPassword(char*, int, int, void*) { return -1; }

// Refuses keys that are not RSA or too short for RS256.
absl::Status CheckRsaKey(evp_pkey_st* key, const char* what) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    return BadKey(absl::StrCat("the ", what, " is not an RSA key"));
  }
  if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
    return BadKey(absl::StrCat("the ", what, " is shorter than ", kMinRsaBits, " bits"));
  }
  return absl::OkStatus();
}

// Reads one PEM object with `reader` (PEM_read_bio_PUBKEY / PEM_read_bio_PrivateKey) and checks
// it is an RSA key large enough for RS256.
template <class Reader>
absl::StatusOr<PkeyPtr> ReadRsaPem(absl::string_view pem, Reader reader, const char* what) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return Internal("OPENSSL", "cannot allocate a BIO");
  PkeyPtr key(reader(bio.get(), nullptr, &NoPassword, nullptr), &EVP_PKEY_free);
  if (!key) return BadKey(absl::StrCat("not a PEM ", what));
  RMHUB_RETURN_IF_ERROR(CheckRsaKey(key.get(), what));
  return key;
}

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

BnPtr BigEndian(absl::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr),
               &BN_free);
}

absl::StatusOr<PkeyPtr> RsaFromComponents(absl::string_view modulus, absl::string_view exponent) {
  BnPtr n = BigEndian(modulus), e = BigEndian(exponent);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        &OSSL_PARAM_BLD_free);
  if (!n || !e || !build ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return Internal("OPENSSL", "cannot build RSA parameters");
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return BadKey("the modulus and exponent do not make an RSA key");
  }
  PkeyPtr key(raw, &EVP_PKEY_free);
  RMHUB_RETURN_IF_ERROR(CheckRsaKey(key.get(), "public key"));
  return key;
}

std::string BigEndianOf(evp_pkey_st* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return "";
  BnPtr owned(bn, &BN_free);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

absl::StatusOr<std::string> RsaSign(evp_pkey_st* key, absl::string_view data) {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    return Internal("OPENSSL", "RS256 signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return Internal("OPENSSL", "RS256 signing failed");
  }
  sig.resize(len);
  return sig;
}

bool RsaVerify(evp_pkey_st* key, absl::string_view data, absl::string_view sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

}  // namespace

absl::string_view JwtAlgorithmName(JwtAlgorithm alg) {
  return alg == JwtAlgorithm::kHs256 ? "HS256" : "RS256";
}

absl::StatusOr<JwtKey> JwtKey::Hs256(absl::string_view secret) {
  if (secret.size() < kMinHs256SecretBytes) {
    return BadKey(absl::StrCat("an HS256 secret needs at least ", kMinHs256SecretBytes, " bytes"));
  }
  return JwtKey(JwtAlgorithm::kHs256, std::string(secret), nullptr, false);
}

absl::StatusOr<JwtKey> JwtKey::Rs256PublicKeyPem(absl::string_view pem) {
  RMHUB_ASSIGN_OR_RETURN(PkeyPtr key, ReadRsaPem(pem, PEM_read_bio_PUBKEY, "public key"));
  return JwtKey(JwtAlgorithm::kRs256, "", std::move(key), false);
}

absl::StatusOr<JwtKey> JwtKey::Rs256PrivateKeyPem(absl::string_view pem) {
  RMHUB_ASSIGN_OR_RETURN(PkeyPtr key, ReadRsaPem(pem, PEM_read_bio_PrivateKey, "private key"));
  return JwtKey(JwtAlgorithm::kRs256, "", std::move(key), true);
}

absl::StatusOr<JwtKey> JwtKey::Rs256PublicKeyComponents(absl::string_view modulus,
                                                        absl::string_view exponent) {
  if (modulus.empty() || exponent.empty()) return BadKey("an RSA key needs a modulus and exponent");
  RMHUB_ASSIGN_OR_RETURN(PkeyPtr key, RsaFromComponents(modulus, exponent));
  return JwtKey(JwtAlgorithm::kRs256, "", std::move(key), false);
}

std::pair<std::string, std::string> JwtKey::RsaPublicComponents() const {
  if (alg_ != JwtAlgorithm::kRs256) return {};
  return {BigEndianOf(pkey_.get(), OSSL_PKEY_PARAM_RSA_N),
          BigEndianOf(pkey_.get(), OSSL_PKEY_PARAM_RSA_E)};
}

absl::StatusOr<std::string> JwtKey::Sign(absl::string_view signing_input) const {
  if (!can_sign()) {
    return FailedPrecondition("KEY_CANNOT_SIGN", "an RS256 public key can only verify");
  }
  if (alg_ == JwtAlgorithm::kHs256) return HmacSha256(secret_, signing_input);
  return RsaSign(pkey_.get(), signing_input);
}

bool JwtKey::Verify(absl::string_view signing_input, absl::string_view signature) const {
  if (alg_ == JwtAlgorithm::kRs256) return RsaVerify(pkey_.get(), signing_input, signature);
  std::string expected = HmacSha256(secret_, signing_input);
  return signature.size() == expected.size() &&
         CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

}  // namespace rmhub::auth
