// Who holds which customer: assignment, transfer, handover (交接), history, portfolio summary.
// Every change of holder asks the team service first (eligibility and cap, with a deadline), then
// decides and writes under the receiving manager's row lock in one transaction.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/idempotency/idempotency.h"
#include "services/customer/customer_service.h"
#include "services/customer/customer_service_internal.h"
#include "services/customer/domain/access_policy.h"
#include "services/customer/domain/assignment_policy.h"

namespace rmhub::customer {

using internal::IdOf;

absl::StatusOr<v1::AssignCustomerResponse> CustomerService::AssignCustomer(
    const Caller& c, const v1::AssignCustomerRequest& r) {
  return MoveCustomer(c, "AssignCustomer", r, r.request_id(), r.customer(), r.manager(), r.reason(),
                      /*transfer=*/false);
}

absl::StatusOr<v1::AssignCustomerResponse> CustomerService::TransferCustomer(
    const Caller& c, const v1::TransferCustomerRequest& r) {
  return MoveCustomer(c, "TransferCustomer", r, r.request_id(), r.customer(), r.to_manager(),
                      r.reason(), /*transfer=*/true);
}

absl::StatusOr<v1::AssignCustomerResponse> CustomerService::MoveCustomer(
    const Caller& c, absl::string_view method, const google::protobuf::Message& request,
    const std::string& request_id, const std::string& customer_name,
    const std::string& manager_name, const std::string& reason, bool transfer) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto customer_id = api::ParseName(customer_name, "customers", "customer");
  auto manager_id = api::ParseName(manager_name, "members", transfer ? "to_manager" : "manager");
  internal::AddParseError(customer_id.status(), "customer", errors);
  internal::AddParseError(manager_id.status(), transfer ? "to_manager" : "manager", errors);
  if (transfer && reason.empty()) errors.Add("reason", "is required for a transfer");
  api::CheckText(errors, "reason", reason, 1000, /*required=*/false);
  RMHUB_RETURN_IF_ERROR(errors.Status());

  // Who may move it, and what kind of manager it needs, from a first read.
  v1::Customer before;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) {
    return StoreInto(&before, [&] {
      return LoadAccessible(store, p, *customer_id, false, static_cast<int>(Access::kRead));
    });
  }));
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBook(p, IdOf(before.branch(), "branches"),
                                                    IdOf(before.team(), "teams")));
  RMHUB_ASSIGN_OR_RETURN(ManagerFacts facts,
                         team_.CheckEligibility(*manager_id, RequiredRmKind(before.type()), c));
  RMHUB_RETURN_IF_ERROR(CheckEligible(facts));
  if (facts.branch_id != IdOf(before.branch(), "branches")) {
    return FailedPrecondition(
        "OTHER_BRANCH_MANAGER",
        "the manager belongs to another branch; customers move within a branch");
  }

  v1::AssignCustomerResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {std::string(method), request_id, p.subject}, request, &out,
      [&](CustomerStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> current,
                               store.GetCustomer(*customer_id, true));
        if (!current.has_value()) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
        if (current->owner() != before.owner() || current->type() != before.type()) {
          return Aborted("CONCURRENT_CHANGE", "the customer changed hands meanwhile; retry");
        }
        if (current->archived())
          return FailedPrecondition("CUSTOMER_ARCHIVED", "the customer is archived");
        if (!transfer && !current->owner().empty()) {
          return FailedPrecondition("ALREADY_ASSIGNED",
                                    "the customer has a manager; transfer it instead");
        }
        if (transfer && current->owner().empty()) {
          return FailedPrecondition("NOT_ASSIGNED",
                                    "the customer has no manager; assign it instead");
        }
        if (IdOf(current->owner(), "members") == *manager_id) {
          return FailedPrecondition("SAME_MANAGER", "the customer is already held by this manager");
        }
        RMHUB_RETURN_IF_ERROR(ReserveCapacity(store, *current, facts));
        RMHUB_RETURN_IF_ERROR(store.SetOwnership(
            *customer_id, {*manager_id, facts.home_team_id, facts.branch_id}, clock_.Now()));
        v1::AssignmentRecord record;
        record.set_kind(transfer ? v1::TRANSFERRED : v1::ASSIGNED);
        record.set_from_owner(current->owner());
        record.set_to_owner(api::FormatName("members", *manager_id));
        record.set_reason(reason);
        record.set_actor(p.subject);
        RMHUB_ASSIGN_OR_RETURN(int64_t record_id,
                               store.InsertAssignment(*customer_id, record, clock_.Now()));
        record.set_name(api::FormatChildName("customers", *customer_id, "assignments", record_id));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> stored,
                               store.GetCustomer(*customer_id, false));
        *out.mutable_customer() = *stored;
        *out.mutable_record() = record;
        RMHUB_RETURN_IF_ERROR(Emit(store, p,
                                   transfer ? "customer.transferred" : "customer.assigned",
                                   stored->name(), internal::OwnershipChanged(*stored, record)));
        return absl::OkStatus();
      },
      [&](CustomerStore& store, db::Delivery delivery) -> absl::Status {
        // As the first call: the caller reads the customer and manages its book (as it now stands).
        RMHUB_RETURN_IF_ERROR(FinishCustomer(store, c, method, *out.mutable_customer(),
                                             static_cast<int>(Access::kRead), delivery));
        if (delivery == db::Delivery::kFirst) return absl::OkStatus();
        return AccessPolicy::CanManageBook(p, IdOf(out.customer().branch(), "branches"),
                                           IdOf(out.customer().team(), "teams"));
      }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Handover

