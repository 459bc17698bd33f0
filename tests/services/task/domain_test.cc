// The task service's rules without a database: status machine, dependency cycles, four-eyes,
// ranking by skills and load.
#include <map>

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/task/domain/dependencies.h"
#include "services/task/domain/list_filters.h"
#include "services/task/domain/ranking.h"
#include "services/task/domain/workflow.h"

namespace rmhub::task {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

v1::Task MakeTask(v1::TaskType type, v1::TaskStatus status, std::vector<std::string> assignees) {
  v1::Task t;
  t.set_name("tasks/1");
  t.set_type(type);
  t.set_status(status);
  for (auto& a : assignees) t.add_assignees(a);
  t.mutable_due_time()->set_seconds(absl::ToUnixSeconds(kNow + absl::Hours(24)));
  return t;
}

v1::Task Dep(const std::string& name, v1::TaskStatus status) {
  v1::Task t;
  t.set_name(name);
  t.set_status(status);
  return t;
}

// ---- status machine ----

TEST(StatusMachine, AllowedMovesFollowTheDiagram) {
  EXPECT_THAT(AllowedNext(v1::TODO), ElementsAre(v1::IN_PROGRESS, v1::CANCELLED));
  EXPECT_THAT(AllowedNext(v1::IN_PROGRESS), ElementsAre(v1::BLOCKED, v1::DONE, v1::CANCELLED));
  EXPECT_THAT(AllowedNext(v1::BLOCKED), ElementsAre(v1::IN_PROGRESS, v1::CANCELLED));
  EXPECT_TRUE(AllowedNext(v1::DONE).empty());
  EXPECT_TRUE(AllowedNext(v1::CANCELLED).empty());
}

TEST(StatusMachine, IllegalMovesNameTheAllowedOnes) {
  v1::Task t = MakeTask(v1::CUSTOMER_VISIT, v1::TODO, {"members/1"});
  absl::Status s = DecideTransition(t, v1::DONE, "", {});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "ILLEGAL_TRANSITION");
  EXPECT_THAT(s.message(), HasSubstr("allowed: IN_PROGRESS, CANCELLED"));
  t.set_status(v1::DONE);
  s = DecideTransition(t, v1::IN_PROGRESS, "", {});
  EXPECT_THAT(s.message(), HasSubstr("none (DONE is final)"));
  t.set_status(v1::CANCELLED);
  EXPECT_EQ(ErrorReason(DecideTransition(t, v1::CANCELLED, "again", {})), "ILLEGAL_TRANSITION");
  EXPECT_EQ(DecideTransition(t, v1::TODO, "", {}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusMachine, BlockAndCancelNeedAReason) {
  v1::Task t = MakeTask(v1::CUSTOMER_VISIT, v1::IN_PROGRESS, {"members/1"});
  absl::Status s = DecideTransition(t, v1::BLOCKED, "", {});
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(s).at(0).field, "reason");
  EXPECT_TRUE(DecideTransition(t, v1::BLOCKED, "waiting for the customer's documents", {}).ok());
  EXPECT_EQ(DecideTransition(t, v1::CANCELLED, std::string(501, 'x'), {}).code(),
            absl::StatusCode::kInvalidArgument);
  // 500 Chinese characters are 1500 bytes and still allowed: the limit counts characters.
  std::string chinese;
  for (int i = 0; i < 500; ++i) chinese += "客";
  EXPECT_TRUE(DecideTransition(t, v1::CANCELLED, chinese, {}).ok());
}

TEST(StatusMachine, StartWaitsForEveryDependency) {
  v1::Task t = MakeTask(v1::CUSTOMER_VISIT, v1::TODO, {"members/1"});
  absl::Status s = DecideTransition(
      t, v1::IN_PROGRESS, "",
      {Dep("tasks/2", v1::DONE), Dep("tasks/3", v1::IN_PROGRESS), Dep("tasks/4", v1::CANCELLED)});
  EXPECT_EQ(ErrorReason(s), "DEPENDENCY_NOT_DONE");
  EXPECT_THAT(s.message(), HasSubstr("tasks/3, tasks/4"));
  EXPECT_THAT(s.message(), Not(HasSubstr("tasks/2")));
  EXPECT_TRUE(
      DecideTransition(t, v1::IN_PROGRESS, "", {Dep("tasks/2", v1::DONE), Dep("tasks/3", v1::DONE)})
          .ok());
  // Resuming a blocked task is not a start: dependencies are not asked again.
  t.set_status(v1::BLOCKED);
  EXPECT_TRUE(DecideTransition(t, v1::IN_PROGRESS, "", {Dep("tasks/3", v1::TODO)}).ok());
}

TEST(StatusMachine, StartNeedsAnAssigneeAndAnAcceptedRequest) {
  v1::Task t = MakeTask(v1::CROSS_DEPARTMENT, v1::TODO, {});
  EXPECT_EQ(ErrorReason(DecideTransition(t, v1::IN_PROGRESS, "", {})), "NO_ASSIGNEE");
  t.add_assignees("members/5");
  t.set_acceptance(v1::PENDING_ACCEPTANCE);
  EXPECT_EQ(ErrorReason(DecideTransition(t, v1::IN_PROGRESS, "", {})), "REQUEST_NOT_ACCEPTED");
  t.set_acceptance(v1::DECLINED);
  EXPECT_EQ(ErrorReason(DecideTransition(t, v1::IN_PROGRESS, "", {})), "REQUEST_NOT_ACCEPTED");
  t.set_acceptance(v1::ACCEPTED);
  EXPECT_TRUE(DecideTransition(t, v1::IN_PROGRESS, "", {}).ok());
}

TEST(StatusMachine, DoneRecordsCompletionAndWhetherItWasOnTime) {
  v1::Task t = MakeTask(v1::CUSTOMER_VISIT, v1::TODO, {"members/1"});
  ApplyTransition(t, v1::IN_PROGRESS, "", kNow);
  EXPECT_EQ(t.start_time().seconds(), absl::ToUnixSeconds(kNow));
  ApplyTransition(t, v1::DONE, "", kNow + absl::Hours(1));
  EXPECT_EQ(t.status(), v1::DONE);
  EXPECT_EQ(t.progress(), 100);
  EXPECT_TRUE(t.completed_on_time());
  v1::Task late = MakeTask(v1::CUSTOMER_VISIT, v1::IN_PROGRESS, {"members/1"});
  ApplyTransition(late, v1::DONE, "", kNow + absl::Hours(25));
  EXPECT_FALSE(late.completed_on_time());
}

TEST(StatusMachine, OverdueMeansPastDueAndOpen) {
  v1::Task t = MakeTask(v1::CUSTOMER_VISIT, v1::IN_PROGRESS, {"members/1"});
  EXPECT_FALSE(IsOverdue(t, kNow));
  EXPECT_TRUE(IsOverdue(t, kNow + absl::Hours(25)));
  t.set_status(v1::DONE);
  EXPECT_FALSE(IsOverdue(t, kNow + absl::Hours(25)));
  t.set_status(v1::CANCELLED);
  EXPECT_FALSE(IsOverdue(t, kNow + absl::Hours(25)));
}

// ---- four-eyes ----

TEST(FourEyes, NeedsTwoDistinctAssigneesToStartAndCannotBeClosedByTransition) {
  v1::Task t = MakeTask(v1::POST_LOAN_CHECK, v1::TODO, {"members/1"});
  EXPECT_EQ(ErrorReason(DecideTransition(t, v1::IN_PROGRESS, "", {})), "FOUR_EYES_NEEDS_TWO");
  t.add_assignees("members/2");
  EXPECT_TRUE(DecideTransition(t, v1::IN_PROGRESS, "", {}).ok());
  t.set_status(v1::IN_PROGRESS);
  EXPECT_EQ(ErrorReason(DecideTransition(t, v1::DONE, "", {})), "FOUR_EYES_SIGN_OFF_REQUIRED");
  // An ordinary task is closed by a transition.
  EXPECT_TRUE(
      DecideTransition(MakeTask(v1::MARKETING, v1::IN_PROGRESS, {"members/1"}), v1::DONE, "", {})
          .ok());
}

TEST(FourEyes, DoneOnlyAfterBothSignaturesWhoAndWhenKept) {
  v1::Task t = MakeTask(v1::DUE_DILIGENCE, v1::IN_PROGRESS, {"members/1", "members/2"});
  const std::string text = "visited the premises; collateral present";
  auto first = SignOff(t, "members/1", text, kNow);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(*first);
  EXPECT_EQ(t.status(), v1::IN_PROGRESS);
  EXPECT_EQ(ErrorReason(SignOff(t, "members/1", text, kNow).status()), "ALREADY_SIGNED");
  auto third = SignOff(t, "members/3", text, kNow);
  EXPECT_EQ(third.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(third.status()), "NOT_AN_ASSIGNEE");
  auto second = SignOff(t, "members/2", text, kNow + absl::Minutes(5));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*second);
  EXPECT_EQ(t.status(), v1::DONE);
  ASSERT_EQ(t.sign_offs_size(), 2);
  EXPECT_EQ(t.sign_offs(0).signer(), "members/1");
  EXPECT_EQ(t.sign_offs(1).signer(), "members/2");
  EXPECT_EQ(t.sign_offs(1).sign_time().seconds(), absl::ToUnixSeconds(kNow + absl::Minutes(5)));
  EXPECT_EQ(t.sign_offs(0).attestation(), text);
}

