#include "services/complaint/domain/calendar.h"

#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/errors.h"

namespace rmhub::complaint {
namespace {

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

absl::Status LineError(int line, const std::string& what) {
  return InvalidField(absl::StrCat("line ", line), what);
}

}  // namespace

bool ParseCivilDay(absl::string_view text, absl::CivilDay* day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &y) || !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return false;
  }
  absl::CivilDay parsed(y, m, d);
  // CivilDay normalises 2026-02-30 to 2026-03-02: refuse anything that does not round-trip.
  if (parsed.year() != y || parsed.month() != m || parsed.day() != d) return false;
  *day = parsed;
  return true;
}

std::string FormatCivilDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<Calendar> Calendar::Parse(absl::string_view text) {
  Calendar cal;
  std::vector<std::pair<int, absl::CivilDay>> dated;  // (line, day) to check against years
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() < 2) return LineError(line_no, "expected '<year|holiday|workday> <value>'");
    absl::string_view kind = words[0];
    if (kind == "year") {
      int year = 0;
      if (!absl::SimpleAtoi(words[1], &year) || year < 1970 || year > 9999) {
        return LineError(line_no, absl::StrCat("'", words[1], "' is not a year"));
      }
      cal.years_.insert(year);
    } else if (kind == "holiday") {
      std::vector<absl::string_view> ends = absl::StrSplit(words[1], "..");
      absl::CivilDay first, last;
      if (ends.size() > 2 || !ParseCivilDay(ends[0], &first) ||
          !ParseCivilDay(ends.back(), &last)) {
        return LineError(
            line_no, absl::StrCat("'", words[1], "' is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"));
      }
      if (last < first || last - first > 30) {
        return LineError(line_no, "a holiday range runs forward and spans at most 31 days");
      }
      for (absl::CivilDay d = first; d <= last; ++d) {
        cal.holidays_.insert(d);
        dated.emplace_back(line_no, d);
      }
    } else if (kind == "workday") {
      absl::CivilDay d;
      if (!ParseCivilDay(words[1], &d)) {
        return LineError(line_no, absl::StrCat("'", words[1], "' is not YYYY-MM-DD"));
      }
      if (!IsWeekend(d)) {
        return LineError(line_no, absl::StrCat(words[1],
                                               " is not a Saturday or Sunday; only a "
                                               "weekend day can be a make-up workday"));
      }
      cal.workdays_.insert(d);
      dated.emplace_back(line_no, d);
    } else {
      return LineError(
          line_no, absl::StrCat("unknown entry '", kind, "' (expected year, holiday or workday)"));
    }
  }
  for (const auto& [line, day] : dated) {
    if (!cal.CoversYear(static_cast<int>(day.year()))) {
      return LineError(line, absl::StrCat(FormatCivilDay(day), " lies in ", day.year(),
                                          ", which no 'year' line declares"));
    }
    if (cal.holidays_.count(day) && cal.workdays_.count(day)) {
      return LineError(line, absl::StrCat(FormatCivilDay(day), " is both a holiday and a workday"));
    }
  }
  if (cal.years_.empty()) return InvalidField("line 1", "the calendar declares no year");
  return cal;
}

absl::Status Calendar::RequireYears(const std::vector<int>& years) const {
  for (int y : years) {
    if (!CoversYear(y)) {
      return FailedPrecondition("CALENDAR_YEAR_MISSING",
                                absl::StrCat("the calendar file does not cover ", y,
                                             "; add its holidays and make-up workdays"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Calendar::IsRestDay(absl::CivilDay day) const {
  if (!CoversYear(static_cast<int>(day.year()))) {
    return FailedPrecondition("CALENDAR_YEAR_MISSING",
                              absl::StrCat("the calendar does not cover ", day.year(),
                                           " (needed for ", FormatCivilDay(day), ")"));
  }
  if (workdays_.count(day)) return false;
  if (holidays_.count(day)) return true;
  return IsWeekend(day);
}

}  // namespace rmhub::complaint
