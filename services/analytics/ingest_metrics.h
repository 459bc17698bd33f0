#pragma once
// Business gauges of ingestion on the analytics metrics port. Labels are bounded: `source` is the
// calling service's own name (IngestEvents admits only a service's own source) and `outcome` one
// of accepted, duplicate, stale; never a customer, member or event id.
//   rmhub_analytics_events_total{source,outcome}
//   rmhub_analytics_version_gaps_total{source}
//   rmhub_analytics_ingest_lag_seconds{source}   now - occur_time of the newest event of the
//                                                 source's last accepted batch

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Gauge;
}  // namespace prometheus

namespace rmhub::analytics {

struct BatchOutcome {
  int accepted = 0;
  int duplicates = 0;
  int stale = 0;
  int gaps = 0;
  absl::Time newest_occur_time = absl::InfinitePast();
};

class IngestMetrics {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);
  void Record(const std::string& source, const BatchOutcome& outcome, absl::Time now);

 private:
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& gaps_;
  prometheus::Family<prometheus::Gauge>& lag_;
  absl::Mutex mu_;
};

}  // namespace rmhub::analytics
