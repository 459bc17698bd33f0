#include "services/task/domain/task_rules.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"

namespace rmhub::task {
namespace {

constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void CheckName(FieldErrors& errors, const std::string& field, const std::string& value,
               absl::string_view collection, bool required) {
  if (value.empty()) {
    if (required) errors.Add(field, "is required");
    return;
  }
  auto id = api::ParseName(value, collection, field);
  if (!id.ok()) errors.Add(field, absl::StrCat("must be \"", collection, "/{id}\""));
}

void CheckTime(FieldErrors& errors, const std::string& field, bool has,
               const google::protobuf::Timestamp& ts, bool required, absl::Time after) {
  if (!has) {
    if (required) errors.Add(field, "is required");
    return;
  }
  if (!IsValidTimestamp(ts)) {
    errors.Add(field, "is not a valid time");
  } else if (ToTime(ts) <= after) {
    errors.Add(field, "must be in the future");
  }
}

}  // namespace

bool IsValidTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= kMinSeconds && ts.seconds() <= kMaxSeconds && ts.nanos() >= 0 &&
         ts.nanos() <= 999'999'999;
}

void NormalizeAndValidateTask(v1::Task& t, absl::Time due_after, const std::string& prefix,
                              FieldErrors& errors) {
  const auto f = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (t.type() == v1::TASK_TYPE_UNSPECIFIED || !v1::TaskType_IsValid(t.type())) {
    errors.Add(f("type"), "is required (CUSTOMER_VISIT, DUE_DILIGENCE, ...)");
  }
  api::CheckText(errors, f("title"), t.title(), 200, /*required=*/true);
  api::CheckText(errors, f("description"), t.description(), 4000, /*required=*/false);
  if (t.priority() == v1::PRIORITY_UNSPECIFIED) t.set_priority(v1::NORMAL);
  if (!v1::Priority_IsValid(t.priority())) errors.Add(f("priority"), "is not a priority");
  CheckName(errors, f("team"), t.team(), "teams", /*required=*/true);
  CheckName(errors, f("requesting_team"), t.requesting_team(), "teams", /*required=*/false);
  if (t.type() == v1::CROSS_DEPARTMENT) {
    if (t.requesting_team().empty()) {
      errors.Add(f("requesting_team"), "a cross-department request names the team asking");
    } else if (t.requesting_team() == t.team()) {
      errors.Add(f("requesting_team"), "must be another team than the serving one");
    }
  } else if (!t.requesting_team().empty()) {
    errors.Add(f("requesting_team"), "only CROSS_DEPARTMENT tasks have a requesting team");
  }
  CheckName(errors, f("related_customer"), t.related_customer(), "customers", false);
  CheckName(errors, f("related_complaint"), t.related_complaint(), "complaints", false);
  CheckTime(errors, f("due_time"), t.has_due_time(), t.due_time(), /*required=*/true, due_after);
  if (t.progress() < 0 || t.progress() > 100) {
    errors.Add(f("progress"), "must be 0-100");
  } else if (t.progress() == 100 && t.status() != v1::DONE) {
    errors.Add(f("progress"), "is 100 only when the task is DONE (use TransitionTask)");
  }
  if (t.milestones_size() > kMaxMilestones) {
    errors.Add(f("milestones"), absl::StrCat("at most ", kMaxMilestones));
  }
  for (int i = 0; i < t.milestones_size(); ++i) {
    const std::string m = absl::StrCat(prefix, "milestones[", i, "]");
    api::CheckText(errors, m + ".title", t.milestones(i).title(), 200, /*required=*/true);
    if (t.milestones(i).has_due_time() && !IsValidTimestamp(t.milestones(i).due_time())) {
      errors.Add(m + ".due_time", "is not a valid time");
    }
  }
  if (t.dependencies_size() > 20) errors.Add(f("dependencies"), "at most 20");
  for (int i = 0; i < t.dependencies_size(); ++i) {
    CheckName(errors, absl::StrCat(prefix, "dependencies[", i, "]"), t.dependencies(i), "tasks",
              /*required=*/true);
  }
  if (t.checklist_size() > kMaxChecklistItems) {
    errors.Add(f("checklist"), absl::StrCat("at most ", kMaxChecklistItems));
  }
  for (int i = 0; i < t.checklist_size(); ++i) {
    api::CheckText(errors, absl::StrCat(prefix, "checklist[", i, "].text"), t.checklist(i).text(),
                   200, /*required=*/true);
  }
}

void ValidateMeeting(const v1::Meeting& m, absl::Time now, FieldErrors& errors) {
  CheckName(errors, "meeting.team", m.team(), "teams", /*required=*/true);
  api::CheckText(errors, "meeting.title", m.title(), 200, /*required=*/true);
  CheckTime(errors, "meeting.start_time", m.has_start_time(), m.start_time(), /*required=*/true,
            absl::InfinitePast());
  if (m.attendees_size() > kMaxAttendees) {
    errors.Add("meeting.attendees", absl::StrCat("at most ", kMaxAttendees));
  }
  for (int i = 0; i < m.attendees_size(); ++i) {
    CheckName(errors, absl::StrCat("meeting.attendees[", i, "]"), m.attendees(i), "members", true);
  }
  api::CheckText(errors, "meeting.agenda", m.agenda(), 4000, /*required=*/false);
  api::CheckText(errors, "meeting.minutes", m.minutes(), 20000, /*required=*/false);
  if (m.action_items_size() > kMaxActionItems) {
    errors.Add("meeting.action_items", absl::StrCat("at most ", kMaxActionItems));
  }
  for (int i = 0; i < m.action_items_size(); ++i) {
    const std::string a = absl::StrCat("meeting.action_items[", i, "]");
    api::CheckText(errors, a + ".title", m.action_items(i).title(), 200, /*required=*/true);
    CheckName(errors, a + ".owner", m.action_items(i).owner(), "members", /*required=*/true);
    CheckTime(errors, a + ".due_time", m.action_items(i).has_due_time(),
              m.action_items(i).due_time(), /*required=*/true, now);
  }
}

}  // namespace rmhub::task
