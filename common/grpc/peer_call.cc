#include "common/grpc/peer_call.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/request_id.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::grpcx {

absl::Status PeerError(const absl::Status& s, const std::string& peer, std::string not_found_reason,
                       std::string not_found_message) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
      return FailedPrecondition(std::move(not_found_reason), std::move(not_found_message));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return Unavailable(absl::StrCat(peer, "_SERVICE_UNAVAILABLE"),
                         absl::StrCat("the ", absl::AsciiStrToLower(peer),
                                      " service did not answer; nothing was changed"));
    default:
      return s;
  }
}

bool IsRetryableRead(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

grpc::Status CallReadWithRetry(absl::Time deadline, const ReadRetry& retry,
                               const std::function<grpc::Status(absl::Time deadline)>& attempt) {
  static thread_local std::mt19937 rng(std::random_device{}());
  absl::Duration backoff = retry.initial_backoff;
  for (int n = 1;; ++n) {
    grpc::Status s = attempt(deadline);
    if (s.ok() || !IsRetryableRead(s.error_code()) || n >= retry.max_attempts) return s;
    // Full jitter in [backoff/2, backoff]: replicas shed together do not come back together.
    absl::Duration wait = backoff * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
    if (absl::Now() + wait >= deadline) return s;
    absl::SleepFor(wait);
    backoff = std::min(backoff * 2, retry.max_backoff);
  }
}

PeerCaller::PeerCaller(std::shared_ptr<grpc::Channel> channel,
                       std::shared_ptr<const auth::ServiceCallAuth> auth, PeerCallOptions options)
    : channel_(std::move(channel)), auth_(std::move(auth)), options_(options) {}

absl::Time PeerCaller::DeadlineFor(const PeerCallScope& scope) const {
  return std::min(scope.deadline, absl::Now() + options_.max_timeout);
}

grpc::Status PeerCaller::Send(absl::Time deadline, const std::string& request_id,
                              const Attempt& attempt) const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  context.AddMetadata(kRequestIdHeader, request_id);
  if (auth_ != nullptr) {
    absl::Status attached = auth_->Attach(context);
    if (!attached.ok()) return ToGrpcStatus(attached);
  }
  return attempt(context);
}

absl::Status PeerCaller::Read(const PeerCallScope& scope, const Attempt& attempt) const {
  const std::string request_id = scope.request_id.empty() ? NewRequestId() : scope.request_id;
  return FromGrpcStatus(
      CallReadWithRetry(DeadlineFor(scope), options_.read_retry,
                        [&](absl::Time deadline) { return Send(deadline, request_id, attempt); }));
}

absl::Status PeerCaller::Write(const PeerCallScope& scope, const Attempt& attempt) const {
  const std::string request_id = scope.request_id.empty() ? NewRequestId() : scope.request_id;
  return FromGrpcStatus(Send(DeadlineFor(scope), request_id, attempt));
}

}  // namespace rmhub::grpcx
