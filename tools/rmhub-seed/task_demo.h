#pragma once
// The demo week of work rmhub-seed puts on a running task service for the demo branch
// (demo_data.h): customer visits of the personal relationship managers (one started, with a
// progress entry), two four-eyes checks (双人调查 / 双人贷后检查) started and signed by one of
// their two assignees, the personal team's weekly meeting (例会) with three action items, a
// cross-department request (跨部门协作) from the corporate team waiting for the personal team
// lead's acceptance, and two tasks that fall overdue during the run. Plain data: the seeder
// decides how to put it there.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "rmhub/task/v1/task.pb.h"

namespace rmhub::seed {

namespace tv1 = rmhub::task::v1;

// How far a new demo task is taken after its creation.
enum class DemoStage {
  kTodo,
  kStarted,     // IN_PROGRESS, with one progress entry by its first assignee
  kHalfSigned,  // four-eyes: IN_PROGRESS and signed by its first assignee only
};

struct DemoTask {
  tv1::TaskType type;
  std::string title;  // unique among the demo tasks: how the seeder recognises it on a second run
  std::string description;
  tv1::Priority priority;
  std::string team;                    // the serving team's display name (demo_data.h)
  std::string requesting_team;         // CROSS_DEPARTMENT: the asking team's display name
  std::string creator;                 // employee number; the task is created as this member
  std::vector<std::string> assignees;  // employee numbers
  // Due this long after the moment of creation. The task service accepts only future due times,
  // so the overdue demo tasks are due a few seconds after creation and the seeder waits them out.
  absl::Duration due_in;
  // Related to a customer held by the first assignee (when the customer service runs).
  bool about_customer = false;
  DemoStage stage = DemoStage::kTodo;
};

struct DemoActionItem {
  std::string title;
  std::string owner;  // employee number
  absl::Duration due_in;
};

struct DemoMeeting {
  std::string team;      // display name
  std::string title;     // unique within the team: how the seeder recognises it
  std::string recorder;  // employee number; recorded as this member
  std::vector<std::string> attendees;
  absl::Duration started_ago;
  std::string agenda;
  std::string minutes;
  std::vector<DemoActionItem> action_items;
};

struct TaskDemoData {
  std::vector<DemoTask> tasks;
  DemoMeeting meeting;
};

TaskDemoData MakeTaskDemoData();

}  // namespace rmhub::seed
