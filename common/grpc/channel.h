#pragma once
// Calls from one service to another (customer → team, every service →
// analytics).
//
// One place decides how a service dials its peers (the credentials: plaintext
// on loopback, TLS against the deployment's CA with the service's own
// certificate for mutual TLS — see common/auth/tls.h) and how a read-only call
// is sent again when the peer could not take it.

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"

namespace rmhub::grpcx {

// A channel to `address` with these credentials.
std::shared_ptr<grpc::Channel> MakePeerChannel(
    const std::string &address, const std::shared_ptr<grpc::ChannelCredentials> &credentials);

// Retries of a read-only call (safe to send again).
struct ReadRetry {
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(50);  // doubled per retry, jittered
  absl::Duration max_backoff = absl::Milliseconds(400);
};

// True for the codes a read is sent again on: UNAVAILABLE (the peer restarts, a
// connection broke) and RESOURCE_EXHAUSTED (the peer's sync server shed the
// call at its thread cap — gRPC's own retry policy does not cover that one, as
// the shed reply carries response headers).
bool IsRetryableRead(grpc::StatusCode code);

// Runs `attempt(deadline)` (each with a fresh ClientContext) until it returns a
// status that is not retryable, attempts run out, or the next backoff would
// pass `deadline`; returns the last status.
grpc::Status CallReadWithRetry(absl::Time deadline, const ReadRetry &retry,
                               const std::function<grpc::Status(absl::Time deadline)> &attempt);

}  // namespace rmhub::grpcx
