#include "services/team/mysql_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/resource_name.h"
#include "common/db/list_where.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "common/idempotency/idempotency.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"

namespace rmhub::team {
namespace {

using common::v1::Date;
using google::protobuf::Timestamp;

using db::Binder;
using db::DateTextOf;
using db::IsSetDate;
using db::MicrosOf;
using db::Row;
using db::Rows;

// ---------------------------------------------------------------------------------------------
// Row mapping. Each SELECT below lists exactly the columns its mapper reads, in order.

const std::string& BranchSelect() {
  static const std::string* const sql = new std::string(
      absl::StrCat("SELECT b.id, b.code, b.display_name, b.region, b.personal_customer_cap, "
                   "b.corporate_key_account_cap, b.version, ",
                   MicrosOf("b.create_time"), ", ", MicrosOf("b.update_time"), " FROM branches b"));
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
      MicrosOf("m.create_time"), ", ", MicrosOf("m.update_time"),
      ", (SELECT MAX(mm.mentor_id) FROM mentorships mm WHERE mm.mentee_id = m.id AND mm.state = ",
      static_cast<int>(v1::MENTORSHIP_ACTIVE), ")",
      // Skills and teams ride along in the same statement, so a point read or a page is ONE
      // statement (it runs in autocommit: TeamRepository::ReadSingle). A member has a handful of
      // skills and teams, far below GROUP_CONCAT's 1024-byte default.
      ", (SELECT GROUP_CONCAT(s.skill ORDER BY s.skill) FROM member_skills s "
      "WHERE s.member_id = m.id)",
      ", (SELECT MAX(tm.team_id) FROM team_members tm WHERE tm.member_id = m.id "
      "AND tm.home_slot IS NOT NULL)",
      ", (SELECT GROUP_CONCAT(tp.team_id ORDER BY tp.team_id) FROM team_members tp "
      "WHERE tp.member_id = m.id AND tp.home_slot IS NULL)",
      " FROM members m"));
  return *sql;
}

// A GROUP_CONCAT of integers ("3,7,12"; "" for none).
std::vector<int64_t> IntList(const std::string& list) {
  std::vector<int64_t> out;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    int64_t value = 0;
    if (absl::SimpleAtoi(part, &value)) out.push_back(value);
  }
  return out;
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
  for (int64_t skill : IntList(row.Str())) m.add_skills(static_cast<v1::Skill>(skill));
  if (int64_t home = row.Int(); home != 0) m.set_home_team(api::FormatName("teams", home));
  for (int64_t team : IntList(row.Str())) m.add_project_teams(api::FormatName("teams", team));
  return {id, std::move(m)};
}

const std::string& LadderSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT lc.id, lc.member_id, lc.kind, lc.from_level, lc.from_grade, lc.to_level, "
      "lc.to_grade, lc.reason, lc.decider, ",
      DateTextOf("lc.effective_date"), ", ", MicrosOf("lc.create_time"),
      ", lc.approver, lc.approval_authority", " FROM ladder_changes lc"));
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
  c.set_approver(row.Str());
  c.set_approval_authority(static_cast<v1::ApprovalAuthority>(row.Int()));
  return {id, std::move(c)};
}

const std::string& CertificationSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT c.id, c.member_id, c.type, c.rm_kind, c.issuer, c.number, ",
      DateTextOf("c.issue_date"), ", ", DateTextOf("c.expiry_date"),
      ", c.revoked, c.revoke_reason, ", MicrosOf("c.create_time"), " FROM certifications c"));
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
  static const std::string* const sql = new std::string(
      absl::StrCat("SELECT ms.id, ms.mentor_id, ms.mentee_id, ms.state, ",
                   DateTextOf("ms.start_date"), ", ", DateTextOf("ms.end_date"),
                   ", ms.outcome, ms.note, ", MicrosOf("ms.create_time"), " FROM mentorships ms"));
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
  if (Date end = row.Day(); IsSetDate(end)) *m.mutable_end_date() = end;
  m.set_outcome(static_cast<v1::MentorshipOutcome>(row.Int()));
  m.set_note(row.Str());
  *m.mutable_create_time() = row.Time();
  return {id, std::move(m)};
}

