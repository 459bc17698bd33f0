// Interactions (拜访/接触记录), care reminders (客户关怀), bulk import and the PII audit trail.
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/customer/customer_service.h"
#include "services/customer/customer_service_internal.h"
#include "services/customer/domain/access_policy.h"
#include "services/customer/domain/assignment_policy.h"
#include "services/customer/domain/care_reminders.h"
#include "services/customer/domain/customer_rules.h"
#include "services/customer/domain/list_filters.h"

namespace rmhub::customer {

using google::protobuf::util::TimeUtil;
using internal::IdOf;

// ---------------------------------------------------------------------------------------------
// Interactions

namespace {

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 && t.nanos() < 1000000000;
}

absl::Status ValidateInteraction(v1::Interaction& i, absl::Time now, const absl::TimeZone& zone) {
  FieldErrors errors;
  if (i.channel() == v1::INTERACTION_CHANNEL_UNSPECIFIED ||
      !v1::InteractionChannel_IsValid(i.channel())) {
    errors.Add("interaction.channel", "must be VISIT, PHONE, SMS, EMAIL, BRANCH or ONLINE");
  }
  if (!i.has_interaction_time()) {
    *i.mutable_interaction_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  } else if (!ValidTimestamp(i.interaction_time()) ||
             absl::FromUnixSeconds(i.interaction_time().seconds()) > now + absl::Minutes(5)) {
    errors.Add("interaction.interaction_time", "must be a valid time, not in the future");
  }
  api::CheckText(errors, "interaction.summary", i.summary(), 2000, /*required=*/false);
  const auto& f = i.next_follow_up_date();
  if (api::IsSetDate(f)) {
    auto day = api::ParseDate(f, "interaction.next_follow_up_date");
    if (!day.ok()) {
      internal::AddParseError(day.status(), "interaction.next_follow_up_date", errors);
    } else if (ValidTimestamp(i.interaction_time()) &&
               *day <
                   absl::ToCivilDay(absl::FromUnixSeconds(i.interaction_time().seconds()), zone)) {
      errors.Add("interaction.next_follow_up_date", "must not be before the interaction");
    }
  }
  return errors.Status();
}

}  // namespace

absl::StatusOr<v1::Interaction> CustomerService::LogInteraction(
    const Caller& c, const v1::LogInteractionRequest& r) {
  const auth::Principal& p = c.principal;
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.parent(), "customers", "parent"));
  v1::Interaction interaction = r.interaction();
  RMHUB_RETURN_IF_ERROR(ValidateInteraction(interaction, clock_.Now(), zone_));
  if (p.is_service() || p.member_id == 0) {
    return PermissionDenied("STAFF_ONLY", "interactions are logged by the staff who had them");
  }
  v1::Interaction out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"LogInteraction", r.request_id(), p.subject}, r, &out,
      [&](CustomerStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(
            v1::Customer customer,
            LoadAccessible(store, p, id, true, static_cast<int>(Access::kWrite)));
        if (customer.archived())
          return FailedPrecondition("CUSTOMER_ARCHIVED", "the customer is archived");
        RMHUB_ASSIGN_OR_RETURN(int64_t iid,
                               store.InsertInteraction(id, interaction, p.member_id, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Interaction> stored,
                               store.GetInteraction(id, iid));
        out = *stored;
        return Emit(store, p, "customer.interaction_logged", customer.name(), out);
      },
      [&](CustomerStore& store, db::Delivery delivery) -> absl::Status {
        // An interaction carries no PII; a replay needs write access to the customer as it is now.
        if (delivery == db::Delivery::kFirst) return absl::OkStatus();
        return LoadAccessible(store, p, id, false, static_cast<int>(Access::kWrite)).status();
      }));
  return out;
}

