#include "services/team/mysql_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/types/variant.h"
#include "common/api/resource_name.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "common/idempotency/idempotency.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "google/protobuf/any.pb.h"

namespace rmhub::team {
namespace {

using common::v1::Date;
using google::protobuf::Timestamp;

template <class T>
using Rows = std::vector<std::pair<int64_t, T>>;

// ---------------------------------------------------------------------------------------------
// Values between C++ and SQL

// Integer microseconds since the epoch of a UTC DATETIME(6), computed by the server with no
// time-zone conversion, so reads do not depend on the driver's DATETIME formatting either.
std::string Micros(absl::string_view column) {
  return absl::StrCat("TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ", column, ")");
}

std::string DateText(absl::string_view column) {
  return absl::StrCat("DATE_FORMAT(", column, ", '%Y-%m-%d')");
}

// DATETIME(6) keeps microseconds; truncating first makes what we return equal what we stored.
absl::Time ToMicros(absl::Time t) { return absl::FromUnixMicros(absl::ToUnixMicros(t)); }

std::string SqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", ToMicros(t), absl::UTCTimeZone());
}

Timestamp ToTimestamp(int64_t micros) {
  absl::Time t = absl::FromUnixMicros(micros);
  Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

bool IsSet(const Date& d) { return d.year() != 0 || d.month() != 0 || d.day() != 0; }

std::string SqlDate(const Date& d) {
  return absl::FormatCivilTime(absl::CivilDay(d.year(), d.month(), d.day()));
}

// "" (a NULL column) → an unset Date.
Date DateFromText(const std::string& text) {
  Date d;
  absl::CivilDay day;
  if (text.empty() || !absl::ParseCivilTime(text, &day)) return d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// Binds parameters left to right.
class Binder {
 public:
  explicit Binder(sql::PreparedStatement& ps) : ps_(ps) {}
  Binder& Int(int64_t v) {
    ps_.setInt64(next_++, v);
    return *this;
  }
  Binder& Str(const std::string& v) {
    ps_.setString(next_++, v);
    return *this;
  }
  Binder& Null() {
    ps_.setNull(next_++, sql::DataType::BIGINT);
    return *this;
  }
  Binder& Time(absl::Time t) { return Str(SqlTime(t)); }
  Binder& Day(const Date& d) { return IsSet(d) ? Str(SqlDate(d)) : Null(); }
  // 0 means "none" for optional references (leader_id).
  Binder& OptionalId(int64_t id) { return id == 0 ? Null() : Int(id); }
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

// Reads columns left to right; NULL reads as 0 / "".
class Row {
 public:
  explicit Row(const sql::ResultSet& rs) : rs_(rs) {}
  int64_t Int() { return rs_.getInt64(next_++); }
  int32_t Int32() { return static_cast<int32_t>(Int()); }
  std::string Str() { return rs_.getString(next_++).asStdString(); }
  Timestamp Time() { return ToTimestamp(Int()); }
  Date Day() { return DateFromText(Str()); }

 private:
  const sql::ResultSet& rs_;
  unsigned next_ = 1;
};

template <class T>
Rows<T> Fetch(sql::PreparedStatement& ps, std::pair<int64_t, T> (*map)(const sql::ResultSet&)) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  Rows<T> rows;
  while (rs->next()) rows.push_back(map(*rs));
  return rows;
}

template <class T>
std::optional<T> FetchOne(sql::PreparedStatement& ps,
                          std::pair<int64_t, T> (*map)(const sql::ResultSet&)) {
  Rows<T> rows = Fetch(ps, map);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front().second);
}

int64_t FetchInt(sql::PreparedStatement& ps) {
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

// ---------------------------------------------------------------------------------------------
// Paging

int Limit(const api::PageRequest& page) { return std::clamp(page.limit, 1, api::kMaxPageSize); }

// Rows were fetched with LIMIT limit+1: an extra row means there is a next page.
template <class T>
int64_t TrimToPage(Rows<T>& rows, int limit) {
  if (rows.size() <= static_cast<size_t>(limit)) return 0;
  rows.resize(limit);
  return rows.back().first;
}

template <class T>
Page<T> ToPage(Rows<T> rows, int64_t next_after_id) {
  Page<T> page;
  page.next_after_id = next_after_id;
  page.items.reserve(rows.size());
  for (auto& row : rows) page.items.push_back(std::move(row.second));
  return page;
}

// "<select> WHERE <alias>.id > ? [AND <scope>] [AND (<filter>)] ORDER BY <alias>.id LIMIT ?".
std::string ListSql(const std::string& select, absl::string_view alias,
                    absl::string_view scope_condition, const ListQuery& q) {
  std::string sql = absl::StrCat(select, " WHERE ", alias, ".id > ?");
  if (q.branch_id != 0) absl::StrAppend(&sql, " AND ", scope_condition);
  if (!q.filter.where.empty()) absl::StrAppend(&sql, " AND (", q.filter.where, ")");
  absl::StrAppend(&sql, " ORDER BY ", alias, ".id LIMIT ?");
  return sql;
}

void BindList(sql::PreparedStatement& ps, const ListQuery& q) {
  Binder b(ps);
  b.Int(q.page.after_id);
  if (q.branch_id != 0) b.Int(q.branch_id);
  b.Params(q.filter.params).Int(Limit(q.page) + 1);
}

// IN lists are padded to a power of two (repeating an id changes nothing) so each connection's
// statement cache holds a few shapes rather than one per page size.
constexpr size_t kMaxInList = 512;

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

void BindIds(Binder& b, const std::vector<int64_t>& ids, size_t begin, size_t count,
             size_t slots) {
  for (size_t i = 0; i < slots; ++i) b.Int(ids[begin + std::min(i, count - 1)]);
}

// ---------------------------------------------------------------------------------------------
// Row mapping. Each SELECT below lists exactly the columns its mapper reads, in order.

const std::string& BranchSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT b.id, b.code, b.display_name, b.region, b.personal_customer_cap, "
      "b.corporate_key_account_cap, b.version, ",
      Micros("b.create_time"), ", ", Micros("b.update_time"), " FROM branches b"));
  return *sql;
}

