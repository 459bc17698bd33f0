#pragma once
// rmhub_customer_managers_over_cap: how many managers hold more than their cap (a cap lowered
// below a book), recounted every `interval` on a background thread stopped through the Runtime's
// stop hooks. Every replica exports its own count of the same shared data (alert on max()).

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/time/time.h"
#include "common/clock/periodic.h"
#include "services/customer/customer_service.h"

namespace rmhub::customer {

class OverCapGauge {
 public:
  OverCapGauge(CustomerService& service, absl::Duration interval, prometheus::Registry& registry);
  OverCapGauge(const OverCapGauge&) = delete;
  OverCapGauge& operator=(const OverCapGauge&) = delete;

  // Counts once now (the gauge keeps its last value when the count fails).
  absl::Status Refresh();
  void Start();
  void Stop();

 private:
  CustomerService& service_;
  prometheus::Gauge& gauge_;
  clock::Periodic periodic_;  // last: destroyed (stopped) first
};

}  // namespace rmhub::customer
