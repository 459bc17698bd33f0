#pragma once
// The analytics service's behaviour (DOMAIN §6): ingestion into the event store and the
// projections, scorecards read from the projections, and the projection rebuild. The rules are in
// services/analytics/domain/; storage in mysql_repository.cc; the gRPC surface in
// analytics_grpc_service.cc.

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/clock/clock.h"
#include "rmhub/analytics/v1/analytics.pb.h"
#include "services/analytics/domain/scorecard.h"
#include "services/analytics/ingest_metrics.h"
#include "services/analytics/repository.h"

namespace rmhub::analytics {

struct AnalyticsConfig {
  Weights weights = kEqualWeights;
  int max_batch_events = 1000;
};

using auth::Caller;

class AnalyticsService {
 public:
  AnalyticsService(AnalyticsRepository& repository, const Clock& clock, absl::TimeZone zone,
                   AnalyticsConfig config, IngestMetrics* metrics = nullptr);

  absl::StatusOr<v1::IngestEventsResponse> IngestEvents(const Caller& c,
                                                        const v1::IngestEventsRequest& r);
  absl::StatusOr<v1::Scorecard> GetScorecard(const Caller& c, const v1::GetScorecardRequest& r);
  absl::StatusOr<v1::TeamDashboard> GetTeamDashboard(const Caller& c,
                                                     const v1::GetTeamDashboardRequest& r);
  absl::StatusOr<v1::ListRiskAlertsResponse> ListRiskAlerts(const Caller& c,
                                                            const v1::ListRiskAlertsRequest& r);
  absl::StatusOr<v1::RiskAlert> AcknowledgeRiskAlert(const Caller& c,
                                                     const v1::AcknowledgeRiskAlertRequest& r);
  absl::StatusOr<v1::BreachForecast> GetBreachForecast(const Caller& c,
                                                       const v1::GetBreachForecastRequest& r);
  absl::StatusOr<v1::RebuildProjectionsResponse> RebuildProjections(
      const Caller& c, const v1::RebuildProjectionsRequest& r);

 private:
  // Applies one stored event to the projections under its aggregate's lock (`v` as locked);
  // shared by ingestion and the rebuild. Returns whether it was stale / skipped a version.
  struct Applied {
    bool stale = false;
    bool gap = false;
  };
  absl::StatusOr<Applied> Apply(AnalyticsStore& store, const common::v1::DomainEvent& e,
                                AggregateVersion& v) const;

  AnalyticsRepository& repository_;
  const Clock& clock_;
  const absl::TimeZone zone_;
  const AnalyticsConfig config_;
  IngestMetrics* const metrics_;  // optional, not owned
};

}  // namespace rmhub::analytics