TEST(FourEyes, NoSignatureOnCancelledOrUnstartedTasksOrOrdinaryTypes) {
  const std::string text = "checked the loan's use of funds";
  v1::Task t = MakeTask(v1::DUE_DILIGENCE, v1::CANCELLED, {"members/1", "members/2"});
  EXPECT_EQ(ErrorReason(SignOff(t, "members/1", text, kNow).status()), "TASK_NOT_IN_PROGRESS");
  t.set_status(v1::TODO);
  EXPECT_EQ(ErrorReason(SignOff(t, "members/1", text, kNow).status()), "TASK_NOT_IN_PROGRESS");
  v1::Task visit = MakeTask(v1::CUSTOMER_VISIT, v1::IN_PROGRESS, {"members/1"});
  EXPECT_EQ(ErrorReason(SignOff(visit, "members/1", text, kNow).status()), "NOT_FOUR_EYES");
  v1::Task ok = MakeTask(v1::DUE_DILIGENCE, v1::IN_PROGRESS, {"members/1", "members/2"});
  auto short_text = SignOff(ok, "members/1", "ok", kNow);
  EXPECT_EQ(short_text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(short_text.status()).at(0).field, "attestation");
  EXPECT_EQ(ok.sign_offs_size(), 0);
}

TEST(FourEyes, AssigneeListRules) {
  v1::Task t = MakeTask(v1::POST_LOAN_CHECK, v1::TODO, {});
  EXPECT_EQ(
      ErrorReason(CheckAssignees(t, {"members/1", "members/2", "members/3"}, "task.assignees")),
      "FOUR_EYES_NEEDS_TWO");
  absl::Status twice = CheckAssignees(t, {"members/1", "members/1"}, "task.assignees");
  EXPECT_EQ(FieldViolations(twice).at(0).field, "task.assignees[1]");
  EXPECT_EQ(FieldViolations(CheckAssignees(t, {"teams/1"}, "task.assignees")).at(0).field,
            "task.assignees[0]");
  EXPECT_TRUE(CheckAssignees(t, {"members/1"}, "task.assignees").ok());
  t.set_status(v1::IN_PROGRESS);
  t.add_assignees("members/1");
  t.add_assignees("members/2");
  t.add_sign_offs()->set_signer("members/1");
  EXPECT_EQ(ErrorReason(CheckAssignees(t, {"members/2"}, "task.assignees")), "FOUR_EYES_NEEDS_TWO");
  EXPECT_EQ(ErrorReason(CheckAssignees(t, {"members/3", "members/2"}, "task.assignees")),
            "SIGNER_REMOVED");
  EXPECT_TRUE(CheckAssignees(t, {"members/1", "members/4"}, "task.assignees").ok());
}

