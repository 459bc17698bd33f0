#include "common/grpc/channel.h"

#include <grpcpp/create_channel.h>

#include <algorithm>
#include <random>

#include "absl/time/clock.h"

namespace rmhub::grpcx {

std::shared_ptr<grpc::Channel> MakePeerChannel(
    const std::string &address, const std::shared_ptr<grpc::ChannelCredentials> &credentials) {
  // No retry policy in a service config: which calls may be sent again is known
  // at the call site (CallReadWithRetry). gRPC's transparent retries of calls
  // that never left stay on.
  return grpc::CreateChannel(address, credentials);
}

bool IsRetryableRead(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

grpc::Status CallReadWithRetry(absl::Time deadline, const ReadRetry &retry,
                               const std::function<grpc::Status(absl::Time deadline)> &attempt) {
  static thread_local std::mt19937 rng(std::random_device{}());
  absl::Duration backoff = retry.initial_backoff;
  for (int n = 1;; ++n) {
    grpc::Status s = attempt(deadline);
    if (s.ok() || !IsRetryableRead(s.error_code()) || n >= retry.max_attempts) return s;
    // Full jitter in [backoff/2, backoff]: replicas shed together do not come
    // back together.
    absl::Duration wait = backoff * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
    if (absl::Now() + wait >= deadline) return s;
    absl::SleepFor(wait);
    backoff = std::min(backoff * 2, retry.max_backoff);
  }
}

}  // namespace rmhub::grpcx
