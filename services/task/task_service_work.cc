// Cross-department requests, the progress log, assignment by ability and load, workload,
// meetings and the overdue sweep.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/list_query.h"
#include "common/api/pagination.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"
#include "services/task/domain/access_policy.h"
#include "services/task/domain/list_filters.h"
#include "services/task/domain/ranking.h"
#include "services/task/domain/task_rules.h"
#include "services/task/domain/workflow.h"
#include "services/task/task_service.h"
#include "services/task/task_service_internal.h"

namespace rmhub::task {
namespace {

bool InTeam(const team::v1::Member& m, const std::string& team) {
  return m.home_team() == team || std::find(m.project_teams().begin(), m.project_teams().end(),
                                            team) != m.project_teams().end();
}

MemberFacts FactsOf(const team::v1::Member& m,
                    const std::map<int64_t, std::vector<OpenWork>>& work) {
  MemberFacts f;
  f.member_id = api::IdOf(m.name(), "members");
  f.active = m.status() == team::v1::ACTIVE;
  for (int s : m.skills())
    f.skills.push_back(team::v1::Skill_Name(static_cast<team::v1::Skill>(s)));
  if (auto it = work.find(f.member_id); it != work.end()) f.open = it->second;
  return f;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Cross-department requests

absl::StatusOr<v1::Task> TaskService::AcceptTaskRequest(const Caller& c,
                                                        const v1::AcceptTaskRequestRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "tasks", "name");
  if (!id.ok()) errors.Add("name", "must be \"tasks/{id}\"");
  auto assignee = api::ParseName(r.assignee(), "members", "assignee");
  if (!assignee.ok()) errors.Add("assignee", "must be \"members/{id}\"");
  RMHUB_RETURN_IF_ERROR(errors.Status());
  // The serving team's leader and the assignee's membership come from the team service first.
  StoredTask before;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) {
    return StoreInto(&before, [&] { return LoadWritable(store, p, *id, false); });
  }));
  RMHUB_ASSIGN_OR_RETURN(TeamFacts team,
                         directory_.GetTeam(api::IdOf(before.task.team(), "teams"), c));
  RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanLead(p, team.leader_id, team.branch_id));
  RMHUB_ASSIGN_OR_RETURN(std::vector<team::v1::Member> members,
                         directory_.GetMembers({*assignee}, c));
  if (members.empty() || members[0].status() != team::v1::ACTIVE) {
    return FailedPrecondition("ASSIGNEE_NOT_ACTIVE", absl::StrCat(r.assignee(), " is not active"));
  }
  if (!InTeam(members[0], before.task.team())) {
    return FailedPrecondition(
        "ASSIGNEE_NOT_IN_TEAM",
        absl::StrCat(r.assignee(), " is not a member of ", before.task.team()));
  }
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Task out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"AcceptTaskRequest", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, *id, true));
        if (current.task.team() != before.task.team()) {
          return Aborted("CONCURRENT_CHANGE", "the task changed meanwhile; retry");
        }
        if (current.task.acceptance() != v1::PENDING_ACCEPTANCE) {
          return FailedPrecondition("REQUEST_NOT_PENDING",
                                    "only a request waiting for acceptance is accepted");
        }
        RMHUB_ASSIGN_OR_RETURN(int64_t version, api::CheckEtag("", current.task.etag(), "etag"));
        v1::Task next = current.task;
        next.set_acceptance(v1::ACCEPTED);
        next.clear_assignees();
        next.add_assignees(r.assignee());
        RMHUB_RETURN_IF_ERROR(store.UpdateTask(*id, next, version, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(*id, false));
        out = stored->task;
        RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.request_accepted", out.name(), out));
        return Emit(store, p, "task.assigned", out.name(), out);
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, out, delivery);
      }));
  return out;
}

