// The complaint service's rules without a database: the workflow, routing and recusal, repeat
// merging, the history's hash chain and the category spike rule.
#include <string>
#include <vector>

#include "common/auth/roles.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/complaint/domain/access_policy.h"
#include "services/complaint/domain/history_chain.h"
#include "services/complaint/domain/repeats.h"
#include "services/complaint/domain/routing.h"
#include "services/complaint/domain/spike.h"
#include "services/complaint/domain/workflow.h"

namespace rmhub::complaint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- workflow ----

TEST(Workflow, TheEightStepsInOrder) {
  const std::vector<v1::ComplaintState> path = {
      v1::RECEIVED,      v1::UNDER_REVIEW,      v1::ASSIGNED,
      v1::INVESTIGATING, v1::SOLUTION_PROPOSED, v1::AWAITING_CUSTOMER,
      v1::EXECUTING,     v1::FOLLOW_UP,         v1::CLOSED};
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    SCOPED_TRACE(v1::ComplaintState_Name(path[i]));
    EXPECT_TRUE(CheckStep(path[i], path[i + 1]).ok());
    // No step may be skipped.
    if (i + 2 < path.size()) {
      EXPECT_EQ(ErrorReason(CheckStep(path[i], path[i + 2])), "ILLEGAL_STEP");
    }
  }
}

TEST(Workflow, AllowedStepsPerState) {
  struct Row {
    v1::ComplaintState from;
    std::vector<v1::ComplaintState> next;
  };
  for (const Row& r : std::vector<Row>{
           {v1::RECEIVED, {v1::UNDER_REVIEW, v1::WITHDRAWN}},
           {v1::UNDER_REVIEW, {v1::ASSIGNED, v1::REJECTED, v1::WITHDRAWN}},
           {v1::ASSIGNED, {v1::INVESTIGATING, v1::WITHDRAWN}},
           {v1::INVESTIGATING, {v1::SOLUTION_PROPOSED, v1::WITHDRAWN}},
           {v1::SOLUTION_PROPOSED, {v1::AWAITING_CUSTOMER, v1::WITHDRAWN}},
           {v1::AWAITING_CUSTOMER,
            {v1::INVESTIGATING, v1::SOLUTION_PROPOSED, v1::EXECUTING, v1::WITHDRAWN}},
           {v1::EXECUTING, {v1::FOLLOW_UP, v1::WITHDRAWN}},
           {v1::FOLLOW_UP, {v1::CLOSED, v1::WITHDRAWN}},
           {v1::CLOSED, {v1::REOPENED}},
           {v1::REOPENED, {v1::INVESTIGATING, v1::WITHDRAWN}},
           {v1::REJECTED, {}},
           {v1::WITHDRAWN, {}},
       }) {
    EXPECT_EQ(AllowedNext(r.from), r.next) << v1::ComplaintState_Name(r.from);
  }
}

TEST(Workflow, IllegalStepsNameTheAllowedOnes) {
  absl::Status s = CheckStep(v1::RECEIVED, v1::CLOSED);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("cannot go from RECEIVED to CLOSED; allowed: UNDER_REVIEW, WITHDRAWN"));
  EXPECT_THAT(std::string(CheckStep(v1::WITHDRAWN, v1::REOPENED).message()),
              HasSubstr("none (WITHDRAWN is final)"));
  EXPECT_EQ(ErrorReason(CheckStep(v1::CLOSED, v1::WITHDRAWN)), "ILLEGAL_STEP");
  EXPECT_EQ(ErrorReason(CheckStep(v1::REJECTED, v1::UNDER_REVIEW)), "ILLEGAL_STEP");
  absl::Status unspecified = CheckStep(v1::RECEIVED, v1::COMPLAINT_STATE_UNSPECIFIED, "state");
  ASSERT_EQ(unspecified.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(unspecified).at(0).field, "state");
  EXPECT_EQ(CheckStep(v1::RECEIVED, static_cast<v1::ComplaintState>(99)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Workflow, WithdrawalFromEveryOpenStateOnly) {
  for (int i = 1; i <= 12; ++i) {
    auto s = static_cast<v1::ComplaintState>(i);
    SCOPED_TRACE(v1::ComplaintState_Name(s));
    EXPECT_EQ(CheckStep(s, v1::WITHDRAWN).ok(), IsOpen(s));
  }
}

TEST(Workflow, ClockStopsAndRoutedStates) {
  EXPECT_TRUE(StopsClock(v1::AWAITING_CUSTOMER));
  EXPECT_TRUE(StopsClock(v1::REJECTED));
  EXPECT_TRUE(StopsClock(v1::WITHDRAWN));
  EXPECT_TRUE(StopsClock(v1::CLOSED));
  EXPECT_FALSE(StopsClock(v1::SOLUTION_PROPOSED));
  EXPECT_FALSE(StopsClock(v1::REOPENED));
  EXPECT_TRUE(IsRouted(v1::REOPENED));
  EXPECT_TRUE(IsRouted(v1::FOLLOW_UP));
  EXPECT_FALSE(IsRouted(v1::UNDER_REVIEW));
  EXPECT_FALSE(IsRouted(v1::CLOSED));
}

TEST(Workflow, CloseWaitsForTasksAndNeedsOutcome) {
  EXPECT_TRUE(CheckNoOpenTasks({}).ok());
  absl::Status open = CheckNoOpenTasks({"tasks/4", "tasks/9"});
  EXPECT_EQ(ErrorReason(open), "TASKS_OPEN");
  EXPECT_THAT(std::string(open.message()), HasSubstr("tasks/4, tasks/9"));

  EXPECT_TRUE(ValidateClosing(5, v1::PROCESS_GAP, "整改: 柜面流程增加复核").ok());
  absl::Status bad = ValidateClosing(0, v1::ROOT_CAUSE_UNSPECIFIED, std::string(2001, 'x'));
  std::vector<std::string> fields;
  for (const auto& v : FieldViolations(bad)) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("satisfaction", "root_cause", "root_cause_note"));
  EXPECT_FALSE(ValidateClosing(6, v1::OTHER_CAUSE, "").ok());
  EXPECT_FALSE(ValidateClosing(3, static_cast<v1::RootCause>(42), "").ok());
  EXPECT_FALSE(ValidateClosing(3, v1::OTHER_CAUSE, "\xff").ok());  // not UTF-8
}

