#include "services/customer/over_cap_gauge.h"

#include "common/log/log.h"

namespace rmhub::customer {

OverCapGauge::OverCapGauge(CustomerService& service, absl::Duration interval,
                           prometheus::Registry& registry)
    : service_(service),
      gauge_(prometheus::BuildGauge()
                 .Name("rmhub_customer_managers_over_cap")
                 .Help("Managers whose holdings exceed the cap the team service gives them")
                 .Register(registry)
                 .Add({})),
      periodic_(interval, clock::Periodic::FirstPass::kAtStart, [this] {
        absl::Status s = Refresh();
        if (!s.ok()) log::Warn("over-cap count failed", {{"status", s.ToString()}});
      }) {}

absl::Status OverCapGauge::Refresh() {
  auth::Principal self;
  self.subject = "services/customer";
  self.service = "customer";
  absl::StatusOr<int> over = service_.CountManagersOverCap(auth::Caller{self});
  if (!over.ok()) return over.status();
  gauge_.Set(*over);
  return absl::OkStatus();
}

void OverCapGauge::Start() { periodic_.Start(); }

void OverCapGauge::Stop() { periodic_.Stop(); }

}  // namespace rmhub::customer