std::pair<int64_t, v1::Branch> BranchFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Branch b;
  b.set_name(api::FormatName("branches", id));
  b.set_code(row.Str());
  b.set_display_name(row.Str());
  b.set_region(row.Str());
  b.set_personal_customer_cap(row.Int32());
  b.set_corporate_key_account_cap(row.Int32());
  b.set_etag(MakeEtag(row.Int()));
  *b.mutable_create_time() = row.Time();
  *b.mutable_update_time() = row.Time();
  return {id, std::move(b)};
}

// The mentor is derived from the active mentorship (at most one per mentee by the domain rule;
// MAX keeps the column scalar even if that were ever violated).
const std::string& MemberSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT m.id, m.employee_number, m.display_name, m.branch_id, m.role, m.rm_kind, "
      "m.back_office_function, m.status, m.career_level, m.career_grade, m.version, ",
      Micros("m.create_time"), ", ", Micros("m.update_time"),
      ", (SELECT MAX(mm.mentor_id) FROM mentorships mm WHERE mm.mentee_id = m.id AND mm.state = ",
      static_cast<int>(v1::MENTORSHIP_ACTIVE), ") FROM members m"));
  return *sql;
}

std::pair<int64_t, v1::Member> MemberFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Member m;
  m.set_name(api::FormatName("members", id));
  m.set_employee_number(row.Str());
  m.set_display_name(row.Str());
  m.set_branch(api::FormatName("branches", row.Int()));
  m.set_role(static_cast<v1::Role>(row.Int()));
  m.set_rm_kind(static_cast<v1::RmKind>(row.Int()));
  m.set_back_office_function(static_cast<v1::BackOfficeFunction>(row.Int()));
  m.set_status(static_cast<v1::MemberStatus>(row.Int()));
  m.set_career_level(static_cast<v1::CareerLevel>(row.Int()));
  m.set_career_grade(row.Int32());
  m.set_etag(MakeEtag(row.Int()));
  *m.mutable_create_time() = row.Time();
  *m.mutable_update_time() = row.Time();
  if (int64_t mentor = row.Int(); mentor != 0) m.set_mentor(api::FormatName("members", mentor));
  return {id, std::move(m)};
}

const std::string& LadderSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT lc.id, lc.member_id, lc.kind, lc.from_level, lc.from_grade, lc.to_level, "
      "lc.to_grade, lc.reason, lc.decider, ",
      DateText("lc.effective_date"), ", ", Micros("lc.create_time"), " FROM ladder_changes lc"));
  return *sql;
}

std::pair<int64_t, v1::LadderChange> LadderFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::LadderChange c;
  c.set_name(api::FormatChildName("members", row.Int(), "ladderChanges", id));
  c.set_kind(static_cast<v1::LadderChangeKind>(row.Int()));
  c.set_from_level(static_cast<v1::CareerLevel>(row.Int()));
  c.set_from_grade(row.Int32());
  c.set_to_level(static_cast<v1::CareerLevel>(row.Int()));
  c.set_to_grade(row.Int32());
  c.set_reason(row.Str());
  c.set_decider(row.Str());
  *c.mutable_effective_date() = row.Day();
  *c.mutable_create_time() = row.Time();
  return {id, std::move(c)};
}

const std::string& CertificationSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT c.id, c.member_id, c.type, c.rm_kind, c.issuer, c.number, ",
      DateText("c.issue_date"), ", ", DateText("c.expiry_date"), ", c.revoked, c.revoke_reason, ",
      Micros("c.create_time"), " FROM certifications c"));
  return *sql;
}

// state stays UNSPECIFIED for the domain to derive from the dates, except REVOKED.
std::pair<int64_t, v1::Certification> CertificationFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Certification c;
  c.set_name(api::FormatChildName("members", row.Int(), "certifications", id));
  c.set_type(static_cast<v1::CertificationType>(row.Int()));
  c.set_rm_kind(static_cast<v1::RmKind>(row.Int()));
  c.set_issuer(row.Str());
  c.set_number(row.Str());
  *c.mutable_issue_date() = row.Day();
  *c.mutable_expiry_date() = row.Day();
  if (row.Int() != 0) c.set_state(v1::REVOKED);
  c.set_revoke_reason(row.Str());
  *c.mutable_create_time() = row.Time();
  return {id, std::move(c)};
}

const std::string& MentorshipSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT ms.id, ms.mentor_id, ms.mentee_id, ms.state, ", DateText("ms.start_date"), ", ",
      DateText("ms.end_date"), ", ms.outcome, ms.note, ", Micros("ms.create_time"),
      " FROM mentorships ms"));
  return *sql;
}

std::pair<int64_t, v1::Mentorship> MentorshipFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Mentorship m;
  m.set_name(api::FormatName("mentorships", id));
  m.set_mentor(api::FormatName("members", row.Int()));
  m.set_mentee(api::FormatName("members", row.Int()));
  m.set_state(static_cast<v1::MentorshipState>(row.Int()));
  *m.mutable_start_date() = row.Day();
  if (Date end = row.Day(); IsSet(end)) *m.mutable_end_date() = end;
  m.set_outcome(static_cast<v1::MentorshipOutcome>(row.Int()));
  m.set_note(row.Str());
  *m.mutable_create_time() = row.Time();
  return {id, std::move(m)};
}

const std::string& TeamSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT t.id, t.display_name, t.kind, t.branch_id, t.leader_id, t.description, t.version, ",
      Micros("t.create_time"), ", ", Micros("t.update_time"),
      ", (SELECT COUNT(*) FROM team_members tc WHERE tc.team_id = t.id) FROM teams t"));
  return *sql;
}

