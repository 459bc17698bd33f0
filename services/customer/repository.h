#pragma once
// The storage the customer service needs (the MySQL implementation is mysql_repository.{h,cc}).
//
// As in the team service, all work happens inside CustomerRepository::Read or ::Write; a
// CustomerStore is valid only inside the callback, and callbacks may run more than once.
//
// PII at rest is the store's business: it receives and returns national_id, credit_code and
// contact_phone in clear, encrypts them (AES-256-GCM, column name as associated data) before they
// reach the database, and keeps HMAC-SHA256 blind indexes for exact lookups. Masking for the
// caller is the service's business. Nothing the store logs or returns in an error carries PII.
//
// Customers come back with output-only fields filled: name, owner ("members/…" or ""), team,
// branch, archived, last_interaction_time, status_change_time, create/update times, etag. Tiers
// (asset_tier, value_tier) are NOT filled: the service derives them from the configured
// thresholds on every read. Money comes back with currency_code "CNY".

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/etag.h"
#include "common/api/list_query.h"
#include "common/db/repository.h"
#include "google/protobuf/message.h"
#include "rmhub/common/v1/event.pb.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "services/customer/domain/segmentation.h"

namespace rmhub::customer {

using api::ListQuery;
using api::Page;

// Who holds a customer: the owner, with the team and branch taken from the team service.
struct Ownership {
  int64_t owner_id = 0;  // 0 = unassigned
  int64_t team_id = 0;   // 0 = none
  int64_t branch_id = 0;
};

// How much a manager holds (archived customers do not count).
struct Holdings {
  int customers = 0;
  int key_accounts = 0;
};

// What one manager holds (unarchived customers), for the over-cap gauge.
struct HolderCount {
  int64_t member_id = 0;
  Holdings holdings;
};

// A follow-up that has come due: the latest interaction of a customer whose next_follow_up_date
// is on or before the asked day, with no later interaction.
struct DueFollowUp {
  std::string customer;  // "customers/…"
  std::string display_name;
  absl::CivilDay follow_up;
};

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;

  // ---- customers (table alias c) ----
  virtual absl::StatusOr<std::optional<v1::Customer>> GetCustomer(int64_t id, bool lock) = 0;
  // The customers of `ids` that exist (one statement for up to 512 ids), in no particular order.
  virtual absl::StatusOr<std::vector<v1::Customer>> GetCustomers(
      const std::vector<int64_t>& ids) = 0;
  // By blind index of the normalised value (pii::Normalize), archived ones included.
  virtual absl::StatusOr<std::optional<v1::Customer>> FindByNationalId(
      const std::string& national_id) = 0;
  virtual absl::StatusOr<std::optional<v1::Customer>> FindByCreditCode(
      const std::string& credit_code) = 0;
  // Inserts with its needs. ALREADY_EXISTS with reason NATIONAL_ID_TAKEN or CREDIT_CODE_TAKEN when
  // the blind index is taken.
  virtual absl::StatusOr<int64_t> InsertCustomer(const v1::Customer& customer,
                                                 const Ownership& ownership, absl::Time now) = 0;
  // Rewrites every mutable field (display_name, industry, PII, birthday, aum,
  // annual_contribution, status — and status_change_time when the status changed —, key_account,
  // needs, risk_tolerance, archived). ABORTED ETAG_MISMATCH on a stale version; bumps it.
  virtual absl::Status UpdateCustomer(int64_t id, const v1::Customer& customer,
                                      int64_t expected_version, absl::Time now) = 0;
  // The fields of CustomerFilterSchema (domain/list_filters.h); asset_tier and value_tier are
  // compared as derived with `tiers`. Archived customers are left out unless the filter names
  // "archived". The scope's grants: owner = the customer's owner, team = its team, branch = its
  // branch.
  virtual absl::StatusOr<Page<v1::Customer>> ListCustomers(const ListQuery& query,
                                                           const SegmentThresholds& tiers) = 0;

  // ---- ownership ----
  // Takes the manager's row lock for the rest of the transaction (creating the row the first
  // time). Every change to what a manager holds takes it first, so counts read after it are
  // exact until commit.
  virtual absl::Status LockManager(int64_t member_id, absl::Time now) = 0;
  virtual absl::StatusOr<Holdings> CountHoldings(int64_t member_id) = 0;
  // Every manager holding at least one unarchived customer, by member id (a plain read).
  virtual absl::StatusOr<std::vector<HolderCount>> ListHolderCounts() = 0;
  // Sets owner, team and branch; bumps the version.
  virtual absl::Status SetOwnership(int64_t customer_id, const Ownership& ownership,
                                    absl::Time now) = 0;
  virtual absl::StatusOr<int64_t> InsertAssignment(int64_t customer_id,
                                                   const v1::AssignmentRecord& record,
                                                   absl::Time now) = 0;
  // Newest first (after_id: continue below it).
  virtual absl::StatusOr<Page<v1::AssignmentRecord>> ListAssignments(
      int64_t customer_id, const api::PageRequest& page) = 0;
  // Every non-archived customer the manager holds, ordered by id (a book is at most a few
  // hundred customers).
  virtual absl::StatusOr<std::vector<v1::Customer>> ListHeld(int64_t member_id) = 0;

  // ---- interactions ----
  // Also raises the customer's last_interaction_time to the interaction's time.
  virtual absl::StatusOr<int64_t> InsertInteraction(int64_t customer_id,
                                                    const v1::Interaction& interaction,
                                                    int64_t manager_id, absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<v1::Interaction>> GetInteraction(int64_t customer_id,
                                                                        int64_t id) = 0;
  // Newest first.
  virtual absl::StatusOr<Page<v1::Interaction>> ListInteractions(int64_t customer_id,
                                                                 const api::PageRequest& page) = 0;
  // Follow-ups due on or before `day` for customers the manager holds.
  virtual absl::StatusOr<std::vector<DueFollowUp>> ListDueFollowUps(int64_t member_id,
                                                                    absl::CivilDay day) = 0;

  // ---- PII audit (table alias a) ----
  virtual absl::Status AppendPiiAudit(const v1::PiiAuditEntry& entry) = 0;
  // Every entry of one request in one multi-row INSERT (batch reads: one audit write per
  // request). Nothing is written when any entry is invalid.
  virtual absl::Status AppendPiiAudits(const std::vector<v1::PiiAuditEntry>& entries) = 0;
  // The fields of PiiAuditFilterSchema; the scope's branch grant is the customer's branch.
  // Newest first.
  virtual absl::StatusOr<Page<v1::PiiAuditEntry>> ListPiiAudit(const ListQuery& query) = 0;

  // ---- events ----
  virtual absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) = 0;
};

// Read, ReadSingle, Write (caller-scoped idempotency with a replay hook) and CheckReady: the
// common repository base (common/db/repository.h).
using CustomerRepository = db::Repository<CustomerStore>;

}  // namespace rmhub::customer
