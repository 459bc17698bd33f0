#include "common/auth/jwt_authenticator.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth/called_method.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

absl::string_view View(const grpc::string_ref& ref) {
  return absl::string_view(ref.data(), ref.size());
}

bool IsSslPeer(const grpc::AuthContext& peer) {
  for (const grpc::string_ref& type :
       peer.FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME)) {
    if (View(type) == GRPC_SSL_TRANSPORT_SECURITY_TYPE) return true;
  }
  return false;
}

// RFC 5280 §4.2.1.12: a certificate for client authentication lists id-kp-clientAuth. A
// certificate without the extension at all is refused too: RM Hub issues client certificates
// with it, and a server certificate that omits it must not become a service identity.
bool HasClientAuthUsage(const grpc::AuthContext& peer) {
  std::vector<grpc::string_ref> pems = peer.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.size() != 1) return false;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pems[0].data(), static_cast<int>(pems[0].size())), &BIO_free);
  if (!bio) return false;
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return false;
  return (X509_get_extension_flags(cert.get()) & EXFLAG_XKUSAGE) != 0 &&
         (X509_get_extended_key_usage(cert.get()) & XKU_SSL_CLIENT) != 0;
}

}  // namespace

absl::optional<absl::string_view> BearerToken(absl::string_view header) {
  constexpr absl::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return absl::nullopt;
  }
  absl::string_view token = absl::StripAsciiWhitespace(header.substr(kScheme.size()));
  if (token.empty() || token.find(' ') != absl::string_view::npos) return absl::nullopt;
  return token;
}

absl::optional<std::string> ServiceFromPeer(const grpc::AuthContext& peer) {
  if (!IsSslPeer(peer) || !peer.IsPeerAuthenticated() || !HasClientAuthUsage(peer)) {
    return absl::nullopt;
  }
  absl::optional<std::string> found;
  for (const grpc::string_ref& identity : peer.GetPeerIdentity()) {
    absl::string_view name = View(identity);
    if (!absl::ConsumePrefix(&name, kServiceIdentityPrefix) || !IsValidServiceName(name)) continue;
    // A certificate naming two different services is a mistake we refuse to guess about.
    if (found.has_value() && *found != name) return absl::nullopt;
    found = std::string(name);
  }
  return found;
}

absl::StatusOr<Principal> JwtAuthenticator::Decide(
    const std::vector<absl::string_view>& authorization, const grpc::AuthContext* peer,
    absl::string_view method) const {
  RMHUB_ASSIGN_OR_RETURN(Principal principal, Identify(authorization, peer));
  if (principal.is_service() && !service_methods_.Allows(principal.service, method)) {
    return PermissionDenied(kReasonServiceMethodNotAllowed,
                            absl::StrCat("service \"", principal.service,
                                         "\" may not call this method (--service_method_acl)"));
  }
  return principal;
}

absl::StatusOr<Principal> JwtAuthenticator::Identify(
    const std::vector<absl::string_view>& authorization, const grpc::AuthContext* peer) const {
  if (authorization.size() > 1) {
    return Unauthenticated(kReasonInvalidToken, "more than one authorization header");
  }
  if (authorization.size() == 1) {
    absl::optional<absl::string_view> token = BearerToken(authorization[0]);
    if (!token.has_value()) {
      return Unauthenticated(kReasonInvalidToken, "authorization is not \"Bearer <token>\"");
    }
    RMHUB_ASSIGN_OR_RETURN(JwtClaims claims, verifier_.Verify(*token));
    return PrincipalFromClaims(claims);
  }
  if (peer != nullptr) {
    if (absl::optional<std::string> service = ServiceFromPeer(*peer); service.has_value()) {
      Principal p;
      p.subject = absl::StrCat("services/", *service);
      p.service = *service;
      return p;
    }
  }
  return Unauthenticated(kReasonMissingCredentials,
                         "no bearer token and no RM Hub service certificate");
}

absl::StatusOr<Principal> JwtAuthenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  std::vector<absl::string_view> authorization;
  auto range = context.client_metadata().equal_range("authorization");
  for (auto it = range.first; it != range.second; ++it) authorization.push_back(View(it->second));
  std::shared_ptr<const grpc::AuthContext> peer = context.auth_context();
  return Decide(authorization, peer.get(), CalledMethod(context));
}

}  // namespace rmhub::auth
