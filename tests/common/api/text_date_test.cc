// The one text check (code points, UTF-8) and the one date parser (real dates, 1900..2999).
#include <gtest/gtest.h>

#include <string>

#include "common/api/date.h"
#include "common/api/text.h"
#include "common/status/errors.h"

namespace rmhub::api {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(CheckText, CountsCharactersNotBytes) {
  const std::string zhang = "\xe5\xbc\xa0";  // 张: 3 bytes, 1 character
  EXPECT_TRUE(CheckText("name", Repeat(zhang, 100), 100).ok());
  absl::Status s = CheckText("name", Repeat(zhang, 101), 100);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolations(s).size(), 1u);
  EXPECT_EQ(FieldViolations(s)[0].field, "name");
  EXPECT_EQ(FieldViolations(s)[0].description, "must be at most 100 characters");
  // 101 ASCII characters are too many too, though far fewer bytes than 3 x 100.
  EXPECT_FALSE(CheckText("name", std::string(101, 'a'), 100).ok());
}

TEST(CheckText, RefusesInvalidUtf8) {
  absl::Status s = CheckText("note", "ok\xff", 1000);
  ASSERT_EQ(FieldViolations(s).size(), 1u);
  EXPECT_EQ(FieldViolations(s)[0].field, "note");
  EXPECT_EQ(FieldViolations(s)[0].description, "must be valid UTF-8");
}

TEST(CheckText, RequiredMeansNotEmpty) {
  FieldErrors errors;
  CheckText(errors, "display_name", "", 100, /*required=*/true);
  CheckText(errors, "industry", "", 64, /*required=*/false);
  ASSERT_EQ(errors.violations().size(), 1u);
  EXPECT_EQ(errors.violations()[0].field, "display_name");
  EXPECT_EQ(errors.violations()[0].description, "is required");
}

common::v1::Date D(int y, int m, int d) {
  common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

TEST(ParseDate, AcceptsRealDatesInTheYearRange) {
  EXPECT_EQ(*ParseDate(D(2024, 2, 29), "d"), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(*ParseDate(D(kMinYear, 1, 1), "d"), absl::CivilDay(1900, 1, 1));
  EXPECT_EQ(*ParseDate(D(kMaxYear, 12, 31), "d"), absl::CivilDay(2999, 12, 31));
}

TEST(ParseDate, RefusesWhatIsNotADateInRange) {
  for (const auto& d : {D(2023, 2, 29), D(2024, 13, 1), D(2024, 4, 31), D(1899, 12, 31),
                        D(3000, 1, 1), D(2024, 0, 1), D(2024, 1, 0)}) {
    absl::Status s = ParseDate(d, "birthday").status();
    ASSERT_EQ(FieldViolations(s).size(), 1u) << d.ShortDebugString();
    EXPECT_EQ(FieldViolations(s)[0].field, "birthday");
  }
  EXPECT_EQ(FieldViolations(ParseDate(D(0, 0, 0), "d").status())[0].description, "is required");
}

TEST(ParseDate, AnUnsetOptionalDateIsTheFallback) {
  absl::CivilDay today(2026, 1, 31);
  EXPECT_EQ(*ParseOptionalDate(D(0, 0, 0), "d", today), today);
  EXPECT_EQ(*ParseOptionalDate(D(2026, 2, 1), "d", today), absl::CivilDay(2026, 2, 1));
  EXPECT_FALSE(ParseOptionalDate(D(2026, 2, 30), "d", today).ok());
}

TEST(CivilDayOf, IsTheOneRangeCheck) {
  EXPECT_TRUE(CivilDayOf(1990, 3, 7).has_value());
  EXPECT_FALSE(CivilDayOf(1990, 2, 30).has_value());
  EXPECT_FALSE(CivilDayOf(1899, 1, 1).has_value());
  EXPECT_FALSE(CivilDayOf(3000, 1, 1).has_value());
}

}  // namespace
}  // namespace rmhub::api
