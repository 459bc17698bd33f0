#include "tools/rmhub-seed/task_seeder.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "tools/rmhub-seed/rpc.h"

namespace rmhub::seed {
namespace {

using Stub = tv1::TaskService::StubInterface;
using CustomerStub = cv1::CustomerService::StubInterface;

constexpr int kPageSize = 500;

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  ts.set_seconds(micros / 1000000);
  ts.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return ts;
}

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace

TaskSeeder::TaskSeeder(Stub& stub, CustomerStub* customers, absl::Duration timeout,
                       TeamMemberTokenFn token)
    : stub_(stub), customers_(customers), timeout_(timeout), mint_(std::move(token)) {}

const v1::Member& TaskSeeder::Member(const std::string& employee_number) const {
  return team_->members.at(employee_number);
}

absl::StatusOr<std::string> TaskSeeder::TeamName(const std::string& display_name) const {
  for (const v1::Team& t : team_->teams) {
    if (t.display_name() == display_name) return t.name();
  }
  return FailedPrecondition("DEMO_TEAM_MISSING",
                            absl::StrCat("the demo team ", display_name, " is not there"));
}

absl::StatusOr<std::string> TaskSeeder::TokenOf(const std::string& employee_number) {
  const v1::Member& m = Member(employee_number);
  std::vector<int64_t> teams;
  for (const DemoTeam& d : org_->teams) {
    if (d.leader != employee_number &&
        std::find(d.members.begin(), d.members.end(), employee_number) == d.members.end()) {
      continue;
    }
    RMHUB_ASSIGN_OR_RETURN(std::string name, TeamName(d.display_name));
    teams.push_back(IdOf(name));
  }
  return mint_(IdOf(m.name()), IdOf(team_->branch.name()), v1::Role_Name(m.role()), teams);
}

absl::StatusOr<TaskSeedResult> TaskSeeder::Run(const TaskDemoData& work, const DemoData& org,
                                               const SeedResult& team) {
  result_ = TaskSeedResult();
  org_ = &org;
  team_ = &team;
  RMHUB_ASSIGN_OR_RETURN(manager_token_, TokenOf(org.branch_manager));
  RMHUB_ASSIGN_OR_RETURN(auto existing, ExistingTasks());
  absl::Time latest_short_due = absl::InfinitePast();
  for (const DemoTask& d : work.tasks) {
    auto found = existing.find(d.title);
    tv1::Task task;
    if (found != existing.end()) {
      result_.tasks.existing++;
      task = found->second;
    } else {
      RMHUB_ASSIGN_OR_RETURN(task, Create(d));
      result_.tasks.created++;
      if (d.due_in < absl::Minutes(1)) {
        latest_short_due = std::max(latest_short_due, TimeOf(task.due_time()));
      }
    }
    result_.names[d.title] = task.name();
    RMHUB_RETURN_IF_ERROR(Advance(d, task));
  }
  RMHUB_RETURN_IF_ERROR(SeedMeeting(work.meeting));
  // The overdue demo tasks made by this run: wait until they are past due (a few seconds).
  const absl::Duration wait = latest_short_due - absl::Now() + absl::Milliseconds(500);
  if (wait > absl::ZeroDuration()) absl::SleepFor(wait);

  // What the service says now.
  RMHUB_ASSIGN_OR_RETURN(existing, ExistingTasks());
  for (const auto& [title, task] : existing) {
    if (result_.names.count(title) == 0) continue;
    if (task.acceptance() == tv1::PENDING_ACCEPTANCE) result_.waiting_requests++;
    if (task.overdue()) result_.overdue++;
  }
  return result_;
}

absl::StatusOr<std::map<std::string, tv1::Task>> TaskSeeder::ExistingTasks() {
  std::map<std::string, tv1::Task> out;
  for (const DemoTeam& d : org_->teams) {
    RMHUB_ASSIGN_OR_RETURN(std::string team, TeamName(d.display_name));
    tv1::ListTasksRequest list;
    list.set_filter(absl::StrCat("team = ", Quoted(team)));
    list.set_page_size(kPageSize);
    RMHUB_RETURN_IF_ERROR(ForEachPage(stub_, &Stub::ListTasks, list, manager_token_, timeout_,
                                      "listing the tasks of " + team,
                                      [&](const tv1::ListTasksResponse& page) {
                                        for (const tv1::Task& t : page.tasks()) {
                                          out.emplace(t.title(), t);
                                        }
                                      }));
  }
  return out;
}

absl::StatusOr<std::string> TaskSeeder::CustomerOf(const std::string& employee_number) {
  if (customers_ == nullptr) return std::string();
  const std::string& manager = Member(employee_number).name();
  cv1::ListCustomersRequest list;
  list.set_filter(absl::StrCat("owner = ", Quoted(manager)));
  list.set_page_size(1);
  RMHUB_ASSIGN_OR_RETURN(std::string token, TokenOf(employee_number));
  auto page = CallAs(*customers_, &CustomerStub::ListCustomers, list, token, timeout_);
  if (!page.ok()) return While("listing the customers of " + manager, page.status());
  return page->customers().empty() ? std::string() : page->customers(0).name();
}

absl::StatusOr<tv1::Task> TaskSeeder::Create(const DemoTask& d) {
  tv1::CreateTaskRequest request;
  tv1::Task& t = *request.mutable_task();
  t.set_type(d.type);
  t.set_title(d.title);
  t.set_description(d.description);
  t.set_priority(d.priority);
  RMHUB_ASSIGN_OR_RETURN(*t.mutable_team(), TeamName(d.team));
  if (!d.requesting_team.empty()) {
    RMHUB_ASSIGN_OR_RETURN(*t.mutable_requesting_team(), TeamName(d.requesting_team));
  }
  for (const std::string& a : d.assignees) t.add_assignees(Member(a).name());
  if (d.about_customer && !d.assignees.empty()) {
    RMHUB_ASSIGN_OR_RETURN(*t.mutable_related_customer(), CustomerOf(d.assignees.front()));
  }
  *t.mutable_due_time() = Ts(absl::Now() + d.due_in);
  request.set_request_id(RequestIdFor(absl::StrCat("task/", d.title)));
  RMHUB_ASSIGN_OR_RETURN(std::string token, TokenOf(d.creator));
  auto created = CallAs(stub_, &Stub::CreateTask, request, token, timeout_);
  if (!created.ok()) return While("creating the task " + d.title, created.status());
  return *created;
}

absl::Status TaskSeeder::Advance(const DemoTask& d, tv1::Task task) {
  if (d.stage == DemoStage::kTodo || d.assignees.empty()) return absl::OkStatus();
  const std::string& first = d.assignees.front();
  RMHUB_ASSIGN_OR_RETURN(std::string token, TokenOf(first));
  if (task.status() == tv1::TODO) {
    tv1::TransitionTaskRequest start;
    start.set_name(task.name());
    start.set_status(tv1::IN_PROGRESS);
    start.set_etag(task.etag());
    start.set_request_id(RequestIdFor(absl::StrCat("start/", task.name())));
    auto started = CallAs(stub_, &Stub::TransitionTask, start, token, timeout_);
    if (!started.ok()) return While("starting " + task.name(), started.status());
    task = *started;
    result_.started++;
    if (d.stage == DemoStage::kStarted) {
      tv1::AddProgressEntryRequest entry;
      entry.set_parent(task.name());
      entry.set_comment("Appointment confirmed by phone; documents prepared for the visit.");
      entry.set_progress(30);
      entry.set_request_id(RequestIdFor(absl::StrCat("progress/", task.name())));
      auto logged = CallAs(stub_, &Stub::AddProgressEntry, entry, token, timeout_);
      if (!logged.ok()) return While("logging progress on " + task.name(), logged.status());
    }
  }
  if (d.stage == DemoStage::kHalfSigned && task.status() == tv1::IN_PROGRESS &&
      task.sign_offs().empty()) {
    tv1::SignOffTaskRequest sign;
    sign.set_name(task.name());
    sign.set_attestation(
        "I examined the documents and the premises in person and found them consistent.");
    sign.set_request_id(RequestIdFor(absl::StrCat("sign/", task.name(), "/", first)));
    auto signed_task = CallAs(stub_, &Stub::SignOffTask, sign, token, timeout_);
    if (!signed_task.ok()) return While("signing " + task.name(), signed_task.status());
    result_.signed_once++;
  }
  return absl::OkStatus();
}

absl::Status TaskSeeder::SeedMeeting(const DemoMeeting& d) {
  RMHUB_ASSIGN_OR_RETURN(std::string team, TeamName(d.team));
  tv1::ListMeetingsRequest list;
  list.set_filter(absl::StrCat("team = ", Quoted(team)));
  list.set_page_size(kPageSize);
  int found_items = -1;  // the existing meeting's action items; -1 while none is found
  RMHUB_RETURN_IF_ERROR(ForEachPage(stub_, &Stub::ListMeetings, list, manager_token_, timeout_,
                                    "listing the meetings of " + team,
                                    [&](const tv1::ListMeetingsResponse& page) {
                                      for (const tv1::Meeting& m : page.meetings()) {
                                        if (found_items < 0 && m.title() == d.title) {
                                          found_items = m.action_items_size();
                                        }
                                      }
                                    }));
  if (found_items >= 0) {
    result_.meetings.existing++;
    result_.action_item_tasks = found_items;
    return absl::OkStatus();
  }

  tv1::CreateMeetingRequest request;
  tv1::Meeting& m = *request.mutable_meeting();
  m.set_team(team);
  m.set_title(d.title);
  *m.mutable_start_time() = Ts(absl::Now() - d.started_ago);
  for (const std::string& a : d.attendees) m.add_attendees(Member(a).name());
  m.set_agenda(d.agenda);
  m.set_minutes(d.minutes);
  for (const DemoActionItem& item : d.action_items) {
    tv1::ActionItem& a = *m.add_action_items();
    a.set_title(item.title);
    a.set_owner(Member(item.owner).name());
    *a.mutable_due_time() = Ts(absl::Now() + item.due_in);
  }
  request.set_request_id(RequestIdFor(absl::StrCat("meeting/", team, "/", d.title)));
  RMHUB_ASSIGN_OR_RETURN(std::string token, TokenOf(d.recorder));
  auto created = CallAs(stub_, &Stub::CreateMeeting, request, token, timeout_);
  if (!created.ok()) return While("recording the meeting " + d.title, created.status());
  result_.meetings.created++;
  result_.action_item_tasks = created->action_items_size();
  return absl::OkStatus();
}

}  // namespace rmhub::seed
