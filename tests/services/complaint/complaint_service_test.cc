// The complaint service over gRPC and MariaDB: routing with recusal, the workflow to closing with
// its tasks, a task-service outage, BOLA, repeats under concurrent filing, extensions, the
// history chain, and an event per mutating RPC.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "tests/services/complaint/complaint_test_env.h"
#include "tests/services/complaint/complaint_test_util.h"

namespace rmhub::complaint {
namespace {

using ::testing::ElementsAre;

class ComplaintServiceTest : public ComplaintTestEnv {
 protected:
  template <class Req>
  grpc::Status Call(grpc::Status (v1::ComplaintService::Stub::*method)(grpc::ClientContext*,
                                                                       const Req&, v1::Complaint*),
                    const Req& r, const std::string& token, v1::Complaint* out = nullptr) {
    v1::Complaint got;
    auto ctx = Context(token);
    grpc::Status s = ((*stub_).*method)(ctx.get(), r, &got);
    if (out != nullptr && s.ok()) *out = got;
    return s;
  }
  int64_t HistoryRows(const v1::Complaint& c) {
    return CountRows(absl::StrCat("complaint_history WHERE complaint_id = ",
                                  c.name().substr(c.name().find('/') + 1)));
  }
};

TEST_F(ComplaintServiceTest, FilingComputesTheClockAndHidesNothingFromCompliance) {
  v1::Complaint c = File(NewComplaint());
  EXPECT_EQ(c.state(), v1::RECEIVED);
  EXPECT_EQ(c.branch(), "branches/1");
  EXPECT_EQ(c.jurisdiction(), v1::CN_NFRA);
  EXPECT_EQ(c.period_days(), 15);
  EXPECT_EQ(c.sla_state(), v1::ON_TRACK);
  EXPECT_EQ(c.customer_display_name(), "C*** J***");
  // Mon 2 March 10:00 received → last day Tue 17 March → 18 March 00:00 Shanghai.
  EXPECT_EQ(db::TimeFromTimestamp(c.deadline()), testutil::ShanghaiAt(2026, 3, 18, 0, 0));
  EXPECT_EQ(EventsOf(c.name()).size(), 1u);
}

TEST_F(ComplaintServiceTest, RoutingRecusesTheManagerComplainedAboutAndTheirLead) {
  // About members/2, whose team lead is members/1: neither may handle it.
  v1::Complaint c = FileAndAssign();
  EXPECT_EQ(c.state(), v1::ASSIGNED);
  EXPECT_EQ(c.handler_team(), "teams/10");
  EXPECT_EQ(c.handler(), "members/3");
  ASSERT_FALSE(c.investigation_task().empty());
  std::vector<task::v1::Task> tasks = directory_.Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].type(), task::v1::COMPLAINT_INVESTIGATION);
  EXPECT_THAT(tasks[0].assignees(), ElementsAre("members/3"));
  EXPECT_EQ(tasks[0].related_complaint(), c.name());

