// The regulatory clock without a database: Civil Code counting in the bank's zone, the calendar
// file, extensions, appraisal exclusion, withdrawal, reopening, SLA boundaries, and the same
// cases under each jurisdiction profile.
#include "services/complaint/domain/clock.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/complaint/domain/calendar.h"
#include "services/complaint/domain/clock_history.h"
#include "tests/services/complaint/complaint_test_util.h"

namespace rmhub::complaint {
namespace {

using Kind = ClockEvent::Kind;

using testutil::CnCalendar;
using testutil::Zone;

// England and Wales bank holidays of 2026, for the UK profile's business days.
const Calendar& UkCalendar() {
  static const Calendar* const cal = [] {
    absl::StatusOr<Calendar> parsed = Calendar::Parse(
        "year 2026\nholiday 2026-01-01\nholiday 2026-04-03\nholiday 2026-04-06\n"
        "holiday 2026-05-04\nholiday 2026-05-25\nholiday 2026-08-31\nholiday 2026-12-25\n"
        "holiday 2026-12-28\n");
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return new Calendar(*parsed);
  }();
  return *cal;
}

// A civil time in `zone`.
absl::Time At(const absl::TimeZone& zone, int y, int m, int d, int hh = 10, int mm = 0,
              int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), zone);
}

ClockEvent Received(absl::Time t) { return ClockEvent{Kind::kReceived, t, 0, {}}; }
ClockEvent Extended(absl::Time t, int level) { return ClockEvent{Kind::kExtended, t, level, {}}; }
ClockEvent Stopped(absl::Time t) { return ClockEvent{Kind::kStopped, t, 0, {}}; }
ClockEvent Reopened(absl::Time t) { return ClockEvent{Kind::kReopened, t, 0, {}}; }
ClockEvent Appraisal(absl::Time t, const std::string& id, absl::CivilDay first,
                     absl::CivilDay last) {
  return ClockEvent{Kind::kAppraisal, t, 0, AppraisalPeriod{id, first, last}};
}

struct Case {
  std::string name;
  std::vector<ClockEvent> history;
  absl::Time now;
  absl::CivilDay want_last_day;  // the deadline is 00:00 of the day after, in the zone
  int want_period_days;
  v1::SlaState want_sla;
  int want_elapsed = -1;  // -1: not checked
  int want_remaining = -1;
  bool want_stopped = false;
};

void RunCases(const std::vector<Case>& cases, v1::Jurisdiction jurisdiction,
              const Calendar& calendar, const absl::TimeZone& zone) {
  const Profile& profile = ProfileFor(jurisdiction);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<ClockInput> in = FoldClockHistory(c.history);
    ASSERT_TRUE(in.ok()) << in.status();
    absl::StatusOr<ClockResult> r = ComputeClock(*in, profile, calendar, zone, c.now);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->last_day, c.want_last_day) << FormatCivilDay(r->last_day);
    EXPECT_EQ(r->deadline, absl::FromCivil(absl::CivilSecond(c.want_last_day + 1), zone));
    EXPECT_EQ(r->period_days, c.want_period_days);
    EXPECT_EQ(r->sla_state, c.want_sla) << v1::SlaState_Name(r->sla_state);
    if (c.want_elapsed >= 0) {
      EXPECT_EQ(r->elapsed_days, c.want_elapsed);
    }
    if (c.want_remaining >= 0) {
      EXPECT_EQ(r->remaining_days, c.want_remaining);
    }
    EXPECT_EQ(r->stopped, c.want_stopped);
  }
}

using D = absl::CivilDay;

// ---- the calendar file ----

TEST(Calendar, CommittedFileCoversTheCurrentAndNextYear) {
  EXPECT_TRUE(CnCalendar().RequireYears({2026, 2027}).ok());
  absl::Status missing = CnCalendar().RequireYears({2026, 2028});
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(missing), "CALENDAR_YEAR_MISSING");
  EXPECT_THAT(std::string(missing.message()), ::testing::HasSubstr("2028"));
}

