#include "common/auth/call_credentials.h"

#include "absl/strings/str_cat.h"
#include "common/auth/jwt.h"
#include "common/status/errors.h"

namespace rmhub::auth {

ServiceCallAuth::ServiceCallAuth(const AuthConfig& config, std::string service, const Clock& clock,
                                 absl::Duration ttl)
    : service_(std::move(service)),
      secret_(config.jwt_hs256_secret),
      issuer_(config.jwt_issuer),
      audience_(config.jwt_audience),
      clock_(clock),
      ttl_(ttl) {}

absl::StatusOr<std::unique_ptr<ServiceCallAuth>> ServiceCallAuth::Create(const AuthConfig& config,
                                                                         std::string service,
                                                                         const Clock& clock,
                                                                         absl::Duration ttl) {
  if (!IsValidServiceName(service)) {
    return InvalidField("service", "must match [a-z][a-z0-9-]* (at most 63 characters)");
  }
  // Long-lived service tokens would outlast a rotated secret; 1 hour is plenty for a refresh.
  if (ttl < absl::Seconds(10) || ttl > absl::Hours(1)) {
    return InvalidField("ttl", "must be between 10 seconds and 1 hour");
  }
  auto auth =
      std::unique_ptr<ServiceCallAuth>(new ServiceCallAuth(config, std::move(service), clock, ttl));
  // Mint once now so a bad secret stops start-up rather than the first outgoing call.
  RMHUB_RETURN_IF_ERROR(auth->Token().status());
  return auth;
}

absl::StatusOr<std::string> ServiceCallAuth::Token() const {
  if (!uses_tokens()) return std::string();
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_.Now();
  if (now < refresh_at_) return token_;
  DevTokenRequest request;
  request.service = service_;
  request.issuer = issuer_;
  request.audience = audience_;
  RMHUB_ASSIGN_OR_RETURN(token_, MintDevToken(request, secret_, clock_, ttl_));
  refresh_at_ = now + ttl_ / 2;
  return token_;
}

absl::Status ServiceCallAuth::Attach(grpc::ClientContext& context) const {
  if (!uses_tokens()) return absl::OkStatus();
  RMHUB_ASSIGN_OR_RETURN(std::string token, Token());
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return absl::OkStatus();
}

}  // namespace rmhub::auth