const std::string& TeamSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT t.id, t.display_name, t.kind, t.branch_id, t.leader_id, t.description, t.version, ",
      MicrosOf("t.create_time"), ", ", MicrosOf("t.update_time"),
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
  static const std::string* const sql = new std::string(
      absl::StrCat("SELECT g.id, g.team_id, g.metric, ", DateTextOf("g.period_start"), ", ",
                   DateTextOf("g.period_end"), ", g.target_value, g.note, ",
                   MicrosOf("g.update_time"), " FROM team_goals g"));
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

// ---------------------------------------------------------------------------------------------
// List filters: the fields of domain/list_filters.h, and the scope grants, as SQL.

const db::ListMapping& BranchList() {
  static const auto* m = new db::ListMapping{
      {{"region", db::FilterColumn::Of("b.region")}, {"code", db::FilterColumn::Of("b.code")}},
      {"", "", "b.id = ?"}};
  return *m;
}

const db::ListMapping& MemberList() {
  static const auto* m = new db::ListMapping{
      {{"branch", db::FilterColumn::Of("m.branch_id")},
       {"role", db::FilterColumn::Of("m.role")},
       {"status", db::FilterColumn::Of("m.status")},
       {"rm_kind", db::FilterColumn::Of("m.rm_kind")},
       {"career_level", db::FilterColumn::Of("m.career_level")},
       {"skills", db::FilterColumn::Contains("EXISTS (SELECT 1 FROM member_skills s WHERE "
                                             "s.member_id = m.id AND s.skill = ?)")},
       {"team", db::FilterColumn::Contains("EXISTS (SELECT 1 FROM team_members tm WHERE "
                                           "tm.member_id = m.id AND tm.team_id = ?)")},
       {"employee_number", db::FilterColumn::Of("m.employee_number")},
       {"back_office_function", db::FilterColumn::Of("m.back_office_function")}},
      {"", "", "m.branch_id = ?"}};
  return *m;
}

// A mentorship is of its mentor's branch.
const db::ListMapping& MentorshipList() {
  static const auto* m = new db::ListMapping{
      {{"mentor", db::FilterColumn::Of("ms.mentor_id")},
       {"mentee", db::FilterColumn::Of("ms.mentee_id")},
       {"state", db::FilterColumn::Of("ms.state")}},
      {"", "",
       "EXISTS (SELECT 1 FROM members mb WHERE mb.id = ms.mentor_id AND mb.branch_id = ?)"}};
  return *m;
}

