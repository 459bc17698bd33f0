#include "services/customer/mysql_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/api/resource_name.h"
#include "common/db/list_where.h"
#include "common/db/sql_error.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "common/idempotency/idempotency.h"
#include "common/outbox/outbox.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"

namespace rmhub::customer {
namespace {

using common::v1::Date;
using common::v1::Money;
using db::Binder;
using db::DateTextOf;
using db::MicrosOf;
using db::Row;
using db::Rows;

constexpr char kDefaultCurrency[] = "CNY";
// MySQL's "Cannot add or update a child row: a foreign key constraint fails".
constexpr int kForeignKeyMissingParent = 1452;

// Associated data of each sealed PII column: the field it belongs to.
constexpr char kNationalIdAad[] = "national_id";
constexpr char kCreditCodeAad[] = "credit_code";
constexpr char kPhoneAad[] = "contact_phone";

Money MakeMoney(const std::string& currency, int64_t minor_units) {
  Money m;
  m.set_currency_code(currency);
  m.set_minor_units(minor_units);
  return m;
}

std::string MemberName(int64_t id) { return id == 0 ? "" : api::FormatName("members", id); }

// ---------------------------------------------------------------------------------------------
// Row mapping. Each SELECT lists exactly the columns its mapper reads, in order.

const std::string& CustomerSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT c.id, c.type, c.display_name, c.industry, c.national_id_enc, c.credit_code_enc, "
      "c.phone_enc, ",
      DateTextOf("c.birthday"), " AS bd, c.aum_minor, c.contribution_minor, c.currency, c.status, ",
      MicrosOf("c.status_change_time"),
      " AS sct, c.key_account, c.risk_tolerance, c.owner_id, c.team_id, c.branch_id, c.archived, ",
      MicrosOf("c.last_interaction_time"), " AS lit, c.version, ", MicrosOf("c.create_time"),
      " AS ct, ", MicrosOf("c.update_time"),
      // The needs ride along in the same statement: a point read is one round trip. They come
      // as a bit set (bit n: need n), which MariaDB builds with half the CPU of a sorted
      // GROUP_CONCAT (docs/benchmarks.md, "External read path"). Computed columns get short
      // names: Connector/C++ upper-cases and maps every column name of every result set, at a
      // cost that grows with the name.
      " AS ut, (SELECT BIT_OR(1 << n.need) FROM customer_needs n "
      "WHERE n.customer_id = c.id) AS needs FROM customers c"));
  return *sql;
}

// The PII fields hold the sealed bytes until the store opens them (OpenPii).
std::pair<int64_t, v1::Customer> CustomerFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Customer c;
  c.set_name(api::FormatName("customers", id));
  c.set_type(static_cast<v1::CustomerType>(row.Int()));
  c.set_display_name(row.Str());
  c.set_industry(row.Str());
  c.set_national_id(row.Str());
  c.set_credit_code(row.Str());
  c.set_contact_phone(row.Str());
  if (Date birthday = row.Day(); db::IsSetDate(birthday)) *c.mutable_birthday() = birthday;
  const int64_t aum = row.Int();
  const int64_t contribution = row.Int();
  const std::string currency = row.Str();
  *c.mutable_aum() = MakeMoney(currency, aum);
  *c.mutable_annual_contribution() = MakeMoney(currency, contribution);
  c.set_status(static_cast<v1::CustomerStatus>(row.Int()));
  *c.mutable_status_change_time() = row.Time();
  c.set_key_account(row.Bool());
  c.set_risk_tolerance(static_cast<v1::RiskTolerance>(row.Int()));
  c.set_owner(MemberName(row.Int()));
  if (int64_t team = row.Int(); team != 0) c.set_team(api::FormatName("teams", team));
  c.set_branch(api::FormatName("branches", row.Int()));
  c.set_archived(row.Bool());
  if (auto last = row.OptionalInt()) {
    *c.mutable_last_interaction_time() = db::TimestampFromMicros(*last);
  }
  c.set_etag(api::MakeEtag(row.Int()));
  *c.mutable_create_time() = row.Time();
  *c.mutable_update_time() = row.Time();
  static_assert(v1::Need_MAX < 64, "needs are read as a 64-bit set");
  const uint64_t needs = static_cast<uint64_t>(row.Int());
  for (int need = 0; need < 64; ++need) {
    if ((needs >> need) & 1) c.add_needs(static_cast<v1::Need>(need));
  }
  return {id, std::move(c)};
}

const std::string& AssignmentSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT asg.id, asg.customer_id, asg.kind, asg.from_owner_id, asg.to_owner_id, asg.reason, "
      "asg.actor, ",
      MicrosOf("asg.create_time"), " FROM assignments asg"));
  return *sql;
}

std::pair<int64_t, v1::AssignmentRecord> AssignmentFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::AssignmentRecord r;
  r.set_name(api::FormatChildName("customers", row.Int(), "assignments", id));
  r.set_kind(static_cast<v1::AssignmentKind>(row.Int()));
  r.set_from_owner(MemberName(row.Int()));
  r.set_to_owner(MemberName(row.Int()));
  r.set_reason(row.Str());
  r.set_actor(row.Str());
  *r.mutable_create_time() = row.Time();
  return {id, std::move(r)};
}

