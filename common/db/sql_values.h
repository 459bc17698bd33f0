#pragma once
// Values between C++ and SQL, keyset paging, and the statements every MySQL repository repeats.
// Lifted out of services/team/mysql_repository.cc so each repository does not grow its own copy.
//
// Conventions (see services/team/mysql_repository.h):
//  - times are DATETIME(6) holding UTC, written as UTC text ("YYYY-MM-DD HH:MM:SS.ffffff") and
//    read back as integer microseconds since the epoch (MicrosOf), so neither the server's nor
//    the session's time_zone and no driver DATETIME formatting matters;
//  - civil dates are DATE, written and read as "YYYY-MM-DD" (DateTextOf);
//  - lists use keyset paging: id > after_id ORDER BY id LIMIT n+1, the extra row saying whether
//    a next page exists (histories: id < after_id ORDER BY id DESC, NewestFirstSql);
//  - Connector/C++ exceptions never leave a repository: GuardSql turns them into a status whose
//    message carries no SQL values.
// Table and column names passed to these helpers are code constants, never caller input.
//
// Templates and one-liners live here; the rest is in sql_values.cc (part of rmhub_db).

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/variant.h"
#include "common/api/date.h"
#include "common/api/list_query.h"
#include "common/api/pagination.h"
#include "common/db/connection_pool.h"
#include "common/db/sql_error.h"
#include "google/protobuf/timestamp.pb.h"
#include "rmhub/common/v1/common.pb.h"

namespace rmhub::db {

// ---------------------------------------------------------------------------------------------
// Times and dates

// Integer microseconds since the epoch of a UTC DATETIME(6) column, computed by the server with
// no time-zone conversion.
std::string MicrosOf(absl::string_view column);

std::string DateTextOf(absl::string_view column);

// DATETIME(6) keeps microseconds; truncating first makes what is returned equal what is stored.
inline absl::Time TruncateToMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

std::string SqlTime(absl::Time t);

google::protobuf::Timestamp TimestampFromMicros(int64_t micros);

inline absl::Time TimeFromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

using api::IsSetDate;

std::string SqlDate(const common::v1::Date& d);

inline std::string SqlDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// "" (a NULL column) or unparsable text → an unset Date.
common::v1::Date DateFromText(const std::string& text);

// ---------------------------------------------------------------------------------------------
// Binding parameters and reading columns

// A parameter of a compiled condition (list_where.h): integer or text.
using SqlParam = absl::variant<int64_t, std::string>;

// Binds parameters left to right.
class Binder {
 public:
  explicit Binder(sql::PreparedStatement& ps) : ps_(ps) {}
  Binder& Int(int64_t v) {
    ps_.setInt64(next_++, v);
    return *this;
  }
  // Also for bytes (ciphertext, blind indexes): the string is sent with its length.
  Binder& Str(const std::string& v) {
    ps_.setString(next_++, v);
    return *this;
  }
  Binder& Null() {
    ps_.setNull(next_++, sql::DataType::BIGINT);
    return *this;
  }
  Binder& Time(absl::Time t) { return Str(SqlTime(t)); }
  // An unset Date is NULL.
  Binder& Day(const common::v1::Date& d) { return IsSetDate(d) ? Str(SqlDate(d)) : Null(); }
  Binder& Day(absl::CivilDay day) { return Str(SqlDate(day)); }
  // 0 means "none" for optional references.
  Binder& OptionalId(int64_t id) { return id == 0 ? Null() : Int(id); }
  // "" means NULL (optional text or bytes).
  Binder& OptionalStr(const std::string& v) { return v.empty() ? Null() : Str(v); }
  // A compiled condition's parameters (integer or text), in order.
  Binder& Params(const std::vector<SqlParam>& params);

