#include "services/complaint/domain/spike.h"

namespace rmhub::complaint {

absl::CivilDay WeekStart(absl::CivilDay day) {
  return absl::PrevWeekday(day + 1, absl::Weekday::monday);
}

bool IsCategorySpike(int64_t this_week, const std::array<int64_t, 4>& previous_weeks,
                     int64_t min_count) {
  int64_t sum = 0;
  for (int64_t w : previous_weeks) sum += w;
  return this_week >= min_count && this_week * 2 > sum;
}

}  // namespace rmhub::complaint
