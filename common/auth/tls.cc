#include "common/auth/tls.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/auth/small_file.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

struct PemPair {
  std::string cert;
  std::string key;
};

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

BioPtr MemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// The file's content when it holds at least one PEM certificate.
absl::StatusOr<std::string> ReadCertificates(const std::string& path, const std::string& field) {
  RMHUB_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(path, field));
  BioPtr bio = MemBio(pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return InvalidField(field, "does not hold a PEM certificate");
  return pem;
}

int NoPassword(char*, int, int, void*) { return -1; }

// Reads a certificate chain and its private key and checks that they belong together.
absl::StatusOr<PemPair> ReadKeyPair(const std::string& cert_file, const std::string& key_file) {
  PemPair pair;
  RMHUB_ASSIGN_OR_RETURN(pair.cert, ReadCertificates(cert_file, "tls_cert_file"));
  RMHUB_ASSIGN_OR_RETURN(pair.key, ReadSmallFile(key_file, "tls_key_file"));
  BioPtr key_bio = MemBio(pair.key);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &NoPassword, nullptr), &EVP_PKEY_free);
  if (!key) return InvalidField("tls_key_file", "does not hold an unencrypted PEM private key");
  BioPtr cert_bio = MemBio(pair.cert);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert || X509_check_private_key(cert.get(), key.get()) != 1) {
    return InvalidField("tls_key_file", "does not match the certificate in tls_cert_file");
  }
  return pair;
}

absl::Status BothOrNeither(const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() != key_file.empty()) {
    return InvalidField(cert_file.empty() ? "tls_cert_file" : "tls_key_file",
                        "tls_cert_file and tls_key_file go together");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFiles(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file) {
  RMHUB_RETURN_IF_ERROR(BothOrNeither(cert_file, key_file));
  if (cert_file.empty()) {
    if (!client_ca_file.empty()) {
      return InvalidField("tls_client_ca_file", "mutual TLS needs tls_cert_file and tls_key_file");
    }
    return grpc::InsecureServerCredentials();
  }
  RMHUB_ASSIGN_OR_RETURN(PemPair pair, ReadKeyPair(cert_file, key_file));
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (!client_ca_file.empty()) {
    RMHUB_ASSIGN_OR_RETURN(options.pem_root_certs,
                           ReadCertificates(client_ca_file, "tls_client_ca_file"));
    // Only REQUIRE_AND_VERIFY: identities from unverified certificates would be forgeable, and
    // JwtAuthenticator trusts what the auth context says.
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  options.pem_key_cert_pairs.push_back({pair.key, pair.cert});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFiles(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  RMHUB_RETURN_IF_ERROR(BothOrNeither(cert_file, key_file));
  if (ca_file.empty()) {
    if (!cert_file.empty()) {
      return InvalidField("tls_ca_file", "a client certificate needs the CA of the server");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  RMHUB_ASSIGN_OR_RETURN(options.pem_root_certs, ReadCertificates(ca_file, "tls_ca_file"));
  if (!cert_file.empty()) {
    RMHUB_ASSIGN_OR_RETURN(PemPair pair, ReadKeyPair(cert_file, key_file));
    options.pem_cert_chain = std::move(pair.cert);
    options.pem_private_key = std::move(pair.key);
  }
  return grpc::SslCredentials(options);
}

}  // namespace rmhub::auth
