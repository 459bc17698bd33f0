// Customers: create, read, list, update, archive. Assignment, transfer and handover are in
// customer_service_book.cc; interactions, care reminders, import and the audit trail in
// customer_service_care.cc.
#include "services/customer/customer_service.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/roles.h"
#include "common/idempotency/idempotency.h"
#include "common/outbox/outbox.h"
#include "google/protobuf/util/time_util.h"
#include "services/customer/customer_service_internal.h"
#include "services/customer/domain/access_policy.h"
#include "services/customer/domain/assignment_policy.h"
#include "services/customer/domain/customer_rules.h"
#include "services/customer/domain/list_filters.h"

namespace rmhub::customer {

using internal::IdOf;

// ---------------------------------------------------------------------------------------------
// Shared helpers

namespace internal {

absl::Status RollbackRequested() {
  return MakeError(absl::StatusCode::kCancelled, kRollbackReason, "rolled back on purpose");
}

bool IsRollbackRequested(const absl::Status& s) {
  return s.code() == absl::StatusCode::kCancelled && ErrorReason(s) == kRollbackReason;
}

void AddParseError(const absl::Status& status, const std::string& field, FieldErrors& errors) {
  if (status.ok()) return;
  auto v = FieldViolations(status);
  errors.Add(field, v.empty() ? std::string(status.message()) : v[0].description);
}

std::vector<v1::PiiField> PiiFieldsOf(const v1::Customer& c) {
  std::vector<v1::PiiField> out;
  if (!c.national_id().empty()) out.push_back(v1::NATIONAL_ID);
  if (!c.credit_code().empty()) out.push_back(v1::CREDIT_CODE);
  if (!c.contact_phone().empty()) out.push_back(v1::CONTACT_PHONE);
  return out;
}

std::vector<v1::PiiField> ChangedPiiFields(const v1::Customer& a, const v1::Customer& b) {
  std::vector<v1::PiiField> out;
  if (a.national_id() != b.national_id()) out.push_back(v1::NATIONAL_ID);
  if (a.credit_code() != b.credit_code()) out.push_back(v1::CREDIT_CODE);
  if (a.contact_phone() != b.contact_phone()) out.push_back(v1::CONTACT_PHONE);
  return out;
}

v1::Customer ForEvent(v1::Customer c) {
  MaskPii(c);
  return c;
}

}  // namespace internal

CustomerService::CustomerService(CustomerRepository& repository, TeamDirectory& team,
                                 const Clock& clock, absl::TimeZone zone, CustomerConfig config)
    : repository_(repository), team_(team), clock_(clock), zone_(zone), config_(config) {}

absl::CivilDay CustomerService::Today() const { return rmhub::Today(clock_, zone_); }

absl::Status CustomerService::Emit(CustomerStore& store, const auth::Principal& p,
                                   absl::string_view type, const std::string& aggregate,
                                   const google::protobuf::Message& payload) const {
  return store.AppendEvent(
      outbox::MakeEvent(internal::kSource, type, aggregate, p.subject, payload, clock_.Now()));
}

absl::StatusOr<v1::Customer> CustomerService::LoadAccessible(CustomerStore& store,
                                                             const auth::Principal& p, int64_t id,
                                                             bool lock, int access) const {
  RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> c, store.GetCustomer(id, lock));
  if (!c.has_value()) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
  RMHUB_RETURN_IF_ERROR(AccessPolicy::Check(p, *c, static_cast<Access>(access)));
  return *std::move(c);
}

std::optional<v1::PiiAuditEntry> CustomerService::AuditEntry(const Caller& c,
                                                             absl::string_view method,
                                                             const v1::Customer& customer,
                                                             v1::PiiAccess access,
                                                             const v1::Customer* before) const {
  std::vector<v1::PiiField> fields = before == nullptr
                                         ? internal::PiiFieldsOf(customer)
                                         : internal::ChangedPiiFields(*before, customer);
  if (fields.empty()) return std::nullopt;
  v1::PiiAuditEntry entry;
  entry.set_actor(c.principal.subject);
  entry.set_customer(customer.name());
  for (v1::PiiField f : fields) entry.add_fields(f);
  entry.set_access(access);
  entry.set_method(std::string(method));
  entry.set_request_id(c.request_id);
  *entry.mutable_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now()));
  return entry;
}