 private:
  sql::PreparedStatement& ps_;
  unsigned next_ = 1;
};

// Reads columns left to right; NULL reads as 0 / "" (or nullopt from OptionalInt).
class Row {
 public:
  explicit Row(const sql::ResultSet& rs) : rs_(rs) {}
  int64_t Int() { return rs_.getInt64(next_++); }
  int32_t Int32() { return static_cast<int32_t>(Int()); }
  bool Bool() { return Int() != 0; }
  std::string Str() { return rs_.getString(next_++).asStdString(); }
  std::optional<int64_t> OptionalInt() {
    const unsigned column = next_++;
    if (rs_.isNull(column)) return std::nullopt;
    return rs_.getInt64(column);
  }
  google::protobuf::Timestamp Time() { return TimestampFromMicros(Int()); }
  common::v1::Date Day() { return DateFromText(Str()); }

 private:
  const sql::ResultSet& rs_;
  unsigned next_ = 1;
};

// ---------------------------------------------------------------------------------------------
// Fetching rows and running statements

// Rows keyed by their paging id.
template <class T>
using Rows = std::vector<std::pair<int64_t, T>>;

template <class T>
using RowMapper = std::pair<int64_t, T> (*)(const sql::ResultSet&);

template <class T>
Rows<T> Fetch(sql::PreparedStatement& ps, RowMapper<T> map) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  Rows<T> rows;
  while (rs->next()) rows.push_back(map(*rs));
  return rows;
}

template <class T>
std::optional<T> FetchOne(sql::PreparedStatement& ps, RowMapper<T> map) {
  Rows<T> rows = Fetch(ps, map);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().second);
}

// The first column of the first row, 0 when there is none (or it is NULL).
int64_t FetchInt(sql::PreparedStatement& ps);

// Runs fn, turning a Connector/C++ exception into a status (no SQL values in it).
template <class Fn>
auto GuardSql(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const sql::SQLException& e) {
    return StatusFromSqlException(e);
  }
}

// Runs an INSERT/UPDATE/DELETE and returns the affected row count. A duplicate key becomes
// on_duplicate(server message) when given: the message names the violated key, which is all
// that may be read from it (it also quotes the row's values). Other errors throw.
absl::StatusOr<int> ExecuteUpdate(
    sql::PreparedStatement& ps,
    const std::function<absl::Status(absl::string_view)>& on_duplicate = nullptr);

// The id the connection's last INSERT generated (or set with LAST_INSERT_ID(expr)).
int64_t LastInsertId(Connection& conn);

// `sql` with " FOR UPDATE" when `lock`.
inline std::string Locking(const std::string& sql, bool lock) {
  return lock ? sql + " FOR UPDATE" : sql;
}

// Whether `table` has a row with this id (throws on SQL errors).
bool RowExists(Connection& conn, absl::string_view table, int64_t id);

// After an optimistic UPDATE (... WHERE id = ? AND version = ?) matched no row: `not_found`
// when the row is gone, else ABORTED "ETAG_MISMATCH" (it changed since it was read).
absl::Status StaleOrMissing(Connection& conn, absl::string_view table, int64_t id,
                            absl::Status not_found);

// A set of small integers (enum values) stored one row each as table(owner_column, value_column).
struct IntSetTable {
  const char* table;
  const char* owner_column;
  const char* value_column;
};

// Writes `values` as the owner's set in one INSERT, deleting the owner's old rows first when
// `clear_first` (an update; a new owner has none). Throws on SQL errors.
void ReplaceIntSet(Connection& conn, const IntSetTable& t, int64_t owner_id,
                   const std::set<int>& values, bool clear_first);

// ---------------------------------------------------------------------------------------------
// Keyset paging

inline int PageLimit(const api::PageRequest& page) {
  return std::clamp(page.limit, 1, api::kMaxPageSize);
}

// Rows were fetched with LIMIT limit+1: an extra row means there is a next page, which starts
// after the last row kept (the returned id; 0 when there is none).
template <class T>
int64_t TrimToPage(Rows<T>& rows, int limit) {
  if (rows.size() <= static_cast<size_t>(limit)) return 0;
  rows.resize(limit);
  return rows.back().first;
}

