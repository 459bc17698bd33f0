#include "services/analytics/analytics_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"
#include "services/analytics/domain/access_policy.h"

namespace rmhub::analytics {
namespace {

absl::Status Unimplemented(absl::string_view what) {
  return MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED",
                   absl::StrCat(what, " is not built yet (issue 11)"));
}

v1::Dimension DimensionOf(Dim d) {
  switch (d) {
    case Dim::kSatisfaction:
      return v1::CUSTOMER_SATISFACTION;
    case Dim::kRelationship:
      return v1::RELATIONSHIP_MAINTENANCE;
    case Dim::kCapability:
      return v1::BUSINESS_CAPABILITY;
    case Dim::kCollaboration:
      return v1::COLLABORATION;
    case Dim::kGrowth:
      return v1::GROWTH;
  }
  return v1::DIMENSION_UNSPECIFIED;
}

// A scorecard period: its months (yyyymm, inclusive) and civil dates [start, end).
struct PeriodSpan {
  int32_t first_month = 0;
  int32_t last_month = 0;
  int months = 0;
  absl::CivilDay start;
  absl::CivilDay end;
};

absl::StatusOr<PeriodSpan> ParsePeriod(const v1::GetScorecardRequest& r) {
  std::vector<FieldViolation> bad;
  if (r.year() < 2000 || r.year() > 2100) bad.push_back({"year", "2000..2100"});
  int first = 0, count = 0;
  switch (r.period_kind()) {
    case v1::MONTH:
      if (r.index() < 1 || r.index() > 12) bad.push_back({"index", "a month 1..12"});
      first = r.index();
      count = 1;
      break;
    case v1::QUARTER:
      if (r.index() < 1 || r.index() > 4) bad.push_back({"index", "a quarter 1..4"});
      first = 3 * r.index() - 2;
      count = 3;
      break;
    case v1::YEAR:
      if (r.index() != 0) bad.push_back({"index", "0 for a year"});
      first = 1;
      count = 12;
      break;
    default:
      bad.push_back({"period_kind", "MONTH, QUARTER or YEAR"});
  }
  if (!bad.empty()) return InvalidArgument(std::move(bad));
  PeriodSpan p;
  p.first_month = r.year() * 100 + first;
  p.last_month = r.year() * 100 + first + count - 1;
  p.months = count;
  p.start = absl::CivilDay(r.year(), first, 1);
  p.end = absl::CivilDay(absl::CivilMonth(p.start) + count);
  return p;
}

struct ParsedSubject {
  ScopeKind kind;
  int64_t id = 0;
};

absl::StatusOr<ParsedSubject> ParseSubject(const std::string& name) {
  for (auto [prefix, kind] :
       {std::pair{"members", ScopeKind::kMember}, std::pair{"teams", ScopeKind::kTeam},
        std::pair{"branches", ScopeKind::kBranch}}) {
    if (absl::StartsWith(name, absl::StrCat(prefix, "/"))) {
      RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(name, prefix, "subject"));
      return ParsedSubject{kind, id};
    }
  }
  return InvalidField("subject", "members/{id}, teams/{id} or branches/{id}");
}

common::v1::Date ToDate(absl::CivilDay d) {
  common::v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

}  // namespace

AnalyticsService::AnalyticsService(AnalyticsRepository& repository, const Clock& clock,
                                   absl::TimeZone zone, AnalyticsConfig config,
                                   IngestMetrics* metrics)
    : repository_(repository), clock_(clock), zone_(zone), config_(config), metrics_(metrics) {}