const std::string& InteractionSelect() {
  static const std::string* const sql = new std::string(
      absl::StrCat("SELECT i.id, i.customer_id, i.channel, ", MicrosOf("i.interaction_time"),
                   ", i.manager_id, i.summary, ", DateTextOf("i.next_follow_up"), ", ",
                   MicrosOf("i.create_time"), " FROM interactions i"));
  return *sql;
}

std::pair<int64_t, v1::Interaction> InteractionFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::Interaction i;
  i.set_name(api::FormatChildName("customers", row.Int(), "interactions", id));
  i.set_channel(static_cast<v1::InteractionChannel>(row.Int()));
  *i.mutable_interaction_time() = row.Time();
  i.set_manager(MemberName(row.Int()));
  i.set_summary(row.Str());
  if (Date next = row.Day(); db::IsSetDate(next)) *i.mutable_next_follow_up_date() = next;
  *i.mutable_create_time() = row.Time();
  return {id, std::move(i)};
}

const std::string& PiiAuditSelect() {
  static const std::string* const sql = new std::string(absl::StrCat(
      "SELECT a.id, a.actor, a.customer_id, a.fields, a.access, a.method, a.request_id, ",
      MicrosOf("a.create_time"), " FROM pii_audit a"));
  return *sql;
}

// Fields are stored as a comma list of PiiField names, so the table reads well by hand.
std::string FieldList(const v1::PiiAuditEntry& entry) {
  std::vector<std::string> names;
  std::set<int> seen;
  for (int field : entry.fields()) {
    if (seen.insert(field).second) {
      names.push_back(v1::PiiField_Name(static_cast<v1::PiiField>(field)));
    }
  }
  return absl::StrJoin(names, ",");
}

std::pair<int64_t, v1::PiiAuditEntry> PiiAuditFromRow(const sql::ResultSet& rs) {
  Row row(rs);
  const int64_t id = row.Int();
  v1::PiiAuditEntry e;
  e.set_actor(row.Str());
  e.set_customer(api::FormatName("customers", row.Int()));
  for (absl::string_view name : absl::StrSplit(row.Str(), ',', absl::SkipEmpty())) {
    v1::PiiField field;
    if (v1::PiiField_Parse(std::string(name), &field)) e.add_fields(field);
  }
  e.set_access(static_cast<v1::PiiAccess>(row.Int()));
  e.set_method(row.Str());
  e.set_request_id(row.Str());
  *e.mutable_time() = row.Time();
  return {id, std::move(e)};
}

// The sealed and indexed forms of a customer's PII, ready to bind ("" binds NULL).
struct SealedPii {
  std::string national_id_enc, national_id_bidx;
  std::string credit_code_enc, credit_code_bidx;
  std::string phone_enc;
};

// A profile's columns, in the order both the INSERT and the UPDATE list them: display_name,
// industry, the five PII columns, birthday, aum_minor, contribution_minor, currency.
void BindProfile(Binder& b, const v1::Customer& c, const SealedPii& pii) {
  const std::string& currency =
      c.aum().currency_code().empty() ? kDefaultCurrency : c.aum().currency_code();
  b.Str(c.display_name())
      .Str(c.industry())
      .OptionalStr(pii.national_id_enc)
      .OptionalStr(pii.national_id_bidx)
      .OptionalStr(pii.credit_code_enc)
      .OptionalStr(pii.credit_code_bidx)
      .OptionalStr(pii.phone_enc)
      .Day(c.birthday())
      .Int(c.aum().minor_units())
      .Int(c.annual_contribution().minor_units())
      .Str(currency);
}

// The unique blind indexes are the only unique keys a customer write can hit besides the id.
absl::Status PiiTaken(absl::string_view server_message) {
  if (absl::StrContains(server_message, "uk_customers_credit_code")) {
    return AlreadyExists("CREDIT_CODE_TAKEN", "a customer with this credit code already exists");
  }
  return AlreadyExists("NATIONAL_ID_TAKEN", "a customer with this national ID already exists");
}

// ---------------------------------------------------------------------------------------------
// List filters: the fields of domain/list_filters.h, and the scope grants, as SQL.

// The tier number computed from a money column with the configured thresholds, the same rule
// as AssetTierOf/ValueTierOf (numbers from validated configuration, never from the request).
std::string AssetTierSql(absl::string_view column, const SegmentThresholds& t) {
  return absl::StrCat("(CASE WHEN ", column, " >= ", t.vip_aum, " THEN ", v1::VIP, " WHEN ", column,
                      " >= ", t.large_aum, " THEN ", v1::LARGE, " WHEN ", column,
                      " >= ", t.medium_aum, " THEN ", v1::MEDIUM, " ELSE ", v1::SMALL, " END)");
}

std::string ValueTierSql(absl::string_view column, const SegmentThresholds& t) {
  return absl::StrCat("(CASE WHEN ", column, " >= ", t.high_contribution, " THEN ", v1::HIGH_VALUE,
                      " WHEN ", column, " >= ", t.medium_contribution, " THEN ", v1::MEDIUM_VALUE,
                      " ELSE ", v1::LOW_VALUE, " END)");
}

