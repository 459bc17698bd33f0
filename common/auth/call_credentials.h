#pragma once
// Credentials on outgoing service-to-service calls.
//
// Production: a service proves who it is with its mTLS client certificate "rmhub-<service>"
// (ChannelCredentialsFromFiles); ServiceCallAuth then attaches nothing.
// Development (an HS256 secret configured, plaintext loopback channels): the service signs its
// own short-lived "services/<service>" token with that secret and sends it as a bearer token.
// It is plain metadata rather than grpc::CallCredentials because gRPC refuses call credentials on
// insecure channels, which is exactly where dev tokens are needed.

#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/auth_config.h"
#include "common/clock/clock.h"

namespace rmhub::auth {

class ServiceCallAuth {
 public:
  // `service` is this service's name ("customer"). Tokens live `ttl` and are minted again once
  // less than half of it is left, so a token attached now survives a call's deadline.
  static absl::StatusOr<std::unique_ptr<ServiceCallAuth>> Create(
      const AuthConfig& config, std::string service, const Clock& clock,
      absl::Duration ttl = absl::Minutes(5));

  bool uses_tokens() const { return !secret_.empty(); }
  // The current bearer token; "" when tokens are not in use.
  absl::StatusOr<std::string> Token() const;
  // Adds "authorization: Bearer <token>" to `context` when tokens are in use.
  absl::Status Attach(grpc::ClientContext& context) const;

 private:
  ServiceCallAuth(const AuthConfig& config, std::string service, const Clock& clock,
                  absl::Duration ttl);

  const std::string service_;
  const std::string secret_;
  const std::string issuer_;
  const std::string audience_;
  const Clock& clock_;
  const absl::Duration ttl_;
  mutable absl::Mutex mu_;
  mutable std::string token_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time refresh_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace rmhub::auth
