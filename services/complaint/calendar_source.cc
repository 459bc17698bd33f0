#include "services/complaint/calendar_source.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::complaint {

absl::StatusOr<Calendar> LoadCalendarFile(const std::string& path, absl::Time now,
                                          const absl::TimeZone& zone) {
  std::ifstream in(path);
  if (!in) {
    return NotFound("CALENDAR_FILE_UNREADABLE",
                    absl::StrCat("cannot read the calendar file ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Calendar> calendar = Calendar::Parse(text.str());
  if (!calendar.ok()) return calendar.status();
  const int year = static_cast<int>(absl::ToCivilYear(now, zone).year());
  RMHUB_RETURN_IF_ERROR(calendar->RequireYears({year, year + 1}));
  return calendar;
}

absl::StatusOr<std::unique_ptr<CalendarSource>> CalendarSource::Open(std::string path,
                                                                     absl::Time now,
                                                                     absl::TimeZone zone) {
  absl::StatusOr<Calendar> calendar = LoadCalendarFile(path, now, zone);
  if (!calendar.ok()) return calendar.status();
  return std::unique_ptr<CalendarSource>(
      new CalendarSource(std::move(path), zone, *std::move(calendar)));
}

std::shared_ptr<const Calendar> CalendarSource::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status CalendarSource::Reload(absl::Time now) {
  absl::StatusOr<Calendar> calendar = LoadCalendarFile(path_, now, zone_);
  if (!calendar.ok()) return calendar.status();
  auto next = std::make_shared<const Calendar>(*std::move(calendar));
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
  return absl::OkStatus();
}

}  // namespace rmhub::complaint
