// Tasks: create, read, list, update, transition, sign off. Requests, progress, assignment,
// workload, meetings and the overdue sweep are in task_service_work.cc.
#include "services/task/task_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/list_query.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/auth/roles.h"
#include "common/db/sql_values.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "services/customer/domain/access_policy.h"
#include "services/task/domain/access_policy.h"
#include "services/task/domain/dependencies.h"
#include "services/task/domain/list_filters.h"
#include "services/task/domain/task_rules.h"
#include "services/task/domain/workflow.h"
#include "services/task/task_service_internal.h"

namespace rmhub::task {

using internal::kSource;

namespace internal {

std::vector<std::string> Names(const google::protobuf::RepeatedPtrField<std::string>& names) {
  return {names.begin(), names.end()};
}

std::vector<int64_t> Ids(const google::protobuf::RepeatedPtrField<std::string>& names,
                         absl::string_view collection) {
  std::vector<int64_t> out;
  for (const std::string& n : names) out.push_back(api::IdOf(n, collection));
  return out;
}

bool MayCheck(const team::v1::Member& m) {
  switch (m.role()) {
    case team::v1::RELATIONSHIP_MANAGER:
    case team::v1::TEAM_LEAD:
    case team::v1::BRANCH_MANAGER:
      return true;
    case team::v1::BACK_OFFICE:
      return m.back_office_function() == team::v1::RISK;
    default:
      return false;
  }
}

}  // namespace internal

TaskService::TaskService(TaskRepository& repository, Directory& directory, const Clock& clock,
                         TaskConfig config)
    : repository_(repository), directory_(directory), clock_(clock), config_(config) {}

void TaskService::Present(v1::Task& task) const { task.set_overdue(IsOverdue(task, clock_.Now())); }

absl::Status TaskService::Emit(TaskStore& store, const auth::Principal& p, absl::string_view type,
                               const std::string& aggregate,
                               const google::protobuf::Message& payload) const {
  return store.AppendEvent(
      outbox::MakeEvent(kSource, type, aggregate, p.subject, payload, clock_.Now()));
}

absl::StatusOr<StoredTask> TaskService::LoadWritable(TaskStore& store, const auth::Principal& p,
                                                     int64_t id, bool lock) const {
  RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> t, store.GetTask(id, lock));
  if (!t.has_value() || !TaskAccessPolicy::CanAccessTask(p, t->task, t->branch_id)) {
    return NotFound("TASK_NOT_FOUND", "no such task");
  }
  return *std::move(t);
}

absl::StatusOr<bool> TaskService::SeesThroughCustomer(const Caller& c, const v1::Task& task) {
  if (task.related_customer().empty()) return false;
  return SeesCustomer(c, api::IdOf(task.related_customer(), "customers"));
}

absl::StatusOr<bool> TaskService::SeesCustomer(const Caller& c, int64_t customer_id) {
  if (c.principal.is_service()) return false;
  RMHUB_ASSIGN_OR_RETURN(std::optional<customer::v1::Customer> cust,
                         directory_.GetCustomer(customer_id, c));
  return cust.has_value() &&
         customer::AccessPolicy::CanAccess(c.principal, *cust, customer::Access::kRead);
}

absl::StatusOr<StoredTask> TaskService::LoadReadable(const Caller& c, int64_t id) {
  std::optional<StoredTask> found;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) {
    return StoreInto(&found, [&] { return store.GetTask(id, false); });
  }));
  if (!found.has_value()) return NotFound("TASK_NOT_FOUND", "no such task");
  if (!TaskAccessPolicy::CanAccessTask(c.principal, found->task, found->branch_id)) {
    RMHUB_ASSIGN_OR_RETURN(bool sees, SeesThroughCustomer(c, found->task));
    if (!sees) return NotFound("TASK_NOT_FOUND", "no such task");
  }
  Present(found->task);
  return *std::move(found);
}

absl::Status TaskService::FinishTask(TaskStore& store, const Caller& c, v1::Task& task,
                                     db::Delivery delivery) const {
  if (delivery == db::Delivery::kReplay) {
    const int64_t id = api::IdOf(task.name(), "tasks");
    if (id == 0) return idempotency::ReplayNotAuthorized("the stored response names no task");
    RMHUB_RETURN_IF_ERROR(LoadWritable(store, c.principal, id, false).status());
  }
  Present(task);
  return absl::OkStatus();
}

