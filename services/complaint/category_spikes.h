#pragma once
// The category spike sweep (DOMAIN.md §5 root cause, issue 10 point 6): a category whose count
// of complaints received this week (Monday 00:00 in the bank's zone) exceeds twice its trailing
// four-week average (domain/spike.h) is published once per category and week as
// `complaint.category_spike`, for analytics' risk alert. Every replica may sweep: the claim row
// (category, week) makes the event once-only.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/complaint/repository.h"

namespace rmhub::complaint {

inline constexpr char kCategorySpikeEvent[] = "complaint.category_spike";

// The aggregate of a category's spike events: "complaintCategories/PRODUCT".
std::string CategoryAggregate(v1::Category category);

// One pass at `now`; returns how many spike events this call emitted.
absl::StatusOr<int> SweepCategorySpikes(ComplaintRepository& repository, const absl::TimeZone& zone,
                                        absl::Time now, const std::string& actor);

}  // namespace rmhub::complaint
