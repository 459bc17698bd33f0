#include "services/complaint/domain/clock_history.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/complaint/domain/workflow.h"

namespace rmhub::complaint {
namespace {

absl::Status Unreadable(const HistoryRow& row, absl::string_view what) {
  return Internal(
      "HISTORY_UNREADABLE",
      absl::StrCat("history row ", row.sequence, " of complaints/", row.complaint_id, ": ", what));
}

absl::StatusOr<google::protobuf::Struct> Details(const HistoryRow& row) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(row.details, &s).ok()) {
    return Unreadable(row, "details are not a JSON object");
  }
  return s;
}

bool Number(const google::protobuf::Struct& s, const char* key, double* out) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || !it->second.has_number_value()) return false;
  *out = it->second.number_value();
  return true;
}

bool Text(const google::protobuf::Struct& s, const char* key, std::string* out) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || !it->second.has_string_value()) return false;
  *out = it->second.string_value();
  return true;
}

}  // namespace

std::string FiledDetails(absl::Time receive_time) {
  // Microseconds stay below 2^53 until the year 2255, so a JSON number carries them exactly.
  return absl::StrCat("{\"receive_time_us\":", absl::ToUnixMicros(receive_time), "}");
}

std::string ExtendedDetails(int level, const std::string& approver,
                            std::optional<absl::Time> informed) {
  // Approvers are resource names ("members/7"): no character needs escaping.
  std::string out = absl::StrCat("{\"level\":", level);
  if (!approver.empty()) absl::StrAppend(&out, ",\"approver\":\"", approver, "\"");
  if (informed) absl::StrAppend(&out, ",\"informed_us\":", absl::ToUnixMicros(*informed));
  return out + "}";
}

std::string AppraisalDetails(const AppraisalPeriod& a) {
  // Ids are service-assigned ("a1", "a2", ...): no character needs escaping.
  return absl::StrCat("{\"id\":\"", a.id, "\",\"first\":\"", FormatCivilDay(a.first),
                      "\",\"last\":\"", FormatCivilDay(a.last), "\"}");
}

absl::StatusOr<std::vector<ClockEvent>> ClockEventsFromHistory(
    const std::vector<HistoryRow>& rows) {
  std::vector<ClockEvent> events;
  for (const HistoryRow& row : rows) {
    ClockEvent e;
    e.time = row.time;
    switch (row.kind) {
      case v1::FILED: {
        RMHUB_ASSIGN_OR_RETURN(google::protobuf::Struct d, Details(row));
        double micros = 0;
        if (!Number(d, "receive_time_us", &micros)) return Unreadable(row, "no receive_time_us");
        e.kind = ClockEvent::Kind::kReceived;
        e.time = absl::FromUnixMicros(static_cast<int64_t>(micros));
        break;
      }
      case v1::STEP:
        if (row.to_state == v1::REOPENED) {
          e.kind = ClockEvent::Kind::kReopened;
        } else if (StopsClock(row.to_state)) {
          e.kind = ClockEvent::Kind::kStopped;
        } else {
          continue;
        }
        break;
      case v1::EXTENDED: {
        RMHUB_ASSIGN_OR_RETURN(google::protobuf::Struct d, Details(row));
        double level = 0;
        if (!Number(d, "level", &level) || level < 1) return Unreadable(row, "no level");
        e.kind = ClockEvent::Kind::kExtended;
        e.level = static_cast<int>(level);
        break;
      }
      case v1::APPRAISAL_RECORDED: {
        RMHUB_ASSIGN_OR_RETURN(google::protobuf::Struct d, Details(row));
        std::string first, last;
        e.kind = ClockEvent::Kind::kAppraisal;
        if (!Text(d, "id", &e.appraisal.id) || !Text(d, "first", &first) ||
            !Text(d, "last", &last) || !ParseCivilDay(first, &e.appraisal.first) ||
            !ParseCivilDay(last, &e.appraisal.last)) {
          return Unreadable(row, "appraisal needs id, first and last");
        }
        break;
      }
      default:
        continue;
    }
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace rmhub::complaint
