#pragma once
// The regulatory clock (DOMAIN.md §5, 银行业保险业消费投诉处理管理办法 2020, PRC Civil Code
// arts. 201 and 203), and its jurisdiction profiles. Pure: the deadline, the elapsed and
// remaining days and the SLA state are a function of the complaint's recorded clock history,
// the calendar and the evaluation time only. Nothing is adjusted incrementally: any change to
// the history (an extension, a corrected appraisal, a reopening) is a new fold from scratch.
//
// Counting (CN_NFRA, calendar days):
//  - the day of receipt (civil day in the bank's zone) is not counted; day 1 is the next day;
//  - days inside a recorded external appraisal are not counted;
//  - the last day is the N-th counted day; when it is a rest day (weekend or holiday per the
//    calendar, a make-up workday is a working day) it moves to the first working day after;
//  - the deadline is 24:00 of the last day, i.e. 00:00 of the following day in the zone;
//  - a day counts as used from its first moment: on day 12 of 15, 12 days are used;
//  - AT_RISK when used ≥ 80 % of the allowed days (the counted days up to and including the
//    possibly moved last day); BREACHED when the evaluation time is at or after the deadline;
//  - the clock stops when the decision reaches the complainant (AWAITING_CUSTOMER), or the
//    complaint is rejected, withdrawn or closed: everything is then evaluated at the stop time;
//  - reopening starts a new period from the reopening time (as a new receipt, extensions and
//    appraisals of the old period no longer apply).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/domain/calendar.h"

namespace rmhub::complaint {

// A regime of the clock.
struct Profile {
  v1::Jurisdiction jurisdiction = v1::JURISDICTION_UNSPECIFIED;
  // The period's length in calendar days before any extension.
  int base_days = 0;
  // The period after the 1st, 2nd, … extension (CN: 30, 60; US: 60; UK: none).
  std::vector<int> extension_days;
  // The first extension level that needs a senior approver and the complainant informed (CN: 2;
  // 0 = none needs it).
  int approval_from_level = 0;
  // A last day in a rest period moves to the next working day (CN only).
  bool roll_out_of_rest = false;
  // Recorded external appraisal days are excluded (CN only).
  bool excludes_appraisals = false;
  // Business days for a summary resolution (UK: 3; 0 = none).
  int summary_business_days = 0;
  // Whether the final period consults the calendar at all.
  bool uses_calendar() const { return roll_out_of_rest || summary_business_days > 0; }
};

// CN_NFRA: 15 → 30 → 60 days, Civil Code counting, appraisal exclusion, senior approval for the
// second extension. UK_FCA: 8 weeks (56 days) final, 3 business days summary, no extension.
// US_CFPB: 15 days, one extension to 60. UNSPECIFIED gives CN_NFRA.
const Profile& ProfileFor(v1::Jurisdiction jurisdiction);

// An external appraisal as currently recorded (the last correction of its id wins).
struct AppraisalPeriod {
  std::string id;
  absl::CivilDay first;
  absl::CivilDay last;
};

// One recorded fact of a complaint's history that the clock looks at.
struct ClockEvent {
  enum class Kind { kReceived, kExtended, kAppraisal, kStopped, kReopened };
  Kind kind = Kind::kReceived;
  absl::Time time;            // when it happened (receipt time for kReceived)
  int level = 0;              // kExtended: the level reached
  AppraisalPeriod appraisal;  // kAppraisal
};

// The clock's inputs folded from the history (the current period only).
struct ClockInput {
  absl::Time period_start;  // receipt, or the last reopening
  int extension_level = 0;
  std::vector<AppraisalPeriod> appraisals;
  std::optional<absl::Time> stop_time;
};

// Folds the events in recorded order. INVALID_ARGUMENT when the first event is not kReceived.
absl::StatusOr<ClockInput> FoldClockHistory(const std::vector<ClockEvent>& events);

struct ClockResult {
  absl::Time deadline;
  absl::CivilDay last_day;
  int period_days = 0;   // N after extensions
  int allowed_days = 0;  // counted days up to and including the (moved) last day
  int elapsed_days = 0;  // counted days used at the evaluation time
  int remaining_days = 0;
  v1::SlaState sla_state = v1::SLA_STATE_UNSPECIFIED;
  bool stopped = false;
  std::optional<absl::Time> summary_deadline;  // UK_FCA only
};

// Computes the clock at `now`. CALENDAR_YEAR_MISSING when a day it must classify lies outside
// the calendar.
absl::StatusOr<ClockResult> ComputeClock(const ClockInput& input, const Profile& profile,
                                         const Calendar& calendar, const absl::TimeZone& zone,
                                         absl::Time now);

// An extension asked for.
struct ExtensionAsk {
  std::string reason;
  std::string approver;          // "members/{id}" or ""
  bool approver_senior = false;  // the service's verdict on the approver's rank
  std::optional<absl::Time> complainant_informed_time;
};

// Decides an ExtendDeadline on a complaint whose clock is `current` at `now`; returns the new
// level. FAILED_PRECONDITION: CLOCK_STOPPED, DEADLINE_PASSED (an extension cannot paper over a
// breach), NO_FURTHER_EXTENSION (naming the profile's maximum), APPROVER_NOT_SENIOR,
// COMPLAINANT_NOT_INFORMED. INVALID_ARGUMENT on reason (1–1000 characters), approver (required
// for an approved level), complainant_informed_time (not in the future).
absl::StatusOr<int> DecideExtension(const Profile& profile, int current_level,
                                    const ClockResult& current, const ExtensionAsk& ask,
                                    absl::Time now);

// SLA changes the sweep reports: the states newly reached between `before` and `after`, in order
// (ON_TRACK → BREACHED reports AT_RISK then BREACHED, so each gets its one event).
std::vector<v1::SlaState> NewlyReached(v1::SlaState before, v1::SlaState after);

}  // namespace rmhub::complaint