// The thresholds as one line, what segment_tier_config records for the built columns.
std::string TierFingerprint(const SegmentThresholds& t) {
  return absl::StrCat("aum:", t.medium_aum, "/", t.large_aum, "/", t.vip_aum,
                      ";contribution:", t.medium_contribution, "/", t.high_contribution);
}

// `indexed`: the customers table's generated tier columns were built with these thresholds, so
// filters use them (and their indexes); otherwise the same rule is computed per row.
db::ListMapping CustomerList(const SegmentThresholds& tiers, bool indexed) {
  return db::ListMapping{
      {{"type", db::FilterColumn::Of("c.type")},
       {"asset_tier",
        db::FilterColumn::Of(indexed ? "c.asset_tier" : AssetTierSql("c.aum_minor", tiers))},
       {"value_tier", db::FilterColumn::Of(indexed ? "c.value_tier"
                                                   : ValueTierSql("c.contribution_minor", tiers))},
       {"needs", db::FilterColumn::Contains("EXISTS (SELECT 1 FROM customer_needs n WHERE "
                                            "n.customer_id = c.id AND n.need = ?)")},
       {"risk_tolerance", db::FilterColumn::Of("c.risk_tolerance")},
       {"status", db::FilterColumn::Of("c.status")},
       {"key_account", db::FilterColumn::Of("c.key_account")},
       {"archived", db::FilterColumn::Of("c.archived")},
       {"owner", db::FilterColumn::Of("c.owner_id")},
       {"team", db::FilterColumn::Of("c.team_id")},
       {"branch", db::FilterColumn::Of("c.branch_id")}},
      {"c.owner_id = ?", "c.team_id = ?", "c.branch_id = ?"}};
}

const db::ListMapping& PiiAuditList() {
  static const auto* m = new db::ListMapping{
      {{"customer", db::FilterColumn::Of("a.customer_id")},
       {"actor", db::FilterColumn::Of("a.actor")}},
      {"", "",
       "EXISTS (SELECT 1 FROM customers bc WHERE bc.id = a.customer_id AND bc.branch_id = ?)"}};
  return *m;
}

// ---------------------------------------------------------------------------------------------
// The store: one connection, inside the caller's transaction.

class MySqlCustomerStore final : public CustomerStore {
 public:
  MySqlCustomerStore(db::Connection& conn, const pii::FieldCipher& cipher,
                     const pii::BlindIndex& index)
      : conn_(conn), cipher_(cipher), index_(index) {}

  absl::StatusOr<std::optional<v1::Customer>> GetCustomer(int64_t id, bool lock) override;
  absl::StatusOr<std::vector<v1::Customer>> GetCustomers(const std::vector<int64_t>& ids) override;
  absl::StatusOr<std::optional<v1::Customer>> FindByNationalId(
      const std::string& national_id) override;
  absl::StatusOr<std::optional<v1::Customer>> FindByCreditCode(
      const std::string& credit_code) override;
  absl::StatusOr<int64_t> InsertCustomer(const v1::Customer& customer, const Ownership& ownership,
                                         absl::Time now) override;
  absl::Status UpdateCustomer(int64_t id, const v1::Customer& customer, int64_t expected_version,
                              absl::Time now) override;
  absl::StatusOr<Page<v1::Customer>> ListCustomers(const ListQuery& query,
                                                   const SegmentThresholds& tiers) override;

  absl::Status LockManager(int64_t member_id, absl::Time now) override;
  absl::StatusOr<Holdings> CountHoldings(int64_t member_id) override;
  absl::StatusOr<std::vector<HolderCount>> ListHolderCounts() override;
  absl::Status SetOwnership(int64_t customer_id, const Ownership& ownership,
                            absl::Time now) override;
  absl::StatusOr<int64_t> InsertAssignment(int64_t customer_id, const v1::AssignmentRecord& record,
                                           absl::Time now) override;
  absl::StatusOr<Page<v1::AssignmentRecord>> ListAssignments(int64_t customer_id,
                                                             const api::PageRequest& page) override;
  absl::StatusOr<std::vector<v1::Customer>> ListHeld(int64_t member_id) override;

  absl::StatusOr<int64_t> InsertInteraction(int64_t customer_id, const v1::Interaction& interaction,
                                            int64_t manager_id, absl::Time now) override;
  absl::StatusOr<std::optional<v1::Interaction>> GetInteraction(int64_t customer_id,
                                                                int64_t id) override;
  absl::StatusOr<Page<v1::Interaction>> ListInteractions(int64_t customer_id,
                                                         const api::PageRequest& page) override;
  absl::StatusOr<std::vector<DueFollowUp>> ListDueFollowUps(int64_t member_id,
                                                            absl::CivilDay day) override;

  absl::Status AppendPiiAudit(const v1::PiiAuditEntry& entry) override;
  absl::Status AppendPiiAudits(const std::vector<v1::PiiAuditEntry>& entries) override;
  absl::StatusOr<Page<v1::PiiAuditEntry>> ListPiiAudit(const ListQuery& query) override;

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override;

 private:
  sql::PreparedStatement& Stmt(const std::string& sql) { return conn_.Prepare(sql); }
  int64_t LastInsertId() { return db::LastInsertId(conn_); }
  // An INSERT whose row refers to a customer: a missing one is NOT_FOUND, not a DB error.
  absl::Status InsertReferencingCustomer(sql::PreparedStatement& ps);
  absl::Status StaleOrMissing(int64_t id);