std::pair<int64_t, v1::Team> TeamFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Team t;
  t.set_name(api::FormatName("teams", id));
  t.set_display_name(row.Str());
  t.set_kind(static_cast<v1::TeamKind>(row.Int()));
  t.set_branch(api::FormatName("branches", row.Int()));
  if (int64_t leader = row.Int(); leader != 0) t.set_leader(api::FormatName("members", leader));
  t.set_description(row.Str());
  t.set_etag(MakeEtag(row.Int()));
  *t.mutable_create_time() = row.Time();
  *t.mutable_update_time() = row.Time();
  t.set_member_count(row.Int32());
  return {id, std::move(t)};
}

v1::TeamMembership Membership(int64_t team_id, int64_t member_id, Timestamp join_time) {
  v1::TeamMembership m;
  m.set_name(api::FormatChildName("teams", team_id, "memberships", member_id));
  m.set_team(api::FormatName("teams", team_id));
  m.set_member(api::FormatName("members", member_id));
  *m.mutable_join_time() = std::move(join_time);
  return m;
}

// Keyed by member id (the roster's paging key).
std::pair<int64_t, v1::TeamMembership> MembershipFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t team_id = row.Int();
  const int64_t member_id = row.Int();
  return {member_id, Membership(team_id, member_id, row.Time())};
}

const std::string& GoalSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT g.id, g.team_id, g.metric, ", DateText("g.period_start"), ", ",
      DateText("g.period_end"), ", g.target_value, g.note, ", Micros("g.update_time"),
      " FROM team_goals g"));
  return *sql;
}

std::pair<int64_t, v1::TeamGoal> GoalFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::TeamGoal g;
  g.set_name(api::FormatChildName("teams", row.Int(), "goals", id));
  g.set_metric(static_cast<v1::GoalMetric>(row.Int()));
  *g.mutable_period()->mutable_start_date() = row.Day();
  *g.mutable_period()->mutable_end_date() = row.Day();
  g.set_target_value(row.Int());
  g.set_note(row.Str());
  *g.mutable_update_time() = row.Time();
  return {id, std::move(g)};
}

std::string Locking(const std::string& sql, bool lock) {
  return lock ? sql + " FOR UPDATE" : sql;
}

// ---------------------------------------------------------------------------------------------
// The store: one connection, inside the caller's transaction.

class MySqlTeamStore final : public TeamStore {
 public:
  explicit MySqlTeamStore(db::Connection& conn) : conn_(conn) {}

  absl::StatusOr<std::optional<v1::Branch>> GetBranch(int64_t id, bool lock) override;
  absl::StatusOr<int64_t> InsertBranch(const v1::Branch& branch, absl::Time now) override;
  absl::Status UpdateBranch(int64_t id, const v1::Branch& branch, int64_t expected_version,
                            absl::Time now) override;
  absl::StatusOr<Page<v1::Branch>> ListBranches(const ListQuery& query) override;

  absl::StatusOr<std::optional<v1::Member>> GetMember(int64_t id, bool lock) override;
  absl::StatusOr<std::vector<v1::Member>> GetMembers(const std::vector<int64_t>& ids) override;
  absl::StatusOr<int64_t> InsertMember(const v1::Member& member, int64_t branch_id,
                                       absl::Time now) override;
  absl::Status UpdateMember(int64_t id, const v1::Member& member, int64_t branch_id,
                            int64_t expected_version, absl::Time now) override;
  absl::StatusOr<Page<v1::Member>> ListMembers(const ListQuery& query) override;

  absl::StatusOr<int64_t> InsertLadderChange(int64_t member_id, const v1::LadderChange& change,
                                             absl::Time now) override;
  absl::StatusOr<Page<v1::LadderChange>> ListLadderChanges(
      int64_t member_id, const api::PageRequest& page) override;

  absl::StatusOr<int64_t> InsertCertification(int64_t member_id, const v1::Certification& cert,
                                              absl::Time now) override;
  absl::StatusOr<std::optional<v1::Certification>> GetCertification(int64_t member_id,
                                                                    int64_t id) override;
  absl::Status RevokeCertification(int64_t member_id, int64_t id,
                                   const std::string& reason) override;
  absl::StatusOr<std::vector<v1::Certification>> ListCertifications(int64_t member_id) override;

  absl::StatusOr<int> CountActiveMentees(int64_t mentor_id) override;
  absl::StatusOr<bool> HasActiveMentor(int64_t mentee_id) override;
  absl::StatusOr<int64_t> InsertMentorship(const v1::Mentorship& mentorship, int64_t mentor_id,
                                           int64_t mentee_id, absl::Time now) override;
  absl::StatusOr<std::optional<v1::Mentorship>> GetMentorship(int64_t id, bool lock) override;
  absl::Status EndMentorship(int64_t id, const v1::Mentorship& ended) override;
  absl::StatusOr<Page<v1::Mentorship>> ListMentorships(const ListQuery& query) override;

  absl::StatusOr<std::optional<v1::Team>> GetTeam(int64_t id, bool lock) override;
  absl::StatusOr<int64_t> InsertTeam(const v1::Team& team, int64_t branch_id, int64_t leader_id,
                                     absl::Time now) override;
  absl::Status UpdateTeam(int64_t id, const v1::Team& team, int64_t leader_id,
                          int64_t expected_version, absl::Time now) override;
  absl::StatusOr<Page<v1::Team>> ListTeams(const ListQuery& query) override;
  absl::StatusOr<v1::TeamMembership> AddTeamMember(int64_t team_id, v1::TeamKind kind,
                                                   int64_t member_id, absl::Time now) override;
  absl::Status RemoveTeamMember(int64_t team_id, int64_t member_id) override;
  absl::StatusOr<Page<v1::TeamMembership>> ListTeamMembers(
      int64_t team_id, const api::PageRequest& page) override;
  absl::StatusOr<v1::TeamGoal> UpsertTeamGoal(int64_t team_id, const v1::TeamGoal& goal,
                                              absl::Time now) override;
  absl::StatusOr<Page<v1::TeamGoal>> ListTeamGoals(int64_t team_id,
                                                   const api::PageRequest& page) override;

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override;

