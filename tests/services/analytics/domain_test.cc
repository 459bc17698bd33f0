// The analytics rules without a database: every scorecard formula, the weights, the alert
// lifecycle, the breach forecast and its backtest, event validation, source ownership and the
// projection effects of each consumed event type.
#include <random>

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "rmhub/team/v1/team.pb.h"
#include "services/analytics/domain/alerts.h"
#include "services/analytics/domain/forecast.h"
#include "services/analytics/domain/projection.h"
#include "services/analytics/domain/scorecard.h"

namespace rmhub::analytics {
namespace {

using ::testing::HasSubstr;

double FigureOf(const DimensionResult& d, const std::string& name) {
  for (const Figure& f : d.figures) {
    if (f.name == name) return f.value;
  }
  ADD_FAILURE() << "no figure " << name;
  return -1;
}

TEST(Scorecard, EmptyFiguresScoreOnlyWhatIsEarned) {
  ScorecardResult r = ComputeScorecard(ScoreFigures{}, kEqualWeights);
  // No complaints on an empty book: full complaint part; no churn: full retention part.
  EXPECT_DOUBLE_EQ(r.dimensions[0].score, 100.0);
  EXPECT_FALSE(r.dimensions[0].has_data);
  EXPECT_DOUBLE_EQ(r.dimensions[1].score, 30.0);
  EXPECT_DOUBLE_EQ(r.dimensions[2].score, 0.0);
  EXPECT_DOUBLE_EQ(r.dimensions[3].score, 0.0);
  // AUM unchanged = the neutral 0.5 of its part.
  EXPECT_DOUBLE_EQ(r.dimensions[4].score, 20.0);
  EXPECT_DOUBLE_EQ(r.total, 0.2 * (100 + 30 + 0 + 0 + 20));
}

TEST(Scorecard, SatisfactionFormula) {
  ScoreFigures f;
  f.customers_held = 200;
  f.complaints = 4;  // 2 per 100 -> complaint part 0.6
  f.satisfaction_responses = 4;
  f.satisfaction_sum = 16;  // mean 4 -> 0.75
  DimensionResult d = ComputeScorecard(f, kEqualWeights).dimensions[0];
  EXPECT_NEAR(d.score, 100 * (0.7 * 0.75 + 0.3 * 0.6), 1e-9);
  EXPECT_DOUBLE_EQ(FigureOf(d, "complaints_per_100_customers"), 2.0);
  EXPECT_DOUBLE_EQ(FigureOf(d, "mean_satisfaction"), 4.0);
  f.satisfaction_responses = 0;
  f.satisfaction_sum = 0;
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[0].score, 60.0, 1e-9);
  f.complaints = 50;  // 25 per 100: floor at 0
  EXPECT_DOUBLE_EQ(ComputeScorecard(f, kEqualWeights).dimensions[0].score, 0.0);
}

TEST(Scorecard, RelationshipFormula) {
  ScoreFigures f;
  f.months = 3;
  f.customers_held = 10;
  f.interactions = 15;        // 0.5 per customer-month
  f.customers_contacted = 6;  // 0.2 coverage
  f.churned = 1;              // retention 0.9
  f.won_back = 0;
  DimensionResult d = ComputeScorecard(f, kEqualWeights).dimensions[1];
  EXPECT_NEAR(d.score, 100 * (0.4 * 0.5 + 0.3 * 0.2 + 0.3 * 0.9), 1e-9);
  f.won_back = 2;  // +0.2, capped at 1
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[1].score,
              100 * (0.4 * 0.5 + 0.3 * 0.2 + 0.3 * 1.0), 1e-9);
  f.interactions = 1000;  // capped
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[1].score, 100 * (0.4 + 0.3 * 0.2 + 0.3),
              1e-9);
}

TEST(Scorecard, CapabilityFormula) {
  ScoreFigures f;
  f.members = 2;
  f.months = 1;
  f.tasks_completed = 10;
  f.tasks_completed_on_time = 8;
  f.checks_completed = 1;      // 0.5 per member-month
  f.valid_certifications = 4;  // capped at 1
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[2].score,
              100 * (0.5 * 0.8 + 0.25 * 0.5 + 0.25 * 1), 1e-9);
  f.tasks_completed = 0;
  f.tasks_completed_on_time = 0;
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[2].score, 100 * (0.5 * 0.5 + 0.5 * 1),
              1e-9);
}

