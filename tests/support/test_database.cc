#include "tests/support/test_database.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"

namespace rmhub::testing {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "\n*** TestDatabase: %s\n\n", message.c_str());
  std::fflush(stderr);
  std::exit(2);
}

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) {
    Die(absl::StrCat(name,
                     " is not set: DB tests need the private MariaDB that "
                     "scripts/test.sh starts; run them through scripts/test.sh"));
  }
  return value;
}

db::DbConfig ServerConfigFromEnv() {
  db::DbConfig c;
  c.host = RequiredEnv("RMHUB_TEST_MYSQL_HOST");
  if (!absl::SimpleAtoi(RequiredEnv("RMHUB_TEST_MYSQL_PORT"), &c.port)) {
    Die("RMHUB_TEST_MYSQL_PORT is not a number");
  }
  c.user = RequiredEnv("RMHUB_TEST_MYSQL_USER");
  c.password = RequiredEnv("RMHUB_TEST_MYSQL_PASSWORD");
  c.pool_size = 4;
  c.connect_timeout = absl::Seconds(5);
  c.io_timeout = absl::Seconds(30);
  c.acquire_timeout = absl::Seconds(10);
  return c;
}

// prefix (sanitised) + pid + random: unique across parallel test binaries and reruns.
std::string UniqueName(const std::string& prefix) {
  std::string clean;
  for (char ch : prefix.substr(0, 30)) {
    clean += std::isalnum(static_cast<unsigned char>(ch)) ? std::tolower(ch) : '_';
  }
  absl::BitGen gen;
  return absl::StrCat("t_", clean, "_", getpid(), "_",
                      absl::Hex(absl::Uniform<uint32_t>(gen), absl::kZeroPad8));
}

template <class T>
absl::StatusOr<T> QueryFirst(db::ConnectionPool& pool, const std::string& sql,
                             T (*get)(sql::ResultSet&)) {
  return db::QueryWithConnection<T>(pool, [&](db::Connection& c) -> absl::StatusOr<T> {
    std::unique_ptr<sql::Statement> st(c.raw().createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
    if (!rs->next()) return absl::NotFoundError("the query returned no row");
    return get(*rs);
  });
}

}  // namespace

std::unique_ptr<TestDatabase> TestDatabase::Create(const std::string& prefix) {
  db::DbConfig server_config = ServerConfigFromEnv();
  auto server = db::ConnectionPool::Create(server_config);
  if (!server.ok()) Die(absl::StrCat("bad test database settings: ", server.status().ToString()));
  db::DbConfig config = server_config;
  config.database = UniqueName(prefix);
  absl::Status created = db::RunWithConnection(**server, [&](db::Connection& c) {
    // The collation scripts/up.sh and scripts/mariadb.sh use: text compares as deployed
    // (case-sensitive), which the list parity tests rely on.
    c.Execute(absl::StrCat("CREATE DATABASE `", config.database,
                           "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"));
    return absl::OkStatus();
  });
  if (!created.ok()) {
    Die(absl::StrCat("cannot create a database on ", server_config.host, ":", server_config.port,
                     ": ", created.ToString()));
  }
  return std::unique_ptr<TestDatabase>(new TestDatabase(config, *std::move(server)));
}

TestDatabase::TestDatabase(db::DbConfig config, std::unique_ptr<db::ConnectionPool> server)
    : config_(std::move(config)), server_(std::move(server)) {
  db::DbConfig session = config_;
  session.pool_size = 1;
  session_ = *db::ConnectionPool::Create(session);
}

TestDatabase::~TestDatabase() {
  session_.reset();
  absl::Status dropped = db::RunWithConnection(*server_, [&](db::Connection& c) {
    c.Execute(absl::StrCat("DROP DATABASE IF EXISTS `", config_.database, "`"));
    return absl::OkStatus();
  });
  if (!dropped.ok()) {
    std::fprintf(stderr, "TestDatabase: could not drop %s: %s\n", config_.database.c_str(),
                 dropped.ToString().c_str());
  }
}

db::DbConfig TestDatabase::server_config() const {
  db::DbConfig c = config_;
  c.database.clear();
  return c;
}

absl::Status TestDatabase::Execute(const std::string& sql) {
  return db::RunWithConnection(*session_, [&](db::Connection& c) {
    c.Execute(sql);
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> TestDatabase::QueryInt(const std::string& sql) {
  return QueryFirst<int64_t>(*session_, sql,
                             [](sql::ResultSet& rs) -> int64_t { return rs.getInt64(1); });
}

absl::StatusOr<std::string> TestDatabase::QueryString(const std::string& sql) {
  return QueryFirst<std::string>(*session_, sql, [](sql::ResultSet& rs) -> std::string {
    return rs.isNull(1) ? std::string() : std::string(rs.getString(1));
  });
}

absl::Status TestDatabase::KillConnection(int64_t connection_id) {
  return db::RunWithConnection(*server_, [&](db::Connection& c) {
    c.Execute(absl::StrCat("KILL CONNECTION ", connection_id));
    return absl::OkStatus();
  });
}

}  // namespace rmhub::testing
