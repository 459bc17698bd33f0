#pragma once
// Values between C++ and SQL, and keyset paging, for the MySQL repositories of every service.
// Lifted out of services/team/mysql_repository.cc so each repository does not grow its own copy.
//
// Conventions (see services/team/mysql_repository.h):
//  - times are DATETIME(6) holding UTC, written as UTC text ("YYYY-MM-DD HH:MM:SS.ffffff") and
//    read back as integer microseconds since the epoch (MicrosOf), so neither the server's nor
//    the session's time_zone and no driver DATETIME formatting matters;
//  - civil dates are DATE, written and read as "YYYY-MM-DD" (DateTextOf);
//  - lists use keyset paging: id > after_id ORDER BY id LIMIT n+1, the extra row saying whether
//    a next page exists;
//  - Connector/C++ exceptions never leave a repository: GuardSql turns them into a status whose
//    message carries no SQL values.
//
// Header-only (inline functions and templates): users already link rmhub_db, rmhub_api and the
// common proto library, so no build change is needed to share it.

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/variant.h"
#include "common/api/filter.h"
#include "common/api/list_query.h"
#include "common/api/pagination.h"
#include "common/db/sql_error.h"
#include "google/protobuf/timestamp.pb.h"
#include "rmhub/common/v1/common.pb.h"

namespace rmhub::db {

// ---------------------------------------------------------------------------------------------
// Times and dates

// Integer microseconds since the epoch of a UTC DATETIME(6) column, computed by the server with
// no time-zone conversion.
inline std::string MicrosOf(absl::string_view column) {
  return absl::StrCat("TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ", column, ")");
}

inline std::string DateTextOf(absl::string_view column) {
  return absl::StrCat("DATE_FORMAT(", column, ", '%Y-%m-%d')");
}

// DATETIME(6) keeps microseconds; truncating first makes what is returned equal what is stored.
inline absl::Time TruncateToMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

inline std::string SqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", TruncateToMicros(t), absl::UTCTimeZone());
}

inline google::protobuf::Timestamp TimestampFromMicros(int64_t micros) {
  const absl::Time t = absl::FromUnixMicros(micros);
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

inline absl::Time TimeFromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

inline bool IsSetDate(const common::v1::Date& d) {
  return d.year() != 0 || d.month() != 0 || d.day() != 0;
}

inline std::string SqlDate(const common::v1::Date& d) {
  return absl::FormatCivilTime(absl::CivilDay(d.year(), d.month(), d.day()));
}

inline std::string SqlDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// "" (a NULL column) or unparsable text → an unset Date.
inline common::v1::Date DateFromText(const std::string& text) {
  common::v1::Date d;
  absl::CivilDay day;
  if (text.empty() || !absl::ParseCivilTime(text, &day)) return d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// ---------------------------------------------------------------------------------------------
// Binding parameters and reading columns

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
  Binder& Params(const std::vector<api::SqlParam>& params) {
    for (const auto& p : params) {
      if (const int64_t* i = absl::get_if<int64_t>(&p)) {
        Int(*i);
      } else {
        Str(absl::get<std::string>(p));
      }
    }
    return *this;
  }

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
// Fetching rows

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
inline int64_t FetchInt(sql::PreparedStatement& ps) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

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
inline absl::StatusOr<int> ExecuteUpdate(
    sql::PreparedStatement& ps,
    const std::function<absl::Status(absl::string_view)>& on_duplicate = nullptr) {
  try {
    return ps.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (on_duplicate && IsDuplicateKey(e)) return on_duplicate(e.what());
    throw;
  }
}

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

// "<select> WHERE <alias>.id > ? [AND <scope>] [AND (<filter>)] ORDER BY <alias>.id LIMIT ?";
// `scope_condition` has one '?' for the branch id.
inline std::string KeysetListSql(const std::string& select, absl::string_view alias,
                                 absl::string_view scope_condition, const api::ListQuery& q) {
  std::string sql = absl::StrCat(select, " WHERE ", alias, ".id > ?");
  if (q.branch_id != 0) absl::StrAppend(&sql, " AND ", scope_condition);
  if (!q.filter.where.empty()) absl::StrAppend(&sql, " AND (", q.filter.where, ")");
  absl::StrAppend(&sql, " ORDER BY ", alias, ".id LIMIT ?");
  return sql;
}

inline void BindKeysetList(sql::PreparedStatement& ps, const api::ListQuery& q) {
  Binder b(ps);
  b.Int(q.page.after_id);
  if (q.branch_id != 0) b.Int(q.branch_id);
  b.Params(q.filter.params).Int(PageLimit(q.page) + 1);
}

// ---------------------------------------------------------------------------------------------
// IN lists. They are padded to a power of two (repeating an id changes nothing) so each
// connection's statement cache holds a few shapes rather than one per page size.

inline constexpr size_t kMaxInList = 512;

inline size_t InListSize(size_t n) {
  size_t size = 8;
  while (size < n) size *= 2;
  return size;
}

inline std::string InList(size_t n) {
  std::string out = "?";
  for (size_t i = 1; i < n; ++i) out += ", ?";
  return out;
}

// Binds ids[begin, begin+count) into `slots` parameters, repeating the last id.
inline void BindIds(Binder& b, const std::vector<int64_t>& ids, size_t begin, size_t count,
                    size_t slots) {
  for (size_t i = 0; i < slots; ++i) b.Int(ids[begin + std::min(i, count - 1)]);
}

}  // namespace rmhub::db