const db::ListMapping& TeamList() {
  static const auto* m = new db::ListMapping{
      {{"branch", db::FilterColumn::Of("t.branch_id")},
       {"kind", db::FilterColumn::Of("t.kind")},
       {"leader", db::FilterColumn::Of("t.leader_id")},
       {"member", db::FilterColumn::Contains("EXISTS (SELECT 1 FROM team_members tm WHERE "
                                             "tm.team_id = t.id AND tm.member_id = ?)")}},
      {"", "", "t.branch_id = ?"}};
  return *m;
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
  absl::StatusOr<v1::RmKind> GetFormerRmKind(int64_t member_id) override;
  absl::StatusOr<std::vector<Holder>> ListHolders(int64_t branch_id, int64_t after_id,
                                                  int limit) override;

  absl::StatusOr<int64_t> InsertLadderChange(int64_t member_id, const v1::LadderChange& change,
                                             absl::Time now) override;
  absl::StatusOr<Page<v1::LadderChange>> ListLadderChanges(int64_t member_id,
                                                           const api::PageRequest& page) override;

  absl::StatusOr<int64_t> InsertCertification(int64_t member_id, const v1::Certification& cert,
                                              absl::Time now) override;
  absl::StatusOr<std::optional<v1::Certification>> GetCertification(int64_t member_id,
                                                                    int64_t id) override;
  absl::Status RevokeCertification(int64_t member_id, int64_t id,
                                   const std::string& reason) override;
  absl::StatusOr<std::vector<v1::Certification>> ListCertifications(int64_t member_id) override;
  absl::StatusOr<std::vector<v1::Certification>> ListQualificationsOf(
      const std::vector<int64_t>& member_ids) override;
  absl::StatusOr<std::vector<v1::Certification>> ListUnpublishedExpiries(absl::CivilDay today,
                                                                         int limit) override;
  absl::StatusOr<bool> ClaimExpiryNotice(int64_t member_id, int64_t certification_id,
                                         const Date& expiry, absl::Time now) override;

  absl::StatusOr<int> CountActiveMentees(int64_t mentor_id) override;
  absl::StatusOr<bool> HasActiveMentor(int64_t mentee_id) override;
  absl::StatusOr<std::vector<v1::Mentorship>> ListActiveMentorshipsOf(int64_t mentor_id) override;
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
  absl::StatusOr<Page<v1::TeamMembership>> ListTeamMembers(int64_t team_id,
                                                           const api::PageRequest& page) override;
  absl::StatusOr<v1::TeamGoal> UpsertTeamGoal(int64_t team_id, const v1::TeamGoal& goal,
                                              absl::Time now) override;
  absl::StatusOr<Page<v1::TeamGoal>> ListTeamGoals(int64_t team_id,
                                                   const api::PageRequest& page) override;

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override;

 private:
  sql::PreparedStatement& Stmt(const std::string& sql) { return conn_.Prepare(sql); }
  int64_t LastInsertId() { return db::LastInsertId(conn_); }
  // After an optimistic UPDATE matched no row: was the row changed or deleted?
  absl::Status StaleOrMissing(absl::string_view table, int64_t id, absl::string_view what);
  void ReplaceSkills(int64_t member_id, const v1::Member& member, bool clear_first);
  std::optional<v1::TeamGoal> GetGoal(int64_t id);

  db::Connection& conn_;
};

// ---- shared statements ----

absl::Status MySqlTeamStore::StaleOrMissing(absl::string_view table, int64_t id,
                                            absl::string_view what) {
  return db::StaleOrMissing(
      conn_, table, id,
      NotFound(absl::StrCat(what, "_NOT_FOUND"), absl::StrCat("no such ", table, " row")));
}

absl::Status MySqlTeamStore::AppendEvent(const rmhub::common::v1::DomainEvent& event) {
  return db::GuardSql([&] { return outbox::AppendEvent(conn_, event).status(); });
}

// ---- branches ----

absl::StatusOr<std::optional<v1::Branch>> MySqlTeamStore::GetBranch(int64_t id, bool lock) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Branch>> {
    static const std::string kSql = BranchSelect() + " WHERE b.id = ?";
    sql::PreparedStatement& ps = Stmt(db::Locking(kSql, lock));
    Binder(ps).Int(id);
    return db::FetchOne(ps, &BranchFromRow);
  });
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertBranch(const v1::Branch& branch, absl::Time now) {
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
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
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps, [](absl::string_view) {
                            return AlreadyExists("BRANCH_CODE_TAKEN",
                                                 "a branch with this code already exists");
                          }).status());
    return LastInsertId();
  });
}

absl::Status MySqlTeamStore::UpdateBranch(int64_t id, const v1::Branch& branch,
                                          int64_t expected_version, absl::Time now) {
  return db::GuardSql([&]() -> absl::Status {
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
    RMHUB_ASSIGN_OR_RETURN(int updated, db::ExecuteUpdate(ps));
    return updated == 0 ? StaleOrMissing("branches", id, "BRANCH") : absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Branch>> MySqlTeamStore::ListBranches(const ListQuery& query) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Branch>> {
    RMHUB_ASSIGN_OR_RETURN(sql::PreparedStatement * ps,
                           db::PrepareKeysetList(conn_, BranchSelect(), "b", query, BranchList()));
    return db::FetchPage(*ps, &BranchFromRow, query.page);
  });
}

// ---- members ----

absl::StatusOr<std::optional<v1::Member>> MySqlTeamStore::GetMember(int64_t id, bool lock) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Member>> {
    static const std::string kSql = MemberSelect() + " WHERE m.id = ?";
    sql::PreparedStatement& ps = Stmt(db::Locking(kSql, lock));
    Binder(ps).Int(id);
    Rows<v1::Member> rows = db::Fetch(ps, &MemberFromRow);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front().second);
  });
}