  absl::StatusOr<SealedPii> Seal(const v1::Customer& c) const;
  absl::StatusOr<std::string> SealOne(pii::PiiKind kind, const std::string& value,
                                      const char* aad) const;
  absl::Status OpenPii(v1::Customer& c) const;
  // Fills the needs of every row (one query per chunk) and opens their PII.
  absl::StatusOr<std::vector<v1::Customer>> Complete(Rows<v1::Customer> rows);
  void ReplaceNeeds(int64_t id, const v1::Customer& c, bool clear_first);
  absl::StatusOr<std::optional<v1::Customer>> FindByIndex(const char* column,
                                                          const std::string& bidx);

  db::Connection& conn_;
  const pii::FieldCipher& cipher_;
  const pii::BlindIndex& index_;
};

// ---- shared statements ----

absl::Status MySqlCustomerStore::InsertReferencingCustomer(sql::PreparedStatement& ps) {
  try {
    ps.executeUpdate();
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kForeignKeyMissingParent) {
      return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
    }
    throw;
  }
}

absl::Status MySqlCustomerStore::StaleOrMissing(int64_t id) {
  return db::StaleOrMissing(conn_, "customers", id,
                            NotFound("CUSTOMER_NOT_FOUND", "no such customer"));
}

absl::Status MySqlCustomerStore::AppendEvent(const rmhub::common::v1::DomainEvent& event) {
  return db::GuardSql([&] { return outbox::AppendEvent(conn_, event).status(); });
}

// ---- PII ----

absl::StatusOr<std::string> MySqlCustomerStore::SealOne(pii::PiiKind kind, const std::string& value,
                                                        const char* aad) const {
  if (value.empty()) return std::string();
  return cipher_.Encrypt(pii::Normalize(kind, value), aad);
}

absl::StatusOr<SealedPii> MySqlCustomerStore::Seal(const v1::Customer& c) const {
  SealedPii out;
  RMHUB_ASSIGN_OR_RETURN(out.national_id_enc,
                         SealOne(pii::PiiKind::kNationalId, c.national_id(), kNationalIdAad));
  RMHUB_ASSIGN_OR_RETURN(out.credit_code_enc,
                         SealOne(pii::PiiKind::kCreditCode, c.credit_code(), kCreditCodeAad));
  RMHUB_ASSIGN_OR_RETURN(out.phone_enc,
                         SealOne(pii::PiiKind::kPhone, c.contact_phone(), kPhoneAad));
  if (!c.national_id().empty()) {
    out.national_id_bidx = index_.Compute(pii::PiiKind::kNationalId, c.national_id());
  }
  if (!c.credit_code().empty()) {
    out.credit_code_bidx = index_.Compute(pii::PiiKind::kCreditCode, c.credit_code());
  }
  return out;
}

absl::Status MySqlCustomerStore::OpenPii(v1::Customer& c) const {
  struct Field {
    std::string* value;
    const char* aad;
  };
  for (Field f : {Field{c.mutable_national_id(), kNationalIdAad},
                  Field{c.mutable_credit_code(), kCreditCodeAad},
                  Field{c.mutable_contact_phone(), kPhoneAad}}) {
    if (f.value->empty()) continue;
    RMHUB_ASSIGN_OR_RETURN(*f.value, cipher_.Decrypt(*f.value, f.aad));
  }
  return absl::OkStatus();
}

// ---- needs ----

absl::StatusOr<std::vector<v1::Customer>> MySqlCustomerStore::Complete(Rows<v1::Customer> rows) {
  std::vector<v1::Customer> out;
  out.reserve(rows.size());
  for (auto& row : rows) {
    RMHUB_RETURN_IF_ERROR(OpenPii(row.second));
    out.push_back(std::move(row.second));
  }
  return out;
}

// Needs are a set: duplicates collapse, one row each.
void MySqlCustomerStore::ReplaceNeeds(int64_t id, const v1::Customer& c, bool clear_first) {
  static constexpr db::IntSetTable kNeeds{"customer_needs", "customer_id", "need"};
  db::ReplaceIntSet(conn_, kNeeds, id, std::set<int>(c.needs().begin(), c.needs().end()),
                    clear_first);
}

// ---- customers ----

absl::StatusOr<std::optional<v1::Customer>> MySqlCustomerStore::GetCustomer(int64_t id, bool lock) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Customer>> {
    static const std::string kSql = CustomerSelect() + " WHERE c.id = ?";
    sql::PreparedStatement& ps = Stmt(db::Locking(kSql, lock));
    Binder(ps).Int(id);
    RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Customer> found,
                           Complete(db::Fetch(ps, &CustomerFromRow)));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

absl::StatusOr<std::vector<v1::Customer>> MySqlCustomerStore::GetCustomers(
    const std::vector<int64_t>& ids) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Customer>> {
    static const std::string kSelect = CustomerSelect() + " WHERE c.id";
    return Complete(db::FetchByIds(conn_, kSelect, ids, &CustomerFromRow));
  });
}

