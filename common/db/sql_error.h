#pragma once
// Connector/C++ throws sql::SQLException; common/db and repositories turn it into a status here.
// Messages name the server error code and SQLSTATE only: a server message may quote the values
// of the row (e.g. "Duplicate entry '...'"), which can be PII.
//
//   1213 deadlock, 1205 lock wait timeout        → ABORTED "DB_RETRYABLE" (the tx helper retries)
//   2002/2003/2006/2013/2055, 1927, 1053, 1040,
//   4031 and connect failures                     → UNAVAILABLE "DB_UNAVAILABLE"
//   1062 duplicate key                            → ALREADY_EXISTS "DUPLICATE_KEY"
//   anything else                                 → INTERNAL "DB_ERROR"

#include <string>

#include "absl/status/status.h"

namespace sql {
class SQLException;
}  // namespace sql

namespace rmhub::db {

inline constexpr char kRetryableReason[] = "DB_RETRYABLE";
inline constexpr char kUnavailableReason[] = "DB_UNAVAILABLE";
inline constexpr char kDuplicateKeyReason[] = "DUPLICATE_KEY";
inline constexpr char kDbErrorReason[] = "DB_ERROR";

absl::Status StatusFromSqlException(const sql::SQLException& e);
absl::Status StatusFromSqlErrorCode(int code, const std::string& sql_state);

bool IsDuplicateKey(const sql::SQLException& e);
// Deadlock or lock-wait timeout: the transaction was rolled back and may simply be re-run.
bool IsRetryable(const sql::SQLException& e);
// The session is gone (server stopped, connection killed or timed out).
bool IsConnectionLost(const sql::SQLException& e);
bool IsConnectionLostCode(int code);

// The same tests on statuses made by StatusFromSqlException (bodies often convert themselves).
bool IsRetryableStatus(const absl::Status& status);
bool IsUnavailableStatus(const absl::Status& status);

}  // namespace rmhub::db
