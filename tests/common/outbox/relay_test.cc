// The relay against an in-process AnalyticsService on 127.0.0.1 (port 0) that fails its first
// calls: order, exactly the committed rows, retry after failure, marking sent, the cross-replica
// lock, and the background thread.
#include "common/outbox/relay.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/clock/clock.h"
#include "common/db/migrations.h"
#include "common/db/transaction.h"
#include "common/encoding/uuid.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "rmhub/common/v1/common.pb.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_database.h"

namespace rmhub::outbox {
namespace {

using rmhub::analytics::v1::AnalyticsService;
using rmhub::analytics::v1::IngestEventsRequest;
using rmhub::analytics::v1::IngestEventsResponse;
using rmhub::common::v1::DomainEvent;

// Fails the first `failures` calls with UNAVAILABLE, then records what it receives.
class FakeAnalytics final : public AnalyticsService::Service {
 public:
  explicit FakeAnalytics(int failures) : failures_left_(failures) {}

  grpc::Status IngestEvents(grpc::ServerContext* context, const IngestEventsRequest* request,
                            IngestEventsResponse* response) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    for (const auto& [key, value] : context->client_metadata()) {
      metadata_[std::string(key.data(), key.size())] = std::string(value.data(), value.size());
    }
    if (failures_left_ > 0) {
      --failures_left_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "analytics is warming up");
    }
    for (const DomainEvent& e : request->events()) received_.push_back(e);
    response->set_accepted_count(request->events_size());
    return grpc::Status::OK;
  }

