#pragma once
// Calls from one service to another (customer → team, every service → analytics), made the same
// way everywhere (ARCHITECTURE.md §3.9):
//   - a deadline: the caller's remaining deadline, capped per call (PeerCallOptions::max_timeout);
//   - the caller's request id in `x-request-id` (a fresh one for calls no request started, such
//     as the outbox relay's), so logs join across services;
//   - this service's credentials: its mTLS client certificate is on the channel
//     (MakePeerChannel); in development a short-lived service token (auth::ServiceCallAuth);
//   - reads are sent again with jittered exponential backoff when the peer could not take them
//     (UNAVAILABLE, RESOURCE_EXHAUSTED), never past the deadline; writes are sent once;
//   - the answer comes back as absl::Status through the one mapping (status_mapping.h), with the
//     peer's ErrorInfo reason and field violations.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/call_credentials.h"
#include "common/auth/caller.h"

namespace rmhub::grpcx {

// Retries of a read-only call (safe to send again).
struct ReadRetry {
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(50);  // doubled per retry, jittered
  absl::Duration max_backoff = absl::Milliseconds(400);
};

struct PeerCallOptions {
  // No call waits longer than this, whatever time its caller has left.
  absl::Duration max_timeout = absl::Seconds(5);
  ReadRetry read_retry;
};

// What an outgoing call inherits from the call that caused it. Implicit from auth::Caller so a
// service passes its caller straight on; background work (the relay) builds one itself.
struct PeerCallScope {
  PeerCallScope() = default;
  PeerCallScope(const auth::Caller& caller)  // NOLINT(google-explicit-constructor)
      : deadline(caller.deadline), request_id(caller.request_id) {}

  absl::Time deadline = absl::InfiniteFuture();
  // "" for a fresh id.
  std::string request_id;
};

// True for the codes a read is sent again on: UNAVAILABLE (the peer restarts, a connection broke)
// and RESOURCE_EXHAUSTED (the peer shed the call; gRPC's own retry policy does not cover that
// one, as the shed reply carries response headers).
bool IsRetryableRead(grpc::StatusCode code);

// Runs `attempt(deadline)` until it returns a status that is not retryable, attempts run out, or
// the next backoff would pass `deadline`; returns the last status.
grpc::Status CallReadWithRetry(absl::Time deadline, const ReadRetry& retry,
                               const std::function<grpc::Status(absl::Time deadline)>& attempt);

// A peer's answer as the calling service reports it: an unknown (or unreadable) object is the
// caller's precondition (FAILED_PRECONDITION `not_found_reason`), a peer that cannot answer in
// time is UNAVAILABLE "<PEER>_SERVICE_UNAVAILABLE" ("the <peer> service did not answer; nothing
// was changed"), anything else comes through as it was. `peer` is upper case ("TEAM").
absl::Status PeerError(const absl::Status& s, const std::string& peer, std::string not_found_reason,
                       std::string not_found_message);

// One peer service, reached over one channel. Thread-safe.
class PeerCaller {
 public:
  // One attempt of a call on a prepared context: `stub->Method(&context, request, &response)`.
  // Called again for each retry of a read, with a fresh context, so it must reset the response.
  using Attempt = std::function<grpc::Status(grpc::ClientContext& context)>;

  // `auth` may be null: no token is attached (the channel's mTLS certificate identifies us).
  PeerCaller(std::shared_ptr<grpc::Channel> channel,
             std::shared_ptr<const auth::ServiceCallAuth> auth, PeerCallOptions options = {});

  // A read-only (idempotent) call: retried on UNAVAILABLE / RESOURCE_EXHAUSTED.
  absl::Status Read(const PeerCallScope& scope, const Attempt& attempt) const;
  // A call that changes state: sent once (the peer deduplicates by request_id where it matters).
  absl::Status Write(const PeerCallScope& scope, const Attempt& attempt) const;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  absl::Time DeadlineFor(const PeerCallScope& scope) const;
  grpc::Status Send(absl::Time deadline, const std::string& request_id,
                    const Attempt& attempt) const;

  const std::shared_ptr<grpc::Channel> channel_;
  const std::shared_ptr<const auth::ServiceCallAuth> auth_;
  const PeerCallOptions options_;
};

}  // namespace rmhub::grpcx
