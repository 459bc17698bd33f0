#include "common/clock/clock.h"

#include <gtest/gtest.h>

namespace rmhub {
namespace {

TEST(Clock, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'700'000'000));
  clock.Advance(absl::Hours(25));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'700'000'000 + 25 * 3600));
}

TEST(Clock, TodayUsesTheBankZoneNotUtc) {
  auto zone = LoadZone("Asia/Shanghai");
  ASSERT_TRUE(zone.ok());
  // 2024-02-28 17:30 UTC is already 2024-02-29 01:30 in Shanghai (leap day).
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2024, 2, 28, 17, 30, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Today(clock, *zone), absl::CivilDay(2024, 2, 29));
}

TEST(Clock, UnknownZoneNamesTheFlag) {
  auto zone = LoadZone("Mars/Olympus", "time_zone");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(zone.status().message().find("time_zone"), absl::string_view::npos);
}

}  // namespace
}  // namespace rmhub