TEST(Calendar, RestDaysWorkdaysAndMissingYears) {
  const Calendar& cal = CnCalendar();
  EXPECT_TRUE(*cal.IsRestDay(D(2026, 3, 7)));    // Saturday
  EXPECT_FALSE(*cal.IsRestDay(D(2026, 3, 9)));   // Monday
  EXPECT_TRUE(*cal.IsRestDay(D(2026, 10, 5)));   // National Day, a Monday
  EXPECT_FALSE(*cal.IsRestDay(D(2026, 2, 14)));  // make-up Saturday
  EXPECT_FALSE(*cal.IsRestDay(D(2026, 1, 4)));   // make-up Sunday
  EXPECT_TRUE(*cal.IsRestDay(D(2027, 2, 8)));    // 正月初三 2027, a Monday
  absl::StatusOr<bool> outside = cal.IsRestDay(D(2028, 1, 3));
  EXPECT_EQ(ErrorReason(outside.status()), "CALENDAR_YEAR_MISSING");
}

TEST(Calendar, BadFilesNameTheLine) {
  struct Bad {
    std::string text;
    std::string line;
  };
  for (const Bad& b : std::vector<Bad>{
           {"year 2026\nholiday 2026-02-30\n", "line 2"},
           {"year 2026\nworkday 2026-03-04\n", "line 2"},  // a Wednesday
           {"year 2026\nholiday 2027-01-01\n", "line 2"},  // year not declared
           {"year 2026\nholiday 2026-03-10..2026-03-01\n", "line 2"},
           {"year 2026\n\n# c\nvacation 2026-03-01\n", "line 4"},
           {"year 2026\nholiday 2026-03-07\nworkday 2026-03-07\n", "line 2"},
           {"year twenty\n", "line 1"},
           {"", "line 1"},
       }) {
    SCOPED_TRACE(b.text);
    absl::StatusOr<Calendar> c = Calendar::Parse(b.text);
    ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldViolations(c.status()).at(0).field, b.line);
  }
}

// ---- CN_NFRA ----

TEST(ClockCn, CivilCodeCounting) {
  const absl::TimeZone sh = Zone("Asia/Shanghai");
  const absl::TimeZone utc = absl::UTCTimeZone();
  std::vector<Case> cases = {
      {"plain: day of receipt not counted, 15th day a Tuesday",
       {Received(At(sh, 2026, 3, 2))},
       At(sh, 2026, 3, 5),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK,
       3,
       12},
      {"23:30 in Shanghai is still the 2nd there (15:30 UTC)",
       {Received(At(utc, 2026, 3, 2, 15, 30))},
       At(sh, 2026, 3, 5),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK},
      {"00:30 in Shanghai on the 3rd is still the 2nd in UTC: Shanghai's day counts",
       {Received(At(utc, 2026, 3, 2, 16, 30))},
       At(sh, 2026, 3, 5),
       D(2026, 3, 18),
       15,
       v1::ON_TRACK},
      {"last day a Saturday: moves past the weekend to Monday",
       {Received(At(sh, 2026, 3, 6))},
       At(sh, 2026, 3, 7),
       D(2026, 3, 23),
       15,
       v1::ON_TRACK,
       1,
       16},
      {"last day in the National Day block: the day after the block",
       {Received(At(sh, 2026, 9, 16))},
       At(sh, 2026, 9, 17),
       D(2026, 10, 8),
       15,
       v1::ON_TRACK},
      {"last day the first day of Spring Festival: the day after it ends",
       {Received(At(sh, 2026, 1, 31))},
       At(sh, 2026, 2, 1),
       D(2026, 2, 24),
       15,
       v1::ON_TRACK},
      {"last day a make-up Saturday: a working day, it stays",
       {Received(At(sh, 2026, 2, 13))},
       At(sh, 2026, 2, 14),
       D(2026, 2, 28),
       15,
       v1::ON_TRACK},
      {"received in 2025, last day the make-up Sunday 2026-01-04",
       {Received(At(sh, 2025, 12, 20))},
       At(sh, 2025, 12, 21),
       D(2026, 1, 4),
       15,
       v1::ON_TRACK},
      {"first extension: 30 days",
       {Received(At(sh, 2026, 3, 2)), Extended(At(sh, 2026, 3, 10), 1)},
       At(sh, 2026, 3, 12),
       D(2026, 4, 1),
       30,
       v1::ON_TRACK,
       10,
       20},
      {"second extension: 60 days, last day 1 May moves past Labour Day",
       {Received(At(sh, 2026, 3, 2)), Extended(At(sh, 2026, 3, 10), 1),
        Extended(At(sh, 2026, 3, 25), 2)},
       At(sh, 2026, 3, 26),
       D(2026, 5, 6),
       60,
       v1::ON_TRACK},
      {"appraisal 5–9 March excluded: five days later, then past the weekend",
       {Received(At(sh, 2026, 3, 2)),
        Appraisal(At(sh, 2026, 3, 4), "a1", D(2026, 3, 5), D(2026, 3, 9))},
       At(sh, 2026, 3, 12),
       D(2026, 3, 23),
       15,
       v1::ON_TRACK,
       5,
       11},
      {"a corrected appraisal gives what the corrected one alone gives",
       {Received(At(sh, 2026, 3, 2)),
        Appraisal(At(sh, 2026, 3, 4), "a1", D(2026, 3, 5), D(2026, 3, 12)),
        Appraisal(At(sh, 2026, 3, 13), "a1", D(2026, 3, 5), D(2026, 3, 9))},
       At(sh, 2026, 3, 12),
       D(2026, 3, 23),
       15,
       v1::ON_TRACK,
       5,
       11},
      {"withdrawn on the 10th: the clock stopped there",
       {Received(At(sh, 2026, 3, 2)), Stopped(At(sh, 2026, 3, 10, 15))},
       At(sh, 2026, 4, 30),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK,
       8,
       7,
       true},
      {"decision told after the deadline: breached, frozen",
       {Received(At(sh, 2026, 3, 2)), Stopped(At(sh, 2026, 3, 18, 9))},
       At(sh, 2026, 6, 1),
       D(2026, 3, 17),
       15,
       v1::BREACHED,
       16,
       0,
       true},
      {"reopened on 20 April: a new period, the old extension gone",
       {Received(At(sh, 2026, 3, 2)), Extended(At(sh, 2026, 3, 5), 1), Stopped(At(sh, 2026, 3, 10)),
        Reopened(At(sh, 2026, 4, 20))},
       At(sh, 2026, 4, 21),
       D(2026, 5, 6),
       15,
       v1::ON_TRACK,
       1,
       -1,
       false},
  };
  RunCases(cases, v1::CN_NFRA, CnCalendar(), sh);
}