TEST(Scorecard, CollaborationFormula) {
  ScoreFigures f;
  f.cross_department_tasks = 1;  // of 2
  f.action_items_assigned = 4;
  f.action_items_done = 3;
  f.mentorships_started = 1;
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[3].score, 100 * (0.5 + 0.75 + 1) / 3,
              1e-9);
  f.action_items_assigned = 0;
  f.action_items_done = 0;
  EXPECT_NEAR(ComputeScorecard(f, kEqualWeights).dimensions[3].score, 100 * (0.5 + 1) / 2, 1e-9);
}

TEST(Scorecard, GrowthHoldsAumAndNothingElseDoes) {
  ScoreFigures f;
  f.new_customers = 1;          // 0.5
  f.aum_held_minor = 110'000;   // start 100,000
  f.aum_change_minor = 10'000;  // +10 % -> 1.0
  f.promotions = 0;
  ScorecardResult r = ComputeScorecard(f, kEqualWeights);
  EXPECT_NEAR(r.dimensions[4].score, 100 * (0.4 * 0.5 + 0.4 * 1.0), 1e-9);
  EXPECT_NEAR(FigureOf(r.dimensions[4], "aum_growth_rate"), 0.1, 1e-12);
  for (int i = 0; i < 4; ++i) {
    for (const Figure& fig : r.dimensions[i].figures) {
      EXPECT_THAT(fig.name, ::testing::Not(HasSubstr("aum"))) << "dimension " << i;
    }
  }
  // A huge AUM alone moves the total by at most 0.4 x growth weight x 100 = 8 points.
  ScoreFigures rich = f;
  rich.aum_change_minor = 1'000'000'000;
  rich.aum_held_minor = 1'000'100'000;
  f.aum_change_minor = 0;
  double gap =
      ComputeScorecard(rich, kEqualWeights).total - ComputeScorecard(f, kEqualWeights).total;
  EXPECT_LE(gap, 0.2 * 40 + 1e-9);
}

TEST(Scorecard, ScoresStayWithinBoundsOnRandomFigures) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> n(0, 1000);
  for (int i = 0; i < 2000; ++i) {
    ScoreFigures f;
    f.members = 1 + static_cast<int>(n(rng) % 20);
    f.months = 1 + static_cast<int>(n(rng) % 12);
    f.customers_held = n(rng);
    f.complaints = n(rng);
    f.satisfaction_responses = n(rng) % 50;
    f.satisfaction_sum = f.satisfaction_responses * (1 + n(rng) % 5);
    f.interactions = n(rng);
    f.customers_contacted = n(rng);
    f.churned = n(rng);
    f.won_back = n(rng);
    f.tasks_completed = n(rng);
    f.tasks_completed_on_time = f.tasks_completed > 0 ? n(rng) % (f.tasks_completed + 1) : 0;
    f.aum_held_minor = n(rng) * 1000;
    f.aum_change_minor = (n(rng) - 500) * 1000;
    f.new_customers = n(rng);
    ScorecardResult r = ComputeScorecard(f, kEqualWeights);
    for (const DimensionResult& d : r.dimensions) {
      EXPECT_GE(d.score, 0.0);
      EXPECT_LE(d.score, 100.0);
    }
    EXPECT_GE(r.total, 0.0);
    EXPECT_LE(r.total, 100.0);
  }
}

TEST(Weights, ParsedAndNormalised) {
  Weights w;
  ASSERT_TRUE(ParseWeights("1,1,2,0,0", "scorecard_weights", &w).ok());
  EXPECT_DOUBLE_EQ(w[0], 0.25);
  EXPECT_DOUBLE_EQ(w[2], 0.5);
  EXPECT_DOUBLE_EQ(w[4], 0.0);
  ScoreFigures f;
  f.complaints = 0;
  ScorecardResult r = ComputeScorecard(f, w);
  EXPECT_DOUBLE_EQ(r.total, 0.25 * 100 + 0.25 * 30);
  for (const char* bad : {"", "1,1,1,1", "1,1,1,1,x", "0,0,0,0,0", "1,1,1,1,-1", "1,1,1,1,nan"}) {
    absl::Status s = ParseWeights(bad, "scorecard_weights", &w);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("scorecard_weights")) << bad;
  }
}

