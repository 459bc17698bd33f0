#pragma once
// The Authenticator every RM Hub server uses. A call is authenticated by, in this order:
//
//  1. an `authorization: Bearer <jwt>` header, verified by a JwtVerifier. When the header is
//     present it decides alone: a bad token is refused even on an mTLS connection, so a caller
//     can never fall back to a weaker identity by sending garbage;
//  2. otherwise, the verified client certificate of an mTLS connection whose identity (each DNS
//     SAN, or the CN when there are no SANs) is exactly "rmhub-<service>", e.g. "rmhub-customer":
//     a service principal ("services/customer") with no roles, branch or permissions. Only
//     servers built with ServerCredentialsFromFiles(.., client_ca) see such identities, and those
//     require and verify the client certificate against the configured CA;
//  3. otherwise UNAUTHENTICATED / MISSING_CREDENTIALS. There is no anonymous or "allow all" mode.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt.h"
#include <grpcpp/security/auth_context.h>

namespace rmhub::auth {

// Certificate identities of RM Hub services start with this prefix.
inline constexpr char kServiceIdentityPrefix[] = "rmhub-";

class JwtAuthenticator final : public Authenticator {
 public:
  explicit JwtAuthenticator(JwtVerifier verifier) : verifier_(std::move(verifier)) {}

  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const override;

  // The same decision from its inputs: every value of the "authorization" metadata key, and the
  // connection's auth context (nullptr when there is none).
  absl::StatusOr<Principal> Decide(const std::vector<absl::string_view>& authorization,
                                   const grpc::AuthContext* peer) const;

 private:
  JwtVerifier verifier_;
};

// The token of an "authorization" value "Bearer <token>" (scheme case-insensitive, RFC 7235).
absl::optional<absl::string_view> BearerToken(absl::string_view header);

// "customer" when `peer` is an authenticated TLS peer whose identity is "rmhub-customer";
// nullopt when it names no service, or names more than one.
absl::optional<std::string> ServiceFromPeer(const grpc::AuthContext& peer);

}  // namespace rmhub::auth
