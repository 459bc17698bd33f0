#include "common/db/sql_error.h"

#include <cppconn/exception.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::db {

bool IsConnectionLostCode(int code) {
  switch (code) {
    case 1040:  // too many connections
    case 1047:  // Galera: "WSREP has not yet prepared node for application use" (non-primary)
    case 1053:  // server shutdown in progress
    case 1152:  // aborted connection
    case 1927:  // connection was killed (MariaDB)
    case 2002:  // can't connect through socket
    case 2003:  // can't connect to server
    case 2005:  // unknown host
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection at reading initial communication packet
    case 4031:  // disconnected by the server because of inactivity (MariaDB)
      return true;
    default:
      return false;
  }
}

absl::Status StatusFromSqlErrorCode(int code, const std::string& sql_state) {
  if (code == 1213 || code == 1205) {
    return Aborted(kRetryableReason,
                   absl::StrCat("database transaction conflict (error ", code, "); retry"));
  }
  // Code 0 with SQLSTATE 08xxx is how the connector reports a failed or closed connection.
  if (IsConnectionLostCode(code) || (code == 0 && sql_state.rfind("08", 0) == 0)) {
    return Unavailable(kUnavailableReason, absl::StrCat("database unavailable (error ", code, ")"));
  }
  if (code == 1062) {
    return AlreadyExists(kDuplicateKeyReason, "a row with the same unique key already exists");
  }
  return Internal(kDbErrorReason,
                  absl::StrCat("database error ", code, " (SQLSTATE ", sql_state, ")"));
}

absl::Status StatusFromSqlException(const sql::SQLException& e) {
  return StatusFromSqlErrorCode(e.getErrorCode(), e.getSQLState());
}

bool IsDuplicateKey(const sql::SQLException& e) { return e.getErrorCode() == 1062; }

bool IsRetryable(const sql::SQLException& e) {
  return e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
}

bool IsConnectionLost(const sql::SQLException& e) {
  return StatusFromSqlException(e).code() == absl::StatusCode::kUnavailable;
}

bool IsRetryableStatus(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted && ErrorReason(status) == kRetryableReason;
}

bool IsUnavailableStatus(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         ErrorReason(status) == kUnavailableReason;
}

}  // namespace rmhub::db