TEST(ClockCn, AtRiskAndBreachedBoundaries) {
  const absl::TimeZone sh = Zone("Asia/Shanghai");
  const std::vector<ClockEvent> h = {Received(At(sh, 2026, 3, 2))};
  // 15 allowed days: 80 % is 12 used days, i.e. from 00:00 of 14 March (day 12).
  std::vector<Case> cases = {
      {"11 days used", h, At(sh, 2026, 3, 13, 23, 59, 59), D(2026, 3, 17), 15, v1::ON_TRACK, 11, 4},
      {"12 days used: AT_RISK", h, At(sh, 2026, 3, 14, 0, 0, 0), D(2026, 3, 17), 15, v1::AT_RISK,
       12, 3},
      {"last second of the last day", h, At(sh, 2026, 3, 17, 23, 59, 59), D(2026, 3, 17), 15,
       v1::AT_RISK, 15, 0},
      {"24:00 of the last day: BREACHED", h, At(sh, 2026, 3, 18, 0, 0, 0), D(2026, 3, 17), 15,
       v1::BREACHED, 16, 0},
  };
  RunCases(cases, v1::CN_NFRA, CnCalendar(), sh);
  // A moved last day gives more allowed days: received Friday 6 March, 17 allowed (to Monday
  // 23 March): AT_RISK from 14 used days (14 × 5 ≥ 17 × 4), not 12.
  const std::vector<ClockEvent> fri = {Received(At(sh, 2026, 3, 6))};
  RunCases({{"13 of 17", fri, At(sh, 2026, 3, 19, 12), D(2026, 3, 23), 15, v1::ON_TRACK, 13, 4},
            {"14 of 17", fri, At(sh, 2026, 3, 20, 0), D(2026, 3, 23), 15, v1::AT_RISK, 14, 3}},
           v1::CN_NFRA, CnCalendar(), sh);
}