absl::StatusOr<v1::Task> TaskService::DeclineTaskRequest(const Caller& c,
                                                         const v1::DeclineTaskRequestRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "tasks", "name");
  if (!id.ok()) errors.Add("name", "must be \"tasks/{id}\"");
  api::CheckText(errors, "reason", r.reason(), 500, /*required=*/true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  StoredTask before;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) {
    return StoreInto(&before, [&] { return LoadWritable(store, p, *id, false); });
  }));
  RMHUB_ASSIGN_OR_RETURN(TeamFacts team,
                         directory_.GetTeam(api::IdOf(before.task.team(), "teams"), c));
  RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanLead(p, team.leader_id, team.branch_id));
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Task out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"DeclineTaskRequest", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, *id, true));
        if (current.task.acceptance() != v1::PENDING_ACCEPTANCE) {
          return FailedPrecondition("REQUEST_NOT_PENDING",
                                    "only a request waiting for acceptance is declined");
        }
        RMHUB_ASSIGN_OR_RETURN(int64_t version, api::CheckEtag("", current.task.etag(), "etag"));
        v1::Task next = current.task;
        next.set_acceptance(v1::DECLINED);
        next.set_decline_reason(r.reason());
        // A declined request is nobody's work any more.
        ApplyTransition(next, v1::CANCELLED, r.reason(), now);
        RMHUB_RETURN_IF_ERROR(store.UpdateTask(*id, next, version, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(*id, false));
        out = stored->task;
        return Emit(store, p, "task.request_declined", out.name(), out);
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, out, delivery);
      }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Progress log