  // Reassignment: the lead of the one complained about is refused, naming the rule.
  v1::ReassignComplaintRequest r;
  r.set_name(c.name());
  r.set_handler("members/1");
  r.set_reason("workload");
  grpc::Status s = Call(&v1::ComplaintService::Stub::ReassignComplaint, r, compliance_token_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ReasonOf(s), "RECUSAL");
  r.set_handler("members/2");
  s = Call(&v1::ComplaintService::Stub::ReassignComplaint, r, compliance_token_);
  EXPECT_EQ(testing::ReasonOf(s), "RECUSAL");
  // To another member: the investigation task follows.
  r.set_handler("members/4");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ReassignComplaint, r, compliance_token_, &c).ok());
  EXPECT_EQ(c.handler(), "members/4");
  EXPECT_THAT(directory_.Tasks()[0].assignees(), ElementsAre("members/4"));
  // Escalation after a customer rejection applies the same rule.
  v1::StartInvestigationRequest inv;
  inv.set_name(c.name());
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::StartInvestigation, inv,
                   Token(4, 1, {10}, {"RELATIONSHIP_MANAGER"}), &c)
                  .ok());
  v1::ProposeSolutionRequest ps;
  ps.set_name(c.name());
  ps.set_findings("charged twice by a batch fault");
  ps.set_solution("refund");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ProposeSolution, ps, compliance_token_).ok());
  v1::ReplyToCustomerRequest reply;
  reply.set_name(c.name());
  reply.set_note("phoned");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ReplyToCustomer, reply, compliance_token_).ok());
  v1::RecordCustomerResponseRequest resp;
  resp.set_name(c.name());
  resp.set_response(v1::REJECTED_ESCALATE);
  resp.set_escalation_handler("members/1");
  resp.set_note("wants more");
  s = Call(&v1::ComplaintService::Stub::RecordCustomerResponse, resp, compliance_token_);
  EXPECT_EQ(testing::ReasonOf(s), "RECUSAL");
  resp.set_escalation_handler("members/22");
  ASSERT_TRUE(
      Call(&v1::ComplaintService::Stub::RecordCustomerResponse, resp, compliance_token_, &c).ok());
  EXPECT_EQ(c.state(), v1::INVESTIGATING);
  EXPECT_TRUE(c.escalated());
  EXPECT_EQ(c.handler(), "members/22");
}

TEST_F(ComplaintServiceTest, ViolationGoesToComplianceAndTheWorkflowClosesOnlyWithTasksDone) {
  v1::Complaint filed = NewComplaint("Mis-selling of a wealth product");
  filed.set_category(v1::VIOLATION);
  v1::Complaint c = File(filed);
  const std::string name = c.name();
  size_t mutations = 1;
  auto step = [&](auto method, auto request, const std::string& token) {
    request.set_name(name);
    grpc::Status s = Call(method, request, token, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    ++mutations;
  };
  step(&v1::ComplaintService::Stub::StartReview, v1::StartReviewRequest(), manager_token_);
  step(&v1::ComplaintService::Stub::AssignComplaint, v1::AssignComplaintRequest(), manager_token_);
  EXPECT_EQ(c.handler_team(), "teams/90");
  EXPECT_EQ(c.handler(), "members/91");
  const std::string handler = Token(91, 1, {90}, {"BACK_OFFICE"});
  step(&v1::ComplaintService::Stub::StartInvestigation, v1::StartInvestigationRequest(), handler);
  v1::ProposeSolutionRequest ps;
  ps.set_findings("the product risk rating was not disclosed");
  ps.set_solution("refund the fee and re-rate");
  step(&v1::ComplaintService::Stub::ProposeSolution, ps, handler);
  v1::ReplyToCustomerRequest reply;
  reply.set_note("letter sent");
  step(&v1::ComplaintService::Stub::ReplyToCustomer, reply, handler);
  EXPECT_TRUE(c.clock_stopped());
  v1::RecordCustomerResponseRequest resp;
  resp.set_response(v1::ACCEPTED_SOLUTION);
  resp.set_note("accepted by phone");
  step(&v1::ComplaintService::Stub::RecordCustomerResponse, resp, handler);
  EXPECT_EQ(c.state(), v1::EXECUTING);
  ASSERT_FALSE(c.remediation_task().empty());
  step(&v1::ComplaintService::Stub::StartFollowUp, v1::StartFollowUpRequest(), handler);

  v1::CloseComplaintRequest close;
  close.set_name(name);
  close.set_satisfaction(4);
  close.set_root_cause(v1::DISCLOSURE_FAILURE);
  close.set_root_cause_note("script updated");
  const int64_t rows = HistoryRows(c);
  grpc::Status s = Call(&v1::ComplaintService::Stub::CloseComplaint, close, manager_token_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ReasonOf(s), "TASKS_OPEN");
  EXPECT_EQ(HistoryRows(c), rows);
  directory_.SetTaskStatus(c.investigation_task(), task::v1::DONE);
  s = Call(&v1::ComplaintService::Stub::CloseComplaint, close, manager_token_);
  EXPECT_EQ(testing::ReasonOf(s), "TASKS_OPEN");
  directory_.SetTaskStatus(c.remediation_task(), task::v1::DONE);
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::CloseComplaint, close, manager_token_, &c).ok());
  ++mutations;
  EXPECT_EQ(c.state(), v1::CLOSED);
  EXPECT_EQ(c.root_cause(), v1::DISCLOSURE_FAILURE);
  EXPECT_EQ(c.satisfaction(), 4);

  // One event per mutating call, in order, none carrying the free text.
  std::vector<rmhub::common::v1::DomainEvent> events = EventsOf(name);
  ASSERT_EQ(events.size(), mutations);
  EXPECT_EQ(events.front().type(), "complaint.filed");
  EXPECT_EQ(events.back().type(), "complaint.closed");
  for (const auto& e : events) {
    v1::Complaint payload;
    ASSERT_TRUE(e.payload().UnpackTo(&payload));
    EXPECT_TRUE(payload.findings().empty());
    EXPECT_TRUE(payload.description().empty());
  }

  // Statistics count it.
  v1::GetComplaintStatisticsRequest stats;
  stats.set_dimension(v1::BY_CATEGORY);
  *stats.mutable_start_time() =
      db::TimestampFromMicros(absl::ToUnixMicros(testutil::ShanghaiAt(2026, 3, 1, 0, 0)));
  *stats.mutable_end_time() =
      db::TimestampFromMicros(absl::ToUnixMicros(testutil::ShanghaiAt(2026, 4, 1, 0, 0)));
  v1::GetComplaintStatisticsResponse got;
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->GetComplaintStatistics(ctx.get(), stats, &got).ok());
  ASSERT_EQ(got.rows_size(), 1);
  EXPECT_EQ(got.rows(0).key(), "VIOLATION");
  EXPECT_EQ(got.rows(0).closed(), 1);
  EXPECT_EQ(got.rows(0).decided_on_time(), 1);
  EXPECT_DOUBLE_EQ(got.rows(0).mean_satisfaction(), 4.0);

  // Reopening starts a new period.
  v1::ReopenComplaintRequest reopen;
  reopen.set_name(name);
  reopen.set_reason("new facts");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ReopenComplaint, reopen, manager_token_, &c).ok());
  EXPECT_EQ(c.state(), v1::REOPENED);
  EXPECT_EQ(c.reopen_count(), 1);
  EXPECT_FALSE(c.clock_stopped());
}