absl::Status TaskService::CheckAssigneeFacts(const Caller& c, const v1::Task& task) {
  if (task.assignees().empty()) return absl::OkStatus();
  RMHUB_ASSIGN_OR_RETURN(std::vector<team::v1::Member> members,
                         directory_.GetMembers(internal::Ids(task.assignees(), "members"), c));
  std::map<std::string, const team::v1::Member*> by_name;
  for (const auto& m : members) by_name[m.name()] = &m;
  std::vector<Signer> signers;
  for (const std::string& a : task.assignees()) {
    auto it = by_name.find(a);
    if (it == by_name.end()) {
      return FailedPrecondition("MEMBER_NOT_FOUND", absl::StrCat(a, " is not a known member"));
    }
    const bool active = it->second->status() == team::v1::ACTIVE;
    if (!IsFourEyes(task.type()) && !active) {
      return FailedPrecondition("ASSIGNEE_NOT_ACTIVE", absl::StrCat(a, " is not active"));
    }
    signers.push_back({a, active, internal::MayCheck(*it->second)});
  }
  if (!IsFourEyes(task.type())) return absl::OkStatus();
  std::string owner;
  if (!task.related_customer().empty()) {
    RMHUB_ASSIGN_OR_RETURN(
        std::optional<customer::v1::Customer> cust,
        directory_.GetCustomer(api::IdOf(task.related_customer(), "customers"), c));
    if (cust.has_value()) owner = cust->owner();
  }
  return CheckFourEyesSigners(signers, owner);
}

absl::Status TaskService::CheckNewDependencies(TaskStore& store, const auth::Principal& p,
                                               int64_t task_id, const v1::Task& task) const {
  if (task.dependencies().empty()) return absl::OkStatus();
  RMHUB_RETURN_IF_ERROR(store.LockDependencyGraph());
  const std::vector<int64_t> deps = internal::Ids(task.dependencies(), "tasks");
  RMHUB_ASSIGN_OR_RETURN(std::vector<StoredTask> found, store.GetTasks(deps));
  std::set<int64_t> visible;
  for (const StoredTask& s : found) {
    if (TaskAccessPolicy::CanAccessTask(p, s.task, s.branch_id)) {
      visible.insert(api::IdOf(s.task.name(), "tasks"));
    }
  }
  for (int i = 0; i < task.dependencies_size(); ++i) {
    // Missing and invisible are the same answer, as for GetTask.
    if (!visible.count(deps[i])) {
      return FailedPrecondition("DEPENDENCY_NOT_FOUND",
                                absl::StrCat("task.dependencies[", i, "]: no such task"));
    }
  }
  return CheckDependencies(
      task_id, deps, [&](int64_t id) { return store.DependenciesOf(id); }, "task.dependencies");
}

// ---------------------------------------------------------------------------------------------
// Create

