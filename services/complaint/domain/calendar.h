#pragma once
// The rest-day calendar of the regulatory clock (DOMAIN.md §5): weekends, public holidays, and
// the make-up workdays (调休上班) that turn a weekend day into a working day. Parsed from the
// calendar file's text (the service reads the file; this code does no I/O).
//
// File format, one entry a line, '#' starts a comment, blank lines ignored:
//   year 2026                                  the year is covered (every day of it is known)
//   holiday 2026-02-15..2026-02-23 春节         rest days, inclusive range (at most 31 days)
//   holiday 2026-04-05 清明节                   a single rest day
//   workday 2026-02-14 春节调休上班              a Saturday or Sunday that is a working day
// Every date must lie in a covered year; a day cannot be both holiday and workday; a workday
// must be a Saturday or Sunday (any other day is a working day already).
//
// A day of a year the file does not cover is an error (FAILED_PRECONDITION CALENDAR_YEAR_MISSING),
// never a silent weekends-only answer.

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace rmhub::complaint {

class Calendar {
 public:
  // INVALID_ARGUMENT naming the line ("line 7") and what is wrong.
  static absl::StatusOr<Calendar> Parse(absl::string_view text);

  bool CoversYear(int year) const { return years_.count(year) > 0; }
  // FAILED_PRECONDITION CALENDAR_YEAR_MISSING naming the first missing year. The service calls it
  // at start (and on reload) with the current and the next year.
  absl::Status RequireYears(const std::vector<int>& years) const;

  // Weekend or holiday, and not a make-up workday. CALENDAR_YEAR_MISSING outside covered years.
  absl::StatusOr<bool> IsRestDay(absl::CivilDay day) const;

  const std::set<int>& years() const { return years_; }

 private:
  std::set<int> years_;
  std::set<absl::CivilDay> holidays_;
  std::set<absl::CivilDay> workdays_;
};

// "YYYY-MM-DD" → civil day; false on anything else (including 2026-02-30).
bool ParseCivilDay(absl::string_view text, absl::CivilDay* day);
std::string FormatCivilDay(absl::CivilDay day);

}  // namespace rmhub::complaint