namespace {

struct HandoverInput {
  int64_t from = 0;
  std::vector<int64_t> receivers;
  std::vector<int64_t> customers;  // empty = all held
};

absl::StatusOr<HandoverInput> ParseHandover(const v1::HandoverCustomersRequest& r, int max,
                                            int max_receivers) {
  FieldErrors errors;
  HandoverInput in;
  auto from = api::ParseName(r.from_manager(), "members", "from_manager");
  internal::AddParseError(from.status(), "from_manager", errors);
  if (from.ok()) in.from = *from;
  if (r.to_managers_size() == 0) errors.Add("to_managers", "name at least one receiver");
  if (r.to_managers_size() > max_receivers) {
    errors.Add("to_managers", absl::StrCat("at most ", max_receivers, " receivers per call"));
  }
  for (int i = 0; i < r.to_managers_size() && i < max_receivers; ++i) {
    std::string field = absl::StrCat("to_managers[", i, "]");
    auto id = api::ParseName(r.to_managers(i), "members", field);
    internal::AddParseError(id.status(), field, errors);
    if (id.ok() && *id == in.from) errors.Add(field, "must differ from from_manager");
    if (id.ok()) in.receivers.push_back(*id);
  }
  if (r.customers_size() > max) errors.Add("customers", absl::StrCat("at most ", max, " per call"));
  for (int i = 0; i < r.customers_size() && i < max; ++i) {
    std::string field = absl::StrCat("customers[", i, "]");
    auto id = api::ParseName(r.customers(i), "customers", field);
    internal::AddParseError(id.status(), field, errors);
    if (id.ok()) in.customers.push_back(*id);
  }
  if (r.reason().empty()) errors.Add("reason", "is required");
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return in;
}

}  // namespace

