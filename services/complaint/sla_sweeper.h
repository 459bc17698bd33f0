#pragma once
// The background loop behind ComplaintService::SweepSla: every `interval` (real time) it sweeps
// the open complaints at the service's Clock (each AT_RISK and BREACHED reported once across
// replicas, sla_sweep.h), looks for category spikes (category_spikes.h), then refreshes the
// gauges. Every replica runs one; main.cc stops it
// through the runtime's stop hooks on SIGTERM.
//
// Metrics (the lead's alerts use exactly these names):
//   rmhub_complaint_open{sla_state="ON_TRACK|AT_RISK|BREACHED"}   open complaints by SLA state
//   rmhub_complaint_sla_events_total{state="AT_RISK|BREACHED"}    SLA events this replica emitted

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/time/time.h"
#include "common/clock/periodic.h"
#include "services/complaint/complaint_service.h"

namespace rmhub::complaint {

class SlaSweeper {
 public:
  SlaSweeper(ComplaintService& service, absl::Duration interval, prometheus::Registry& registry);
  SlaSweeper(const SlaSweeper&) = delete;
  SlaSweeper& operator=(const SlaSweeper&) = delete;

  void Start();
  void Stop();
  // One sweep and gauge refresh (what each tick of the loop does).
  void RunOnce();

 private:
  ComplaintService& service_;
  prometheus::Gauge* open_[3];           // ON_TRACK, AT_RISK, BREACHED
  prometheus::Counter* at_risk_events_;  // state="AT_RISK"
  prometheus::Counter* breached_events_;
  clock::Periodic periodic_;  // last: stopped first
};

}  // namespace rmhub::complaint
