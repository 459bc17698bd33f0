#include "services/task/mysql_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/db/list_where.h"
#include "common/db/sql_error.h"
#include "common/db/sql_values.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "services/task/domain/workflow.h"

namespace rmhub::task {
namespace {

using db::Binder;
using db::MicrosOf;
using db::Row;
using db::Rows;

constexpr int kAssignee = 1;
constexpr int kCreator = 2;
// MySQL's "Cannot add or update a child row: a foreign key constraint fails".
constexpr int kForeignKeyMissingParent = 1452;
// The open statuses, as SQL.
constexpr char kOpenStatuses[] = "(1, 2, 3)";

int64_t IdIn(const std::string& name, absl::string_view collection) {
  return name.empty() ? 0 : api::IdOf(name, collection);
}

absl::Time TimeOf(const google::protobuf::Timestamp& ts) { return db::TimeFromTimestamp(ts); }

// ---------------------------------------------------------------------------------------------
// Row mapping

const std::string& TaskSelect() {
  static const std::string* const sql =
      new std::string("SELECT t.id, t.body, t.version, t.branch_id FROM tasks t");
  return *sql;
}

std::pair<int64_t, StoredTask> TaskFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  StoredTask s;
  // A body this service wrote always parses; a damaged one comes back empty but named.
  s.task.ParseFromString(row.Str());
  s.task.set_name(api::FormatName("tasks", id));
  s.task.set_etag(api::MakeEtag(row.Int()));
  s.task.clear_overdue();
  s.branch_id = row.Int();
  return {id, std::move(s)};
}

std::pair<int64_t, v1::Task> TaskOnlyFromRow(const sql::ResultSet& rs) {
  auto [id, stored] = TaskFromRow(rs);
  return {id, std::move(stored.task)};
}

const std::string& MeetingSelect() {
  static const std::string* const sql =
      new std::string("SELECT mt.id, mt.body, mt.branch_id FROM meetings mt");
  return *sql;
}

std::pair<int64_t, StoredMeeting> MeetingFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  StoredMeeting s;
  s.meeting.ParseFromString(row.Str());
  s.meeting.set_name(api::FormatName("meetings", id));
  s.branch_id = row.Int();
  return {id, std::move(s)};
}

std::pair<int64_t, v1::Meeting> MeetingOnlyFromRow(const sql::ResultSet& rs) {
  auto [id, stored] = MeetingFromRow(rs);
  return {id, std::move(stored.meeting)};
}

const std::string& ProgressSelect() {
  static const std::string* const sql =
      new std::string(absl::StrCat("SELECT p.id, p.task_id, p.author, p.comment, p.progress, ",
                                   MicrosOf("p.create_time"), " FROM progress_entries p"));
  return *sql;
}

std::pair<int64_t, v1::ProgressEntry> ProgressFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::ProgressEntry e;
  e.set_name(api::FormatChildName("tasks", row.Int(), "progressEntries", id));
  e.set_author(row.Str());
  e.set_comment(row.Str());
  e.set_progress(row.Int32());
  *e.mutable_create_time() = row.Time();
  return {id, std::move(e)};
}

// What is stored as the body: the resource without what the row itself says (name, version)
// or what a read derives (overdue).
std::string BodyOf(v1::Task task) {
  task.clear_name();
  task.clear_etag();
  task.clear_overdue();
  return task.SerializeAsString();
}

// The columns of a task, in the order INSERT and UPDATE list them: type, status, priority,
// acceptance, creator_member_id, team_id, requesting_team_id, related_customer_id,
// related_complaint_id, meeting_id, due_time, body.
void BindTaskColumns(Binder& b, const v1::Task& t) {
  b.Int(t.type())
      .Int(t.status())
      .Int(t.priority())
      .Int(t.acceptance())
      .OptionalId(IdIn(t.creator(), "members"))
      .Int(IdIn(t.team(), "teams"))
      .OptionalId(IdIn(t.requesting_team(), "teams"))
      .OptionalId(IdIn(t.related_customer(), "customers"))
      .OptionalId(IdIn(t.related_complaint(), "complaints"))
      .OptionalId(IdIn(t.meeting(), "meetings"))
      .Time(TimeOf(t.due_time()))
      .Str(BodyOf(t));
}

