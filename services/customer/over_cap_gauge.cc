#include "services/customer/over_cap_gauge.h"

#include "common/log/log.h"

namespace rmhub::customer {

OverCapGauge::OverCapGauge(CustomerService& service, absl::Duration interval,
                           prometheus::Registry& registry)
    : service_(service),
      interval_(interval),
      gauge_(prometheus::BuildGauge()
                 .Name("rmhub_customer_managers_over_cap")
                 .Help("Managers whose holdings exceed the cap the team service gives them")
                 .Register(registry)
                 .Add({})) {}

OverCapGauge::~OverCapGauge() { Stop(); }

absl::Status OverCapGauge::Refresh() {
  auth::Principal self;
  self.subject = "services/customer";
  self.service = "customer";
  absl::StatusOr<int> over = service_.CountManagersOverCap(auth::Caller{self});
  if (!over.ok()) return over.status();
  gauge_.Set(*over);
  return absl::OkStatus();
}

void OverCapGauge::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void OverCapGauge::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void OverCapGauge::Loop() {
  while (true) {
    absl::Status s = Refresh();
    if (!s.ok()) log::Warn("over-cap count failed", {{"status", s.ToString()}});
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
    if (stopping_) return;
  }
}

}  // namespace rmhub::customer
