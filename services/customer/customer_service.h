#pragma once
// The customer service's behaviour behind its gRPC surface (validate, authorize, apply the
// domain rules, store, audit PII, publish events). Plain arguments in, StatusOr out.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/auth/caller.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "services/customer/domain/segmentation.h"
#include "services/customer/repository.h"
#include "services/customer/team_client.h"

namespace rmhub::customer {

struct CustomerConfig {
  SegmentThresholds thresholds;
  int default_birthday_window_days = 7;
  int max_import_rows = 1000;
  int max_handover_customers = 2000;
  int max_handover_receivers = 50;
  // The whole of a HandoverCustomers call (team calls, planning, writing) within this.
  absl::Duration handover_deadline = absl::Seconds(20);
};

using auth::Caller;

class CustomerService {
 public:
  // `registry` (optional) receives the service's business metrics.
  CustomerService(CustomerRepository& repository, TeamDirectory& team, const Clock& clock,
                  absl::TimeZone zone, CustomerConfig config,
                  prometheus::Registry* registry = nullptr);

  // The caller as its scope is decided: a team lead's teams are the ones the team service
  // records them leading (TeamDirectory::LedTeams), whatever the token's `teams` claim says.
  absl::StatusOr<auth::Principal> ScopeOf(const Caller& c);
  // Runs `fn` with the caller whose scope ScopeOf decided (the gRPC surface wraps every RPC).
  template <class Fn>
  auto WithScope(const Caller& c, Fn fn) -> decltype(fn(c)) {
    absl::StatusOr<auth::Principal> p = ScopeOf(c);
    if (!p.ok()) return p.status();
    const Caller scoped{*p, c.deadline, c.request_id};
    return fn(scoped);
  }

  absl::StatusOr<v1::Customer> CreateCustomer(const Caller& c, const v1::CreateCustomerRequest& r);
  absl::StatusOr<v1::Customer> GetCustomer(const Caller& c, const v1::GetCustomerRequest& r);
  absl::StatusOr<v1::BatchGetCustomersResponse> BatchGetCustomers(
      const Caller& c, const v1::BatchGetCustomersRequest& r);
  absl::StatusOr<v1::ListCustomersResponse> ListCustomers(const Caller& c,
                                                          const v1::ListCustomersRequest& r);
  absl::StatusOr<v1::Customer> UpdateCustomer(const Caller& c, const v1::UpdateCustomerRequest& r);
  absl::StatusOr<v1::Customer> ArchiveCustomer(const Caller& c,
                                               const v1::ArchiveCustomerRequest& r);

  absl::StatusOr<v1::AssignCustomerResponse> AssignCustomer(const Caller& c,
                                                            const v1::AssignCustomerRequest& r);
  absl::StatusOr<v1::AssignCustomerResponse> TransferCustomer(const Caller& c,
                                                              const v1::TransferCustomerRequest& r);
  absl::StatusOr<v1::HandoverCustomersResponse> HandoverCustomers(
      const Caller& c, const v1::HandoverCustomersRequest& r);
  absl::StatusOr<v1::ListAssignmentHistoryResponse> ListAssignmentHistory(
      const Caller& c, const v1::ListAssignmentHistoryRequest& r);

  absl::StatusOr<v1::Interaction> LogInteraction(const Caller& c,
                                                 const v1::LogInteractionRequest& r);
  absl::StatusOr<v1::ListInteractionsResponse> ListInteractions(
      const Caller& c, const v1::ListInteractionsRequest& r);
  absl::StatusOr<v1::ListCareRemindersResponse> ListCareReminders(
      const Caller& c, const v1::ListCareRemindersRequest& r);

  absl::StatusOr<v1::ImportCustomersResponse> ImportCustomers(const Caller& c,
                                                              const v1::ImportCustomersRequest& r);
  absl::StatusOr<v1::PortfolioSummary> GetPortfolioSummary(const Caller& c,
                                                           const v1::GetPortfolioSummaryRequest& r);
  // How many managers hold more than the cap the team service gives them now (e.g. after a cap
  // was lowered): customers for a personal RM, key accounts for a corporate one, as
  // GetPortfolioSummary counts cap_used. Members the team service does not know are skipped;
  // UNAVAILABLE when it cannot answer. Feeds the rmhub_customer_managers_over_cap gauge.
  absl::StatusOr<int> CountManagersOverCap(const Caller& c);
  absl::StatusOr<v1::ListPiiAuditEntriesResponse> ListPiiAuditEntries(
      const Caller& c, const v1::ListPiiAuditEntriesRequest& r);