absl::StatusOr<std::vector<v1::Member>> MySqlTeamStore::GetMembers(
    const std::vector<int64_t>& ids) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Member>> {
    std::vector<int64_t> unique(ids);
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    static const std::string kSelect = MemberSelect() + " WHERE m.id";
    Rows<v1::Member> found = db::FetchByIds(conn_, kSelect, unique, &MemberFromRow);
    std::unordered_map<int64_t, const v1::Member*> by_id;
    for (const auto& [id, member] : found) by_id[id] = &member;
    std::vector<v1::Member> out;
    for (int64_t id : ids) {
      if (auto it = by_id.find(id); it != by_id.end()) out.push_back(*it->second);
    }
    return out;
  });
}

// Skills are a set: duplicates collapse, and they are stored one row each.
void MySqlTeamStore::ReplaceSkills(int64_t member_id, const v1::Member& member, bool clear_first) {
  static constexpr db::IntSetTable kSkills{"member_skills", "member_id", "skill"};
  db::ReplaceIntSet(conn_, kSkills, member_id,
                    std::set<int>(member.skills().begin(), member.skills().end()), clear_first);
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertMember(const v1::Member& member, int64_t branch_id,
                                                     absl::Time now) {
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO members (employee_number, display_name, branch_id, role, rm_kind, "
        "back_office_function, status, career_level, career_grade, version, create_time, "
        "update_time, was_rm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)";
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
        .Time(now)
        .Int(member.role() == v1::RELATIONSHIP_MANAGER ? 1 : 0);
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps, [](absl::string_view) {
                            return AlreadyExists("EMPLOYEE_NUMBER_TAKEN",
                                                 "a member with this employee number exists");
                          }).status());
    const int64_t id = LastInsertId();
    ReplaceSkills(id, member, /*clear_first=*/false);
    return id;
  });
}

absl::Status MySqlTeamStore::UpdateMember(int64_t id, const v1::Member& member, int64_t branch_id,
                                          int64_t expected_version, absl::Time now) {
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kSql =
        // former_rm_kind and was_rm come first: MariaDB assigns left to right, so they still see
        // the row's old rm_kind.
        "UPDATE members SET former_rm_kind = IF(rm_kind <> 0 AND rm_kind <> ?, rm_kind, "
        "former_rm_kind), was_rm = GREATEST(was_rm, ?), display_name = ?, branch_id = ?, "
        "role = ?, rm_kind = ?, back_office_function = ?, status = ?, career_level = ?, "
        "career_grade = ?, version = version + 1, update_time = ? WHERE id = ? AND version = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(member.rm_kind())
        .Int(member.role() == v1::RELATIONSHIP_MANAGER ? 1 : 0)
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
    RMHUB_ASSIGN_OR_RETURN(int updated, db::ExecuteUpdate(ps));
    if (updated == 0) return StaleOrMissing("members", id, "MEMBER");
    ReplaceSkills(id, member, /*clear_first=*/true);
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Member>> MySqlTeamStore::ListMembers(const ListQuery& query) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Member>> {
    RMHUB_ASSIGN_OR_RETURN(sql::PreparedStatement * ps,
                           db::PrepareKeysetList(conn_, MemberSelect(), "m", query, MemberList()));
    Rows<v1::Member> rows = db::Fetch(*ps, &MemberFromRow);
    int64_t next = db::TrimToPage(rows, db::PageLimit(query.page));
    return db::ToPage(std::move(rows), next);
  });
}

absl::StatusOr<v1::RmKind> MySqlTeamStore::GetFormerRmKind(int64_t member_id) {
  return db::GuardSql([&]() -> absl::StatusOr<v1::RmKind> {
    static const std::string kSql = "SELECT former_rm_kind FROM members WHERE id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(member_id);
    return static_cast<v1::RmKind>(db::FetchInt(ps));
  });
}

