#include "common/db/sql_values.h"

#include "absl/strings/str_cat.h"
#include "absl/types/variant.h"
#include "common/status/errors.h"

namespace rmhub::db {

std::string MicrosOf(absl::string_view column) {
  return absl::StrCat("TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ", column, ")");
}

std::string DateTextOf(absl::string_view column) {
  return absl::StrCat("DATE_FORMAT(", column, ", '%Y-%m-%d')");
}

std::string SqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", TruncateToMicros(t), absl::UTCTimeZone());
}

google::protobuf::Timestamp TimestampFromMicros(int64_t micros) {
  const absl::Time t = absl::FromUnixMicros(micros);
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

std::string SqlDate(const common::v1::Date& d) {
  return absl::FormatCivilTime(absl::CivilDay(d.year(), d.month(), d.day()));
}

common::v1::Date DateFromText(const std::string& text) {
  common::v1::Date d;
  absl::CivilDay day;
  if (text.empty() || !absl::ParseCivilTime(text, &day)) return d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

Binder& Binder::Params(const std::vector<SqlParam>& params) {
  for (const auto& p : params) {
    if (const int64_t* i = absl::get_if<int64_t>(&p)) {
      Int(*i);
    } else {
      Str(absl::get<std::string>(p));
    }
  }
  return *this;
}

int64_t FetchInt(sql::PreparedStatement& ps) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

absl::StatusOr<int> ExecuteUpdate(
    sql::PreparedStatement& ps,
    const std::function<absl::Status(absl::string_view)>& on_duplicate) {
  try {
    return ps.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (on_duplicate && IsDuplicateKey(e)) return on_duplicate(e.what());
    throw;
  }
}

int64_t LastInsertId(Connection& conn) {
  static const std::string kSql = "SELECT LAST_INSERT_ID()";
  return FetchInt(conn.Prepare(kSql));
}

bool RowExists(Connection& conn, absl::string_view table, int64_t id) {
  sql::PreparedStatement& ps =
      conn.Prepare(absl::StrCat("SELECT COUNT(*) FROM ", table, " WHERE id = ?"));
  Binder(ps).Int(id);
  return FetchInt(ps) > 0;
}

absl::Status StaleOrMissing(Connection& conn, absl::string_view table, int64_t id,
                            absl::Status not_found) {
  if (!RowExists(conn, table, id)) return not_found;
  return Aborted("ETAG_MISMATCH", "the resource changed since it was read; read it again");
}

void ReplaceIntSet(Connection& conn, const IntSetTable& t, int64_t owner_id,
                   const std::set<int>& values, bool clear_first) {
  if (clear_first) {
    sql::PreparedStatement& ps =
        conn.Prepare(absl::StrCat("DELETE FROM ", t.table, " WHERE ", t.owner_column, " = ?"));
    Binder(ps).Int(owner_id);
    ps.executeUpdate();
  }
  if (values.empty()) return;
  std::string sql = absl::StrCat("INSERT INTO ", t.table, " (", t.owner_column, ", ",
                                 t.value_column, ") VALUES (?, ?)");
  for (size_t i = 1; i < values.size(); ++i) sql += ", (?, ?)";
  sql::PreparedStatement& ps = conn.Prepare(sql);
  Binder b(ps);
  for (int value : values) b.Int(owner_id).Int(value);
  ps.executeUpdate();
}

std::string NewestFirstSql(const std::string& select, absl::string_view alias,
                           absl::string_view parent_column, bool below) {
  return absl::StrCat(select, " WHERE ", alias, ".", parent_column, " = ?",
                      below ? absl::StrCat(" AND ", alias, ".id < ?") : "", " ORDER BY ", alias,
                      ".id DESC LIMIT ?");
}

void BindNewestFirst(sql::PreparedStatement& ps, int64_t parent_id, const api::PageRequest& page) {
  Binder b(ps);
  b.Int(parent_id);
  if (page.after_id != 0) b.Int(page.after_id);
  b.Int(PageLimit(page) + 1);
}

size_t InListSize(size_t n) {
  size_t size = 8;
  while (size < n) size *= 2;
  return size;
}

std::string InList(size_t n) {
  std::string out = "?";
  for (size_t i = 1; i < n; ++i) out += ", ?";
  return out;
}

void BindIds(Binder& b, const std::vector<int64_t>& ids, size_t begin, size_t count, size_t slots) {
  for (size_t i = 0; i < slots; ++i) b.Int(ids[begin + std::min(i, count - 1)]);
}

void ForEachIdChunk(Connection& conn, const std::vector<int64_t>& ids, absl::string_view select_in,
                    absl::string_view suffix,
                    const std::function<void(sql::PreparedStatement&)>& run) {
  for (size_t begin = 0; begin < ids.size(); begin += kMaxInList) {
    const size_t count = std::min(kMaxInList, ids.size() - begin);
    const size_t slots = InListSize(count);
    sql::PreparedStatement& ps = conn.Prepare(
        absl::StrCat(select_in, " IN (", InList(slots), ")", suffix.empty() ? "" : " ", suffix));
    Binder b(ps);
    BindIds(b, ids, begin, count, slots);
    run(ps);
  }
}

}  // namespace rmhub::db