TEST_F(ComplaintServiceTest, ATaskServiceOutageLeavesNothingHalfDoneAndTheStepCanBeRetried) {
  v1::Complaint c = File(NewComplaint());
  v1::StartReviewRequest review;
  review.set_name(c.name());
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::StartReview, review, compliance_token_).ok());
  v1::AssignComplaintRequest assign;
  assign.set_name(c.name());
  assign.set_request_id("assign-once");
  directory_.SetTaskServiceDown(true);
  harness_.ExpectNothingWritten([&] {
    grpc::Status s = Call(&v1::ComplaintService::Stub::AssignComplaint, assign, compliance_token_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  });
  directory_.SetTaskServiceDown(false);
  v1::Complaint first;
  v1::Complaint again;
  ASSERT_TRUE(
      Call(&v1::ComplaintService::Stub::AssignComplaint, assign, compliance_token_, &first).ok());
  grpc::Status replayed =
      Call(&v1::ComplaintService::Stub::AssignComplaint, assign, compliance_token_, &again);
  ASSERT_TRUE(replayed.ok()) << replayed.error_message();
  EXPECT_EQ(first.state(), v1::ASSIGNED);
  EXPECT_EQ(again.investigation_task(), first.investigation_task());
  EXPECT_EQ(directory_.Tasks().size(), 1u);
}

