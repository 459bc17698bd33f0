#include "services/analytics/mysql_repository.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"

namespace rmhub::analytics {
namespace {

using db::Binder;
using db::Row;

class MySqlAnalyticsStore final : public AnalyticsStore {
 public:
  explicit MySqlAnalyticsStore(db::Connection& conn) : conn_(conn) {}

  absl::StatusOr<bool> InsertEvent(const common::v1::DomainEvent& e, int64_t apply_seq,
                                   absl::Time now) override {
    return db::GuardSql([&]() -> absl::StatusOr<bool> {
      static const std::string kSql =
          "INSERT IGNORE INTO events (event_id, source, type, aggregate, aggregate_version, "
          "apply_seq, occur_time, ingest_time, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
      sql::PreparedStatement& ps = Stmt(kSql);
      Binder(ps)
          .Str(e.event_id())
          .Str(e.source())
          .Str(e.type())
          .Str(e.aggregate())
          .Int(e.aggregate_version())
          .Int(apply_seq)
          .Time(db::TimeFromTimestamp(e.occur_time()))
          .Time(now)
          .Str(e.SerializeAsString());
      return ps.executeUpdate() == 1;
    });
  }

  absl::StatusOr<AggregateVersion> LockAggregate(const std::string& aggregate) override {
    return db::GuardSql([&]() -> absl::StatusOr<AggregateVersion> {
      sql::PreparedStatement& upsert = Stmt(
          "INSERT INTO aggregate_versions (aggregate) VALUES (?) "
          "ON DUPLICATE KEY UPDATE aggregate = aggregate");
      Binder(upsert).Str(aggregate);
      upsert.executeUpdate();
      sql::PreparedStatement& ps = Stmt(
          "SELECT state_version, max_version, applied FROM aggregate_versions "
          "WHERE aggregate = ? FOR UPDATE");
      Binder(ps).Str(aggregate);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      AggregateVersion v;
      if (rs->next()) {
        Row r(*rs);
        v.state_version = r.Int();
        v.max_version = r.Int();
        v.applied = r.Int();
      }
      return v;
    });
  }

  absl::Status SetAggregate(const std::string& aggregate, const AggregateVersion& v) override {
    return db::GuardSql([&]() -> absl::Status {
      sql::PreparedStatement& ps = Stmt(
          "UPDATE aggregate_versions SET state_version = ?, max_version = ?, applied = ? "
          "WHERE aggregate = ?");
      Binder(ps).Int(v.state_version).Int(v.max_version).Int(v.applied).Str(aggregate);
      ps.executeUpdate();
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::optional<CustomerState>> GetCustomer(int64_t id) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::optional<CustomerState>> {
      sql::PreparedStatement& ps = Stmt(
          "SELECT owner_id, team_id, branch_id, status, key_account, aum_minor, archived "
          "FROM customer_states WHERE customer_id = ? FOR UPDATE");
      Binder(ps).Int(id);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      if (!rs->next()) return std::optional<CustomerState>();
      Row r(*rs);
      CustomerState s;
      s.owner = r.Int();
      s.team = r.Int();
      s.branch = r.Int();
      s.status = r.Int32();
      s.key_account = r.Bool();
      s.aum_minor = r.Int();
      s.archived = r.Bool();
      return std::optional<CustomerState>(s);
    });
  }

  absl::StatusOr<std::optional<MemberState>> GetMember(int64_t id) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::optional<MemberState>> {
      sql::PreparedStatement& ps = Stmt(
          "SELECT branch_id, home_team_id, role, status FROM member_states WHERE member_id = ?");
      Binder(ps).Int(id);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      if (!rs->next()) return std::optional<MemberState>();
      Row r(*rs);
      MemberState s;
      s.branch = r.Int();
      s.home_team = r.Int();
      s.role = r.Int32();
      s.status = r.Int32();
      return std::optional<MemberState>(s);
    });
  }