absl::StatusOr<v1::ListInteractionsResponse> CustomerService::ListInteractions(
    const Caller& c, const v1::ListInteractionsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.parent(), "customers", "parent"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.parent()));
  v1::ListInteractionsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(
        LoadAccessible(store, c.principal, id, false, static_cast<int>(Access::kRead)).status());
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Interaction> items, store.ListInteractions(id, page));
    for (auto& i : items.items) *out.add_interactions() = std::move(i);
    out.set_next_page_token(api::NextToken(items, r.parent()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Care reminders

absl::StatusOr<v1::ListCareRemindersResponse> CustomerService::ListCareReminders(
    const Caller& c, const v1::ListCareRemindersRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto manager = api::ParseName(r.manager(), "members", "manager");
  internal::AddParseError(manager.status(), "manager", errors);
  absl::CivilDay day = Today();
  auto asked = api::ParseOptionalDate(r.date(), "date", day);
  internal::AddParseError(asked.status(), "date", errors);
  if (asked.ok()) day = *asked;
  int window = r.birthday_window_days() == 0 ? config_.default_birthday_window_days
                                             : r.birthday_window_days();
  if (r.birthday_window_days() < 0 || window > 60)
    errors.Add("birthday_window_days", "must be 0..60");
  RMHUB_RETURN_IF_ERROR(errors.Status());
  // The manager, their team lead or branch manager, or a service principal the method ACL lets
  // call it.
  if (!AccessPolicy::IsAllowedService(p) && *manager != p.member_id) {
    RMHUB_ASSIGN_OR_RETURN(ManagerFacts facts,
                           team_.CheckEligibility(*manager, team::v1::PERSONAL, c));
    RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBook(p, facts.branch_id, facts.home_team_id));
  }
  v1::ListCareRemindersResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Customer> book, store.ListHeld(*manager));
    RMHUB_ASSIGN_OR_RETURN(std::vector<DueFollowUp> due, store.ListDueFollowUps(*manager, day));
    for (auto& reminder : ComputeCareReminders(book, due, day, window, zone_)) {
      *out.add_reminders() = std::move(reminder);
    }
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Import

namespace {

struct PreparedRow {
  v1::Customer customer;
  std::string key;
  bool valid = false;
};

std::vector<PreparedRow> PrepareRows(const v1::ImportCustomersRequest& r, absl::CivilDay today,
                                     v1::ImportCustomersResponse& out) {
  std::vector<PreparedRow> rows(r.rows_size());
  std::set<std::string> keys;
  for (int i = 0; i < r.rows_size(); ++i) {
    auto* result = out.add_results();
    result->set_row(i);
    rows[i].customer = r.rows(i).customer();
    ClearOutputOnly(rows[i].customer);  // archived, owner, ... are ignored
    FieldErrors errors;
    NormalizeAndValidate(rows[i].customer, absl::StrCat("rows[", i, "].customer."), today, errors);
    rows[i].key = NaturalKey(rows[i].customer);
    if (errors.empty() && !keys.insert(rows[i].key).second) {
      errors.Add(
          absl::StrCat("rows[", i, "].customer.",
                       rows[i].customer.type() == v1::CORPORATE ? "credit_code" : "national_id"),
          "appears twice in this import");
    }
    if (!errors.empty()) {
      result->set_outcome(v1::FAILED);
      for (const auto& v : errors.violations())
        result->add_field_errors(v.field + ": " + v.description);
      result->set_error("invalid row");
    }
    rows[i].valid = errors.empty();
  }
  return rows;
}

void Count(v1::ImportCustomersResponse& out) {
  int created = 0, updated = 0, unchanged = 0, failed = 0;
  for (const auto& res : out.results()) {
    created += res.outcome() == v1::CREATED;
    updated += res.outcome() == v1::UPDATED;
    unchanged += res.outcome() == v1::UNCHANGED;
    failed += res.outcome() == v1::FAILED;
  }
  out.set_created_count(created);
  out.set_updated_count(updated);
  out.set_unchanged_count(unchanged);
  out.set_failed_count(failed);
}

}  // namespace

absl::StatusOr<v1::ImportCustomersResponse> CustomerService::ImportCustomers(
    const Caller& c, const v1::ImportCustomersRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto branch = api::ParseName(r.branch(), "branches", "branch");
  internal::AddParseError(branch.status(), "branch", errors);
  if (r.rows_size() == 0) errors.Add("rows", "is required");
  if (r.rows_size() > config_.max_import_rows) {
    errors.Add("rows", absl::StrCat("at most ", config_.max_import_rows, " rows per call"));
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBook(p, *branch, 0));

  v1::ImportCustomersResponse out;
  std::vector<v1::PiiAuditEntry> foreign;
  absl::Status written = repository_.Write(
      {"ImportCustomers", r.request_id(), p.subject}, r, &out,
      [&](CustomerStore& store) -> absl::Status {
        out.Clear();
        foreign.clear();
        out.set_dry_run(r.dry_run());
        std::vector<PreparedRow> rows = PrepareRows(r, Today(), out);
        for (size_t i = 0; i < rows.size(); ++i) {
          if (!rows[i].valid) continue;
          RMHUB_RETURN_IF_ERROR(
              ImportRow(store, c, *branch, rows[i].customer, *out.mutable_results(i), foreign));
        }
        Count(out);
        if (r.all_or_nothing() && out.failed_count() > 0) {
          for (auto& res : *out.mutable_results()) {
            if (res.outcome() != v1::FAILED) res.set_outcome(v1::NOT_APPLIED);
          }
          Count(out);
          return internal::RollbackRequested();
        }
        return r.dry_run() ? internal::RollbackRequested() : absl::OkStatus();
      },
      [&](CustomerStore&, db::Delivery) {
        // Row results name customers only (no PII). The caller's right to import into the branch
        // was checked above, on this call, as on a first call.
        return AccessPolicy::CanManageBook(p, *branch, 0);
      });
  // A dry run rolls back: the lookups that hit another scope are written on their own.
  RMHUB_RETURN_IF_ERROR(RecordForeignLookups(c, "ImportCustomers", foreign));
  if (!written.ok() && !internal::IsRollbackRequested(written)) return written;
  return out;
}

absl::Status CustomerService::ImportRow(CustomerStore& store, const Caller& c, int64_t branch,
                                        const v1::Customer& row, v1::ImportRowResult& result,
                                        std::vector<v1::PiiAuditEntry>& foreign) {
  const auth::Principal& p = c.principal;
  std::optional<v1::Customer> existing;
  if (row.type() == v1::CORPORATE) {
    RMHUB_ASSIGN_OR_RETURN(existing, store.FindByCreditCode(row.credit_code()));
  } else {
    RMHUB_ASSIGN_OR_RETURN(existing, store.FindByNationalId(row.national_id()));
  }
  if (!existing.has_value()) {
    RMHUB_ASSIGN_OR_RETURN(int64_t id,
                           store.InsertCustomer(row, Ownership{0, 0, branch}, clock_.Now()));
    RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> stored, store.GetCustomer(id, false));
    result.set_outcome(v1::CREATED);
    result.set_customer(stored->name());
    RMHUB_RETURN_IF_ERROR(AuditPii(store, c, "ImportCustomers", *stored, v1::WRITE, nullptr));
    DeriveSegments(*stored, config_.thresholds);
    return Emit(store, p, "customer.created", stored->name(), internal::ForEvent(*stored));
  }
  if (!AccessPolicy::CanAccess(p, *existing, Access::kRead)) {
    // No oracle: the caller learns that the key is taken, not where; the lookup is audited and
    // counted.
    const bool corporate = row.type() == v1::CORPORATE;
    foreign.push_back(LookupEntry(c, "ImportCustomers", existing->name(),
                                  corporate ? v1::CREDIT_CODE : v1::NATIONAL_ID));
    result.set_outcome(v1::FAILED);
    result.set_error(corporate ? "a customer with this credit code already exists"
                               : "a customer with this national ID already exists");
    return absl::OkStatus();
  }
  if (IdOf(existing->branch(), "branches") != branch || existing->archived()) {
    result.set_outcome(v1::FAILED);
    result.set_error(existing->archived() ? "the customer is archived"
                                          : "the customer belongs to another branch");
    return absl::OkStatus();
  }
  v1::Customer merged = row;
  merged.set_name(existing->name());
  result.set_customer(existing->name());
  if (SameWritableFields(*existing, merged)) {
    result.set_outcome(v1::UNCHANGED);
    return absl::OkStatus();
  }
  if (merged.key_account() && !existing->key_account() && !existing->owner().empty()) {
    result.set_outcome(v1::FAILED);
    result.set_error(
        "making an assigned customer a key account goes through UpdateCustomer (cap check)");
    return absl::OkStatus();
  }
  int64_t version = *api::ParseEtag(existing->etag());
  merged.set_archived(false);
  RMHUB_RETURN_IF_ERROR(
      store.UpdateCustomer(IdOf(existing->name(), "customers"), merged, version, clock_.Now()));
  result.set_outcome(v1::UPDATED);
  RMHUB_RETURN_IF_ERROR(AuditPii(store, c, "ImportCustomers", merged, v1::WRITE, &*existing));
  RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Customer> stored,
                         store.GetCustomer(IdOf(existing->name(), "customers"), false));
  DeriveSegments(*stored, config_.thresholds);
  RMHUB_RETURN_IF_ERROR(
      Emit(store, p, "customer.updated", stored->name(), internal::ForEvent(*stored)));
  if (stored->status() == existing->status()) return absl::OkStatus();
  return Emit(store, p, "customer.status_changed", stored->name(),
              internal::StatusChanged(*existing, *stored));
}

// ---------------------------------------------------------------------------------------------
// PII audit trail

absl::StatusOr<v1::ListPiiAuditEntriesResponse> CustomerService::ListPiiAuditEntries(
    const Caller& c, const v1::ListPiiAuditEntriesRequest& r) {
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanReadAudit(c.principal));
  RMHUB_ASSIGN_OR_RETURN(api::ListQuery query,
                         api::MakeListQuery(r.filter(), PiiAuditFilterSchema(), r.page_size(),
                                            r.page_token(), api::ListScope::All()));
  v1::ListPiiAuditEntriesResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](CustomerStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(Page<v1::PiiAuditEntry> page, store.ListPiiAudit(query));
    for (auto& e : page.items) *out.add_entries() = std::move(e);
    out.set_next_page_token(api::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace rmhub::customer
