// Bad input for every TaskService RPC: INVALID_ARGUMENT naming the field, nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/task/task_test_env.h"

namespace rmhub::task {
namespace {

using Stub = v1::TaskService::Stub;
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

class TaskBadInputTest : public TaskTestEnv {
 protected:
  std::vector<BadCase> Cases(const v1::Task& held) {
    std::vector<BadCase> cases;
    auto add = [&](std::string rpc, std::string field, Call call) {
      cases.push_back({std::move(rpc), std::move(field), std::move(call)});
    };
    {
      v1::CreateTaskRequest r;
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->set_type(v1::TASK_TYPE_UNSPECIFIED);
      add("CreateTask", "task.type", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->set_title("");
      add("CreateTask", "task.title", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->mutable_due_time()->set_seconds(
          absl::ToUnixSeconds(harness_.clock().Now() - absl::Hours(1)));
      add("CreateTask", "task.due_time", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->add_assignees("members/2");
      r.mutable_task()->add_assignees("members/2");
      add("CreateTask", "task.assignees[1]", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->set_progress(140);
      add("CreateTask", "task.progress", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->add_dependencies("members/3");
      add("CreateTask", "task.dependencies[0]", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CROSS_DEPARTMENT);
      add("CreateTask", "task.requesting_team", Make(&Stub::CreateTask, r));
      *r.mutable_task() = NewTask(v1::CUSTOMER_VISIT);
      r.mutable_task()->add_checklist()->set_text("");
      add("CreateTask", "task.checklist[0].text", Make(&Stub::CreateTask, r));
    }
    {
      v1::GetTaskRequest r;
      r.set_name("tasks/x");
      add("GetTask", "name", Make(&Stub::GetTask, r));
    }
    {
      v1::BatchGetTasksRequest r;
      r.add_names(held.name());
      r.add_names("meetings/1");
      add("BatchGetTasks", "names[1]", Make(&Stub::BatchGetTasks, r));
    }
    {
      v1::ListTasksRequest r;
      r.set_filter("status = SLEEPING");
      add("ListTasks", "filter", Make(&Stub::ListTasks, r));
      r.set_filter("");
      r.set_page_size(-1);
      add("ListTasks", "page_size", Make(&Stub::ListTasks, r));
    }
    {
      v1::UpdateTaskRequest r;
      *r.mutable_task() = held;
      r.mutable_update_mask()->add_paths("status");
      add("UpdateTask", "update_mask", Make(&Stub::UpdateTask, r));
      r.mutable_update_mask()->Clear();
      r.mutable_update_mask()->add_paths("title");
      r.mutable_task()->set_title(std::string(201, 'x'));
      add("UpdateTask", "task.title", Make(&Stub::UpdateTask, r));
    }
    {
      v1::TransitionTaskRequest r;
      r.set_name(held.name());
      r.set_status(v1::TODO);
      add("TransitionTask", "status", Make(&Stub::TransitionTask, r));
      r.set_status(v1::BLOCKED);
      add("TransitionTask", "reason", Make(&Stub::TransitionTask, r));
    }
    {
      v1::SignOffTaskRequest r;
      r.set_name(held.name());
      add("SignOffTask", "attestation", Make(&Stub::SignOffTask, r));
    }
    {
      v1::AcceptTaskRequestRequest r;
      r.set_name(held.name());
      add("AcceptTaskRequest", "assignee", Make(&Stub::AcceptTaskRequest, r));
    }
    {
      v1::DeclineTaskRequestRequest r;
      r.set_name(held.name());
      add("DeclineTaskRequest", "reason", Make(&Stub::DeclineTaskRequest, r));
    }
    {
      v1::AddProgressEntryRequest r;
      r.set_parent(held.name());
      r.set_comment("went well");
      r.set_progress(101);
      add("AddProgressEntry", "progress", Make(&Stub::AddProgressEntry, r));
      r.set_progress(10);
      r.set_comment("");
      add("AddProgressEntry", "comment", Make(&Stub::AddProgressEntry, r));
    }
    {
      v1::ListProgressEntriesRequest r;
      r.set_parent(held.name());
      r.set_page_token("nope");
      add("ListProgressEntries", "page_token", Make(&Stub::ListProgressEntries, r));
    }
    {
      v1::SuggestAssigneesRequest r;
      r.set_team("teams/10");
      r.add_required_skills("JUGGLING");
      add("SuggestAssignees", "required_skills[0]", Make(&Stub::SuggestAssignees, r));
      r.clear_required_skills();
      r.set_limit(51);
      add("SuggestAssignees", "limit", Make(&Stub::SuggestAssignees, r));
    }
    {
      v1::GetWorkloadRequest r;
      r.set_name("members/abc");
      add("GetWorkload", "name", Make(&Stub::GetWorkload, r));
    }
    {
      v1::CreateMeetingRequest r;
      r.mutable_meeting()->set_team("teams/10");
      r.mutable_meeting()->set_title("Weekly");
      add("CreateMeeting", "meeting.start_time", Make(&Stub::CreateMeeting, r));
      r.mutable_meeting()->mutable_start_time()->set_seconds(
          absl::ToUnixSeconds(harness_.clock().Now()));
      r.mutable_meeting()->add_action_items()->set_title("call back");
      add("CreateMeeting", "meeting.action_items[0].owner", Make(&Stub::CreateMeeting, r));
    }
    {
      v1::GetMeetingRequest r;
      r.set_name("tasks/1");
      add("GetMeeting", "name", Make(&Stub::GetMeeting, r));
    }
    {
      v1::ListMeetingsRequest r;
      r.set_filter("title = \"x\"");
      add("ListMeetings", "filter", Make(&Stub::ListMeetings, r));
    }
    return cases;
  }
};

TEST_F(TaskBadInputTest, EveryRpcNamesTheBadFieldAndWritesNothing) {
  v1::Task spec = NewTask(v1::CUSTOMER_VISIT);
  spec.add_assignees("members/2");
  v1::Task held = Create(spec, lead_token_);
  std::set<std::string> covered;
  for (const BadCase& c : Cases(held)) {
    SCOPED_TRACE(c.rpc + " / " + c.field);
    covered.insert(c.rpc);
    harness_.ExpectNothingWritten([&] {
      auto ctx = Context(lead_token_);
      grpc::Status s = c.call(*stub_, ctx.get());
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      EXPECT_THAT(testing::FieldsOf(s), ::testing::Contains(c.field)) << s.error_message();
    });
  }
  const auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::TaskService::service_full_name());
  ASSERT_NE(desc, nullptr);
  for (int i = 0; i < desc->method_count(); ++i) {
    EXPECT_TRUE(covered.count(desc->method(i)->name())) << desc->method(i)->name();
  }
}

}  // namespace
}  // namespace rmhub::task
