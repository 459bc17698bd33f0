// The analytics service in-process over real gRPC and a real MariaDB: ingestion exactly once
// (replays, the same event 10 times concurrently), out-of-order versions, bad and random input
// (nothing written), event sources, scorecard authorization, and a rebuild equal to the
// incremental projections.
#include "services/analytics/analytics_service.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock/clock.h"
#include "common/grpc/status_mapping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "rmhub/team/v1/team.pb.h"
#include "services/analytics/analytics_grpc_service.h"
#include "services/analytics/mysql_repository.h"
#include "tests/support/metric_value.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::analytics {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

absl::Time Start() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 16, 9, 30, 0), *LoadZone(kDefaultZone));
}

class AnalyticsTest : public ::testing::Test {
 protected:
  AnalyticsTest() : harness_("analytics", AnalyticsMigrations(), Start()) {
    grpcx::SetErrorDomain("analytics.rmhub");
    idempotency_ = testing::TestIdempotency("analytics", nullptr, harness_.clock());
    repository_ = std::make_unique<MySqlAnalyticsRepository>(harness_.pool(), *idempotency_);
    metrics_ = std::make_unique<IngestMetrics>(registry_);
    service_ = std::make_unique<AnalyticsService>(*repository_, harness_.clock(), harness_.zone(),
                                                  AnalyticsConfig{}, metrics_.get());
    grpc_service_ = std::make_unique<AnalyticsGrpcService>(*service_, harness_.authenticator(),
                                                           harness_.call_queue());
    harness_.Serve(grpc_service_.get(), "rmhub.analytics.v1.AnalyticsService");
    stub_ = v1::AnalyticsService::NewStub(harness_.channel());
  }

  std::string ServiceToken(const std::string& service) const {
    auth::DevTokenRequest r;
    r.service = service;
    return harness_.Token(r);
  }
  std::string PersonToken(int64_t member, const std::string& role, int64_t branch,
                          std::vector<int64_t> teams, std::set<std::string> perms = {}) const {
    auth::DevTokenRequest r;
    r.member_id = member;
    r.roles = {role};
    r.branch_id = branch;
    r.team_ids = std::move(teams);
    r.permissions = std::move(perms);
    return harness_.Token(r);
  }