// ---- routing and recusal ----

TEST(Routing, TeamChoice) {
  RoutingFacts f;
  f.category = v1::SERVICE;
  f.customer_owning_team = "teams/1";
  f.compliance_team = "teams/9";
  EXPECT_EQ(*ChooseTeam(f), "teams/1");
  f.category = v1::VIOLATION;
  EXPECT_EQ(*ChooseTeam(f), "teams/9");
  f.requested_team = "teams/3";
  EXPECT_EQ(*ChooseTeam(f), "teams/3");
  f.requested_team.clear();
  f.compliance_team.clear();
  EXPECT_EQ(ErrorReason(ChooseTeam(f).status()), "NO_TEAM");
  f.category = v1::PRODUCT;
  f.customer_owning_team.clear();
  EXPECT_EQ(ErrorReason(ChooseTeam(f).status()), "NO_TEAM");
}

TEST(Routing, RecusalOfTheManagerAndTheirDirectLead) {
  Recusal r{"members/5", {"members/2"}};
  struct Row {
    std::string requested;
    TeamFacts team;
    std::string want;         // handler, or "" when an error is expected
    std::string want_reason;  // error reason
  };
  for (const Row& row : std::vector<Row>{
           // Default: the team lead, unless recused.
           {"", {"members/1", {"members/1", "members/5", "members/6"}}, "members/1", ""},
           // The lead is the complained-about manager's direct lead: next eligible member.
           {"", {"members/2", {"members/5", "members/2", "members/6"}}, "members/6", ""},
           // The lead is the manager complained about.
           {"", {"members/5", {"members/5", "members/7"}}, "members/7", ""},
           // Asked explicitly for a recused person: refused, never silently swapped.
           {"members/5", {"members/1", {"members/1", "members/5"}}, "", "RECUSAL"},
           {"members/2", {"members/2", {"members/2", "members/6"}}, "", "RECUSAL"},
           {"members/6", {"members/2", {"members/2", "members/6"}}, "members/6", ""},
           {"members/8", {"members/2", {"members/2", "members/6"}}, "", "HANDLER_NOT_IN_TEAM"},
           {"", {"members/2", {"members/5"}}, "", "NO_ELIGIBLE_HANDLER"},
           {"", {"", {}}, "", "NO_ELIGIBLE_HANDLER"},
       }) {
    SCOPED_TRACE(row.requested + " lead " + row.team.lead);
    absl::StatusOr<std::string> h = ChooseHandler(row.requested, row.team, r);
    if (row.want.empty()) {
      EXPECT_EQ(ErrorReason(h.status()), row.want_reason);
      EXPECT_EQ(h.status().code(), absl::StatusCode::kFailedPrecondition);
    } else {
      ASSERT_TRUE(h.ok()) << h.status();
      EXPECT_EQ(*h, row.want);
    }
  }
}

