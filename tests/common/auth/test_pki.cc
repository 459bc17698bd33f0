#include "tests/common/auth/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "absl/strings/str_join.h"

namespace rmhub::auth::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);  // test helper only: aborts the test with a message
}

template <class Writer>
std::string ToPem(Writer write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  Check(write(bio.get()) == 1, "PEM write");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

PemKeyPair PemsOf(EVP_PKEY* key) {
  PemKeyPair pair;
  pair.private_pem = ToPem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  pair.public_pem = ToPem([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key); });
  return pair;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "X509 extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* NewCert(EVP_PKEY* key, const std::string& common_name) {
  static std::atomic<long> serial{1};
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  // Certificates are checked against the real clock by TLS; a wide window keeps that moot.
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

std::string CertPem(X509* cert) {
  return ToPem([&](BIO* b) { return PEM_write_bio_X509(b, cert); });
}

}  // namespace

PemKeyPair GenerateRsaKeyPair(int bits) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_RSA_gen(static_cast<unsigned int>(bits)), &EVP_PKEY_free);
  Check(key != nullptr, "RSA keygen");
  return PemsOf(key.get());
}

PemKeyPair GenerateEcKeyPair() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Check(key != nullptr, "EC keygen");
  return PemsOf(key.get());
}

TestCa::TestCa(const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "EC keygen");
  X509* cert = NewCert(key, name);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert, cert, NID_subject_key_identifier, "hash");
  Check(X509_sign(cert, key, EVP_sha256()) > 0, "CA sign");
  key_ = key;
  cert_ = cert;
  cert_pem_ = CertPem(cert);
}

TestCa::~TestCa() {
  X509_free(static_cast<X509*>(cert_));
  EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
}

IssuedCert TestCa::Issue(const std::string& common_name, const std::vector<std::string>& sans,
                         const std::string& extended_key_usage) const {
  auto* ca_cert = static_cast<X509*>(cert_);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Check(key != nullptr, "EC keygen");
  std::unique_ptr<X509, decltype(&X509_free)> cert(NewCert(key.get(), common_name), &X509_free);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert));
  AddExtension(cert.get(), ca_cert, NID_basic_constraints, "critical,CA:FALSE");
  if (!extended_key_usage.empty()) {
    AddExtension(cert.get(), ca_cert, NID_ext_key_usage, extended_key_usage);
  }
  AddExtension(cert.get(), ca_cert, NID_authority_key_identifier, "keyid");
  if (!sans.empty()) {
    AddExtension(cert.get(), ca_cert, NID_subject_alt_name, absl::StrJoin(sans, ","));
  }
  Check(X509_sign(cert.get(), static_cast<EVP_PKEY*>(key_), EVP_sha256()) > 0, "leaf sign");
  return IssuedCert{CertPem(cert.get()), PemsOf(key.get()).private_pem};
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rmhub-auth.XXXXXX").string();
  Check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

}  // namespace rmhub::auth::testing