absl::StatusOr<v1::Task> TaskService::CreateTask(const Caller& c, const v1::CreateTaskRequest& r) {
  const auth::Principal& p = c.principal;
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Task task = r.task();
  // Output-only fields are ignored.
  for (int field :
       {v1::Task::kNameFieldNumber, v1::Task::kCreatorFieldNumber, v1::Task::kStatusFieldNumber,
        v1::Task::kSignOffsFieldNumber, v1::Task::kAcceptanceFieldNumber,
        v1::Task::kDeclineReasonFieldNumber, v1::Task::kMeetingFieldNumber,
        v1::Task::kStatusReasonFieldNumber, v1::Task::kCreateTimeFieldNumber,
        v1::Task::kUpdateTimeFieldNumber, v1::Task::kStartTimeFieldNumber,
        v1::Task::kCompleteTimeFieldNumber, v1::Task::kCompletedOnTimeFieldNumber,
        v1::Task::kOverdueFieldNumber, v1::Task::kEtagFieldNumber}) {
    task.GetReflection()->ClearField(&task, v1::Task::descriptor()->FindFieldByNumber(field));
  }
  task.set_status(v1::TODO);
  FieldErrors errors;
  NormalizeAndValidateTask(task, now, "task.", errors);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_RETURN_IF_ERROR(CheckAssignees(task, internal::Names(task.assignees()), "task.assignees"));
  const bool request = task.type() == v1::CROSS_DEPARTMENT;
  if (request && !task.assignees().empty()) {
    return InvalidField("task.assignees",
                        "a cross-department request is assigned by the serving team on accepting");
  }

  RMHUB_ASSIGN_OR_RETURN(TeamFacts team, directory_.GetTeam(api::IdOf(task.team(), "teams"), c));
  if (request) {
    RMHUB_ASSIGN_OR_RETURN(TeamFacts asking,
                           directory_.GetTeam(api::IdOf(task.requesting_team(), "teams"), c));
    RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanCreateFor(p, asking.team_id, asking.branch_id));
    task.set_acceptance(v1::PENDING_ACCEPTANCE);
  } else {
    RMHUB_RETURN_IF_ERROR(TaskAccessPolicy::CanCreateFor(p, team.team_id, team.branch_id));
  }
  if (!task.related_customer().empty() && !p.is_service()) {
    RMHUB_ASSIGN_OR_RETURN(
        std::optional<customer::v1::Customer> cust,
        directory_.GetCustomer(api::IdOf(task.related_customer(), "customers"), c));
    if (!cust.has_value() ||
        !customer::AccessPolicy::CanAccess(p, *cust, customer::Access::kRead)) {
      return FailedPrecondition("CUSTOMER_NOT_FOUND", "task.related_customer: no such customer");
    }
  }
  RMHUB_RETURN_IF_ERROR(CheckAssigneeFacts(c, task));
  task.set_creator(TaskAccessPolicy::CreatorOf(p));
  *task.mutable_create_time() = db::TimestampFromMicros(absl::ToUnixMicros(now));
  *task.mutable_update_time() = task.create_time();

  v1::Task out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"CreateTask", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_RETURN_IF_ERROR(CheckNewDependencies(store, p, 0, task));
        RMHUB_ASSIGN_OR_RETURN(int64_t id, store.InsertTask(task, team.branch_id, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(id, false));
        out = stored->task;
        return Emit(store, p, "task.created", out.name(), out);
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, out, delivery);
      }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Read

absl::StatusOr<v1::Task> TaskService::GetTask(const Caller& c, const v1::GetTaskRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "tasks", "name"));
  RMHUB_ASSIGN_OR_RETURN(StoredTask t, LoadReadable(c, id));
  return t.task;
}

absl::StatusOr<v1::BatchGetTasksResponse> TaskService::BatchGetTasks(
    const Caller& c, const v1::BatchGetTasksRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         api::ParseNames(r.names(), "tasks", "names", /*max_count=*/500));
  std::vector<StoredTask> found;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle(
      [&](TaskStore& store) { return StoreInto(&found, [&] { return store.GetTasks(ids); }); }));
  std::map<int64_t, v1::Task*> visible;
  // Tasks seen only through their customer: one call per customer, not per task.
  std::map<std::string, bool> customer_seen;
  for (StoredTask& s : found) {
    bool sees = TaskAccessPolicy::CanAccessTask(c.principal, s.task, s.branch_id);
    if (!sees && !s.task.related_customer().empty()) {
      auto it = customer_seen.find(s.task.related_customer());
      if (it == customer_seen.end()) {
        RMHUB_ASSIGN_OR_RETURN(bool through, SeesThroughCustomer(c, s.task));
        it = customer_seen.emplace(s.task.related_customer(), through).first;
      }
      sees = it->second;
    }
    if (sees) visible[api::IdOf(s.task.name(), "tasks")] = &s.task;
  }
  v1::BatchGetTasksResponse out;
  for (int64_t id : ids) {
    auto it = visible.find(id);
    if (it == visible.end()) continue;
    v1::Task* t = out.add_tasks();
    *t = *it->second;
    Present(*t);
  }
  return out;
}

