// Migrations against the private MariaDB: applied once in name order with the runtime's tables
// first, a changed file refused, a failing file reported and not recorded, concurrent replicas.
#include "common/db/migrations.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/status/errors.h"
#include "tests/support/test_database.h"

namespace rmhub::db {
namespace {

std::vector<MigrationFile> ServiceFiles() {
  return {
      // Out of order on purpose: they are applied by name.
      {"0002_seed.sql",
       "-- seed rows\nINSERT INTO things (id, label) VALUES (1, 'a');\n"
       "INSERT INTO things (id, label) VALUES (2, 'b;c');\n"},
      {"0001_initial.sql",
       "CREATE TABLE things (\n  id INT PRIMARY KEY,\n"
       "  label VARCHAR(20) NOT NULL\n) ENGINE=InnoDB;\n"},
  };
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("db_migrations");
    pool_ = NewPool();
  }

  std::unique_ptr<ConnectionPool> NewPool() {
    auto pool = ConnectionPool::Create(db_->config());
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  int64_t Scalar(const std::string& sql) { return db_->QueryInt(sql).value_or(-1); }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(MigrationsTest, AppliesRuntimeThenServiceFilesOnce) {
  absl::StatusOr<bool> before = MigrationsApplied(*pool_, ServiceFiles());
  ASSERT_TRUE(before.ok()) << before.status();  // no schema_migrations table yet: just false
  EXPECT_FALSE(*before);

  ASSERT_TRUE(ApplyMigrations(*pool_, ServiceFiles()).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM things"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(RuntimeMigrations().size() + 2));
  EXPECT_EQ(db_->QueryString("SELECT name FROM schema_migrations ORDER BY applied_at, name LIMIT 1")
                .value_or(""),
            "runtime/0001_idempotency_records.sql");
  EXPECT_EQ(db_->QueryString("SELECT checksum FROM schema_migrations WHERE name = "
                             "'0001_initial.sql'")
                .value_or("")
                .size(),
            64u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM idempotency_records"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events"), 0);
  EXPECT_TRUE(MigrationsApplied(*pool_, ServiceFiles()).value_or(false));

  // A second start changes nothing (the INSERTs would fail on their primary key if re-run).
  ASSERT_TRUE(ApplyMigrations(*pool_, ServiceFiles()).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM things"), 2);
}

TEST_F(MigrationsTest, ANewFileIsAppliedOnTheNextStart) {
  ASSERT_TRUE(ApplyMigrations(*pool_, ServiceFiles()).ok());
  std::vector<MigrationFile> next = ServiceFiles();
  next.push_back({"0003_more.sql", "ALTER TABLE things ADD COLUMN note VARCHAR(10) NULL;"});
  EXPECT_FALSE(MigrationsApplied(*pool_, next).value_or(true));
  ASSERT_TRUE(ApplyMigrations(*pool_, next).ok());
  EXPECT_TRUE(MigrationsApplied(*pool_, next).value_or(false));
  EXPECT_TRUE(db_->Execute("UPDATE things SET note = 'x'").ok());
}

TEST_F(MigrationsTest, AChangedAppliedFileIsRefused) {
  ASSERT_TRUE(ApplyMigrations(*pool_, ServiceFiles()).ok());
  std::vector<MigrationFile> edited = ServiceFiles();
  edited[1].sql += "\n-- an innocent-looking comment\n";
  absl::Status s = ApplyMigrations(*pool_, edited);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "MIGRATION_CHANGED");
  EXPECT_NE(std::string(s.message()).find("0001_initial.sql"), std::string::npos) << s;
  absl::StatusOr<bool> applied = MigrationsApplied(*pool_, edited);
  EXPECT_EQ(ErrorReason(applied.status()), "MIGRATION_CHANGED");
}

TEST_F(MigrationsTest, AFailingFileIsNamedAndNotRecorded) {
  std::vector<MigrationFile> files = ServiceFiles();
  files.push_back({"0003_broken.sql",
                   "ALTER TABLE things ADD COLUMN ok INT NULL;\n"
                   "ALTER TABLE no_such_table ADD COLUMN x INT;\n"});
  absl::Status s = ApplyMigrations(*pool_, files);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "MIGRATION_FAILED");
  EXPECT_NE(std::string(s.message()).find("0003_broken.sql"), std::string::npos) << s;
  EXPECT_NE(std::string(s.message()).find("statement 2"), std::string::npos) << s;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM schema_migrations WHERE name = '0003_broken.sql'"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM schema_migrations WHERE name = '0002_seed.sql'"), 1);
}

TEST_F(MigrationsTest, DuplicateNamesAreRefused) {
  std::vector<MigrationFile> files = ServiceFiles();
  files.push_back(files[0]);
  EXPECT_EQ(ErrorReason(ApplyMigrations(*pool_, files)), "MIGRATION_DUPLICATE");
}

TEST_F(MigrationsTest, ReplicasStartingTogetherDoNotRace) {
  // Without the lock, two of these would both see 0001 unapplied and one would fail on
  // CREATE TABLE, or both would run the seed INSERTs.
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<ConnectionPool>> pools;
  for (int i = 0; i < kReplicas; ++i) pools.push_back(NewPool());
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] { results[i] = ApplyMigrations(*pools[i], ServiceFiles()); });
  }
  for (auto& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM things"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(RuntimeMigrations().size() + 2));
}

}  // namespace
}  // namespace rmhub::db
