#pragma once
// The clock's view of a complaint's recorded history: which history rows are clock facts and how
// their details are written, so the deadline is always recomputed from the stored history
// (domain/clock.h) and never kept as mutable state.
//
// Rows and their clock meaning:
//   FILED                      receipt, at details.receive_time_us (Unix microseconds)
//   STEP to a clock-stopping state (workflow.h StopsClock)   the clock stops at the row's time
//   STEP to REOPENED           a new period starts at the row's time
//   EXTENDED                   details.level reached
//   APPRAISAL_RECORDED         details.id, details.first, details.last ("YYYY-MM-DD")
// Details are JSON objects; the service writes them with the functions below.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/complaint/domain/clock.h"
#include "services/complaint/domain/history_chain.h"

namespace rmhub::complaint {

std::string FiledDetails(absl::Time receive_time);
// `approver` and `informed` are recorded for the record; the clock reads only the level.
std::string ExtendedDetails(int level, const std::string& approver = "",
                            std::optional<absl::Time> informed = std::nullopt);
std::string AppraisalDetails(const AppraisalPeriod& appraisal);

// INTERNAL HISTORY_UNREADABLE naming the row when a clock row's details do not parse.
absl::StatusOr<std::vector<ClockEvent>> ClockEventsFromHistory(const std::vector<HistoryRow>& rows);

}  // namespace rmhub::complaint
