#pragma once
// The calendar file at run time: read at start (the server refuses to start without the current
// and the next year) and reloadable (an operator adds the next year's arrangement without a
// restart). A reload that fails keeps the calendar in use and says why.

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaint/domain/calendar.h"

namespace rmhub::complaint {

// Reads and parses `path`, then requires the year of `now` in `zone` and the next one.
// NOT_FOUND CALENDAR_FILE_UNREADABLE naming the path; the parser's INVALID_ARGUMENT naming the
// line; FAILED_PRECONDITION CALENDAR_YEAR_MISSING naming the year.
absl::StatusOr<Calendar> LoadCalendarFile(const std::string& path, absl::Time now,
                                          const absl::TimeZone& zone);

class CalendarSource {
 public:
  static absl::StatusOr<std::unique_ptr<CalendarSource>> Open(std::string path, absl::Time now,
                                                              absl::TimeZone zone);
  // The calendar in use; callers keep the pointer for one computation.
  std::shared_ptr<const Calendar> Current() const ABSL_LOCKS_EXCLUDED(mu_);
  // Re-reads the file; on any error the current calendar stays.
  absl::Status Reload(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  CalendarSource(std::string path, absl::TimeZone zone, Calendar calendar)
      : path_(std::move(path)),
        zone_(zone),
        current_(std::make_shared<const Calendar>(std::move(calendar))) {}

  const std::string path_;
  const absl::TimeZone zone_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Calendar> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rmhub::complaint
