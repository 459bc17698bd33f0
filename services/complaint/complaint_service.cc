// Complaints: filing, reads, history, verification, statistics and the sweep. The workflow steps
// are in complaint_service_steps.cc.
#include "services/complaint/complaint_service.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/list_query.h"
#include "common/api/pagination.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/db/sql_values.h"
#include "common/encoding/sha256.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/complaint/category_spikes.h"
#include "services/complaint/complaint_service_internal.h"
#include "services/complaint/domain/clock_history.h"
#include "services/complaint/domain/list_filters.h"
#include "services/complaint/domain/statistics.h"
#include "services/complaint/domain/workflow.h"
#include "services/complaint/filing.h"

namespace rmhub::complaint {

using internal::Ts;

namespace internal {

google::protobuf::Timestamp Ts(absl::Time t) {
  return db::TimestampFromMicros(absl::ToUnixMicros(t));
}

bool IsSeniorApprover(const team::v1::Member& m) {
  return m.status() == team::v1::ACTIVE &&
         (m.role() == team::v1::BRANCH_MANAGER ||
          (m.role() == team::v1::BACK_OFFICE && m.back_office_function() == team::v1::COMPLIANCE));
}

std::string TaskRequestId(const std::string& complaint, const char* step, int64_t version,
                          const std::string& handler) {
  // Request ids are at most 128 characters; a hash keeps this one short and stable.
  return absl::StrCat(
      "complaint-", step, "-",
      encoding::Sha256Hex(absl::StrCat(complaint, "|", version, "|", handler)).substr(0, 40));
}

}  // namespace internal

namespace {

// The current period's rows: those after the last reopening.
size_t PeriodStart(const std::vector<HistoryRow>& history) {
  size_t start = 0;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].kind == v1::STEP && history[i].to_state == v1::REOPENED) start = i;
  }
  return start;
}

void AddExtension(const HistoryRow& row, int level, int period_days, v1::Complaint& out) {
  v1::Extension* e = out.add_extensions();
  e->set_level(level);
  e->set_period_days(period_days);
  e->set_reason(row.note);
  e->set_actor(row.actor);
  *e->mutable_record_time() = Ts(row.time);
  google::protobuf::Struct d;
  if (!google::protobuf::util::JsonStringToMessage(row.details, &d).ok()) return;
  auto approver = d.fields().find("approver");
  if (approver != d.fields().end()) e->set_approver(approver->second.string_value());
  auto informed = d.fields().find("informed_us");
  if (informed != d.fields().end()) {
    *e->mutable_complainant_informed_time() =
        db::TimestampFromMicros(static_cast<int64_t>(informed->second.number_value()));
  }
}

void CheckEnum(FieldErrors& errors, const std::string& field, bool valid, int value,
               bool required) {
  if (!valid) {
    errors.Add(field, "unknown value");
  } else if (required && value == 0) {
    errors.Add(field, "required");
  }
}

}  // namespace

ComplaintService::ComplaintService(ComplaintRepository& repository, Directory& directory,
                                   const ClockBook& clocks, const Clock& clock,
                                   ComplaintConfig config)
    : repository_(repository),
      directory_(directory),
      clocks_(clocks),
      clock_(clock),
      config_(std::move(config)) {}

absl::Status ComplaintService::Emit(ComplaintStore& store, const auth::Principal& p,
                                    absl::string_view type, const v1::Complaint& complaint) const {
  return store.AppendEvent(outbox::MakeEvent(internal::kSource, type, complaint.name(), p.subject,
                                             ForEvent(complaint), clock_.Now()));
}

absl::StatusOr<StoredComplaint> ComplaintService::LoadChecked(ComplaintStore& store,
                                                              const auth::Principal& p, int64_t id,
                                                              Access access, bool lock) const {
  RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> s, store.GetComplaint(id, lock));
  if (!s.has_value()) return NotFound("COMPLAINT_NOT_FOUND", "no such complaint");
  RMHUB_RETURN_IF_ERROR(AccessPolicy::Check(p, s->complaint, access));
  return *std::move(s);
}

