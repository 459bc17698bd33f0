#include "common/db/migrations.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/sha256.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "common/status/errors.h"

namespace rmhub::db {
namespace {

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " name VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,"
    " checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
    " applied_at DATETIME(6) NOT NULL) ENGINE=InnoDB";

// Named locks are server-wide, so the name is derived from the database (hashed: lock names are
// limited to 64 characters). Each GET_LOCK wait stays below the read timeout; the loop gives a
// slow replica's migrations about two minutes in all.
constexpr char kGetLock[] =
    "SELECT GET_LOCK(CONCAT('rmhub_migrations.', LEFT(SHA2(DATABASE(), 256), 40)), ?)";
constexpr char kReleaseLock[] =
    "SELECT RELEASE_LOCK(CONCAT('rmhub_migrations.', LEFT(SHA2(DATABASE(), 256), 40)))";
constexpr absl::Duration kLockPatience = absl::Minutes(2);

constexpr int kNoSuchTable = 1146;

absl::StatusOr<std::vector<MigrationFile>> AllMigrations(
    const std::vector<MigrationFile>& service) {
  std::vector<MigrationFile> sorted = service;
  std::sort(sorted.begin(), sorted.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.name < b.name; });
  std::vector<MigrationFile> all = RuntimeMigrations();
  all.insert(all.end(), sorted.begin(), sorted.end());
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].name == sorted[i - 1].name) {
      return FailedPrecondition("MIGRATION_DUPLICATE",
                                absl::StrCat("two migrations are named ", sorted[i].name));
    }
  }
  return all;
}

std::map<std::string, std::string> Applied(Connection& conn) {
  std::unique_ptr<sql::ResultSet> rs(
      conn.Prepare("SELECT name, checksum FROM schema_migrations").executeQuery());
  std::map<std::string, std::string> out;
  while (rs->next()) out[rs->getString(1)] = rs->getString(2);
  return out;
}

// Holds the database's migration lock for its lifetime (the server also frees it when the
// session ends, so a crashed replica cannot keep it).
class MigrationLock {
 public:
  MigrationLock(Connection& conn, absl::Duration io_timeout) : conn_(conn) {
    wait_seconds_ = std::max<int64_t>(1, absl::ToInt64Seconds(io_timeout) / 2);
  }
  absl::Status Acquire() {
    const int64_t tries = std::max<int64_t>(1, absl::ToInt64Seconds(kLockPatience) / wait_seconds_);
    sql::PreparedStatement& get = conn_.Prepare(kGetLock);
    for (int64_t i = 0; i < tries && !held_; ++i) {
      get.setInt(1, static_cast<int>(wait_seconds_));
      std::unique_ptr<sql::ResultSet> rs(get.executeQuery());
      held_ = rs->next() && rs->getInt(1) == 1;
    }
    if (held_) return absl::OkStatus();
    return Unavailable("MIGRATION_LOCK_TIMEOUT", "another replica holds the migration lock");
  }
  ~MigrationLock() {
    if (!held_) return;
    try {
      std::unique_ptr<sql::ResultSet> rs(conn_.Prepare(kReleaseLock).executeQuery());
    } catch (const sql::SQLException&) {
      // The lock dies with the session anyway.
    }
  }

 private:
  Connection& conn_;
  int64_t wait_seconds_ = 1;
  bool held_ = false;
};

absl::Status ApplyOne(Connection& conn, const MigrationFile& file, const std::string& checksum) {
  std::vector<std::string> statements = SplitStatements(file.sql);
  for (size_t i = 0; i < statements.size(); ++i) {
    try {
      conn.Execute(statements[i]);
    } catch (const sql::SQLException& e) {
      if (IsConnectionLost(e)) throw;
      return FailedPrecondition(
          "MIGRATION_FAILED", absl::StrCat("migration ", file.name, " failed at statement ", i + 1,
                                           " (error ", e.getErrorCode(), ")"));
    }
  }
  sql::PreparedStatement& insert = conn.Prepare(
      "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, UTC_TIMESTAMP(6))");
  insert.setString(1, file.name);
  insert.setString(2, checksum);
  insert.executeUpdate();
  return absl::OkStatus();
}

absl::Status ChangedError(const MigrationFile& file) {
  return FailedPrecondition(
      "MIGRATION_CHANGED",
      absl::StrCat("migration ", file.name, " changed after it was applied; add a new one"));
}

}  // namespace

std::vector<std::string> SplitStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--") || absl::StartsWith(trimmed, "#")) {
      continue;
    }
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      std::string stmt(absl::StripAsciiWhitespace(current));
      stmt.pop_back();  // the ';'
      if (!absl::StripAsciiWhitespace(stmt).empty()) out.push_back(stmt);
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    out.push_back(std::string(absl::StripAsciiWhitespace(current)));
  }
  return out;
}

