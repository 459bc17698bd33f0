#include "services/complaint/mysql_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/db/list_where.h"
#include "common/db/sql_error.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"

namespace rmhub::complaint {
namespace {

using db::Binder;
using db::MicrosOf;
using db::Row;

std::string NameOrEmpty(const char* collection, std::optional<int64_t> id) {
  return id ? api::FormatName(collection, *id) : "";
}

// Each SELECT lists exactly the columns its mapper reads, in order.
const std::string& ComplaintSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT c.id, c.customer_id, c.channel, c.category, c.severity, c.subject, c.description, "
      "c.customer_request, c.product, ",
      MicrosOf("c.receive_time"),
      " AS rt, c.complained_about_id, c.branch_id, c.handler_team_id, c.handler_id, c.state, "
      "c.state_reason, c.jurisdiction, ",
      MicrosOf("c.deadline"),
      " AS dl, c.sla_state, c.sla_reported, c.extension_level, c.findings, c.solution, "
      "c.escalated, c.investigation_task_id, c.remediation_task_id, c.satisfaction, "
      "c.root_cause, c.root_cause_note, c.merged_repeats, c.reopen_count, c.repeat_key, "
      "c.open_repeat_key IS NOT NULL AS holds, c.version, ",
      MicrosOf("c.create_time"), " AS ct, ", MicrosOf("c.update_time"), " AS ut, ",
      MicrosOf("c.close_time"), " AS clt FROM complaints c"));
  return *sql;
}

std::pair<int64_t, StoredComplaint> ComplaintFromRow(const sql::ResultSet& rs) {
  Row r(rs);
  StoredComplaint s;
  v1::Complaint& c = s.complaint;
  s.id = r.Int();
  c.set_name(api::FormatName("complaints", s.id));
  c.set_customer(api::FormatName("customers", r.Int()));
  c.set_channel(static_cast<v1::Channel>(r.Int32()));
  c.set_category(static_cast<v1::Category>(r.Int32()));
  c.set_severity(static_cast<v1::Severity>(r.Int32()));
  c.set_subject(r.Str());
  c.set_description(r.Str());
  c.set_customer_request(r.Str());
  c.set_product(r.Str());
  *c.mutable_receive_time() = r.Time();
  c.set_complained_about(NameOrEmpty("members", r.OptionalInt()));
  c.set_branch(api::FormatName("branches", r.Int()));
  c.set_handler_team(NameOrEmpty("teams", r.OptionalInt()));
  c.set_handler(NameOrEmpty("members", r.OptionalInt()));
  c.set_state(static_cast<v1::ComplaintState>(r.Int32()));
  c.set_state_reason(r.Str());
  c.set_jurisdiction(static_cast<v1::Jurisdiction>(r.Int32()));
  *c.mutable_deadline() = r.Time();
  c.set_sla_state(static_cast<v1::SlaState>(r.Int32()));
  s.sla_reported = static_cast<v1::SlaState>(r.Int32());
  c.set_extension_level(r.Int32());
  c.set_findings(r.Str());
  c.set_solution(r.Str());
  c.set_escalated(r.Bool());
  c.set_investigation_task(NameOrEmpty("tasks", r.OptionalInt()));
  c.set_remediation_task(NameOrEmpty("tasks", r.OptionalInt()));
  c.set_satisfaction(r.Int32());
  c.set_root_cause(static_cast<v1::RootCause>(r.Int32()));
  c.set_root_cause_note(r.Str());
  c.set_merged_repeats(r.Int32());
  c.set_reopen_count(r.Int32());
  s.repeat_key = r.Str();
  s.absorbs_repeats = r.Bool();
  s.version = r.Int();
  c.set_etag(api::MakeEtag(s.version));
  *c.mutable_create_time() = r.Time();
  *c.mutable_update_time() = r.Time();
  if (std::optional<int64_t> closed = r.OptionalInt()) {
    *c.mutable_close_time() = db::TimestampFromMicros(*closed);
  }
  return {s.id, std::move(s)};
}

const std::string& HistorySelect() {
  static const std::string* const sql = new std::string(
      absl::StrCat("SELECT h.complaint_id, h.sequence, h.kind, h.from_state, h.to_state, h.actor, ",
                   MicrosOf("h.time"),
                   " AS t, h.note, h.details, h.previous_hash, h.hash FROM complaint_history h"));
  return *sql;
}

