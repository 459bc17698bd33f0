#include "common/outbox/relay.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/sql_error.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"

namespace rmhub::outbox {
namespace {

using rmhub::common::v1::DomainEvent;

class AnalyticsSink final : public EventSink {
 public:
  explicit AnalyticsSink(grpcx::PeerCaller analytics)
      : analytics_(std::move(analytics)),
        stub_(rmhub::analytics::v1::AnalyticsService::NewStub(analytics_.channel())) {}

  absl::Status Publish(const std::vector<DomainEvent>& events) override {
    if (events.empty()) return absl::OkStatus();
    rmhub::analytics::v1::IngestEventsRequest request;
    for (const DomainEvent& e : events) *request.add_events() = e;
    rmhub::analytics::v1::IngestEventsResponse response;
    // No request started this call: the scope has no deadline of its own and a fresh request id.
    return analytics_.Write(grpcx::PeerCallScope(), [&](grpc::ClientContext& context) {
      return stub_->IngestEvents(&context, request, &response);
    });
  }

 private:
  const grpcx::PeerCaller analytics_;
  const std::unique_ptr<rmhub::analytics::v1::AnalyticsService::Stub> stub_;
};

// Holds the relay lock for its lifetime, if it got it.
class RelayLock {
 public:
  explicit RelayLock(db::Connection& conn) : conn_(conn) {
    std::unique_ptr<sql::ResultSet> rs(
        conn_.Prepare(absl::StrCat("SELECT GET_LOCK(", RelayLockNameSql(), ", 0)")).executeQuery());
    held_ = rs->next() && rs->getInt(1) == 1;
  }
  ~RelayLock() {
    if (!held_) return;
    try {
      std::unique_ptr<sql::ResultSet> rs(
          conn_.Prepare(absl::StrCat("SELECT RELEASE_LOCK(", RelayLockNameSql(), ")"))
              .executeQuery());
    } catch (const sql::SQLException&) {
      // The server frees it with the session.
    }
  }
  bool held() const { return held_; }