TEST(Routing, RecusalOnReassignmentAndEscalation) {
  Recusal r{"members/5", {"members/2", "members/3"}};  // in two teams, two direct leads
  EXPECT_TRUE(CheckRecusal("members/6", r).ok());
  absl::Status self = CheckRecusal("members/5", r);
  EXPECT_EQ(ErrorReason(self), "RECUSAL");
  EXPECT_THAT(std::string(self.message()), HasSubstr("manager complained about"));
  absl::Status lead = CheckRecusal("members/3", r);
  EXPECT_EQ(ErrorReason(lead), "RECUSAL");
  EXPECT_THAT(std::string(lead.message()), HasSubstr("direct team lead of members/5"));
  // Nobody complained about: nobody recused.
  EXPECT_TRUE(CheckRecusal("members/5", Recusal{}).ok());
}

// ---- repeats ----

TEST(Repeats, SubjectNormalisation) {
  EXPECT_EQ(NormalizeSubject("  Card   Fee\tCharged twice "), "card fee charged twice");
  EXPECT_EQ(NormalizeSubject("信用卡 年费"), "信用卡 年费");
  EXPECT_EQ(NormalizeSubject(""), "");
  EXPECT_EQ(RepeatKey("customers/1", v1::PRODUCT, "Card fee"),
            RepeatKey("customers/1", v1::PRODUCT, "  card   FEE "));
  EXPECT_NE(RepeatKey("customers/1", v1::PRODUCT, "Card fee"),
            RepeatKey("customers/1", v1::SERVICE, "Card fee"));
  EXPECT_NE(RepeatKey("customers/1", v1::PRODUCT, "Card fee"),
            RepeatKey("customers/12", v1::PRODUCT, "Card fee"));
  EXPECT_EQ(RepeatKey("c", v1::PRODUCT, "x").size(), 64u);
}

