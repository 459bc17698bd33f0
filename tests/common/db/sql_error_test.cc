// Error-code mapping and migration-file splitting: no database needed.
#include "common/db/sql_error.h"

#include <cppconn/exception.h>
#include <gtest/gtest.h>

#include "common/db/migrations.h"
#include "common/status/errors.h"

namespace rmhub::db {
namespace {

TEST(SqlErrorTest, DeadlockAndLockWaitAreRetryable) {
  for (int code : {1213, 1205}) {
    sql::SQLException e("Deadlock found", "40001", code);
    absl::Status s = StatusFromSqlException(e);
    EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << code;
    EXPECT_EQ(ErrorReason(s), "DB_RETRYABLE");
    EXPECT_TRUE(IsRetryable(e));
    EXPECT_TRUE(IsRetryableStatus(s));
  }
}

TEST(SqlErrorTest, LostConnectionsAreUnavailable) {
  for (int code : {2002, 2003, 2006, 2013, 2055, 1927, 1053}) {
    sql::SQLException e("gone", "HY000", code);
    absl::Status s = StatusFromSqlException(e);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << code;
    EXPECT_EQ(ErrorReason(s), "DB_UNAVAILABLE");
    EXPECT_TRUE(IsConnectionLost(e));
    EXPECT_TRUE(IsUnavailableStatus(s));
  }
  // The connector reports a failed connect as code 0 with a connection SQLSTATE.
  EXPECT_TRUE(IsConnectionLost(sql::SQLException("no connection", "08001", 0)));
}

TEST(SqlErrorTest, DuplicateKeyNeverQuotesTheValue) {
  sql::SQLException e("Duplicate entry '110101199003077777' for key 'uk_id_number'", "23000", 1062);
  absl::Status s = StatusFromSqlException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(s), "DUPLICATE_KEY");
  EXPECT_TRUE(IsDuplicateKey(e));
  EXPECT_EQ(std::string(s.message()).find("110101"), std::string::npos);
}

TEST(SqlErrorTest, OtherErrorsAreInternalWithCodeOnly) {
  sql::SQLException e("Data too long for column 'display_name' value 'Zhang San'", "22001", 1406);
  absl::Status s = StatusFromSqlException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(s), "DB_ERROR");
  EXPECT_NE(std::string(s.message()).find("1406"), std::string::npos);
  EXPECT_EQ(std::string(s.message()).find("Zhang"), std::string::npos);
  EXPECT_FALSE(IsRetryable(e));
  EXPECT_FALSE(IsConnectionLost(e));
}

TEST(SplitStatementsTest, SplitsOnSemicolonAtEndOfLineAndSkipsComments) {
  std::vector<std::string> s = SplitStatements(
      "-- a comment;\n"
      "CREATE TABLE a (\n  v VARCHAR(10) DEFAULT ';x'\n);\n"
      "\n"
      "# another comment\n"
      "INSERT INTO a VALUES ('1;2');  \n"
      "UPDATE a SET v = 'z'");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "CREATE TABLE a (\n  v VARCHAR(10) DEFAULT ';x'\n)");
  EXPECT_EQ(s[1], "INSERT INTO a VALUES ('1;2')");
  EXPECT_EQ(s[2], "UPDATE a SET v = 'z'");
}

TEST(SplitStatementsTest, EmptyFileHasNoStatements) {
  EXPECT_TRUE(SplitStatements("").empty());
  EXPECT_TRUE(SplitStatements("-- only a comment\n\n;\n").empty());
}

}  // namespace
}  // namespace rmhub::db