  common::v1::DomainEvent Event(const std::string& type, const std::string& aggregate,
                                int64_t version, const google::protobuf::Message& payload) {
    common::v1::DomainEvent e;
    e.set_event_id(absl::StrCat("ev-", ++next_event_));
    e.set_source(type.substr(0, type.find('.')));
    e.set_type(type);
    e.set_aggregate(aggregate);
    e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(Start()));
    e.set_actor("members/100");
    e.set_aggregate_version(version);
    e.mutable_payload()->PackFrom(payload);
    return e;
  }

  team::v1::Member Member(int64_t id, int64_t branch, int64_t team) {
    team::v1::Member m;
    m.set_name(absl::StrCat("members/", id));
    m.set_branch(absl::StrCat("branches/", branch));
    m.set_home_team(absl::StrCat("teams/", team));
    m.set_role(team::v1::RELATIONSHIP_MANAGER);
    m.set_status(team::v1::ACTIVE);
    return m;
  }
  customer::v1::Customer Customer(int64_t id, int64_t owner, customer::v1::CustomerStatus status,
                                  int64_t aum) {
    customer::v1::Customer c;
    c.set_name(absl::StrCat("customers/", id));
    c.set_owner(absl::StrCat("members/", owner));
    c.set_team("teams/10");
    c.set_branch("branches/1");
    c.set_status(status);
    c.set_key_account(id % 2 == 0);
    c.mutable_aum()->set_minor_units(aum);
    return c;
  }

  grpc::Status Ingest(const std::string& service, std::vector<common::v1::DomainEvent> events,
                      v1::IngestEventsResponse* out = nullptr) {
    v1::IngestEventsRequest req;
    for (auto& e : events) *req.add_events() = e;
    v1::IngestEventsResponse resp;
    auto ctx = harness_.Context(ServiceToken(service));
    grpc::Status s = stub_->IngestEvents(ctx.get(), req, &resp);
    if (out) *out = resp;
    return s;
  }

  // Members 5 and 6 in team 10, branch 1; member 7 in team 20, branch 2.
  void SeedMembers() {
    ASSERT_TRUE(Ingest("team", {Event("team.member.created", "members/5", 1, Member(5, 1, 10)),
                                Event("team.member.created", "members/6", 1, Member(6, 1, 10)),
                                Event("team.member.created", "members/7", 1, Member(7, 2, 20))})
                    .ok());
  }

  grpc::Status Scorecard(const std::string& token, const std::string& subject, v1::Scorecard* out,
                         v1::PeriodKind kind = v1::MONTH, int index = 3) {
    v1::GetScorecardRequest r;
    r.set_subject(subject);
    r.set_period_kind(kind);
    r.set_year(2026);
    r.set_index(index);
    auto ctx = harness_.Context(token);
    return stub_->GetScorecard(ctx.get(), r, out);
  }

  double Figure(const v1::Scorecard& s, v1::Dimension d, const std::string& name) {
    for (const auto& dim : s.dimensions()) {
      if (dim.dimension() != d) continue;
      for (const auto& f : dim.figures()) {
        if (f.name() == name) return f.value();
      }
    }
    ADD_FAILURE() << "no figure " << name;
    return -1;
  }

  std::string AdminToken() const {
    return PersonToken(900, "BACK_OFFICE", 0, {}, {"analytics.read", "analytics.admin"});
  }

  testing::ServiceHarness harness_;
  prometheus::Registry registry_;
  std::unique_ptr<IngestMetrics> metrics_;
  std::unique_ptr<idempotency::Idempotency> idempotency_;
  std::unique_ptr<MySqlAnalyticsRepository> repository_;
  std::unique_ptr<AnalyticsService> service_;
  std::unique_ptr<AnalyticsGrpcService> grpc_service_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
  int next_event_ = 0;
};

TEST_F(AnalyticsTest, IngestedEventsShowInTheScorecardWithTheirRawFigures) {
  SeedMembers();
  customer::v1::Interaction i;
  i.set_manager("members/5");
  customer::v1::CustomerStatusChanged changed;
  changed.set_customer("customers/2");
  changed.set_previous_status(customer::v1::DORMANT);
  changed.set_status(customer::v1::ACTIVE);
  v1::IngestEventsResponse resp;
  ASSERT_TRUE(
      Ingest(
          "customer",
          {Event("customer.created", "customers/1", 1, Customer(1, 5, customer::v1::ACTIVE, 1000)),
           Event("customer.created", "customers/2", 1, Customer(2, 5, customer::v1::DORMANT, 0)),
           Event("customer.interaction_logged", "customers/1", 2, i),
           Event("customer.interaction_logged", "customers/1", 3, i),
           Event("customer.updated", "customers/2", 2, Customer(2, 5, customer::v1::ACTIVE, 500)),
           Event("customer.status_changed", "customers/2", 3, changed)},
          &resp)
          .ok());
  EXPECT_EQ(resp.accepted_count(), 6);
  EXPECT_EQ(resp.duplicate_count(), 0);

  v1::Scorecard s;
  ASSERT_TRUE(Scorecard(PersonToken(5, "RELATIONSHIP_MANAGER", 1, {10}), "members/5", &s).ok());
  ASSERT_EQ(s.dimensions_size(), 5);
  EXPECT_EQ(Figure(s, v1::RELATIONSHIP_MAINTENANCE, "interactions"), 2);
  EXPECT_EQ(Figure(s, v1::RELATIONSHIP_MAINTENANCE, "customers_contacted"), 1);
  EXPECT_EQ(Figure(s, v1::RELATIONSHIP_MAINTENANCE, "won_back"), 1);
  EXPECT_EQ(Figure(s, v1::GROWTH, "new_customers"), 2);
  EXPECT_EQ(Figure(s, v1::GROWTH, "aum_change_minor"), 1500);
  EXPECT_EQ(Figure(s, v1::CUSTOMER_SATISFACTION, "customers_held"), 2);
  EXPECT_GT(s.total(), 0);
  for (const auto& d : s.dimensions()) EXPECT_FALSE(d.formula().empty());
  // The team sums its members; another month has no facts.
  v1::Scorecard team;
  ASSERT_TRUE(Scorecard(PersonToken(50, "TEAM_LEAD", 1, {10}), "teams/10", &team).ok());
  EXPECT_EQ(team.member_count(), 2);
  EXPECT_EQ(Figure(team, v1::GROWTH, "new_customers"), 2);
  v1::Scorecard april;
  ASSERT_TRUE(
      Scorecard(PersonToken(5, "RELATIONSHIP_MANAGER", 1, {10}), "members/5", &april, v1::MONTH, 4)
          .ok());
  EXPECT_EQ(Figure(april, v1::GROWTH, "new_customers"), 0);
  v1::Scorecard quarter;
  ASSERT_TRUE(Scorecard(PersonToken(5, "RELATIONSHIP_MANAGER", 1, {10}), "members/5", &quarter,
                        v1::QUARTER, 1)
                  .ok());
  EXPECT_EQ(Figure(quarter, v1::GROWTH, "new_customers"), 2);
}

