#pragma once
// Puts the demo week of work (task_demo.h) on a running task service through its public gRPC
// API, after the team part (seeder.h) made the branch, its staff and teams, and — when the
// customer service runs — the customer book. Each call is made as the member of staff who would
// make it in the bank (the RM creates their visit, the team lead the four-eyes checks, the
// assignee signs, the lead records the meeting), with a token carrying their role and teams.
// Idempotent:
//   - a task is recognised by its title among the demo teams' tasks, the meeting by its title
//     among the team's meetings; only missing ones are created, each with a name-based
//     request_id;
//   - an existing demo task is only taken forward to its stage (started, signed once) when a run
//     cut short left it behind; nothing else is changed.
// Overdue demo tasks are due seconds after creation (the service accepts only future due times);
// when it created any, the run waits until they are past due before it returns.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "rmhub/task/v1/task.grpc.pb.h"
#include "tools/rmhub-seed/demo_data.h"
#include "tools/rmhub-seed/seeder.h"
#include "tools/rmhub-seed/task_demo.h"

namespace rmhub::seed {

namespace cv1 = rmhub::customer::v1;

struct TaskSeedResult {
  SeedCount tasks;
  SeedCount meetings;
  int action_item_tasks = 0;  // tasks the meeting's action items became
  int started = 0;            // demo tasks this run moved to IN_PROGRESS
  int signed_once = 0;        // four-eyes tasks this run signed with their first signature
  int waiting_requests = 0;   // cross-department requests pending acceptance
  int overdue = 0;            // demo tasks open and past due at the end of the run
  std::map<std::string, std::string> names;  // demo task title → "tasks/…"
};

// Mints a bearer token for a member of staff: one role, the branch and their teams.
using TeamMemberTokenFn = std::function<absl::StatusOr<std::string>(
    int64_t member_id, int64_t branch_id, const std::string& role,
    const std::vector<int64_t>& team_ids)>;

class TaskSeeder {
 public:
  // `customers` may be null (no customer service): visits then name no customer.
  TaskSeeder(tv1::TaskService::StubInterface& stub, cv1::CustomerService::StubInterface* customers,
             absl::Duration timeout, TeamMemberTokenFn token);

  absl::StatusOr<TaskSeedResult> Run(const TaskDemoData& work, const DemoData& org,
                                     const SeedResult& team);

 private:
  // The token of the member with `employee_number`, in their role and teams.
  absl::StatusOr<std::string> TokenOf(const std::string& employee_number);
  const v1::Member& Member(const std::string& employee_number) const;
  absl::StatusOr<std::string> TeamName(const std::string& display_name) const;
  // Every task of the demo teams by title (as the branch manager).
  absl::StatusOr<std::map<std::string, tv1::Task>> ExistingTasks();
  absl::StatusOr<std::string> CustomerOf(const std::string& employee_number);
  absl::StatusOr<tv1::Task> Create(const DemoTask& d);
  // Takes `task` forward to the demo stage when it is behind.
  absl::Status Advance(const DemoTask& d, tv1::Task task);
  absl::Status SeedMeeting(const DemoMeeting& d);

  tv1::TaskService::StubInterface& stub_;
  cv1::CustomerService::StubInterface* customers_;
  absl::Duration timeout_;
  TeamMemberTokenFn mint_;
  const DemoData* org_ = nullptr;
  const SeedResult* team_ = nullptr;
  std::string manager_token_;
  TaskSeedResult result_;
};

}  // namespace rmhub::seed