TEST(Repeats, MergedOnlyIntoAnOpenComplaintWithinItsPeriod) {
  const absl::Time deadline = absl::FromUnixSeconds(1'800'000'000);
  const std::string key = RepeatKey("customers/1", v1::PRODUCT, "Card fee");
  v1::Complaint open;
  open.set_state(v1::INVESTIGATING);
  EXPECT_TRUE(IsRepeatOf(open, key, key, deadline - absl::Seconds(1), deadline));
  EXPECT_FALSE(IsRepeatOf(open, key, key, deadline, deadline));
  EXPECT_FALSE(IsRepeatOf(open, key, RepeatKey("customers/1", v1::PRODUCT, "Other"),
                          deadline - absl::Hours(1), deadline));
  for (v1::ComplaintState closed : {v1::CLOSED, v1::REJECTED, v1::WITHDRAWN}) {
    open.set_state(closed);
    EXPECT_FALSE(IsRepeatOf(open, key, key, deadline - absl::Hours(1), deadline));
  }
}

// ---- hash chain ----

std::vector<HistoryRow> Chain(int n) {
  std::vector<HistoryRow> rows;
  for (int i = 1; i <= n; ++i) {
    HistoryRow r;
    r.complaint_id = 42;
    r.sequence = i;
    r.kind = i == 1 ? v1::FILED : v1::STEP;
    r.from_state = static_cast<v1::ComplaintState>(i - 1);
    r.to_state = static_cast<v1::ComplaintState>(i);
    r.actor = "members/7";
    r.time = absl::FromUnixMicros(1'780'000'000'000'000 + i * 1000);
    r.note = "step " + std::to_string(i);
    r.details = "{}";
    Seal(r, rows.empty() ? nullptr : &rows.back());
    rows.push_back(r);
  }
  return rows;
}

TEST(HistoryChain, CanonicalEncodingIsFixed) {
  HistoryRow r;
  r.complaint_id = 1;
  r.sequence = 1;
  r.kind = v1::FILED;
  r.to_state = v1::RECEIVED;
  r.actor = "members/7";
  r.time = absl::FromUnixMicros(5);
  r.note = "受理";
  r.details = "{}";
  r.previous_hash = kGenesisHash;
  EXPECT_EQ(CanonicalEncoding(r),
            "rmhub.complaint.history.v1\ncomplaint=1:1\nsequence=1:1\nkind=5:FILED\n"
            "from_state=27:COMPLAINT_STATE_UNSPECIFIED\nto_state=8:RECEIVED\n"
            "actor=9:members/7\ntime=1:5\nnote=6:受理\ndetails=2:{}\n"
            "previous_hash=64:" +
                std::string(kGenesisHash) + "\n");
  // Length prefixes: moving text between fields changes the encoding.
  HistoryRow moved = r;
  moved.actor = "members/7\nnote=6:x";
  moved.note = "";
  EXPECT_NE(CanonicalEncoding(moved), CanonicalEncoding(r));
}

TEST(HistoryChain, AnIntactChainVerifies) {
  std::vector<HistoryRow> rows = Chain(5);
  EXPECT_EQ(rows[0].previous_hash, kGenesisHash);
  EXPECT_EQ(rows[3].previous_hash, rows[2].hash);
  ChainVerdict v = VerifyChain(rows);
  EXPECT_TRUE(v.intact);
  EXPECT_EQ(v.rows_checked, 5);
  EXPECT_EQ(v.first_broken_sequence, 0);
  EXPECT_TRUE(VerifyChain({}).intact);
}

TEST(HistoryChain, EveryKindOfTamperingIsFoundAtItsRow) {
  struct Tamper {
    std::string name;
    void (*edit)(std::vector<HistoryRow>&);
    int64_t broken;
  };
  for (const Tamper& t : std::vector<Tamper>{
           {"note edited", [](auto& r) { r[2].note = "nothing happened"; }, 3},
           {"actor edited", [](auto& r) { r[1].actor = "members/8"; }, 2},
           {"time edited", [](auto& r) { r[3].time += absl::Hours(1); }, 4},
           {"state edited", [](auto& r) { r[4].to_state = v1::CLOSED; }, 5},
           {"row edited and its hash recomputed: the next link breaks",
            [](auto& r) {
              r[1].note = "rewritten";
              r[1].hash = RowHash(r[1]);
            },
            3},
           {"row deleted", [](auto& r) { r.erase(r.begin() + 2); }, 4},
           {"rows swapped", [](auto& r) { std::swap(r[1], r[2]); }, 3},
           {"first row's previous hash changed",
            [](auto& r) {
              r[0].previous_hash = std::string(64, 'f');
              r[0].hash = RowHash(r[0]);
            },
            1},
       }) {
    SCOPED_TRACE(t.name);
    std::vector<HistoryRow> rows = Chain(5);
    t.edit(rows);
    ChainVerdict v = VerifyChain(rows);
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_broken_sequence, t.broken);
    EXPECT_THAT(v.detail, HasSubstr("row " + std::to_string(t.broken)));
  }
}

// ---- authorization (DOMAIN.md §7) ----

auth::Principal Member(int64_t id, std::set<std::string> roles, int64_t branch,
                       std::vector<int64_t> teams, std::set<std::string> perms = {}) {
  auth::Principal p;
  p.subject = "members/" + std::to_string(id);
  p.member_id = id;
  p.roles = std::move(roles);
  p.branch_id = branch;
  p.team_ids = std::move(teams);
  p.permissions = std::move(perms);
  return p;
}

v1::Complaint Routed() {
  v1::Complaint c;
  c.set_name("complaints/1");
  c.set_branch("branches/3");
  c.set_handler_team("teams/7");
  c.set_handler("members/20");
  c.set_complained_about("members/5");
  c.set_findings("录音显示客户经理未提示风险");
  c.set_solution("退还手续费");
  return c;
}

TEST(Access, WhoSeesAndWorksWhat) {
  const v1::Complaint c = Routed();
  auth::Principal service;
  service.subject = "services/analytics";
  service.service = "analytics";
  struct Row {
    std::string who;
    auth::Principal p;
    bool read, work, manage, verify;
  };
  using auth::kRoleBranchManager;
  using auth::kRoleRelationshipManager;
  using auth::kRoleTeamLead;
  for (const Row& r : std::vector<Row>{
           {"handler", Member(20, {kRoleRelationshipManager}, 3, {7}), true, true, false, false},
           {"team lead", Member(21, {kRoleTeamLead}, 3, {7}), true, true, true, false},
           {"lead of another team", Member(22, {kRoleTeamLead}, 3, {8}), false, false, false,
            false},
           {"branch manager", Member(23, {kRoleBranchManager}, 3, {}), true, true, true, true},
           {"other branch's manager", Member(24, {kRoleBranchManager}, 4, {}), false, false, false,
            false},
           {"compliance", Member(25, {"BACK_OFFICE"}, 9, {}, {auth::kPermComplaintAll}), true, true,
            true, true},
           {"colleague in the team", Member(26, {kRoleRelationshipManager}, 3, {7}), false, false,
            false, false},
           {"complained about, leading the team", Member(5, {kRoleTeamLead}, 3, {7}), true, false,
            false, false},
           {"service", service, true, false, false, false},
       }) {
    SCOPED_TRACE(r.who);
    EXPECT_EQ(AccessPolicy::CanAccess(r.p, c, Access::kRead), r.read);
    EXPECT_EQ(AccessPolicy::CanAccess(r.p, c, Access::kWork), r.work);
    EXPECT_EQ(AccessPolicy::CanAccess(r.p, c, Access::kManage), r.manage);
    EXPECT_EQ(AccessPolicy::CanAccess(r.p, c, Access::kVerify), r.verify);
    absl::Status s = AccessPolicy::Check(r.p, c, Access::kManage);
    if (!r.read) {
      // Exactly what a missing complaint answers: existence does not leak.
      EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
      EXPECT_EQ(ErrorReason(s), "COMPLAINT_NOT_FOUND");
    } else if (!r.manage) {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST(Access, TheManagerComplainedAboutNeverSeesTheInvestigation) {
  v1::Complaint c = Routed();
  RedactFor(Member(21, {auth::kRoleTeamLead}, 3, {7}), c, c.complained_about());
  EXPECT_FALSE(c.findings().empty());
  RedactFor(Member(5, {auth::kRoleTeamLead}, 3, {7}), c, c.complained_about());
  EXPECT_TRUE(c.findings().empty());
  EXPECT_TRUE(c.solution().empty());
  EXPECT_EQ(ErrorReason(AccessPolicy::Check(Member(5, {auth::kRoleTeamLead}, 3, {7}), Routed(),
                                            Access::kWork)),
            "RECUSED");

  HistoryRow row;
  row.kind = v1::STEP;
  row.from_state = v1::ASSIGNED;
  row.to_state = v1::INVESTIGATING;
  EXPECT_TRUE(IsInvestigationRow(row));
  row.from_state = v1::SOLUTION_PROPOSED;
  row.to_state = v1::AWAITING_CUSTOMER;
  EXPECT_TRUE(IsInvestigationRow(row));
  row.from_state = v1::RECEIVED;
  row.to_state = v1::UNDER_REVIEW;
  EXPECT_FALSE(IsInvestigationRow(row));
}

TEST(Access, ListScopes) {
  auth::Principal service;
  service.subject = "services/task";
  service.service = "task";
  EXPECT_TRUE(AccessPolicy::ListScope(service)->all);
  EXPECT_TRUE(AccessPolicy::ListScope(Member(1, {}, 3, {}, {auth::kPermComplaintAll}))->all);
  api::ListScope lead = *AccessPolicy::ListScope(Member(2, {auth::kRoleTeamLead}, 3, {7, 8}));
  EXPECT_FALSE(lead.all);
  EXPECT_EQ(lead.team_ids, (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(lead.owner_member_id, 2);
  EXPECT_EQ(lead.branch_id, 0);
  EXPECT_EQ(AccessPolicy::ListScope(Member(3, {auth::kRoleBranchManager}, 4, {}))->branch_id, 4);
  auth::Principal nobody;
  EXPECT_EQ(AccessPolicy::ListScope(nobody).status().code(), absl::StatusCode::kPermissionDenied);
}

// ---- category spike ----

TEST(Spike, MoreThanTwiceTheTrailingFourWeekAverage) {
  struct Row {
    int64_t this_week;
    std::array<int64_t, 4> previous;
    bool spike;
  };
  for (const Row& r : std::vector<Row>{
           {8, {4, 4, 4, 4}, false},  // exactly twice the average: not above
           {9, {4, 4, 4, 4}, true},
           {5, {1, 2, 3, 3}, true},   // average 2.25: 5 > 4.5
           {4, {1, 2, 3, 3}, false},  // 4 < 4.5
           {3, {0, 0, 0, 0}, true},
           {2, {0, 0, 0, 0}, false},  // below the floor of 3
           {0, {0, 0, 0, 0}, false},
       }) {
    EXPECT_EQ(IsCategorySpike(r.this_week, r.previous), r.spike) << r.this_week;
  }
  EXPECT_TRUE(IsCategorySpike(1, {0, 0, 0, 0}, 1));
}

TEST(Spike, WeeksStartOnMonday) {
  EXPECT_EQ(WeekStart(absl::CivilDay(2026, 11, 28)), absl::CivilDay(2026, 11, 23));  // Saturday
  EXPECT_EQ(WeekStart(absl::CivilDay(2026, 11, 23)), absl::CivilDay(2026, 11, 23));  // Monday
  EXPECT_EQ(WeekStart(absl::CivilDay(2026, 11, 29)), absl::CivilDay(2026, 11, 23));  // Sunday
  EXPECT_EQ(WeekStart(absl::CivilDay(2027, 1, 1)), absl::CivilDay(2026, 12, 28));
}

}  // namespace
}  // namespace rmhub::complaint