TEST_F(AnalyticsTest, ReplayedEventsChangeNothing) {
  SeedMembers();
  customer::v1::Interaction i;
  i.set_manager("members/5");
  std::vector<common::v1::DomainEvent> batch = {
      Event("customer.created", "customers/1", 1, Customer(1, 5, customer::v1::ACTIVE, 100)),
      Event("customer.interaction_logged", "customers/1", 2, i)};
  ASSERT_TRUE(Ingest("customer", batch).ok());
  std::string before = harness_.Snapshot();
  v1::IngestEventsResponse resp;
  ASSERT_TRUE(Ingest("customer", batch, &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 0);
  EXPECT_EQ(resp.duplicate_count(), 2);
  EXPECT_EQ(harness_.Snapshot(), before);
  // The gauges, labelled by source and outcome only.
  auto metric = [&](const std::string& name, std::map<std::string, std::string> labels) {
    return testing::MetricValue(registry_, name, labels).value_or(-1);
  };
  EXPECT_EQ(
      metric("rmhub_analytics_events_total", {{"source", "customer"}, {"outcome", "accepted"}}), 2);
  EXPECT_EQ(
      metric("rmhub_analytics_events_total", {{"source", "customer"}, {"outcome", "duplicate"}}),
      2);
  EXPECT_EQ(metric("rmhub_analytics_events_total", {{"source", "team"}, {"outcome", "accepted"}}),
            3);
  // The events occurred at the fake clock's start; the clock has not moved.
  EXPECT_EQ(metric("rmhub_analytics_ingest_lag_seconds", {{"source", "customer"}}), 0);
}

TEST_F(AnalyticsTest, TheSameEventTenTimesConcurrentlyCountsOnce) {
  SeedMembers();
  customer::v1::Interaction i;
  i.set_manager("members/5");
  common::v1::DomainEvent e = Event("customer.interaction_logged", "customers/1", 1, i);
  std::vector<std::thread> threads;
  std::vector<grpc::Status> results(10);
  std::vector<v1::IngestEventsResponse> responses(10);
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] { results[t] = Ingest("customer", {e}, &responses[t]); });
  }
  for (auto& t : threads) t.join();
  int accepted = 0;
  for (int t = 0; t < 10; ++t) {
    ASSERT_TRUE(results[t].ok()) << results[t].error_message();
    accepted += responses[t].accepted_count();
  }
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM events"), 4);  // 3 members + 1
  EXPECT_EQ(harness_.QueryInt("SELECT interactions FROM member_months WHERE member_id = 5"), 1);
}

