#pragma once
// Ships committed outbox rows to analytics: unsent rows in id order, in batches; a batch is
// marked sent only after the sink accepted it, so delivery is at least once (a crash between
// the two re-sends the batch; analytics deduplicates on event_id). On failure the relay waits
// with exponential backoff and tries the same rows again.
//
// One relay at a time across replicas: each poll takes the database's named lock
// (kRelayLockPrefix + the first 40 hex digits of SHA2(DATABASE(), 256)) without waiting, and a
// replica that does not get it skips the poll. It holds one pool connection while a batch is
// in flight (at most the sink's deadline).
//
// Order: rows are read in id (insert) order. Two transactions can commit in the opposite order
// of their inserts, so across aggregates delivery order is commit-ish, not strict; for one
// aggregate, changes serialised by its row lock are shipped in order, and aggregate_version
// lets a consumer check.
//
// Retention: delivered rows (sent_time set) older than RelayOptions::retention are deleted by the
// relay's thread, at most purge_batch rows per statement and at most once per purge_interval, so
// the outbox holds only what analytics has not taken yet plus a recent window for inspection.
// Undelivered rows are never deleted.
//
// Metrics (with a registry): rmhub_outbox_pending (gauge), rmhub_outbox_published_total,
// rmhub_outbox_publish_failures_total, rmhub_outbox_purged_total.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/grpc/peer_call.h"
#include "rmhub/common/v1/event.pb.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace rmhub::outbox {

inline constexpr char kRelayLockPrefix[] = "rmhub_outbox.";
// The lock name as a SQL expression, kept in SQL so every replica derives the same name from the
// database it is connected to.
const std::string& RelayLockNameSql();

class EventSink {
 public:
  virtual ~EventSink();
  // OK only when every event of the batch was accepted.
  virtual absl::Status Publish(const std::vector<rmhub::common::v1::DomainEvent>& events) = 0;
};

// AnalyticsService.IngestEvents through `analytics`: each batch is one call (a write, sent once;
// the relay retries the batch) with the peer's max_timeout, a fresh request id and this service's
// credentials.
std::unique_ptr<EventSink> MakeAnalyticsSink(grpcx::PeerCaller analytics);

struct RelayOptions {
  int batch_size = 100;
  absl::Duration poll_interval = absl::Milliseconds(500);
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  // How long delivered rows are kept; zero or negative keeps them forever.
  absl::Duration retention = absl::Hours(24 * 7);
  absl::Duration purge_interval = absl::Minutes(1);
  int purge_batch = 1000;
};

class OutboxRelay {
 public:
  OutboxRelay(db::ConnectionPool& pool, std::unique_ptr<EventSink> sink, RelayOptions options = {},
              prometheus::Registry* registry = nullptr);
  ~OutboxRelay();  // stops the thread
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Starts the background thread (once).
  void Start();
  // Stops it and joins; a batch in flight finishes first (bounded by the sink's deadline).
  void Stop();
  // One poll and ship; OK when nothing was pending or another replica holds the lock.
  absl::Status RunOnce();
  // As RunOnce, returning how many events were shipped.
  absl::StatusOr<int> ShipBatch();
  // Deletes delivered rows older than the retention (until none is left, purge_batch rows per
  // statement); returns how many. 0 when retention is off.
  absl::StatusOr<int64_t> PurgeDelivered();

 private:
  struct Metrics;
  void Loop();
  absl::Duration NextWait(const absl::StatusOr<int>& shipped, absl::Duration& backoff) const;
  absl::StatusOr<int> ShipLocked(db::Connection& conn);

  db::ConnectionPool& pool_;
  std::unique_ptr<EventSink> sink_;
  const RelayOptions options_;
  std::unique_ptr<Metrics> metrics_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rmhub::outbox