std::pair<int64_t, HistoryRow> HistoryFromRow(const sql::ResultSet& rs) {
  Row r(rs);
  HistoryRow h;
  h.complaint_id = r.Int();
  h.sequence = r.Int();
  h.kind = static_cast<v1::HistoryKind>(r.Int32());
  h.from_state = static_cast<v1::ComplaintState>(r.Int32());
  h.to_state = static_cast<v1::ComplaintState>(r.Int32());
  h.actor = r.Str();
  h.time = absl::FromUnixMicros(r.Int());
  h.note = r.Str();
  h.details = r.Str();
  h.previous_hash = r.Str();
  h.hash = r.Str();
  return {h.sequence, std::move(h)};
}

// An optional "collection/{id}" reference as a nullable id column.
absl::StatusOr<int64_t> OptionalId(const std::string& name, const char* collection,
                                   const char* field) {
  if (name.empty()) return 0;
  return api::ParseName(name, collection, field);
}

absl::Status RepeatKeyTaken(absl::string_view) {
  return AlreadyExists("REPEAT_KEY_TAKEN",
                       "an open complaint of this customer, category and subject exists");
}

const db::ListMapping& ComplaintList() {
  static const auto* m =
      new db::ListMapping{{{"state", db::FilterColumn::Of("c.state")},
                           {"sla_state", db::FilterColumn::Of("c.sla_state")},
                           {"category", db::FilterColumn::Of("c.category")},
                           {"channel", db::FilterColumn::Of("c.channel")},
                           {"handler", db::FilterColumn::Of("c.handler_id")},
                           {"handler_team", db::FilterColumn::Of("c.handler_team_id")},
                           {"branch", db::FilterColumn::Of("c.branch_id")},
                           {"customer", db::FilterColumn::Of("c.customer_id")},
                           {"receive_time", db::FilterColumn::Of("c.receive_time")},
                           {"deadline", db::FilterColumn::Of("c.deadline")}},
                          {"c.handler_id = ?", "c.handler_team_id = ?", "c.branch_id = ?"}};
  return *m;
}

std::string OpenStates() {
  return absl::StrCat("(", v1::CLOSED, ", ", v1::REJECTED, ", ", v1::WITHDRAWN, ")");
}

class MySqlComplaintStore final : public ComplaintStore {
 public:
  explicit MySqlComplaintStore(db::Connection& conn) : conn_(conn) {}