TEST(FourEyes, BothSignersMustBeEligible) {
  EXPECT_TRUE(
      CheckFourEyesSigners({{"members/1", true, true}, {"members/2", true, true}}, "members/1")
          .ok());
  absl::Status teller =
      CheckFourEyesSigners({{"members/1", true, true}, {"members/2", true, false}}, "members/1");
  EXPECT_EQ(ErrorReason(teller), "SIGNER_NOT_ELIGIBLE");
  EXPECT_THAT(teller.message(), HasSubstr("members/2 may not perform this check"));
  EXPECT_THAT(teller.message(), HasSubstr("own manager may not check alone"));
  EXPECT_EQ(ErrorReason(
                CheckFourEyesSigners({{"members/1", false, true}, {"members/2", true, true}}, "")),
            "SIGNER_NOT_ELIGIBLE");
}

// ---- dependencies ----

class Graph {
 public:
  void Edge(int64_t from, int64_t to) { edges_[from].push_back(to); }
  DependencyLookup Lookup() {
    return [this](int64_t id) -> absl::StatusOr<std::vector<int64_t>> {
      ++lookups_;
      auto it = edges_.find(id);
      return it == edges_.end() ? std::vector<int64_t>{} : it->second;
    };
  }
  int lookups_ = 0;

 private:
  std::map<int64_t, std::vector<int64_t>> edges_;
};