 private:
  db::Connection& conn_;
  bool held_ = false;
};

struct Batch {
  std::vector<int64_t> ids;
  std::vector<DomainEvent> events;
};

absl::StatusOr<Batch> ReadBatch(db::Connection& conn, int limit) {
  sql::PreparedStatement& ps = conn.Prepare(
      "SELECT id, payload FROM outbox_events WHERE sent_time IS NULL ORDER BY id LIMIT ?");
  ps.setInt(1, limit);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  Batch batch;
  while (rs->next()) {
    DomainEvent event;
    if (!event.ParseFromString(rs->getString(2))) {
      // Stops the queue on purpose: skipping would silently lose an event.
      return Internal("OUTBOX_ROW_UNREADABLE",
                      absl::StrCat("outbox row ", rs->getInt64(1), " does not parse"));
    }
    batch.ids.push_back(rs->getInt64(1));
    batch.events.push_back(std::move(event));
  }
  return batch;
}

// One statement whatever the batch's size: the id list is padded by repeating the last id.
void MarkSent(db::Connection& conn, const std::vector<int64_t>& ids, int batch_size) {
  std::string sql = "UPDATE outbox_events SET sent_time = UTC_TIMESTAMP(6) WHERE id IN (?";
  for (int i = 1; i < batch_size; ++i) sql += ", ?";
  sql += ")";
  sql::PreparedStatement& ps = conn.Prepare(sql);
  for (int i = 0; i < batch_size; ++i) {
    ps.setInt64(i + 1, ids[std::min<size_t>(i, ids.size() - 1)]);
  }
  ps.executeUpdate();
}

// Delivered rows sent before now - retention, at most `limit` of them.
int64_t DeleteDelivered(db::Connection& conn, absl::Duration retention, int limit) {
  sql::PreparedStatement& ps = conn.Prepare(
      "DELETE FROM outbox_events WHERE sent_time IS NOT NULL AND "
      "sent_time < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND LIMIT ?");
  ps.setInt64(1, absl::ToInt64Microseconds(retention));
  ps.setInt(2, limit);
  return ps.executeUpdate();
}

int64_t CountPending(db::Connection& conn) {
  std::unique_ptr<sql::ResultSet> rs(
      conn.Prepare("SELECT COUNT(*) FROM outbox_events WHERE sent_time IS NULL").executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace

const std::string& RelayLockNameSql() {
  static const std::string* sql = new std::string(
      absl::StrCat("CONCAT('", kRelayLockPrefix, "', LEFT(SHA2(DATABASE(), 256), 40))"));
  return *sql;
}

EventSink::~EventSink() = default;

std::unique_ptr<EventSink> MakeAnalyticsSink(grpcx::PeerCaller analytics) {
  return std::make_unique<AnalyticsSink>(std::move(analytics));
}

struct OutboxRelay::Metrics {
  prometheus::Gauge* pending;
  prometheus::Counter* published;
  prometheus::Counter* failures;
  prometheus::Counter* purged;

  explicit Metrics(prometheus::Registry& r)
      : pending(&prometheus::BuildGauge()
                     .Name("rmhub_outbox_pending")
                     .Help("Outbox events not yet accepted by analytics")
                     .Register(r)
                     .Add({})),
        published(&prometheus::BuildCounter()
                       .Name("rmhub_outbox_published_total")
                       .Help("Outbox events accepted by analytics")
                       .Register(r)
                       .Add({})),
        failures(&prometheus::BuildCounter()
                      .Name("rmhub_outbox_publish_failures_total")
                      .Help("Outbox batches analytics did not accept")
                      .Register(r)
                      .Add({})),
        purged(&prometheus::BuildCounter()
                    .Name("rmhub_outbox_purged_total")
                    .Help("Delivered outbox events deleted after the retention")
                    .Register(r)
                    .Add({})) {}
};

OutboxRelay::OutboxRelay(db::ConnectionPool& pool, std::unique_ptr<EventSink> sink,
                         RelayOptions options, prometheus::Registry* registry)
    : pool_(pool), sink_(std::move(sink)), options_(options) {
  if (registry != nullptr) metrics_ = std::make_unique<Metrics>(*registry);
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void OutboxRelay::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status OutboxRelay::RunOnce() { return ShipBatch().status(); }

absl::StatusOr<int64_t> OutboxRelay::PurgeDelivered() {
  if (options_.retention <= absl::ZeroDuration()) return 0;
  const int batch = std::max(1, options_.purge_batch);
  int64_t total = 0;
  for (;;) {
    RMHUB_ASSIGN_OR_RETURN(db::Lease lease, pool_.Acquire());
    int64_t deleted = 0;
    try {
      deleted = DeleteDelivered(*lease, options_.retention, batch);
    } catch (const sql::SQLException& e) {
      if (db::IsConnectionLost(e)) lease.MarkBroken();
      return db::StatusFromSqlException(e);
    }
    total += deleted;
    if (metrics_ && deleted > 0) metrics_->purged->Increment(static_cast<double>(deleted));
    if (deleted < batch) return total;
  }
}

absl::StatusOr<int> OutboxRelay::ShipBatch() {
  RMHUB_ASSIGN_OR_RETURN(db::Lease lease, pool_.Acquire());
  try {
    absl::StatusOr<int> shipped = ShipLocked(*lease);
    if (!shipped.ok() && db::IsUnavailableStatus(shipped.status())) lease.MarkBroken();
    return shipped;
  } catch (const sql::SQLException& e) {
    if (db::IsConnectionLost(e)) lease.MarkBroken();
    return db::StatusFromSqlException(e);
  }
}

absl::StatusOr<int> OutboxRelay::ShipLocked(db::Connection& conn) {
  if (metrics_) metrics_->pending->Set(static_cast<double>(CountPending(conn)));
  RelayLock lock(conn);
  if (!lock.held()) return 0;  // another replica is relaying
  const int batch_size = std::max(1, options_.batch_size);
  RMHUB_ASSIGN_OR_RETURN(Batch batch, ReadBatch(conn, batch_size));
  if (batch.ids.empty()) return 0;
  absl::Status published = sink_->Publish(batch.events);
  if (!published.ok()) {
    if (metrics_) metrics_->failures->Increment();
    return published;
  }
  MarkSent(conn, batch.ids, batch_size);
  if (metrics_) {
    metrics_->published->Increment(static_cast<double>(batch.ids.size()));
    metrics_->pending->Set(static_cast<double>(CountPending(conn)));
  }
  return static_cast<int>(batch.ids.size());
}

absl::Duration OutboxRelay::NextWait(const absl::StatusOr<int>& shipped,
                                     absl::Duration& backoff) const {
  if (!shipped.ok()) {
    absl::Duration wait = backoff;
    backoff = std::min(backoff * 2, options_.max_backoff);
    return wait;
  }
  backoff = options_.initial_backoff;
  // A full batch suggests more is waiting: go again at once.
  return *shipped >= std::max(1, options_.batch_size) ? absl::ZeroDuration()
                                                      : options_.poll_interval;
}

void OutboxRelay::Loop() {
  absl::Duration backoff = options_.initial_backoff;
  absl::Time next_purge = absl::Now();
  for (;;) {
    if (absl::Now() >= next_purge) {
      next_purge = absl::Now() + options_.purge_interval;
      absl::StatusOr<int64_t> purged = PurgeDelivered();
      if (!purged.ok()) {
        log::Warn("outbox purge failed",
                  {{"code", absl::StatusCodeToString(purged.status().code())},
                   {"error", purged.status().message()}});
      }
    }
    absl::StatusOr<int> shipped = ShipBatch();
    absl::Duration wait = NextWait(shipped, backoff);
    if (!shipped.ok()) {
      // The operator's first clue (runbook RmhubOutboxRelayFailing); statuses carry no PII.
      log::Warn("outbox relay failed", {{"code", absl::StatusCodeToString(shipped.status().code())},
                                        {"reason", ErrorReason(shipped.status())},
                                        {"error", shipped.status().message()},
                                        {"retry_in_ms", absl::ToInt64Milliseconds(wait)}});
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
    if (stopping_) return;
  }
}

}  // namespace rmhub::outbox
