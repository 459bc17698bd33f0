#pragma once
// CallQueue: where every RPC of a service waits for a worker thread (docs/decisions.md, "Server
// model"). gRPC's callback API accepts calls on its own few threads; the handler wrapper
// (grpcx::ServeQueued) hands each call here, and a fixed pool of workers runs the blocking part
// (authentication, domain logic, Connector/C++) one call at a time per worker.
//
// A call waits in a bounded FIFO instead of being refused while capacity exists. It is shed —
// answered without running — only when it cannot start in time:
//   at admission  QUEUE_FULL            the queue holds max_queue_length calls already;
//                 DEADLINE_UNREACHABLE  the estimated wait (calls ahead ÷ workers × the recent
//                                       mean service time) ends after the call's deadline;
//                 QUEUE_WAIT_TOO_LONG   the estimated wait exceeds max_queue_wait;
//   when taken    expired               its deadline passed while it waited (never executed);
//                 cancelled             the client went away while it waited;
//                 queue_timeout         it waited longer than max_queue_wait.
// Shed calls get RESOURCE_EXHAUSTED with a google.rpc.RetryInfo delay (the estimated wait), or
// DEADLINE_EXCEEDED / CANCELLED for the last-moment cases. Metrics (prefix rmhub_server_):
// queue_depth, queue_wait_seconds, shed_total{reason}, executed_total, workers.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace rmhub::grpcx {

struct CallQueueOptions {
  // Threads that run calls. Each blocks on the database or a peer for most of a call, so a few
  // more than the DB pool keeps the pool busy while others wait on peers or the CPU.
  int workers = 16;
  // Calls waiting beyond the running ones; more are refused at once (QUEUE_FULL).
  int max_queue_length = 10000;
  // The longest a call may wait for a worker, whatever its deadline (a call without a deadline
  // would otherwise wait for ever behind a stuck database).
  absl::Duration max_queue_wait = absl::Seconds(10);
};

class CallQueue {
 public:
  struct Call {
    // When the caller gives up; absl::InfiniteFuture() for none.
    absl::Time deadline = absl::InfiniteFuture();
    // True once the client cancelled (may be empty).
    std::function<bool()> cancelled;
    // Runs the call on a worker.
    std::function<void()> run;
    // Answers a call that will not run, with the reason as a status. Called at most once, and
    // only when `run` is not.
    std::function<void(const absl::Status&)> reject;
  };

  // `registry` may be null (no metrics). Workers start at once. `clock` must outlive the queue.
  CallQueue(CallQueueOptions options, prometheus::Registry* registry,
            const Clock& clock = RealClock::Instance());
  ~CallQueue();  // Stop()s
  CallQueue(const CallQueue&) = delete;
  CallQueue& operator=(const CallQueue&) = delete;

  // Queues the call, or rejects it at once (see the header comment). Exactly one of `run` and
  // `reject` is eventually called.
  void Submit(Call call);

  // Lets the workers finish what is queued (each call still checked as above), then joins them.
  // Calls submitted afterwards are rejected UNAVAILABLE. Idempotent.
  void Stop();

  int depth() const;
  const CallQueueOptions& options() const { return options_; }

 private:
  struct Queued {
    Call call;
    absl::Time enqueued;
  };
  struct Metrics;

  // OK to queue the call; otherwise the answer, with the metric label in *label.
  absl::Status Admit(const Call& call, absl::Time now, std::string* label)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Duration EstimatedWait() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Why a call taken from the queue must not run; OK to run it.
  absl::Status CheckRunnable(const Queued& queued, absl::Time now, std::string* reason) const;
  void WorkerLoop();
  void Execute(Queued queued);
  void Shed(const Call& call, const absl::Status& status, const std::string& reason);

  const CallQueueOptions options_;
  const Clock& clock_;
  std::unique_ptr<Metrics> metrics_;

  mutable absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  int idle_workers_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Exponentially weighted mean of how long a call runs on a worker.
  absl::Duration mean_service_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  std::vector<std::thread> workers_;
  absl::Mutex stop_mu_;  // serialises Stop()
};

}  // namespace rmhub::grpcx
