#include "services/analytics/domain/alerts.h"

#include "common/status/errors.h"

namespace rmhub::analytics {

AlertAction NextAlertAction(std::optional<AlertStatus> latest, bool condition_holds) {
  bool open = latest.has_value() && *latest != AlertStatus::kResolved;
  if (condition_holds) return open ? AlertAction::kNone : AlertAction::kOpen;
  return open ? AlertAction::kResolve : AlertAction::kNone;
}

absl::Status CheckAcknowledge(AlertStatus current, absl::string_view note) {
  if (note.empty() || note.size() > 500) {
    return InvalidField("note", "a note of 1..500 characters is required");
  }
  if (current == AlertStatus::kResolved) {
    return FailedPrecondition("ALERT_RESOLVED", "the alert is resolved");
  }
  return absl::OkStatus();
}

bool AboveCapThreshold(int64_t held, int64_t cap) { return cap > 0 && held * 10 > cap * 9; }

}  // namespace rmhub::analytics