absl::Status ApplyMigrations(ConnectionPool& pool, const std::vector<MigrationFile>& service) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<MigrationFile> all, AllMigrations(service));
  return RunWithConnection(pool, [&](Connection& conn) -> absl::Status {
    MigrationLock lock(conn, pool.config().io_timeout);
    RMHUB_RETURN_IF_ERROR(lock.Acquire());
    conn.Execute(kCreateTable);
    std::map<std::string, std::string> applied = Applied(conn);
    for (const MigrationFile& file : all) {
      std::string checksum = Sha256Hex(file.sql);
      auto it = applied.find(file.name);
      if (it == applied.end()) {
        RMHUB_RETURN_IF_ERROR(ApplyOne(conn, file, checksum));
      } else if (it->second != checksum) {
        return ChangedError(file);
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> MigrationsApplied(ConnectionPool& pool,
                                       const std::vector<MigrationFile>& service) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<MigrationFile> all, AllMigrations(service));
  bool complete = true;
  RMHUB_RETURN_IF_ERROR(RunWithConnection(pool, [&](Connection& conn) -> absl::Status {
    std::map<std::string, std::string> applied;
    try {
      applied = Applied(conn);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kNoSuchTable) throw;
    }
    for (const MigrationFile& file : all) {
      auto it = applied.find(file.name);
      if (it == applied.end()) {
        complete = false;
      } else if (it->second != Sha256Hex(file.sql)) {
        return ChangedError(file);
      }
    }
    return absl::OkStatus();
  }));
  return complete;
}

absl::Status CheckSchemaReady(ConnectionPool& pool,
                              const std::vector<MigrationFile>& service_migrations,
                              absl::string_view service) {
  RMHUB_RETURN_IF_ERROR(pool.Ping());
  RMHUB_ASSIGN_OR_RETURN(bool applied, MigrationsApplied(pool, service_migrations));
  if (!applied) {
    return Unavailable("SCHEMA_NOT_CURRENT",
                       absl::StrCat(service, " migrations are not all applied"));
  }
  return absl::OkStatus();
}

// The runtime's own tables. Their columns belong to common/idempotency and common/outbox; they
// live here because every service gets them through ApplyMigrations.
const std::vector<MigrationFile>& RuntimeMigrations() {
  static const auto* migrations = new std::vector<MigrationFile>{
      {"runtime/0001_idempotency_records.sql",
       "-- AIP-155 request ids: one row per first successful mutation, written in its "
       "transaction.\n"
       "CREATE TABLE idempotency_records (\n"
       "  request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,\n"
       "  method VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,\n"
       "  request_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,\n"
       "  response LONGBLOB NOT NULL,\n"
       "  create_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
       "  KEY ix_idempotency_records_create_time (create_time)\n"
       ") ENGINE=InnoDB;\n"},
      {"runtime/0002_outbox_events.sql",
       "-- Transactional outbox: rows commit with the change; the relay ships them in id order.\n"
       "CREATE TABLE outbox_events (\n"
       "  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
       "  event_id CHAR(36) CHARACTER SET ascii NOT NULL,\n"
       "  event_type VARCHAR(255) NOT NULL,\n"
       "  aggregate VARCHAR(255) NOT NULL,\n"
       "  payload LONGBLOB NOT NULL,\n"
       "  create_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
       "  sent_time DATETIME(6) NULL,\n"
       "  UNIQUE KEY uk_outbox_events_event_id (event_id),\n"
       "  KEY ix_outbox_events_unsent (sent_time, id)\n"
       ") ENGINE=InnoDB;\n"},
      {"runtime/0003_idempotency_records_caller_scoped.sql",
       "-- Caller-scoped idempotency records (common/idempotency): the key is an HMAC of\n"
       "-- (service, method, caller subject, request_id), the request an HMAC of its bytes,\n"
       "-- the response sealed (AES-256-GCM). The records of 0001 held clear answers: dropped.\n"
       "DROP TABLE IF EXISTS idempotency_records;\n"
       "CREATE TABLE idempotency_records (\n"
       "  record_key CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,\n"
       "  method VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,\n"
       "  request_hmac CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,\n"
       "  response LONGBLOB NOT NULL,\n"
       "  create_time DATETIME(6) NOT NULL,\n"
       "  KEY ix_idempotency_records_create_time (create_time)\n"
       ") ENGINE=InnoDB;\n"},
      {"runtime/0004_outbox_aggregate_versions.sql",
       "-- Each aggregate's last event version (common/outbox AppendEvent): strictly increasing\n"
       "-- per aggregate, allocated under the row lock in the mutation's transaction.\n"
       "CREATE TABLE outbox_aggregate_versions (\n"
       "  aggregate VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,\n"
       "  version BIGINT NOT NULL\n"
       ") ENGINE=InnoDB;\n"},
  };
  return *migrations;
}

}  // namespace rmhub::db
