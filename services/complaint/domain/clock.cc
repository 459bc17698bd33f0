#include "services/complaint/domain/clock.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/encoding/utf8.h"
#include "common/status/errors.h"

namespace rmhub::complaint {
namespace {

absl::CivilDay DayOf(absl::Time t, const absl::TimeZone& zone) { return absl::ToCivilDay(t, zone); }

bool Excluded(const ClockInput& input, const Profile& profile, absl::CivilDay day) {
  if (!profile.excludes_appraisals) return false;
  for (const AppraisalPeriod& a : input.appraisals) {
    if (day >= a.first && day <= a.last) return true;
  }
  return false;
}

// Counted days in (from, to].
int CountedDays(const ClockInput& input, const Profile& profile, absl::CivilDay from,
                absl::CivilDay to) {
  int n = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d) {
    if (!Excluded(input, profile, d)) ++n;
  }
  return n;
}

int Rank(v1::SlaState s) {
  switch (s) {
    case v1::AT_RISK:
      return 1;
    case v1::BREACHED:
      return 2;
    default:
      return 0;
  }
}

}  // namespace

const Profile& ProfileFor(v1::Jurisdiction jurisdiction) {
  static const Profile* const kCn = [] {
    auto* p = new Profile;
    p->jurisdiction = v1::CN_NFRA;
    p->base_days = 15;
    p->extension_days = {30, 60};
    p->approval_from_level = 2;
    p->roll_out_of_rest = true;
    p->excludes_appraisals = true;
    return p;
  }();
  static const Profile* const kUk = [] {
    auto* p = new Profile;
    p->jurisdiction = v1::UK_FCA;
    p->base_days = 56;  // 8 weeks
    p->summary_business_days = 3;
    return p;
  }();
  static const Profile* const kUs = [] {
    auto* p = new Profile;
    p->jurisdiction = v1::US_CFPB;
    p->base_days = 15;
    p->extension_days = {60};
    return p;
  }();
  switch (jurisdiction) {
    case v1::UK_FCA:
      return *kUk;
    case v1::US_CFPB:
      return *kUs;
    default:
      return *kCn;
  }
}

absl::StatusOr<ClockInput> FoldClockHistory(const std::vector<ClockEvent>& events) {
  if (events.empty() || events.front().kind != ClockEvent::Kind::kReceived) {
    return InvalidField("history", "a complaint's clock history starts with its receipt");
  }
  ClockInput in;
  for (const ClockEvent& e : events) {
    switch (e.kind) {
      case ClockEvent::Kind::kReceived:
      case ClockEvent::Kind::kReopened:
        in = ClockInput{};
        in.period_start = e.time;
        break;
      case ClockEvent::Kind::kExtended:
        in.extension_level = std::max(in.extension_level, e.level);
        break;
      case ClockEvent::Kind::kAppraisal: {
        auto it = std::find_if(in.appraisals.begin(), in.appraisals.end(),
                               [&](const AppraisalPeriod& a) { return a.id == e.appraisal.id; });
        if (it == in.appraisals.end()) {
          in.appraisals.push_back(e.appraisal);
        } else {
          *it = e.appraisal;  // a correction replaces the earlier record
        }
        break;
      }
      case ClockEvent::Kind::kStopped:
        if (!in.stop_time) in.stop_time = e.time;
        break;
    }
  }
  return in;
}