// ---------------------------------------------------------------------------------------------
// List filters (domain/list_filters.h) and scope grants as SQL.

db::ListMapping TaskList(absl::Time now) {
  // `now` is the server's clock, formatted here: no caller text reaches the SQL.
  const std::string overdue =
      absl::StrCat("(t.status IN ", kOpenStatuses, " AND t.due_time < '", db::SqlTime(now), "')");
  return db::ListMapping{
      {{"assignee", db::FilterColumn::Contains(
                        "EXISTS (SELECT 1 FROM task_people fp WHERE fp.task_id = t.id AND "
                        "fp.role = 1 AND fp.member_id = ?)")},
       {"team", db::FilterColumn::Of("t.team_id")},
       {"requesting_team", db::FilterColumn::Of("t.requesting_team_id")},
       {"status", db::FilterColumn::Of("t.status")},
       {"type", db::FilterColumn::Of("t.type")},
       {"priority", db::FilterColumn::Of("t.priority")},
       {"acceptance", db::FilterColumn::Of("t.acceptance")},
       {"due_time", db::FilterColumn::Of("t.due_time")},
       {"overdue", db::FilterColumn::Of(overdue)},
       {"related_customer", db::FilterColumn::Of("t.related_customer_id")},
       {"related_complaint", db::FilterColumn::Of("t.related_complaint_id")},
       {"meeting", db::FilterColumn::Of("t.meeting_id")}},
      {"EXISTS (SELECT 1 FROM task_people sp WHERE sp.task_id = t.id AND sp.member_id = ?)",
       "? IN (t.team_id, t.requesting_team_id)", "t.branch_id = ?"}};
}

const db::ListMapping& MeetingList() {
  static const auto* m = new db::ListMapping{
      {{"team", db::FilterColumn::Of("mt.team_id")},
       {"start_time", db::FilterColumn::Of("mt.start_time")}},
      {"EXISTS (SELECT 1 FROM meeting_attendees ma WHERE ma.meeting_id = mt.id AND "
       "ma.member_id = ?)",
       "mt.team_id = ?", "mt.branch_id = ?"}};
  return *m;
}

// ---------------------------------------------------------------------------------------------
// The store: one connection, inside the caller's transaction.

class MySqlTaskStore final : public TaskStore {
 public:
  explicit MySqlTaskStore(db::Connection& conn) : conn_(conn) {}