  std::vector<std::string> ReceivedAggregates() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (const DomainEvent& e : received_) out.push_back(e.aggregate());
    return out;
  }
  std::vector<DomainEvent> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  // The last call's value of metadata `key`, "" if it had none.
  std::string metadata(const std::string& key) {
    absl::MutexLock lock(&mu_);
    auto it = metadata_.find(key);
    return it == metadata_.end() ? "" : it->second;
  }

 private:
  absl::Mutex mu_;
  int failures_left_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, std::string> metadata_ ABSL_GUARDED_BY(mu_);
  std::vector<DomainEvent> received_ ABSL_GUARDED_BY(mu_);
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("outbox_relay");
    auto pool = db::ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_TRUE(db::ApplyMigrations(*pool_, {}).ok());
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  }

  void StartAnalytics(int failures) {
    analytics_ = std::make_unique<FakeAnalytics>(failures);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(analytics_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }

  grpcx::PeerCaller Analytics(std::shared_ptr<const auth::ServiceCallAuth> auth) {
    grpcx::PeerCallOptions options;
    options.max_timeout = absl::Seconds(10);
    return grpcx::PeerCaller(channel_, std::move(auth), options);
  }

  std::unique_ptr<OutboxRelay> MakeRelay(int batch_size = 100) {
    RelayOptions options;
    options.batch_size = batch_size;
    options.poll_interval = absl::Milliseconds(5);
    options.initial_backoff = absl::Milliseconds(1);
    options.max_backoff = absl::Milliseconds(20);
    return std::make_unique<OutboxRelay>(*pool_, MakeAnalyticsSink(Analytics(nullptr)), options,
                                         &registry_);
  }

  // Appends an event for `aggregate` in its own transaction; rolled back when `commit` is false.
  void Append(const std::string& aggregate, bool commit = true) {
    rmhub::common::v1::Money payload;
    payload.set_minor_units(1);
    absl::Status s = db::RunInTransaction(*pool_, [&](db::Connection& c) -> absl::Status {
      RMHUB_RETURN_IF_ERROR(
          AppendEvent(c, MakeEvent("team", "team.test.happened", aggregate, "members/1", payload,
                                   absl::FromUnixSeconds(1767225600)))
              .status());
      return commit ? absl::OkStatus() : Aborted("TEST_ROLLBACK", "rolled back on purpose");
    });
    EXPECT_EQ(s.ok(), commit) << s;
  }

  int64_t Unsent() {
    return db_->QueryInt("SELECT COUNT(*) FROM outbox_events WHERE sent_time IS NULL").value_or(-1);
  }
  double Metric(const std::string& name) {
    return testing::MetricValue(registry_, name).value_or(-1);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  prometheus::Registry registry_;
  std::unique_ptr<FakeAnalytics> analytics_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RelayTest, ShipsCommittedRowsInOrderAfterRetryingFailures) {
  StartAnalytics(/*failures=*/2);
  Append("a/1");
  Append("a/rolled-back", /*commit=*/false);
  Append("a/2");
  Append("a/3");
  auto relay = MakeRelay();

  for (int i = 0; i < 2; ++i) {
    absl::Status failed = relay->RunOnce();
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
    EXPECT_EQ(Unsent(), 3) << "nothing is marked sent before analytics accepts it";
  }
  EXPECT_EQ(Metric("rmhub_outbox_publish_failures_total"), 2);
  EXPECT_EQ(Metric("rmhub_outbox_pending"), 3);

  ASSERT_TRUE(relay->RunOnce().ok());
  EXPECT_EQ(analytics_->ReceivedAggregates(), (std::vector<std::string>{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(Unsent(), 0);
  EXPECT_EQ(Metric("rmhub_outbox_published_total"), 3);
  EXPECT_EQ(Metric("rmhub_outbox_pending"), 0);

  // The envelope arrives as it was appended.
  std::vector<DomainEvent> got = analytics_->received();
  EXPECT_EQ(got[0].type(), "team.test.happened");
  EXPECT_EQ(
      got[0].event_id(),
      db_->QueryString("SELECT event_id FROM outbox_events ORDER BY id LIMIT 1").value_or(""));

  // Nothing pending: no call at all, and nothing shipped twice.
  const int calls = analytics_->calls();
  ASSERT_TRUE(relay->RunOnce().ok());
  EXPECT_EQ(analytics_->calls(), calls);
  Append("a/4");
  ASSERT_TRUE(relay->RunOnce().ok());
  EXPECT_EQ(analytics_->ReceivedAggregates(),
            (std::vector<std::string>{"a/1", "a/2", "a/3", "a/4"}));
}

TEST_F(RelayTest, ShipsInBatchesKeepingTheOrder) {
  StartAnalytics(0);
  for (int i = 1; i <= 5; ++i) Append("b/" + std::to_string(i));
  auto relay = MakeRelay(/*batch_size=*/2);
  absl::StatusOr<int> shipped = relay->ShipBatch();
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(*shipped, 2);
  EXPECT_EQ(Unsent(), 3);
  EXPECT_EQ(relay->ShipBatch().value_or(-1), 2);
  EXPECT_EQ(relay->ShipBatch().value_or(-1), 1);  // the last id padded the IN list
  EXPECT_EQ(relay->ShipBatch().value_or(-1), 0);
  EXPECT_EQ(analytics_->ReceivedAggregates(),
            (std::vector<std::string>{"b/1", "b/2", "b/3", "b/4", "b/5"}));
  EXPECT_EQ(analytics_->calls(), 3);
}

TEST_F(RelayTest, DeliveredRowsArePurgedAfterTheRetentionAndUndeliveredNever) {
  StartAnalytics(0);
  for (int i = 1; i <= 5; ++i) Append("p/" + std::to_string(i));
  RelayOptions options;
  options.purge_batch = 2;  // several statements
  options.retention = absl::Hours(24);
  OutboxRelay relay(*pool_, MakeAnalyticsSink(Analytics(nullptr)), options, &registry_);
  ASSERT_EQ(relay.ShipBatch().value_or(-1), 5);
  Append("p/6");  // not delivered
  // Three delivered rows are older than the retention, two are recent.
  ASSERT_TRUE(db_->Execute("UPDATE outbox_events SET sent_time = UTC_TIMESTAMP(6) - INTERVAL 2 DAY "
                           "WHERE aggregate IN ('p/1', 'p/2', 'p/3')")
                  .ok());
  absl::StatusOr<int64_t> purged = relay.PurgeDelivered();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM outbox_events").value_or(-1), 3);
  EXPECT_EQ(Unsent(), 1);
  EXPECT_EQ(Metric("rmhub_outbox_purged_total"), 3);
  EXPECT_EQ(relay.PurgeDelivered().value_or(-1), 0);
  // Undelivered rows stay whatever their age.
  ASSERT_TRUE(db_->Execute("UPDATE outbox_events SET create_time = UTC_TIMESTAMP(6) - INTERVAL 30 "
                           "DAY WHERE sent_time IS NULL")
                  .ok());
  EXPECT_EQ(relay.PurgeDelivered().value_or(-1), 0);
  EXPECT_EQ(Unsent(), 1);
  // Retention off keeps everything.
  options.retention = absl::ZeroDuration();
  OutboxRelay keeper(*pool_, MakeAnalyticsSink(Analytics(nullptr)), options, nullptr);
  ASSERT_TRUE(db_->Execute("UPDATE outbox_events SET sent_time = UTC_TIMESTAMP(6) - INTERVAL 9 DAY "
                           "WHERE sent_time IS NOT NULL")
                  .ok());
  EXPECT_EQ(keeper.PurgeDelivered().value_or(-1), 0);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM outbox_events").value_or(-1), 3);
}

TEST_F(RelayTest, OnlyTheReplicaHoldingTheLockShips) {
  StartAnalytics(0);
  Append("c/1");
  // Another replica holds the relay lock: a session of its own on the same database.
  auto other = db::ConnectionPool::Create(db_->config());
  ASSERT_TRUE(other.ok());
  absl::StatusOr<db::Lease> other_session = (*other)->Acquire();
  ASSERT_TRUE(other_session.ok()) << other_session.status();
  const std::string& lock = outbox::RelayLockNameSql();
  std::unique_ptr<sql::ResultSet> got(
      (*other_session)->Prepare("SELECT GET_LOCK(" + lock + ", 0)").executeQuery());
  ASSERT_TRUE(got->next());
  ASSERT_EQ(got->getInt(1), 1);

  auto relay = MakeRelay();
  EXPECT_EQ(relay->ShipBatch().value_or(-1), 0);
  EXPECT_EQ(analytics_->calls(), 0);
  EXPECT_EQ(Unsent(), 1);

  other_session = absl::UnavailableError("replica stopped");  // its session ends, so does the lock
  other->reset();
  // MariaDB frees a closed session's locks when its thread notices the disconnect, which on a busy
  // machine can come after the next statement: wait for it (bounded), then the relay ships.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (db_->QueryInt("SELECT IS_FREE_LOCK(" + lock + ")").value_or(0) != 1 &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(relay->ShipBatch().value_or(-1), 1);
  EXPECT_EQ(Unsent(), 0);
}

TEST_F(RelayTest, TheBackgroundThreadRetriesUntilEverythingIsShipped) {
  StartAnalytics(/*failures=*/3);
  for (int i = 1; i <= 3; ++i) Append("d/" + std::to_string(i));
  auto relay = MakeRelay();
  relay->Start();
  // Bounded wait for the outcome; how long it takes is not what is tested.
  for (int i = 0; i < 2000 && Unsent() != 0; ++i) absl::SleepFor(absl::Milliseconds(10));
  relay->Stop();
  EXPECT_EQ(Unsent(), 0);
  EXPECT_EQ(analytics_->ReceivedAggregates(), (std::vector<std::string>{"d/1", "d/2", "d/3"}));
  EXPECT_EQ(Metric("rmhub_outbox_publish_failures_total"), 3);
  relay->Stop();  // idempotent
}

TEST_F(RelayTest, TheSinkCallsLikeEveryPeerCall) {
  StartAnalytics(0);
  auth::AuthConfig config;
  config.dev_mode = true;
  config.jwt_hs256_secret = std::string(32, 's');
  auto call_auth = auth::ServiceCallAuth::Create(config, "team", RealClock::Instance());
  ASSERT_TRUE(call_auth.ok()) << call_auth.status();
  auto sink = MakeAnalyticsSink(Analytics(*std::move(call_auth)));
  std::vector<DomainEvent> events(1);
  events[0].set_event_id(encoding::NewUuidV4());
  ASSERT_TRUE(sink->Publish(events).ok());
  EXPECT_TRUE(absl::StartsWith(analytics_->metadata("authorization"), "Bearer "));
  EXPECT_FALSE(analytics_->metadata("x-request-id").empty());
}

TEST_F(RelayTest, AnUnreachableAnalyticsIsAFailureNotAHang) {
  StartAnalytics(0);
  Append("e/1");
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
  server_.reset();
  auto relay = MakeRelay();
  absl::Status s = relay->RunOnce();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Unsent(), 1);
}

}  // namespace
}  // namespace rmhub::outbox