absl::StatusOr<StoredComplaint> ComplaintService::ReadChecked(const Caller& c, int64_t id,
                                                              Access access) {
  StoredComplaint out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](ComplaintStore& store) {
    return StoreInto(&out, [&] { return LoadChecked(store, c.principal, id, access, false); });
  }));
  return out;
}

absl::Status ComplaintService::Present(const auth::Principal& p, const StoredComplaint& s,
                                       const std::vector<HistoryRow>& history,
                                       v1::Complaint& out) const {
  out = s.complaint;
  RMHUB_ASSIGN_OR_RETURN(ClockResult clock,
                         clocks_.Compute(s.complaint.jurisdiction(), history, clock_.Now()));
  *out.mutable_deadline() = Ts(clock.deadline);
  out.set_period_days(clock.period_days);
  out.set_elapsed_days(clock.elapsed_days);
  out.set_remaining_days(clock.remaining_days);
  out.set_sla_state(clock.sla_state);
  out.set_clock_stopped(clock.stopped);
  if (clock.summary_deadline) *out.mutable_summary_deadline() = Ts(*clock.summary_deadline);
  const Profile& profile = ProfileFor(s.complaint.jurisdiction());
  const size_t start = PeriodStart(history);
  std::map<std::string, std::string> appraisal_notes;
  for (size_t i = start; i < history.size(); ++i) {
    const HistoryRow& row = history[i];
    if (row.kind == v1::EXTENDED) {
      const int level = out.extensions_size() + 1;
      const int days = level <= static_cast<int>(profile.extension_days.size())
                           ? profile.extension_days[level - 1]
                           : 0;
      AddExtension(row, level, days, out);
    } else if (row.kind == v1::APPRAISAL_RECORDED) {
      google::protobuf::Struct d;
      if (google::protobuf::util::JsonStringToMessage(row.details, &d).ok()) {
        auto id = d.fields().find("id");
        if (id != d.fields().end()) appraisal_notes[id->second.string_value()] = row.note;
      }
    }
  }
  RMHUB_ASSIGN_OR_RETURN(std::vector<ClockEvent> events, ClockEventsFromHistory(history));
  RMHUB_ASSIGN_OR_RETURN(ClockInput input, FoldClockHistory(events));
  // The clock evaluates a stop at the very instant of evaluation as still running (the figures
  // are the same); the step that stopped it answers stopped.
  out.set_clock_stopped(clock.stopped || input.stop_time.has_value());
  for (const AppraisalPeriod& a : input.appraisals) {
    v1::Appraisal* ap = out.add_appraisals();
    ap->set_appraisal_id(a.id);
    *ap->mutable_start_date() = api::ToDate(a.first);
    *ap->mutable_end_date() = api::ToDate(a.last);
    ap->set_note(appraisal_notes[a.id]);
  }
  RedactFor(p, out, s.complaint.complained_about());
  return absl::OkStatus();
}

absl::StatusOr<v1::Complaint> ComplaintService::Presented(ComplaintStore& store,
                                                          const auth::Principal& p,
                                                          const StoredComplaint& s) const {
  RMHUB_ASSIGN_OR_RETURN(std::vector<HistoryRow> history, store.ListHistory(s.id));
  v1::Complaint out;
  RMHUB_RETURN_IF_ERROR(Present(p, s, history, out));
  return out;
}

void ComplaintService::AddDisplayName(const Caller& c, v1::Complaint& out) {
  absl::StatusOr<std::optional<customer::v1::Customer>> cust =
      directory_.GetCustomer(api::IdOf(out.customer(), "customers"), c);
  if (cust.ok() && cust->has_value()) out.set_customer_display_name((*cust)->display_name());
}

// ---------------------------------------------------------------------------------------------
// Filing

