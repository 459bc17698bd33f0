#include "tests/services/complaint/complaint_test_env.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"
#include "tests/services/complaint/complaint_test_util.h"

namespace rmhub::complaint {
namespace {

absl::Time Start() { return testutil::ShanghaiAt(2026, 3, 2, 10, 0); }

absl::Status TaskDown() {
  return Unavailable("TASK_SERVICE_UNAVAILABLE",
                     "the task service did not answer; nothing was changed");
}

}  // namespace

void ScriptedDirectory::AddTeam(int64_t team, int64_t branch, int64_t leader) {
  absl::MutexLock lock(&mu_);
  team::v1::Team t;
  t.set_name(api::FormatName("teams", team));
  t.set_branch(api::FormatName("branches", branch));
  if (leader != 0) t.set_leader(api::FormatName("members", leader));
  teams_[team] = t;
}

void ScriptedDirectory::AddMember(int64_t member, int64_t branch, int64_t team, team::v1::Role role,
                                  team::v1::MemberStatus status) {
  absl::MutexLock lock(&mu_);
  team::v1::Member m;
  m.set_name(api::FormatName("members", member));
  m.set_branch(api::FormatName("branches", branch));
  m.set_home_team(api::FormatName("teams", team));
  m.set_role(role);
  if (role == team::v1::BACK_OFFICE) m.set_back_office_function(team::v1::COMPLIANCE);
  m.set_status(status);
  members_[member] = m;
}

void ScriptedDirectory::AddCustomer(int64_t customer, int64_t owner, int64_t team, int64_t branch) {
  absl::MutexLock lock(&mu_);
  customer::v1::Customer c;
  c.set_name(api::FormatName("customers", customer));
  c.set_display_name("C*** J***");
  c.set_owner(api::FormatName("members", owner));
  c.set_team(api::FormatName("teams", team));
  c.set_branch(api::FormatName("branches", branch));
  customers_[customer] = c;
}

void ScriptedDirectory::SetTaskServiceDown(bool down) {
  absl::MutexLock lock(&mu_);
  task_down_ = down;
}

void ScriptedDirectory::SetTaskStatus(const std::string& task, task::v1::TaskStatus status) {
  absl::MutexLock lock(&mu_);
  tasks_[task].set_status(status);
}

std::vector<task::v1::Task> ScriptedDirectory::Tasks() {
  absl::MutexLock lock(&mu_);
  std::vector<task::v1::Task> out;
  for (const auto& [name, t] : tasks_) out.push_back(t);
  return out;
}

absl::StatusOr<std::optional<customer::v1::Customer>> ScriptedDirectory::GetCustomer(
    int64_t customer_id, const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  auto it = customers_.find(customer_id);
  if (it == customers_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<team::v1::Team> ScriptedDirectory::GetTeam(int64_t team_id, const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  auto it = teams_.find(team_id);
  if (it == teams_.end()) return FailedPrecondition("TEAM_NOT_FOUND", "unknown team");
  return it->second;
}

absl::StatusOr<std::vector<team::v1::Member>> ScriptedDirectory::TeamMembers(int64_t team_id,
                                                                             const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  if (!teams_.count(team_id)) return FailedPrecondition("TEAM_NOT_FOUND", "unknown team");
  std::vector<team::v1::Member> out;
  for (const auto& [id, m] : members_) {
    if (m.home_team() == api::FormatName("teams", team_id)) out.push_back(m);
  }
  return out;
}

absl::StatusOr<team::v1::Member> ScriptedDirectory::GetMember(int64_t member_id,
                                                              const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  auto it = members_.find(member_id);
  if (it == members_.end()) return FailedPrecondition("MEMBER_NOT_FOUND", "unknown member");
  return it->second;
}

absl::StatusOr<std::string> ScriptedDirectory::CreateTask(const task::v1::Task& task,
                                                          const std::string& request_id,
                                                          const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  if (task_down_) return TaskDown();
  auto known = task_requests_.find(request_id);
  if (known != task_requests_.end()) return known->second;
  task::v1::Task t = task;
  t.set_name(api::FormatName("tasks", next_task_++));
  t.set_status(task::v1::TODO);
  tasks_[t.name()] = t;
  task_requests_[request_id] = t.name();
  return t.name();
}

absl::Status ScriptedDirectory::ReassignTask(const std::string& task, const std::string& assignee,
                                             const std::string&, const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  if (task_down_) return TaskDown();
  auto it = tasks_.find(task);
  if (it == tasks_.end()) return FailedPrecondition("TASK_NOT_FOUND", "unknown task");
  it->second.clear_assignees();
  it->second.add_assignees(assignee);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<task::v1::Task>> ScriptedDirectory::GetTasks(
    const std::vector<std::string>& names, const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  if (task_down_) return TaskDown();
  std::vector<task::v1::Task> out;
  for (const std::string& n : names) {
    auto it = tasks_.find(n);
    if (it != tasks_.end()) out.push_back(it->second);
  }
  return out;
}

ComplaintTestEnv::ComplaintTestEnv() : harness_("complaint", ComplaintMigrations(), Start()) {
  grpcx::SetErrorDomain("complaint.rmhub");
  using team::v1::BACK_OFFICE;
  using team::v1::BRANCH_MANAGER;
  using team::v1::RELATIONSHIP_MANAGER;
  using team::v1::TEAM_LEAD;
  directory_.AddTeam(10, 1, 1);
  directory_.AddTeam(20, 1, 21);
  directory_.AddTeam(90, 1, 91);
  directory_.AddTeam(30, 2, 31);
  directory_.AddMember(1, 1, 10, TEAM_LEAD);
  directory_.AddMember(2, 1, 10, RELATIONSHIP_MANAGER);
  directory_.AddMember(3, 1, 10, RELATIONSHIP_MANAGER);
  directory_.AddMember(4, 1, 10, RELATIONSHIP_MANAGER);
  directory_.AddMember(6, 1, 10, RELATIONSHIP_MANAGER, team::v1::ON_LEAVE);
  directory_.AddMember(21, 1, 20, TEAM_LEAD);
  directory_.AddMember(22, 1, 20, RELATIONSHIP_MANAGER);
  directory_.AddMember(23, 1, 20, RELATIONSHIP_MANAGER);
  directory_.AddMember(91, 1, 90, BACK_OFFICE);
  directory_.AddMember(92, 1, 90, BACK_OFFICE);
  directory_.AddMember(100, 1, 0, BRANCH_MANAGER);
  directory_.AddMember(31, 2, 30, TEAM_LEAD);
  directory_.AddMember(32, 2, 30, RELATIONSHIP_MANAGER);
  directory_.AddCustomer(500, 2, 10, 1);
  directory_.AddCustomer(600, 32, 30, 2);
  calendar_ = std::make_shared<const Calendar>(testutil::CnCalendar());
  clocks_ = std::make_unique<ClockBook>(ClockSetting{testutil::Shanghai(), calendar_.get()});
  idempotency_ = testing::TestIdempotency("complaint", nullptr, harness_.clock());
  repository_ = std::make_unique<MySqlComplaintRepository>(harness_.pool(), *idempotency_);
  ComplaintConfig config;
  config.compliance_team = "teams/90";
  service_ = std::make_unique<ComplaintService>(*repository_, directory_, *clocks_,
                                                harness_.clock(), config);
  grpc_service_ = std::make_unique<ComplaintGrpcService>(*service_, harness_.authenticator(),
                                                         harness_.call_queue());
  harness_.Serve(grpc_service_.get(), "rmhub.complaint.v1.ComplaintService");
  stub_ = v1::ComplaintService::NewStub(harness_.channel());
  compliance_token_ = Token(91, 1, {90}, {"BACK_OFFICE"}, {"complaint.all"});
  manager_token_ = Token(100, 1, {}, {"BRANCH_MANAGER"});
  lead_token_ = Token(1, 1, {10}, {"TEAM_LEAD"});
  rm_token_ = Token(2, 1, {10}, {"RELATIONSHIP_MANAGER"});
  handler3_token_ = Token(3, 1, {10}, {"RELATIONSHIP_MANAGER"});
  other_branch_token_ = Token(31, 2, {30}, {"TEAM_LEAD"});
}

std::string ComplaintTestEnv::Token(int64_t member, int64_t branch, std::vector<int64_t> teams,
                                    std::set<std::string> roles,
                                    std::set<std::string> permissions) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.team_ids = std::move(teams);
  r.roles = std::move(roles);
  r.permissions = std::move(permissions);
  return harness_.Token(r);
}

v1::Complaint ComplaintTestEnv::NewComplaint(const std::string& subject) {
  v1::Complaint c;
  c.set_customer("customers/500");
  c.set_channel(v1::PHONE);
  c.set_category(v1::SERVICE);
  c.set_subject(subject);
  c.set_description("The annual card fee was charged twice in February.");
  c.set_customer_request("Refund the second charge.");
  c.set_complained_about("members/2");
  return c;
}

v1::Complaint ComplaintTestEnv::File(const v1::Complaint& complaint,
                                     const std::string& request_id) {
  v1::FileComplaintRequest r;
  *r.mutable_complaint() = complaint;
  r.set_request_id(request_id);
  v1::FileComplaintResponse out;
  auto ctx = Context(compliance_token_);
  grpc::Status s = stub_->FileComplaint(ctx.get(), r, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out.complaint();
}

v1::Complaint ComplaintTestEnv::FileAndAssign(const std::string& subject) {
  v1::Complaint c = File(NewComplaint(subject));
  v1::StartReviewRequest review;
  review.set_name(c.name());
  {
    auto ctx = Context(compliance_token_);
    grpc::Status s = stub_->StartReview(ctx.get(), review, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  v1::AssignComplaintRequest assign;
  assign.set_name(c.name());
  auto ctx = Context(compliance_token_);
  grpc::Status s = stub_->AssignComplaint(ctx.get(), assign, &c);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return c;
}

grpc::Status ComplaintTestEnv::Get(const std::string& name, const std::string& token,
                                   v1::Complaint* out) {
  v1::GetComplaintRequest r;
  r.set_name(name);
  v1::Complaint got;
  auto ctx = Context(token);
  grpc::Status s = stub_->GetComplaint(ctx.get(), r, &got);
  if (out != nullptr) *out = got;
  return s;
}

std::vector<rmhub::common::v1::DomainEvent> ComplaintTestEnv::EventsOf(
    const std::string& aggregate) {
  return harness_.EventsOf(aggregate);
}

int64_t ComplaintTestEnv::CountRows(const std::string& table_and_where) {
  return harness_.QueryInt("SELECT COUNT(*) FROM " + table_and_where);
}

}  // namespace rmhub::complaint