absl::StatusOr<std::vector<TeamStore::Holder>> MySqlTeamStore::ListHolders(int64_t branch_id,
                                                                           int64_t after_id,
                                                                           int limit) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<Holder>> {
    static const std::string kSql =
        MemberSelect() +
        " WHERE m.branch_id = ? AND m.was_rm = 1 AND m.id > ? ORDER BY m.id LIMIT ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(branch_id).Int(after_id).Int(limit);
    Rows<v1::Member> rows = db::Fetch(ps, &MemberFromRow);
    std::vector<Holder> out;
    std::vector<int64_t> ids;
    for (auto& [id, member] : rows) {
      ids.push_back(id);
      out.push_back({std::move(member), v1::RM_KIND_UNSPECIFIED});
    }
    if (ids.empty()) return out;
    // The former kinds of the page, in one statement.
    std::unordered_map<int64_t, v1::RmKind> former;
    db::ForEachIdChunk(conn_, ids, "SELECT id, former_rm_kind FROM members WHERE id", "",
                       [&](sql::PreparedStatement& ps) {
                         std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
                         while (rs->next()) {
                           former[rs->getInt64(1)] = static_cast<v1::RmKind>(rs->getInt(2));
                         }
                       });
    for (size_t i = 0; i < ids.size(); ++i) out[i].former_rm_kind = former[ids[i]];
    return out;
  });
}

// ---- ladder ----

absl::StatusOr<int64_t> MySqlTeamStore::InsertLadderChange(int64_t member_id,
                                                           const v1::LadderChange& change,
                                                           absl::Time now) {
  if (!IsSetDate(change.effective_date())) return InvalidField("effective_date", "is required");
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO ladder_changes (member_id, kind, from_level, from_grade, to_level, to_grade, "
        "reason, decider, effective_date, create_time, approver, approval_authority) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
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
        .Time(now)
        .Str(change.approver())
        .Int(change.approval_authority());
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps).status());
    return LastInsertId();
  });
}

absl::StatusOr<Page<v1::LadderChange>> MySqlTeamStore::ListLadderChanges(
    int64_t member_id, const api::PageRequest& page) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::LadderChange>> {
    sql::PreparedStatement& ps =
        Stmt(db::NewestFirstSql(LadderSelect(), "lc", "member_id", page.after_id != 0));
    db::BindNewestFirst(ps, member_id, page);
    return db::FetchPage(ps, &LadderFromRow, page);
  });
}

// ---- certifications ----

absl::StatusOr<int64_t> MySqlTeamStore::InsertCertification(int64_t member_id,
                                                            const v1::Certification& cert,
                                                            absl::Time now) {
  if (!IsSetDate(cert.issue_date())) return InvalidField("certification.issue_date", "is required");
  if (!IsSetDate(cert.expiry_date())) {
    return InvalidField("certification.expiry_date", "is required");
  }
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
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
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps).status());
    return LastInsertId();
  });
}

absl::StatusOr<std::optional<v1::Certification>> MySqlTeamStore::GetCertification(int64_t member_id,
                                                                                  int64_t id) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Certification>> {
    static const std::string kSql = CertificationSelect() + " WHERE c.id = ? AND c.member_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(id).Int(member_id);
    return db::FetchOne(ps, &CertificationFromRow);
  });
}

