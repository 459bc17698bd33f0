#pragma once
// The Authenticator every RM Hub server uses. A call is authenticated by, in this order:
//
//  1. an `authorization: Bearer <jwt>` header, verified by a JwtVerifier. When the header is
//     present it decides alone: a bad token is refused even on an mTLS connection, so a caller
//     can never fall back to a weaker identity by sending garbage;
//  2. otherwise, the verified client certificate of an mTLS connection whose identity (each DNS
//     SAN, or the CN when there are no SANs) is exactly "rmhub-<service>", e.g. "rmhub-customer",
//     and which carries the clientAuth extended key usage (a server-only certificate is not a
//     client identity): a service principal ("services/customer") with no roles, branch or
//     permissions. Only servers built with ServerCredentialsFromFiles(.., client_ca) see such
//     identities, and those require and verify the client certificate against the configured CA;
//  3. otherwise UNAUTHENTICATED / MISSING_CREDENTIALS. There is no anonymous or "allow all" mode.
//
// A service principal (from a token or a certificate) is then held to the methods its service
// may call (ServiceMethodAcl, the method as recorded by CalledMethodRecorder):
// PERMISSION_DENIED / SERVICE_METHOD_NOT_ALLOWED otherwise.

#include <grpcpp/security/auth_context.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt.h"
#include "common/auth/service_method_acl.h"

namespace rmhub::auth {

// Certificate identities of RM Hub services start with this prefix.
inline constexpr char kServiceIdentityPrefix[] = "rmhub-";
inline constexpr char kReasonServiceMethodNotAllowed[] = "SERVICE_METHOD_NOT_ALLOWED";

class JwtAuthenticator final : public Authenticator {
 public:
  JwtAuthenticator(JwtVerifier verifier, ServiceMethodAcl service_methods)
      : verifier_(std::move(verifier)), service_methods_(std::move(service_methods)) {}

  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const override;

  // The same decision from its inputs: every value of the "authorization" metadata key, the
  // connection's auth context (nullptr when there is none) and the called method ("" unknown).
  absl::StatusOr<Principal> Decide(const std::vector<absl::string_view>& authorization,
                                   const grpc::AuthContext* peer, absl::string_view method) const;

 private:
  absl::StatusOr<Principal> Identify(const std::vector<absl::string_view>& authorization,
                                     const grpc::AuthContext* peer) const;

  JwtVerifier verifier_;
  ServiceMethodAcl service_methods_;
};

// The token of an "authorization" value "Bearer <token>" (scheme case-insensitive, RFC 7235).
absl::optional<absl::string_view> BearerToken(absl::string_view header);

// "customer" when `peer` is an authenticated TLS peer whose identity is "rmhub-customer" and
// whose certificate carries the clientAuth extended key usage; nullopt when it names no service,
// names more than one, or is not a client certificate.
absl::optional<std::string> ServiceFromPeer(const grpc::AuthContext& peer);

}  // namespace rmhub::auth
