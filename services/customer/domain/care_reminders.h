#pragma once
// Care reminders (客户关怀) for a manager on a day, computed from the manager's book with the
// injected clock's day in the bank's zone: birthdays within N days, follow-ups due, key accounts
// with no interaction for 30 days, customers turned DORMANT within 30 days.

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "rmhub/customer/v1/customer.pb.h"

namespace rmhub::customer {

struct DueFollowUp;  // repository.h

inline constexpr int kUntouchedDays = 30;
inline constexpr int kNewlyDormantDays = 30;

// The next birthday on or after `day`. A 29 February birthday falls on 28 February in common
// years (the last day of the birth month, as banks' card systems do).
absl::CivilDay NextBirthday(absl::CivilDay birthday, absl::CivilDay day);

std::vector<v1::CareReminder> ComputeCareReminders(const std::vector<v1::Customer>& book,
                                                   const std::vector<DueFollowUp>& follow_ups,
                                                   absl::CivilDay day, int birthday_window_days,
                                                   const absl::TimeZone& zone);

}  // namespace rmhub::customer