  absl::StatusOr<std::optional<StoredComplaint>> GetComplaint(int64_t id, bool lock) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::optional<StoredComplaint>> {
      static const std::string kSql = ComplaintSelect() + " WHERE c.id = ?";
      static const std::string kLocked = db::Locking(kSql, true);
      sql::PreparedStatement& ps = conn_.Prepare(lock ? kLocked : kSql);
      Binder(ps).Int(id);
      return db::FetchOne(ps, &ComplaintFromRow);
    });
  }

  absl::StatusOr<std::optional<StoredComplaint>> FindRepeatHolder(
      const std::string& repeat_key) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::optional<StoredComplaint>> {
      static const std::string kSql =
          db::Locking(ComplaintSelect() + " WHERE c.open_repeat_key = ?", true);
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Str(repeat_key);
      return db::FetchOne(ps, &ComplaintFromRow);
    });
  }

  absl::StatusOr<int64_t> InsertComplaint(const v1::Complaint& c, const std::string& repeat_key,
                                          absl::Time now) override {
    RMHUB_ASSIGN_OR_RETURN(int64_t customer,
                           api::ParseName(c.customer(), "customers", "complaint.customer"));
    RMHUB_ASSIGN_OR_RETURN(int64_t branch,
                           api::ParseName(c.branch(), "branches", "complaint.branch"));
    RMHUB_ASSIGN_OR_RETURN(
        int64_t about, OptionalId(c.complained_about(), "members", "complaint.complained_about"));
    return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
      static const std::string kSql =
          "INSERT INTO complaints (customer_id, channel, category, severity, subject, "
          "description, customer_request, product, receive_time, complained_about_id, "
          "branch_id, state, state_reason, jurisdiction, deadline, sla_state, findings, "
          "solution, root_cause_note, repeat_key, open_repeat_key, version, create_time, "
          "update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, '', '', '', ?, "
          "?, 1, ?, ?)";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps)
          .Int(customer)
          .Int(c.channel())
          .Int(c.category())
          .Int(c.severity())
          .Str(c.subject())
          .Str(c.description())
          .Str(c.customer_request())
          .Str(c.product())
          .Time(db::TimeFromTimestamp(c.receive_time()))
          .OptionalId(about)
          .Int(branch)
          .Int(c.state())
          .Int(c.jurisdiction())
          .Time(db::TimeFromTimestamp(c.deadline()))
          .Int(c.sla_state())
          .Str(repeat_key)
          .Str(repeat_key)
          .Time(now)
          .Time(now);
      RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps, &RepeatKeyTaken).status());
      return db::LastInsertId(conn_);
    });
  }

  absl::Status AddMergedRepeat(int64_t id, absl::Time now) override {
    return Touch(
        "UPDATE complaints SET merged_repeats = merged_repeats + 1, version = version + 1, "
        "update_time = ? WHERE id = ?",
        id, now);
  }

  absl::Status ReleaseRepeatKey(int64_t id, absl::Time now) override {
    return Touch(
        "UPDATE complaints SET open_repeat_key = NULL, version = version + 1, update_time = ? "
        "WHERE id = ?",
        id, now);
  }

  absl::StatusOr<HistoryRow> AppendHistory(HistoryRow row) override {
    return db::GuardSql([&]() -> absl::StatusOr<HistoryRow> {
      static const std::string kLast = db::Locking(
          HistorySelect() + " WHERE h.complaint_id = ? ORDER BY h.sequence DESC LIMIT 1", true);
      sql::PreparedStatement& last = conn_.Prepare(kLast);
      Binder(last).Int(row.complaint_id);
      std::optional<HistoryRow> previous = db::FetchOne(last, &HistoryFromRow);
      row.sequence = previous ? previous->sequence + 1 : 1;
      row.time = db::TruncateToMicros(row.time);  // as DATETIME(6) keeps it, so it verifies
      Seal(row, previous ? &*previous : nullptr);
      static const std::string kInsert =
          "INSERT INTO complaint_history (complaint_id, sequence, kind, from_state, to_state, "
          "actor, time, note, details, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?)";
      sql::PreparedStatement& ins = conn_.Prepare(kInsert);
      Binder(ins)
          .Int(row.complaint_id)
          .Int(row.sequence)
          .Int(row.kind)
          .Int(row.from_state)
          .Int(row.to_state)
          .Str(row.actor)
          .Time(row.time)
          .Str(row.note)
          .Str(row.details)
          .Str(row.previous_hash)
          .Str(row.hash);
      ins.executeUpdate();
      return row;
    });
  }

  absl::StatusOr<std::vector<HistoryRow>> ListHistory(int64_t complaint_id) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<HistoryRow>> {
      static const std::string kSql =
          HistorySelect() + " WHERE h.complaint_id = ? ORDER BY h.sequence";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Int(complaint_id);
      std::vector<HistoryRow> rows;
      for (auto& [seq, row] : db::Fetch(ps, &HistoryFromRow)) rows.push_back(std::move(row));
      return rows;
    });
  }

  absl::Status UpdateClock(int64_t id, int64_t expected_version, absl::Time deadline,
                           v1::SlaState sla_state, int extension_level, absl::Time now) override {
    return db::GuardSql([&]() -> absl::Status {
      static const std::string kSql =
          "UPDATE complaints SET deadline = ?, sla_state = ?, extension_level = ?, "
          "version = version + 1, update_time = ? WHERE id = ? AND version = ?";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps)
          .Time(deadline)
          .Int(sla_state)
          .Int(extension_level)
          .Time(now)
          .Int(id)
          .Int(expected_version);
      if (ps.executeUpdate() == 1) return absl::OkStatus();
      return db::StaleOrMissing(conn_, "complaints", id,
                                NotFound("COMPLAINT_NOT_FOUND", "no such complaint"));
    });
  }

  absl::StatusOr<std::vector<StoredComplaint>> GetComplaints(
      const std::vector<int64_t>& ids) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<StoredComplaint>> {
      static const std::string kSelect = ComplaintSelect() + " WHERE c.id";
      std::vector<StoredComplaint> out;
      for (auto& row : db::FetchByIds(conn_, kSelect, ids, &ComplaintFromRow)) {
        out.push_back(std::move(row.second));
      }
      return out;
    });
  }

  absl::Status UpdateComplaint(int64_t id, int64_t expected_version, const v1::Complaint& c,
                               absl::Time now) override {
    RMHUB_ASSIGN_OR_RETURN(int64_t team,
                           OptionalId(c.handler_team(), "teams", "complaint.handler_team"));
    RMHUB_ASSIGN_OR_RETURN(int64_t handler,
                           OptionalId(c.handler(), "members", "complaint.handler"));
    RMHUB_ASSIGN_OR_RETURN(
        int64_t inv, OptionalId(c.investigation_task(), "tasks", "complaint.investigation_task"));
    RMHUB_ASSIGN_OR_RETURN(int64_t rem,
                           OptionalId(c.remediation_task(), "tasks", "complaint.remediation_task"));
    return db::GuardSql([&]() -> absl::Status {
      static const std::string kSql = absl::StrCat(
          "UPDATE complaints SET category = ?, handler_team_id = ?, handler_id = ?, state = ?, "
          "state_reason = ?, findings = ?, solution = ?, escalated = ?, "
          "investigation_task_id = ?, remediation_task_id = ?, satisfaction = ?, root_cause = ?, "
          "root_cause_note = ?, reopen_count = ?, close_time = ?, deadline = ?, sla_state = ?, "
          "extension_level = ?, open_repeat_key = IF(? IN ",
          OpenStates(),
          ", NULL, open_repeat_key), version = version + 1, update_time = ? WHERE id = ? AND "
          "version = ?");
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder b(ps);
      b.Int(c.category())
          .OptionalId(team)
          .OptionalId(handler)
          .Int(c.state())
          .Str(c.state_reason())
          .Str(c.findings())
          .Str(c.solution())
          .Int(c.escalated() ? 1 : 0)
          .OptionalId(inv)
          .OptionalId(rem)
          .Int(c.satisfaction())
          .Int(c.root_cause())
          .Str(c.root_cause_note())
          .Int(c.reopen_count());
      if (c.has_close_time()) {
        b.Time(db::TimeFromTimestamp(c.close_time()));
      } else {
        b.Null();
      }
      b.Time(db::TimeFromTimestamp(c.deadline()))
          .Int(c.sla_state())
          .Int(c.extension_level())
          .Int(c.state())
          .Time(now)
          .Int(id)
          .Int(expected_version);
      if (ps.executeUpdate() == 1) return absl::OkStatus();
      return db::StaleOrMissing(conn_, "complaints", id,
                                NotFound("COMPLAINT_NOT_FOUND", "no such complaint"));
    });
  }

  absl::StatusOr<api::Page<StoredComplaint>> ListComplaints(const api::ListQuery& query) override {
    return db::GuardSql([&]() -> absl::StatusOr<api::Page<StoredComplaint>> {
      RMHUB_ASSIGN_OR_RETURN(
          sql::PreparedStatement * ps,
          db::PrepareKeysetList(conn_, ComplaintSelect(), "c", query, ComplaintList()));
      return db::FetchPage(*ps, &ComplaintFromRow, query.page);
    });
  }

  absl::StatusOr<std::vector<StoredComplaint>> ComplaintsReceived(
      absl::Time start, absl::Time end, int64_t branch_id, const api::ListScope& scope) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<StoredComplaint>> {
      RMHUB_ASSIGN_OR_RETURN(db::SqlWhere where,
                             db::CompileScopeWhere(scope, ComplaintList().scope));
      where.Add("c.receive_time >= ?", {db::SqlTime(start)});
      where.Add("c.receive_time < ?", {db::SqlTime(end)});
      if (branch_id != 0) where.Add("c.branch_id = ?", {branch_id});
      sql::PreparedStatement& ps =
          conn_.Prepare(ComplaintSelect() + where.Clause() + " ORDER BY c.id");
      Binder(ps).Params(where.params);
      std::vector<StoredComplaint> out;
      for (auto& row : db::Fetch(ps, &ComplaintFromRow)) out.push_back(std::move(row.second));
      return out;
    });
  }

  absl::StatusOr<std::map<v1::SlaState, int64_t>> CountOpenBySla() override {
    return db::GuardSql([&]() -> absl::StatusOr<std::map<v1::SlaState, int64_t>> {
      static const std::string kSql =
          absl::StrCat("SELECT sla_state, COUNT(*) FROM complaints WHERE state NOT IN ",
                       OpenStates(), " GROUP BY sla_state");
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      std::map<v1::SlaState, int64_t> out;
      while (rs->next()) out[static_cast<v1::SlaState>(rs->getInt(1))] = rs->getInt64(2);
      return out;
    });
  }

  absl::StatusOr<std::map<v1::Category, int64_t>> CountReceivedByCategory(absl::Time start,
                                                                          absl::Time end) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::map<v1::Category, int64_t>> {
      static const std::string kSql =
          "SELECT category, COUNT(*) FROM complaints WHERE receive_time >= ? AND receive_time < ? "
          "GROUP BY category";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Time(start).Time(end);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      std::map<v1::Category, int64_t> out;
      while (rs->next()) out[static_cast<v1::Category>(rs->getInt(1))] = rs->getInt64(2);
      return out;
    });
  }

  absl::StatusOr<bool> ClaimCategorySpike(v1::Category category, absl::CivilDay week_start,
                                          int64_t this_week, int64_t previous_four_weeks,
                                          absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<bool> {
      static const std::string kSql =
          "INSERT IGNORE INTO complaint_category_spikes (category, week_start, this_week, "
          "previous_four_weeks, create_time) VALUES (?, ?, ?, ?, ?)";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Int(category).Day(week_start).Int(this_week).Int(previous_four_weeks).Time(now);
      return ps.executeUpdate() == 1;
    });
  }

  absl::StatusOr<std::vector<int64_t>> ListSweepCandidates(int64_t after_id, int limit) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<int64_t>> {
      static const std::string kSql =
          absl::StrCat("SELECT id FROM complaints WHERE id > ? AND state NOT IN (", v1::CLOSED,
                       ", ", v1::REJECTED, ", ", v1::WITHDRAWN, ") AND sla_reported < ",
                       v1::BREACHED, " ORDER BY id LIMIT ?");
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps).Int(after_id).Int(limit);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      std::vector<int64_t> ids;
      while (rs->next()) ids.push_back(rs->getInt64(1));
      return ids;
    });
  }

  absl::StatusOr<bool> RecordSla(int64_t id, v1::SlaState sla_state, v1::SlaState reported_before,
                                 v1::SlaState reported_now, absl::Time deadline,
                                 absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<bool> {
      static const std::string kSql =
          "UPDATE complaints SET sla_state = ?, sla_reported = ?, deadline = ?, "
          "version = version + 1, update_time = ? WHERE id = ? AND sla_reported = ?";
      sql::PreparedStatement& ps = conn_.Prepare(kSql);
      Binder(ps)
          .Int(sla_state)
          .Int(reported_now)
          .Time(deadline)
          .Time(now)
          .Int(id)
          .Int(reported_before);
      return ps.executeUpdate() == 1;
    });
  }

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override {
    return db::GuardSql([&] { return outbox::AppendEvent(conn_, event).status(); });
  }

 private:
  absl::Status Touch(const std::string& sql, int64_t id, absl::Time now) {
    return db::GuardSql([&]() -> absl::Status {
      sql::PreparedStatement& ps = conn_.Prepare(sql);
      Binder(ps).Time(now).Int(id);
      if (ps.executeUpdate() == 0) {
        return NotFound("COMPLAINT_NOT_FOUND", absl::StrCat("complaints/", id, " not found"));
      }
      return absl::OkStatus();
    });
  }

  db::Connection& conn_;
};

}  // namespace

MySqlComplaintRepository::MySqlComplaintRepository(db::ConnectionPool& pool,
                                                   const idempotency::Idempotency& idempotency)
    : MySqlRepository(pool, idempotency, ComplaintMigrations(), "complaint") {}

absl::Status MySqlComplaintRepository::Migrate(db::ConnectionPool& pool) {
  return db::ApplyMigrations(pool, ComplaintMigrations());
}

absl::Status MySqlComplaintRepository::WithStore(db::Connection& conn, const Body& fn) {
  MySqlComplaintStore store(conn);
  return fn(store);
}

}  // namespace rmhub::complaint