  absl::Status ApplyEffects(const Effects& fx, int32_t month) override {
    return db::GuardSql([&]() -> absl::Status {
      if (fx.customer_state) {
        const CustomerState& s = *fx.customer_state;
        sql::PreparedStatement& ps = Stmt(
            "INSERT INTO customer_states (customer_id, owner_id, team_id, branch_id, status, "
            "key_account, aum_minor, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON DUPLICATE KEY UPDATE owner_id = VALUES(owner_id), team_id = VALUES(team_id), "
            "branch_id = VALUES(branch_id), status = VALUES(status), "
            "key_account = VALUES(key_account), aum_minor = VALUES(aum_minor), "
            "archived = VALUES(archived)");
        Binder(ps)
            .Int(fx.customer)
            .Int(s.owner)
            .Int(s.team)
            .Int(s.branch)
            .Int(s.status)
            .Int(s.key_account ? 1 : 0)
            .Int(s.aum_minor)
            .Int(s.archived ? 1 : 0);
        ps.executeUpdate();
      }
      if (fx.member_state) {
        const MemberState& s = *fx.member_state;
        sql::PreparedStatement& ps = Stmt(
            "INSERT INTO member_states (member_id, branch_id, home_team_id, role, status) "
            "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE branch_id = VALUES(branch_id), "
            "home_team_id = VALUES(home_team_id), role = VALUES(role), status = VALUES(status)");
        Binder(ps).Int(fx.member).Int(s.branch).Int(s.home_team).Int(s.role).Int(s.status);
        ps.executeUpdate();
      }
      for (const HoldingDelta& h : fx.holdings) {
        sql::PreparedStatement& ps = Stmt(
            "INSERT INTO holdings (member_id, customers, key_accounts, aum_minor) "
            "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE customers = customers + "
            "VALUES(customers), "
            "key_accounts = key_accounts + VALUES(key_accounts), "
            "aum_minor = aum_minor + VALUES(aum_minor)");
        Binder(ps).Int(h.member).Int(h.customers).Int(h.key_accounts).Int(h.aum_minor);
        ps.executeUpdate();
      }
      std::vector<CounterDelta> counters = fx.counters;
      if (fx.contacted_customer != 0) {
        sql::PreparedStatement& ps =
            Stmt("INSERT IGNORE INTO contacts (customer_id, month) VALUES (?, ?)");
        Binder(ps).Int(fx.contacted_customer).Int(month);
        if (ps.executeUpdate() == 1) {
          counters.push_back({fx.contacted_by, Counter::kCustomersContacted, 1});
        }
      }
      for (const CounterDelta& d : counters) {
        // The column name is a code constant (CounterColumn), never input.
        const char* col = CounterColumn(d.counter);
        sql::PreparedStatement& ps =
            Stmt(absl::StrCat("INSERT INTO member_months (member_id, month, ", col,
                              ") VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE ", col, " = ", col,
                              " + VALUES(", col, ")"));
        Binder(ps).Int(d.member).Int(month).Int(d.amount);
        ps.executeUpdate();
      }
      if (fx.certification != 0) {
        sql::PreparedStatement& ps = Stmt(
            "INSERT INTO certifications (member_id, certification_id, valid, valid_until) "
            "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE valid = VALUES(valid), "
            "valid_until = VALUES(valid_until)");
        Binder(ps)
            .Int(fx.certification_member)
            .Int(fx.certification)
            .Int(fx.certification_valid ? 1 : 0)
            .Day(fx.certification_until);
        ps.executeUpdate();
      }
      return absl::OkStatus();
    });
  }