absl::StatusOr<v1::FileComplaintResponse> ComplaintService::FileComplaint(
    const Caller& c, const v1::FileComplaintRequest& r) {
  const auth::Principal& p = c.principal;
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  const v1::Complaint& in = r.complaint();
  FieldErrors errors;
  auto customer_id = api::ParseName(in.customer(), "customers", "complaint.customer");
  if (!customer_id.ok()) errors.Add("complaint.customer", "must be \"customers/{id}\"");
  CheckEnum(errors, "complaint.channel", v1::Channel_IsValid(in.channel()), in.channel(), true);
  CheckEnum(errors, "complaint.category", v1::Category_IsValid(in.category()), in.category(), true);
  CheckEnum(errors, "complaint.severity", v1::Severity_IsValid(in.severity()), in.severity(),
            false);
  api::CheckText(errors, "complaint.subject", in.subject(), 200, true);
  api::CheckText(errors, "complaint.description", in.description(), 4000, true);
  api::CheckText(errors, "complaint.customer_request", in.customer_request(), 2000, true);
  api::CheckText(errors, "complaint.product", in.product(), 64, false);
  absl::Time received = now;
  if (in.has_receive_time()) {
    if (in.receive_time().nanos() < 0 || in.receive_time().nanos() > 999999999 ||
        in.receive_time().seconds() < 0) {
      errors.Add("complaint.receive_time", "not a valid time");
    } else {
      received = db::TruncateToMicros(db::TimeFromTimestamp(in.receive_time()));
      if (received > now) errors.Add("complaint.receive_time", "must not be in the future");
      if (received < now - absl::Hours(24 * 366)) {
        errors.Add("complaint.receive_time", "more than a year ago");
      }
    }
  }
  if (!in.complained_about().empty() &&
      !api::ParseName(in.complained_about(), "members", "complaint.complained_about").ok()) {
    errors.Add("complaint.complained_about", "must be \"members/{id}\"");
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());

  RMHUB_ASSIGN_OR_RETURN(std::optional<customer::v1::Customer> cust,
                         directory_.GetCustomer(*customer_id, c));
  if (!cust.has_value()) {
    return FailedPrecondition("CUSTOMER_NOT_FOUND", "complaint.customer: no such customer");
  }
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CheckFiling(
      p, cust->owner(), api::IdOf(cust->team(), "teams"), api::IdOf(cust->branch(), "branches")));
  if (cust->branch().empty()) {
    return FailedPrecondition("CUSTOMER_WITHOUT_BRANCH",
                              "the customer has no branch to count the complaint against");
  }

  v1::Complaint complaint;
  complaint.set_customer(api::FormatName("customers", *customer_id));
  complaint.set_channel(in.channel());
  complaint.set_category(in.category());
  complaint.set_severity(in.severity() == v1::SEVERITY_UNSPECIFIED ? v1::MODERATE : in.severity());
  complaint.set_subject(in.subject());
  complaint.set_description(in.description());
  complaint.set_customer_request(in.customer_request());
  complaint.set_product(in.product());
  *complaint.mutable_receive_time() = Ts(received);
  complaint.set_complained_about(in.complained_about());
  complaint.set_branch(cust->branch());
  complaint.set_state(v1::RECEIVED);
  complaint.set_jurisdiction(config_.jurisdiction);
  HistoryRow filed;
  filed.kind = v1::FILED;
  filed.details = FiledDetails(received);
  RMHUB_ASSIGN_OR_RETURN(ClockResult clock, clocks_.Compute(config_.jurisdiction, {filed}, now));
  *complaint.mutable_deadline() = Ts(clock.deadline);
  complaint.set_sla_state(clock.sla_state);

  v1::FileComplaintResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"FileComplaint", r.request_id(), p.subject}, r, &out,
      [&](ComplaintStore& store) -> absl::Status {
        out.Clear();
        RMHUB_ASSIGN_OR_RETURN(FilingOutcome outcome,
                               FileOrMerge(store, complaint, p.subject, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> stored,
                               store.GetComplaint(outcome.complaint_id, false));
        if (!stored) return Internal("COMPLAINT_VANISHED", "the complaint disappeared");
        RMHUB_ASSIGN_OR_RETURN(*out.mutable_complaint(), Presented(store, p, *stored));
        out.set_merged(outcome.merged);
        return Emit(store, p, outcome.merged ? "complaint.repeat_merged" : "complaint.filed",
                    out.complaint());
      },
      // The filer was authorized against the customer above, on every call, replays included.
      [&](ComplaintStore&, db::Delivery) { return absl::OkStatus(); }));
  RedactFor(p, *out.mutable_complaint(), out.complaint().complained_about());
  AddDisplayName(c, *out.mutable_complaint());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reads