 private:
  // Loads a customer the caller may access (NOT_FOUND otherwise, existing or not).
  absl::StatusOr<v1::Customer> LoadAccessible(CustomerStore& store, const auth::Principal& p,
                                              int64_t id, bool lock, int access) const;
  // Segments derived, PII masked or audited for the caller: what leaves the service.
  absl::Status Present(CustomerStore& store, const Caller& c, absl::string_view method,
                       v1::Customer& customer) const;
  // The same for a page or batch: every clear customer audited in one write.
  absl::Status Present(CustomerStore& store, const Caller& c, absl::string_view method,
                       google::protobuf::RepeatedPtrField<v1::Customer>& customers) const;
  // What a Write's finish does with a customer it answers (first call and replay alike): on a
  // replay the caller must still have `access` to the customer as it is NOW (the error a first
  // call would get otherwise); then segments are derived and PII masked for a caller without
  // pii.read, or its clear read audited (READ_CLEAR, beside any WRITE entry of the change).
  absl::Status FinishCustomer(CustomerStore& store, const Caller& c, absl::string_view method,
                              v1::Customer& customer, int access, db::Delivery delivery) const;
  std::optional<v1::PiiAuditEntry> AuditEntry(const Caller& c, absl::string_view method,
                                              const v1::Customer& customer, v1::PiiAccess access,
                                              const v1::Customer* before) const;
  absl::Status AuditPii(CustomerStore& store, const Caller& c, absl::string_view method,
                        const v1::Customer& customer, v1::PiiAccess access,
                        const v1::Customer* before) const;
  // The natural keys (national ID, credit code) of `customer` are free — a match on customer
  // `self` aside — or ALREADY_EXISTS: naming the holder (metadata "customer") only when the
  // caller may read it. A match outside the caller's scope is added to `foreign` (to be audited
  // and counted by RecordForeignLookups, whatever the call's outcome).
  absl::Status CheckKeysFree(CustomerStore& store, const Caller& c, absl::string_view method,
                             const v1::Customer& customer, int64_t self,
                             std::vector<v1::PiiAuditEntry>& foreign) const;
  v1::PiiAuditEntry LookupEntry(const Caller& c, absl::string_view method,
                                const std::string& customer, v1::PiiField field) const;
  // Audits (LOOKUP_OTHER_SCOPE, one write of its own: the call itself may have rolled back) and
  // counts key lookups that hit another scope.
  absl::Status RecordForeignLookups(const Caller& c, absl::string_view method,
                                    const std::vector<v1::PiiAuditEntry>& foreign);
  absl::Status Emit(CustomerStore& store, const auth::Principal& p, absl::string_view type,
                    const std::string& aggregate, const google::protobuf::Message& payload) const;
  // Takes the manager's lock and checks eligibility and cap for one more customer.
  absl::Status ReserveCapacity(CustomerStore& store, const v1::Customer& customer,
                               const ManagerFacts& manager) const;
  absl::StatusOr<v1::AssignCustomerResponse> MoveCustomer(const Caller& c, absl::string_view method,
                                                          const google::protobuf::Message& request,
                                                          const std::string& request_id,
                                                          const std::string& customer_name,
                                                          const std::string& manager_name,
                                                          const std::string& reason, bool transfer);
  absl::Status ImportRow(CustomerStore& store, const Caller& c, int64_t branch,
                         const v1::Customer& row, v1::ImportRowResult& result,
                         std::vector<v1::PiiAuditEntry>& foreign);
  absl::CivilDay Today() const;

  CustomerRepository& repository_;
  TeamDirectory& team_;
  const Clock& clock_;
  absl::TimeZone zone_;
  CustomerConfig config_;
  // rmhub_customer_foreign_key_lookups_total{method}; null without a registry.
  prometheus::Family<prometheus::Counter>* foreign_lookups_ = nullptr;
};

}  // namespace rmhub::customer
