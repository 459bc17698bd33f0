#include "services/complaint/clock_steps.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/db/sql_values.h"
#include "common/encoding/utf8.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "services/complaint/domain/clock_history.h"

namespace rmhub::complaint {
namespace {

constexpr char kSource[] = "complaint";

struct Loaded {
  StoredComplaint complaint;
  std::vector<HistoryRow> history;
  ClockInput input;
  ClockResult clock;
};

absl::StatusOr<Loaded> Load(ComplaintStore& store, const ClockBook& clocks, int64_t id,
                            absl::Time now) {
  Loaded l;
  RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> c, store.GetComplaint(id, true));
  if (!c) return NotFound("COMPLAINT_NOT_FOUND", "no such complaint");
  l.complaint = *std::move(c);
  RMHUB_ASSIGN_OR_RETURN(l.history, store.ListHistory(id));
  RMHUB_ASSIGN_OR_RETURN(std::vector<ClockEvent> events, ClockEventsFromHistory(l.history));
  RMHUB_ASSIGN_OR_RETURN(l.input, FoldClockHistory(events));
  RMHUB_ASSIGN_OR_RETURN(l.clock,
                         clocks.Compute(l.complaint.complaint.jurisdiction(), l.history, now));
  return l;
}

// Appends `row`, stores the clock recomputed from the history with it, emits `event_type`, and
// returns the complaint as stored.
absl::StatusOr<StoredComplaint> Commit(ComplaintStore& store, const ClockBook& clocks, Loaded& l,
                                       HistoryRow row, const char* event_type, absl::Time now) {
  RMHUB_ASSIGN_OR_RETURN(HistoryRow stored, store.AppendHistory(std::move(row)));
  l.history.push_back(std::move(stored));
  RMHUB_ASSIGN_OR_RETURN(std::vector<ClockEvent> events, ClockEventsFromHistory(l.history));
  RMHUB_ASSIGN_OR_RETURN(ClockInput input, FoldClockHistory(events));
  RMHUB_ASSIGN_OR_RETURN(ClockResult clock,
                         clocks.Compute(l.complaint.complaint.jurisdiction(), l.history, now));
  const int64_t id = l.complaint.id;
  RMHUB_RETURN_IF_ERROR(store.UpdateClock(id, l.complaint.version, clock.deadline, clock.sla_state,
                                          input.extension_level, now));
  RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> after, store.GetComplaint(id, false));
  if (!after) return Internal("COMPLAINT_VANISHED", "the complaint disappeared in a transaction");
  v1::Complaint payload = ForEvent(after->complaint);
  payload.set_period_days(clock.period_days);
  payload.set_elapsed_days(clock.elapsed_days);
  payload.set_remaining_days(clock.remaining_days);
  RMHUB_RETURN_IF_ERROR(store.AppendEvent(outbox::MakeEvent(
      kSource, event_type, after->complaint.name(), l.history.back().actor, payload, now)));
  return *std::move(after);
}

HistoryRow NewRow(const StoredComplaint& c, v1::HistoryKind kind, const std::string& actor,
                  absl::Time now) {
  HistoryRow row;
  row.complaint_id = c.id;
  row.kind = kind;
  row.from_state = c.complaint.state();
  row.to_state = c.complaint.state();
  row.actor = actor;
  row.time = now;
  return row;
}

}  // namespace

absl::StatusOr<StoredComplaint> ExtendDeadline(ComplaintStore& store, const ClockBook& clocks,
                                               int64_t id, const ExtensionAsk& ask,
                                               const std::string& actor, absl::Time now) {
  if (!ask.approver.empty()) {
    RMHUB_RETURN_IF_ERROR(api::ParseName(ask.approver, "members", "approver").status());
  }
  RMHUB_ASSIGN_OR_RETURN(Loaded l, Load(store, clocks, id, now));
  const Profile& profile = ProfileFor(l.complaint.complaint.jurisdiction());
  RMHUB_ASSIGN_OR_RETURN(int level,
                         DecideExtension(profile, l.input.extension_level, l.clock, ask, now));
  HistoryRow row = NewRow(l.complaint, v1::EXTENDED, actor, now);
  row.note = ask.reason;
  row.details = ExtendedDetails(level, ask.approver, ask.complainant_informed_time);
  return Commit(store, clocks, l, std::move(row), kDeadlineExtendedEvent, now);
}

absl::StatusOr<StoredComplaint> RecordAppraisal(ComplaintStore& store, const ClockBook& clocks,
                                                int64_t id, AppraisalPeriod appraisal,
                                                const std::string& note, const std::string& actor,
                                                absl::Time now) {
  FieldErrors errors;
  if (appraisal.last < appraisal.first) {
    errors.Add("appraisal.end_date", "must not be before start_date");
  } else if (appraisal.last - appraisal.first >= 180) {
    errors.Add("appraisal.end_date", "an appraisal spans at most 180 days");
  }
  absl::optional<size_t> note_len = encoding::CountCodePoints(note);
  if (!note_len || *note_len < 1 || *note_len > 500) {
    errors.Add("appraisal.note", "required, 1-500 characters");
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_ASSIGN_OR_RETURN(Loaded l, Load(store, clocks, id, now));
  const Profile& profile = ProfileFor(l.complaint.complaint.jurisdiction());
  if (!profile.excludes_appraisals) {
    return FailedPrecondition("APPRAISAL_NOT_EXCLUDED",
                              absl::StrCat("the ", v1::Jurisdiction_Name(profile.jurisdiction),
                                           " profile does not exclude appraisal time"));
  }
  if (l.clock.stopped) {
    return FailedPrecondition("CLOCK_STOPPED", "the clock has stopped: nothing to exclude");
  }
  const absl::CivilDay receipt =
      absl::ToCivilDay(l.input.period_start, clocks.For(profile.jurisdiction).zone);
  if (appraisal.first <= receipt) {
    return InvalidField("appraisal.start_date", "must be after the day of receipt");
  }
  if (appraisal.id.empty()) {
    appraisal.id = absl::StrCat("a", l.input.appraisals.size() + 1);
  } else {
    bool known = false;
    for (const AppraisalPeriod& a : l.input.appraisals) known = known || a.id == appraisal.id;
    if (!known) {
      return InvalidField("appraisal.appraisal_id", "no such appraisal in the current period");
    }
  }
  HistoryRow row = NewRow(l.complaint, v1::APPRAISAL_RECORDED, actor, now);
  row.note = note;
  row.details = AppraisalDetails(appraisal);
  return Commit(store, clocks, l, std::move(row), kAppraisalRecordedEvent, now);
}

}  // namespace rmhub::complaint
