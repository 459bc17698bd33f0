#pragma once
// rmhub.common.v1.Date, the API's civil date (no time, no zone), to and from absl::CivilDay.
// The one calendar-date check of the suite: a real date (2023-02-29 is not one) in years
// kMinYear..kMaxYear. Whether a date may be in the future or must follow another is the
// caller's rule.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "rmhub/common/v1/common.pb.h"

namespace rmhub::api {

inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2999;

// True when any part is set: the all-zero Date is proto3's "no date".
inline bool IsSetDate(const common::v1::Date& d) {
  return d.year() != 0 || d.month() != 0 || d.day() != 0;
}

inline common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// The day `year`-`month`-`day` names, or nullopt when it is not a real calendar date in
// kMinYear..kMaxYear (absl would normalise 2023-02-30 to 2023-03-02; this refuses it).
absl::optional<absl::CivilDay> CivilDayOf(int64_t year, int month, int day);

// `date` as a civil day; INVALID_ARGUMENT naming `field` when it is unset or not a real date in
// the year range.
absl::StatusOr<absl::CivilDay> ParseDate(const common::v1::Date& date, const std::string& field);

// The same for an optional date: `fallback` when `date` is unset.
absl::StatusOr<absl::CivilDay> ParseOptionalDate(const common::v1::Date& date,
                                                 const std::string& field, absl::CivilDay fallback);

}  // namespace rmhub::api