absl::StatusOr<v1::ListTasksResponse> TaskService::ListTasks(const Caller& c,
                                                             const v1::ListTasksRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(
      api::ListQuery query,
      api::MakeListQuery(r.filter(), TaskFilterSchema(), r.page_size(), r.page_token(),
                         TaskAccessPolicy::TaskListScope(c.principal)));
  // Issue 9 point 9: whoever may see a customer sees the tasks about it. A list pinned to one
  // customer asks the customer service once and, if the caller sees that customer, lists all of
  // its tasks; unpinned lists stay scoped in SQL (docs/decisions.md, "Visibility through a
  // customer").
  if (const int64_t customer = PinnedCustomer(query.filter); customer != 0 && !query.scope.all) {
    RMHUB_ASSIGN_OR_RETURN(bool sees, SeesCustomer(c, customer));
    if (sees) query.scope = api::ListScope::All();
  }
  if (query.scope.Empty()) return PermissionDenied("NO_SCOPE", "the caller may list no tasks");
  const absl::Time now = clock_.Now();
  v1::ListTasksResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) -> absl::Status {
    out.Clear();
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Task> page, store.ListTasks(query, now));
    for (v1::Task& t : page.items) {
      Present(t);
      *out.add_tasks() = std::move(t);
    }
    out.set_next_page_token(api::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Update

namespace {

const std::set<std::string>& UpdatablePaths() {
  static const auto* paths =
      new std::set<std::string>{"title",    "description", "priority",     "due_time", "assignees",
                                "progress", "milestones",  "dependencies", "checklist"};
  return *paths;
}

void ApplyTaskMask(const v1::Task& from, const std::set<std::string>& paths, v1::Task& to) {
  if (paths.count("title")) to.set_title(from.title());
  if (paths.count("description")) to.set_description(from.description());
  if (paths.count("priority")) to.set_priority(from.priority());
  if (paths.count("due_time")) *to.mutable_due_time() = from.due_time();
  if (paths.count("assignees")) *to.mutable_assignees() = from.assignees();
  if (paths.count("progress")) to.set_progress(from.progress());
  if (paths.count("milestones")) *to.mutable_milestones() = from.milestones();
  if (paths.count("dependencies")) *to.mutable_dependencies() = from.dependencies();
  if (paths.count("checklist")) *to.mutable_checklist() = from.checklist();
}

bool SameNames(const google::protobuf::RepeatedPtrField<std::string>& a,
               const google::protobuf::RepeatedPtrField<std::string>& b) {
  return std::vector<std::string>(a.begin(), a.end()) ==
         std::vector<std::string>(b.begin(), b.end());
}

}  // namespace

absl::StatusOr<v1::Task> TaskService::UpdateTask(const Caller& c, const v1::UpdateTaskRequest& r) {
  const auth::Principal& p = c.principal;
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.task().name(), "tasks", "task.name"));
  RMHUB_ASSIGN_OR_RETURN(std::set<std::string> paths,
                         api::ResolveUpdateMask(r.update_mask(), UpdatablePaths()));
  // New assignees are checked against the team service before the transaction (their facts do
  // not depend on the task's row); the transaction then refuses if the task moved meanwhile.
  std::optional<v1::Task> checked;
  if (paths.count("assignees")) {
    StoredTask current;
    RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TaskStore& store) {
      return StoreInto(&current, [&] { return LoadWritable(store, p, id, false); });
    }));
    v1::Task merged = current.task;
    ApplyTaskMask(r.task(), paths, merged);
    RMHUB_RETURN_IF_ERROR(
        CheckAssignees(current.task, internal::Names(merged.assignees()), "task.assignees"));
    if (!SameNames(merged.assignees(), current.task.assignees())) {
      RMHUB_RETURN_IF_ERROR(CheckAssigneeFacts(c, merged));
    }
    checked = merged;
  }
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Task out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"UpdateTask", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, id, true));
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               api::CheckEtag(r.task().etag(), current.task.etag(), "task.etag"));
        if (!IsOpen(current.task.status())) {
          return FailedPrecondition("TASK_CLOSED",
                                    absl::StrCat("a ", v1::TaskStatus_Name(current.task.status()),
                                                 " task does not change"));
        }
        v1::Task merged = current.task;
        ApplyTaskMask(r.task(), paths, merged);
        FieldErrors errors;
        const bool due_moved =
            !(merged.due_time().SerializeAsString() == current.task.due_time().SerializeAsString());
        NormalizeAndValidateTask(merged, due_moved ? now : absl::InfinitePast(), "task.", errors);
        RMHUB_RETURN_IF_ERROR(errors.Status());
        const bool reassigned = !SameNames(merged.assignees(), current.task.assignees());
        if (reassigned) {
          if (current.task.acceptance() == v1::PENDING_ACCEPTANCE ||
              current.task.acceptance() == v1::DECLINED) {
            return FailedPrecondition("REQUEST_NOT_ACCEPTED",
                                      "a cross-department request is assigned on accepting");
          }
          if (!checked.has_value() || !SameNames(checked->assignees(), merged.assignees()) ||
              checked->related_customer() != merged.related_customer()) {
            return Aborted("CONCURRENT_CHANGE", "the task changed meanwhile; retry");
          }
          RMHUB_RETURN_IF_ERROR(
              CheckAssignees(current.task, internal::Names(merged.assignees()), "task.assignees"));
        }
        if (!SameNames(merged.dependencies(), current.task.dependencies())) {
          RMHUB_RETURN_IF_ERROR(CheckNewDependencies(store, p, id, merged));
        }
        RMHUB_RETURN_IF_ERROR(store.UpdateTask(id, merged, version, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(id, false));
        out = stored->task;
        RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.updated", out.name(), out));
        if (reassigned) RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.assigned", out.name(), out));
        return absl::OkStatus();
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, out, delivery);
      }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Status and sign-off

