#pragma once
// Throw-away keys and certificates for auth tests, generated with OpenSSL at run time so no key
// material is checked in: RSA key pairs for RS256, and a private CA issuing EC P-256 leaf
// certificates for TLS/mTLS tests. Also a temporary directory for the PEM files.

#include <string>
#include <vector>

namespace rmhub::auth::testing {

struct PemKeyPair {
  std::string private_pem;  // PKCS#8 "PRIVATE KEY"
  std::string public_pem;   // SubjectPublicKeyInfo "PUBLIC KEY"
};

PemKeyPair GenerateRsaKeyPair(int bits = 2048);
PemKeyPair GenerateEcKeyPair();

struct IssuedCert {
  std::string cert_pem;
  std::string key_pem;
};

class TestCa {
 public:
  explicit TestCa(const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  // A leaf for server and client use. `sans` are OpenSSL subjectAltName entries
  // ("DNS:rmhub-customer", "IP:127.0.0.1"); none means a CN-only certificate.
  // `extended_key_usage` is OpenSSL's extendedKeyUsage value; "" leaves the extension out.
  IssuedCert Issue(const std::string& common_name, const std::vector<std::string>& sans,
                   const std::string& extended_key_usage = "serverAuth,clientAuth") const;

 private:
  void* key_ = nullptr;   // EVP_PKEY*
  void* cert_ = nullptr;  // X509*
  std::string cert_pem_;
};

// A fresh directory under /tmp, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace rmhub::auth::testing