absl::StatusOr<std::optional<v1::Customer>> MySqlCustomerStore::FindByIndex(
    const char* column, const std::string& bidx) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Customer>> {
    sql::PreparedStatement& ps = Stmt(absl::StrCat(CustomerSelect(), " WHERE c.", column, " = ?"));
    Binder(ps).Str(bidx);
    RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Customer> found,
                           Complete(db::Fetch(ps, &CustomerFromRow)));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

absl::StatusOr<std::optional<v1::Customer>> MySqlCustomerStore::FindByNationalId(
    const std::string& national_id) {
  if (national_id.empty()) return std::nullopt;
  return FindByIndex("national_id_bidx", index_.Compute(pii::PiiKind::kNationalId, national_id));
}

absl::StatusOr<std::optional<v1::Customer>> MySqlCustomerStore::FindByCreditCode(
    const std::string& credit_code) {
  if (credit_code.empty()) return std::nullopt;
  return FindByIndex("credit_code_bidx", index_.Compute(pii::PiiKind::kCreditCode, credit_code));
}

absl::StatusOr<int64_t> MySqlCustomerStore::InsertCustomer(const v1::Customer& customer,
                                                           const Ownership& ownership,
                                                           absl::Time now) {
  RMHUB_ASSIGN_OR_RETURN(SealedPii pii, Seal(customer));
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO customers (type, display_name, industry, national_id_enc, national_id_bidx, "
        "credit_code_enc, credit_code_bidx, phone_enc, birthday, aum_minor, contribution_minor, "
        "currency, status, status_change_time, key_account, risk_tolerance, owner_id, team_id, "
        "branch_id, archived, version, create_time, update_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder b(ps);
    b.Int(customer.type());
    BindProfile(b, customer, pii);
    b.Int(customer.status())
        .Time(now)
        .Int(customer.key_account() ? 1 : 0)
        .Int(customer.risk_tolerance())
        .OptionalId(ownership.owner_id)
        .OptionalId(ownership.team_id)
        .Int(ownership.branch_id)
        .Int(customer.archived() ? 1 : 0)
        .Time(now)
        .Time(now);
    RMHUB_RETURN_IF_ERROR(db::ExecuteUpdate(ps, &PiiTaken).status());
    const int64_t id = LastInsertId();
    ReplaceNeeds(id, customer, /*clear_first=*/false);
    return id;
  });
}

// status_change_time is assigned before status: MariaDB evaluates SET left to right, so the
// comparison sees the old status (and with SIMULTANEOUS_ASSIGNMENT it would anyway).
absl::Status MySqlCustomerStore::UpdateCustomer(int64_t id, const v1::Customer& customer,
                                                int64_t expected_version, absl::Time now) {
  RMHUB_ASSIGN_OR_RETURN(SealedPii pii, Seal(customer));
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE customers SET display_name = ?, industry = ?, national_id_enc = ?, "
        "national_id_bidx = ?, credit_code_enc = ?, credit_code_bidx = ?, phone_enc = ?, "
        "birthday = ?, aum_minor = ?, contribution_minor = ?, currency = ?, "
        "status_change_time = IF(status <> ?, ?, status_change_time), status = ?, "
        "key_account = ?, risk_tolerance = ?, archived = ?, version = version + 1, "
        "update_time = ? WHERE id = ? AND version = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder b(ps);
    BindProfile(b, customer, pii);
    b.Int(customer.status())
        .Time(now)
        .Int(customer.status())
        .Int(customer.key_account() ? 1 : 0)
        .Int(customer.risk_tolerance())
        .Int(customer.archived() ? 1 : 0)
        .Time(now)
        .Int(id)
        .Int(expected_version);
    RMHUB_ASSIGN_OR_RETURN(int updated, db::ExecuteUpdate(ps, &PiiTaken));
    if (updated == 0) return StaleOrMissing(id);
    ReplaceNeeds(id, customer, /*clear_first=*/true);
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::Customer>> MySqlCustomerStore::ListCustomers(
    const ListQuery& query, const SegmentThresholds& tiers) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Customer>> {
    db::SqlWhere defaults;
    if (!query.filter.Mentions("archived")) defaults.Add("c.archived = 0");
    // One primary-key read: were the indexed tier columns built with these thresholds?
    sql::PreparedStatement& built =
        Stmt("SELECT COUNT(*) FROM segment_tier_config WHERE id = 1 AND fingerprint = ?");
    Binder(built).Str(TierFingerprint(tiers));
    const bool indexed = db::FetchInt(built) == 1;
    RMHUB_ASSIGN_OR_RETURN(sql::PreparedStatement * ps,
                           db::PrepareKeysetList(conn_, CustomerSelect(), "c", query,
                                                 CustomerList(tiers, indexed), defaults));
    Rows<v1::Customer> rows = db::Fetch(*ps, &CustomerFromRow);
    Page<v1::Customer> page;
    page.next_after_id = db::TrimToPage(rows, db::PageLimit(query.page));
    RMHUB_ASSIGN_OR_RETURN(page.items, Complete(std::move(rows)));
    return page;
  });
}

// ---- ownership ----

