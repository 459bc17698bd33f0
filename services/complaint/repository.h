#pragma once
// The storage the complaint service needs (the MySQL implementation is mysql_repository.{h,cc}).
//
// As in the other services, all work happens inside ComplaintRepository::Read or ::Write; a
// ComplaintStore is valid only inside the callback, and callbacks may run more than once.
//
// Complaints come back with the stored fields filled (name, customer, channel, category,
// severity, subject, description, customer_request, product, receive_time, complained_about,
// branch, handler_team, handler, state, state_reason, jurisdiction, deadline, sla_state,
// extension_level, findings, solution, escalated, tasks, satisfaction, root cause, counters,
// times, etag). The clock's other figures (elapsed/remaining days, period, summary deadline) and
// the customer's display name are the service's to fill on read.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/list_query.h"
#include "common/db/repository.h"
#include "rmhub/common/v1/event.pb.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/domain/history_chain.h"

namespace rmhub::complaint {

// A complaint as stored, with what the API does not show.
struct StoredComplaint {
  int64_t id = 0;
  v1::Complaint complaint;
  int64_t version = 0;
  std::string repeat_key;
  bool absorbs_repeats = false;  // holds open_repeat_key
  v1::SlaState sla_reported = v1::SLA_STATE_UNSPECIFIED;
};

class ComplaintStore {
 public:
  virtual ~ComplaintStore() = default;

  virtual absl::StatusOr<std::optional<StoredComplaint>> GetComplaint(int64_t id, bool lock) = 0;
  // The complaint that absorbs repeats of `repeat_key`, locked, if any.
  virtual absl::StatusOr<std::optional<StoredComplaint>> FindRepeatHolder(
      const std::string& repeat_key) = 0;
  // Inserts a new complaint (version 1) holding `repeat_key` as its open repeat key.
  // ALREADY_EXISTS REPEAT_KEY_TAKEN when another complaint holds it (a concurrent filing won).
  // `complaint` must carry customer, branch ("customers/…", "branches/…"), the filing fields,
  // receive_time, state, jurisdiction, deadline and sla_state.
  virtual absl::StatusOr<int64_t> InsertComplaint(const v1::Complaint& complaint,
                                                  const std::string& repeat_key,
                                                  absl::Time now) = 0;
  // Counts one merged repeat; bumps the version.
  virtual absl::Status AddMergedRepeat(int64_t id, absl::Time now) = 0;
  // The complaint stops absorbing repeats (its period is over, or it is no longer open).
  virtual absl::Status ReleaseRepeatKey(int64_t id, absl::Time now) = 0;

  // Appends a row to the complaint's history: sequence = last + 1, previous_hash = the last
  // row's hash (genesis for the first), hash sealed (domain/history_chain.h). Returns the row as
  // stored. The caller holds the complaint's row lock.
  virtual absl::StatusOr<HistoryRow> AppendHistory(HistoryRow row) = 0;
  // Every row of the complaint in sequence order (a complaint has tens of rows).
  virtual absl::StatusOr<std::vector<HistoryRow>> ListHistory(int64_t complaint_id) = 0;

  // Stores the clock recomputed after a change of its history (deadline, sla_state,
  // extension_level) if the complaint is still at `expected_version`; bumps it. ABORTED
  // ETAG_MISMATCH when it changed, NOT_FOUND when it is gone.
  virtual absl::Status UpdateClock(int64_t id, int64_t expected_version, absl::Time deadline,
                                   v1::SlaState sla_state, int extension_level, absl::Time now) = 0;

  // The complaints of `ids` that exist, in no particular order.
  virtual absl::StatusOr<std::vector<StoredComplaint>> GetComplaints(
      const std::vector<int64_t>& ids) = 0;
  // Rewrites what the workflow changes — category, handler_team, handler, state, state_reason,
  // findings, solution, escalated, investigation_task, remediation_task, satisfaction,
  // root_cause, root_cause_note, reopen_count, close_time — and the clock copy (deadline,
  // sla_state, extension_level) from `complaint`, if the complaint is still at
  // `expected_version`; bumps it. A complaint that is no longer open stops absorbing repeats.
  // ABORTED ETAG_MISMATCH when it changed, NOT_FOUND when it is gone.
  virtual absl::Status UpdateComplaint(int64_t id, int64_t expected_version,
                                       const v1::Complaint& complaint, absl::Time now) = 0;
  // The fields of ComplaintFilterSchema (domain/list_filters.h), keyset pages by id. Scope:
  // owner = the handler, team = the handling team, branch = the complaint's branch.
  virtual absl::StatusOr<api::Page<StoredComplaint>> ListComplaints(
      const api::ListQuery& query) = 0;
  // Every complaint received in [start, end) within `scope` (and of `branch_id` unless 0), for
  // statistics.
  virtual absl::StatusOr<std::vector<StoredComplaint>> ComplaintsReceived(
      absl::Time start, absl::Time end, int64_t branch_id, const api::ListScope& scope) = 0;
  // Open complaints (not CLOSED, REJECTED, WITHDRAWN) by their stored SLA state.
  virtual absl::StatusOr<std::map<v1::SlaState, int64_t>> CountOpenBySla() = 0;

  // ---- category spikes ----
  // Complaints received in [start, end) by category.
  virtual absl::StatusOr<std::map<v1::Category, int64_t>> CountReceivedByCategory(
      absl::Time start, absl::Time end) = 0;
  // Records that the spike of `category` in the week starting `week_start` was reported; false
  // when it already was (by this or another replica).
  virtual absl::StatusOr<bool> ClaimCategorySpike(v1::Category category, absl::CivilDay week_start,
                                                  int64_t this_week, int64_t previous_four_weeks,
                                                  absl::Time now) = 0;

  // ---- the SLA sweep ----
  // Ids above `after_id` of complaints that are not CLOSED, REJECTED or WITHDRAWN and have not
  // had their BREACHED event, ascending, at most `limit`.
  virtual absl::StatusOr<std::vector<int64_t>> ListSweepCandidates(int64_t after_id, int limit) = 0;
  // Stores the clock as computed and raises sla_reported from `reported_before` to
  // `reported_now` — only if it is still `reported_before` (a conditional write, so of two
  // replicas' sweeps exactly one claims each SLA event, on Galera too). Bumps the version.
  // Returns whether this call claimed it.
  virtual absl::StatusOr<bool> RecordSla(int64_t id, v1::SlaState sla_state,
                                         v1::SlaState reported_before, v1::SlaState reported_now,
                                         absl::Time deadline, absl::Time now) = 0;

  // ---- events ----
  virtual absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) = 0;
};

using ComplaintRepository = db::Repository<ComplaintStore>;

}  // namespace rmhub::complaint