TEST_F(ComplaintServiceTest, CallersWhoMayNotSeeAComplaintGetExactlyTheMissingAnswer) {
  v1::Complaint c = FileAndAssign();
  v1::Complaint ignored;
  grpc::Status hidden = Get(c.name(), other_branch_token_);
  grpc::Status missing = Get("complaints/999999", other_branch_token_);
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(hidden.error_code(), missing.error_code());
  EXPECT_EQ(hidden.error_message(), missing.error_message());
  EXPECT_EQ(testing::ReasonOf(hidden), testing::ReasonOf(missing));
  // A step by the same caller answers the same.
  v1::WithdrawComplaintRequest w;
  w.set_name(c.name());
  w.set_reason("x");
  grpc::Status step = Call(&v1::ComplaintService::Stub::WithdrawComplaint, w, other_branch_token_);
  EXPECT_EQ(step.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(step.error_message(), missing.error_message());
  // Batch reads leave it out, lists do not show it.
  v1::BatchGetComplaintsRequest batch;
  batch.add_names(c.name());
  v1::BatchGetComplaintsResponse got;
  auto ctx = Context(other_branch_token_);
  ASSERT_TRUE(stub_->BatchGetComplaints(ctx.get(), batch, &got).ok());
  EXPECT_EQ(got.complaints_size(), 0);
  v1::ListComplaintsResponse list;
  auto ctx2 = Context(other_branch_token_);
  ASSERT_TRUE(stub_->ListComplaints(ctx2.get(), v1::ListComplaintsRequest(), &list).ok());
  EXPECT_EQ(list.complaints_size(), 0);
  // The handler sees it; the manager complained about (an RM of the team) does not.
  EXPECT_TRUE(Get(c.name(), handler3_token_).ok());
  EXPECT_EQ(Get(c.name(), rm_token_).error_code(), grpc::StatusCode::NOT_FOUND);
  // The lead of the handling team reads it (recused from handling, not from leading).
  EXPECT_TRUE(Get(c.name(), lead_token_).ok());
}

TEST_F(ComplaintServiceTest, TheManagerComplainedAboutNeverSeesTheFindings) {
  // About the lead (members/1) this time: they lead the handling team, so they may read it.
  v1::Complaint filed = NewComplaint("Rude on the phone");
  filed.set_complained_about("members/1");
  v1::Complaint c = File(filed);
  v1::StartReviewRequest review;
  review.set_name(c.name());
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::StartReview, review, compliance_token_).ok());
  v1::AssignComplaintRequest assign;
  assign.set_name(c.name());
  ASSERT_TRUE(
      Call(&v1::ComplaintService::Stub::AssignComplaint, assign, compliance_token_, &c).ok());
  EXPECT_NE(c.handler(), "members/1");
  const std::string handler =
      Token(api::IdOf(c.handler(), "members"), 1, {10}, {"RELATIONSHIP_MANAGER"});
  v1::StartInvestigationRequest inv;
  inv.set_name(c.name());
  inv.set_note("called the branch");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::StartInvestigation, inv, handler).ok());
  v1::ProposeSolutionRequest ps;
  ps.set_name(c.name());
  ps.set_findings("the lead was curt");
  ps.set_solution("apology");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ProposeSolution, ps, handler).ok());
  v1::Complaint seen;
  ASSERT_TRUE(Get(c.name(), lead_token_, &seen).ok());
  EXPECT_TRUE(seen.findings().empty());
  EXPECT_TRUE(seen.solution().empty());
  ASSERT_TRUE(Get(c.name(), compliance_token_, &seen).ok());
  EXPECT_EQ(seen.findings(), "the lead was curt");
  v1::ListComplaintHistoryRequest h;
  h.set_parent(c.name());
  v1::ListComplaintHistoryResponse rows;
  auto ctx = Context(lead_token_);
  ASSERT_TRUE(stub_->ListComplaintHistory(ctx.get(), h, &rows).ok());
  for (const v1::HistoryEntry& e : rows.entries()) {
    if (e.to_state() == v1::INVESTIGATING || e.to_state() == v1::SOLUTION_PROPOSED) {
      EXPECT_TRUE(e.note().empty()) << e.sequence();
    }
  }
}

