#include "services/analytics/ingest_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace rmhub::analytics {

IngestMetrics::IngestMetrics(prometheus::Registry& registry)
    : events_(prometheus::BuildCounter()
                  .Name("rmhub_analytics_events_total")
                  .Help("Events received by IngestEvents, by source and outcome")
                  .Register(registry)),
      gaps_(prometheus::BuildCounter()
                .Name("rmhub_analytics_version_gaps_total")
                .Help("Accepted events that skipped at least one version of their aggregate")
                .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("rmhub_analytics_ingest_lag_seconds")
               .Help("Now minus the occurrence time of the newest event of the last batch")
               .Register(registry)) {}

void IngestMetrics::Record(const std::string& source, const BatchOutcome& o, absl::Time now) {
  absl::MutexLock lock(&mu_);
  events_.Add({{"source", source}, {"outcome", "accepted"}}).Increment(o.accepted);
  events_.Add({{"source", source}, {"outcome", "duplicate"}}).Increment(o.duplicates);
  events_.Add({{"source", source}, {"outcome", "stale"}}).Increment(o.stale);
  gaps_.Add({{"source", source}}).Increment(o.gaps);
  if (o.newest_occur_time != absl::InfinitePast()) {
    lag_.Add({{"source", source}})
        .Set(std::max(0.0, absl::ToDoubleSeconds(now - o.newest_occur_time)));
  }
}

}  // namespace rmhub::analytics