 private:
  // Runs fn, turning a Connector/C++ exception into a status (no SQL values in it).
  template <class Fn>
  auto Guard(Fn&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const sql::SQLException& e) {
      return db::StatusFromSqlException(e);
    }
  }

  sql::PreparedStatement& Stmt(const std::string& sql) { return conn_.Prepare(sql); }

  // Runs an INSERT/UPDATE/DELETE and returns the affected row count. A duplicate key becomes
  // on_duplicate(server message) when given: the message names the violated key, which is all
  // that is read from it.
  absl::StatusOr<int> Execute(
      sql::PreparedStatement& ps,
      const std::function<absl::Status(absl::string_view)>& on_duplicate = nullptr);
  int64_t LastInsertId();
  bool Exists(absl::string_view table, int64_t id);
  // After an optimistic UPDATE matched no row: was the row changed or deleted?
  absl::Status StaleOrMissing(absl::string_view table, int64_t id, absl::string_view what);
  void ReplaceSkills(int64_t member_id, const v1::Member& member, bool clear_first);
  void FillSkillsAndTeams(Rows<v1::Member>& members);
  void FillChunk(const std::vector<int64_t>& ids, size_t begin, size_t count,
                 std::unordered_map<int64_t, v1::Member*>& by_id);
  Rows<v1::Member> FetchMembers(const std::vector<int64_t>& ids, size_t begin, size_t count);
  std::optional<v1::TeamGoal> GetGoal(int64_t id);

  db::Connection& conn_;
};

// ---- shared statements ----

absl::StatusOr<int> MySqlTeamStore::Execute(
    sql::PreparedStatement& ps, const std::function<absl::Status(absl::string_view)>& on_duplicate) {
  try {
    return ps.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (on_duplicate && db::IsDuplicateKey(e)) return on_duplicate(e.what());
    throw;
  }
}

int64_t MySqlTeamStore::LastInsertId() {
  static const std::string kSql = "SELECT LAST_INSERT_ID()";
  return FetchInt(Stmt(kSql));
}

bool MySqlTeamStore::Exists(absl::string_view table, int64_t id) {
  sql::PreparedStatement& ps = Stmt(absl::StrCat("SELECT COUNT(*) FROM ", table, " WHERE id = ?"));
  Binder(ps).Int(id);
  return FetchInt(ps) > 0;
}

absl::Status MySqlTeamStore::StaleOrMissing(absl::string_view table, int64_t id,
                                            absl::string_view what) {
  if (!Exists(table, id)) {
    return NotFound(absl::StrCat(what, "_NOT_FOUND"), absl::StrCat("no such ", table, " row"));
  }
  return Aborted("ETAG_MISMATCH", "the resource changed since it was read; read it again");
}

absl::Status MySqlTeamStore::AppendEvent(const rmhub::common::v1::DomainEvent& event) {
  return Guard([&] { return outbox::AppendEvent(conn_, event); });
}

// ---- branches ----

absl::StatusOr<std::optional<v1::Branch>> MySqlTeamStore::GetBranch(int64_t id, bool lock) {
  return Guard([&]() -> absl::StatusOr<std::optional<v1::Branch>> {
    static const std::string kSql = BranchSelect() + " WHERE b.id = ?";
    sql::PreparedStatement& ps = Stmt(Locking(kSql, lock));
    Binder(ps).Int(id);
    return FetchOne(ps, &BranchFromRow);
  });
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertBranch(const v1::Branch& branch, absl::Time now) {
  return Guard([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO branches (code, display_name, region, personal_customer_cap, "
        "corporate_key_account_cap, version, create_time, update_time) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Str(branch.code())
        .Str(branch.display_name())
        .Str(branch.region())
        .Int(branch.personal_customer_cap())
        .Int(branch.corporate_key_account_cap())
        .Time(now)
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps, [](absl::string_view) {
      return AlreadyExists("BRANCH_CODE_TAKEN", "a branch with this code already exists");
    }).status());
    return LastInsertId();
  });
}