absl::StatusOr<v1::HandoverCustomersResponse> CustomerService::HandoverCustomers(
    const Caller& c, const v1::HandoverCustomersRequest& r) {
  const auth::Principal& p = c.principal;
  RMHUB_ASSIGN_OR_RETURN(HandoverInput in, ParseHandover(r, config_.max_handover_customers,
                                                         config_.max_handover_receivers));
  // One server-side deadline for the whole operation (team calls, planning, writing): the
  // client's, or the configured one when that is sooner.
  const absl::Time deadline = std::min(c.deadline, absl::Now() + config_.handover_deadline);
  const Caller scoped{c.principal, deadline, c.request_id};
  auto check_deadline = [&]() -> absl::Status {
    if (absl::Now() < deadline) return absl::OkStatus();
    return DeadlineExceeded("HANDOVER_DEADLINE",
                            "the handover ran out of time; nothing was handed over");
  };
  // Authorize first, on the handing-over manager's branch and team, before reading, locking or
  // asking about anyone else: a caller without the right learns nothing about who holds what
  // (the same answer whether or not the listed customers are held, or the member exists).
  const absl::Status denied = AccessPolicy::BookManagerRequired();
  if (!AccessPolicy::MayManageSomeBook(p)) return denied;
  auto giver = team_.CheckEligibility(in.from, team::v1::PERSONAL, scoped);
  if (!giver.ok()) {
    if (giver.status().code() == absl::StatusCode::kFailedPrecondition) return denied;
    return giver.status();
  }
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBook(p, giver->branch_id, giver->home_team_id));
  // The receivers' facts for both kinds.
  std::vector<HandoverCandidate> personal, corporate;
  for (int64_t id : in.receivers) {
    RMHUB_ASSIGN_OR_RETURN(ManagerFacts fp, team_.CheckEligibility(id, team::v1::PERSONAL, scoped));
    RMHUB_ASSIGN_OR_RETURN(ManagerFacts fc,
                           team_.CheckEligibility(id, team::v1::CORPORATE, scoped));
    personal.push_back({fp, 0, 0});
    corporate.push_back({fc, 0, 0});
  }
  RMHUB_RETURN_IF_ERROR(check_deadline());
  v1::HandoverCustomersResponse out;
  absl::Status written = repository_.Write(
      {"HandoverCustomers", r.request_id(), p.subject}, r, &out,
      [&](CustomerStore& store) -> absl::Status {
        out.Clear();
        RMHUB_RETURN_IF_ERROR(check_deadline());
        // Lock the giver and every receiver in id order (no deadlock between two handovers).
        std::vector<int64_t> locks = in.receivers;
        locks.push_back(in.from);
        std::sort(locks.begin(), locks.end());
        locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
        for (int64_t id : locks) RMHUB_RETURN_IF_ERROR(store.LockManager(id, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Customer> held, store.ListHeld(in.from));
        std::vector<v1::Customer> moving;
        std::vector<int64_t> ids;
        for (const auto& h : held) {
          int64_t id = IdOf(h.name(), "customers");
          if (in.customers.empty() ||
              std::find(in.customers.begin(), in.customers.end(), id) != in.customers.end()) {
            moving.push_back(h);
            ids.push_back(id);
          }
        }
        if (moving.size() != (in.customers.empty() ? held.size() : in.customers.size())) {
          return FailedPrecondition("NOT_HELD",
                                    "some listed customers are not held by from_manager");
        }
        for (const auto& m : moving) {
          RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBook(p, IdOf(m.branch(), "branches"),
                                                            IdOf(m.team(), "teams")));
        }
        // Customers move within their branch: a receiver elsewhere is named as the field at fault.
        for (size_t k = 0; k < in.receivers.size() && !moving.empty(); ++k) {
          if (personal[k].facts.branch_id != IdOf(moving.front().branch(), "branches")) {
            return WithErrorMetadata(
                FailedPrecondition("OTHER_BRANCH_MANAGER",
                                   absl::StrCat("to_managers[", k, "] belongs to another branch")),
                "to_manager", r.to_managers(static_cast<int>(k)));
          }
        }
        for (size_t k = 0; k < in.receivers.size(); ++k) {
          RMHUB_ASSIGN_OR_RETURN(Holdings h, store.CountHoldings(in.receivers[k]));
          personal[k].held_customers = corporate[k].held_customers = h.customers;
          personal[k].held_key_accounts = corporate[k].held_key_accounts = h.key_accounts;
        }
        std::vector<Placement> plan = PlanHandover(moving, ids, personal, corporate);
        bool complete = true;
        for (const Placement& pl : plan) {
          auto* res = out.add_results();
          res->set_customer(api::FormatName("customers", pl.customer_id));
          if (pl.target >= 0)
            res->set_to_manager(api::FormatName("members", in.receivers[pl.target]));
          res->set_error(pl.error);
          complete = complete && pl.target >= 0;
        }
        if (!complete || r.validate_only()) return internal::RollbackRequested();
        RMHUB_RETURN_IF_ERROR(check_deadline());
        for (size_t i = 0; i < plan.size(); ++i) {
          const auto& facts =
              (RequiredRmKind(moving[i].type()) == team::v1::PERSONAL ? personal
                                                                      : corporate)[plan[i].target]
                  .facts;
          RMHUB_RETURN_IF_ERROR(store.SetOwnership(
              ids[i], {facts.member_id, facts.home_team_id, facts.branch_id}, clock_.Now()));
          v1::AssignmentRecord record;
          record.set_kind(v1::HANDED_OVER);
          record.set_from_owner(r.from_manager());
          record.set_to_owner(api::FormatName("members", facts.member_id));
          record.set_reason(r.reason());
          record.set_actor(p.subject);
          RMHUB_ASSIGN_OR_RETURN(int64_t record_id,
                                 store.InsertAssignment(ids[i], record, clock_.Now()));
          record.set_name(api::FormatChildName("customers", ids[i], "assignments", record_id));
          v1::Customer after = moving[i];
          after.set_owner(record.to_owner());
          after.set_team(facts.home_team_id == 0 ? ""
                                                 : api::FormatName("teams", facts.home_team_id));
          after.set_branch(api::FormatName("branches", facts.branch_id));
          RMHUB_RETURN_IF_ERROR(Emit(store, p, "customer.handed_over", after.name(),
                                     internal::OwnershipChanged(after, record)));
        }
        out.set_applied(true);
        // The last moment to give up: past it the transaction rolls back, nothing half-done.
        return check_deadline();
      },
      [&](CustomerStore& store, db::Delivery delivery) -> absl::Status {
        // The response names customers only (no PII). On a replay the caller must still be able to
        // read every customer handed over: their teams changed with the handover, so the first
        // call's check on the giver's book has no current object to run against.
        if (delivery == db::Delivery::kFirst) return absl::OkStatus();
        std::vector<int64_t> moved;
        for (const auto& res : out.results()) moved.push_back(IdOf(res.customer(), "customers"));
        RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Customer> now, store.GetCustomers(moved));
        if (now.size() != moved.size()) {
          return idempotency::ReplayNotAuthorized("a handed-over customer is gone");
        }
        for (const auto& m : now) {
          RMHUB_RETURN_IF_ERROR(AccessPolicy::Check(p, m, Access::kRead));
        }
        return absl::OkStatus();
      });
  if (!written.ok() && !internal::IsRollbackRequested(written)) return written;
  return out;
}

