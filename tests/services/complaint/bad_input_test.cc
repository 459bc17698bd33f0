// Bad input for every ComplaintService RPC: INVALID_ARGUMENT naming the field, nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/api/date.h"
#include "common/db/sql_values.h"
#include "tests/services/complaint/complaint_test_env.h"

namespace rmhub::complaint {
namespace {

using Stub = v1::ComplaintService::Stub;
using Call = std::function<grpc::Status(Stub&, grpc::ClientContext*)>;

template <class Req, class Resp>
Call Make(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), Req request) {
  return [method, request](Stub& stub, grpc::ClientContext* ctx) {
    Resp response;
    return (stub.*method)(ctx, request, &response);
  };
}

struct BadCase {
  std::string rpc;
  std::string field;
  Call call;
};

class ComplaintBadInputTest : public ComplaintTestEnv {
 protected:
  std::vector<BadCase> Cases(const v1::Complaint& held) {
    std::vector<BadCase> cases;
    auto add = [&](std::string rpc, std::string field, Call call) {
      cases.push_back({std::move(rpc), std::move(field), std::move(call)});
    };
    const std::string name = held.name();
    {
      v1::FileComplaintRequest r;
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_customer("members/1");
      add("FileComplaint", "complaint.customer", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_channel(v1::CHANNEL_UNSPECIFIED);
      add("FileComplaint", "complaint.channel", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_category(static_cast<v1::Category>(77));
      add("FileComplaint", "complaint.category", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_subject("");
      add("FileComplaint", "complaint.subject", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_description(std::string(4001, 'x'));
      add("FileComplaint", "complaint.description", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_customer_request("");
      add("FileComplaint", "complaint.customer_request", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      *r.mutable_complaint()->mutable_receive_time() =
          db::TimestampFromMicros(absl::ToUnixMicros(harness_.clock().Now() + absl::Hours(2)));
      add("FileComplaint", "complaint.receive_time", Make(&Stub::FileComplaint, r));
      *r.mutable_complaint() = NewComplaint();
      r.mutable_complaint()->set_complained_about("teams/1");
      add("FileComplaint", "complaint.complained_about", Make(&Stub::FileComplaint, r));
    }
    {
      v1::GetComplaintRequest r;
      r.set_name("complaints/x");
      add("GetComplaint", "name", Make(&Stub::GetComplaint, r));
    }
    {
      v1::BatchGetComplaintsRequest r;
      r.add_names(name);
      r.add_names("tasks/1");
      add("BatchGetComplaints", "names[1]", Make(&Stub::BatchGetComplaints, r));
    }
    {
      v1::ListComplaintsRequest r;
      r.set_filter("state = SLEEPING");
      add("ListComplaints", "filter", Make(&Stub::ListComplaints, r));
      r.set_filter("");
      r.set_page_size(-1);
      add("ListComplaints", "page_size", Make(&Stub::ListComplaints, r));
    }
    {
      v1::StartReviewRequest r;
      r.set_name("complaint/1");
      add("StartReview", "name", Make(&Stub::StartReview, r));
    }
    {
      v1::RejectComplaintRequest r;
      r.set_name(name);
      add("RejectComplaint", "reason", Make(&Stub::RejectComplaint, r));
    }
    {
      v1::AssignComplaintRequest r;
      r.set_name(name);
      r.set_handler("teams/10");
      add("AssignComplaint", "handler", Make(&Stub::AssignComplaint, r));
      r.set_handler("");
      r.set_category(static_cast<v1::Category>(99));
      add("AssignComplaint", "category", Make(&Stub::AssignComplaint, r));
      r.set_category(v1::SERVICE);
      *r.mutable_task_due_time() =
          db::TimestampFromMicros(absl::ToUnixMicros(harness_.clock().Now() - absl::Hours(1)));
      add("AssignComplaint", "task_due_time", Make(&Stub::AssignComplaint, r));
    }
    {
      v1::ReassignComplaintRequest r;
      r.set_name(name);
      r.set_reason("workload");
      add("ReassignComplaint", "handler", Make(&Stub::ReassignComplaint, r));
      r.set_handler("members/4");
      r.set_reason("");
      add("ReassignComplaint", "reason", Make(&Stub::ReassignComplaint, r));
    }
    {
      v1::StartInvestigationRequest r;
      r.set_name(name);
      r.set_note(std::string(2001, 'n'));
      add("StartInvestigation", "note", Make(&Stub::StartInvestigation, r));
    }
    {
      v1::ProposeSolutionRequest r;
      r.set_name(name);
      r.set_solution("refund");
      add("ProposeSolution", "findings", Make(&Stub::ProposeSolution, r));
    }
    {
      v1::ReplyToCustomerRequest r;
      r.set_name(name);
      add("ReplyToCustomer", "note", Make(&Stub::ReplyToCustomer, r));
    }
    {
      v1::RecordCustomerResponseRequest r;
      r.set_name(name);
      r.set_note("said no");
      add("RecordCustomerResponse", "response", Make(&Stub::RecordCustomerResponse, r));
      r.set_response(v1::REJECTED_ESCALATE);
      add("RecordCustomerResponse", "escalation_handler", Make(&Stub::RecordCustomerResponse, r));
    }
    {
      v1::StartFollowUpRequest r;
      r.set_name("");
      add("StartFollowUp", "name", Make(&Stub::StartFollowUp, r));
    }
    {
      v1::CloseComplaintRequest r;
      r.set_name(name);
      r.set_satisfaction(9);
      r.set_root_cause(v1::PROCESS_GAP);
      add("CloseComplaint", "satisfaction", Make(&Stub::CloseComplaint, r));
      r.set_satisfaction(3);
      r.set_root_cause(v1::ROOT_CAUSE_UNSPECIFIED);
      add("CloseComplaint", "root_cause", Make(&Stub::CloseComplaint, r));
    }
    {
      v1::WithdrawComplaintRequest r;
      r.set_name(name);
      add("WithdrawComplaint", "reason", Make(&Stub::WithdrawComplaint, r));
    }
    {
      v1::ReopenComplaintRequest r;
      r.set_name(name);
      r.set_reason(std::string(2001, 'r'));
      add("ReopenComplaint", "reason", Make(&Stub::ReopenComplaint, r));
    }
    {
      v1::ExtendDeadlineRequest r;
      r.set_name(name);
      add("ExtendDeadline", "reason", Make(&Stub::ExtendDeadline, r));
      r.set_reason("complex");
      r.set_approver("branches/1");
      add("ExtendDeadline", "approver", Make(&Stub::ExtendDeadline, r));
    }
    {
      v1::RecordAppraisalRequest r;
      r.set_name(name);
      r.mutable_appraisal()->set_note("lab");
      *r.mutable_appraisal()->mutable_end_date() = api::ToDate(absl::CivilDay(2026, 3, 9));
      add("RecordAppraisal", "appraisal.start_date", Make(&Stub::RecordAppraisal, r));
      *r.mutable_appraisal()->mutable_start_date() = api::ToDate(absl::CivilDay(2026, 3, 10));
      add("RecordAppraisal", "appraisal.end_date", Make(&Stub::RecordAppraisal, r));
    }
    {
      v1::ListComplaintHistoryRequest r;
      r.set_parent("customers/500");
      add("ListComplaintHistory", "parent", Make(&Stub::ListComplaintHistory, r));
      r.set_parent(name);
      r.set_page_token("garbage");
      add("ListComplaintHistory", "page_token", Make(&Stub::ListComplaintHistory, r));
    }
    {
      v1::VerifyComplaintHistoryRequest r;
      r.set_name("complaints/-4");
      add("VerifyComplaintHistory", "name", Make(&Stub::VerifyComplaintHistory, r));
    }
    {
      v1::GetComplaintStatisticsRequest r;
      add("GetComplaintStatistics", "dimension", Make(&Stub::GetComplaintStatistics, r));
      r.set_dimension(v1::BY_CHANNEL);
      *r.mutable_start_time() = db::TimestampFromMicros(absl::ToUnixMicros(harness_.clock().Now()));
      *r.mutable_end_time() =
          db::TimestampFromMicros(absl::ToUnixMicros(harness_.clock().Now() - absl::Hours(1)));
      add("GetComplaintStatistics", "end_time", Make(&Stub::GetComplaintStatistics, r));
    }
    return cases;
  }
};

TEST_F(ComplaintBadInputTest, EveryRpcNamesTheBadFieldAndWritesNothing) {
  v1::Complaint held = FileAndAssign();
  std::set<std::string> covered;
  for (const BadCase& c : Cases(held)) {
    SCOPED_TRACE(c.rpc + " / " + c.field);
    covered.insert(c.rpc);
    harness_.ExpectNothingWritten([&] {
      auto ctx = Context(compliance_token_);
      grpc::Status s = c.call(*stub_, ctx.get());
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      EXPECT_THAT(testing::FieldsOf(s), ::testing::Contains(c.field)) << s.error_message();
    });
  }
  const auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::ComplaintService::service_full_name());
  ASSERT_NE(desc, nullptr);
  for (int i = 0; i < desc->method_count(); ++i) {
    EXPECT_TRUE(covered.count(desc->method(i)->name())) << desc->method(i)->name();
  }
}

}  // namespace
}  // namespace rmhub::complaint