TEST_F(ComplaintServiceTest, ConcurrentRepeatsMergeIntoOneComplaint) {
  constexpr int kFilers = 6;
  std::vector<std::thread> threads;
  std::vector<v1::FileComplaintResponse> out(kFilers);
  std::vector<grpc::Status> status(kFilers);
  for (int i = 0; i < kFilers; ++i) {
    threads.emplace_back([&, i] {
      v1::FileComplaintRequest r;
      *r.mutable_complaint() = NewComplaint(i % 2 == 0 ? "Card  blocked" : " card BLOCKED ");
      auto ctx = Context(compliance_token_);
      status[i] = stub_->FileComplaint(ctx.get(), r, &out[i]);
    });
  }
  for (auto& t : threads) t.join();
  int merged = 0;
  for (int i = 0; i < kFilers; ++i) {
    ASSERT_TRUE(status[i].ok()) << status[i].error_message();
    EXPECT_EQ(out[i].complaint().name(), out[0].complaint().name());
    merged += out[i].merged() ? 1 : 0;
  }
  EXPECT_EQ(merged, kFilers - 1);
  EXPECT_EQ(CountRows("complaints"), 1);
  v1::Complaint c;
  ASSERT_TRUE(Get(out[0].complaint().name(), compliance_token_, &c).ok());
  EXPECT_EQ(c.merged_repeats(), kFilers - 1);
}

TEST_F(ComplaintServiceTest, TheSecondExtensionNeedsASeniorApprover) {
  v1::Complaint c = FileAndAssign();
  v1::ExtendDeadlineRequest r;
  r.set_name(c.name());
  r.set_reason("complex case");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ExtendDeadline, r, compliance_token_, &c).ok());
  EXPECT_EQ(c.period_days(), 30);
  ASSERT_EQ(c.extensions_size(), 1);
  r.set_approver("members/3");  // an RM: not senior
  *r.mutable_complainant_informed_time() =
      db::TimestampFromMicros(absl::ToUnixMicros(harness_.clock().Now()));
  const int64_t rows = HistoryRows(c);
  grpc::Status s = Call(&v1::ComplaintService::Stub::ExtendDeadline, r, compliance_token_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ReasonOf(s), "APPROVER_NOT_SENIOR");
  EXPECT_EQ(HistoryRows(c), rows);
  r.set_approver("members/100");  // the branch manager
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ExtendDeadline, r, compliance_token_, &c).ok());
  EXPECT_EQ(c.period_days(), 60);
  ASSERT_EQ(c.extensions_size(), 2);
  EXPECT_EQ(c.extensions(1).approver(), "members/100");
}

TEST_F(ComplaintServiceTest, TheChainVerifiesAndAnEditedRowBreaksIt) {
  v1::Complaint c = FileAndAssign();
  v1::VerifyComplaintHistoryRequest r;
  r.set_name(c.name());
  v1::VerifyComplaintHistoryResponse got;
  {
    auto ctx = Context(manager_token_);
    ASSERT_TRUE(stub_->VerifyComplaintHistory(ctx.get(), r, &got).ok());
  }
  EXPECT_TRUE(got.intact());
  EXPECT_EQ(got.rows_checked(), 3);
  // A handler may not verify.
  {
    auto ctx = Context(handler3_token_);
    EXPECT_EQ(stub_->VerifyComplaintHistory(ctx.get(), r, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  absl::Status edited = harness_.database().Execute(
      "UPDATE complaint_history SET note = 'nothing happened' WHERE sequence = 2");
  ASSERT_TRUE(edited.ok()) << edited;
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->VerifyComplaintHistory(ctx.get(), r, &got).ok());
  EXPECT_FALSE(got.intact());
  EXPECT_EQ(got.first_broken_sequence(), 2);
}

TEST_F(ComplaintServiceTest, TheSweepReportsAtRiskOnceAndListsFilterOnIt) {
  v1::Complaint c = FileAndAssign();
  harness_.clock().Set(testutil::ShanghaiAt(2026, 3, 14, 9, 0));  // day 12 of 15
  absl::StatusOr<SweepStats> first = service_->SweepSla();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->at_risk, 1);
  absl::StatusOr<SweepStats> second = service_->SweepSla();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->events, 0);
  v1::ListComplaintsRequest r;
  r.set_filter("sla_state = AT_RISK");
  v1::ListComplaintsResponse got;
  // Tokens live hours, the clock moved days: a fresh one.
  auto ctx = Context(Token(91, 1, {90}, {"BACK_OFFICE"}, {"complaint.all"}));
  grpc::Status listed = stub_->ListComplaints(ctx.get(), r, &got);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(got.complaints_size(), 1);
  EXPECT_EQ(got.complaints(0).elapsed_days(), 12);
  absl::StatusOr<std::map<v1::SlaState, int64_t>> counts = service_->CountOpenBySla();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)[v1::AT_RISK], 1);
}

