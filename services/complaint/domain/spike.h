#pragma once
// The category spike rule (DOMAIN.md §5 root cause, issue 10 point 6): a category whose count
// this week exceeds twice its trailing four-week average raises a risk alert in analytics.

#include <array>
#include <cstdint>

#include "absl/time/civil_time.h"

namespace rmhub::complaint {

// Weeks run Monday 00:00 to Monday 00:00 in the bank's zone; this is the Monday of `day`'s week.
absl::CivilDay WeekStart(absl::CivilDay day);

// this_week > 2 × (sum of the four previous weeks / 4), computed in integers
// (this_week × 2 > sum), and this_week ≥ min_count so that a single complaint in a quiet
// category (1 > 2 × 0) is not an alert.
bool IsCategorySpike(int64_t this_week, const std::array<int64_t, 4>& previous_weeks,
                     int64_t min_count = 3);

}  // namespace rmhub::complaint