TEST(ClockCn, ALastDayOutsideTheCalendarIsAnError) {
  const absl::TimeZone sh = Zone("Asia/Shanghai");
  absl::StatusOr<ClockInput> in = FoldClockHistory({Received(At(sh, 2027, 12, 20))});
  ASSERT_TRUE(in.ok());
  absl::StatusOr<ClockResult> r =
      ComputeClock(*in, ProfileFor(v1::CN_NFRA), CnCalendar(), sh, At(sh, 2027, 12, 21));
  EXPECT_EQ(ErrorReason(r.status()), "CALENDAR_YEAR_MISSING");
}

TEST(ClockCn, HistoryMustStartWithReceipt) {
  EXPECT_EQ(FoldClockHistory({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FoldClockHistory({Extended(absl::UnixEpoch(), 1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Recomputing from the whole history gives the same answer whatever the order in which the
// facts that do not depend on each other (extensions, appraisals) were recorded.
TEST(ClockCn, TheDeadlineIsAFunctionOfTheHistory) {
  const absl::TimeZone sh = Zone("Asia/Shanghai");
  const absl::Time now = At(sh, 2026, 3, 20);
  auto compute = [&](const std::vector<ClockEvent>& h) {
    absl::StatusOr<ClockResult> r =
        ComputeClock(*FoldClockHistory(h), ProfileFor(v1::CN_NFRA), CnCalendar(), sh, now);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->deadline : absl::InfinitePast();
  };
  const ClockEvent rec = Received(At(sh, 2026, 3, 2));
  const ClockEvent ext = Extended(At(sh, 2026, 3, 10), 1);
  const ClockEvent app = Appraisal(At(sh, 2026, 3, 11), "a1", D(2026, 3, 12), D(2026, 3, 20));
  const ClockEvent app2 = Appraisal(At(sh, 2026, 3, 11), "a2", D(2026, 3, 25), D(2026, 3, 26));
  const absl::Time a = compute({rec, ext, app, app2});
  EXPECT_EQ(a, compute({rec, app, ext, app2}));
  EXPECT_EQ(a, compute({rec, app2, app, ext}));
  // 30 days + 9 + 2 excluded: 2 March + 41 = 12 April (Sunday) → Monday 13 April.
  EXPECT_EQ(a, At(sh, 2026, 4, 14, 0));
}

// ---- the clock read from stored history rows ----

HistoryRow Row(v1::HistoryKind kind, v1::ComplaintState to, absl::Time t, std::string details) {
  HistoryRow r;
  r.kind = kind;
  r.to_state = to;
  r.time = t;
  r.details = std::move(details);
  return r;
}

TEST(ClockHistory, RowsBecomeClockEvents) {
  const absl::TimeZone sh = Zone("Asia/Shanghai");
  const absl::Time received = At(sh, 2026, 3, 2, 23, 30);
  std::vector<HistoryRow> rows = {
      Row(v1::FILED, v1::RECEIVED, received + absl::Hours(9), FiledDetails(received)),
      Row(v1::STEP, v1::UNDER_REVIEW, At(sh, 2026, 3, 3), "{}"),
      Row(v1::EXTENDED, v1::UNDER_REVIEW, At(sh, 2026, 3, 4), ExtendedDetails(1)),
      Row(v1::APPRAISAL_RECORDED, v1::UNDER_REVIEW, At(sh, 2026, 3, 4),
          AppraisalDetails({"a1", D(2026, 3, 5), D(2026, 3, 9)})),
      Row(v1::REPEAT_MERGED, v1::UNDER_REVIEW, At(sh, 2026, 3, 6), "{}"),
      Row(v1::STEP, v1::AWAITING_CUSTOMER, At(sh, 2026, 3, 20), "{}"),
      Row(v1::STEP, v1::CLOSED, At(sh, 2026, 3, 25), "{}"),
      Row(v1::STEP, v1::REOPENED, At(sh, 2026, 4, 20), "{}"),
  };
  absl::StatusOr<std::vector<ClockEvent>> events = ClockEventsFromHistory(rows);
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<Kind> kinds;
  for (const ClockEvent& e : *events) kinds.push_back(e.kind);
  EXPECT_THAT(kinds, ::testing::ElementsAre(Kind::kReceived, Kind::kExtended, Kind::kAppraisal,
                                            Kind::kStopped, Kind::kStopped, Kind::kReopened));
  EXPECT_EQ((*events)[0].time, received);  // the receipt, not the filing row's time
  EXPECT_EQ((*events)[1].level, 1);
  EXPECT_EQ((*events)[2].appraisal.id, "a1");
  EXPECT_EQ((*events)[2].appraisal.last, D(2026, 3, 9));
  EXPECT_EQ((*events)[3].time, At(sh, 2026, 3, 20));

  // Without the reopening: extension and appraisal apply, the clock stopped on the 20th.
  rows.pop_back();
  absl::StatusOr<ClockInput> in = FoldClockHistory(*ClockEventsFromHistory(rows));
  ASSERT_TRUE(in.ok());
  absl::StatusOr<ClockResult> r =
      ComputeClock(*in, ProfileFor(v1::CN_NFRA), CnCalendar(), sh, At(sh, 2026, 6, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->last_day, D(2026, 4, 6) + 1);  // 30 + 5 days = 6 April (清明), next working day
  EXPECT_TRUE(r->stopped);
  EXPECT_EQ(r->sla_state, v1::ON_TRACK);
}

TEST(ClockHistory, UnreadableDetailsNameTheRow) {
  for (const HistoryRow& bad : std::vector<HistoryRow>{
           Row(v1::FILED, v1::RECEIVED, absl::UnixEpoch(), "{}"),
           Row(v1::FILED, v1::RECEIVED, absl::UnixEpoch(), "not json"),
           Row(v1::EXTENDED, v1::RECEIVED, absl::UnixEpoch(), "{\"level\":0}"),
           Row(v1::APPRAISAL_RECORDED, v1::RECEIVED, absl::UnixEpoch(),
               "{\"id\":\"a1\",\"first\":\"2026-02-30\",\"last\":\"2026-03-01\"}"),
       }) {
    HistoryRow row = bad;
    row.complaint_id = 7;
    row.sequence = 4;
    absl::StatusOr<std::vector<ClockEvent>> events = ClockEventsFromHistory({row});
    EXPECT_EQ(ErrorReason(events.status()), "HISTORY_UNREADABLE") << bad.details;
    EXPECT_THAT(std::string(events.status().message()),
                ::testing::HasSubstr("history row 4 of complaints/7"));
  }
}

// ---- extensions ----

TEST(Extensions, FifteenThirtySixtyWithASeniorApproverForTheSecond) {
  const absl::TimeZone sh = Zone("Asia/Shanghai");
  const Profile& cn = ProfileFor(v1::CN_NFRA);
  const absl::Time now = At(sh, 2026, 3, 10);
  ClockResult running;
  running.deadline = At(sh, 2026, 3, 18, 0);
  ExtensionAsk ask;
  ask.reason = "需要调取录音并核实多笔交易";
  EXPECT_EQ(*DecideExtension(cn, 0, running, ask, now), 1);  // no approver needed

  absl::StatusOr<int> second = DecideExtension(cn, 1, running, ask, now);
  ASSERT_EQ(second.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(second.status()).at(0).field, "approver");

  ask.approver = "members/7";
  EXPECT_EQ(ErrorReason(DecideExtension(cn, 1, running, ask, now).status()), "APPROVER_NOT_SENIOR");
  ask.approver_senior = true;
  EXPECT_EQ(ErrorReason(DecideExtension(cn, 1, running, ask, now).status()),
            "COMPLAINANT_NOT_INFORMED");
  ask.complainant_informed_time = now + absl::Hours(1);
  EXPECT_EQ(FieldViolations(DecideExtension(cn, 1, running, ask, now).status()).at(0).field,
            "complainant_informed_time");
  ask.complainant_informed_time = now - absl::Hours(1);
  EXPECT_EQ(*DecideExtension(cn, 1, running, ask, now), 2);
  absl::Status third = DecideExtension(cn, 2, running, ask, now).status();
  EXPECT_EQ(ErrorReason(third), "NO_FURTHER_EXTENSION");
  EXPECT_THAT(std::string(third.message()), ::testing::HasSubstr("60 days"));
}

TEST(Extensions, RefusedWhenStoppedOrLateOrWithoutReason) {
  const Profile& cn = ProfileFor(v1::CN_NFRA);
  const absl::Time now = absl::FromUnixSeconds(1'780'000'000);
  ClockResult running;
  running.deadline = now + absl::Hours(1);
  ExtensionAsk ask;
  EXPECT_EQ(FieldViolations(DecideExtension(cn, 0, running, ask, now).status()).at(0).field,
            "reason");
  ask.reason = "complex";
  ClockResult stopped = running;
  stopped.stopped = true;
  EXPECT_EQ(ErrorReason(DecideExtension(cn, 0, stopped, ask, now).status()), "CLOCK_STOPPED");
  ClockResult late = running;
  late.deadline = now;
  EXPECT_EQ(ErrorReason(DecideExtension(cn, 0, late, ask, now).status()), "DEADLINE_PASSED");
}

TEST(Sla, EachStateIsReachedOnce) {
  using ::testing::ElementsAre;
  EXPECT_THAT(NewlyReached(v1::ON_TRACK, v1::AT_RISK), ElementsAre(v1::AT_RISK));
  EXPECT_THAT(NewlyReached(v1::ON_TRACK, v1::BREACHED), ElementsAre(v1::AT_RISK, v1::BREACHED));
  EXPECT_THAT(NewlyReached(v1::AT_RISK, v1::BREACHED), ElementsAre(v1::BREACHED));
  EXPECT_TRUE(NewlyReached(v1::AT_RISK, v1::AT_RISK).empty());
  EXPECT_TRUE(NewlyReached(v1::BREACHED, v1::ON_TRACK).empty());  // after an extension
  EXPECT_TRUE(NewlyReached(v1::AT_RISK, v1::ON_TRACK).empty());
}

// ---- UK_FCA: 8 weeks final response, 3 business days summary resolution ----

TEST(ClockUk, SameCases) {
  const absl::TimeZone ldn = Zone("Europe/London");
  std::vector<Case> cases = {
      {"plain: 56 days after the day of receipt",
       {Received(At(ldn, 2026, 3, 2))},
       At(ldn, 2026, 3, 5),
       D(2026, 4, 27),
       56,
       v1::ON_TRACK,
       3,
       53},
      {"23:30 in London is still that day there",
       {Received(At(ldn, 2026, 3, 2, 23, 30))},
       At(ldn, 2026, 3, 5),
       D(2026, 4, 27),
       56,
       v1::ON_TRACK},
      {"last day a Friday before a weekend: calendar days, no move",
       {Received(At(ldn, 2026, 3, 6))},
       At(ldn, 2026, 3, 7),
       D(2026, 5, 1),
       56,
       v1::ON_TRACK},
      {"last day a Sunday: no move either",
       {Received(At(ldn, 2026, 3, 8))},
       At(ldn, 2026, 3, 9),
       D(2026, 5, 3),
       56,
       v1::ON_TRACK},
      {"an appraisal is not excluded under FCA rules",
       {Received(At(ldn, 2026, 3, 2)),
        Appraisal(At(ldn, 2026, 3, 4), "a1", D(2026, 3, 5), D(2026, 3, 9))},
       At(ldn, 2026, 3, 5),
       D(2026, 4, 27),
       56,
       v1::ON_TRACK},
      {"withdrawn: stopped",
       {Received(At(ldn, 2026, 3, 2)), Stopped(At(ldn, 2026, 3, 10))},
       At(ldn, 2026, 6, 1),
       D(2026, 4, 27),
       56,
       v1::ON_TRACK,
       8,
       48,
       true},
      {"44 of 56 days (78.6 %)",
       {Received(At(ldn, 2026, 3, 2))},
       At(ldn, 2026, 4, 15, 23, 59, 59),
       D(2026, 4, 27),
       56,
       v1::ON_TRACK,
       44},
      {"45 of 56 days (80.4 %): AT_RISK",
       {Received(At(ldn, 2026, 3, 2))},
       At(ldn, 2026, 4, 16),
       D(2026, 4, 27),
       56,
       v1::AT_RISK,
       45},
      {"24:00 of the last day: BREACHED",
       {Received(At(ldn, 2026, 3, 2))},
       At(ldn, 2026, 4, 28),
       D(2026, 4, 27),
       56,
       v1::BREACHED},
  };
  RunCases(cases, v1::UK_FCA, UkCalendar(), ldn);
}

TEST(ClockUk, SummaryResolutionCountsBusinessDays) {
  const absl::TimeZone ldn = Zone("Europe/London");
  struct Summary {
    absl::Time received;
    absl::CivilDay last;
  };
  for (const Summary& s : std::vector<Summary>{
           {At(ldn, 2026, 3, 2), D(2026, 3, 5)},   // Monday → Thursday
           {At(ldn, 2026, 3, 6), D(2026, 3, 11)},  // Friday → Wednesday after the weekend
           {At(ldn, 2026, 4, 2), D(2026, 4, 9)},   // Easter: Good Friday and Monday skipped
       }) {
    absl::StatusOr<ClockResult> r =
        ComputeClock(*FoldClockHistory({Received(s.received)}), ProfileFor(v1::UK_FCA),
                     UkCalendar(), ldn, s.received);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->summary_deadline.has_value());
    EXPECT_EQ(*r->summary_deadline, absl::FromCivil(absl::CivilSecond(s.last + 1), ldn))
        << FormatCivilDay(s.last);
  }
  ExtensionAsk ask;
  ask.reason = "complex";
  ClockResult running;
  running.deadline = absl::InfiniteFuture();
  EXPECT_EQ(
      ErrorReason(
          DecideExtension(ProfileFor(v1::UK_FCA), 0, running, ask, absl::UnixEpoch()).status()),
      "NO_FURTHER_EXTENSION");
}

// ---- US_CFPB: 15 calendar days, one extension to 60 ----

TEST(ClockUs, SameCases) {
  const absl::TimeZone ny = Zone("America/New_York");
  std::vector<Case> cases = {
      {"plain",
       {Received(At(ny, 2026, 3, 2))},
       At(ny, 2026, 3, 5),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK,
       3,
       12},
      {"23:30 in New York (04:30 UTC next day) is that day in New York",
       {Received(At(ny, 2026, 3, 2, 23, 30))},
       At(ny, 2026, 3, 5),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK},
      {"last day a Saturday: calendar days, no move",
       {Received(At(ny, 2026, 3, 6))},
       At(ny, 2026, 3, 7),
       D(2026, 3, 21),
       15,
       v1::ON_TRACK},
      {"over the New Year holiday: no move",
       {Received(At(ny, 2025, 12, 17))},
       At(ny, 2025, 12, 18),
       D(2026, 1, 1),
       15,
       v1::ON_TRACK},
      {"extended to 60",
       {Received(At(ny, 2026, 3, 6)), Extended(At(ny, 2026, 3, 10), 1)},
       At(ny, 2026, 3, 11),
       D(2026, 5, 5),
       60,
       v1::ON_TRACK},
      {"appraisal not excluded",
       {Received(At(ny, 2026, 3, 2)),
        Appraisal(At(ny, 2026, 3, 4), "a1", D(2026, 3, 5), D(2026, 3, 9))},
       At(ny, 2026, 3, 5),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK},
      {"withdrawn",
       {Received(At(ny, 2026, 3, 2)), Stopped(At(ny, 2026, 3, 10))},
       At(ny, 2026, 6, 1),
       D(2026, 3, 17),
       15,
       v1::ON_TRACK,
       8,
       7,
       true},
      {"12 of 15: AT_RISK",
       {Received(At(ny, 2026, 3, 2))},
       At(ny, 2026, 3, 14),
       D(2026, 3, 17),
       15,
       v1::AT_RISK,
       12},
      {"BREACHED at 24:00 of the last day",
       {Received(At(ny, 2026, 3, 2))},
       At(ny, 2026, 3, 18),
       D(2026, 3, 17),
       15,
       v1::BREACHED},
  };
  // The US profile never consults the calendar: a calendar without these years is fine.
  RunCases(cases, v1::US_CFPB, UkCalendar(), ny);
  ExtensionAsk ask;
  ask.reason = "complex";
  ClockResult running;
  running.deadline = absl::InfiniteFuture();
  const Profile& us = ProfileFor(v1::US_CFPB);
  EXPECT_EQ(*DecideExtension(us, 0, running, ask, absl::UnixEpoch()), 1);
  EXPECT_EQ(ErrorReason(DecideExtension(us, 1, running, ask, absl::UnixEpoch()).status()),
            "NO_FURTHER_EXTENSION");
}

}  // namespace
}  // namespace rmhub::complaint
