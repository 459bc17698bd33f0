// The transaction helper against the private MariaDB: commit, rollback (returned error or thrown
// exception), duplicate keys, and a real deadlock that must be retried.
#include "common/db/transaction.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/status/errors.h"
#include "tests/support/test_database.h"

namespace rmhub::db {
namespace {

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("db_tx");
    ASSERT_TRUE(db_->Execute("CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL) "
                             "ENGINE=InnoDB")
                    .ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO accounts VALUES (1, 100), (2, 100)").ok());
    auto pool = ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
  }

  int64_t Scalar(const std::string& sql) { return db_->QueryInt(sql).value_or(-1); }

  static void Insert(Connection& c, int id, int balance) {
    sql::PreparedStatement& ps = c.Prepare("INSERT INTO accounts (id, balance) VALUES (?, ?)");
    ps.setInt(1, id);
    ps.setInt(2, balance);
    ps.executeUpdate();
  }

  // Locks row `first`, waits until the other thread holds its row, then locks row `second`
  // and adds 1 to both: two of these in opposite order make a real deadlock (1213).
  static void LockBoth(Connection& c, int first, int second, bool wait_for_other,
                       absl::Notification& mine, absl::Notification& other) {
    sql::PreparedStatement& lock =
        c.Prepare("UPDATE accounts SET balance = balance + 1 WHERE id = ?");
    lock.setInt(1, first);
    lock.executeUpdate();
    if (wait_for_other) {
      mine.Notify();
      other.WaitForNotification();
    }
    lock.setInt(1, second);
    lock.executeUpdate();
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(TransactionTest, CommitsTheBody) {
  absl::Status s = RunInTransaction(*pool_, [](Connection& c) {
    Insert(c, 3, 5);
    Insert(c, 4, 6);
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(Scalar("SELECT SUM(balance) FROM accounts WHERE id IN (3, 4)"), 11);
}

TEST_F(TransactionTest, ABodyErrorRollsBackAndIsReturnedAsIs) {
  int runs = 0;
  absl::Status s = RunInTransaction(*pool_, [&](Connection& c) {
    ++runs;
    Insert(c, 3, 5);
    return FailedPrecondition("CAP_REACHED", "no");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "CAP_REACHED");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM accounts"), 2);
  // The connection went back clean: the next transaction commits normally.
  ASSERT_TRUE(RunInTransaction(*pool_, [](Connection& c) {
                Insert(c, 5, 1);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM accounts"), 3);
}

TEST_F(TransactionTest, AThrownErrorRollsBackEarlierStatements) {
  absl::Status s = RunInTransaction(*pool_, [](Connection& c) {
    Insert(c, 3, 5);
    c.Execute("INSERT INTO no_such_table VALUES (1)");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(s), "DB_ERROR");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM accounts"), 2);
}

TEST_F(TransactionTest, ADuplicateKeyIsAlreadyExistsAndRollsBack) {
  absl::Status s = RunInTransaction(*pool_, [](Connection& c) {
    Insert(c, 3, 5);
    Insert(c, 1, 5);
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(s), "DUPLICATE_KEY");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM accounts"), 2);
}

TEST_F(TransactionTest, ARealDeadlockIsRetriedUntilBothCommit) {
  absl::Notification a_locked, b_locked;
  std::atomic<int> a_runs{0}, b_runs{0};
  absl::Status a_status, b_status;
  std::thread a([&] {
    a_status = RunInTransaction(*pool_, [&](Connection& c) {
      LockBoth(c, 1, 2, a_runs.fetch_add(1) == 0, a_locked, b_locked);
      return absl::OkStatus();
    });
  });
  std::thread b([&] {
    b_status = RunInTransaction(*pool_, [&](Connection& c) {
      LockBoth(c, 2, 1, b_runs.fetch_add(1) == 0, b_locked, a_locked);
      return absl::OkStatus();
    });
  });
  a.join();
  b.join();
  EXPECT_TRUE(a_status.ok()) << a_status;
  EXPECT_TRUE(b_status.ok()) << b_status;
  EXPECT_GT(a_runs + b_runs, 2) << "one side must have been the deadlock victim and re-run";
  // Each body added 1 to both rows exactly once in the end: the victim's first run left nothing.
  EXPECT_EQ(Scalar("SELECT balance FROM accounts WHERE id = 1"), 102);
  EXPECT_EQ(Scalar("SELECT balance FROM accounts WHERE id = 2"), 102);
}

TEST_F(TransactionTest, ARetryableStatusFromTheBodyIsRetriedAtMostMaxAttempts) {
  int runs = 0;
  absl::Status s = RunInTransaction(*pool_, [&](Connection& c) {
    Insert(c, 10 + runs, 1);
    return ++runs < 3 ? Aborted("DB_RETRYABLE", "conflict") : absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM accounts WHERE id >= 10"), 1);  // only the last run's

  runs = 0;
  TransactionOptions options;
  options.max_attempts = 2;
  s = RunInTransaction(
      *pool_, [&](Connection&) { return ++runs, Aborted("DB_RETRYABLE", "conflict"); }, options);
  EXPECT_EQ(ErrorReason(s), "DB_RETRYABLE");
  EXPECT_EQ(runs, 2);
}

TEST_F(TransactionTest, OtherAbortedStatusesAreNotRetried) {
  int runs = 0;
  absl::Status s = RunInTransaction(*pool_, [&](Connection&) {
    ++runs;
    return Aborted("ETAG_MISMATCH", "stale");
  });
  EXPECT_EQ(ErrorReason(s), "ETAG_MISMATCH");
  EXPECT_EQ(runs, 1);
}

TEST_F(TransactionTest, QueryHelpersReturnTheValue) {
  absl::StatusOr<int64_t> sum =
      QueryInTransaction<int64_t>(*pool_, [](Connection& c) -> absl::StatusOr<int64_t> {
        std::unique_ptr<sql::ResultSet> rs(
            c.Prepare("SELECT SUM(balance) FROM accounts").executeQuery());
        rs->next();
        return rs->getInt64(1);
      });
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, 200);
  absl::StatusOr<int64_t> missing = QueryWithConnection<int64_t>(
      *pool_, [](Connection&) -> absl::StatusOr<int64_t> { return NotFound("NONE", "none"); });
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rmhub::db
