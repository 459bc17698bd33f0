// The task service on MariaDB through its gRPC surface: every RPC's behaviour, authorization
// (BOLA answers like a missing task), the status machine, four-eyes, dependencies and cycles
// under concurrency, cross-department acceptance, meetings all-or-none, assignment by skill and
// load, workload, the progress log, overdue events exactly once, and an event for every mutation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/db/sql_values.h"
#include "services/task/overdue_sweeper.h"
#include "tests/services/task/task_test_env.h"
#include "tests/support/metric_value.h"

namespace rmhub::task {
namespace {

using ::testing::ElementsAre;
using testing::ReasonOf;

google::protobuf::Timestamp In(const Clock& clock, absl::Duration d) {
  return db::TimestampFromMicros(absl::ToUnixMicros(clock.Now() + d));
}

class TaskServiceTest : public TaskTestEnv {
 protected:
  std::vector<std::string> Types(const std::string& aggregate) {
    std::vector<std::string> out;
    int64_t last = 0;
    for (const auto& e : EventsOf(aggregate)) {
      EXPECT_GT(e.aggregate_version(), last) << e.type();
      last = e.aggregate_version();
      out.push_back(e.type());
    }
    return out;
  }
  v1::Task LastPayload(const std::string& aggregate) {
    auto events = EventsOf(aggregate);
    v1::Task t;
    EXPECT_FALSE(events.empty());
    if (!events.empty()) {
      EXPECT_TRUE(events.back().payload().UnpackTo(&t));
    }
    return t;
  }
  grpc::Status Update(const v1::Task& task, std::vector<std::string> paths,
                      const std::string& token, v1::Task* out = nullptr) {
    v1::UpdateTaskRequest r;
    *r.mutable_task() = task;
    for (auto& p : paths) r.mutable_update_mask()->add_paths(p);
    v1::Task got;
    auto ctx = Context(token);
    grpc::Status s = stub_->UpdateTask(ctx.get(), r, &got);
    if (out) *out = got;
    return s;
  }
  grpc::Status Sign(const std::string& name, const std::string& token, v1::Task* out = nullptr) {
    v1::SignOffTaskRequest r;
    r.set_name(name);
    r.set_attestation("visited the borrower; collateral present and insured");
    v1::Task got;
    auto ctx = Context(token);
    grpc::Status s = stub_->SignOffTask(ctx.get(), r, &got);
    if (out) *out = got;
    return s;
  }
  v1::ListTasksResponse List(const std::string& filter, const std::string& token) {
    v1::ListTasksRequest r;
    r.set_filter(filter);
    v1::ListTasksResponse out;
    auto ctx = Context(token);
    grpc::Status s = stub_->ListTasks(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
};

TEST_F(TaskServiceTest, CreateGetAndTheCreatedEventCarryWhatAnalyticsNeeds) {
  v1::Task t = NewTask(v1::CUSTOMER_VISIT);
  t.add_assignees("members/2");
  t.add_checklist()->set_text("bring the product sheet");
  t.add_milestones()->set_title("call first");
  v1::Task created = Create(t, rm_token_);
  EXPECT_EQ(created.status(), v1::TODO);
  EXPECT_EQ(created.priority(), v1::NORMAL);
  EXPECT_EQ(created.creator(), "members/2");
  EXPECT_EQ(created.etag(), api::MakeEtag(1));
  v1::Task got;
  ASSERT_TRUE(Get(created.name(), rm_token_, &got).ok());
  EXPECT_EQ(got.checklist(0).text(), "bring the product sheet");
  EXPECT_EQ(got.milestones(0).title(), "call first");
  auto events = EventsOf(created.name());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "task.created");
  EXPECT_EQ(events[0].aggregate_version(), 1);
  v1::Task payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.team(), "teams/10");
  EXPECT_THAT(payload.assignees(), ElementsAre("members/2"));
  EXPECT_EQ(payload.type(), v1::CUSTOMER_VISIT);
  EXPECT_EQ(payload.due_time().seconds(), t.due_time().seconds());

