#pragma once
// rmhub_customer_managers_over_cap: how many managers hold more than their cap (a cap lowered
// below a book), recounted every `interval` on a background thread stopped through the Runtime's
// stop hooks. Every replica exports its own count of the same shared data (alert on max()).

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/customer/customer_service.h"

namespace rmhub::customer {

class OverCapGauge {
 public:
  OverCapGauge(CustomerService& service, absl::Duration interval, prometheus::Registry& registry);
  ~OverCapGauge();  // stops the thread
  OverCapGauge(const OverCapGauge&) = delete;
  OverCapGauge& operator=(const OverCapGauge&) = delete;

  // Counts once now (the gauge keeps its last value when the count fails).
  absl::Status Refresh();
  void Start();
  void Stop();

 private:
  void Loop();

  CustomerService& service_;
  const absl::Duration interval_;
  prometheus::Gauge& gauge_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rmhub::customer
