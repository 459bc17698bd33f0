#pragma once
// TLS and mutual TLS credentials from PEM files.
//
// Server: with no files at all the server is insecure (plaintext) — for local development and
// tests on loopback only; deployments set cert and key. Setting client_ca as well makes it mutual
// TLS: every client must present a certificate issued by that CA, which gRPC verifies before any
// handler runs, and JwtAuthenticator then accepts "rmhub-<service>" identities from it.
//
// Channel: with no files the channel is insecure. With a CA the server's certificate is verified
// against it (not the system roots: RM Hub runs on a private CA); cert and key add a client
// certificate for mutual TLS.
//
// Files are read and parsed now, so a wrong path, a key that does not match its certificate or a
// file that is not PEM stops start-up with INVALID_ARGUMENT naming the flag:
//   tls_cert_file, tls_key_file, tls_client_ca_file (server), tls_ca_file (channel).

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace rmhub::auth {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFiles(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file);

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFiles(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file);

}  // namespace rmhub::auth