template <class T>
api::Page<T> ToPage(Rows<T> rows, int64_t next_after_id) {
  api::Page<T> page;
  page.next_after_id = next_after_id;
  page.items.reserve(rows.size());
  for (auto& row : rows) page.items.push_back(std::move(row.second));
  return page;
}

// Runs a statement bound with LIMIT PageLimit(page)+1 and keeps one page of its rows.
template <class T>
api::Page<T> FetchPage(sql::PreparedStatement& ps, RowMapper<T> map, const api::PageRequest& page) {
  Rows<T> rows = Fetch(ps, map);
  const int64_t next = TrimToPage(rows, PageLimit(page));
  return ToPage(std::move(rows), next);
}

// A history, newest first: after_id continues below it.
// "<select> WHERE <alias>.<parent_column> = ? [AND <alias>.id < ?] ORDER BY <alias>.id DESC
// LIMIT ?", the middle part when `below` (page.after_id != 0).
std::string NewestFirstSql(const std::string& select, absl::string_view alias,
                           absl::string_view parent_column, bool below);

// Binds NewestFirstSql(..., page.after_id != 0): the parent, the page's after_id, the limit+1.
void BindNewestFirst(sql::PreparedStatement& ps, int64_t parent_id, const api::PageRequest& page);

// ---------------------------------------------------------------------------------------------
// IN lists. They are padded to a power of two (repeating an id changes nothing) so each
// connection's statement cache holds a few shapes rather than one per page size.

inline constexpr size_t kMaxInList = 512;

size_t InListSize(size_t n);

std::string InList(size_t n);

// Binds ids[begin, begin+count) into `slots` parameters, repeating the last id.
void BindIds(Binder& b, const std::vector<int64_t>& ids, size_t begin, size_t count, size_t slots);

// For each chunk of at most kMaxInList ids: prepares "<select_in> IN (?, ...)[ <suffix>]" (e.g.
// select_in "SELECT ... WHERE m.id", suffix "ORDER BY m.id"), binds the chunk's ids and calls
// run(statement). Nothing runs for no ids. Throws on SQL errors.
void ForEachIdChunk(Connection& conn, const std::vector<int64_t>& ids, absl::string_view select_in,
                    absl::string_view suffix,
                    const std::function<void(sql::PreparedStatement&)>& run);

// The rows whose id is in `ids` (one query per chunk), in the order the server returns them.
template <class T>
Rows<T> FetchByIds(Connection& conn, absl::string_view select_in, const std::vector<int64_t>& ids,
                   RowMapper<T> map) {
  Rows<T> found;
  ForEachIdChunk(conn, ids, select_in, "", [&](sql::PreparedStatement& ps) {
    for (auto& row : Fetch(ps, map)) found.push_back(std::move(row));
  });
  return found;
}

// Completes already fetched rows from a child table without one query per row: runs
// "<select_in> IN (ids of rows) <order_by>" per chunk, whose first column is the parent's id,
// and calls fill(parent, child row) for each result row.
template <class T>
void FillFromChildRows(Connection& conn, Rows<T>& rows, absl::string_view select_in,
                       absl::string_view order_by,
                       const std::function<void(T&, const sql::ResultSet&)>& fill) {
  std::vector<int64_t> ids;
  std::unordered_map<int64_t, T*> by_id;
  for (auto& [id, item] : rows) {
    ids.push_back(id);
    by_id[id] = &item;
  }
  ForEachIdChunk(conn, ids, select_in, order_by, [&](sql::PreparedStatement& ps) {
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    while (rs->next()) {
      if (auto it = by_id.find(rs->getInt64(1)); it != by_id.end()) fill(*it->second, *rs);
    }
  });
}

}  // namespace rmhub::db
