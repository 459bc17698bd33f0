#include "services/complaint/filing.h"

#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"
#include "services/complaint/domain/clock_history.h"
#include "services/complaint/domain/repeats.h"

namespace rmhub::complaint {

absl::StatusOr<FilingOutcome> FileOrMerge(ComplaintStore& store, const v1::Complaint& complaint,
                                          const std::string& actor, absl::Time now) {
  const std::string key =
      RepeatKey(complaint.customer(), complaint.category(), complaint.subject());
  const absl::Time received = db::TimeFromTimestamp(complaint.receive_time());
  for (int attempt = 0; attempt < 2; ++attempt) {
    RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> holder, store.FindRepeatHolder(key));
    if (holder) {
      if (IsRepeatOf(holder->complaint, holder->repeat_key, key, received,
                     db::TimeFromTimestamp(holder->complaint.deadline()))) {
        RMHUB_RETURN_IF_ERROR(store.AddMergedRepeat(holder->id, now));
        HistoryRow row;
        row.complaint_id = holder->id;
        row.kind = v1::REPEAT_MERGED;
        row.from_state = holder->complaint.state();
        row.to_state = holder->complaint.state();
        row.actor = actor;
        row.time = now;
        row.note = "a repeat filing was merged into this complaint";
        row.details = absl::StrCat("{\"channel\":\"", v1::Channel_Name(complaint.channel()),
                                   "\",\"receive_time_us\":", absl::ToUnixMicros(received), "}");
        RMHUB_RETURN_IF_ERROR(store.AppendHistory(std::move(row)).status());
        return FilingOutcome{holder->id, true};
      }
      // Its period is over (or it is no longer open): it stops absorbing repeats.
      RMHUB_RETURN_IF_ERROR(store.ReleaseRepeatKey(holder->id, now));
    }
    absl::StatusOr<int64_t> id = store.InsertComplaint(complaint, key, now);
    if (!id.ok() && ErrorReason(id.status()) == "REPEAT_KEY_TAKEN") continue;
    if (!id.ok()) return id.status();
    HistoryRow row;
    row.complaint_id = *id;
    row.kind = v1::FILED;
    row.from_state = v1::COMPLAINT_STATE_UNSPECIFIED;
    row.to_state = v1::RECEIVED;
    row.actor = actor;
    row.time = now;
    row.details = FiledDetails(received);
    RMHUB_RETURN_IF_ERROR(store.AppendHistory(std::move(row)).status());
    return FilingOutcome{*id, false};
  }
  return Aborted("FILING_CONTENDED",
                 "the open complaint for this repeat changed twice during the filing; retry");
}

}  // namespace rmhub::complaint