absl::Status MySqlTeamStore::RevokeCertification(int64_t member_id, int64_t id,
                                                 const std::string& reason) {
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE certifications SET revoked = 1, revoke_reason = ? WHERE id = ? AND member_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Str(reason).Int(id).Int(member_id);
    RMHUB_ASSIGN_OR_RETURN(int updated, db::ExecuteUpdate(ps));
    // Zero affected rows also means "already revoked with this reason": only absence is an error.
    static const std::string kExists =
        "SELECT COUNT(*) FROM certifications WHERE id = ? AND member_id = ?";
    if (updated == 0) {
      sql::PreparedStatement& exists = Stmt(kExists);
      Binder(exists).Int(id).Int(member_id);
      if (db::FetchInt(exists) == 0) {
        return NotFound("CERTIFICATION_NOT_FOUND", "no such certification");
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::Certification>> MySqlTeamStore::ListCertifications(
    int64_t member_id) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Certification>> {
    static const std::string kSql = CertificationSelect() + " WHERE c.member_id = ? ORDER BY c.id";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(member_id);
    return db::ToPage(db::Fetch(ps, &CertificationFromRow), 0).items;
  });
}

absl::StatusOr<std::vector<v1::Certification>> MySqlTeamStore::ListQualificationsOf(
    const std::vector<int64_t>& member_ids) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Certification>> {
    static const std::string kSelect = absl::StrCat(
        CertificationSelect(), " WHERE c.type = ", static_cast<int>(v1::RM_QUALIFICATION),
        " AND c.member_id");
    Rows<v1::Certification> rows =
        db::FetchByIds(conn_, kSelect, member_ids, &CertificationFromRow);
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return db::ToPage(std::move(rows), 0).items;
  });
}

absl::StatusOr<std::vector<v1::Certification>> MySqlTeamStore::ListUnpublishedExpiries(
    absl::CivilDay today, int limit) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Certification>> {
    static const std::string kSql = absl::StrCat(
        CertificationSelect(), " WHERE c.type = ", static_cast<int>(v1::RM_QUALIFICATION),
        " AND c.revoked = 0 AND c.expiry_date < ? AND NOT EXISTS (SELECT 1 FROM "
        "certification_expiry_notices n WHERE n.certification_id = c.id) "
        "ORDER BY c.expiry_date, c.id LIMIT ?");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Day(api::ToDate(today)).Int(limit);
    return db::ToPage(db::Fetch(ps, &CertificationFromRow), 0).items;
  });
}

absl::StatusOr<bool> MySqlTeamStore::ClaimExpiryNotice(int64_t member_id, int64_t certification_id,
                                                       const Date& expiry, absl::Time now) {
  return db::GuardSql([&]() -> absl::StatusOr<bool> {
    static const std::string kSql =
        "INSERT IGNORE INTO certification_expiry_notices (certification_id, member_id, "
        "expiry_date, create_time) VALUES (?, ?, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(certification_id).Int(member_id).Day(expiry).Time(now);
    RMHUB_ASSIGN_OR_RETURN(int inserted, db::ExecuteUpdate(ps));
    return inserted == 1;
  });
}

// ---- mentoring ----
// The counts are locking reads: they decide the mentee limit, so they must see the latest
// committed rows (not the transaction's snapshot) and hold them until commit.

absl::StatusOr<int> MySqlTeamStore::CountActiveMentees(int64_t mentor_id) {
  return db::GuardSql([&]() -> absl::StatusOr<int> {
    static const std::string kSql =
        absl::StrCat("SELECT COUNT(*) FROM mentorships WHERE mentor_id = ? AND state = ",
                     static_cast<int>(v1::MENTORSHIP_ACTIVE), " FOR UPDATE");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(mentor_id);
    return static_cast<int>(db::FetchInt(ps));
  });
}

absl::StatusOr<bool> MySqlTeamStore::HasActiveMentor(int64_t mentee_id) {
  return db::GuardSql([&]() -> absl::StatusOr<bool> {
    static const std::string kSql =
        absl::StrCat("SELECT COUNT(*) FROM mentorships WHERE mentee_id = ? AND state = ",
                     static_cast<int>(v1::MENTORSHIP_ACTIVE), " FOR UPDATE");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(mentee_id);
    return db::FetchInt(ps) > 0;
  });
}