absl::Status CustomerService::AuditPii(CustomerStore& store, const Caller& c,
                                       absl::string_view method, const v1::Customer& customer,
                                       v1::PiiAccess access, const v1::Customer* before) const {
  std::optional<v1::PiiAuditEntry> entry = AuditEntry(c, method, customer, access, before);
  if (!entry.has_value()) return absl::OkStatus();
  return store.AppendPiiAudit(*entry);
}

absl::Status CustomerService::Present(
    CustomerStore& store, const Caller& c, absl::string_view method,
    google::protobuf::RepeatedPtrField<v1::Customer>& customers) const {
  const bool clear = AccessPolicy::MaySeePii(c.principal);
  std::vector<v1::PiiAuditEntry> entries;
  for (v1::Customer& customer : customers) {
    DeriveSegments(customer, config_.thresholds);
    if (!clear) {
      MaskPii(customer);
      continue;
    }
    auto entry = AuditEntry(c, method, customer, v1::READ_CLEAR, nullptr);
    if (entry.has_value()) entries.push_back(*std::move(entry));
  }
  // Every clear response is audited, a page or a batch in one write.
  return store.AppendPiiAudits(entries);
}

absl::Status CustomerService::Present(CustomerStore& store, const Caller& c,
                                      absl::string_view method, v1::Customer& customer) const {
  google::protobuf::RepeatedPtrField<v1::Customer> one;
  one.Add()->Swap(&customer);
  absl::Status s = Present(store, c, method, one);
  customer.Swap(one.Mutable(0));
  return s;
}

absl::Status CustomerService::FinishCustomer(CustomerStore& store, const Caller& c,
                                             absl::string_view method, v1::Customer& customer,
                                             int access, db::Delivery delivery) const {
  if (delivery == db::Delivery::kReplay) {
    auto id = api::ParseName(customer.name(), "customers", "name");
    if (!id.ok()) return idempotency::ReplayNotAuthorized("the stored response names no customer");
    RMHUB_RETURN_IF_ERROR(LoadAccessible(store, c.principal, *id, false, access).status());
  }
  // First call and replay alike: a response with clear PII is a clear read, audited as such
  // (a write's WRITE entry records the change, not what was shown).
  return Present(store, c, method, customer);
}

// ---------------------------------------------------------------------------------------------
// Create

absl::StatusOr<v1::Customer> CustomerService::CreateCustomer(const Caller& c,
                                                             const v1::CreateCustomerRequest& r) {
  const auth::Principal& p = c.principal;
  v1::Customer customer = r.customer();
  FieldErrors errors;
  NormalizeAndValidate(customer, "customer.", Today(), errors);
  int64_t owner = 0;
  if (!r.owner().empty()) {
    auto id = api::ParseName(r.owner(), "members", "owner");
    internal::AddParseError(id.status(), "owner", errors);
    if (id.ok()) owner = *id;
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  // A relationship manager's new customer is their own: otherwise it would vanish from their view.
  if (owner == 0 && !p.is_service() && p.HasRole(auth::kRoleRelationshipManager) &&
      !p.HasRole(auth::kRoleBranchManager) && !p.HasRole(auth::kRoleTeamLead)) {
    owner = p.member_id;
  }
  const std::string owner_name = owner == 0 ? "" : api::FormatName("members", owner);

  ManagerFacts facts;
  Ownership ownership;
  if (owner != 0) {
    RMHUB_ASSIGN_OR_RETURN(facts,
                           team_.CheckEligibility(owner, RequiredRmKind(customer.type()), c));
    if (owner != p.member_id || p.is_service()) {
      RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBook(p, facts.branch_id, facts.home_team_id));
    } else {
      RMHUB_RETURN_IF_ERROR(AccessPolicy::CanCreateIn(p, facts.branch_id));
    }
    RMHUB_RETURN_IF_ERROR(CheckEligible(facts));
    ownership = {owner, facts.home_team_id, facts.branch_id};
  } else {
    RMHUB_RETURN_IF_ERROR(AccessPolicy::CanCreateIn(p, p.branch_id));
    ownership.branch_id = p.branch_id;
  }

  v1::Customer out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"CreateCustomer", r.request_id(), p.subject}, r, &out,
      [&](CustomerStore& store) -> absl::Status {
        if (owner != 0) RMHUB_RETURN_IF_ERROR(ReserveCapacity(store, customer, facts));
        RMHUB_ASSIGN_OR_RETURN(int64_t id, store.InsertCustomer(customer, ownership, clock_.Now()));
        std::string name = api::FormatName("customers", id);
        if (owner != 0) {
          v1::AssignmentRecord record;
          record.set_kind(v1::ASSIGNED);
          record.set_to_owner(owner_name);
          record.set_reason("assigned on creation");
          record.set_actor(p.subject);
          RMHUB_RETURN_IF_ERROR(store.InsertAssignment(id, record, clock_.Now()).status());
        }
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> stored, store.GetCustomer(id, false));
        out = *stored;
        RMHUB_RETURN_IF_ERROR(AuditPii(store, c, "CreateCustomer", out, v1::WRITE, nullptr));
        DeriveSegments(out, config_.thresholds);
        return Emit(store, p, "customer.created", name, internal::ForEvent(out));
      },
      [&](CustomerStore& store, db::Delivery delivery) {
        return FinishCustomer(store, c, "CreateCustomer", out, static_cast<int>(Access::kRead),
                              delivery);
      }));
  return out;
}