// ON DUPLICATE KEY UPDATE takes an exclusive lock on an existing row (INSERT IGNORE would take a
// shared one, and two transactions upgrading their shared locks deadlock); a new row is locked
// by its insert. The update really changes the row (lock_count + 1): on Galera, where row locks
// are local to a node, the written row makes two assignments to one manager on two nodes
// conflict at certification (one fails with 1213 and RunInTransaction retries it). The
// SELECT ... FOR UPDATE then states the lock plainly and checks the row.
absl::Status MySqlCustomerStore::LockManager(int64_t member_id, absl::Time now) {
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kUpsert =
        "INSERT INTO managers (member_id, create_time) VALUES (?, ?) "
        "ON DUPLICATE KEY UPDATE lock_count = lock_count + 1";
    sql::PreparedStatement& upsert = Stmt(kUpsert);
    Binder(upsert).Int(member_id).Time(now);
    upsert.executeUpdate();
    static const std::string kLock = "SELECT COUNT(*) FROM managers WHERE member_id = ? FOR UPDATE";
    sql::PreparedStatement& lock = Stmt(kLock);
    Binder(lock).Int(member_id);
    // Its own upsert not visible: on Galera a replicated write set aborted this transaction
    // between the two statements (seen once in 40 racing assignments). A conflict: re-run it.
    if (db::FetchInt(lock) != 1) return db::StatusFromSqlErrorCode(1213, "40001");
    return absl::OkStatus();
  });
}

// A locking (shared) read: it sees assignments committed after this transaction's snapshot,
// which a plain read would not, and keeps them from changing until commit.
absl::StatusOr<Holdings> MySqlCustomerStore::CountHoldings(int64_t member_id) {
  return db::GuardSql([&]() -> absl::StatusOr<Holdings> {
    static const std::string kSql =
        "SELECT COUNT(*), COALESCE(SUM(key_account <> 0), 0) FROM customers "
        "WHERE owner_id = ? AND archived = 0 LOCK IN SHARE MODE";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(member_id);
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    Holdings h;
    if (rs->next()) {
      h.customers = rs->getInt(1);
      h.key_accounts = rs->getInt(2);
    }
    return h;
  });
}

absl::StatusOr<std::vector<HolderCount>> MySqlCustomerStore::ListHolderCounts() {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<HolderCount>> {
    static const std::string kSql =
        "SELECT owner_id, COUNT(*), COALESCE(SUM(key_account <> 0), 0) FROM customers "
        "WHERE owner_id IS NOT NULL AND archived = 0 GROUP BY owner_id ORDER BY owner_id";
    sql::PreparedStatement& ps = Stmt(kSql);
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    std::vector<HolderCount> out;
    while (rs->next()) {
      HolderCount h;
      h.member_id = rs->getInt64(1);
      h.holdings.customers = rs->getInt(2);
      h.holdings.key_accounts = rs->getInt(3);
      out.push_back(h);
    }
    return out;
  });
}

absl::Status MySqlCustomerStore::SetOwnership(int64_t customer_id, const Ownership& ownership,
                                              absl::Time now) {
  return db::GuardSql([&]() -> absl::Status {
    static const std::string kSql =
        "UPDATE customers SET owner_id = ?, team_id = ?, branch_id = ?, version = version + 1, "
        "update_time = ? WHERE id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .OptionalId(ownership.owner_id)
        .OptionalId(ownership.team_id)
        .Int(ownership.branch_id)
        .Time(now)
        .Int(customer_id);
    // The version bump changes the row every time, so 0 affected rows means no row.
    if (ps.executeUpdate() == 0) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> MySqlCustomerStore::InsertAssignment(int64_t customer_id,
                                                             const v1::AssignmentRecord& record,
                                                             absl::Time now) {
  int64_t from = 0;
  if (!record.from_owner().empty()) {
    RMHUB_ASSIGN_OR_RETURN(from, api::ParseName(record.from_owner(), "members", "from_owner"));
  }
  RMHUB_ASSIGN_OR_RETURN(int64_t to, api::ParseName(record.to_owner(), "members", "to_owner"));
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
    static const std::string kSql =
        "INSERT INTO assignments (customer_id, kind, from_owner_id, to_owner_id, reason, actor, "
        "create_time) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps)
        .Int(customer_id)
        .Int(record.kind())
        .OptionalId(from)
        .Int(to)
        .Str(record.reason())
        .Str(record.actor())
        .Time(now);
    RMHUB_RETURN_IF_ERROR(InsertReferencingCustomer(ps));
    return LastInsertId();
  });
}

absl::StatusOr<Page<v1::AssignmentRecord>> MySqlCustomerStore::ListAssignments(
    int64_t customer_id, const api::PageRequest& page) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::AssignmentRecord>> {
    sql::PreparedStatement& ps =
        Stmt(db::NewestFirstSql(AssignmentSelect(), "asg", "customer_id", page.after_id != 0));
    db::BindNewestFirst(ps, customer_id, page);
    return db::FetchPage(ps, &AssignmentFromRow, page);
  });
}

// A locking read for the same reason as CountHoldings: a handover must move every customer the
// manager holds now, including ones assigned after this transaction's snapshot.
absl::StatusOr<std::vector<v1::Customer>> MySqlCustomerStore::ListHeld(int64_t member_id) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<v1::Customer>> {
    static const std::string kSql =
        CustomerSelect() +
        " WHERE c.owner_id = ? AND c.archived = 0 ORDER BY c.id LOCK IN SHARE MODE";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(member_id);
    return Complete(db::Fetch(ps, &CustomerFromRow));
  });
}