absl::StatusOr<std::vector<v1::Mentorship>> MySqlTeamStore::ListActiveMentorshipsOf(
    int64_t mentor_id) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Mentorship>> {
    static const std::string kSql =
        absl::StrCat(MentorshipSelect(), " WHERE ms.mentor_id = ? AND ms.state = ",
                     static_cast<int>(v1::MENTORSHIP_ACTIVE), " ORDER BY ms.id FOR UPDATE");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(mentor_id);
    return db::ToPage(db::Fetch(ps, &MentorshipFromRow), 0).items;
  });
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertMentorship(const v1::Mentorship& m, int64_t mentor_id,
                                                         int64_t mentee_id, absl::Time now) {
  if (!IsSetDate(m.start_date())) return InvalidField("start_date", "is required");
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO mentorships (mentor_id, mentee_id, state, start_date, end_date, outcome, "
        "note, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    // A new mentorship with no state given is an active one.
    const int state =
        m.state() == v1::MENTORSHIP_STATE_UNSPECIFIED ? v1::MENTORSHIP_ACTIVE : m.state();
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
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps).status());
    return LastInsertId();
  });
}

absl::StatusOr<std::optional<v1::Mentorship>> MySqlTeamStore::GetMentorship(int64_t id, bool lock) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Mentorship>> {
    static const std::string kSql = MentorshipSelect() + " WHERE ms.id = ?";
    sql::PreparedStatement& ps = Stmt(db::Locking(kSql, lock));
    Binder(ps).Int(id);
    return db::FetchOne(ps, &MentorshipFromRow);
  });
}

absl::Status MySqlTeamStore::EndMentorship(int64_t id, const v1::Mentorship& ended) {
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE mentorships SET state = ?, end_date = ?, outcome = ?, note = ? WHERE id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(ended.state())
        .Day(ended.end_date())
        .Int(ended.outcome())
        .Str(ended.note())
        .Int(id);
    RMHUB_ASSIGN_OR_RETURN(int updated, db::ExecuteUpdate(ps));
    // Zero affected rows may just mean nothing changed; only a missing row is an error.
    if (updated == 0 && !db::RowExists(conn_, "mentorships", id)) {
      return NotFound("MENTORSHIP_NOT_FOUND", "no such mentorship");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Mentorship>> MySqlTeamStore::ListMentorships(const ListQuery& query) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Mentorship>> {
    RMHUB_ASSIGN_OR_RETURN(
        sql::PreparedStatement * ps,
        db::PrepareKeysetList(conn_, MentorshipSelect(), "ms", query, MentorshipList()));
    return db::FetchPage(*ps, &MentorshipFromRow, query.page);
  });
}

// ---- teams ----

absl::StatusOr<std::optional<v1::Team>> MySqlTeamStore::GetTeam(int64_t id, bool lock) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Team>> {
    static const std::string kSql = TeamSelect() + " WHERE t.id = ?";
    sql::PreparedStatement& ps = Stmt(db::Locking(kSql, lock));
    Binder(ps).Int(id);
    return db::FetchOne(ps, &TeamFromRow);
  });
}

absl::StatusOr<int64_t> MySqlTeamStore::InsertTeam(const v1::Team& team, int64_t branch_id,
                                                   int64_t leader_id, absl::Time now) {
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
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
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps).status());
    return LastInsertId();
  });
}

