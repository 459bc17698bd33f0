#pragma once
// rmhub.common.v1.Date, the API's civil date (no time, no zone), to and from absl::CivilDay.

#include "absl/time/civil_time.h"
#include "rmhub/common/v1/common.pb.h"

namespace rmhub::api {

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

}  // namespace rmhub::api