absl::StatusOr<v1::ProgressEntry> TaskService::AddProgressEntry(
    const Caller& c, const v1::AddProgressEntryRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto id = api::ParseName(r.parent(), "tasks", "parent");
  if (!id.ok()) errors.Add("parent", "must be \"tasks/{id}\"");
  api::CheckText(errors, "comment", r.comment(), 2000, /*required=*/true);
  if (r.progress() < -1 || r.progress() > 100) {
    errors.Add("progress", "must be 0-100, or -1 for none");
  } else if (r.progress() == 100) {
    errors.Add("progress", "100 is reached by completing the task (TransitionTask or sign-off)");
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::ProgressEntry out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"AddProgressEntry", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, *id, true));
        if (!IsOpen(current.task.status())) {
          return FailedPrecondition("TASK_CLOSED", "a closed task takes no progress entries");
        }
        v1::ProgressEntry entry;
        entry.set_author(p.subject);
        entry.set_comment(r.comment());
        entry.set_progress(r.progress());
        RMHUB_ASSIGN_OR_RETURN(out, store.InsertProgressEntry(*id, entry, now));
        if (r.progress() >= 0 && r.progress() != current.task.progress()) {
          RMHUB_ASSIGN_OR_RETURN(int64_t version, api::CheckEtag("", current.task.etag(), "etag"));
          v1::Task next = current.task;
          next.set_progress(r.progress());
          RMHUB_RETURN_IF_ERROR(store.UpdateTask(*id, next, version, now));
        }
        return Emit(store, p, "task.progress_logged", current.task.name(), out);
      },
      [&](TaskStore& store, db::Delivery delivery) -> absl::Status {
        if (delivery == db::Delivery::kReplay) {
          RMHUB_RETURN_IF_ERROR(LoadWritable(store, p, *id, false).status());
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<v1::ListProgressEntriesResponse> TaskService::ListProgressEntries(
    const Caller& c, const v1::ListProgressEntriesRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.parent(), "tasks", "parent"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.parent()));
  RMHUB_RETURN_IF_ERROR(LoadReadable(c, id).status());
  v1::ListProgressEntriesResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(Page<v1::ProgressEntry> entries, store.ListProgressEntries(id, page));
    for (auto& e : entries.items) *out.add_entries() = std::move(e);
    out.set_next_page_token(api::NextToken(entries, r.parent()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Assignment by ability and load, workload

absl::StatusOr<v1::SuggestAssigneesResponse> TaskService::SuggestAssignees(
    const Caller& c, const v1::SuggestAssigneesRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto team_id = api::ParseName(r.team(), "teams", "team");
  if (!team_id.ok()) errors.Add("team", "must be \"teams/{id}\"");
  std::vector<std::string> skills;
  for (int i = 0; i < r.required_skills_size(); ++i) {
    team::v1::Skill skill;
    if (!team::v1::Skill_Parse(r.required_skills(i), &skill) ||
        skill == team::v1::SKILL_UNSPECIFIED) {
      errors.Add(absl::StrCat("required_skills[", i, "]"), "is not a skill (WEALTH, CREDIT, ...)");
    } else {
      skills.push_back(r.required_skills(i));
    }
  }
  if (!v1::TaskType_IsValid(r.type())) errors.Add("type", "is not a task type");
  if (!r.related_customer().empty() &&
      !api::ParseName(r.related_customer(), "customers", "related_customer").ok()) {
    errors.Add("related_customer", "must be \"customers/{id}\"");
  }
  if (r.limit() < 0 || r.limit() > 50) errors.Add("limit", "must be 0-50");
  std::optional<int64_t> auto_task;
  if (!r.auto_assign_task().empty()) {
    auto t = api::ParseName(r.auto_assign_task(), "tasks", "auto_assign_task");
    if (!t.ok()) {
      errors.Add("auto_assign_task", "must be \"tasks/{id}\"");
    } else {
      auto_task = *t;
    }
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());

  RMHUB_ASSIGN_OR_RETURN(TeamFacts team, directory_.GetTeam(*team_id, c));
  RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanManageTeam(p, team.team_id, team.branch_id));
  RMHUB_ASSIGN_OR_RETURN(std::vector<team::v1::Member> members,
                         directory_.TeamMembers(*team_id, c));
  // A four-eyes check is done by people who may check; the customer's own manager never alone
  // (two distinct assignees), so they stay candidates.
  if (IsFourEyes(r.type())) {
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [](const auto& m) { return !internal::MayCheck(m); }),
                  members.end());
  }
  std::vector<int64_t> ids;
  for (const auto& m : members) ids.push_back(api::IdOf(m.name(), "members"));
  std::map<int64_t, std::vector<OpenWork>> work;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(
      [&](TaskStore& store) { return StoreInto(&work, [&] { return store.OpenWorkOf(ids); }); }));
  std::vector<MemberFacts> facts;
  for (const auto& m : members) facts.push_back(FactsOf(m, work));
  const absl::Time now = clock_.Now();
  // Ranked in full: auto-assignment takes the best one not yet assigned.
  std::vector<v1::Candidate> ranked =
      RankCandidates(facts, skills, now, static_cast<int>(facts.size()));
  const int limit = r.limit() == 0 ? 5 : r.limit();

  v1::SuggestAssigneesResponse out;
  for (const auto& cand : ranked) {
    if (out.candidates_size() >= limit) break;
    *out.add_candidates() = cand;
  }
  if (!auto_task.has_value()) return out;

  const absl::Time write_time = db::TruncateToMicros(now);
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"SuggestAssignees", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, *auto_task, true));
        if (current.task.team() != r.team()) {
          return FailedPrecondition("TASK_NOT_OF_TEAM",
                                    absl::StrCat("the task is ", current.task.team(), "'s work"));
        }
        if (!IsOpen(current.task.status())) {
          return FailedPrecondition("TASK_CLOSED", "a closed task takes no assignee");
        }
        if (current.task.acceptance() == v1::PENDING_ACCEPTANCE) {
          return FailedPrecondition("REQUEST_NOT_ACCEPTED",
                                    "a cross-department request is assigned on accepting");
        }
        if (IsFourEyes(current.task.type()) != IsFourEyes(r.type())) {
          return FailedPrecondition("TYPE_MISMATCH", "suggest for the task's own type");
        }
        const v1::Candidate* best = nullptr;
        for (const auto& cand : ranked) {
          if (std::find(current.task.assignees().begin(), current.task.assignees().end(),
                        cand.member()) == current.task.assignees().end()) {
            best = &cand;
            break;
          }
        }
        if (best == nullptr) {
          return FailedPrecondition("NO_CANDIDATE", "no active member of the team is left");
        }
        v1::Task next = current.task;
        next.add_assignees(best->member());
        RMHUB_RETURN_IF_ERROR(
            CheckAssignees(current.task, internal::Names(next.assignees()), "auto_assign_task"));
        RMHUB_ASSIGN_OR_RETURN(int64_t version, api::CheckEtag("", current.task.etag(), "etag"));
        RMHUB_RETURN_IF_ERROR(store.UpdateTask(*auto_task, next, version, write_time));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(*auto_task, false));
        *out.mutable_assigned_task() = stored->task;
        return Emit(store, p, "task.assigned", stored->task.name(), stored->task);
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, *out.mutable_assigned_task(), delivery);
      }));
  return out;
}