TEST(Dependencies, CyclesAreRefusedWithTheirPath) {
  Graph g;
  g.Edge(2, 3);  // tasks/2 depends on tasks/3
  g.Edge(3, 1);  // tasks/3 depends on tasks/1
  absl::Status s = CheckDependencies(1, {2}, g.Lookup(), "task.dependencies");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "DEPENDENCY_CYCLE");
  EXPECT_THAT(s.message(), HasSubstr("tasks/1 -> tasks/2 -> tasks/3 -> tasks/1"));
  EXPECT_TRUE(CheckDependencies(1, {3}, g.Lookup(), "task.dependencies").code() ==
              absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckDependencies(4, {2}, g.Lookup(), "task.dependencies").ok());
}

TEST(Dependencies, ADiamondIsNotACycle) {
  Graph g;
  g.Edge(2, 4);
  g.Edge(3, 4);
  g.Edge(4, 5);
  EXPECT_TRUE(CheckDependencies(1, {2, 3}, g.Lookup(), "deps").ok());
  EXPECT_LE(g.lookups_, 4);  // each node visited once
}

TEST(Dependencies, SelfRepeatedAndTooMany) {
  Graph g;
  EXPECT_EQ(FieldViolations(CheckDependencies(1, {1}, g.Lookup(), "deps")).at(0).field, "deps[0]");
  EXPECT_EQ(FieldViolations(CheckDependencies(1, {2, 2}, g.Lookup(), "deps")).at(0).field,
            "deps[1]");
  std::vector<int64_t> many;
  for (int i = 2; i < 2 + kMaxDependencies + 1; ++i) many.push_back(i);
  EXPECT_EQ(CheckDependencies(1, many, g.Lookup(), "deps").code(),
            absl::StatusCode::kInvalidArgument);
  // A task being created (id 0) cannot close a cycle.
  EXPECT_TRUE(CheckDependencies(0, {2}, g.Lookup(), "deps").ok());
}

TEST(Dependencies, TheWalkIsBounded) {
  Graph g;
  for (int64_t i = 2; i < 100; ++i) g.Edge(i, i + 1);
  absl::Status s = CheckDependencies(1, {2}, g.Lookup(), "deps", 50);
  EXPECT_EQ(ErrorReason(s), "DEPENDENCY_GRAPH_TOO_LARGE");
}

TEST(Dependencies, LookupErrorsPropagate) {
  DependencyLookup broken = [](int64_t) -> absl::StatusOr<std::vector<int64_t>> {
    return Unavailable("DB_UNAVAILABLE", "down");
  };
  EXPECT_EQ(CheckDependencies(1, {2}, broken, "deps").code(), absl::StatusCode::kUnavailable);
}

// ---- ranking ----

MemberFacts Member(int64_t id, bool active, std::vector<std::string> skills,
                   std::vector<OpenWork> open = {}) {
  return MemberFacts{id, active, std::move(skills), std::move(open)};
}

TEST(Ranking, SkillsFirstThenLoadAndNeverAbsentMembers) {
  const absl::Time far = kNow + absl::Hours(24 * 10);
  std::vector<MemberFacts> team = {
      Member(1, true, {"WEALTH"}, {{v1::NORMAL, far}}),
      Member(2, true, {"WEALTH", "FX"}, {{v1::NORMAL, far}, {v1::NORMAL, far}}),
      Member(3, false, {"WEALTH", "FX"}),  // on leave
      Member(4, true, {"WEALTH", "FX"}),
  };
  auto ranked = RankCandidates(team, {"WEALTH", "FX"}, kNow, 10);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].member(), "members/4");  // both skills, idle
  EXPECT_EQ(ranked[1].member(), "members/2");  // both skills, loaded
  EXPECT_EQ(ranked[2].member(), "members/1");  // one skill
  EXPECT_EQ(ranked[0].matched_skills(), 2);
  EXPECT_DOUBLE_EQ(ranked[0].score(), 1.0);
  EXPECT_DOUBLE_EQ(ranked[1].weighted_load(), 2.0);
  EXPECT_DOUBLE_EQ(ranked[1].load_penalty(), 2.0 / 12.0);
  EXPECT_DOUBLE_EQ(ranked[2].skill_score(), 0.5);
  EXPECT_THAT(ranked[1].explanation(), HasSubstr("2/2 skills, 2 open tasks (load 2.0)"));
  EXPECT_EQ(RankCandidates(team, {"WEALTH", "FX"}, kNow, 1).size(), 1u);
}