// ---- interactions ----

absl::StatusOr<int64_t> MySqlCustomerStore::InsertInteraction(int64_t customer_id,
                                                              const v1::Interaction& interaction,
                                                              int64_t manager_id, absl::Time now) {
  // An interaction logged without a time happened now.
  const absl::Time when = interaction.has_interaction_time()
                              ? db::TimeFromTimestamp(interaction.interaction_time())
                              : now;
  return db::GuardSql([&]() -> absl::StatusOr<int64_t> {
    static const std::string kInsert =
        "INSERT INTO interactions (customer_id, channel, interaction_time, manager_id, summary, "
        "next_follow_up, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sql::PreparedStatement& ins = Stmt(kInsert);
    Binder(ins)
        .Int(customer_id)
        .Int(interaction.channel())
        .Time(when)
        .Int(manager_id)
        .Str(interaction.summary())
        .Day(interaction.next_follow_up_date())
        .Time(now);
    RMHUB_RETURN_IF_ERROR(InsertReferencingCustomer(ins));
    const int64_t id = LastInsertId();
    static const std::string kRaise =
        "UPDATE customers SET last_interaction_time = "
        "GREATEST(COALESCE(last_interaction_time, ?), ?) WHERE id = ?";
    sql::PreparedStatement& raise = Stmt(kRaise);
    Binder(raise).Time(when).Time(when).Int(customer_id);
    raise.executeUpdate();
    return id;
  });
}

absl::StatusOr<std::optional<v1::Interaction>> MySqlCustomerStore::GetInteraction(
    int64_t customer_id, int64_t id) {
  return db::GuardSql([&]() -> absl::StatusOr<std::optional<v1::Interaction>> {
    static const std::string kSql = InteractionSelect() + " WHERE i.id = ? AND i.customer_id = ?";
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(id).Int(customer_id);
    return db::FetchOne(ps, &InteractionFromRow);
  });
}

absl::StatusOr<Page<v1::Interaction>> MySqlCustomerStore::ListInteractions(
    int64_t customer_id, const api::PageRequest& page) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::Interaction>> {
    sql::PreparedStatement& ps =
        Stmt(db::NewestFirstSql(InteractionSelect(), "i", "customer_id", page.after_id != 0));
    db::BindNewestFirst(ps, customer_id, page);
    return db::FetchPage(ps, &InteractionFromRow, page);
  });
}

// The latest interaction of each customer is the one with the highest id (the order they were
// logged in); a later interaction without a follow-up date clears the reminder.
absl::StatusOr<std::vector<DueFollowUp>> MySqlCustomerStore::ListDueFollowUps(int64_t member_id,
                                                                              absl::CivilDay day) {
  return db::GuardSql([&]() -> absl::StatusOr<std::vector<DueFollowUp>> {
    static const std::string kSql =
        absl::StrCat("SELECT c.id, c.display_name, ", DateTextOf("i.next_follow_up"),
                     " FROM customers c JOIN interactions i ON i.id = "
                     "(SELECT MAX(l.id) FROM interactions l WHERE l.customer_id = c.id) "
                     "WHERE c.owner_id = ? AND c.archived = 0 AND i.next_follow_up IS NOT NULL "
                     "AND i.next_follow_up <= ? ORDER BY i.next_follow_up, c.id");
    sql::PreparedStatement& ps = Stmt(kSql);
    Binder(ps).Int(member_id).Day(day);
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    std::vector<DueFollowUp> due;
    while (rs->next()) {
      DueFollowUp d;
      d.customer = api::FormatName("customers", rs->getInt64(1));
      d.display_name = rs->getString(2).asStdString();
      absl::ParseCivilTime(rs->getString(3).asStdString(), &d.follow_up);
      due.push_back(std::move(d));
    }
    return due;
  });
}

// ---- PII audit ----

absl::Status MySqlCustomerStore::AppendPiiAudit(const v1::PiiAuditEntry& entry) {
  return AppendPiiAudits({entry});
}

absl::Status MySqlCustomerStore::AppendPiiAudits(const std::vector<v1::PiiAuditEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<int64_t> customer_ids;
  for (const auto& entry : entries) {
    RMHUB_ASSIGN_OR_RETURN(int64_t customer_id,
                           api::ParseName(entry.customer(), "customers", "customer"));
    if (!entry.has_time()) return InvalidField("time", "is required");
    customer_ids.push_back(customer_id);
  }
  return db::GuardSql([&]() -> absl::Status {
    // Chunks of at most 100 rows, one statement each (a page of a list is one statement).
    constexpr size_t kChunk = 100;
    for (size_t start = 0; start < entries.size(); start += kChunk) {
      const size_t n = std::min(kChunk, entries.size() - start);
      std::vector<std::string> rows(n, "(?, ?, ?, ?, ?, ?, ?)");
      const std::string sql =
          "INSERT INTO pii_audit (actor, customer_id, fields, access, method, request_id, "
          "create_time) VALUES " +
          absl::StrJoin(rows, ", ");
      // A single row reuses the cached statement; a multi-row one is prepared for this call.
      std::unique_ptr<sql::PreparedStatement> owned;
      if (n > 1) owned.reset(conn_.raw().prepareStatement(sql));
      sql::PreparedStatement& ps = n > 1 ? *owned : Stmt(sql);
      Binder b(ps);
      for (size_t i = start; i < start + n; ++i) {
        const auto& entry = entries[i];
        b.Str(entry.actor())
            .Int(customer_ids[i])
            .Str(FieldList(entry))
            .Int(entry.access())
            .Str(entry.method())
            .Str(entry.request_id())
            .Time(db::TimeFromTimestamp(entry.time()));
      }
      ps.executeUpdate();
    }
    return absl::OkStatus();
  });
}

