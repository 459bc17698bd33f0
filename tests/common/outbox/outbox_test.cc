// Event envelopes and appending them inside a transaction (committed or rolled back).
#include "common/outbox/outbox.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

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
      MakeEvent("team", "team.member.created", "members/42", "members/7", Fen(100), kT0, 3);
  EXPECT_TRUE(std::regex_match(
      e.event_id(),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << e.event_id();
  EXPECT_EQ(e.source(), "team");
  EXPECT_EQ(e.type(), "team.member.created");
  EXPECT_EQ(e.aggregate(), "members/42");
  EXPECT_EQ(e.actor(), "members/7");
  EXPECT_EQ(e.aggregate_version(), 3);
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
  ASSERT_TRUE(
      db::RunInTransaction(*pool_, [&](db::Connection& c) { return AppendEvent(c, e); }).ok());
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
  EXPECT_EQ(back.SerializeAsString(), e.SerializeAsString());
}

TEST_F(AppendEventTest, RollsBackWithTheTransaction) {
  absl::Status s = db::RunInTransaction(*pool_, [&](db::Connection& c) {
    RMHUB_RETURN_IF_ERROR(AppendEvent(c, MakeEvent("team", "t.x", "a/1", "m/1", Fen(1), kT0)));
    return FailedPrecondition("LATER_CHECK_FAILED", "no");
  });
  EXPECT_EQ(ErrorReason(s), "LATER_CHECK_FAILED");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events"), 0);
}

TEST_F(AppendEventTest, RejectsIncompleteAndDuplicateEvents) {
  DomainEvent e = MakeEvent("team", "t.x", "a/1", "m/1", Fen(1), kT0);
  DomainEvent no_type = e;
  no_type.clear_type();
  absl::Status s =
      db::RunInTransaction(*pool_, [&](db::Connection& c) { return AppendEvent(c, no_type); });
  EXPECT_EQ(ErrorReason(s), "EVENT_INVALID");
  s = db::RunInTransaction(*pool_, [&](db::Connection& c) {
    RMHUB_RETURN_IF_ERROR(AppendEvent(c, e));
    return AppendEvent(c, e);
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events"), 0);
}

}  // namespace
}  // namespace rmhub::outbox
