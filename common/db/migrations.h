#pragma once
// Versioned schema migrations. Each service ships `migrations/NNNN_*.sql`, compiled into its
// binary (cmake/RmhubMigrations.cmake). Applied in name order, once; the runtime's own tables
// (idempotency records, outbox) come first under names "runtime/...".
//
// `schema_migrations` keeps each applied file's SHA-256: an applied file whose text changed is
// refused (FAILED_PRECONDITION MIGRATION_CHANGED) — write a new migration instead. A database
// lock (GET_LOCK) serialises replicas that start together. Files are split into statements at
// a ';' ending a line; stored procedures and triggers are not supported. MariaDB commits DDL
// statement by statement, so a file that fails half-way must be repaired by hand: keep each file
// to one logical change.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"

namespace rmhub::db {

struct MigrationFile {
  std::string name;
  std::string sql;
};

absl::Status ApplyMigrations(ConnectionPool& pool,
                             const std::vector<MigrationFile>& service_migrations);

// True when every runtime and service migration is applied with the same checksum.
absl::StatusOr<bool> MigrationsApplied(ConnectionPool& pool,
                                       const std::vector<MigrationFile>& service_migrations);

// A repository's readiness: OK when the database answers and every runtime and service
// migration is applied; UNAVAILABLE "SCHEMA_NOT_CURRENT" ("<service> migrations are not all
// applied") when one is missing.
absl::Status CheckSchemaReady(ConnectionPool& pool,
                              const std::vector<MigrationFile>& service_migrations,
                              absl::string_view service);

// The runtime's own migrations (idempotency records, outbox).
const std::vector<MigrationFile>& RuntimeMigrations();

// Splits a migration file into statements (exposed for tests).
std::vector<std::string> SplitStatements(const std::string& sql);

}  // namespace rmhub::db