TEST_F(ComplaintServiceTest, ACategorySpikeIsPublishedOncePerWeek) {
  // Two complaints a week ago (one category), three this week: 3 × 2 > 2.
  harness_.clock().Set(testutil::ShanghaiAt(2026, 2, 24, 10, 0));
  const std::string earlier = Token(91, 1, {90}, {"BACK_OFFICE"}, {"complaint.all"});
  for (const char* subject : {"old one", "old two"}) {
    v1::FileComplaintRequest r;
    *r.mutable_complaint() = NewComplaint(subject);
    r.mutable_complaint()->set_category(v1::PRODUCT);
    v1::FileComplaintResponse out;
    auto ctx = Context(earlier);
    grpc::Status s = stub_->FileComplaint(ctx.get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  harness_.clock().Set(testutil::ShanghaiAt(2026, 3, 4, 10, 0));
  const std::string token = Token(91, 1, {90}, {"BACK_OFFICE"}, {"complaint.all"});
  for (const char* subject : {"new one", "new two"}) {
    v1::FileComplaintRequest r;
    *r.mutable_complaint() = NewComplaint(subject);
    r.mutable_complaint()->set_category(v1::PRODUCT);
    v1::FileComplaintResponse out;
    auto ctx = Context(token);
    ASSERT_TRUE(stub_->FileComplaint(ctx.get(), r, &out).ok());
  }
  absl::StatusOr<int> none = service_->SweepCategorySpikes();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);  // 2 this week: below the minimum of 3
  v1::FileComplaintRequest r;
  *r.mutable_complaint() = NewComplaint("new three");
  r.mutable_complaint()->set_category(v1::PRODUCT);
  v1::FileComplaintResponse out;
  auto ctx = Context(token);
  ASSERT_TRUE(stub_->FileComplaint(ctx.get(), r, &out).ok());
  absl::StatusOr<int> first = service_->SweepCategorySpikes();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  absl::StatusOr<int> again = service_->SweepCategorySpikes();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  std::vector<rmhub::common::v1::DomainEvent> events = EventsOf("complaintCategories/PRODUCT");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "complaint.category_spike");
}