TEST_F(AnalyticsTest, AnOlderVersionNeverOverwritesANewerState) {
  SeedMembers();
  // Version 3 (churned, owner 6) arrives before version 2 (active, owner 5).
  v1::IngestEventsResponse resp;
  ASSERT_TRUE(
      Ingest(
          "customer",
          {Event("customer.created", "customers/1", 1, Customer(1, 5, customer::v1::ACTIVE, 100)),
           Event("customer.updated", "customers/1", 3, Customer(1, 6, customer::v1::ACTIVE, 300))},
          &resp)
          .ok());
  EXPECT_EQ(resp.gap_count(), 1);
  ASSERT_TRUE(Ingest("customer",
                     {Event("customer.updated", "customers/1", 2,
                            Customer(1, 5, customer::v1::ACTIVE, 200))},
                     &resp)
                  .ok());
  EXPECT_EQ(resp.accepted_count(), 1);
  EXPECT_EQ(resp.stale_count(), 1);
  EXPECT_EQ(harness_.QueryInt("SELECT owner_id FROM customer_states WHERE customer_id = 1"), 6);
  EXPECT_EQ(harness_.QueryInt("SELECT aum_minor FROM customer_states WHERE customer_id = 1"), 300);
  EXPECT_EQ(harness_.QueryInt("SELECT customers FROM holdings WHERE member_id = 6"), 1);
  EXPECT_EQ(harness_.QueryInt("SELECT customers FROM holdings WHERE member_id = 5"), 0);
}

TEST_F(AnalyticsTest, BadInputIsRejectedWholeAndWritesNothing) {
  SeedMembers();
  customer::v1::Customer c = Customer(1, 5, customer::v1::ACTIVE, 1);
  common::v1::DomainEvent good = Event("customer.created", "customers/1", 1, c);
  common::v1::DomainEvent no_id = good;
  no_id.clear_event_id();
  common::v1::DomainEvent bad_version = Event("customer.created", "customers/2", 0, c);
  team::v1::Member m;
  common::v1::DomainEvent wrong_payload = Event("customer.created", "customers/3", 1, m);
  harness_.ExpectNothingWritten([&] {
    grpc::Status s = Ingest("customer", {good, no_id});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(testing::FieldsOf(s), Contains("events[1].event_id"));
    s = Ingest("customer", {good, bad_version});
    EXPECT_THAT(testing::FieldsOf(s), Contains("events[1].aggregate_version"));
    s = Ingest("customer", {good, wrong_payload});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(testing::FieldsOf(s), Contains("events[1].payload"));
    std::vector<common::v1::DomainEvent> many(1001, good);
    s = Ingest("customer", many);
    EXPECT_THAT(testing::FieldsOf(s), Contains("events"));
    v1::Scorecard sc;
    std::string token = AdminToken();
    s = Scorecard(token, "members/x", &sc);
    EXPECT_THAT(testing::FieldsOf(s), Contains("subject"));
    s = Scorecard(token, "customers/1", &sc);
    EXPECT_THAT(testing::FieldsOf(s), Contains("subject"));
    s = Scorecard(token, "members/5", &sc, v1::MONTH, 13);
    EXPECT_THAT(testing::FieldsOf(s), Contains("index"));
    s = Scorecard(token, "members/5", &sc, v1::PERIOD_KIND_UNSPECIFIED, 1);
    EXPECT_THAT(testing::FieldsOf(s), Contains("period_kind"));
  });
}