absl::StatusOr<v1::Complaint> ComplaintService::GetComplaint(const Caller& c,
                                                             const v1::GetComplaintRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "complaints", "name"));
  v1::Complaint out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](ComplaintStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(StoredComplaint s,
                           LoadChecked(store, c.principal, id, Access::kRead, false));
    RMHUB_ASSIGN_OR_RETURN(out, Presented(store, c.principal, s));
    return absl::OkStatus();
  }));
  AddDisplayName(c, out);
  return out;
}

absl::StatusOr<v1::BatchGetComplaintsResponse> ComplaintService::BatchGetComplaints(
    const Caller& c, const v1::BatchGetComplaintsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         api::ParseNames(r.names(), "complaints", "names", /*max_count=*/500));
  v1::BatchGetComplaintsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](ComplaintStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(std::vector<StoredComplaint> found, store.GetComplaints(ids));
    std::map<int64_t, const StoredComplaint*> visible;
    for (const StoredComplaint& s : found) {
      if (AccessPolicy::CanAccess(c.principal, s.complaint, Access::kRead)) visible[s.id] = &s;
    }
    for (int64_t id : ids) {
      auto it = visible.find(id);
      if (it == visible.end()) continue;
      RMHUB_ASSIGN_OR_RETURN(*out.add_complaints(), Presented(store, c.principal, *it->second));
    }
    return absl::OkStatus();
  }));
  for (v1::Complaint& complaint : *out.mutable_complaints()) AddDisplayName(c, complaint);
  return out;
}

