#pragma once
// A fresh, uniquely named database on the private MariaDB that scripts/test.sh starts
// (RMHUB_TEST_MYSQL_HOST/PORT/USER/PASSWORD), dropped again when the object goes away.
// Without those variables the test binary stops with a message saying to run it through
// scripts/test.sh: a DB test never silently passes without a database.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/db/connection_pool.h"

namespace rmhub::testing {

class TestDatabase {
 public:
  // `prefix` starts the database name ([a-z0-9_], e.g. "team_repo"). Exits the process with a
  // clear message when the environment is not set or the server cannot be reached.
  static std::unique_ptr<TestDatabase> Create(const std::string& prefix);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return config_.database; }
  // Settings for a pool on this database (pool_size 4, short acquire timeout).
  db::DbConfig config() const { return config_; }
  // The server without a database selected (for tests that need another database).
  db::DbConfig server_config() const;

  // Raw SQL for test set-up and assertions, on a private session of this database (not a pool
  // connection). Test-only: the SQL is written by the test itself.
  absl::Status Execute(const std::string& sql);
  absl::StatusOr<int64_t> QueryInt(const std::string& sql);
  absl::StatusOr<std::string> QueryString(const std::string& sql);
  // KILL CONNECTION <id>, as an operator or a crashing proxy would.
  absl::Status KillConnection(int64_t connection_id);

 private:
  TestDatabase(db::DbConfig config, std::unique_ptr<db::ConnectionPool> server);

  db::DbConfig config_;
  // Sessions without a database (CREATE/DROP DATABASE, KILL) and on this database.
  std::unique_ptr<db::ConnectionPool> server_;
  std::unique_ptr<db::ConnectionPool> session_;
};

}  // namespace rmhub::testing