TEST_F(ComplaintServiceTest, EveryOtherMutatingRpcEmitsItsOneEvent) {
  using Stub = v1::ComplaintService::Stub;
  auto expect_event = [&](const std::string& name, size_t before, const std::string& type) {
    std::vector<rmhub::common::v1::DomainEvent> events = EventsOf(name);
    ASSERT_EQ(events.size(), before + 1) << type;
    EXPECT_EQ(events.back().type(), type);
    EXPECT_EQ(events.back().aggregate_version(), static_cast<int64_t>(before + 1)) << type;
  };
  // Reject.
  v1::Complaint a = File(NewComplaint("rejected one"));
  v1::StartReviewRequest review;
  review.set_name(a.name());
  ASSERT_TRUE(Call(&Stub::StartReview, review, compliance_token_).ok());
  v1::RejectComplaintRequest reject;
  reject.set_name(a.name());
  reject.set_reason("not a complaint about the bank");
  size_t before = EventsOf(a.name()).size();
  ASSERT_TRUE(Call(&Stub::RejectComplaint, reject, compliance_token_, &a).ok());
  expect_event(a.name(), before, "complaint.rejected");
  EXPECT_EQ(a.state_reason(), "not a complaint about the bank");
  EXPECT_TRUE(a.clock_stopped());

  // Reassign, appraisal, extension, revise, withdraw on another.
  v1::Complaint b = FileAndAssign("withdrawn one");
  v1::ReassignComplaintRequest reassign;
  reassign.set_name(b.name());
  reassign.set_handler("members/4");
  reassign.set_reason("leave");
  before = EventsOf(b.name()).size();
  ASSERT_TRUE(Call(&Stub::ReassignComplaint, reassign, compliance_token_, &b).ok());
  expect_event(b.name(), before, "complaint.reassigned");

  v1::RecordAppraisalRequest appraisal;
  appraisal.set_name(b.name());
  *appraisal.mutable_appraisal()->mutable_start_date() = api::ToDate(absl::CivilDay(2026, 3, 5));
  *appraisal.mutable_appraisal()->mutable_end_date() = api::ToDate(absl::CivilDay(2026, 3, 9));
  appraisal.mutable_appraisal()->set_note("card scheme forensic report");
  before = EventsOf(b.name()).size();
  ASSERT_TRUE(Call(&Stub::RecordAppraisal, appraisal, compliance_token_, &b).ok());
  expect_event(b.name(), before, "complaint.appraisal_recorded");
  ASSERT_EQ(b.appraisals_size(), 1);
  EXPECT_EQ(b.appraisals(0).appraisal_id(), "a1");
  // 5 days excluded: Tue 17 March → Sun 22 March → moved to Mon 23 March, deadline 24 March.
  EXPECT_EQ(db::TimeFromTimestamp(b.deadline()), testutil::ShanghaiAt(2026, 3, 24, 0, 0));

  v1::ExtendDeadlineRequest extend;
  extend.set_name(b.name());
  extend.set_reason("complex");
  before = EventsOf(b.name()).size();
  ASSERT_TRUE(Call(&Stub::ExtendDeadline, extend, compliance_token_, &b).ok());
  expect_event(b.name(), before, "complaint.deadline_extended");

  const std::string handler = Token(4, 1, {10}, {"RELATIONSHIP_MANAGER"});
  v1::StartInvestigationRequest inv;
  inv.set_name(b.name());
  ASSERT_TRUE(Call(&Stub::StartInvestigation, inv, handler).ok());
  v1::ProposeSolutionRequest ps;
  ps.set_name(b.name());
  ps.set_findings("f");
  ps.set_solution("s");
  ASSERT_TRUE(Call(&Stub::ProposeSolution, ps, handler).ok());
  v1::ReplyToCustomerRequest reply;
  reply.set_name(b.name());
  reply.set_note("told");
  ASSERT_TRUE(Call(&Stub::ReplyToCustomer, reply, handler).ok());
  v1::RecordCustomerResponseRequest revise;
  revise.set_name(b.name());
  revise.set_response(v1::REJECTED_REVISE);
  revise.set_note("wants more");
  before = EventsOf(b.name()).size();
  ASSERT_TRUE(Call(&Stub::RecordCustomerResponse, revise, handler, &b).ok());
  expect_event(b.name(), before, "complaint.customer_rejected");
  EXPECT_EQ(b.state(), v1::SOLUTION_PROPOSED);

  v1::WithdrawComplaintRequest withdraw;
  withdraw.set_name(b.name());
  withdraw.set_reason("the customer called it off");
  before = EventsOf(b.name()).size();
  ASSERT_TRUE(Call(&Stub::WithdrawComplaint, withdraw, handler, &b).ok());
  expect_event(b.name(), before, "complaint.withdrawn");
  // An illegal step names the allowed ones and writes nothing.
  v1::StartFollowUpRequest follow;
  follow.set_name(b.name());
  harness_.ExpectNothingWritten([&] {
    grpc::Status s = Call(&Stub::StartFollowUp, follow, compliance_token_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(testing::ReasonOf(s), "ILLEGAL_STEP");
  });
  // A stale etag is ABORTED.
  v1::ReopenComplaintRequest reopen;
  reopen.set_name(a.name());
  reopen.set_reason("x");
  reopen.set_etag("\"v1\"");
  EXPECT_EQ(Call(&Stub::ReopenComplaint, reopen, compliance_token_).error_code(),
            grpc::StatusCode::ABORTED);
}

}  // namespace
}  // namespace rmhub::complaint