absl::StatusOr<AnalyticsService::Applied> AnalyticsService::Apply(AnalyticsStore& store,
                                                                  const common::v1::DomainEvent& e,
                                                                  AggregateVersion& v) const {
  Applied out;
  const bool state = IsStateEvent(e.type());
  out.stale = state && e.aggregate_version() <= v.state_version;
  out.gap = e.aggregate_version() > v.max_version + 1;
  RMHUB_ASSIGN_OR_RETURN(Subjects subjects, SubjectsOf(e));
  Prior prior;
  if (subjects.customer != 0) {
    RMHUB_ASSIGN_OR_RETURN(prior.customer, store.GetCustomer(subjects.customer));
  }
  if (subjects.member != 0) {
    RMHUB_ASSIGN_OR_RETURN(prior.member, store.GetMember(subjects.member));
  }
  if (subjects.assignee != 0) {
    RMHUB_ASSIGN_OR_RETURN(prior.assignee, store.GetMember(subjects.assignee));
  }
  RMHUB_ASSIGN_OR_RETURN(Effects fx, EffectsOf(e, prior, out.stale, zone_));
  RMHUB_RETURN_IF_ERROR(
      store.ApplyEffects(fx, MonthOf(db::TimeFromTimestamp(e.occur_time()), zone_)));
  v.applied += 1;
  v.max_version = std::max(v.max_version, e.aggregate_version());
  if (state && !out.stale) v.state_version = e.aggregate_version();
  RMHUB_RETURN_IF_ERROR(store.SetAggregate(e.aggregate(), v));
  return out;
}

absl::StatusOr<v1::IngestEventsResponse> AnalyticsService::IngestEvents(
    const Caller& c, const v1::IngestEventsRequest& r) {
  if (!c.principal.is_service()) {
    return PermissionDenied("SERVICE_ONLY", "only services deliver events");
  }
  if (r.events_size() > config_.max_batch_events) {
    return InvalidField("events", absl::StrCat("at most ", config_.max_batch_events, " events"));
  }
  for (int i = 0; i < r.events_size(); ++i) {
    RMHUB_RETURN_IF_ERROR(ValidateEnvelope(r.events(i), i));
    RMHUB_RETURN_IF_ERROR(CheckSource(c.principal, r.events(i), i));
  }
  v1::IngestEventsResponse out;
  if (r.events_size() == 0) return out;
  const absl::Time now = clock_.Now();
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      db::WriteKey{"IngestEvents", "", c.principal.subject}, r, &out,
      [&](AnalyticsStore& store) -> absl::Status {
        out.Clear();  // the body may run again (retried transaction)
        for (int i = 0; i < r.events_size(); ++i) {
          const common::v1::DomainEvent& e = r.events(i);
          RMHUB_ASSIGN_OR_RETURN(AggregateVersion v, store.LockAggregate(e.aggregate()));
          RMHUB_ASSIGN_OR_RETURN(bool inserted, store.InsertEvent(e, v.applied + 1, now));
          if (!inserted) {
            out.set_duplicate_count(out.duplicate_count() + 1);
            continue;
          }
          absl::StatusOr<Applied> applied = Apply(store, e, v);
          if (!applied.ok()) {
            // Name the event in a payload error ("events[i].payload").
            if (applied.status().code() == absl::StatusCode::kInvalidArgument) {
              return InvalidField(absl::StrCat("events[", i, "].payload"),
                                  std::string(applied.status().message()));
            }
            return applied.status();
          }
          out.set_accepted_count(out.accepted_count() + 1);
          if (applied->stale) out.set_stale_count(out.stale_count() + 1);
          if (applied->gap) out.set_gap_count(out.gap_count() + 1);
        }
        return absl::OkStatus();
      },
      nullptr));
  if (metrics_ != nullptr) {
    BatchOutcome o{out.accepted_count(), out.duplicate_count(), out.stale_count(), out.gap_count()};
    for (const common::v1::DomainEvent& e : r.events()) {
      o.newest_occur_time = std::max(o.newest_occur_time, db::TimeFromTimestamp(e.occur_time()));
    }
    metrics_->Record(c.principal.service, o, now);
  }
  return out;
}