absl::StatusOr<v1::GetWorkloadResponse> TaskService::GetWorkload(const Caller& c,
                                                                 const v1::GetWorkloadRequest& r) {
  const auth::Principal& p = c.principal;
  std::vector<team::v1::Member> members;
  if (absl::StartsWith(r.name(), "teams/")) {
    RMHUB_ASSIGN_OR_RETURN(int64_t team_id, api::ParseName(r.name(), "teams", "name"));
    RMHUB_ASSIGN_OR_RETURN(TeamFacts team, directory_.GetTeam(team_id, c));
    RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanManageTeam(p, team.team_id, team.branch_id));
    RMHUB_ASSIGN_OR_RETURN(members, directory_.TeamMembers(team_id, c));
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [](const auto& m) { return m.status() != team::v1::ACTIVE; }),
                  members.end());
  } else {
    RMHUB_ASSIGN_OR_RETURN(int64_t member_id, api::ParseName(r.name(), "members", "name"));
    RMHUB_ASSIGN_OR_RETURN(members, directory_.GetMembers({member_id}, c));
    if (members.empty()) return FailedPrecondition("MEMBER_NOT_FOUND", "no such member");
    if (member_id != p.member_id || p.is_service()) {
      const team::v1::Member& m = members[0];
      const int64_t home = api::IdOf(m.home_team(), "teams");
      const int64_t branch = api::IdOf(m.branch(), "branches");
      RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanManageTeam(p, home, branch));
    }
  }
  std::vector<int64_t> ids;
  for (const auto& m : members) ids.push_back(api::IdOf(m.name(), "members"));
  std::map<int64_t, std::vector<OpenWork>> work;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(
      [&](TaskStore& store) { return StoreInto(&work, [&] { return store.OpenWorkOf(ids); }); }));
  v1::GetWorkloadResponse out;
  for (const auto& m : members) *out.add_workloads() = WorkloadOf(FactsOf(m, work), clock_.Now());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Meetings

absl::StatusOr<v1::Meeting> TaskService::CreateMeeting(const Caller& c,
                                                       const v1::CreateMeetingRequest& r) {
  const auth::Principal& p = c.principal;
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Meeting meeting = r.meeting();
  meeting.clear_name();
  meeting.clear_recorder();
  meeting.clear_create_time();
  for (auto& item : *meeting.mutable_action_items()) item.clear_task();
  FieldErrors errors;
  ValidateMeeting(meeting, now, errors);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  const int64_t team_id = api::IdOf(meeting.team(), "teams");
  RMHUB_ASSIGN_OR_RETURN(TeamFacts team, directory_.GetTeam(team_id, c));
  RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanCreateFor(p, team.team_id, team.branch_id));
  if (!meeting.action_items().empty()) {
    RMHUB_ASSIGN_OR_RETURN(std::vector<team::v1::Member> members,
                           directory_.TeamMembers(team_id, c));
    std::map<std::string, bool> active;
    for (const auto& m : members) active[m.name()] = m.status() == team::v1::ACTIVE;
    for (int i = 0; i < meeting.action_items_size(); ++i) {
      const std::string& owner = meeting.action_items(i).owner();
      auto it = active.find(owner);
      if (it == active.end()) {
        return FailedPrecondition("OWNER_NOT_IN_TEAM",
                                  absl::StrCat("meeting.action_items[", i, "].owner: ", owner,
                                               " is not a member of ", meeting.team()));
      }
      if (!it->second) {
        return FailedPrecondition(
            "ASSIGNEE_NOT_ACTIVE",
            absl::StrCat("meeting.action_items[", i, "].owner: ", owner, " is not active"));
      }
    }
  }
  meeting.set_recorder(p.subject);
  *meeting.mutable_create_time() = db::TimestampFromMicros(absl::ToUnixMicros(now));

  v1::Meeting out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"CreateMeeting", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        out = meeting;
        RMHUB_ASSIGN_OR_RETURN(int64_t id, store.InsertMeeting(out, team.branch_id, now));
        out.set_name(api::FormatName("meetings", id));
        std::vector<v1::Task> created;
        for (auto& item : *out.mutable_action_items()) {
          v1::Task t;
          t.set_type(v1::OTHER);
          t.set_title(item.title());
          t.set_priority(v1::NORMAL);
          t.set_creator(p.subject);
          t.set_team(out.team());
          t.add_assignees(item.owner());
          *t.mutable_due_time() = item.due_time();
          t.set_status(v1::TODO);
          t.set_meeting(out.name());
          *t.mutable_create_time() = out.create_time();
          *t.mutable_update_time() = out.create_time();
          RMHUB_ASSIGN_OR_RETURN(int64_t task_id, store.InsertTask(t, team.branch_id, now));
          item.set_task(api::FormatName("tasks", task_id));
          t.set_name(item.task());
          t.set_etag(api::MakeEtag(1));
          created.push_back(std::move(t));
        }
        RMHUB_RETURN_IF_ERROR(store.SetMeetingBody(id, out));
        RMHUB_RETURN_IF_ERROR(Emit(store, p, "meeting.recorded", out.name(), out));
        for (const v1::Task& t : created) {
          RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.created", t.name(), t));
        }
        return absl::OkStatus();
      },
      [&](TaskStore& store, db::Delivery delivery) -> absl::Status {
        if (delivery == db::Delivery::kReplay) {
          RMHUB_ASSIGN_OR_RETURN(std::optional<StoredMeeting> m,
                                 store.GetMeeting(api::IdOf(out.name(), "meetings")));
          if (!m.has_value() || !TaskAccessPolicy::CanAccessMeeting(p, m->meeting, m->branch_id)) {
            return NotFound("MEETING_NOT_FOUND", "no such meeting");
          }
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<v1::Meeting> TaskService::GetMeeting(const Caller& c,
                                                    const v1::GetMeetingRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "meetings", "name"));
  std::optional<StoredMeeting> found;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(
      [&](TaskStore& store) { return StoreInto(&found, [&] { return store.GetMeeting(id); }); }));
  if (!found.has_value() ||
      !TaskAccessPolicy::CanAccessMeeting(c.principal, found->meeting, found->branch_id)) {
    return NotFound("MEETING_NOT_FOUND", "no such meeting");
  }
  return found->meeting;
}

