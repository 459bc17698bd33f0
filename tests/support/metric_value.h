#pragma once
// Reads one sample from a prometheus-cpp registry, for assertions on counters and gauges.

#include <prometheus/registry.h>

#include <map>
#include <string>

#include "absl/types/optional.h"

namespace rmhub::testing {

// The value of the counter, gauge or untyped sample `name` whose labels include `labels`
// (the sample count for a histogram); nullopt when there is none.
absl::optional<double> MetricValue(prometheus::Registry& registry, const std::string& name,
                                   const std::map<std::string, std::string>& labels = {});

}  // namespace rmhub::testing
