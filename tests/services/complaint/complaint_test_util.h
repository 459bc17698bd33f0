#pragma once
// Helpers of the complaint tests: zones and civil times, and the committed calendar file
// (RMHUB_COMPLAINT_CALENDAR, defined for every complaint test by its CMakeLists.txt).

#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/complaint/domain/calendar.h"

namespace rmhub::complaint::testutil {

inline absl::TimeZone Zone(const char* name) {
  absl::TimeZone z;
  EXPECT_TRUE(absl::LoadTimeZone(name, &z)) << name;
  return z;
}

inline absl::TimeZone Shanghai() { return Zone("Asia/Shanghai"); }

// A civil time in Shanghai.
inline absl::Time ShanghaiAt(int y, int m, int d, int hh = 10, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Shanghai());
}

// The committed CN calendar file, parsed once (a parse failure fails the test that asked).
inline const Calendar& CnCalendar() {
  static const Calendar* const cal = [] {
    std::ifstream in(RMHUB_COMPLAINT_CALENDAR);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<Calendar> parsed = Calendar::Parse(text.str());
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return new Calendar(parsed.ok() ? *parsed : Calendar());
  }();
  return *cal;
}

}  // namespace rmhub::complaint::testutil
