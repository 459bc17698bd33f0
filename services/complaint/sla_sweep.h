#pragma once
// The complaint clock over stored complaints: the clock computed from a complaint's history, and
// the SLA sweep that emits an event the first time a complaint becomes AT_RISK and the first
// time it is BREACHED — once per complaint, even when every replica sweeps.
//
// Once: each complaint is handled in its own transaction that locks the complaint row, recomputes
// the clock from the history, and claims the event with a conditional write on sla_reported
// (ComplaintStore::RecordSla). A second replica waits for the lock, then finds nothing new to
// report; on Galera, where row locks are node-local, the conditional write makes the two
// transactions conflict at certification and the loser's retry finds nothing new either.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/outbox/outbox.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/domain/calendar.h"
#include "services/complaint/domain/clock.h"
#include "services/complaint/domain/history_chain.h"
#include "services/complaint/repository.h"

namespace rmhub::complaint {

// Where each jurisdiction's clock runs: its zone and rest-day calendar (not owned).
struct ClockSetting {
  absl::TimeZone zone;
  const Calendar* calendar = nullptr;
};

class ClockBook {
 public:
  // `fallback` serves every jurisdiction without its own setting (and UNSPECIFIED).
  explicit ClockBook(ClockSetting fallback) : fallback_(fallback) {}
  void Set(v1::Jurisdiction jurisdiction, ClockSetting setting) {
    settings_[jurisdiction] = setting;
  }
  const ClockSetting& For(v1::Jurisdiction jurisdiction) const;

  // The clock of a complaint from its full history (domain/clock_history.h), at `now`.
  absl::StatusOr<ClockResult> Compute(v1::Jurisdiction jurisdiction,
                                      const std::vector<HistoryRow>& history, absl::Time now) const;

 private:
  ClockSetting fallback_;
  std::map<v1::Jurisdiction, ClockSetting> settings_;
};

// The event types the sweep emits.
inline constexpr char kSlaAtRiskEvent[] = "complaint.sla_at_risk";
inline constexpr char kSlaBreachedEvent[] = "complaint.sla_breached";

// What goes to analytics about a complaint: its categorical fields, people, times, clock and
// outcome; never its free text (description, request, findings, solution, notes), which may
// carry personal data or investigation notes.
v1::Complaint ForEvent(const v1::Complaint& complaint);

struct SweepStats {
  int checked = 0;
  int events = 0;
  int at_risk = 0;   // complaint.sla_at_risk events among them
  int breached = 0;  // complaint.sla_breached events among them
};

// One pass over every complaint whose BREACHED event is not out yet, `page` ids per read.
// `actor` is the sweeping service ("services/complaint").
absl::StatusOr<SweepStats> SweepSla(ComplaintRepository& repository, const ClockBook& clocks,
                                    absl::Time now, const std::string& actor, int page = 200);

}  // namespace rmhub::complaint
