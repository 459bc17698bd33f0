#include "services/complaint/sla_sweep.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"
#include "services/complaint/domain/clock_history.h"

namespace rmhub::complaint {
namespace {

constexpr char kSource[] = "complaint";

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return db::TimestampFromMicros(absl::ToUnixMicros(t));
}

}  // namespace

const ClockSetting& ClockBook::For(v1::Jurisdiction jurisdiction) const {
  auto it = settings_.find(jurisdiction);
  return it == settings_.end() ? fallback_ : it->second;
}

absl::StatusOr<ClockResult> ClockBook::Compute(v1::Jurisdiction jurisdiction,
                                               const std::vector<HistoryRow>& history,
                                               absl::Time now) const {
  RMHUB_ASSIGN_OR_RETURN(std::vector<ClockEvent> events, ClockEventsFromHistory(history));
  RMHUB_ASSIGN_OR_RETURN(ClockInput input, FoldClockHistory(events));
  const ClockSetting& s = For(jurisdiction);
  if (s.calendar == nullptr) {
    return FailedPrecondition(
        "CALENDAR_MISSING",
        absl::StrCat("no calendar configured for ", v1::Jurisdiction_Name(jurisdiction)));
  }
  return ComputeClock(input, ProfileFor(jurisdiction), *s.calendar, s.zone, now);
}

v1::Complaint ForEvent(const v1::Complaint& c) {
  v1::Complaint out = c;
  out.clear_description();
  out.clear_customer_request();
  out.clear_findings();
  out.clear_solution();
  out.clear_state_reason();
  out.clear_root_cause_note();
  out.clear_customer_display_name();
  out.clear_subject();
  return out;
}

absl::StatusOr<SweepStats> SweepSla(ComplaintRepository& repository, const ClockBook& clocks,
                                    absl::Time now, const std::string& actor, int page) {
  SweepStats stats;
  int64_t after = 0;
  for (;;) {
    std::vector<int64_t> ids;
    RMHUB_RETURN_IF_ERROR(repository.ReadSingle([&](ComplaintStore& store) {
      RMHUB_ASSIGN_OR_RETURN(ids, store.ListSweepCandidates(after, page));
      return absl::OkStatus();
    }));
    if (ids.empty()) return stats;
    after = ids.back();
    for (int64_t id : ids) {
      ++stats.checked;
      int emitted = 0;
      int at_risk = 0;
      int breached = 0;
      // No request_id: the claim on sla_reported is what makes the event once-only.
      absl::Status s = repository.Write(
          {"SweepSla", "", actor}, v1::GetComplaintRequest(), nullptr,
          [&](ComplaintStore& store) -> absl::Status {
            emitted = 0;
            at_risk = 0;
            breached = 0;
            RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> c, store.GetComplaint(id, true));
            if (!c) return absl::OkStatus();  // gone since the list
            RMHUB_ASSIGN_OR_RETURN(std::vector<HistoryRow> history, store.ListHistory(id));
            RMHUB_ASSIGN_OR_RETURN(ClockResult clock,
                                   clocks.Compute(c->complaint.jurisdiction(), history, now));
            std::vector<v1::SlaState> reached = NewlyReached(c->sla_reported, clock.sla_state);
            if (reached.empty()) return absl::OkStatus();
            RMHUB_ASSIGN_OR_RETURN(
                bool claimed, store.RecordSla(id, clock.sla_state, c->sla_reported, reached.back(),
                                              clock.deadline, now));
            if (!claimed) return absl::OkStatus();  // another replica reported it
            v1::Complaint payload = ForEvent(c->complaint);
            payload.set_sla_state(clock.sla_state);
            *payload.mutable_deadline() = ToTimestamp(clock.deadline);
            payload.set_elapsed_days(clock.elapsed_days);
            payload.set_remaining_days(clock.remaining_days);
            payload.set_period_days(clock.period_days);
            for (v1::SlaState state : reached) {
              HistoryRow row;
              row.complaint_id = id;
              row.kind = v1::SLA_CHANGED;
              row.from_state = c->complaint.state();
              row.to_state = c->complaint.state();
              row.actor = actor;
              row.time = now;
              row.note = absl::StrCat("SLA ", v1::SlaState_Name(state));
              row.details = absl::StrCat("{\"sla_state\":\"", v1::SlaState_Name(state),
                                         "\",\"elapsed_days\":", clock.elapsed_days,
                                         ",\"allowed_days\":", clock.allowed_days, "}");
              RMHUB_RETURN_IF_ERROR(store.AppendHistory(std::move(row)).status());
              RMHUB_RETURN_IF_ERROR(store.AppendEvent(outbox::MakeEvent(
                  kSource, state == v1::BREACHED ? kSlaBreachedEvent : kSlaAtRiskEvent,
                  c->complaint.name(), actor, payload, now)));
              ++emitted;
              ++(state == v1::BREACHED ? breached : at_risk);
            }
            return absl::OkStatus();
          },
          nullptr);
      RMHUB_RETURN_IF_ERROR(s);
      stats.events += emitted;
      stats.at_risk += at_risk;
      stats.breached += breached;
    }
  }
}

}  // namespace rmhub::complaint
