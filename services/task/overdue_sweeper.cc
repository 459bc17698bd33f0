#include "services/task/overdue_sweeper.h"

#include "common/log/log.h"

namespace rmhub::task {

OverdueSweeper::OverdueSweeper(TaskService& service, absl::Duration interval)
    : service_(service), interval_(interval), thread_([this] { Run(); }) {}

OverdueSweeper::~OverdueSweeper() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void OverdueSweeper::Run() {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    mu_.Unlock();
    absl::StatusOr<int> emitted = service_.SweepOverdue();
    if (!emitted.ok()) {
      log::Warn("overdue sweep failed", {{"status", emitted.status().ToString()}});
    } else if (*emitted > 0) {
      log::Info("overdue events emitted", {{"count", std::to_string(*emitted)}});
    }
    mu_.Lock();
    mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_);
  }
}

}  // namespace rmhub::task
