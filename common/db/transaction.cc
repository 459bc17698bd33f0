#include "common/db/transaction.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <exception>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/sql_error.h"
#include "common/status/errors.h"

namespace rmhub::db {
namespace {

struct AttemptResult {
  absl::Status status;
  // The session died before COMMIT was sent: the server rolled back, a re-run is safe.
  bool lost_before_commit = false;
};

void RollbackQuietly(Lease& lease) {
  try {
    lease->Execute("ROLLBACK");
  } catch (const sql::SQLException&) {
    lease.MarkBroken();  // state unknown: do not hand this session out again
  }
}

AttemptResult FromException(Lease& lease, const sql::SQLException& e, bool committing) {
  absl::Status s = StatusFromSqlException(e);
  if (!IsConnectionLost(e)) {
    RollbackQuietly(lease);
    return {s, false};
  }
  lease.MarkBroken();
  if (!committing) return {s, true};
  return {
      Unavailable(kUnavailableReason, absl::StrCat("database connection lost during commit (error ",
                                                   e.getErrorCode(), "); the outcome is unknown")),
      false};
}

AttemptResult Attempt(Lease& lease, const Body& body) {
  bool committing = false;
  try {
    lease->Execute("START TRANSACTION");
    absl::Status s = body(*lease);
    if (!s.ok()) {
      // A body that converted a lost connection itself: nothing was committed.
      if (IsUnavailableStatus(s)) {
        lease.MarkBroken();
        return {s, true};
      }
      RollbackQuietly(lease);
      return {s, false};
    }
    committing = true;
    lease->Execute("COMMIT");
    return {absl::OkStatus(), false};
  } catch (const sql::SQLException& e) {
    return FromException(lease, e, committing);
  } catch (const std::exception&) {
    // Not the connector's: the session may be mid-statement, so it is not reused.
    lease.MarkBroken();
    return {Internal(kDbErrorReason, "unexpected exception in a database transaction"), false};
  }
}

absl::Duration Backoff(const TransactionOptions& options, int retry) {
  static thread_local std::mt19937 rng(std::random_device{}());
  absl::Duration d = options.initial_backoff * (int64_t{1} << std::min(retry - 1, 20));
  d = std::min(d, options.max_backoff);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return d * jitter(rng);
}

}  // namespace

absl::Status RunInTransaction(ConnectionPool& pool, const Body& body, TransactionOptions options) {
  const int max_attempts = std::max(1, options.max_attempts);
  bool reconnected = false;
  int conflicts = 0;
  for (int attempt = 1;; ++attempt) {
    AttemptResult r;
    {
      RMHUB_ASSIGN_OR_RETURN(Lease lease, pool.Acquire());
      r = Attempt(lease, body);
    }  // the lease goes back before any backoff
    if (r.status.ok() || attempt >= max_attempts) return r.status;
    if (r.lost_before_commit && !reconnected) {
      reconnected = true;  // once: if the server is really gone, the next Acquire says so
    } else if (IsRetryableStatus(r.status)) {
      absl::SleepFor(Backoff(options, ++conflicts));
    } else {
      return r.status;
    }
  }
}

absl::Status RunWithConnection(ConnectionPool& pool, const Body& body) {
  RMHUB_ASSIGN_OR_RETURN(Lease lease, pool.Acquire());
  try {
    absl::Status s = body(*lease);
    if (IsUnavailableStatus(s)) lease.MarkBroken();
    return s;
  } catch (const sql::SQLException& e) {
    if (IsConnectionLost(e)) lease.MarkBroken();
    return StatusFromSqlException(e);
  } catch (const std::exception&) {
    lease.MarkBroken();
    return Internal(kDbErrorReason, "unexpected exception on a database connection");
  }
}

}  // namespace rmhub::db