absl::Status MySqlTeamStore::UpdateBranch(int64_t id, const v1::Branch& branch,
                                          int64_t expected_version, absl::Time now) {
  return Guard([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE branches SET display_name = ?, region = ?, personal_customer_cap = ?, "
        "corporate_key_account_cap = ?, version = version + 1, update_time = ? "
        "WHERE id = ? AND version = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Str(branch.display_name())
        .Str(branch.region())
        .Int(branch.personal_customer_cap())
        .Int(branch.corporate_key_account_cap())
        .Time(now)
        .Int(id)
        .Int(expected_version);
    RMHUB_ASSIGN_OR_RETURN(int updated, Execute(ps));
    return updated == 0 ? StaleOrMissing("branches", id, "BRANCH") : absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Branch>> MySqlTeamStore::ListBranches(const ListQuery& query) {
  return Guard([&]() -> absl::StatusOr<Page<v1::Branch>> {
    sql::PreparedStatement& ps = Stmt(ListSql(BranchSelect(), "b", "b.id = ?", query));
    BindList(ps, query);
    Rows<v1::Branch> rows = Fetch(ps, &BranchFromRow);
    int64_t next = TrimToPage(rows, Limit(query.page));
    return ToPage(std::move(rows), next);
  });
}

// ---- members ----

absl::StatusOr<std::optional<v1::Member>> MySqlTeamStore::GetMember(int64_t id, bool lock) {
  return Guard([&]() -> absl::StatusOr<std::optional<v1::Member>> {
    static const std::string kSql = MemberSelect() + " WHERE m.id = ?";
    sql::PreparedStatement& ps = Stmt(Locking(kSql, lock));
    Binder(ps).Int(id);
    Rows<v1::Member> rows = Fetch(ps, &MemberFromRow);
    if (rows.empty()) return std::nullopt;
    FillSkillsAndTeams(rows);
    return std::move(rows.front().second);
  });
}

Rows<v1::Member> MySqlTeamStore::FetchMembers(const std::vector<int64_t>& ids, size_t begin,
                                              size_t count) {
  const size_t slots = InListSize(count);
  sql::PreparedStatement& ps =
      Stmt(absl::StrCat(MemberSelect(), " WHERE m.id IN (", InList(slots), ")"));
  Binder b(ps);
  BindIds(b, ids, begin, count, slots);
  return Fetch(ps, &MemberFromRow);
}

absl::StatusOr<std::vector<v1::Member>> MySqlTeamStore::GetMembers(
    const std::vector<int64_t>& ids) {
  return Guard([&]() -> absl::StatusOr<std::vector<v1::Member>> {
    std::vector<int64_t> unique(ids);
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    Rows<v1::Member> found;
    for (size_t begin = 0; begin < unique.size(); begin += kMaxInList) {
      Rows<v1::Member> chunk =
          FetchMembers(unique, begin, std::min(kMaxInList, unique.size() - begin));
      for (auto& row : chunk) found.push_back(std::move(row));
    }
    FillSkillsAndTeams(found);
    std::unordered_map<int64_t, const v1::Member*> by_id;
    for (const auto& [id, member] : found) by_id[id] = &member;
    std::vector<v1::Member> out;
    for (int64_t id : ids) {
      if (auto it = by_id.find(id); it != by_id.end()) out.push_back(*it->second);
    }
    return out;
  });
}

void MySqlTeamStore::FillSkillsAndTeams(Rows<v1::Member>& members) {
  std::vector<int64_t> ids;
  std::unordered_map<int64_t, v1::Member*> by_id;
  for (auto& [id, member] : members) {
    ids.push_back(id);
    by_id[id] = &member;
  }
  for (size_t begin = 0; begin < ids.size(); begin += kMaxInList) {
    FillChunk(ids, begin, std::min(kMaxInList, ids.size() - begin), by_id);
  }
}

// One query for the skills and one for the teams of every member of the chunk.
void MySqlTeamStore::FillChunk(const std::vector<int64_t>& ids, size_t begin, size_t count,
                               std::unordered_map<int64_t, v1::Member*>& by_id) {
  const size_t slots = InListSize(count);
  sql::PreparedStatement& skills = Stmt(absl::StrCat(
      "SELECT member_id, skill FROM member_skills WHERE member_id IN (", InList(slots),
      ") ORDER BY member_id, skill"));
  Binder sb(skills);
  BindIds(sb, ids, begin, count, slots);
  std::unique_ptr<sql::ResultSet> rs(skills.executeQuery());
  while (rs->next()) by_id[rs->getInt64(1)]->add_skills(static_cast<v1::Skill>(rs->getInt(2)));

  sql::PreparedStatement& teams = Stmt(absl::StrCat(
      "SELECT member_id, team_id, home_slot IS NOT NULL FROM team_members WHERE member_id IN (",
      InList(slots), ") ORDER BY member_id, team_id"));
  Binder tb(teams);
  BindIds(tb, ids, begin, count, slots);
  rs.reset(teams.executeQuery());
  while (rs->next()) {
    v1::Member* m = by_id[rs->getInt64(1)];
    std::string team = api::FormatName("teams", rs->getInt64(2));
    if (rs->getInt(3) != 0) {
      m->set_home_team(std::move(team));
    } else {
      m->add_project_teams(std::move(team));
    }
  }
}

// Skills are a set: duplicates collapse, and they are stored one row each.
void MySqlTeamStore::ReplaceSkills(int64_t member_id, const v1::Member& member, bool clear_first) {
  if (clear_first) {
    static const std::string kDelete = "DELETE FROM member_skills WHERE member_id = ?";
    sql::PreparedStatement& ps = Stmt(kDelete);
    Binder(ps).Int(member_id);
    ps.executeUpdate();
  }
  std::set<int> skills(member.skills().begin(), member.skills().end());
  if (skills.empty()) return;
  std::string sql = "INSERT INTO member_skills (member_id, skill) VALUES (?, ?)";
  for (size_t i = 1; i < skills.size(); ++i) sql += ", (?, ?)";
  sql::PreparedStatement& ps = Stmt(sql);
  Binder b(ps);
  for (int skill : skills) b.Int(member_id).Int(skill);
  ps.executeUpdate();
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertMember(const v1::Member& member, int64_t branch_id,
                                                     absl::Time now) {
  return Guard([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO members (employee_number, display_name, branch_id, role, rm_kind, "
        "back_office_function, status, career_level, career_grade, version, create_time, "
        "update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Str(member.employee_number())
        .Str(member.display_name())
        .Int(branch_id)
        .Int(member.role())
        .Int(member.rm_kind())
        .Int(member.back_office_function())
        .Int(member.status())
        .Int(member.career_level())
        .Int(member.career_grade())
        .Time(now)
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps, [](absl::string_view) {
      return AlreadyExists("EMPLOYEE_NUMBER_TAKEN", "a member with this employee number exists");
    }).status());
    const int64_t id = LastInsertId();
    ReplaceSkills(id, member, /*clear_first=*/false);
    return id;
  });
}

absl::Status MySqlTeamStore::UpdateMember(int64_t id, const v1::Member& member, int64_t branch_id,
                                          int64_t expected_version, absl::Time now) {
  return Guard([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE members SET display_name = ?, branch_id = ?, role = ?, rm_kind = ?, "
        "back_office_function = ?, status = ?, career_level = ?, career_grade = ?, "
        "version = version + 1, update_time = ? WHERE id = ? AND version = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Str(member.display_name())
        .Int(branch_id)
        .Int(member.role())
        .Int(member.rm_kind())
        .Int(member.back_office_function())
        .Int(member.status())
        .Int(member.career_level())
        .Int(member.career_grade())
        .Time(now)
        .Int(id)
        .Int(expected_version);
    RMHUB_ASSIGN_OR_RETURN(int updated, Execute(ps));
    if (updated == 0) return StaleOrMissing("members", id, "MEMBER");
    ReplaceSkills(id, member, /*clear_first=*/true);
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Member>> MySqlTeamStore::ListMembers(const ListQuery& query) {
  return Guard([&]() -> absl::StatusOr<Page<v1::Member>> {
    sql::PreparedStatement& ps = Stmt(ListSql(MemberSelect(), "m", "m.branch_id = ?", query));
    BindList(ps, query);
    Rows<v1::Member> rows = Fetch(ps, &MemberFromRow);
    int64_t next = TrimToPage(rows, Limit(query.page));
    FillSkillsAndTeams(rows);
    return ToPage(std::move(rows), next);
  });
}

// ---- ladder ----

absl::StatusOr<int64_t> MySqlTeamStore::InsertLadderChange(int64_t member_id,
                                                           const v1::LadderChange& change,
                                                           absl::Time now) {
  if (!IsSet(change.effective_date())) return InvalidField("effective_date", "is required");
  return Guard([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO ladder_changes (member_id, kind, from_level, from_grade, to_level, to_grade, "
        "reason, decider, effective_date, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(member_id)
        .Int(change.kind())
        .Int(change.from_level())
        .Int(change.from_grade())
        .Int(change.to_level())
        .Int(change.to_grade())
        .Str(change.reason())
        .Str(change.decider())
        .Day(change.effective_date())
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps).status());
    return LastInsertId();
  });
}

absl::StatusOr<Page<v1::LadderChange>> MySqlTeamStore::ListLadderChanges(
    int64_t member_id, const api::PageRequest& page) {
  return Guard([&]() -> absl::StatusOr<Page<v1::LadderChange>> {
    static const std::string kFirst =
        LadderSelect() + " WHERE lc.member_id = ? ORDER BY lc.id DESC LIMIT ?";
    static const std::string kBelow =
        LadderSelect() + " WHERE lc.member_id = ? AND lc.id < ? ORDER BY lc.id DESC LIMIT ?";
    sql::PreparedStatement& ps = Stmt(page.after_id == 0 ? kFirst : kBelow);
    Binder b(ps);
    b.Int(member_id);
    if (page.after_id != 0) b.Int(page.after_id);
    b.Int(Limit(page) + 1);
    Rows<v1::LadderChange> rows = Fetch(ps, &LadderFromRow);
    int64_t next = TrimToPage(rows, Limit(page));
    return ToPage(std::move(rows), next);
  });
}

// ---- certifications ----

absl::StatusOr<int64_t> MySqlTeamStore::InsertCertification(int64_t member_id,
                                                            const v1::Certification& cert,
                                                            absl::Time now) {
  if (!IsSet(cert.issue_date())) return InvalidField("certification.issue_date", "is required");
  if (!IsSet(cert.expiry_date())) return InvalidField("certification.expiry_date", "is required");
  return Guard([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO certifications (member_id, type, rm_kind, issuer, number, issue_date, "
        "expiry_date, revoked, revoke_reason, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(member_id)
        .Int(cert.type())
        .Int(cert.rm_kind())
        .Str(cert.issuer())
        .Str(cert.number())
        .Day(cert.issue_date())
        .Day(cert.expiry_date())
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps).status());
    return LastInsertId();
  });
}

absl::StatusOr<std::optional<v1::Certification>> MySqlTeamStore::GetCertification(
    int64_t member_id, int64_t id) {
  return Guard([&]() -> absl::StatusOr<std::optional<v1::Certification>> {
    static const std::string kSql = CertificationSelect() + " WHERE c.id = ? AND c.member_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(id).Int(member_id);
    return FetchOne(ps, &CertificationFromRow);
  });
}

absl::Status MySqlTeamStore::RevokeCertification(int64_t member_id, int64_t id,
                                                 const std::string& reason) {
  return Guard([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE certifications SET revoked = 1, revoke_reason = ? WHERE id = ? AND member_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Str(reason).Int(id).Int(member_id);
    RMHUB_ASSIGN_OR_RETURN(int updated, Execute(ps));
    // Zero affected rows also means "already revoked with this reason": only absence is an error.
    static const std::string kExists =
        "SELECT COUNT(*) FROM certifications WHERE id = ? AND member_id = ?";
    if (updated == 0) {
      sql::PreparedStatement& exists = Stmt(kExists);
      Binder(exists).Int(id).Int(member_id);
      if (FetchInt(exists) == 0) {
        return NotFound("CERTIFICATION_NOT_FOUND", "no such certification");
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::Certification>> MySqlTeamStore::ListCertifications(
    int64_t member_id) {
  return Guard([&]() -> absl::StatusOr<std::vector<v1::Certification>> {
    static const std::string kSql = CertificationSelect() + " WHERE c.member_id = ? ORDER BY c.id";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(member_id);
    return ToPage(Fetch(ps, &CertificationFromRow), 0).items;
  });
}

// ---- mentoring ----
// The counts are locking reads: they decide the mentee limit, so they must see the latest
// committed rows (not the transaction's snapshot) and hold them until commit.

absl::StatusOr<int> MySqlTeamStore::CountActiveMentees(int64_t mentor_id) {
  return Guard([&]() -> absl::StatusOr<int> {
    static const std::string kSql = absl::StrCat(
        "SELECT COUNT(*) FROM mentorships WHERE mentor_id = ? AND state = ",
        static_cast<int>(v1::MENTORSHIP_ACTIVE), " FOR UPDATE");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(mentor_id);
    return static_cast<int>(FetchInt(ps));
  });
}

absl::StatusOr<bool> MySqlTeamStore::HasActiveMentor(int64_t mentee_id) {
  return Guard([&]() -> absl::StatusOr<bool> {
    static const std::string kSql = absl::StrCat(
        "SELECT COUNT(*) FROM mentorships WHERE mentee_id = ? AND state = ",
        static_cast<int>(v1::MENTORSHIP_ACTIVE), " FOR UPDATE");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(mentee_id);
    return FetchInt(ps) > 0;
  });
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertMentorship(const v1::Mentorship& m,
                                                         int64_t mentor_id, int64_t mentee_id,
                                                         absl::Time now) {
  if (!IsSet(m.start_date())) return InvalidField("start_date", "is required");
  return Guard([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO mentorships (mentor_id, mentee_id, state, start_date, end_date, outcome, "
        "note, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    // A new mentorship with no state given is an active one.
    const int state = m.state() == v1::MENTORSHIP_STATE_UNSPECIFIED ? v1::MENTORSHIP_ACTIVE
                                                                    : m.state();
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(mentor_id)
        .Int(mentee_id)
        .Int(state)
        .Day(m.start_date())
        .Day(m.end_date())
        .Int(m.outcome())
        .Str(m.note())
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps).status());
    return LastInsertId();
  });
}

absl::StatusOr<std::optional<v1::Mentorship>> MySqlTeamStore::GetMentorship(int64_t id,
                                                                            bool lock) {
  return Guard([&]() -> absl::StatusOr<std::optional<v1::Mentorship>> {
    static const std::string kSql = MentorshipSelect() + " WHERE ms.id = ?";
    sql::PreparedStatement& ps = Stmt(Locking(kSql, lock));
    Binder(ps).Int(id);
    return FetchOne(ps, &MentorshipFromRow);
  });
}

absl::Status MySqlTeamStore::EndMentorship(int64_t id, const v1::Mentorship& ended) {
  return Guard([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE mentorships SET state = ?, end_date = ?, outcome = ?, note = ? WHERE id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(ended.state())
        .Day(ended.end_date())
        .Int(ended.outcome())
        .Str(ended.note())
        .Int(id);
    RMHUB_ASSIGN_OR_RETURN(int updated, Execute(ps));
    // Zero affected rows may just mean nothing changed; only a missing row is an error.
    if (updated == 0 && !Exists("mentorships", id)) {
      return NotFound("MENTORSHIP_NOT_FOUND", "no such mentorship");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Mentorship>> MySqlTeamStore::ListMentorships(const ListQuery& query) {
  return Guard([&]() -> absl::StatusOr<Page<v1::Mentorship>> {
    sql::PreparedStatement& ps = Stmt(ListSql(
        MentorshipSelect(), "ms",
        "EXISTS (SELECT 1 FROM members mb WHERE mb.id = ms.mentor_id AND mb.branch_id = ?)",
        query));
    BindList(ps, query);
    Rows<v1::Mentorship> rows = Fetch(ps, &MentorshipFromRow);
    int64_t next = TrimToPage(rows, Limit(query.page));
    return ToPage(std::move(rows), next);
  });
}

// ---- teams ----

absl::StatusOr<std::optional<v1::Team>> MySqlTeamStore::GetTeam(int64_t id, bool lock) {
  return Guard([&]() -> absl::StatusOr<std::optional<v1::Team>> {
    static const std::string kSql = TeamSelect() + " WHERE t.id = ?";
    sql::PreparedStatement& ps = Stmt(Locking(kSql, lock));
    Binder(ps).Int(id);
    return FetchOne(ps, &TeamFromRow);
  });
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertTeam(const v1::Team& team, int64_t branch_id,
                                                   int64_t leader_id, absl::Time now) {
  return Guard([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO teams (display_name, kind, branch_id, leader_id, description, version, "
        "create_time, update_time) VALUES (?, ?, ?, ?, ?, 1, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Str(team.display_name())
        .Int(team.kind())
        .Int(branch_id)
        .OptionalId(leader_id)
        .Str(team.description())
        .Time(now)
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps).status());
    return LastInsertId();
  });
}

absl::Status MySqlTeamStore::UpdateTeam(int64_t id, const v1::Team& team, int64_t leader_id,
                                        int64_t expected_version, absl::Time now) {
  return Guard([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE teams SET display_name = ?, leader_id = ?, description = ?, "
        "version = version + 1, update_time = ? WHERE id = ? AND version = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Str(team.display_name())
        .OptionalId(leader_id)
        .Str(team.description())
        .Time(now)
        .Int(id)
        .Int(expected_version);
    RMHUB_ASSIGN_OR_RETURN(int updated, Execute(ps));
    return updated == 0 ? StaleOrMissing("teams", id, "TEAM") : absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Team>> MySqlTeamStore::ListTeams(const ListQuery& query) {
  return Guard([&]() -> absl::StatusOr<Page<v1::Team>> {
    sql::PreparedStatement& ps = Stmt(ListSql(TeamSelect(), "t", "t.branch_id = ?", query));
    BindList(ps, query);
    Rows<v1::Team> rows = Fetch(ps, &TeamFromRow);
    int64_t next = TrimToPage(rows, Limit(query.page));
    return ToPage(std::move(rows), next);
  });
}

// home_slot is 1 for a HOME team and NULL for a PROJECT team, so uk_team_members_home allows one
// home team per member; the primary key (team_id, member_id) forbids joining a team twice.
absl::StatusOr<v1::TeamMembership> MySqlTeamStore::AddTeamMember(int64_t team_id,
                                                                 v1::TeamKind kind,
                                                                 int64_t member_id,
                                                                 absl::Time now) {
  return Guard([&]() -> absl::StatusOr<v1::TeamMembership> {
    static const std::string kSql =
        "INSERT INTO team_members (team_id, member_id, home_slot, join_time) VALUES (?, ?, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder b(ps);
    b.Int(team_id).Int(member_id);
    if (kind == v1::HOME) {
      b.Int(1);
    } else {
      b.Null();
    }
    b.Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps, [](absl::string_view message) {
      if (absl::StrContains(message, "uk_team_members_home")) {
        return FailedPrecondition("ALREADY_IN_HOME_TEAM", "the member already has a home team");
      }
      return AlreadyExists("ALREADY_A_MEMBER", "the member is already in the team");
    }).status());
    return Membership(team_id, member_id, ToTimestamp(absl::ToUnixMicros(now)));
  });
}

absl::Status MySqlTeamStore::RemoveTeamMember(int64_t team_id, int64_t member_id) {
  return Guard([&]() -> absl::Status {
    static const std::string kSql = "DELETE FROM team_members WHERE team_id = ? AND member_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(team_id).Int(member_id);
    RMHUB_ASSIGN_OR_RETURN(int deleted, Execute(ps));
    if (deleted == 0) return NotFound("NOT_A_MEMBER", "the member is not in the team");
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::TeamMembership>> MySqlTeamStore::ListTeamMembers(
    int64_t team_id, const api::PageRequest& page) {
  return Guard([&]() -> absl::StatusOr<Page<v1::TeamMembership>> {
    static const std::string kSql = absl::StrCat(
        "SELECT tm.team_id, tm.member_id, ", Micros("tm.join_time"),
        " FROM team_members tm WHERE tm.team_id = ? AND tm.member_id > ? "
        "ORDER BY tm.member_id LIMIT ?");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(team_id).Int(page.after_id).Int(Limit(page) + 1);
    Rows<v1::TeamMembership> rows = Fetch(ps, &MembershipFromRow);
    int64_t next = TrimToPage(rows, Limit(page));
    return ToPage(std::move(rows), next);
  });
}

std::optional<v1::TeamGoal> MySqlTeamStore::GetGoal(int64_t id) {
  static const std::string kSql = GoalSelect() + " WHERE g.id = ?";
  sql::PreparedStatement& ps = Stmt(kSql);
  Binder(ps).Int(id);
  return FetchOne(ps, &GoalFromRow);
}

// One statement, so concurrent setters of the same goal cannot both insert: the unique key
// (team, metric, period) turns the second into an update. LAST_INSERT_ID(id) makes the existing
// row's id readable in that case too.
absl::StatusOr<v1::TeamGoal> MySqlTeamStore::UpsertTeamGoal(int64_t team_id,
                                                            const v1::TeamGoal& goal,
                                                            absl::Time now) {
  if (!IsSet(goal.period().start_date()) || !IsSet(goal.period().end_date())) {
    return InvalidField("goal.period", "start_date and end_date are required");
  }
  return Guard([&]() -> absl::StatusOr<v1::TeamGoal> {
    static const std::string kSql =
        "INSERT INTO team_goals (team_id, metric, period_start, period_end, target_value, note, "
        "update_time) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "id = LAST_INSERT_ID(id), target_value = VALUES(target_value), note = VALUES(note), "
        "update_time = VALUES(update_time)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(team_id)
        .Int(goal.metric())
        .Day(goal.period().start_date())
        .Day(goal.period().end_date())
        .Int(goal.target_value())
        .Str(goal.note())
        .Time(now);
    RMHUB_RETURN_IF_ERROR(Execute(ps).status());
    std::optional<v1::TeamGoal> stored = GetGoal(LastInsertId());
    if (!stored.has_value()) return Internal("GOAL_NOT_READ_BACK", "the goal was not stored");
    return *std::move(stored);
  });
}

absl::StatusOr<Page<v1::TeamGoal>> MySqlTeamStore::ListTeamGoals(int64_t team_id,
                                                                 const api::PageRequest& page) {
  return Guard([&]() -> absl::StatusOr<Page<v1::TeamGoal>> {
    static const std::string kSql =
        GoalSelect() + " WHERE g.team_id = ? AND g.id > ? ORDER BY g.id LIMIT ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(team_id).Int(page.after_id).Int(Limit(page) + 1);
    Rows<v1::TeamGoal> rows = Fetch(ps, &GoalFromRow);
    int64_t next = TrimToPage(rows, Limit(page));
    return ToPage(std::move(rows), next);
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The repository

MySqlTeamRepository::MySqlTeamRepository(db::ConnectionPool& pool) : pool_(pool) {}

absl::Status MySqlTeamRepository::Migrate(db::ConnectionPool& pool) {
  return db::ApplyMigrations(pool, TeamMigrations());
}

// A transaction even for reads: several queries then see one consistent snapshot.
absl::Status MySqlTeamRepository::Read(const std::function<absl::Status(TeamStore&)>& body) {
  return db::RunInTransaction(pool_, [&](db::Connection& conn) {
    MySqlTeamStore store(conn);
    return body(store);
  });
}

// The idempotency record holds the response as an Any, so one non-template path serves every
// response type; unpacking on replay also checks the stored type matches the caller's.
absl::Status MySqlTeamRepository::Write(absl::string_view method, const std::string& request_id,
                                        const google::protobuf::Message& request,
                                        google::protobuf::Message* response,
                                        const std::function<absl::Status(TeamStore&)>& body) {
  absl::StatusOr<google::protobuf::Any> packed = idempotency::RunIdempotent<google::protobuf::Any>(
      pool_, method, request_id, request,
      [&](db::Connection& conn) -> absl::StatusOr<google::protobuf::Any> {
        MySqlTeamStore store(conn);
        RMHUB_RETURN_IF_ERROR(body(store));
        google::protobuf::Any any;
        if (response != nullptr) any.PackFrom(*response);
        return any;
      });
  if (!packed.ok()) return packed.status();
  if (response != nullptr && !packed->UnpackTo(response)) {
    return Internal("STORED_RESPONSE_MISMATCH",
                    "the stored response of this request_id is of another type");
  }
  return absl::OkStatus();
}

absl::Status MySqlTeamRepository::CheckReady() {
  RMHUB_RETURN_IF_ERROR(pool_.Ping());
  RMHUB_ASSIGN_OR_RETURN(bool applied, db::MigrationsApplied(pool_, TeamMigrations()));
  if (!applied) return Unavailable("SCHEMA_NOT_CURRENT", "team migrations are not all applied");
  return absl::OkStatus();
}

}  // namespace rmhub::team