absl::StatusOr<v1::ListMeetingsResponse> TaskService::ListMeetings(
    const Caller& c, const v1::ListMeetingsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(
      api::ListQuery query,
      api::MakeListQuery(r.filter(), MeetingFilterSchema(), r.page_size(), r.page_token(),
                         TaskAccessPolicy::MeetingListScope(c.principal)));
  if (query.scope.Empty()) return PermissionDenied("NO_SCOPE", "the caller may list no meetings");
  v1::ListMeetingsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Meeting> page, store.ListMeetings(query));
    for (auto& m : page.items) *out.add_meetings() = std::move(m);
    out.set_next_page_token(api::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Overdue

absl::StatusOr<int> TaskService::SweepOverdue() {
  auth::Principal self;
  self.subject = "services/task";
  self.service = "task";
  int total = 0;
  for (;;) {
    const absl::Time now = clock_.Now();
    v1::ListTasksResponse claimed;
    v1::ListTasksRequest none;
    RMHUB_RETURN_IF_ERROR(repository_.Write(
        {"SweepOverdue", "", self.subject}, none, &claimed,
        [&](TaskStore& store) -> absl::Status {
          claimed.Clear();
          RMHUB_ASSIGN_OR_RETURN(std::vector<StoredTask> due,
                                 store.ClaimOverdue(now, config_.overdue_batch));
          for (StoredTask& s : due) {
            s.task.set_overdue(true);
            RMHUB_RETURN_IF_ERROR(Emit(store, self, "task.overdue", s.task.name(), s.task));
            *claimed.add_tasks() = std::move(s.task);
          }
          return absl::OkStatus();
        },
        nullptr));
    total += claimed.tasks_size();
    if (claimed.tasks_size() < config_.overdue_batch) return total;
  }
}

absl::StatusOr<OverdueCounts> TaskService::CountOverdue() {
  const absl::Time now = clock_.Now();
  OverdueCounts out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) -> absl::Status {
    out = OverdueCounts();
    RMHUB_ASSIGN_OR_RETURN(auto by_type, store.CountOverdueByType(now));
    for (const auto& [type, count] : by_type)
      (IsFourEyes(type) ? out.four_eyes : out.other) += count;
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace rmhub::task
