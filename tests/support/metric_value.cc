#include "tests/support/metric_value.h"

#include <prometheus/metric_family.h>

namespace rmhub::testing {
namespace {

bool HasLabels(const prometheus::ClientMetric& m, const std::map<std::string, std::string>& want) {
  for (const auto& [key, value] : want) {
    bool found = false;
    for (const auto& label : m.label) found |= label.name == key && label.value == value;
    if (!found) return false;
  }
  return true;
}

double SampleValue(const prometheus::MetricFamily& f, const prometheus::ClientMetric& m) {
  switch (f.type) {
    case prometheus::MetricType::Counter:
      return m.counter.value;
    case prometheus::MetricType::Gauge:
      return m.gauge.value;
    case prometheus::MetricType::Histogram:
      return static_cast<double>(m.histogram.sample_count);
    default:
      return m.untyped.value;
  }
}

}  // namespace

absl::optional<double> MetricValue(prometheus::Registry& registry, const std::string& name,
                                   const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != name) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      if (HasLabels(m, labels)) return SampleValue(f, m);
    }
  }
  return absl::nullopt;
}

}  // namespace rmhub::testing
