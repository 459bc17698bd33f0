#pragma once
// Runs TaskService::SweepOverdue every interval on a thread of its own until destroyed. Every
// replica runs one: the store's claim makes each overdue occurrence emitted exactly once.

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/task/task_service.h"

namespace rmhub::task {

class OverdueSweeper {
 public:
  OverdueSweeper(TaskService& service, absl::Duration interval);
  ~OverdueSweeper();  // stops and joins

  OverdueSweeper(const OverdueSweeper&) = delete;
  OverdueSweeper& operator=(const OverdueSweeper&) = delete;

 private:
  void Run();

  TaskService& service_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rmhub::task
