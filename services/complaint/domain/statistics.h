#pragma once
// GetComplaintStatistics' figures (DOMAIN.md §5 root cause and statistics), pure: the
// complaints received in the period are grouped by one dimension and counted.

#include <vector>

#include "rmhub/complaint/v1/complaint.pb.h"

namespace rmhub::complaint {

// One row per key that has complaints, ordered by count descending (then key). Per row:
//   closed           — state CLOSED;
//   decided_on_time  — the clock stopped (the decision reached the complainant, or it was
//                      rejected, withdrawn or closed) and its frozen SLA state is not BREACHED;
//   breached         — stored SLA state BREACHED;
//   median_handling_hours — median of close_time − receive_time over the closed ones;
//   mean_satisfaction     — mean satisfaction over the closed ones.
// `complaints` carry the stored fields (repository.h).
std::vector<v1::StatisticsRow> ComputeStatistics(const std::vector<v1::Complaint>& complaints,
                                                 v1::StatisticsDimension dimension);

// Whether the clock of the current period has stopped, judged from the stored state: the
// decision reached the complainant (AWAITING_CUSTOMER and after) or the complaint is final.
bool DecidedState(v1::ComplaintState state);

}  // namespace rmhub::complaint
