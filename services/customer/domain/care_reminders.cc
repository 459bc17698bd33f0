#include "services/customer/domain/care_reminders.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "services/customer/repository.h"

namespace rmhub::customer {
namespace {

using api::ToDate;

bool IsLeap(absl::civil_year_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

absl::CivilDay BirthdayIn(absl::civil_year_t year, int month, int dom) {
  if (month == 2 && dom == 29 && !IsLeap(year)) return absl::CivilDay(year, 2, 28);
  return absl::CivilDay(year, month, dom);
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& ts, const absl::TimeZone& zone) {
  return absl::ToCivilDay(absl::FromUnixSeconds(ts.seconds()), zone);
}

v1::CareReminder Reminder(v1::ReminderKind kind, const v1::Customer& c, absl::CivilDay date,
                          absl::CivilDay day, std::string detail) {
  v1::CareReminder r;
  r.set_kind(kind);
  r.set_customer(c.name());
  r.set_customer_display_name(c.display_name());
  *r.mutable_date() = ToDate(date);
  r.set_days_from_today(static_cast<int32_t>(date - day));
  r.set_detail(std::move(detail));
  return r;
}

void AddBirthday(const v1::Customer& c, absl::CivilDay day, int window,
                 std::vector<v1::CareReminder>& out) {
  if (c.type() == v1::CORPORATE || c.birthday().year() == 0) return;
  absl::CivilDay born(c.birthday().year(), c.birthday().month(), c.birthday().day());
  absl::CivilDay next = NextBirthday(born, day);
  if (next - day <= window) {
    out.push_back(
        Reminder(v1::BIRTHDAY, c, next, day, absl::StrCat("turns ", next.year() - born.year())));
  }
}

void AddUntouchedAndDormant(const v1::Customer& c, absl::CivilDay day, const absl::TimeZone& zone,
                            std::vector<v1::CareReminder>& out) {
  if (c.key_account()) {
    bool touched = c.has_last_interaction_time();
    absl::CivilDay last =
        touched ? DayOf(c.last_interaction_time(), zone) : DayOf(c.create_time(), zone);
    if (day - last >= kUntouchedDays) {
      out.push_back(Reminder(v1::KEY_ACCOUNT_UNTOUCHED, c, last, day,
                             touched ? absl::StrCat("no interaction for ", day - last, " days")
                                     : "never contacted since it was created"));
    }
  }
  if (c.status() == v1::DORMANT && c.has_status_change_time()) {
    absl::CivilDay since = DayOf(c.status_change_time(), zone);
    if (day - since <= kNewlyDormantDays && since <= day) {
      out.push_back(Reminder(v1::NEWLY_DORMANT, c, since, day, "turned DORMANT"));
    }
  }
}

}  // namespace

absl::CivilDay NextBirthday(absl::CivilDay birthday, absl::CivilDay day) {
  absl::CivilDay candidate = BirthdayIn(day.year(), birthday.month(), birthday.day());
  if (candidate < day) candidate = BirthdayIn(day.year() + 1, birthday.month(), birthday.day());
  return candidate;
}

std::vector<v1::CareReminder> ComputeCareReminders(const std::vector<v1::Customer>& book,
                                                   const std::vector<DueFollowUp>& follow_ups,
                                                   absl::CivilDay day, int window,
                                                   const absl::TimeZone& zone) {
  std::vector<v1::CareReminder> out;
  for (const v1::Customer& c : book) {
    AddBirthday(c, day, window, out);
    AddUntouchedAndDormant(c, day, zone, out);
  }
  for (const DueFollowUp& f : follow_ups) {
    v1::Customer c;
    c.set_name(f.customer);
    c.set_display_name(f.display_name);
    out.push_back(Reminder(v1::FOLLOW_UP_DUE, c, f.follow_up, day,
                           f.follow_up < day ? "follow-up overdue" : "follow-up due today"));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const v1::CareReminder& a, const v1::CareReminder& b) {
                     if (a.kind() != b.kind()) return a.kind() < b.kind();
                     return a.days_from_today() < b.days_from_today();
                   });
  return out;
}

}  // namespace rmhub::customer