absl::StatusOr<v1::ListAssignmentHistoryResponse> CustomerService::ListAssignmentHistory(
    const Caller& c, const v1::ListAssignmentHistoryRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.parent(), "customers", "parent"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.parent()));
  v1::ListAssignmentHistoryResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(
        LoadAccessible(store, c.principal, id, false, static_cast<int>(Access::kRead)).status());
    RMHUB_ASSIGN_OR_RETURN(Page<v1::AssignmentRecord> records, store.ListAssignments(id, page));
    for (auto& rec : records.items) *out.add_records() = std::move(rec);
    out.set_next_page_token(api::NextToken(records, r.parent()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Portfolio

namespace {

template <class Enum, class Name>
void AddCounts(const std::map<int, int>& counts, Name name,
               google::protobuf::RepeatedPtrField<v1::SegmentCount>* out) {
  for (const auto& [value, count] : counts) {
    auto* s = out->Add();
    s->set_segment(name(static_cast<Enum>(value)));
    s->set_count(count);
  }
}

}  // namespace

absl::StatusOr<int> CustomerService::CountManagersOverCap(const Caller& c) {
  std::vector<HolderCount> holders;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) {
    return StoreInto(&holders, [&] { return store.ListHolderCounts(); });
  }));
  int over = 0;
  for (const HolderCount& holder : holders) {
    absl::StatusOr<ManagerFacts> facts =
        team_.CheckEligibility(holder.member_id, team::v1::PERSONAL, c);
    if (!facts.ok() && facts.status().code() == absl::StatusCode::kFailedPrecondition) continue;
    RMHUB_RETURN_IF_ERROR(facts.status());
    int used = holder.holdings.customers;
    if (!facts->eligible) {
      RMHUB_ASSIGN_OR_RETURN(ManagerFacts corporate,
                             team_.CheckEligibility(holder.member_id, team::v1::CORPORATE, c));
      if (corporate.eligible) {
        facts = corporate;
        used = holder.holdings.key_accounts;
      }
    }
    if (used > facts->cap) ++over;
  }
  return over;
}