absl::Status CustomerService::ReserveCapacity(CustomerStore& store, const v1::Customer& customer,
                                              const ManagerFacts& manager) const {
  RMHUB_RETURN_IF_ERROR(CheckEligible(manager));
  RMHUB_RETURN_IF_ERROR(store.LockManager(manager.member_id, clock_.Now()));
  RMHUB_ASSIGN_OR_RETURN(Holdings held, store.CountHoldings(manager.member_id));
  return CheckCapacity(customer, manager, held.customers, held.key_accounts);
}

// ---------------------------------------------------------------------------------------------
// Read

absl::StatusOr<v1::Customer> CustomerService::GetCustomer(const Caller& c,
                                                          const v1::GetCustomerRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "customers", "name"));
  v1::Customer out;
  auto body = [&](CustomerStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(
        out, LoadAccessible(store, c.principal, id, false, static_cast<int>(Access::kRead)));
    return Present(store, c, "GetCustomer", out);
  };
  // A clear read writes its audit record, so it runs as a (non-idempotent) write.
  if (AccessPolicy::MaySeePii(c.principal)) {
    RMHUB_RETURN_IF_ERROR(
        repository_.Write({"GetCustomer", "", c.principal.subject}, r, &out, body, nullptr));
  } else {
    RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(body));  // one SELECT
  }
  return out;
}

absl::StatusOr<v1::BatchGetCustomersResponse> CustomerService::BatchGetCustomers(
    const Caller& c, const v1::BatchGetCustomersRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         api::ParseNames(r.names(), "customers", "names", /*max_count=*/100));

  v1::BatchGetCustomersResponse out;
  auto body = [&](CustomerStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Customer> found, store.GetCustomers(ids));
    std::map<int64_t, v1::Customer*> by_id;
    for (v1::Customer& customer : found) {
      by_id[IdOf(customer.name(), "customers")] = &customer;
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = by_id.find(ids[i]);
      // Missing and not readable are the same answer, as for GetCustomer.
      if (it == by_id.end() || !AccessPolicy::Check(c.principal, *it->second, Access::kRead).ok()) {
        return NotFound("CUSTOMER_NOT_FOUND", absl::StrCat("names[", i, "]: no such customer"));
      }
      *out.add_customers() = *it->second;
    }
    return Present(store, c, "BatchGetCustomers", *out.mutable_customers());
  };
  // As GetCustomer: a clear read writes its audit records, so it runs as a write.
  if (AccessPolicy::MaySeePii(c.principal)) {
    RMHUB_RETURN_IF_ERROR(
        repository_.Write({"BatchGetCustomers", "", c.principal.subject}, r, &out, body, nullptr));
  } else {
    RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(body));  // one SELECT
  }
  return out;
}

