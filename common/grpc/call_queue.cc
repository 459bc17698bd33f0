#include "common/grpc/call_queue.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/errors.h"

namespace rmhub::grpcx {
namespace {

// Weight of the newest sample in the mean service time: about the last 20 calls count.
constexpr double kServiceTimeWeight = 0.05;

constexpr char kQueueFull[] = "queue_full";
constexpr char kDeadlineUnreachable[] = "deadline_unreachable";
constexpr char kQueueWaitTooLong[] = "queue_wait_too_long";
constexpr char kExpired[] = "expired";
constexpr char kCancelled[] = "cancelled";
constexpr char kQueueTimeout[] = "queue_timeout";
constexpr char kStopped[] = "stopped";

absl::Status Overloaded(const std::string& reason, const std::string& message,
                        absl::Duration retry_after) {
  return WithRetryDelay(ResourceExhausted(reason, message),
                        std::max(retry_after, absl::Milliseconds(50)));
}

}  // namespace

struct CallQueue::Metrics {
  explicit Metrics(prometheus::Registry& registry) {
    depth = &prometheus::BuildGauge()
                 .Name("rmhub_server_queue_depth")
                 .Help("Calls waiting for a worker")
                 .Register(registry)
                 .Add({});
    workers = &prometheus::BuildGauge()
                   .Name("rmhub_server_workers")
                   .Help("Worker threads that run calls")
                   .Register(registry)
                   .Add({});
    wait = &prometheus::BuildHistogram()
                .Name("rmhub_server_queue_wait_seconds")
                .Help("How long calls waited for a worker (every call taken from the queue)")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.0005, 0.001, 0.0025,
                                                                 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                 0.25, 0.5, 1, 2.5, 5, 10, 30});
    executed = &prometheus::BuildCounter()
                    .Name("rmhub_server_executed_total")
                    .Help("Calls whose handler ran on a worker")
                    .Register(registry)
                    .Add({});
    auto& shed_family = prometheus::BuildCounter()
                            .Name("rmhub_server_shed_total")
                            .Help("Calls answered without running, by reason")
                            .Register(registry);
    for (const char* reason : {kQueueFull, kDeadlineUnreachable, kQueueWaitTooLong, kExpired,
                               kCancelled, kQueueTimeout, kStopped}) {
      shed[reason] = &shed_family.Add({{"reason", reason}});
    }
  }
  prometheus::Gauge* depth;
  prometheus::Gauge* workers;
  prometheus::Histogram* wait;
  prometheus::Counter* executed;
  std::map<std::string, prometheus::Counter*> shed;
};

CallQueue::CallQueue(CallQueueOptions options, prometheus::Registry* registry, const Clock& clock)
    : options_(options), clock_(clock) {
  if (registry != nullptr) metrics_ = std::make_unique<Metrics>(*registry);
  int n = std::max(1, options_.workers);
  if (metrics_) metrics_->workers->Set(n);
  workers_.reserve(n);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

CallQueue::~CallQueue() { Stop(); }

int CallQueue::depth() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

absl::Duration CallQueue::EstimatedWait() const {
  // Calls ahead, and this one, share the workers; each takes about the mean service time.
  int64_t rounds = static_cast<int64_t>(queue_.size()) / std::max(1, options_.workers);
  return mean_service_ * rounds;
}

absl::Status CallQueue::Admit(const Call& call, absl::Time now, std::string* label) {
  if (stopping_) {
    *label = kStopped;
    return Unavailable("SERVER_STOPPING", "the server is shutting down; try another replica");
  }
  if (static_cast<int>(queue_.size()) >= options_.max_queue_length) {
    *label = kQueueFull;
    return Overloaded(
        "QUEUE_FULL",
        absl::StrCat("the server has ", queue_.size(), " calls waiting; try again later"),
        EstimatedWait());
  }
  if (idle_workers_ > static_cast<int>(queue_.size())) return absl::OkStatus();
  absl::Duration wait = EstimatedWait();
  if (wait > options_.max_queue_wait) {
    *label = kQueueWaitTooLong;
    return Overloaded("QUEUE_WAIT_TOO_LONG",
                      "the server is overloaded: the wait would exceed its limit", wait);
  }
  if (now + wait >= call.deadline) {
    *label = kDeadlineUnreachable;
    return Overloaded("DEADLINE_UNREACHABLE",
                      "the server is busy: the call could not start before its deadline", wait);
  }
  return absl::OkStatus();
}

void CallQueue::Submit(Call call) {
  absl::Status refused;
  std::string label;
  {
    absl::MutexLock lock(&mu_);
    absl::Time now = clock_.Now();
    refused = Admit(call, now, &label);
    if (refused.ok()) {
      queue_.push_back(Queued{std::move(call), now});
      if (metrics_) metrics_->depth->Set(static_cast<double>(queue_.size()));
      return;
    }
  }
  Shed(call, refused, label);
}

absl::Status CallQueue::CheckRunnable(const Queued& queued, absl::Time now,
                                      std::string* reason) const {
  // The deadline first: gRPC cancels a call whose deadline passed, and that is an expiry.
  if (now >= queued.call.deadline) {
    *reason = kExpired;
    return DeadlineExceeded("DEADLINE_EXCEEDED",
                            "the deadline passed while the call waited for a worker");
  }
  if (queued.call.cancelled && queued.call.cancelled()) {
    *reason = kCancelled;
    return MakeError(absl::StatusCode::kCancelled, "CANCELLED", "call cancelled by the client");
  }
  if (now - queued.enqueued > options_.max_queue_wait) {
    *reason = kQueueTimeout;
    return Overloaded("QUEUE_TIMEOUT", "the call waited too long for a worker; try again",
                      options_.max_queue_wait);
  }
  return absl::OkStatus();
}

void CallQueue::WorkerLoop() {
  for (;;) {
    Queued next;
    {
      absl::MutexLock lock(&mu_);
      ++idle_workers_;
      mu_.Await(absl::Condition(
          +[](CallQueue* q)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu_) { return q->stopping_ || !q->queue_.empty(); },
          this));
      --idle_workers_;
      if (queue_.empty()) return;  // stopping, and nothing left to answer
      next = std::move(queue_.front());
      queue_.pop_front();
      if (metrics_) metrics_->depth->Set(static_cast<double>(queue_.size()));
    }
    Execute(std::move(next));
  }
}

void CallQueue::Execute(Queued queued) {
  absl::Time taken = clock_.Now();
  if (metrics_) metrics_->wait->Observe(absl::ToDoubleSeconds(taken - queued.enqueued));
  std::string reason;
  absl::Status runnable = CheckRunnable(queued, taken, &reason);
  if (!runnable.ok()) {
    Shed(queued.call, runnable, reason);
    return;
  }
  if (metrics_) metrics_->executed->Increment();
  try {
    queued.call.run();
  } catch (const std::exception&) {
    // `run` answers the call itself; an escape here is a bug in the wrapper, not the handler.
    log::Error("queued call threw", {});
  }
  absl::Duration took = clock_.Now() - taken;
  absl::MutexLock lock(&mu_);
  mean_service_ = mean_service_ * (1 - kServiceTimeWeight) + took * kServiceTimeWeight;
}

void CallQueue::Shed(const Call& call, const absl::Status& status, const std::string& reason) {
  if (metrics_) {
    auto it = metrics_->shed.find(reason);
    if (it != metrics_->shed.end()) it->second->Increment();
  }
  if (call.reject) call.reject(status);
}

void CallQueue::Stop() {
  absl::MutexLock serial(&stop_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  if (metrics_) metrics_->workers->Set(0);
}

}  // namespace rmhub::grpcx
