#pragma once
// Running work on a pooled connection, with or without a transaction. Bodies may throw
// sql::SQLException: it is caught here and turned into a status (common/db/sql_error.h).
//
// A transaction body may run more than once, so it must have no effects outside the database
// besides its own output variables (re-assigned on every run):
//   - deadlock (1213) and lock-wait timeout (1205), thrown or returned by the body as ABORTED
//     "DB_RETRYABLE", roll back and re-run the whole body after a jittered backoff;
//   - a connection lost before COMMIT was sent (the server rolled the transaction back) is
//     re-run once on a fresh connection; lost during COMMIT, the outcome is unknown, so it is
//     UNAVAILABLE "DB_UNAVAILABLE" and not re-run.
// A non-OK body status rolls back and is returned as it is. Do not nest: a body that calls
// RunInTransaction again would take a second connection and a separate transaction.

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "common/db/connection_pool.h"

namespace rmhub::db {

struct TransactionOptions {
  // Runs of the body in all, counting the first.
  int max_attempts = 5;
  // Backoff before re-run n is initial_backoff * 2^(n-1), capped, times a random 0.5..1.
  absl::Duration initial_backoff = absl::Milliseconds(5);
  absl::Duration max_backoff = absl::Milliseconds(200);
};

using Body = std::function<absl::Status(Connection&)>;

// START TRANSACTION, body, COMMIT (ROLLBACK when the body fails), with the retries above.
absl::Status RunInTransaction(ConnectionPool& pool, const Body& body,
                              TransactionOptions options = {});

// The body on a leased connection in autocommit mode, run once. A lost connection marks the
// connection broken and is UNAVAILABLE.
absl::Status RunWithConnection(ConnectionPool& pool, const Body& body);

// RunInTransaction for a body that produces a value.
template <class T>
absl::StatusOr<T> QueryInTransaction(ConnectionPool& pool,
                                     const std::function<absl::StatusOr<T>(Connection&)>& body,
                                     TransactionOptions options = {}) {
  absl::optional<T> out;
  absl::Status s = RunInTransaction(
      pool,
      [&](Connection& c) -> absl::Status {
        absl::StatusOr<T> v = body(c);
        if (!v.ok()) return v.status();
        out = *std::move(v);
        return absl::OkStatus();
      },
      options);
  if (!s.ok()) return s;
  return *std::move(out);
}

// RunWithConnection for a body that produces a value.
template <class T>
absl::StatusOr<T> QueryWithConnection(ConnectionPool& pool,
                                      const std::function<absl::StatusOr<T>(Connection&)>& body) {
  absl::optional<T> out;
  absl::Status s = RunWithConnection(pool, [&](Connection& c) -> absl::Status {
    absl::StatusOr<T> v = body(c);
    if (!v.ok()) return v.status();
    out = *std::move(v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return *std::move(out);
}

}  // namespace rmhub::db
