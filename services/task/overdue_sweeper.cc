#include "services/task/overdue_sweeper.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace rmhub::task {

namespace {

prometheus::Family<prometheus::Gauge>& OpenFamily(prometheus::Registry& registry) {
  return prometheus::BuildGauge()
      .Name("rmhub_task_overdue_open")
      .Help(
          "Open tasks past their due time, refreshed by each overdue sweep; kind four_eyes = "
          "a task that needs a second signature")
      .Register(registry);
}

}  // namespace

OverdueSweeper::OverdueSweeper(TaskService& service, absl::Duration interval,
                               prometheus::Registry& registry)
    : service_(service),
      open_four_eyes_(OpenFamily(registry).Add({{"kind", "four_eyes"}})),
      open_other_(OpenFamily(registry).Add({{"kind", "other"}})),
      events_(prometheus::BuildCounter()
                  .Name("rmhub_task_overdue_events_total")
                  .Help("task.overdue events this replica emitted")
                  .Register(registry)
                  .Add({})),
      periodic_(interval, clock::Periodic::FirstPass::kAtStart, [this] { SweepOnce(); }) {}

void OverdueSweeper::Start() { periodic_.Start(); }

void OverdueSweeper::Stop() { periodic_.Stop(); }

void OverdueSweeper::SweepOnce() {
  absl::StatusOr<int> emitted = service_.SweepOverdue();
  if (!emitted.ok()) {
    log::Warn("overdue sweep failed", {{"status", emitted.status().ToString()}});
  } else if (*emitted > 0) {
    events_.Increment(*emitted);
    log::Info("overdue events emitted", {{"count", absl::StrCat(*emitted)}});
  }
  absl::StatusOr<OverdueCounts> open = service_.CountOverdue();
  if (!open.ok()) {
    // The gauges keep the last figures they had.
    log::Warn("overdue count failed", {{"status", open.status().ToString()}});
    return;
  }
  open_four_eyes_.Set(static_cast<double>(open->four_eyes));
  open_other_.Set(static_cast<double>(open->other));
}

}  // namespace rmhub::task
