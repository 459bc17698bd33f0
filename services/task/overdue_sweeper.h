#pragma once
// Runs TaskService::SweepOverdue every interval on a thread of its own, from Start() until
// Stop() (main registers Stop with the runtime's stop hooks, so SIGTERM ends it after the drain
// and before the pool closes). Every replica runs one: the store's claim makes each overdue
// occurrence emitted exactly once.
//
// After each sweep it refreshes the metrics the overdue alerts use (labels bounded, no ids):
//   rmhub_task_overdue_open{kind="four_eyes|other"}  open tasks past due now (four_eyes = a
//                                                    DUE_DILIGENCE or POST_LOAN_CHECK task)
//   rmhub_task_overdue_events_total                  task.overdue events this replica emitted

#include "absl/time/time.h"
#include "common/clock/periodic.h"
#include "services/task/task_service.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
}  // namespace prometheus

namespace rmhub::task {

class OverdueSweeper {
 public:
  OverdueSweeper(TaskService& service, absl::Duration interval, prometheus::Registry& registry);

  OverdueSweeper(const OverdueSweeper&) = delete;
  OverdueSweeper& operator=(const OverdueSweeper&) = delete;

  void Start();
  // Idempotent; returns once the thread has finished its current sweep.
  void Stop();

  // One sweep and metrics refresh, on the caller's thread (what the loop runs).
  void SweepOnce();

 private:
  TaskService& service_;
  prometheus::Gauge& open_four_eyes_;
  prometheus::Gauge& open_other_;
  prometheus::Counter& events_;
  clock::Periodic periodic_;  // last: stopped first
};

}  // namespace rmhub::task