TEST(Ranking, UrgentAndHighPriorityWorkWeighsMore) {
  const absl::Time soon = kNow + absl::Hours(12);
  const absl::Time far = kNow + absl::Hours(24 * 10);
  EXPECT_DOUBLE_EQ(WeightedLoad({{v1::LOW, far}}, kNow), 0.5);
  EXPECT_DOUBLE_EQ(WeightedLoad({{v1::URGENT, far}}, kNow), 3.0);
  EXPECT_DOUBLE_EQ(WeightedLoad({{v1::HIGH, soon}}, kNow), 4.0);
  EXPECT_DOUBLE_EQ(WeightedLoad({{v1::NORMAL, kNow - absl::Hours(1)}}, kNow), 2.0);  // overdue
  // Same skills: three LOW tasks far away weigh less than one URGENT task due tomorrow.
  auto ranked =
      RankCandidates({Member(7, true, {}, {{v1::URGENT, soon}}),
                      Member(8, true, {}, {{v1::LOW, far}, {v1::LOW, far}, {v1::LOW, far}})},
                     {}, kNow, 5);
  EXPECT_EQ(ranked[0].member(), "members/8");
}

TEST(Ranking, TiesGoToFewerOpenTasksThenTheLowerId) {
  auto ranked = RankCandidates({Member(9, true, {}), Member(5, true, {})}, {}, kNow, 5);
  EXPECT_EQ(ranked[0].member(), "members/5");
  EXPECT_EQ(ranked[1].member(), "members/9");
}

TEST(Ranking, WorkloadCountsOverdue) {
  v1::Workload w = WorkloadOf(
      Member(3, true, {},
             {{v1::NORMAL, kNow - absl::Hours(2)}, {v1::NORMAL, kNow + absl::Hours(100)}}),
      kNow);
  EXPECT_EQ(w.member(), "members/3");
  EXPECT_EQ(w.open_tasks(), 2);
  EXPECT_EQ(w.overdue_tasks(), 1);
  EXPECT_DOUBLE_EQ(w.weighted_load(), 3.0);
}

TEST(ListFilters, PinnedCustomerIsTheRelatedCustomerEquality) {
  auto pinned = [](const std::string& text) {
    absl::StatusOr<api::FilterExpr> f = api::ParseFilterExpr(text, TaskFilterSchema());
    EXPECT_TRUE(f.ok()) << f.status();
    return f.ok() ? PinnedCustomer(*f) : -1;
  };
  EXPECT_EQ(pinned(""), 0);
  EXPECT_EQ(pinned("team = \"teams/10\""), 0);
  EXPECT_EQ(pinned("status = TODO AND related_customer = \"customers/42\""), 42);
  EXPECT_EQ(pinned("related_complaint = \"complaints/42\""), 0);
  EXPECT_FALSE(api::ParseFilterExpr("related_customer != \"customers/42\"", TaskFilterSchema())
                   .ok());  // only = is accepted, so a pin is always an equality
}

TEST(StatusMachine, OpenWorkIsOpenAndNotAWaitingOrDeclinedRequest) {
  v1::Task t;
  t.set_status(v1::TODO);
  EXPECT_TRUE(CountsAsWork(t));
  t.set_status(v1::BLOCKED);
  EXPECT_TRUE(CountsAsWork(t));
  t.set_acceptance(v1::PENDING_ACCEPTANCE);
  EXPECT_FALSE(CountsAsWork(t));
  t.set_acceptance(v1::ACCEPTED);
  EXPECT_TRUE(CountsAsWork(t));
  t.set_acceptance(v1::DECLINED);
  EXPECT_FALSE(CountsAsWork(t));
  t.set_acceptance(v1::ACCEPTANCE_UNSPECIFIED);
  t.set_status(v1::DONE);
  EXPECT_FALSE(CountsAsWork(t));
  t.set_status(v1::CANCELLED);
  EXPECT_FALSE(CountsAsWork(t));
}

}  // namespace
}  // namespace rmhub::task
