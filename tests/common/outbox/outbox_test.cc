// Event envelopes and appending them inside a transaction (committed or rolled back).
#include "common/outbox/outbox.h"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "common/db/migrations.h"
#include "common/db/transaction.h"
#include "common/status/errors.h"
#include "rmhub/common/v1/common.pb.h"
#include "tests/support/test_database.h"

namespace rmhub::outbox {
namespace {

using rmhub::common::v1::DomainEvent;
using rmhub::common::v1::Money;

const absl::Time kT0 = absl::FromUnixMicros(1767225600123456);  // 2026-01-01T00:00:00.123456Z

Money Fen(int64_t units) {
  Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(units);
  return m;
}

TEST(MakeEventTest, FillsTheEnvelope) {
  DomainEvent e =
      MakeEvent("team", "team.member.created", "members/42", "members/7", Fen(100), kT0);
  EXPECT_TRUE(std::regex_match(
      e.event_id(),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << e.event_id();
  EXPECT_EQ(e.source(), "team");
  EXPECT_EQ(e.type(), "team.member.created");
  EXPECT_EQ(e.aggregate(), "members/42");
  EXPECT_EQ(e.actor(), "members/7");
  EXPECT_EQ(e.aggregate_version(), 0) << "AppendEvent allocates the version";
  EXPECT_EQ(e.occur_time().seconds(), 1767225600);
  EXPECT_EQ(e.occur_time().nanos(), 123456000);
  Money back;
  ASSERT_TRUE(e.payload().UnpackTo(&back));
  EXPECT_EQ(back.minor_units(), 100);
}

TEST(MakeEventTest, EventIdsAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.insert(MakeEvent("team", "t", "a/1", "members/1", Money(), absl::UnixEpoch()).event_id());
  }
  EXPECT_EQ(ids.size(), 1000u);
}

class AppendEventTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("outbox");
    auto pool = db::ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_TRUE(db::ApplyMigrations(*pool_, {}).ok());
  }
  int64_t Scalar(const std::string& sql) { return db_->QueryInt(sql).value_or(-1); }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

TEST_F(AppendEventTest, CommitsWithTheTransactionAndRoundTrips) {
  DomainEvent e = MakeEvent("team", "team.branch.created", "branches/1", "members/1", Fen(5), kT0);
  ASSERT_TRUE(db::RunInTransaction(*pool_, [&](db::Connection& c) {
                return AppendEvent(c, e).status();
              }).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE sent_time IS NULL"), 1);
  EXPECT_EQ(db_->QueryString("SELECT event_type FROM outbox_events").value_or(""),
            "team.branch.created");
  EXPECT_EQ(db_->QueryString("SELECT event_id FROM outbox_events").value_or(""), e.event_id());
  absl::StatusOr<std::string> stored = db::QueryWithConnection<std::string>(
      *pool_, [](db::Connection& c) -> absl::StatusOr<std::string> {
        std::unique_ptr<sql::ResultSet> rs(
            c.Prepare("SELECT payload FROM outbox_events").executeQuery());
        rs->next();
        return std::string(rs->getString(1));
      });
  ASSERT_TRUE(stored.ok()) << stored.status();
  DomainEvent back;
  ASSERT_TRUE(back.ParseFromString(*stored));
  e.set_aggregate_version(1);  // the aggregate's first event
  EXPECT_EQ(back.SerializeAsString(), e.SerializeAsString());
}

// Appends one event for `aggregate` in its own transaction and returns the version it got
// (read back from the stored payload, as a consumer would); rolled back when `commit` is false.
int64_t AppendOne(db::ConnectionPool& pool, const std::string& aggregate, bool commit = true) {
  int64_t version = -1;
  absl::Status s = db::RunInTransaction(pool, [&](db::Connection& c) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(version,
                           AppendEvent(c, MakeEvent("team", "t.x", aggregate, "m/1", Fen(1), kT0)));
    return commit ? absl::OkStatus() : Aborted("TEST_ROLLBACK", "rolled back on purpose");
  });
  EXPECT_EQ(s.ok(), commit) << s;
  return version;
}

TEST_F(AppendEventTest, VersionsIncreaseByOnePerAggregateAndRollbacksGiveTheirNumberBack) {
  EXPECT_EQ(AppendOne(*pool_, "customers/1"), 1);
  EXPECT_EQ(AppendOne(*pool_, "customers/1"), 2);
  EXPECT_EQ(AppendOne(*pool_, "customers/2"), 1);
  AppendOne(*pool_, "customers/1", /*commit=*/false);
  EXPECT_EQ(AppendOne(*pool_, "customers/1"), 3);
  // Two events of one aggregate in one transaction get consecutive versions.
  ASSERT_TRUE(
      db::RunInTransaction(*pool_, [&](db::Connection& c) -> absl::Status {
        RMHUB_RETURN_IF_ERROR(
            AppendEvent(c, MakeEvent("team", "t.a", "customers/2", "m/1", Fen(1), kT0)).status());
        return AppendEvent(c, MakeEvent("team", "t.b", "customers/2", "m/1", Fen(1), kT0)).status();
      }).ok());
  absl::StatusOr<std::vector<int64_t>> versions = db::QueryWithConnection<std::vector<int64_t>>(
      *pool_, [](db::Connection& c) -> absl::StatusOr<std::vector<int64_t>> {
        std::unique_ptr<sql::ResultSet> rs(
            c.Prepare(
                 "SELECT payload FROM outbox_events WHERE aggregate = 'customers/2' ORDER BY id")
                .executeQuery());
        std::vector<int64_t> out;
        while (rs->next()) {
          DomainEvent e;
          e.ParseFromString(std::string(rs->getString(1)));
          out.push_back(e.aggregate_version());
        }
        return out;
      });
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(*versions, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(AppendEventTest, ConcurrentWritersOfOneAggregateNeverShareAVersion) {
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<int64_t> seen;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        const int64_t v = AppendOne(*pool_, "members/9");
        std::lock_guard<std::mutex> lock(mu);
        seen.insert(v);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), kThreads * kEach);
}

TEST_F(AppendEventTest, RollsBackWithTheTransaction) {
  absl::Status s = db::RunInTransaction(*pool_, [&](db::Connection& c) {
    RMHUB_RETURN_IF_ERROR(
        AppendEvent(c, MakeEvent("team", "t.x", "a/1", "m/1", Fen(1), kT0)).status());
    return FailedPrecondition("LATER_CHECK_FAILED", "no");
  });
  EXPECT_EQ(ErrorReason(s), "LATER_CHECK_FAILED");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events"), 0);
}

TEST_F(AppendEventTest, RejectsIncompleteAndDuplicateEvents) {
  DomainEvent e = MakeEvent("team", "t.x", "a/1", "m/1", Fen(1), kT0);
  DomainEvent no_type = e;
  no_type.clear_type();
  absl::Status s = db::RunInTransaction(
      *pool_, [&](db::Connection& c) { return AppendEvent(c, no_type).status(); });
  EXPECT_EQ(ErrorReason(s), "EVENT_INVALID");
  s = db::RunInTransaction(*pool_, [&](db::Connection& c) {
    RMHUB_RETURN_IF_ERROR(AppendEvent(c, e).status());
    return AppendEvent(c, e).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events"), 0);
}

}  // namespace
}  // namespace rmhub::outbox