TEST(Alerts, OpenOnceStayOpenResolveWhenClear) {
  EXPECT_EQ(NextAlertAction(std::nullopt, false), AlertAction::kNone);
  EXPECT_EQ(NextAlertAction(std::nullopt, true), AlertAction::kOpen);
  EXPECT_EQ(NextAlertAction(AlertStatus::kOpen, true), AlertAction::kNone);
  EXPECT_EQ(NextAlertAction(AlertStatus::kAcknowledged, true), AlertAction::kNone);
  EXPECT_EQ(NextAlertAction(AlertStatus::kOpen, false), AlertAction::kResolve);
  EXPECT_EQ(NextAlertAction(AlertStatus::kAcknowledged, false), AlertAction::kResolve);
  EXPECT_EQ(NextAlertAction(AlertStatus::kResolved, false), AlertAction::kNone);
  // A recurrence after resolution opens a new alert.
  EXPECT_EQ(NextAlertAction(AlertStatus::kResolved, true), AlertAction::kOpen);
}

TEST(Alerts, AcknowledgeNeedsNoteAndAnUnresolvedAlert) {
  EXPECT_TRUE(CheckAcknowledge(AlertStatus::kOpen, "called the customer").ok());
  EXPECT_TRUE(CheckAcknowledge(AlertStatus::kAcknowledged, "again").ok());
  EXPECT_EQ(CheckAcknowledge(AlertStatus::kOpen, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAcknowledge(AlertStatus::kOpen, std::string(501, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAcknowledge(AlertStatus::kResolved, "late").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Alerts, CapThresholdIsAboveNinetyPercent) {
  EXPECT_FALSE(AboveCapThreshold(45, 50));  // exactly 90 %
  EXPECT_TRUE(AboveCapThreshold(46, 50));
  EXPECT_FALSE(AboveCapThreshold(100, 0));  // unknown cap
}

TEST(Forecast, ProbabilityFollowsItsInputs) {
  EXPECT_DOUBLE_EQ(BreachProbability({10, 20, 0}), 0.0);  // beyond the 7-day horizon
  double tight = BreachProbability({1, 4, 0});
  double loose = BreachProbability({6, 2, 0});
  EXPECT_GT(tight, 0.9);
  EXPECT_LT(loose, 0.1);
  // More load, more risk.
  EXPECT_GT(BreachProbability({3, 3, 20}), BreachProbability({3, 3, 0}));
  EXPECT_NEAR(BreachProbability({3, 3, 0}), 0.5, 1e-12);
}

TEST(Forecast, BacktestBeatsTheNaiveRuleOnLoadDrivenHistory) {
  // A seeded history in which a handler's load stretches handling time, as in the stack's data:
  // actual time = median x (1 + 0.05 x load) x noise.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> remaining(0, 7), median(1, 6), noise(0.8, 1.25);
  std::uniform_int_distribution<int> load(0, 30);
  std::vector<BacktestCase> cases;
  for (int i = 0; i < 5000; ++i) {
    ForecastInputs in{remaining(rng), median(rng), load(rng)};
    double actual = in.median_remaining_handling_days *
                    (1 + 0.05 * static_cast<double>(in.handler_open_tasks)) * noise(rng);
    cases.push_back({in, actual > in.remaining_days});
  }
  BacktestResult r = Backtest(cases);
  EXPECT_EQ(r.cases, 5000);
  EXPECT_LT(r.brier, r.naive_brier);
  EXPECT_GT(r.hit_rate, r.naive_hit_rate);
  EXPECT_EQ(Backtest({}).cases, 0);
}

common::v1::DomainEvent Event(const std::string& type, const std::string& aggregate,
                              const google::protobuf::Message& payload) {
  common::v1::DomainEvent e;
  e.set_event_id("e-1");
  e.set_source(type.substr(0, type.find('.')));
  e.set_type(type);
  e.set_aggregate(aggregate);
  e.mutable_occur_time()->set_seconds(1'800'000'000);
  e.set_aggregate_version(1);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

TEST(Events, EnvelopeValidationNamesTheFields) {
  customer::v1::Customer c;
  common::v1::DomainEvent good = Event("customer.created", "customers/1", c);
  EXPECT_TRUE(ValidateEnvelope(good, 0).ok());
  common::v1::DomainEvent bad;
  absl::Status s = ValidateEnvelope(bad, 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  for (const char* f :
       {"events[3].event_id", "events[3].source", "events[3].type", "events[3].aggregate",
        "events[3].occur_time", "events[3].aggregate_version", "events[3].payload"}) {
    EXPECT_THAT(s.ToString(), HasSubstr(f));
  }
}

TEST(Events, OnlyTheOwningServiceDelivers) {
  customer::v1::Customer c;
  common::v1::DomainEvent e = Event("customer.created", "customers/1", c);
  auth::Principal customer_svc;
  customer_svc.subject = "services/customer";
  customer_svc.service = "customer";
  auth::Principal team_svc = customer_svc;
  team_svc.service = "team";
  auth::Principal person;
  person.subject = "members/1";
  person.member_id = 1;
  EXPECT_TRUE(CheckSource(customer_svc, e, 0).ok());
  EXPECT_EQ(CheckSource(team_svc, e, 0).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckSource(person, e, 0).code(), absl::StatusCode::kPermissionDenied);
}

customer::v1::Customer Cust(const std::string& owner, customer::v1::CustomerStatus status, bool key,
                            int64_t aum) {
  customer::v1::Customer c;
  c.set_name("customers/9");
  c.set_owner(owner);
  c.set_team("teams/2");
  c.set_branch("branches/1");
  c.set_status(status);
  c.set_key_account(key);
  c.mutable_aum()->set_minor_units(aum);
  return c;
}

TEST(Projection, NewCustomerJoinsTheBookAndCountsAsNew) {
  auto fx = EffectsOf(
      Event("customer.created", "customers/9", Cust("members/5", customer::v1::ACTIVE, true, 1000)),
      Prior{}, false, absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok()) << fx.status();
  EXPECT_EQ(fx->customer, 9);
  ASSERT_EQ(fx->holdings.size(), 1u);
  EXPECT_EQ(fx->holdings[0].member, 5);
  EXPECT_EQ(fx->holdings[0].customers, 1);
  EXPECT_EQ(fx->holdings[0].key_accounts, 1);
  bool is_new = false;
  for (const CounterDelta& d : fx->counters) is_new |= d.counter == Counter::kNewCustomers;
  EXPECT_TRUE(is_new);
}

TEST(Projection, WinBackAndChurnAreCountedOnTransitions) {
  Prior prior;
  prior.customer = CustomerState{5, 2, 1, customer::v1::DORMANT, false, 1000, false};
  auto fx = EffectsOf(Event("customer.updated", "customers/9",
                            Cust("members/5", customer::v1::ACTIVE, false, 1500)),
                      prior, false, absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok());
  int64_t won = 0, aum = 0;
  for (const CounterDelta& d : fx->counters) {
    if (d.counter == Counter::kWonBack) won += d.amount;
    if (d.counter == Counter::kAumChange) aum += d.amount;
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(aum, 500);
  // A stale state event changes nothing.
  auto stale = EffectsOf(Event("customer.updated", "customers/9",
                               Cust("members/5", customer::v1::ACTIVE, false, 1500)),
                         prior, true, absl::UTCTimeZone());
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->customer_state.has_value());
  EXPECT_TRUE(stale->counters.empty());
  EXPECT_TRUE(stale->holdings.empty());
  // customer.status_changed, written with that update, counts nothing a second time; it must
  // hold its own payload.
  customer::v1::CustomerStatusChanged changed;
  changed.set_customer("customers/9");
  changed.set_previous_status(customer::v1::DORMANT);
  changed.set_status(customer::v1::ACTIVE);
  auto follow = EffectsOf(Event("customer.status_changed", "customers/9", changed), prior, false,
                          absl::UTCTimeZone());
  ASSERT_TRUE(follow.ok());
  EXPECT_TRUE(follow->counters.empty());
  EXPECT_FALSE(follow->customer_state.has_value());
  EXPECT_EQ(EffectsOf(Event("customer.status_changed", "customers/9",
                            Cust("members/5", customer::v1::ACTIVE, false, 1500)),
                      prior, false, absl::UTCTimeZone())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Projection, TransferMovesTheBook) {
  Prior prior;
  prior.customer = CustomerState{5, 2, 1, customer::v1::ACTIVE, true, 700, false};
  prior.assignee = MemberState{1, 3, 0, 0};
  customer::v1::CustomerOwnershipChanged r;
  r.set_kind(customer::v1::TRANSFERRED);
  r.mutable_record()->set_kind(customer::v1::TRANSFERRED);
  r.mutable_record()->set_from_owner("members/5");
  r.mutable_record()->set_to_owner("members/6");
  auto fx =
      EffectsOf(Event("customer.transferred", "customers/9", r), prior, false, absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok());
  ASSERT_EQ(fx->holdings.size(), 2u);
  EXPECT_EQ(fx->holdings[0].member, 5);
  EXPECT_EQ(fx->holdings[0].customers, -1);
  EXPECT_EQ(fx->holdings[1].member, 6);
  EXPECT_EQ(fx->holdings[1].key_accounts, 1);
  EXPECT_EQ(fx->customer_state->team, 3);
  bool counted_new = false;
  for (const CounterDelta& d : fx->counters) counted_new |= d.counter == Counter::kNewCustomers;
  EXPECT_FALSE(counted_new);  // a transfer is not an acquisition
  // The first assignment of an unassigned customer is its owner's new customer.
  prior.customer->owner = 0;
  r.set_kind(customer::v1::ASSIGNED);
  r.mutable_record()->set_kind(customer::v1::ASSIGNED);
  fx = EffectsOf(Event("customer.assigned", "customers/9", r), prior, false, absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok());
  ASSERT_EQ(fx->counters.size(), 1u);
  EXPECT_EQ(fx->counters[0].counter, Counter::kNewCustomers);
  EXPECT_EQ(fx->counters[0].member, 6);
}

TEST(Projection, FactsAndBadPayloads) {
  customer::v1::Interaction i;
  i.set_manager("members/5");
  auto fx = EffectsOf(Event("customer.interaction_logged", "customers/9", i), Prior{}, true,
                      absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok());
  ASSERT_EQ(fx->counters.size(), 1u);  // facts count even when out of order
  EXPECT_EQ(fx->contacted_customer, 9);
  team::v1::LadderChange lc;
  lc.set_kind(team::v1::PROMOTION);
  fx = EffectsOf(Event("team.member.ladder_changed", "members/5", lc), Prior{}, false,
                 absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok());
  ASSERT_EQ(fx->counters.size(), 1u);
  EXPECT_EQ(fx->counters[0].counter, Counter::kPromotions);
  // A payload of the wrong type is INVALID_ARGUMENT, an unknown type has no effect.
  EXPECT_EQ(
      EffectsOf(Event("customer.created", "customers/9", lc), Prior{}, false, absl::UTCTimeZone())
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  fx = EffectsOf(Event("task.task.created", "tasks/1", lc), Prior{}, false, absl::UTCTimeZone());
  ASSERT_TRUE(fx.ok());
  EXPECT_TRUE(fx->counters.empty());
}

TEST(Projection, MonthIsCivilInTheZone) {
  absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  // 2026-11-30 20:00 UTC is 2026-12-01 04:00 in Shanghai.
  absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 11, 30, 20, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(MonthOf(t, shanghai), 202612);
  EXPECT_EQ(MonthOf(t, absl::UTCTimeZone()), 202611);
}

}  // namespace
}  // namespace rmhub::analytics