absl::StatusOr<v1::PortfolioSummary> CustomerService::GetPortfolioSummary(
    const Caller& c, const v1::GetPortfolioSummaryRequest& r) {
  const auth::Principal& p = c.principal;
  RMHUB_ASSIGN_OR_RETURN(int64_t manager, api::ParseName(r.manager(), "members", "manager"));
  // A manager reads their own book; their team lead and branch manager read it too; so does a
  // service principal the method ACL lets call it (analytics).
  RMHUB_ASSIGN_OR_RETURN(ManagerFacts personal,
                         team_.CheckEligibility(manager, team::v1::PERSONAL, c));
  if (!AccessPolicy::IsAllowedService(p) && manager != p.member_id) {
    RMHUB_RETURN_IF_ERROR(
        AccessPolicy::CanManageBook(p, personal.branch_id, personal.home_team_id));
  }
  std::vector<v1::Customer> book;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) {
    return StoreInto(&book, [&] { return store.ListHeld(manager); });
  }));
  bool corporate_rm = false;
  if (!personal.eligible) {
    RMHUB_ASSIGN_OR_RETURN(ManagerFacts corporate,
                           team_.CheckEligibility(manager, team::v1::CORPORATE, c));
    corporate_rm = corporate.eligible;
    if (corporate_rm) personal = corporate;
  }
  v1::PortfolioSummary out;
  out.set_manager(r.manager());
  std::map<int, int> by_type, by_asset, by_value, by_status;
  int64_t aum = 0;
  for (v1::Customer& customer : book) {
    DeriveSegments(customer, config_.thresholds);
    ++by_type[customer.type()];
    ++by_asset[customer.asset_tier()];
    ++by_value[customer.value_tier()];
    ++by_status[customer.status()];
    if (customer.key_account()) out.set_key_account_count(out.key_account_count() + 1);
    aum += customer.aum().minor_units();
  }
  out.set_customer_count(static_cast<int32_t>(book.size()));
  out.set_cap(personal.cap);
  out.set_cap_used(corporate_rm ? out.key_account_count() : out.customer_count());
  AddCounts<v1::CustomerType>(
      by_type, [](v1::CustomerType v) { return v1::CustomerType_Name(v); }, out.mutable_by_type());
  AddCounts<v1::AssetTier>(
      by_asset, [](v1::AssetTier v) { return v1::AssetTier_Name(v); }, out.mutable_by_asset_tier());
  AddCounts<v1::ValueTier>(
      by_value, [](v1::ValueTier v) { return v1::ValueTier_Name(v); }, out.mutable_by_value_tier());
  AddCounts<v1::CustomerStatus>(
      by_status, [](v1::CustomerStatus v) { return v1::CustomerStatus_Name(v); },
      out.mutable_by_status());
  out.mutable_total_aum()->set_currency_code("CNY");
  out.mutable_total_aum()->set_minor_units(aum);
  return out;
}

}  // namespace rmhub::customer
