#pragma once
// The risk-alert lifecycle (DOMAIN §6 风险预警), pure: an alert opens once when its condition
// first holds, stays open (OPEN or ACKNOWLEDGED) while it holds, resolves when it clears, and a
// later recurrence opens a new alert. Acknowledging takes a note and does not close the alert.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rmhub::analytics {

enum class AlertStatus { kOpen = 1, kAcknowledged = 2, kResolved = 3 };

// What to do with the alert of one (kind, subject) given its latest alert's state (nullopt: none
// ever) and whether the condition holds now.
enum class AlertAction { kNone, kOpen, kResolve };
AlertAction NextAlertAction(std::optional<AlertStatus> latest, bool condition_holds);

// Checks an acknowledgement: the note is 1..500 characters (INVALID_ARGUMENT "note"), the alert
// is not resolved (FAILED_PRECONDITION ALERT_RESOLVED).
absl::Status CheckAcknowledge(AlertStatus current, absl::string_view note);

// The cap rule: above 90 % of the cap (a cap of 0 = unknown, never alerts).
bool AboveCapThreshold(int64_t held, int64_t cap);

}  // namespace rmhub::analytics
