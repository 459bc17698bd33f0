#include "services/complaint/sla_sweeper.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace rmhub::complaint {

SlaSweeper::SlaSweeper(ComplaintService& service, absl::Duration interval,
                       prometheus::Registry& registry)
    : service_(service),
      periodic_(interval, clock::Periodic::FirstPass::kAtStart, [this] { RunOnce(); }) {
  auto& open = prometheus::BuildGauge()
                   .Name("rmhub_complaint_open")
                   .Help("Open complaints by SLA state, as of the last sweep")
                   .Register(registry);
  open_[0] = &open.Add({{"sla_state", "ON_TRACK"}});
  open_[1] = &open.Add({{"sla_state", "AT_RISK"}});
  open_[2] = &open.Add({{"sla_state", "BREACHED"}});
  auto& events = prometheus::BuildCounter()
                     .Name("rmhub_complaint_sla_events_total")
                     .Help("SLA events (first AT_RISK, first BREACHED) this replica emitted")
                     .Register(registry);
  at_risk_events_ = &events.Add({{"state", "AT_RISK"}});
  breached_events_ = &events.Add({{"state", "BREACHED"}});
}

void SlaSweeper::Start() { periodic_.Start(); }

void SlaSweeper::Stop() { periodic_.Stop(); }

void SlaSweeper::RunOnce() {
  absl::StatusOr<SweepStats> stats = service_.SweepSla();
  if (!stats.ok()) {
    log::Warn("complaint SLA sweep failed", {{"status", stats.status().ToString()}});
  } else {
    at_risk_events_->Increment(stats->at_risk);
    breached_events_->Increment(stats->breached);
    if (stats->events > 0) {
      log::Info("complaint SLA events emitted", {{"count", absl::StrCat(stats->events)}});
    }
  }
  absl::StatusOr<int> spikes = service_.SweepCategorySpikes();
  if (!spikes.ok()) {
    log::Warn("complaint category spike sweep failed", {{"status", spikes.status().ToString()}});
  } else if (*spikes > 0) {
    log::Info("complaint category spikes published", {{"count", absl::StrCat(*spikes)}});
  }
  absl::StatusOr<std::map<v1::SlaState, int64_t>> counts = service_.CountOpenBySla();
  if (!counts.ok()) {
    log::Warn("complaint SLA gauge refresh failed", {{"status", counts.status().ToString()}});
    return;
  }
  const v1::SlaState states[3] = {v1::ON_TRACK, v1::AT_RISK, v1::BREACHED};
  for (int i = 0; i < 3; ++i) {
    auto it = counts->find(states[i]);
    open_[i]->Set(it == counts->end() ? 0.0 : static_cast<double>(it->second));
  }
}

}  // namespace rmhub::complaint