absl::StatusOr<v1::ListCustomersResponse> CustomerService::ListCustomers(
    const Caller& c, const v1::ListCustomersRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(api::ListQuery query,
                         api::MakeListQuery(r.filter(), CustomerFilterSchema(), r.page_size(),
                                            r.page_token(), api::ListScope()));
  RMHUB_ASSIGN_OR_RETURN(query.scope, AccessPolicy::ListScope(c.principal));

  v1::ListCustomersResponse out;
  auto body = [&](CustomerStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Customer> page, store.ListCustomers(query, config_.thresholds));
    for (auto& customer : page.items) *out.add_customers() = std::move(customer);
    out.set_next_page_token(api::NextToken(page, r.filter()));
    return Present(store, c, "ListCustomers", *out.mutable_customers());
  };
  if (AccessPolicy::MaySeePii(c.principal)) {
    RMHUB_RETURN_IF_ERROR(
        repository_.Write({"ListCustomers", "", c.principal.subject}, r, &out, body, nullptr));
  } else {
    RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(body));  // one SELECT per page
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Update and archive

namespace {

const std::set<std::string>& UpdatablePaths() {
  static const auto* paths = new std::set<std::string>{
      "display_name",  "industry",    "credit_code", "national_id",
      "contact_phone", "birthday",    "aum",         "annual_contribution",
      "status",        "key_account", "needs",       "risk_tolerance"};
  return *paths;
}

// A caller without pii.read sends back what it read: a masked value means "unchanged".
void KeepIfMasked(const std::string& sent, const std::string& stored, const std::string& masked,
                  std::string* out) {
  *out = (!stored.empty() && sent == masked) ? stored : sent;
}

void ApplyCustomerMask(const v1::Customer& from, const std::set<std::string>& paths,
                       v1::Customer& to) {
  if (paths.count("display_name")) to.set_display_name(from.display_name());
  if (paths.count("industry")) to.set_industry(from.industry());
  v1::Customer masked = to;
  MaskPii(masked);
  if (paths.count("credit_code"))
    KeepIfMasked(from.credit_code(), to.credit_code(), masked.credit_code(),
                 to.mutable_credit_code());
  if (paths.count("national_id"))
    KeepIfMasked(from.national_id(), to.national_id(), masked.national_id(),
                 to.mutable_national_id());
  if (paths.count("contact_phone"))
    KeepIfMasked(from.contact_phone(), to.contact_phone(), masked.contact_phone(),
                 to.mutable_contact_phone());
  if (paths.count("birthday")) *to.mutable_birthday() = from.birthday();
  if (paths.count("aum")) *to.mutable_aum() = from.aum();
  if (paths.count("annual_contribution"))
    *to.mutable_annual_contribution() = from.annual_contribution();
  if (paths.count("status")) to.set_status(from.status());
  if (paths.count("key_account")) to.set_key_account(from.key_account());
  if (paths.count("needs")) *to.mutable_needs() = from.needs();
  if (paths.count("risk_tolerance")) to.set_risk_tolerance(from.risk_tolerance());
}

}  // namespace