absl::Status MySqlTeamStore::UpdateTeam(int64_t id, const v1::Team& team, int64_t leader_id,
                                        int64_t expected_version, absl::Time now) {
  return db::GuardSql([&]() -> absl::Status {
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
    RMHUB_ASSIGN_OR_RETURN(int updated, db::ExecuteUpdate(ps));
    return updated == 0 ? StaleOrMissing("teams", id, "TEAM") : absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Team>> MySqlTeamStore::ListTeams(const ListQuery& query) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Team>> {
    RMHUB_ASSIGN_OR_RETURN(sql::PreparedStatement * ps,
                           db::PrepareKeysetList(conn_, TeamSelect(), "t", query, TeamList()));
    return db::FetchPage(*ps, &TeamFromRow, query.page);
  });
}

// home_slot is 1 for a HOME team and NULL for a PROJECT team, so uk_team_members_home allows one
// home team per member; the primary key (team_id, member_id) forbids joining a team twice.
absl::StatusOr<v1::TeamMembership> MySqlTeamStore::AddTeamMember(int64_t team_id, v1::TeamKind kind,
                                                                 int64_t member_id,
                                                                 absl::Time now) {
  return db::GuardSql([&]() -> absl::StatusOr<v1::TeamMembership> {
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
    RMHUB_RETURN_IF_ERROR(
        db::ExecuteUpdate(ps, [](absl::string_view message) {
          if (absl::StrContains(message, "uk_team_members_home")) {
            return FailedPrecondition("ALREADY_IN_HOME_TEAM", "the member already has a home team");
          }
          return AlreadyExists("ALREADY_A_MEMBER", "the member is already in the team");
        }).status());
    return Membership(team_id, member_id, db::TimestampFromMicros(absl::ToUnixMicros(now)));
  });
}

absl::Status MySqlTeamStore::RemoveTeamMember(int64_t team_id, int64_t member_id) {
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kSql = "DELETE FROM team_members WHERE team_id = ? AND member_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(team_id).Int(member_id);
    RMHUB_ASSIGN_OR_RETURN(int deleted, db::ExecuteUpdate(ps));
    if (deleted == 0) return NotFound("NOT_A_MEMBER", "the member is not in the team");
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::TeamMembership>> MySqlTeamStore::ListTeamMembers(
    int64_t team_id, const api::PageRequest& page) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::TeamMembership>> {
    static const std::string kSql =
        absl::StrCat("SELECT tm.team_id, tm.member_id, ", MicrosOf("tm.join_time"),
                     " FROM team_members tm WHERE tm.team_id = ? AND tm.member_id > ? "
                     "ORDER BY tm.member_id LIMIT ?");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(team_id).Int(page.after_id).Int(db::PageLimit(page) + 1);
    return db::FetchPage(ps, &MembershipFromRow, page);
  });
}

std::optional<v1::TeamGoal> MySqlTeamStore::GetGoal(int64_t id) {
  static const std::string kSql = GoalSelect() + " WHERE g.id = ?";
  sql::PreparedStatement& ps = Stmt(kSql);
  Binder(ps).Int(id);
  return db::FetchOne(ps, &GoalFromRow);
}

// One statement, so concurrent setters of the same goal cannot both insert: the unique key
// (team, metric, period) turns the second into an update. LAST_INSERT_ID(id) makes the existing
// row's id readable in that case too.
absl::StatusOr<v1::TeamGoal> MySqlTeamStore::UpsertTeamGoal(int64_t team_id,
                                                            const v1::TeamGoal& goal,
                                                            absl::Time now) {
  if (!IsSetDate(goal.period().start_date()) || !IsSetDate(goal.period().end_date())) {
    return InvalidField("goal.period", "start_date and end_date are required");
  }
  return db::GuardSql([&]() -> absl::StatusOr<v1::TeamGoal> {
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
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps).status());
    std::optional<v1::TeamGoal> stored = GetGoal(LastInsertId());
    if (!stored.has_value()) return Internal("GOAL_NOT_READ_BACK", "the goal was not stored");
    return *std::move(stored);
  });
}

absl::StatusOr<Page<v1::TeamGoal>> MySqlTeamStore::ListTeamGoals(int64_t team_id,
                                                                 const api::PageRequest& page) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::TeamGoal>> {
    static const std::string kSql =
        GoalSelect() + " WHERE g.team_id = ? AND g.id > ? ORDER BY g.id LIMIT ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(team_id).Int(page.after_id).Int(db::PageLimit(page) + 1);
    return db::FetchPage(ps, &GoalFromRow, page);
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The repository

MySqlTeamRepository::MySqlTeamRepository(db::ConnectionPool& pool,
                                         const idempotency::Idempotency& idempotency)
    : MySqlRepository(pool, idempotency, TeamMigrations(), "team") {}

absl::Status MySqlTeamRepository::Migrate(db::ConnectionPool& pool) {
  return db::ApplyMigrations(pool, TeamMigrations());
}

absl::Status MySqlTeamRepository::WithStore(db::Connection& conn, const Body& fn) {
  MySqlTeamStore store(conn);
  return fn(store);
}

}  // namespace rmhub::team