  absl::StatusOr<std::optional<StoredTask>> GetTask(int64_t id, bool lock) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::optional<StoredTask>> {
      static const std::string kSql = TaskSelect() + " WHERE t.id = ?";
      sql::PreparedStatement& ps = conn_.Prepare(db::Locking(kSql, lock));
      Binder(ps).Int(id);
      return db::FetchOne(ps, &TaskFromRow);
    });
  }

  absl::StatusOr<std::vector<StoredTask>> GetTasks(const std::vector<int64_t>& ids) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<StoredTask>> {
      static const std::string kSelect = TaskSelect() + " WHERE t.id";
      std::vector<StoredTask> out;
      for (auto& row : db::FetchByIds(conn_, kSelect, ids, &TaskFromRow)) {
        out.push_back(std::move(row.second));
      }
      return out;
    });
  }

  absl::StatusOr<int64_t> InsertTask(const v1::Task& task, int64_t branch_id,
                                     absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
      static const std::string kSql =
          "INSERT INTO tasks (type, status, priority, acceptance, creator_member_id, team_id, "
          "requesting_team_id, related_customer_id, related_complaint_id, meeting_id, due_time, "
          "body, branch_id, version, create_time, update_time) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder b(ps);
      BindTaskColumns(b, task);
      b.Int(branch_id).Time(now).Time(now);
      ps.executeUpdate();
      const int64_t id = db::LastInsertId(conn_);
      RMHUB_RETURN_IF_ERROR(WriteRelations(id, task, /*clear_first=*/false));
      return id;
    });
  }

  absl::Status UpdateTask(int64_t id, const v1::Task& task, int64_t expected_version,
                          absl::Time now) override {
    return db::GuardSql([&]() -> absl::Status {
      static const std::string kSql =
          "UPDATE tasks SET type = ?, status = ?, priority = ?, acceptance = ?, "
          "creator_member_id = ?, team_id = ?, requesting_team_id = ?, related_customer_id = ?, "
          "related_complaint_id = ?, meeting_id = ?, due_time = ?, body = ?, "
          "version = version + 1, update_time = ? WHERE id = ? AND version = ?";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder b(ps);
      BindTaskColumns(b, task);
      b.Time(now).Int(id).Int(expected_version);
      if (ps.executeUpdate() == 0) {
        return db::StaleOrMissing(conn_, "tasks", id, NotFound("TASK_NOT_FOUND", "no such task"));
      }
      return WriteRelations(id, task, /*clear_first=*/true);
    });
  }

  absl::StatusOr<Page<v1::Task>> ListTasks(const ListQuery& query, absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Task>> {
      RMHUB_ASSIGN_OR_RETURN(sql::PreparedStatement * ps,
                             db::PrepareKeysetList(conn_, TaskSelect(), "t", query, TaskList(now)));
      return db::FetchPage(*ps, &TaskOnlyFromRow, query.page);
    });
  }

  absl::Status LockDependencyGraph() override {
    return db::GuardSql([&]() -> absl::Status {
      sql::PreparedStatement& ps =
          conn_.Prepare("SELECT COUNT(*) FROM dependency_graph_lock WHERE id = 1 FOR UPDATE");
      if (db::FetchInt(ps) != 1) {
        return Internal("DEPENDENCY_LOCK_MISSING", "the dependency graph lock row is missing");
      }
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<int64_t>> DependenciesOf(int64_t id) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<int64_t>> {
      sql::PreparedStatement& ps = conn_.Prepare(
          "SELECT depends_on_id FROM task_dependencies WHERE task_id = ? ORDER BY depends_on_id "
          "LOCK IN SHARE MODE");
      Binder(ps).Int(id);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      std::vector<int64_t> out;
      while (rs->next()) out.push_back(rs->getInt64(1));
      return out;
    });
  }

  absl::StatusOr<std::map<int64_t, std::vector<OpenWork>>> OpenWorkOf(
      const std::vector<int64_t>& members) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::map<int64_t, std::vector<OpenWork>>> {
      static const std::string kSelect =
          absl::StrCat("SELECT p.member_id, t.priority, ", MicrosOf("t.due_time"),
                       " FROM task_people p JOIN tasks t ON t.id = p.task_id WHERE p.role = 1 AND "
                       "p.open_work = 1 AND p.member_id");
      std::map<int64_t, std::vector<OpenWork>> out;
      for (int64_t m : members) out[m];
      db::ForEachIdChunk(conn_, members, kSelect, "", [&](sql::PreparedStatement& ps) {
        std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
        while (rs->next()) {
          OpenWork w;
          w.priority = static_cast<v1::Priority>(rs->getInt(2));
          w.due = absl::FromUnixMicros(rs->getInt64(3));
          out[rs->getInt64(1)].push_back(w);
        }
      });
      return out;
    });
  }

  absl::StatusOr<std::vector<StoredTask>> ClaimOverdue(absl::Time now, int limit) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<StoredTask>> {
      static const std::string kSelect = absl::StrCat(
          TaskSelect(), " WHERE t.status IN ", kOpenStatuses,
          " AND t.due_time < ? AND (t.overdue_emitted_due IS NULL OR t.overdue_emitted_due <> "
          "t.due_time) ORDER BY t.id LIMIT ? FOR UPDATE SKIP LOCKED");
      sql::PreparedStatement& ps = conn_.Prepare(kSelect);
      Binder(ps).Time(now).Int(limit);
      std::vector<StoredTask> out;
      for (auto& row : db::Fetch(ps, &TaskFromRow)) {
        sql::PreparedStatement& claim = conn_.Prepare(
            "UPDATE tasks SET overdue_emitted_due = due_time WHERE id = ? AND "
            "(overdue_emitted_due IS NULL OR overdue_emitted_due <> due_time)");
        Binder(claim).Int(row.first);
        if (claim.executeUpdate() == 1) out.push_back(std::move(row.second));
      }
      return out;
    });
  }

  absl::StatusOr<std::map<v1::TaskType, int64_t>> CountOverdueByType(absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::map<v1::TaskType, int64_t>> {
      static const std::string kSql =
          absl::StrCat("SELECT t.type, COUNT(*) FROM tasks t WHERE t.status IN ", kOpenStatuses,
                       " AND t.due_time < ? GROUP BY t.type");
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Time(now);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      std::map<v1::TaskType, int64_t> out;
      while (rs->next()) out[static_cast<v1::TaskType>(rs->getInt(1))] = rs->getInt64(2);
      return out;
    });
  }

  absl::StatusOr<v1::ProgressEntry> InsertProgressEntry(int64_t task_id,
                                                        const v1::ProgressEntry& entry,
                                                        absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<v1::ProgressEntry> {
      sql::PreparedStatement& ps = conn_.Prepare(
          "INSERT INTO progress_entries (task_id, author, comment, progress, create_time) "
          "VALUES (?, ?, ?, ?, ?)");
      Binder(ps)
          .Int(task_id)
          .Str(entry.author())
          .Str(entry.comment())
          .Int(entry.progress())
          .Time(now);
      try {
        ps.executeUpdate();
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kForeignKeyMissingParent) {
          return NotFound("TASK_NOT_FOUND", "no such task");
        }
        throw;
      }
      v1::ProgressEntry out = entry;
      out.set_name(
          api::FormatChildName("tasks", task_id, "progressEntries", db::LastInsertId(conn_)));
      *out.mutable_create_time() = db::TimestampFromMicros(absl::ToUnixMicros(now));
      return out;
    });
  }

  absl::StatusOr<Page<v1::ProgressEntry>> ListProgressEntries(
      int64_t task_id, const api::PageRequest& page) override {
    return db::GuardSql([&]() -> absl::StatusOr<Page<v1::ProgressEntry>> {
      const bool after = page.after_id != 0;
      sql::PreparedStatement& ps =
          conn_.Prepare(absl::StrCat(ProgressSelect(), " WHERE p.task_id = ?",
                                     after ? " AND p.id > ?" : "", " ORDER BY p.id LIMIT ?"));
      Binder b(ps);
      b.Int(task_id);
      if (after) b.Int(page.after_id);
      b.Int(db::PageLimit(page) + 1);
      return db::FetchPage(ps, &ProgressFromRow, page);
    });
  }

  absl::StatusOr<int64_t> InsertMeeting(const v1::Meeting& meeting, int64_t branch_id,
                                        absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
      sql::PreparedStatement& ps = conn_.Prepare(
          "INSERT INTO meetings (team_id, branch_id, recorder_member_id, start_time, body, "
          "create_time) VALUES (?, ?, ?, ?, ?, ?)");
      Binder(ps)
          .Int(IdIn(meeting.team(), "teams"))
          .Int(branch_id)
          .OptionalId(IdIn(meeting.recorder(), "members"))
          .Time(TimeOf(meeting.start_time()))
          .Str(meeting.SerializeAsString())
          .Time(now);
      ps.executeUpdate();
      const int64_t id = db::LastInsertId(conn_);
      std::set<int64_t> attendees;
      for (const std::string& a : meeting.attendees()) attendees.insert(IdIn(a, "members"));
      for (int64_t member : attendees) {
        sql::PreparedStatement& add =
            conn_.Prepare("INSERT INTO meeting_attendees (meeting_id, member_id) VALUES (?, ?)");
        Binder(add).Int(id).Int(member);
        add.executeUpdate();
      }
      return id;
    });
  }

  absl::Status SetMeetingBody(int64_t id, const v1::Meeting& meeting) override {
    return db::GuardSql([&]() -> absl::Status {
      v1::Meeting body = meeting;
      body.clear_name();
      sql::PreparedStatement& ps = conn_.Prepare("UPDATE meetings SET body = ? WHERE id = ?");
      Binder(ps).Str(body.SerializeAsString()).Int(id);
      ps.executeUpdate();
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::optional<StoredMeeting>> GetMeeting(int64_t id) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::optional<StoredMeeting>> {
      static const std::string kSql = MeetingSelect() + " WHERE mt.id = ?";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Int(id);
      return db::FetchOne(ps, &MeetingFromRow);
    });
  }

  absl::StatusOr<Page<v1::Meeting>> ListMeetings(const ListQuery& query) override {
    return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Meeting>> {
      RMHUB_ASSIGN_OR_RETURN(
          sql::PreparedStatement * ps,
          db::PrepareKeysetList(conn_, MeetingSelect(), "mt", query, MeetingList()));
      return db::FetchPage(*ps, &MeetingOnlyFromRow, query.page);
    });
  }

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override {
    return db::GuardSql([&] { return outbox::AppendEvent(conn_, event).status(); });
  }

 private:
  // People and dependencies of a task, replaced whole. A dependency on a task that does not
  // exist is FAILED_PRECONDITION naming it (the service checked, this is the race's answer).
  absl::Status WriteRelations(int64_t id, const v1::Task& task, bool clear_first) {
    if (clear_first) {
      for (const char* sql : {"DELETE FROM task_people WHERE task_id = ?",
                              "DELETE FROM task_dependencies WHERE task_id = ?"}) {
        sql::PreparedStatement& ps = conn_.Prepare(sql);
        Binder(ps).Int(id);
        ps.executeUpdate();
      }
    }
    std::set<std::pair<int, int64_t>> people;
    for (const std::string& a : task.assignees()) people.insert({kAssignee, IdIn(a, "members")});
    if (int64_t creator = IdIn(task.creator(), "members"); creator != 0) {
      people.insert({kCreator, creator});
    }
    const int open_work = CountsAsWork(task) ? 1 : 0;
    for (const auto& [role, member] : people) {
      sql::PreparedStatement& ps = conn_.Prepare(
          "INSERT INTO task_people (task_id, member_id, role, open_work) VALUES (?, ?, ?, ?)");
      Binder(ps).Int(id).Int(member).Int(role).Int(open_work);
      ps.executeUpdate();
    }
    std::set<int64_t> deps;
    for (const std::string& d : task.dependencies()) deps.insert(IdIn(d, "tasks"));
    for (int64_t dep : deps) {
      sql::PreparedStatement& ps =
          conn_.Prepare("INSERT INTO task_dependencies (task_id, depends_on_id) VALUES (?, ?)");
      Binder(ps).Int(id).Int(dep);
      try {
        ps.executeUpdate();
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kForeignKeyMissingParent) {
          return FailedPrecondition("DEPENDENCY_NOT_FOUND",
                                    absl::StrCat(api::FormatName("tasks", dep), " does not exist"));
        }
        throw;
      }
    }
    return absl::OkStatus();
  }

  db::Connection& conn_;
};

}  // namespace

MySqlTaskRepository::MySqlTaskRepository(db::ConnectionPool& pool,
                                         const idempotency::Idempotency& idempotency)
    : MySqlRepository(pool, idempotency, TaskMigrations(), "task") {}

absl::Status MySqlTaskRepository::Migrate(db::ConnectionPool& pool) {
  return db::ApplyMigrations(pool, TaskMigrations());
}

absl::Status MySqlTaskRepository::WithStore(db::Connection& conn, const Body& fn) {
  MySqlTaskStore store(conn);
  return fn(store);
}

}  // namespace rmhub::task
