// The calendar file at run time: start refuses a file without the current and next year, a
// reload replaces the calendar only when the new file is good.
#include "services/complaint/calendar_source.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rmhub::complaint {
namespace {

using ::testing::HasSubstr;

absl::TimeZone Shanghai() {
  absl::TimeZone z;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &z));
  return z;
}

// 31 December 2026, 20:00 UTC: already 2027 in Shanghai.
const absl::Time kNewYearInShanghai =
    absl::FromCivil(absl::CivilSecond(2026, 12, 31, 20, 0, 0), absl::UTCTimeZone());

class CalendarSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "complaint_calendar_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".txt";
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void Write(const std::string& text) {
    std::ofstream out(path_, std::ios::trunc);
    out << text;
  }
  std::string path_;
};

TEST_F(CalendarSourceTest, TheCommittedFileLoadsForThisYear) {
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 11, 28, 12, 0, 0), Shanghai());
  absl::StatusOr<Calendar> cal = LoadCalendarFile(RMHUB_COMPLAINT_CALENDAR, now, Shanghai());
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_TRUE(*cal->IsRestDay(absl::CivilDay(2026, 10, 1)));
}

TEST_F(CalendarSourceTest, StartNeedsTheCurrentAndNextYearInTheBanksZone) {
  Write("year 2026\nyear 2027\n");
  // In Shanghai it is already 2027, so 2028 is needed too.
  absl::StatusOr<std::unique_ptr<CalendarSource>> src =
      CalendarSource::Open(path_, kNewYearInShanghai, Shanghai());
  EXPECT_EQ(ErrorReason(src.status()), "CALENDAR_YEAR_MISSING");
  EXPECT_THAT(std::string(src.status().message()), HasSubstr("2028"));
  // The same instant read in UTC is still 2026.
  EXPECT_TRUE(CalendarSource::Open(path_, kNewYearInShanghai, absl::UTCTimeZone()).ok());
}

TEST_F(CalendarSourceTest, UnreadableOrBadFilesAreErrors) {
  absl::StatusOr<Calendar> missing =
      LoadCalendarFile(path_ + ".absent", kNewYearInShanghai, Shanghai());
  EXPECT_EQ(ErrorReason(missing.status()), "CALENDAR_FILE_UNREADABLE");
  Write("year 2027\nyear 2028\nholiday 2027-13-01\n");
  absl::StatusOr<Calendar> bad = LoadCalendarFile(path_, kNewYearInShanghai, Shanghai());
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad.status()).at(0).field, "line 3");
}

TEST_F(CalendarSourceTest, AFailedReloadKeepsTheCalendarInUse) {
  Write("year 2027\nyear 2028\nholiday 2027-03-01\n");
  absl::StatusOr<std::unique_ptr<CalendarSource>> src =
      CalendarSource::Open(path_, kNewYearInShanghai, Shanghai());
  ASSERT_TRUE(src.ok()) << src.status();
  std::shared_ptr<const Calendar> before = (*src)->Current();
  EXPECT_TRUE(*before->IsRestDay(absl::CivilDay(2027, 3, 1)));

  Write("year 2027\n");  // next year gone
  EXPECT_EQ(ErrorReason((*src)->Reload(kNewYearInShanghai)), "CALENDAR_YEAR_MISSING");
  EXPECT_EQ((*src)->Current(), before);

  Write("year 2027\nyear 2028\nholiday 2027-03-02\n");
  ASSERT_TRUE((*src)->Reload(kNewYearInShanghai).ok());
  std::shared_ptr<const Calendar> after = (*src)->Current();
  EXPECT_FALSE(*after->IsRestDay(absl::CivilDay(2027, 3, 1)));
  EXPECT_TRUE(*after->IsRestDay(absl::CivilDay(2027, 3, 2)));
  // A computation holding the old calendar keeps a valid one.
  EXPECT_TRUE(*before->IsRestDay(absl::CivilDay(2027, 3, 1)));
}

}  // namespace
}  // namespace rmhub::complaint