absl::StatusOr<v1::Task> TaskService::TransitionTask(const Caller& c,
                                                     const v1::TransitionTaskRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "tasks", "name");
  if (!id.ok()) errors.Add("name", "must be \"tasks/{id}\"");
  if (r.status() != v1::IN_PROGRESS && r.status() != v1::BLOCKED && r.status() != v1::DONE &&
      r.status() != v1::CANCELLED) {
    errors.Add("status", "must be IN_PROGRESS, BLOCKED, DONE or CANCELLED");
  }
  api::CheckText(errors, "reason", r.reason(), 500,
                 /*required=*/r.status() == v1::BLOCKED || r.status() == v1::CANCELLED);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Task out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"TransitionTask", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, *id, true));
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               api::CheckEtag(r.etag(), current.task.etag(), "etag"));
        std::vector<v1::Task> deps;
        if (r.status() == v1::IN_PROGRESS && !current.task.dependencies().empty()) {
          RMHUB_ASSIGN_OR_RETURN(
              std::vector<StoredTask> found,
              store.GetTasks(internal::Ids(current.task.dependencies(), "tasks")));
          for (StoredTask& s : found) deps.push_back(std::move(s.task));
        }
        RMHUB_RETURN_IF_ERROR(DecideTransition(current.task, r.status(), r.reason(), deps));
        v1::Task next = current.task;
        ApplyTransition(next, r.status(), r.reason(), now);
        RMHUB_RETURN_IF_ERROR(store.UpdateTask(*id, next, version, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(*id, false));
        out = stored->task;
        RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.status_changed", out.name(), out));
        if (out.status() == v1::DONE) {
          RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.completed", out.name(), out));
        }
        return absl::OkStatus();
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, out, delivery);
      }));
  return out;
}

absl::StatusOr<v1::Task> TaskService::SignOffTask(const Caller& c,
                                                  const v1::SignOffTaskRequest& r) {
  const auth::Principal& p = c.principal;
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "tasks", "name");
  if (!id.ok()) errors.Add("name", "must be \"tasks/{id}\"");
  api::CheckText(errors, "attestation", r.attestation(), 2000, /*required=*/true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Task out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"SignOffTask", r.request_id(), p.subject}, r, &out,
      [&](TaskStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredTask current, LoadWritable(store, p, *id, true));
        RMHUB_ASSIGN_OR_RETURN(int64_t version, api::CheckEtag("", current.task.etag(), "etag"));
        v1::Task next = current.task;
        RMHUB_ASSIGN_OR_RETURN(bool done, SignOff(next, p.subject, r.attestation(), now));
        RMHUB_RETURN_IF_ERROR(store.UpdateTask(*id, next, version, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, store.GetTask(*id, false));
        out = stored->task;
        RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.signed", out.name(), out));
        if (done) {
          RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.status_changed", out.name(), out));
          RMHUB_RETURN_IF_ERROR(Emit(store, p, "task.completed", out.name(), out));
        }
        return absl::OkStatus();
      },
      [&](TaskStore& store, db::Delivery delivery) {
        return FinishTask(store, c, out, delivery);
      }));
  return out;
}

}  // namespace rmhub::task