// Newest first: after_id continues below it. The branch restriction goes through the customer.
absl::StatusOr<Page<v1::PiiAuditEntry>> MySqlCustomerStore::ListPiiAudit(const ListQuery& q) {
  return db::GuardSql([&]() -> absl::StatusOr<Page<v1::PiiAuditEntry>> {
    RMHUB_ASSIGN_OR_RETURN(sql::PreparedStatement * ps,
                           db::PrepareKeysetList(conn_, PiiAuditSelect(), "a", q, PiiAuditList(),
                                                 {}, db::KeysetOrder::kNewestFirst));
    return db::FetchPage(*ps, &PiiAuditFromRow, q.page);
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The repository

MySqlCustomerRepository::MySqlCustomerRepository(db::ConnectionPool& pool,
                                                 const pii::FieldCipher& cipher,
                                                 const pii::BlindIndex& index,
                                                 const idempotency::Idempotency& idempotency)
    : MySqlRepository(pool, idempotency, CustomerMigrations(), "customer"),
      cipher_(cipher),
      index_(index) {}

absl::Status MySqlCustomerRepository::Migrate(db::ConnectionPool& pool) {
  return db::ApplyMigrations(pool, CustomerMigrations());
}

absl::Status MySqlCustomerRepository::ApplySegmentTiers(db::ConnectionPool& pool,
                                                        const SegmentThresholds& tiers) {
  const std::string fingerprint = TierFingerprint(tiers);
  return db::QueryWithConnection<bool>(
             pool,
             [&](db::Connection& conn) -> absl::StatusOr<bool> {
               return db::GuardSql([&]() -> absl::StatusOr<bool> {
                 // Replicas starting together: one builds, the others wait and find it done.
                 std::unique_ptr<sql::ResultSet> locked(
                     conn.Prepare("SELECT GET_LOCK(CONCAT('rmhub_segment_tiers.', "
                                  "LEFT(SHA2(DATABASE(), 256), 40)), 600)")
                         .executeQuery());
                 if (!locked->next() || locked->getInt(1) != 1) {
                   return Unavailable("SEGMENT_TIERS_BUSY", "another replica is building tiers");
                 }
                 struct Unlock {
                   db::Connection& c;
                   ~Unlock() {
                     try {
                       c.Execute("DO RELEASE_ALL_LOCKS()");
                     } catch (const sql::SQLException&) {
                     }
                   }
                 } unlock{conn};
                 sql::PreparedStatement& current = conn.Prepare(
                     "SELECT COUNT(*) FROM segment_tier_config WHERE id = 1 AND "
                     "fingerprint = ?");
                 current.setString(1, fingerprint);
                 if (db::FetchInt(current) == 1) return false;  // already built so
                 // DDL commits statement by statement: each step is idempotent, and the
                 // fingerprint is written last, so an interrupted build is redone next start.
                 conn.Execute(
                     "ALTER TABLE customers DROP INDEX IF EXISTS ix_customers_branch_asset_tier, "
                     "DROP INDEX IF EXISTS ix_customers_branch_value_tier, "
                     "DROP INDEX IF EXISTS ix_customers_owner_asset_tier, "
                     "DROP INDEX IF EXISTS ix_customers_team_asset_tier, "
                     "DROP COLUMN IF EXISTS asset_tier, DROP COLUMN IF EXISTS value_tier");
                 conn.Execute(absl::StrCat(
                     "ALTER TABLE customers ADD COLUMN asset_tier TINYINT AS ",
                     AssetTierSql("aum_minor", tiers),
                     " VIRTUAL, ADD COLUMN value_tier TINYINT AS ",
                     ValueTierSql("contribution_minor", tiers), " VIRTUAL, ",
                     "ADD INDEX ix_customers_branch_asset_tier (branch_id, archived, asset_tier, "
                     "id), "
                     "ADD INDEX ix_customers_branch_value_tier (branch_id, archived, value_tier, "
                     "id), "
                     "ADD INDEX ix_customers_owner_asset_tier (owner_id, archived, asset_tier, "
                     "id), "
                     "ADD INDEX ix_customers_team_asset_tier (team_id, archived, asset_tier, id)"));
                 sql::PreparedStatement& record = conn.Prepare(
                     "INSERT INTO segment_tier_config (id, fingerprint, update_time) "
                     "VALUES (1, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
                     "fingerprint = VALUES(fingerprint), update_time = VALUES(update_time)");
                 record.setString(1, fingerprint);
                 record.executeUpdate();
                 return true;
               });
             })
      .status();
}

absl::Status MySqlCustomerRepository::WithStore(db::Connection& conn, const Body& fn) {
  MySqlCustomerStore store(conn, cipher_, index_);
  return fn(store);
}

}  // namespace rmhub::customer