absl::StatusOr<ClockResult> ComputeClock(const ClockInput& input, const Profile& profile,
                                         const Calendar& calendar, const absl::TimeZone& zone,
                                         absl::Time now) {
  ClockResult r;
  const absl::CivilDay d0 = DayOf(input.period_start, zone);
  const int level =
      std::min<int>(input.extension_level, static_cast<int>(profile.extension_days.size()));
  r.period_days = level == 0 ? profile.base_days : profile.extension_days[level - 1];

  absl::CivilDay last = d0;
  for (int counted = 0; counted < r.period_days;) {
    ++last;
    if (!Excluded(input, profile, last)) ++counted;
  }
  if (profile.roll_out_of_rest) {
    for (;;) {
      absl::StatusOr<bool> rest = calendar.IsRestDay(last);
      if (!rest.ok()) return rest.status();
      if (!*rest) break;
      ++last;
    }
  }
  r.last_day = last;
  r.deadline = absl::FromCivil(absl::CivilSecond(last + 1), zone);
  r.allowed_days = CountedDays(input, profile, d0, last);

  if (profile.summary_business_days > 0) {
    absl::CivilDay d = d0;
    for (int counted = 0; counted < profile.summary_business_days;) {
      ++d;
      absl::StatusOr<bool> rest = calendar.IsRestDay(d);
      if (!rest.ok()) return rest.status();
      if (!*rest) ++counted;
    }
    r.summary_deadline = absl::FromCivil(absl::CivilSecond(d + 1), zone);
  }

  absl::Time at = now;
  if (input.stop_time && *input.stop_time < now) {
    at = *input.stop_time;
    r.stopped = true;
  }
  const absl::CivilDay today = DayOf(at, zone);
  r.elapsed_days = today > d0 ? CountedDays(input, profile, d0, today) : 0;
  r.remaining_days = std::max(0, r.allowed_days - r.elapsed_days);
  if (at >= r.deadline) {
    r.sla_state = v1::BREACHED;
  } else if (r.elapsed_days * 5 >= r.allowed_days * 4) {
    r.sla_state = v1::AT_RISK;
  } else {
    r.sla_state = v1::ON_TRACK;
  }
  return r;
}

absl::StatusOr<int> DecideExtension(const Profile& profile, int current_level,
                                    const ClockResult& current, const ExtensionAsk& ask,
                                    absl::Time now) {
  std::vector<FieldViolation> bad;
  absl::optional<size_t> reason_len = encoding::CountCodePoints(ask.reason);
  if (!reason_len || *reason_len < 1 || *reason_len > 1000) {
    bad.push_back({"reason", "required, 1-1000 characters"});
  }
  if (ask.complainant_informed_time && *ask.complainant_informed_time > now) {
    bad.push_back({"complainant_informed_time", "must not be in the future"});
  }
  const int next = current_level + 1;
  const bool needs_approval =
      profile.approval_from_level > 0 && next >= profile.approval_from_level;
  if (needs_approval && ask.approver.empty()) {
    bad.push_back({"approver", absl::StrCat("extension ", next, " needs a senior approver")});
  }
  if (!bad.empty()) return InvalidArgument(std::move(bad));

  if (current.stopped) {
    return FailedPrecondition("CLOCK_STOPPED",
                              "the clock has stopped (decision told, rejected, withdrawn or "
                              "closed): nothing to extend");
  }
  if (now >= current.deadline) {
    return FailedPrecondition("DEADLINE_PASSED",
                              "the deadline has passed: an extension must be decided within "
                              "the period");
  }
  if (next > static_cast<int>(profile.extension_days.size())) {
    int max_days =
        profile.extension_days.empty() ? profile.base_days : profile.extension_days.back();
    return FailedPrecondition(
        "NO_FURTHER_EXTENSION",
        absl::StrCat("the ", v1::Jurisdiction_Name(profile.jurisdiction), " profile allows ",
                     profile.extension_days.size(), " extension(s), ", max_days, " days at most"));
  }
  if (needs_approval) {
    if (!ask.approver_senior) {
      return FailedPrecondition(
          "APPROVER_NOT_SENIOR",
          absl::StrCat(ask.approver,
                       " is not of senior rank (branch manager or compliance); "
                       "extension ",
                       next, " needs one"));
    }
    if (!ask.complainant_informed_time) {
      return FailedPrecondition(
          "COMPLAINANT_NOT_INFORMED",
          absl::StrCat("extension ", next, " needs the time the complainant was informed"));
    }
  }
  return next;
}

std::vector<v1::SlaState> NewlyReached(v1::SlaState before, v1::SlaState after) {
  std::vector<v1::SlaState> out;
  for (v1::SlaState s : {v1::AT_RISK, v1::BREACHED}) {
    if (Rank(s) > Rank(before) && Rank(s) <= Rank(after)) out.push_back(s);
  }
  return out;
}

}  // namespace rmhub::complaint