  // The same request_id again: the first answer, nothing new written.
  v1::CreateTaskRequest r;
  *r.mutable_task() = t;
  r.set_request_id("create-1");
  v1::Task first, second;
  auto c1 = Context(rm_token_);
  ASSERT_TRUE(stub_->CreateTask(c1.get(), r, &first).ok());
  auto c2 = Context(rm_token_);
  ASSERT_TRUE(stub_->CreateTask(c2.get(), r, &second).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountRows("tasks"), 2);
}

TEST_F(TaskServiceTest, OthersAnswerLikeAMissingTask) {
  v1::Task t = NewTask(v1::CUSTOMER_VISIT);
  t.add_assignees("members/2");
  v1::Task created = Create(t, rm_token_);
  grpc::Status missing = Get("tasks/999999", rm_token_);
  ASSERT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  for (const std::string& token : {RmToken(3, 1, {10}), LeadToken(21, 1, {20}),
                                   BranchManagerToken(200, 2), RmToken(32, 2, {30})}) {
    grpc::Status s = Get(created.name(), token);
    EXPECT_EQ(s.error_code(), missing.error_code());
    EXPECT_EQ(s.error_message(), missing.error_message());
    EXPECT_EQ(ReasonOf(s), ReasonOf(missing));
    v1::Task changed = created;
    changed.set_title("taken over");
    EXPECT_EQ(Update(changed, {"title"}, token).error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(Transition(created.name(), v1::IN_PROGRESS, token).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(List("", token).tasks_size(), 0);
  }
  // The creator/assignee, the team's lead and the branch's manager see it.
  for (const std::string& token : {rm_token_, lead_token_, manager_token_}) {
    EXPECT_TRUE(Get(created.name(), token).ok());
    EXPECT_EQ(List("", token).tasks_size(), 1);
  }
  // BatchGet leaves out what the caller may not see.
  v1::BatchGetTasksRequest b;
  b.add_names(created.name());
  b.add_names("tasks/999999");
  v1::BatchGetTasksResponse out;
  auto ctx = Context(RmToken(3, 1, {10}));
  ASSERT_TRUE(stub_->BatchGetTasks(ctx.get(), b, &out).ok());
  EXPECT_EQ(out.tasks_size(), 0);
  auto ctx2 = Context(lead_token_);
  ASSERT_TRUE(stub_->BatchGetTasks(ctx2.get(), b, &out).ok());
  EXPECT_EQ(out.tasks_size(), 1);
}

TEST_F(TaskServiceTest, ATaskAboutACustomerIsVisibleToWhoMaySeeTheCustomer) {
  v1::Task t = NewTask(v1::CUSTOMER_VISIT);
  t.set_related_customer("customers/100");  // owned by members/2
  t.add_assignees("members/3");
  v1::Task created = Create(t, lead_token_);
  EXPECT_TRUE(Get(created.name(), rm_token_).ok());  // the customer's manager
  EXPECT_EQ(Get(created.name(), RmToken(4, 1, {10})).error_code(), grpc::StatusCode::NOT_FOUND);
  // Lists: the customer's manager finds it when listing the customer's tasks, not in their own
  // unpinned list; another RM of the team finds nothing about a customer they do not hold.
  v1::ListTasksResponse pinned = List("related_customer = \"customers/100\"", rm_token_);
  ASSERT_EQ(pinned.tasks_size(), 1);
  EXPECT_EQ(pinned.tasks(0).name(), created.name());
  EXPECT_EQ(List("", rm_token_).tasks_size(), 0);
  EXPECT_EQ(List("related_customer = \"customers/100\"", RmToken(4, 1, {10})).tasks_size(), 0);
  EXPECT_EQ(List("related_customer = \"customers/100\"", RmToken(3, 1, {10})).tasks_size(), 1);
  // A customer the caller may not see cannot be named.
  v1::Task other = NewTask(v1::CUSTOMER_VISIT);
  other.set_related_customer("customers/200");
  v1::CreateTaskRequest r;
  *r.mutable_task() = other;
  v1::Task out;
  auto ctx = Context(rm_token_);
  grpc::Status s = stub_->CreateTask(ctx.get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(s), "CUSTOMER_NOT_FOUND");
}

TEST_F(TaskServiceTest, StatusMachineAndDependencies) {
  v1::Task dep_spec = NewTask(v1::DOCUMENT_PREPARATION);
  dep_spec.add_assignees("members/2");
  v1::Task dep = Create(dep_spec, rm_token_);
  v1::Task t = NewTask(v1::CUSTOMER_VISIT);
  t.add_assignees("members/2");
  t.add_dependencies(dep.name());
  v1::Task task = Create(t, rm_token_);

  grpc::Status s = Transition(task.name(), v1::DONE, rm_token_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(s), "ILLEGAL_TRANSITION");
  s = Transition(task.name(), v1::IN_PROGRESS, rm_token_);
  EXPECT_EQ(ReasonOf(s), "DEPENDENCY_NOT_DONE");
  ASSERT_TRUE(Transition(dep.name(), v1::IN_PROGRESS, rm_token_).ok());
  ASSERT_TRUE(Transition(dep.name(), v1::DONE, rm_token_).ok());
  v1::Task out;
  ASSERT_TRUE(Transition(task.name(), v1::IN_PROGRESS, rm_token_, &out).ok());
  EXPECT_TRUE(out.has_start_time());
  EXPECT_EQ(Transition(task.name(), v1::BLOCKED, rm_token_).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // a reason is required
  ASSERT_TRUE(
      Transition(task.name(), v1::BLOCKED, rm_token_, &out, "waiting for the customer").ok());
  EXPECT_EQ(out.status_reason(), "waiting for the customer");
  ASSERT_TRUE(Transition(task.name(), v1::IN_PROGRESS, rm_token_).ok());
  harness_.clock().Advance(absl::Hours(1));
  ASSERT_TRUE(Transition(task.name(), v1::DONE, rm_token_, &out).ok());
  EXPECT_EQ(out.progress(), 100);
  EXPECT_TRUE(out.completed_on_time());
  EXPECT_EQ(ReasonOf(Transition(task.name(), v1::CANCELLED, rm_token_, nullptr, "x")),
            "ILLEGAL_TRANSITION");
  EXPECT_THAT(Types(task.name()),
              ElementsAre("task.created", "task.status_changed", "task.status_changed",
                          "task.status_changed", "task.status_changed", "task.completed"));
  v1::Task payload = LastPayload(task.name());
  EXPECT_TRUE(payload.has_complete_time());
  EXPECT_TRUE(payload.completed_on_time());
}

TEST_F(TaskServiceTest, StaleEtagIsAborted) {
  v1::Task t = NewTask(v1::MARKETING);
  t.add_assignees("members/2");
  v1::Task task = Create(t, rm_token_);
  v1::Task changed = task;
  changed.set_title("first");
  v1::Task out;
  ASSERT_TRUE(Update(changed, {"title"}, rm_token_, &out).ok());
  EXPECT_EQ(out.etag(), api::MakeEtag(2));
  EXPECT_THAT(Types(task.name()), ElementsAre("task.created", "task.updated"));
  changed.set_title("second");  // still carries v1
  EXPECT_EQ(Update(changed, {"title"}, rm_token_).error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(TaskServiceTest, CyclesAreRefusedAlsoUnderConcurrency) {
  v1::Task a = Create(NewTask(v1::OTHER), rm_token_);
  v1::Task b_spec = NewTask(v1::OTHER);
  b_spec.add_dependencies(a.name());
  v1::Task b = Create(b_spec, rm_token_);
  v1::Task a2 = a;
  a2.add_dependencies(b.name());
  grpc::Status s = Update(a2, {"dependencies"}, rm_token_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(s), "DEPENDENCY_CYCLE");

  for (int round = 0; round < 5; ++round) {
    v1::Task x = Create(NewTask(v1::OTHER), rm_token_);
    v1::Task y = Create(NewTask(v1::OTHER), rm_token_);
    v1::Task x2 = x, y2 = y;
    x2.add_dependencies(y.name());
    y2.add_dependencies(x.name());
    grpc::Status sx, sy;
    std::thread tx([&] { sx = Update(x2, {"dependencies"}, rm_token_); });
    std::thread ty([&] { sy = Update(y2, {"dependencies"}, rm_token_); });
    tx.join();
    ty.join();
    EXPECT_NE(sx.ok(), sy.ok()) << sx.error_message() << " / " << sy.error_message();
    EXPECT_EQ(ReasonOf(sx.ok() ? sy : sx), "DEPENDENCY_CYCLE");
  }
}

TEST_F(TaskServiceTest, FourEyesNeedsTwoEligibleSignatures) {
  v1::Task t = NewTask(v1::DUE_DILIGENCE);
  t.set_related_customer("customers/100");
  t.add_assignees("members/2");
  t.add_assignees("members/5");  // back office IT: may not check
  v1::CreateTaskRequest r;
  *r.mutable_task() = t;
  v1::Task out;
  auto ctx = Context(lead_token_);
  grpc::Status s = stub_->CreateTask(ctx.get(), r, &out);
  EXPECT_EQ(ReasonOf(s), "SIGNER_NOT_ELIGIBLE");
  r.mutable_task()->set_assignees(1, "members/6");  // on leave
  auto ctx2 = Context(lead_token_);
  EXPECT_EQ(ReasonOf(stub_->CreateTask(ctx2.get(), r, &out)), "SIGNER_NOT_ELIGIBLE");

  t.set_assignees(1, "members/3");
  v1::Task task = Create(t, lead_token_);
  ASSERT_TRUE(Transition(task.name(), v1::IN_PROGRESS, lead_token_).ok());
  EXPECT_EQ(ReasonOf(Transition(task.name(), v1::DONE, lead_token_)),
            "FOUR_EYES_SIGN_OFF_REQUIRED");
  v1::Task signed1;
  ASSERT_TRUE(Sign(task.name(), rm_token_, &signed1).ok());
  EXPECT_EQ(signed1.status(), v1::IN_PROGRESS);
  EXPECT_EQ(ReasonOf(Sign(task.name(), rm_token_)), "ALREADY_SIGNED");
  // A third person: the lead sees the task but is not an assignee.
  EXPECT_EQ(Sign(task.name(), lead_token_).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::Task done;
  ASSERT_TRUE(Sign(task.name(), RmToken(3, 1, {10}), &done).ok());
  EXPECT_EQ(done.status(), v1::DONE);
  ASSERT_EQ(done.sign_offs_size(), 2);
  EXPECT_EQ(done.sign_offs(0).signer(), "members/2");
  EXPECT_EQ(done.sign_offs(1).signer(), "members/3");
  EXPECT_THAT(Types(task.name()),
              ElementsAre("task.created", "task.status_changed", "task.signed", "task.signed",
                          "task.status_changed", "task.completed"));

  // No signature after cancellation.
  v1::Task other = Create(t, lead_token_);
  ASSERT_TRUE(Transition(other.name(), v1::CANCELLED, lead_token_, nullptr, "loan withdrawn").ok());
  EXPECT_EQ(ReasonOf(Sign(other.name(), rm_token_)), "TASK_NOT_IN_PROGRESS");
}

TEST_F(TaskServiceTest, CrossDepartmentRequestWaitsForTheServingLead) {
  std::string credit_rm = RmToken(22, 1, {20});
  v1::Task t = NewTask(v1::CROSS_DEPARTMENT, "teams/10");
  t.set_requesting_team("teams/20");
  v1::Task req = Create(t, credit_rm);
  EXPECT_EQ(req.acceptance(), v1::PENDING_ACCEPTANCE);
  // Not the serving team's work yet, and not startable.
  EXPECT_EQ(ReasonOf(Transition(req.name(), v1::IN_PROGRESS, credit_rm)), "REQUEST_NOT_ACCEPTED");
  // The requesting team's lead sees it; an RM of the serving team does not.
  EXPECT_TRUE(Get(req.name(), LeadToken(21, 1, {20})).ok());
  EXPECT_EQ(Get(req.name(), RmToken(3, 1, {10})).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::AcceptTaskRequestRequest a;
  a.set_name(req.name());
  a.set_assignee("members/3");
  v1::Task accepted;
  auto c1 = Context(credit_rm);  // the requester may not accept
  EXPECT_EQ(stub_->AcceptTaskRequest(c1.get(), a, &accepted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  a.set_assignee("members/22");  // not of the serving team
  auto c2 = Context(lead_token_);
  EXPECT_EQ(ReasonOf(stub_->AcceptTaskRequest(c2.get(), a, &accepted)), "ASSIGNEE_NOT_IN_TEAM");
  a.set_assignee("members/3");
  auto c3 = Context(lead_token_);
  ASSERT_TRUE(stub_->AcceptTaskRequest(c3.get(), a, &accepted).ok());
  EXPECT_EQ(accepted.acceptance(), v1::ACCEPTED);
  EXPECT_THAT(accepted.assignees(), ElementsAre("members/3"));
  EXPECT_TRUE(Transition(req.name(), v1::IN_PROGRESS, RmToken(3, 1, {10})).ok());
  EXPECT_THAT(Types(req.name()), ElementsAre("task.created", "task.request_accepted",
                                             "task.assigned", "task.status_changed"));

  v1::Task second = Create(t, credit_rm);
  v1::DeclineTaskRequestRequest d;
  d.set_name(second.name());
  d.set_reason("not our business line");
  v1::Task declined;
  auto c4 = Context(lead_token_);
  ASSERT_TRUE(stub_->DeclineTaskRequest(c4.get(), d, &declined).ok());
  EXPECT_EQ(declined.acceptance(), v1::DECLINED);
  EXPECT_EQ(declined.decline_reason(), "not our business line");
  EXPECT_EQ(declined.status(), v1::CANCELLED);
  EXPECT_THAT(Types(second.name()), ElementsAre("task.created", "task.request_declined"));
}

TEST_F(TaskServiceTest, MeetingActionItemsBecomeTasksAllOrNone) {
  v1::CreateMeetingRequest r;
  v1::Meeting* m = r.mutable_meeting();
  m->set_team("teams/10");
  m->set_title("Weekly meeting");
  *m->mutable_start_time() = In(harness_.clock(), -absl::Hours(1));
  m->add_attendees("members/1");
  m->add_attendees("members/2");
  m->set_minutes("Q2 wealth campaign");
  for (int owner : {2, 3, 4}) {
    auto* item = m->add_action_items();
    item->set_title(absl::StrCat("follow up ", owner));
    item->set_owner(absl::StrCat("members/", owner));
    *item->mutable_due_time() = In(harness_.clock(), absl::Hours(48));
  }
  // One owner outside the team: nothing at all is written.
  v1::CreateMeetingRequest bad = r;
  bad.mutable_meeting()->mutable_action_items(2)->set_owner("members/22");
  harness_.ExpectNothingWritten([&] {
    v1::Meeting out;
    auto ctx = Context(lead_token_);
    grpc::Status s = stub_->CreateMeeting(ctx.get(), bad, &out);
    EXPECT_EQ(ReasonOf(s), "OWNER_NOT_IN_TEAM");
  });
  v1::Meeting meeting;
  auto ctx = Context(lead_token_);
  ASSERT_TRUE(stub_->CreateMeeting(ctx.get(), r, &meeting).ok());
  ASSERT_EQ(meeting.action_items_size(), 3);
  EXPECT_EQ(meeting.recorder(), "members/1");
  auto tasks = List(absl::StrCat("meeting = \"", meeting.name(), "\""), lead_token_);
  ASSERT_EQ(tasks.tasks_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(tasks.tasks(i).name(), meeting.action_items(i).task());
    EXPECT_EQ(tasks.tasks(i).meeting(), meeting.name());
    EXPECT_THAT(Types(tasks.tasks(i).name()), ElementsAre("task.created"));
  }
  EXPECT_THAT(Types(meeting.name()), ElementsAre("meeting.recorded"));
  v1::GetMeetingRequest g;
  g.set_name(meeting.name());
  v1::Meeting got;
  auto c2 = Context(rm_token_);  // an attendee
  ASSERT_TRUE(stub_->GetMeeting(c2.get(), g, &got).ok());
  EXPECT_EQ(got.action_items(1).task(), meeting.action_items(1).task());
  auto c3 = Context(RmToken(4, 1, {10}));  // not there, not its lead
  EXPECT_EQ(stub_->GetMeeting(c3.get(), g, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListMeetingsRequest l;
  l.set_filter("team = \"teams/10\"");
  v1::ListMeetingsResponse listed;
  auto c4 = Context(rm_token_);
  ASSERT_TRUE(stub_->ListMeetings(c4.get(), l, &listed).ok());
  EXPECT_EQ(listed.meetings_size(), 1);
}

TEST_F(TaskServiceTest, ProgressLogInOrder) {
  v1::Task t = NewTask(v1::MARKETING);
  t.add_assignees("members/2");
  v1::Task task = Create(t, rm_token_);
  for (int p : {20, -1, 60}) {
    v1::AddProgressEntryRequest r;
    r.set_parent(task.name());
    r.set_comment(absl::StrCat("step ", p));
    r.set_progress(p);
    v1::ProgressEntry e;
    auto ctx = Context(rm_token_);
    ASSERT_TRUE(stub_->AddProgressEntry(ctx.get(), r, &e).ok());
    EXPECT_EQ(e.author(), "members/2");
  }
  v1::ListProgressEntriesRequest l;
  l.set_parent(task.name());
  l.set_page_size(2);
  v1::ListProgressEntriesResponse page;
  auto ctx = Context(lead_token_);
  ASSERT_TRUE(stub_->ListProgressEntries(ctx.get(), l, &page).ok());
  ASSERT_EQ(page.entries_size(), 2);
  EXPECT_EQ(page.entries(0).comment(), "step 20");
  EXPECT_EQ(page.entries(1).progress(), -1);
  l.set_page_token(page.next_page_token());
  auto ctx2 = Context(lead_token_);
  ASSERT_TRUE(stub_->ListProgressEntries(ctx2.get(), l, &page).ok());
  ASSERT_EQ(page.entries_size(), 1);
  EXPECT_EQ(page.entries(0).comment(), "step 60");
  v1::Task got;
  ASSERT_TRUE(Get(task.name(), rm_token_, &got).ok());
  EXPECT_EQ(got.progress(), 60);
  EXPECT_THAT(Types(task.name()), ElementsAre("task.created", "task.progress_logged",
                                              "task.progress_logged", "task.progress_logged"));
}

TEST_F(TaskServiceTest, SuggestionsFollowSkillsAndLoadAndAutoAssign) {
  v1::SuggestAssigneesRequest r;
  r.set_team("teams/10");
  r.add_required_skills("WEALTH");
  r.add_required_skills("INSURANCE");
  v1::SuggestAssigneesResponse out;
  auto ctx = Context(lead_token_);
  ASSERT_TRUE(stub_->SuggestAssignees(ctx.get(), r, &out).ok());
  ASSERT_GE(out.candidates_size(), 3);
  EXPECT_EQ(out.candidates(0).member(), "members/2");  // 2/2 skills; members/6 is on leave
  EXPECT_EQ(out.candidates(0).matched_skills(), 2);
  for (const auto& c : out.candidates()) EXPECT_NE(c.member(), "members/6");

  // Load separates equals: members/1 and members/3 both have WEALTH; give members/3 work.
  for (int i = 0; i < 3; ++i) {
    v1::Task t = NewTask(v1::OTHER);
    t.add_assignees("members/3");
    t.set_priority(v1::URGENT);
    Create(t, lead_token_);
  }
  v1::SuggestAssigneesRequest w;
  w.set_team("teams/10");
  w.add_required_skills("WEALTH");
  auto ctx2 = Context(lead_token_);
  ASSERT_TRUE(stub_->SuggestAssignees(ctx2.get(), w, &out).ok());
  std::vector<std::string> order;
  for (const auto& c : out.candidates()) order.push_back(c.member());
  auto pos = [&](const std::string& m) {
    return std::find(order.begin(), order.end(), m) - order.begin();
  };
  EXPECT_LT(pos("members/1"), pos("members/3"));
  EXPECT_EQ(out.candidates(pos("members/3")).open_tasks(), 3);

  v1::Task target = Create(NewTask(v1::MARKETING), lead_token_);
  w.set_auto_assign_task(target.name());
  w.set_request_id("auto-1");
  auto ctx3 = Context(lead_token_);
  ASSERT_TRUE(stub_->SuggestAssignees(ctx3.get(), w, &out).ok());
  EXPECT_THAT(out.assigned_task().assignees(), ElementsAre(out.candidates(0).member()));
  EXPECT_THAT(Types(target.name()), ElementsAre("task.created", "task.assigned"));
  // An RM may not rank their team.
  auto ctx4 = Context(rm_token_);
  EXPECT_EQ(stub_->SuggestAssignees(ctx4.get(), r, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TaskServiceTest, WorkloadPerMemberAndTeam) {
  v1::Task t = NewTask(v1::OTHER);
  t.add_assignees("members/2");
  Create(t, rm_token_);
  t.set_priority(v1::HIGH);
  *t.mutable_due_time() = In(harness_.clock(), absl::Hours(1));
  Create(t, rm_token_);
  harness_.clock().Advance(absl::Hours(2));
  v1::GetWorkloadRequest r;
  r.set_name("members/2");
  v1::GetWorkloadResponse out;
  auto ctx = Context(rm_token_);
  ASSERT_TRUE(stub_->GetWorkload(ctx.get(), r, &out).ok());
  ASSERT_EQ(out.workloads_size(), 1);
  EXPECT_EQ(out.workloads(0).open_tasks(), 2);
  EXPECT_EQ(out.workloads(0).overdue_tasks(), 1);
  EXPECT_DOUBLE_EQ(out.workloads(0).weighted_load(), 1 + 2 * 2);
  r.set_name("teams/10");
  auto ctx2 = Context(lead_token_);
  ASSERT_TRUE(stub_->GetWorkload(ctx2.get(), r, &out).ok());
  EXPECT_EQ(out.workloads_size(), 5);  // active members only
  auto ctx3 = Context(RmToken(3, 1, {10}));
  r.set_name("members/2");
  EXPECT_EQ(stub_->GetWorkload(ctx3.get(), r, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A closed task leaves the workload (the person rows' open-work flag follows every write).
  v1::ListTasksResponse mine = List("assignee = \"members/2\"", rm_token_);
  ASSERT_EQ(mine.tasks_size(), 2);
  ASSERT_TRUE(
      Transition(mine.tasks(0).name(), v1::CANCELLED, rm_token_, nullptr, "not needed").ok());
  auto ctx4 = Context(rm_token_);
  ASSERT_TRUE(stub_->GetWorkload(ctx4.get(), r, &out).ok());
  ASSERT_EQ(out.workloads_size(), 1);
  EXPECT_EQ(out.workloads(0).open_tasks(), 1);
  EXPECT_EQ(CountRows("task_people WHERE member_id = 2 AND role = 1 AND open_work = 1"), 1);
}

TEST_F(TaskServiceTest, OverdueEventOncePerDueTimeEvenWithTwoSweepers) {
  v1::Task t = NewTask(v1::CUSTOMER_VISIT);
  t.add_assignees("members/2");
  *t.mutable_due_time() = In(harness_.clock(), absl::Hours(1));
  std::vector<v1::Task> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back(Create(t, rm_token_));
  EXPECT_EQ(*service_->SweepOverdue(), 0);
  harness_.clock().Advance(absl::Hours(2));
  EXPECT_EQ(List("overdue = true", rm_token_).tasks_size(), 5);

  // A second service on the same database: two replicas sweeping at once.
  TaskService replica(*repository_, directory_, harness_.clock(), TaskConfig{1});
  absl::StatusOr<int> a, b;
  std::thread ta([&] { a = service_->SweepOverdue(); });
  std::thread tb([&] { b = replica.SweepOverdue(); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a + *b, 5);
  EXPECT_EQ(*service_->SweepOverdue() + *replica.SweepOverdue(), 0);
  EXPECT_EQ(CountRows("outbox_events WHERE event_type = 'task.overdue'"), 5);
  v1::Task payload = LastPayload(tasks[0].name());
  EXPECT_TRUE(payload.overdue());
  EXPECT_EQ(payload.team(), "teams/10");

  // A moved due date re-arms it; a done task is never overdue.
  v1::Task moved;
  ASSERT_TRUE(Get(tasks[0].name(), rm_token_, &moved).ok());
  *moved.mutable_due_time() = In(harness_.clock(), absl::Hours(1));
  ASSERT_TRUE(Update(moved, {"due_time"}, rm_token_).ok());
  ASSERT_TRUE(
      Transition(tasks[1].name(), v1::CANCELLED, rm_token_, nullptr, "no longer needed").ok());
  harness_.clock().Advance(absl::Hours(2));
  EXPECT_EQ(*service_->SweepOverdue(), 1);
  EXPECT_EQ(CountRows("outbox_events WHERE event_type = 'task.overdue'"), 6);
  EXPECT_EQ(List("overdue = true", rm_token_).tasks_size(), 4);
}

TEST_F(TaskServiceTest, OverdueSweeperExportsOpenGaugeAndEventCounter) {
  prometheus::Registry registry;
  OverdueSweeper sweeper(*service_, absl::Hours(1), registry);
  auto open = [&](const std::string& kind) {
    return testing::MetricValue(registry, "rmhub_task_overdue_open", {{"kind", kind}});
  };
  auto events = [&] { return testing::MetricValue(registry, "rmhub_task_overdue_events_total"); };
  EXPECT_EQ(open("four_eyes"), 0);
  EXPECT_EQ(events(), 0);

  v1::Task check = NewTask(v1::POST_LOAN_CHECK);
  check.add_assignees("members/2");
  check.add_assignees("members/3");
  *check.mutable_due_time() = In(harness_.clock(), absl::Hours(1));
  Create(check, lead_token_);
  v1::Task visit = NewTask(v1::CUSTOMER_VISIT);
  visit.add_assignees("members/2");
  *visit.mutable_due_time() = In(harness_.clock(), absl::Hours(1));
  const v1::Task first_visit = Create(visit, rm_token_);
  Create(visit, rm_token_);
  Create(NewTask(v1::CUSTOMER_VISIT), rm_token_);  // due in three days: not overdue
  sweeper.SweepOnce();
  EXPECT_EQ(open("four_eyes"), 0);
  EXPECT_EQ(open("other"), 0);

  harness_.clock().Advance(absl::Hours(2));
  sweeper.SweepOnce();
  EXPECT_EQ(open("four_eyes"), 1);
  EXPECT_EQ(open("other"), 2);
  EXPECT_EQ(events(), 3);
  // Emitted once: the next sweep counts no new event but still sees them open and overdue.
  sweeper.SweepOnce();
  EXPECT_EQ(events(), 3);
  EXPECT_EQ(open("other"), 2);
  // A cancelled task is no longer open.
  ASSERT_TRUE(
      Transition(first_visit.name(), v1::CANCELLED, rm_token_, nullptr, "customer moved away")
          .ok());
  sweeper.SweepOnce();
  EXPECT_EQ(open("other"), 1);
  EXPECT_EQ(open("four_eyes"), 1);
  EXPECT_EQ(CountRows("outbox_events WHERE event_type = 'task.overdue'"), 3);
}

TEST_F(TaskServiceTest, OverdueSweeperStopsWhenAsked) {
  prometheus::Registry registry;
  OverdueSweeper sweeper(*service_, absl::Hours(1), registry);
  sweeper.Start();
  sweeper.Stop();  // returns: the loop left its hour-long wait
  sweeper.Stop();  // a second stop is harmless
}

}  // namespace
}  // namespace rmhub::task