TEST_F(AnalyticsTest, RandomInputNeverCrashesNorHalfWrites) {
  std::mt19937_64 rng(11);
  const std::vector<std::string> types = {
      "customer.created",  "customer.updated", "customer.interaction_logged",
      "customer.assigned", "customer.unknown", ""};
  for (int i = 0; i < 200; ++i) {
    common::v1::DomainEvent e;
    e.set_event_id(rng() % 5 == 0 ? "" : absl::StrCat("r-", rng() % 50));
    e.set_source(rng() % 4 == 0 ? "team" : "customer");
    e.set_type(types[rng() % types.size()]);
    e.set_aggregate(rng() % 5 == 0 ? "junk" : absl::StrCat("customers/", rng() % 10));
    e.mutable_occur_time()->set_seconds(static_cast<int64_t>(rng() % 5'000'000'000ULL));
    e.set_aggregate_version(static_cast<int64_t>(rng() % 6) - 1);
    switch (rng() % 3) {
      case 0:
        e.mutable_payload()->PackFrom(Customer(rng() % 10, rng() % 8, customer::v1::ACTIVE,
                                               static_cast<int64_t>(rng() % 1000)));
        break;
      case 1:
        e.mutable_payload()->set_value(std::string(rng() % 20, '\xff'));
        break;
      default:
        break;
    }
    int64_t before = harness_.QueryInt("SELECT COUNT(*) FROM events");
    v1::IngestEventsResponse resp;
    grpc::Status s = Ingest("customer", {e}, &resp);
    int64_t after = harness_.QueryInt("SELECT COUNT(*) FROM events");
    if (s.ok()) {
      EXPECT_EQ(after - before, resp.accepted_count());
    } else {
      EXPECT_THAT(s.error_code(), ::testing::AnyOf(grpc::StatusCode::INVALID_ARGUMENT,
                                                   grpc::StatusCode::PERMISSION_DENIED));
      EXPECT_EQ(after, before);
    }
  }
  // The projections stay consistent with a rebuild.
  EXPECT_GE(harness_.QueryInt("SELECT COUNT(*) FROM events"), 0);
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM holdings WHERE customers < 0"), 0);
}

TEST_F(AnalyticsTest, EachServiceDeliversOnlyItsOwnEvents) {
  customer::v1::Customer c = Customer(1, 5, customer::v1::ACTIVE, 1);
  common::v1::DomainEvent e = Event("customer.created", "customers/1", 1, c);
  harness_.ExpectNothingWritten([&] {
    EXPECT_EQ(Ingest("team", {e}).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    v1::IngestEventsRequest req;
    *req.add_events() = e;
    v1::IngestEventsResponse resp;
    auto ctx = harness_.Context(PersonToken(5, "BRANCH_MANAGER", 1, {}, {"analytics.admin"}));
    EXPECT_EQ(stub_->IngestEvents(ctx.get(), req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  });
  EXPECT_TRUE(Ingest("customer", {e}).ok());
}

TEST_F(AnalyticsTest, ScorecardsAreReadOnlyWithinTheCallersScope) {
  SeedMembers();
  v1::Scorecard s;
  auto code = [&](const std::string& token, const std::string& subject) {
    return Scorecard(token, subject, &s).error_code();
  };
  const auto kOk = grpc::StatusCode::OK;
  const auto kHidden = grpc::StatusCode::NOT_FOUND;
  std::string rm5 = PersonToken(5, "RELATIONSHIP_MANAGER", 1, {10});
  EXPECT_EQ(code(rm5, "members/5"), kOk);
  EXPECT_EQ(code(rm5, "members/6"), kHidden);  // a team mate
  EXPECT_EQ(code(rm5, "teams/10"), kHidden);
  EXPECT_EQ(code(rm5, "branches/1"), kHidden);
  std::string lead10 = PersonToken(50, "TEAM_LEAD", 1, {10});
  EXPECT_EQ(code(lead10, "members/6"), kOk);
  EXPECT_EQ(code(lead10, "teams/10"), kOk);
  EXPECT_EQ(code(lead10, "members/7"), kHidden);
  EXPECT_EQ(code(lead10, "teams/20"), kHidden);
  EXPECT_EQ(code(lead10, "branches/1"), kHidden);
  std::string bm1 = PersonToken(60, "BRANCH_MANAGER", 1, {});
  EXPECT_EQ(code(bm1, "branches/1"), kOk);
  EXPECT_EQ(code(bm1, "teams/10"), kOk);
  EXPECT_EQ(code(bm1, "members/5"), kOk);
  EXPECT_EQ(code(bm1, "members/7"), kHidden);
  EXPECT_EQ(code(bm1, "branches/2"), kHidden);
  // A member analytics never heard of looks the same as one out of scope.
  EXPECT_EQ(code(bm1, "members/999"), kHidden);
  EXPECT_EQ(code(ServiceToken("customer"), "members/5"), kHidden);
  EXPECT_EQ(code(AdminToken(), "branches/2"), kOk);
}

TEST_F(AnalyticsTest, RebuildReplaysIntoTheSameFigures) {
  SeedMembers();
  customer::v1::Interaction i;
  i.set_manager("members/6");
  customer::v1::CustomerOwnershipChanged transfer;
  transfer.set_customer("customers/1");
  transfer.set_kind(customer::v1::TRANSFERRED);
  transfer.set_to_owner("members/6");
  transfer.mutable_record()->set_kind(customer::v1::TRANSFERRED);
  transfer.mutable_record()->set_to_owner("members/6");
  team::v1::LadderChange promo;
  promo.set_kind(team::v1::PROMOTION);
  ASSERT_TRUE(
      Ingest(
          "customer",
          // Version 3 (after the transfer to member 6) arrives before version 2.
          {Event("customer.created", "customers/1", 1, Customer(1, 5, customer::v1::DORMANT, 100)),
           Event("customer.updated", "customers/1", 3, Customer(1, 6, customer::v1::ACTIVE, 900)),
           Event("customer.transferred", "customers/1", 2, transfer),
           Event("customer.interaction_logged", "customers/1", 4, i),
           Event("customer.created", "customers/2", 1, Customer(2, 6, customer::v1::ACTIVE, 50))})
          .ok());
  ASSERT_TRUE(Ingest("team", {Event("team.member.ladder_changed", "members/6", 2, promo)}).ok());
  std::vector<std::string> tables = {"holdings",      "member_months", "customer_states",
                                     "member_states", "contacts",      "aggregate_versions"};
  auto checksum = [&] {
    std::string out;
    for (const auto& t : tables) {
      out += absl::StrCat(
          t, "=",
          harness_.QueryInt(absl::StrCat(
              "SELECT COALESCE(SUM(CRC32(CONCAT_WS(',', ",
              t == "holdings"          ? "member_id, customers, key_accounts, aum_minor"
              : t == "member_months"   ? "member_id, month, interactions, customers_contacted, "
                                         "new_customers, won_back, aum_change_minor, promotions"
              : t == "customer_states" ? "customer_id, owner_id, status, aum_minor, archived"
              : t == "member_states"   ? "member_id, branch_id, home_team_id"
              : t == "contacts"        ? "customer_id, month"
                                       : "aggregate, state_version, max_version, applied",
              "))), 0) FROM ", t)),
          ";");
    }
    return out;
  };
  std::string incremental = checksum();
  v1::Scorecard before;
  ASSERT_TRUE(Scorecard(AdminToken(), "teams/10", &before).ok());
  // Not for a non-admin.
  v1::RebuildProjectionsResponse resp;
  {
    auto ctx = harness_.Context(PersonToken(60, "BRANCH_MANAGER", 1, {}));
    EXPECT_EQ(stub_->RebuildProjections(ctx.get(), {}, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  auto ctx = harness_.Context(AdminToken());
  ASSERT_TRUE(stub_->RebuildProjections(ctx.get(), {}, &resp).ok());
  EXPECT_EQ(resp.replayed_count(), 9);
  EXPECT_EQ(checksum(), incremental);
  v1::Scorecard after;
  ASSERT_TRUE(Scorecard(AdminToken(), "teams/10", &after).ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(Figure(after, v1::GROWTH, "promotions"), 1);
  EXPECT_EQ(harness_.QueryInt("SELECT customers FROM holdings WHERE member_id = 6"), 2);
}

TEST_F(AnalyticsTest, RpcsNotBuiltYetSayUnimplemented) {
  auto ctx = harness_.Context(AdminToken());
  v1::TeamDashboard d;
  v1::GetTeamDashboardRequest r;
  r.set_team("teams/10");
  EXPECT_EQ(stub_->GetTeamDashboard(ctx.get(), r, &d).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace rmhub::analytics
