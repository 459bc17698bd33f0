#include "tests/services/customer/fake_customer_repository.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/filter_match.h"
#include "common/api/resource_name.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"
#include "tests/support/fake_list.h"

namespace rmhub::customer::fakes {
namespace {

using api::FieldValues;
using rmhub::testing::FakeInScope;
using rmhub::testing::FakePage;
using rmhub::testing::FakeStamp;

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

int64_t IdIn(const std::string& name, absl::string_view collection) {
  auto id = api::ParseName(name, collection, "name");
  return id.ok() ? *id : 0;
}

class FakeCustomerStore final : public CustomerStore {
 public:
  explicit FakeCustomerStore(FakeCustomerData& d) : d_(d) {}

  // ---- customers ----
  absl::StatusOr<std::optional<v1::Customer>> GetCustomer(int64_t id, bool) override {
    auto it = d_.customers.find(id);
    if (it == d_.customers.end()) return std::nullopt;
    return Returned(it->second);
  }
  absl::StatusOr<std::vector<v1::Customer>> GetCustomers(const std::vector<int64_t>& ids) override {
    std::vector<v1::Customer> out;
    for (int64_t id : std::set<int64_t>(ids.begin(), ids.end())) {
      if (auto it = d_.customers.find(id); it != d_.customers.end()) {
        out.push_back(Returned(it->second));
      }
    }
    return out;
  }
  absl::StatusOr<std::optional<v1::Customer>> FindByNationalId(const std::string& v) override {
    return FindBy(pii::PiiKind::kNationalId, v, &v1::Customer::national_id);
  }
  absl::StatusOr<std::optional<v1::Customer>> FindByCreditCode(const std::string& v) override {
    return FindBy(pii::PiiKind::kCreditCode, v, &v1::Customer::credit_code);
  }
  absl::StatusOr<int64_t> InsertCustomer(const v1::Customer& customer, const Ownership& ownership,
                                         absl::Time now) override {
    RMHUB_RETURN_IF_ERROR(CheckUnique(customer, 0));
    const int64_t id = ++d_.last_id["customers"];
    FakeCustomerData::CustomerRow row;
    row.customer = Stored(customer);
    row.customer.set_name(api::FormatName("customers", id));
    *row.customer.mutable_status_change_time() = FakeStamp(now);
    *row.customer.mutable_create_time() = FakeStamp(now);
    *row.customer.mutable_update_time() = FakeStamp(now);
    row.customer.clear_last_interaction_time();
    row.ownership = ownership;
    d_.customers[id] = std::move(row);
    return id;
  }
  absl::Status UpdateCustomer(int64_t id, const v1::Customer& customer, int64_t expected_version,
                              absl::Time now) override {
    auto it = d_.customers.find(id);
    if (it == d_.customers.end()) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
    if (it->second.version != expected_version) {
      return Aborted("ETAG_MISMATCH", "the resource changed since it was read; read it again");
    }
    RMHUB_RETURN_IF_ERROR(CheckUnique(customer, id));
    v1::Customer& c = it->second.customer;
    v1::Customer next = Stored(customer);
    next.set_name(c.name());
    next.set_type(c.type());
    *next.mutable_create_time() = c.create_time();
    if (c.has_last_interaction_time()) {
      *next.mutable_last_interaction_time() = c.last_interaction_time();
    } else {
      next.clear_last_interaction_time();
    }
    *next.mutable_status_change_time() =
        c.status() != customer.status() ? FakeStamp(now) : c.status_change_time();
    *next.mutable_update_time() = FakeStamp(now);
    c = std::move(next);
    ++it->second.version;
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::Customer>> ListCustomers(const ListQuery& q,
                                                   const SegmentThresholds& tiers) override {
    const bool archived_named = q.filter.Mentions("archived");
    std::vector<std::pair<int64_t, v1::Customer>> rows;
    for (const auto& [id, row] : d_.customers) {
      const Ownership& o = row.ownership;
      if (!FakeInScope(q.scope, o.owner_id, o.team_id, o.branch_id)) continue;
      if (!archived_named && row.customer.archived()) continue;
      bool keep = api::MatchesFilter(
          q.filter, [&](absl::string_view f) { return CustomerField(f, row, tiers); });
      if (keep) rows.emplace_back(id, Returned(row));
    }
    return FakePage(std::move(rows), q.page);
  }

  // ---- ownership ----
  absl::Status LockManager(int64_t member_id, absl::Time) override {
    d_.locked_managers.push_back(member_id);
    return absl::OkStatus();
  }
  absl::StatusOr<Holdings> CountHoldings(int64_t member_id) override {
    Holdings h;
    for (const auto& [id, row] : d_.customers) {
      if (row.ownership.owner_id != member_id || row.customer.archived()) continue;
      ++h.customers;
      h.key_accounts += row.customer.key_account();
    }
    return h;
  }
  absl::StatusOr<std::vector<HolderCount>> ListHolderCounts() override {
    std::map<int64_t, Holdings> by_owner;
    for (const auto& [id, row] : d_.customers) {
      if (row.ownership.owner_id == 0 || row.customer.archived()) continue;
      Holdings& h = by_owner[row.ownership.owner_id];
      ++h.customers;
      h.key_accounts += row.customer.key_account();
    }
    std::vector<HolderCount> out;
    for (const auto& [member, h] : by_owner) out.push_back({member, h});
    return out;
  }
  absl::Status SetOwnership(int64_t customer_id, const Ownership& ownership,
                            absl::Time now) override {
    auto it = d_.customers.find(customer_id);
    if (it == d_.customers.end()) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
    it->second.ownership = ownership;
    *it->second.customer.mutable_update_time() = FakeStamp(now);
    ++it->second.version;
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> InsertAssignment(int64_t customer_id, const v1::AssignmentRecord& record,
                                           absl::Time now) override {
    if (!record.from_owner().empty()) {
      RMHUB_RETURN_IF_ERROR(api::ParseName(record.from_owner(), "members", "from_owner").status());
    }
    RMHUB_RETURN_IF_ERROR(api::ParseName(record.to_owner(), "members", "to_owner").status());
    RMHUB_RETURN_IF_ERROR(RequireCustomer(customer_id));
    const int64_t id = ++d_.last_id["assignments"];
    v1::AssignmentRecord r = record;
    r.set_name(api::FormatChildName("customers", customer_id, "assignments", id));
    *r.mutable_create_time() = FakeStamp(now);
    d_.assignments[id] = {customer_id, std::move(r)};
    return id;
  }
  absl::StatusOr<Page<v1::AssignmentRecord>> ListAssignments(
      int64_t customer_id, const api::PageRequest& page) override {
    std::vector<std::pair<int64_t, v1::AssignmentRecord>> rows;
    for (const auto& [id, row] : d_.assignments) {
      if (row.first == customer_id) rows.emplace_back(id, row.second);
    }
    return FakePage(std::move(rows), page, /*newest_first=*/true);
  }
  absl::StatusOr<std::vector<v1::Customer>> ListHeld(int64_t member_id) override {
    std::vector<v1::Customer> out;
    for (const auto& [id, row] : d_.customers) {
      if (row.ownership.owner_id == member_id && !row.customer.archived()) {
        out.push_back(Returned(row));
      }
    }
    return out;
  }

  // ---- interactions ----
  absl::StatusOr<int64_t> InsertInteraction(int64_t customer_id, const v1::Interaction& interaction,
                                            int64_t manager_id, absl::Time now) override {
    RMHUB_RETURN_IF_ERROR(RequireCustomer(customer_id));
    const absl::Time when =
        interaction.has_interaction_time() ? TimeOf(interaction.interaction_time()) : now;
    const int64_t id = ++d_.last_id["interactions"];
    FakeCustomerData::InteractionRow row{customer_id, manager_id, interaction};
    row.interaction.set_name(api::FormatChildName("customers", customer_id, "interactions", id));
    *row.interaction.mutable_interaction_time() = FakeStamp(when);
    row.interaction.set_manager(api::FormatName("members", manager_id));
    *row.interaction.mutable_create_time() = FakeStamp(now);
    d_.interactions[id] = std::move(row);
    v1::Customer& c = d_.customers[customer_id].customer;
    if (!c.has_last_interaction_time() || TimeOf(c.last_interaction_time()) < when) {
      *c.mutable_last_interaction_time() = FakeStamp(when);
    }
    return id;
  }
  absl::StatusOr<std::optional<v1::Interaction>> GetInteraction(int64_t customer_id,
                                                                int64_t id) override {
    auto it = d_.interactions.find(id);
    if (it == d_.interactions.end() || it->second.customer_id != customer_id) return std::nullopt;
    return it->second.interaction;
  }
  absl::StatusOr<Page<v1::Interaction>> ListInteractions(int64_t customer_id,
                                                         const api::PageRequest& page) override {
    std::vector<std::pair<int64_t, v1::Interaction>> rows;
    for (const auto& [id, row] : d_.interactions) {
      if (row.customer_id == customer_id) rows.emplace_back(id, row.interaction);
    }
    return FakePage(std::move(rows), page, /*newest_first=*/true);
  }
  absl::StatusOr<std::vector<DueFollowUp>> ListDueFollowUps(int64_t member_id,
                                                            absl::CivilDay day) override {
    std::map<int64_t, const FakeCustomerData::InteractionRow*> latest;  // by customer
    for (const auto& [id, row] : d_.interactions) latest[row.customer_id] = &row;
    std::vector<DueFollowUp> due;
    for (const auto& [customer_id, row] : latest) {
      const auto& c = d_.customers.at(customer_id);
      const auto& next = row->interaction.next_follow_up_date();
      if (c.ownership.owner_id != member_id || c.customer.archived() || next.year() == 0) continue;
      absl::CivilDay follow_up(next.year(), next.month(), next.day());
      if (follow_up > day) continue;
      due.push_back({c.customer.name(), c.customer.display_name(), follow_up});
    }
    std::stable_sort(due.begin(), due.end(), [](const DueFollowUp& a, const DueFollowUp& b) {
      return a.follow_up < b.follow_up;
    });
    return due;
  }

  // ---- PII audit ----
  absl::Status AppendPiiAudits(const std::vector<v1::PiiAuditEntry>& entries) override {
    for (const auto& e : entries) {
      RMHUB_RETURN_IF_ERROR(api::ParseName(e.customer(), "customers", "customer").status());
      if (!e.has_time()) return InvalidField("time", "is required");
    }
    for (const auto& e : entries) RMHUB_RETURN_IF_ERROR(AppendPiiAudit(e));
    return absl::OkStatus();
  }
  absl::Status AppendPiiAudit(const v1::PiiAuditEntry& entry) override {
    RMHUB_RETURN_IF_ERROR(api::ParseName(entry.customer(), "customers", "customer").status());
    if (!entry.has_time()) return InvalidField("time", "is required");
    v1::PiiAuditEntry e = entry;
    std::set<int> seen;
    e.clear_fields();
    for (int f : entry.fields()) {
      if (seen.insert(f).second) e.add_fields(static_cast<v1::PiiField>(f));
    }
    *e.mutable_time() = FakeStamp(TimeOf(entry.time()));
    d_.audit[++d_.last_id["pii_audit"]] = std::move(e);
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::PiiAuditEntry>> ListPiiAudit(const ListQuery& q) override {
    std::vector<std::pair<int64_t, v1::PiiAuditEntry>> rows;
    for (const auto& [id, e] : d_.audit) {
      const int64_t customer = IdIn(e.customer(), "customers");
      auto c = d_.customers.find(customer);
      const int64_t branch = c == d_.customers.end() ? 0 : c->second.ownership.branch_id;
      if (!FakeInScope(q.scope, 0, 0, branch)) continue;  // branch grant: the customer's branch
      bool keep = api::MatchesFilter(q.filter, [&](absl::string_view f) -> FieldValues {
        if (f == "customer") return {customer};
        return {e.actor()};
      });
      if (keep) rows.emplace_back(id, e);
    }
    return FakePage(std::move(rows), q.page, /*newest_first=*/true);
  }

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override {
    // As common/outbox does: the aggregate's next version, counting its committed events.
    int64_t version = 1;
    for (const auto& e : d_.events) version += e.aggregate() == event.aggregate() ? 1 : 0;
    d_.events.push_back(event);
    d_.events.back().set_aggregate_version(version);
    return absl::OkStatus();
  }

 private:
  // What the store keeps: PII normalised, needs a sorted set, no etag or ownership names.
  static v1::Customer Stored(const v1::Customer& in) {
    v1::Customer c = in;
    c.clear_etag();
    c.clear_owner();
    c.clear_team();
    c.clear_branch();
    c.clear_asset_tier();
    c.clear_value_tier();
    c.clear_pii_masked();
    if (!c.national_id().empty()) {
      c.set_national_id(pii::Normalize(pii::PiiKind::kNationalId, c.national_id()));
    }
    if (!c.credit_code().empty()) {
      c.set_credit_code(pii::Normalize(pii::PiiKind::kCreditCode, c.credit_code()));
    }
    if (!c.contact_phone().empty()) {
      c.set_contact_phone(pii::Normalize(pii::PiiKind::kPhone, c.contact_phone()));
    }
    for (auto* money : {c.mutable_aum(), c.mutable_annual_contribution()}) {
      money->set_currency_code(in.aum().currency_code().empty() ? "CNY" : in.aum().currency_code());
    }
    std::set<int> needs(in.needs().begin(), in.needs().end());
    c.clear_needs();
    for (int n : needs) c.add_needs(static_cast<v1::Need>(n));
    return c;
  }

  static v1::Customer Returned(const FakeCustomerData::CustomerRow& row) {
    v1::Customer c = row.customer;
    if (row.ownership.owner_id != 0)
      c.set_owner(api::FormatName("members", row.ownership.owner_id));
    if (row.ownership.team_id != 0) c.set_team(api::FormatName("teams", row.ownership.team_id));
    c.set_branch(api::FormatName("branches", row.ownership.branch_id));
    c.set_etag(api::MakeEtag(row.version));
    return c;
  }

  static FieldValues CustomerField(absl::string_view f, const FakeCustomerData::CustomerRow& row,
                                   const SegmentThresholds& tiers) {
    const v1::Customer& c = row.customer;
    const Ownership& o = row.ownership;
    auto optional_id = [](int64_t id) { return id == 0 ? FieldValues{} : FieldValues{id}; };
    if (f == "type") return {int64_t{c.type()}};
    if (f == "asset_tier") return {int64_t{AssetTierOf(c.aum().minor_units(), tiers)}};
    if (f == "value_tier") {
      return {int64_t{ValueTierOf(c.annual_contribution().minor_units(), tiers)}};
    }
    if (f == "risk_tolerance") return {int64_t{c.risk_tolerance()}};
    if (f == "status") return {int64_t{c.status()}};
    if (f == "key_account") return {c.key_account()};
    if (f == "archived") return {c.archived()};
    if (f == "owner") return optional_id(o.owner_id);
    if (f == "team") return optional_id(o.team_id);
    if (f == "branch") return {o.branch_id};
    FieldValues needs;  // "needs"
    for (int n : c.needs()) needs.push_back(int64_t{n});
    return needs;
  }

  absl::StatusOr<std::optional<v1::Customer>> FindBy(pii::PiiKind kind, const std::string& value,
                                                     const std::string& (v1::Customer::*get)()
                                                         const) {
    if (value.empty()) return std::nullopt;
    const std::string wanted = pii::Normalize(kind, value);
    for (const auto& [id, row] : d_.customers) {
      if ((row.customer.*get)() == wanted) return Returned(row);
    }
    return std::nullopt;
  }

  absl::Status CheckUnique(const v1::Customer& c, int64_t self) {
    for (const auto& [id, row] : d_.customers) {
      if (id == self) continue;
      if (!c.national_id().empty() &&
          row.customer.national_id() ==
              pii::Normalize(pii::PiiKind::kNationalId, c.national_id())) {
        return AlreadyExists("NATIONAL_ID_TAKEN",
                             "a customer with this national ID already exists");
      }
      if (!c.credit_code().empty() &&
          row.customer.credit_code() ==
              pii::Normalize(pii::PiiKind::kCreditCode, c.credit_code())) {
        return AlreadyExists("CREDIT_CODE_TAKEN",
                             "a customer with this credit code already exists");
      }
    }
    return absl::OkStatus();
  }

  absl::Status RequireCustomer(int64_t id) const {
    if (d_.customers.count(id) == 0) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
    return absl::OkStatus();
  }

  FakeCustomerData& d_;
};

}  // namespace

std::unique_ptr<CustomerStore> FakeCustomerRepository::MakeStore(FakeCustomerData& data) {
  return std::make_unique<FakeCustomerStore>(data);
}

}  // namespace rmhub::customer::fakes