absl::StatusOr<v1::Scorecard> AnalyticsService::GetScorecard(const Caller& c,
                                                             const v1::GetScorecardRequest& r) {
  absl::StatusOr<ParsedSubject> subject = ParseSubject(r.subject());
  absl::StatusOr<PeriodSpan> period = ParsePeriod(r);
  if (!subject.ok()) return subject.status();
  if (!period.ok()) return period.status();
  ScoreFigures figures;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](AnalyticsStore& store) -> absl::Status {
    SubjectFacts facts;
    if (subject->kind == ScopeKind::kMember && c.principal.member_id != subject->id) {
      RMHUB_ASSIGN_OR_RETURN(facts.member, store.GetMember(subject->id));
    }
    if (subject->kind == ScopeKind::kTeam && c.principal.branch_id != 0) {
      RMHUB_ASSIGN_OR_RETURN(facts.team_in_callers_branch,
                             store.TeamInBranch(subject->id, c.principal.branch_id));
    }
    RMHUB_RETURN_IF_ERROR(CheckReadSubject(c.principal, subject->kind, subject->id, facts));
    RMHUB_ASSIGN_OR_RETURN(figures,
                           store.SumFigures(subject->kind, subject->id, period->first_month,
                                            period->last_month, period->end - 1));
    return absl::OkStatus();
  }));
  figures.months = period->months;
  ScorecardResult result = ComputeScorecard(figures, config_.weights);
  v1::Scorecard out;
  out.set_subject(r.subject());
  *out.mutable_period()->mutable_start_date() = ToDate(period->start);
  *out.mutable_period()->mutable_end_date() = ToDate(period->end);
  out.set_total(result.total);
  out.set_member_count(figures.members);
  for (const DimensionResult& d : result.dimensions) {
    v1::DimensionScore* ds = out.add_dimensions();
    ds->set_dimension(DimensionOf(d.dim));
    ds->set_score(d.score);
    ds->set_weight(d.weight);
    ds->set_formula(d.formula);
    ds->set_has_data(d.has_data);
    for (const Figure& f : d.figures) {
      v1::RawFigure* rf = ds->add_figures();
      rf->set_name(f.name);
      rf->set_value(f.value);
      rf->set_description(f.description);
    }
  }
  return out;
}

absl::StatusOr<v1::RebuildProjectionsResponse> AnalyticsService::RebuildProjections(
    const Caller& c, const v1::RebuildProjectionsRequest& r) {
  RMHUB_RETURN_IF_ERROR(CheckAdmin(c.principal));
  v1::RebuildProjectionsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      db::WriteKey{"RebuildProjections", "", c.principal.subject}, r, &out,
      [&](AnalyticsStore& store) -> absl::Status {
        out.Clear();
        RMHUB_RETURN_IF_ERROR(store.ClearProjections());
        std::string after_aggregate;
        int64_t after_seq = 0;
        while (true) {
          RMHUB_ASSIGN_OR_RETURN(std::vector<AnalyticsStore::StoredEvent> chunk,
                                 store.ReadEvents(after_aggregate, after_seq, 1000));
          for (const AnalyticsStore::StoredEvent& s : chunk) {
            RMHUB_ASSIGN_OR_RETURN(AggregateVersion v, store.LockAggregate(s.event.aggregate()));
            RMHUB_RETURN_IF_ERROR(Apply(store, s.event, v).status());
            out.set_replayed_count(out.replayed_count() + 1);
          }
          if (chunk.size() < 1000) break;
          after_aggregate = chunk.back().event.aggregate();
          after_seq = chunk.back().apply_seq;
        }
        return absl::OkStatus();
      },
      nullptr));
  return out;
}

absl::StatusOr<v1::TeamDashboard> AnalyticsService::GetTeamDashboard(
    const Caller&, const v1::GetTeamDashboardRequest&) {
  return Unimplemented("GetTeamDashboard");
}

absl::StatusOr<v1::ListRiskAlertsResponse> AnalyticsService::ListRiskAlerts(
    const Caller&, const v1::ListRiskAlertsRequest&) {
  return Unimplemented("ListRiskAlerts");
}

absl::StatusOr<v1::RiskAlert> AnalyticsService::AcknowledgeRiskAlert(
    const Caller&, const v1::AcknowledgeRiskAlertRequest&) {
  return Unimplemented("AcknowledgeRiskAlert");
}

absl::StatusOr<v1::BreachForecast> AnalyticsService::GetBreachForecast(
    const Caller&, const v1::GetBreachForecastRequest&) {
  return Unimplemented("GetBreachForecast");
}

}  // namespace rmhub::analytics
