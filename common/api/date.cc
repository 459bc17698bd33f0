#include "common/api/date.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::api {

absl::optional<absl::CivilDay> CivilDayOf(int64_t year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return absl::nullopt;
  absl::CivilDay civil(year, month, day);
  // CivilDay normalises out-of-range parts: a real date survives unchanged.
  if (civil.year() != year || civil.month() != month || civil.day() != day) return absl::nullopt;
  return civil;
}

absl::StatusOr<absl::CivilDay> ParseDate(const common::v1::Date& date, const std::string& field) {
  if (!IsSetDate(date)) return InvalidField(field, "is required");
  absl::optional<absl::CivilDay> day = CivilDayOf(date.year(), date.month(), date.day());
  if (!day.has_value()) {
    return InvalidField(
        field, absl::StrCat("is not a valid calendar date in years ", kMinYear, "..", kMaxYear));
  }
  return *day;
}

absl::StatusOr<absl::CivilDay> ParseOptionalDate(const common::v1::Date& date,
                                                 const std::string& field,
                                                 absl::CivilDay fallback) {
  if (!IsSetDate(date)) return fallback;
  return ParseDate(date, field);
}

}  // namespace rmhub::api