absl::StatusOr<v1::ListComplaintsResponse> ComplaintService::ListComplaints(
    const Caller& c, const v1::ListComplaintsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(api::ListScope scope, AccessPolicy::ListScope(c.principal));
  RMHUB_ASSIGN_OR_RETURN(api::ListQuery query,
                         api::MakeListQuery(r.filter(), ComplaintFilterSchema(), r.page_size(),
                                            r.page_token(), scope));
  v1::ListComplaintsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](ComplaintStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(api::Page<StoredComplaint> page, store.ListComplaints(query));
    for (const StoredComplaint& s : page.items) {
      RMHUB_ASSIGN_OR_RETURN(*out.add_complaints(), Presented(store, c.principal, s));
    }
    out.set_next_page_token(api::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// History

absl::StatusOr<v1::ListComplaintHistoryResponse> ComplaintService::ListComplaintHistory(
    const Caller& c, const v1::ListComplaintHistoryRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.parent(), "complaints", "parent"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.parent()));
  v1::ListComplaintHistoryResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](ComplaintStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(StoredComplaint s,
                           LoadChecked(store, c.principal, id, Access::kRead, false));
    const bool recused = AccessPolicy::IsComplainedAbout(c.principal, s.complaint);
    RMHUB_ASSIGN_OR_RETURN(std::vector<HistoryRow> rows, store.ListHistory(id));
    int64_t last = 0;
    for (const HistoryRow& row : rows) {
      if (row.sequence <= page.after_id) continue;
      if (out.entries_size() == page.limit) {
        out.set_next_page_token(api::NextPageToken(last, r.parent()));
        break;
      }
      v1::HistoryEntry* e = out.add_entries();
      e->set_sequence(row.sequence);
      e->set_kind(row.kind);
      e->set_from_state(row.from_state);
      e->set_to_state(row.to_state);
      e->set_actor(row.actor);
      *e->mutable_time() = Ts(row.time);
      if (!(recused && IsInvestigationRow(row))) e->set_note(row.note);
      e->set_previous_hash(row.previous_hash);
      e->set_hash(row.hash);
      last = row.sequence;
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::VerifyComplaintHistoryResponse> ComplaintService::VerifyComplaintHistory(
    const Caller& c, const v1::VerifyComplaintHistoryRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "complaints", "name"));
  v1::VerifyComplaintHistoryResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](ComplaintStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(LoadChecked(store, c.principal, id, Access::kVerify, false).status());
    RMHUB_ASSIGN_OR_RETURN(std::vector<HistoryRow> rows, store.ListHistory(id));
    const ChainVerdict v = VerifyChain(rows);
    out.set_intact(v.intact);
    out.set_rows_checked(v.rows_checked);
    out.set_first_broken_sequence(v.first_broken_sequence);
    out.set_detail(v.detail);
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Statistics

absl::StatusOr<v1::GetComplaintStatisticsResponse> ComplaintService::GetComplaintStatistics(
    const Caller& c, const v1::GetComplaintStatisticsRequest& r) {
  FieldErrors errors;
  if (r.dimension() == v1::STATISTICS_DIMENSION_UNSPECIFIED ||
      !v1::StatisticsDimension_IsValid(r.dimension())) {
    errors.Add("dimension",
               "required: BY_CATEGORY, BY_CHANNEL, BY_PRODUCT, BY_BRANCH or "
               "BY_ROOT_CAUSE");
  }
  if (!r.has_start_time()) errors.Add("start_time", "required");
  if (!r.has_end_time()) errors.Add("end_time", "required");
  // Years 1 to 9999: what a DATETIME column compares with.
  auto in_range = [](const google::protobuf::Timestamp& t) {
    return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 && t.nanos() >= 0 &&
           t.nanos() <= 999999999;
  };
  if (r.has_start_time() && !in_range(r.start_time())) {
    errors.Add("start_time", "not a valid time");
  }
  if (r.has_end_time() && !in_range(r.end_time())) errors.Add("end_time", "not a valid time");
  const absl::Time start = db::TimeFromTimestamp(r.start_time());
  const absl::Time end = db::TimeFromTimestamp(r.end_time());
  if (r.has_start_time() && r.has_end_time() && errors.empty()) {
    if (end <= start) {
      errors.Add("end_time", "must be after start_time");
    } else if (end - start > absl::Hours(24 * 366)) {
      errors.Add("end_time", "at most 366 days after start_time");
    }
  }
  int64_t branch = 0;
  if (!r.branch().empty()) {
    auto b = api::ParseName(r.branch(), "branches", "branch");
    if (!b.ok()) {
      errors.Add("branch", "must be \"branches/{id}\"");
    } else {
      branch = *b;
    }
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_ASSIGN_OR_RETURN(api::ListScope scope, AccessPolicy::StatisticsScope(c.principal));
  std::vector<v1::Complaint> complaints;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](ComplaintStore& store) -> absl::Status {
    complaints.clear();
    RMHUB_ASSIGN_OR_RETURN(std::vector<StoredComplaint> found,
                           store.ComplaintsReceived(start, end, branch, scope));
    for (StoredComplaint& s : found) complaints.push_back(std::move(s.complaint));
    return absl::OkStatus();
  }));
  v1::GetComplaintStatisticsResponse out;
  for (v1::StatisticsRow& row : ComputeStatistics(complaints, r.dimension())) {
    *out.add_rows() = std::move(row);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sweep

absl::StatusOr<SweepStats> ComplaintService::SweepSla() {
  return complaint::SweepSla(repository_, clocks_, clock_.Now(), "services/complaint");
}

absl::StatusOr<int> ComplaintService::SweepCategorySpikes() {
  return complaint::SweepCategorySpikes(repository_, clocks_.For(config_.jurisdiction).zone,
                                        clock_.Now(), "services/complaint");
}

absl::StatusOr<std::map<v1::SlaState, int64_t>> ComplaintService::CountOpenBySla() {
  std::map<v1::SlaState, int64_t> out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](ComplaintStore& store) {
    return StoreInto(&out, [&] { return store.CountOpenBySla(); });
  }));
  return out;
}

}  // namespace rmhub::complaint