absl::StatusOr<v1::Customer> CustomerService::UpdateCustomer(const Caller& c,
                                                             const v1::UpdateCustomerRequest& r) {
  const auth::Principal& p = c.principal;
  RMHUB_ASSIGN_OR_RETURN(int64_t id,
                         api::ParseName(r.customer().name(), "customers", "customer.name"));
  RMHUB_ASSIGN_OR_RETURN(std::set<std::string> paths,
                         api::ResolveUpdateMask(r.update_mask(), UpdatablePaths()));
  // Making a corporate customer a key account counts against its owner's cap: ask the team
  // service first (outside the transaction), then decide under the owner's lock.
  std::optional<ManagerFacts> owner_facts;
  if (paths.count("key_account") && r.customer().key_account()) {
    v1::Customer current;
    RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) {
      return StoreInto(&current, [&] {
        return LoadAccessible(store, p, id, false, static_cast<int>(Access::kWrite));
      });
    }));
    if (!current.owner().empty() && !current.key_account()) {
      RMHUB_ASSIGN_OR_RETURN(owner_facts,
                             team_.CheckEligibility(IdOf(current.owner(), "members"),
                                                    RequiredRmKind(current.type()), c));
    }
  }
  v1::Customer out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"UpdateCustomer", r.request_id(), p.subject}, r, &out,
      [&](CustomerStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(
            v1::Customer current,
            LoadAccessible(store, p, id, true, static_cast<int>(Access::kWrite)));
        if (current.archived())
          return FailedPrecondition("CUSTOMER_ARCHIVED", "the customer is archived");
        RMHUB_ASSIGN_OR_RETURN(
            int64_t version, api::CheckEtag(r.customer().etag(), current.etag(), "customer.etag"));
        v1::Customer merged = current;
        ApplyCustomerMask(r.customer(), paths, merged);
        FieldErrors errors;
        NormalizeAndValidate(merged, "customer.", Today(), errors);
        RMHUB_RETURN_IF_ERROR(errors.Status());
        if (merged.key_account() && !current.key_account() && !current.owner().empty()) {
          if (!owner_facts.has_value() ||
              owner_facts->member_id != IdOf(current.owner(), "members")) {
            return Aborted("CONCURRENT_CHANGE", "the customer changed hands meanwhile; retry");
          }
          RMHUB_RETURN_IF_ERROR(store.LockManager(owner_facts->member_id, clock_.Now()));
          RMHUB_ASSIGN_OR_RETURN(Holdings held, store.CountHoldings(owner_facts->member_id));
          RMHUB_RETURN_IF_ERROR(
              CheckCapacity(merged, *owner_facts, held.customers, held.key_accounts));
        }
        RMHUB_RETURN_IF_ERROR(store.UpdateCustomer(id, merged, version, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> stored, store.GetCustomer(id, false));
        out = *stored;
        RMHUB_RETURN_IF_ERROR(AuditPii(store, c, "UpdateCustomer", out, v1::WRITE, &current));
        DeriveSegments(out, config_.thresholds);
        RMHUB_RETURN_IF_ERROR(
            Emit(store, p, "customer.updated", out.name(), internal::ForEvent(out)));
        if (out.status() != current.status()) {
          RMHUB_RETURN_IF_ERROR(
              Emit(store, p, "customer.status_changed", out.name(), internal::ForEvent(out)));
        }
        return absl::OkStatus();
      },
      [&](CustomerStore& store, db::Delivery delivery) {
        return FinishCustomer(store, c, "UpdateCustomer", out, static_cast<int>(Access::kWrite),
                              delivery);
      }));
  return out;
}

absl::StatusOr<v1::Customer> CustomerService::ArchiveCustomer(const Caller& c,
                                                              const v1::ArchiveCustomerRequest& r) {
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "customers", "name");
  internal::AddParseError(id.status(), "name", errors);
  if (r.reason().empty()) errors.Add("reason", "is required");
  api::CheckText(errors, "reason", r.reason(), 1000, /*required=*/false);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  v1::Customer out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"ArchiveCustomer", r.request_id(), c.principal.subject}, r, &out,
      [&](CustomerStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(
            v1::Customer current,
            LoadAccessible(store, c.principal, *id, true, static_cast<int>(Access::kWrite)));
        RMHUB_ASSIGN_OR_RETURN(int64_t version, api::CheckEtag(r.etag(), current.etag(), "etag"));
        if (current.archived())
          return FailedPrecondition("ALREADY_ARCHIVED", "the customer is already archived");
        current.set_archived(true);
        RMHUB_RETURN_IF_ERROR(store.UpdateCustomer(*id, current, version, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> stored, store.GetCustomer(*id, false));
        out = *stored;
        DeriveSegments(out, config_.thresholds);
        return Emit(store, c.principal, "customer.archived", out.name(), internal::ForEvent(out));
      },
      [&](CustomerStore& store, db::Delivery delivery) {
        return FinishCustomer(store, c, "ArchiveCustomer", out, static_cast<int>(Access::kWrite),
                              delivery);
      }));
  return out;
}

}  // namespace rmhub::customer