  absl::Status ClearProjections() override {
    return db::GuardSql([&]() -> absl::Status {
      for (const char* table : {"aggregate_versions", "customer_states", "member_states",
                                "holdings", "member_months", "contacts", "certifications"}) {
        Stmt(absl::StrCat("DELETE FROM ", table)).executeUpdate();
      }
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<StoredEvent>> ReadEvents(const std::string& after_aggregate,
                                                      int64_t after_seq, int limit) override {
    return db::GuardSql([&]() -> absl::StatusOr<std::vector<StoredEvent>> {
      sql::PreparedStatement& ps = Stmt(
          "SELECT body, apply_seq FROM events WHERE (aggregate, apply_seq) > (?, ?) "
          "ORDER BY aggregate, apply_seq LIMIT ?");
      Binder(ps).Str(after_aggregate).Int(after_seq).Int(limit);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      std::vector<StoredEvent> out;
      while (rs->next()) {
        Row r(*rs);
        StoredEvent e;
        if (!e.event.ParseFromString(r.Str())) {
          return Internal("EVENT_CORRUPT", "a stored event does not parse");
        }
        e.apply_seq = r.Int();
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  absl::StatusOr<ScoreFigures> SumFigures(ScopeKind kind, int64_t id, int32_t first_month,
                                          int32_t last_month, absl::CivilDay valid_on) override {
    return db::GuardSql([&]() -> absl::StatusOr<ScoreFigures> {
      // Which members: one, or the current members of a team or a branch.
      std::string members;
      switch (kind) {
        case ScopeKind::kMember:
          members = "SELECT ? AS member_id";
          break;
        case ScopeKind::kTeam:
          members = "SELECT member_id FROM member_states WHERE home_team_id = ?";
          break;
        case ScopeKind::kBranch:
          members = "SELECT member_id FROM member_states WHERE branch_id = ?";
          break;
      }
      ScoreFigures f;
      {
        sql::PreparedStatement& ps = Stmt(absl::StrCat(
            "SELECT COUNT(*), COALESCE(SUM(h.customers), 0), COALESCE(SUM(h.aum_minor), 0), "
            "COALESCE(SUM((SELECT COUNT(*) FROM certifications c WHERE c.member_id = s.member_id "
            "AND c.valid = 1 AND c.valid_until >= ?)), 0) "
            "FROM (",
            members, ") s LEFT JOIN holdings h ON h.member_id = s.member_id"));
        Binder(ps).Day(valid_on).Int(id);
        std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
        if (rs->next()) {
          Row r(*rs);
          f.members = static_cast<int>(std::max<int64_t>(r.Int(), 1));
          f.customers_held = r.Int();
          f.aum_held_minor = r.Int();
          f.valid_certifications = r.Int();
        }
      }
      sql::PreparedStatement& ps = Stmt(absl::StrCat(
          "SELECT COALESCE(SUM(interactions), 0), COALESCE(SUM(customers_contacted), 0), "
          "COALESCE(SUM(new_customers), 0), COALESCE(SUM(churned), 0), "
          "COALESCE(SUM(won_back), 0), COALESCE(SUM(aum_change_minor), 0), "
          "COALESCE(SUM(promotions), 0), COALESCE(SUM(mentorships_started), 0), "
          "COALESCE(SUM(mentorships_completed), 0), COALESCE(SUM(complaints), 0), "
          "COALESCE(SUM(satisfaction_responses), 0), COALESCE(SUM(satisfaction_sum), 0), "
          "COALESCE(SUM(tasks_completed), 0), COALESCE(SUM(tasks_on_time), 0), "
          "COALESCE(SUM(checks_completed), 0), COALESCE(SUM(cross_department_tasks), 0), "
          "COALESCE(SUM(action_items_assigned), 0), COALESCE(SUM(action_items_done), 0) "
          "FROM member_months WHERE month BETWEEN ? AND ? AND member_id IN (",
          members, ")"));
      Binder(ps).Int(first_month).Int(last_month).Int(id);
      std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
      if (rs->next()) {
        Row r(*rs);
        f.interactions = r.Int();
        f.customers_contacted = r.Int();
        f.new_customers = r.Int();
        f.churned = r.Int();
        f.won_back = r.Int();
        f.aum_change_minor = r.Int();
        f.promotions = r.Int();
        f.mentorships_started = r.Int();
        f.mentorships_completed = r.Int();
        f.complaints = r.Int();
        f.satisfaction_responses = r.Int();
        f.satisfaction_sum = r.Int();
        f.tasks_completed = r.Int();
        f.tasks_completed_on_time = r.Int();
        f.checks_completed = r.Int();
        f.cross_department_tasks = r.Int();
        f.action_items_assigned = r.Int();
        f.action_items_done = r.Int();
      }
      return f;
    });
  }

  absl::StatusOr<bool> TeamInBranch(int64_t team, int64_t branch) override {
    return db::GuardSql([&]() -> absl::StatusOr<bool> {
      sql::PreparedStatement& ps = Stmt(
          "SELECT COUNT(*) FROM member_states WHERE home_team_id = ? AND branch_id = ? LIMIT 1");
      Binder(ps).Int(team).Int(branch);
      return db::FetchInt(ps) > 0;
    });
  }

 private:
  sql::PreparedStatement& Stmt(const std::string& sql) { return conn_.Prepare(sql); }

  db::Connection& conn_;
};

}  // namespace

MySqlAnalyticsRepository::MySqlAnalyticsRepository(db::ConnectionPool& pool,
                                                   const idempotency::Idempotency& idempotency)
    : MySqlRepository(pool, idempotency, AnalyticsMigrations(), "analytics") {}

absl::Status MySqlAnalyticsRepository::WithStore(db::Connection& conn, const Body& fn) {
  MySqlAnalyticsStore store(conn);
  return fn(store);
}

}  // namespace rmhub::analytics
