#include "tests/services/task/task_test_env.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::task {
namespace {

absl::Time Start() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 16, 9, 30, 0), *LoadZone(kDefaultZone));
}

}  // namespace

void ScriptedDirectory::AddTeam(int64_t team, int64_t branch, int64_t leader) {
  absl::MutexLock lock(&mu_);
  teams_[team] = TeamFacts{team, branch, leader};
}

void ScriptedDirectory::AddMember(int64_t member, int64_t branch, int64_t team, team::v1::Role role,
                                  std::vector<team::v1::Skill> skills,
                                  team::v1::MemberStatus status) {
  absl::MutexLock lock(&mu_);
  team::v1::Member m;
  m.set_name(api::FormatName("members", member));
  m.set_branch(api::FormatName("branches", branch));
  m.set_home_team(api::FormatName("teams", team));
  m.set_role(role);
  if (role == team::v1::BACK_OFFICE) m.set_back_office_function(team::v1::IT);
  m.set_status(status);
  for (auto s : skills) m.add_skills(s);
  members_[member] = m;
}

void ScriptedDirectory::AddCustomer(int64_t customer, int64_t owner, int64_t team, int64_t branch) {
  absl::MutexLock lock(&mu_);
  customer::v1::Customer c;
  c.set_name(api::FormatName("customers", customer));
  c.set_owner(api::FormatName("members", owner));
  c.set_team(api::FormatName("teams", team));
  c.set_branch(api::FormatName("branches", branch));
  customers_[customer] = c;
}

void ScriptedDirectory::SetStatus(int64_t member, team::v1::MemberStatus status) {
  absl::MutexLock lock(&mu_);
  members_[member].set_status(status);
}

absl::StatusOr<TeamFacts> ScriptedDirectory::GetTeam(int64_t team_id, const auth::Caller&) {
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

absl::StatusOr<std::vector<team::v1::Member>> ScriptedDirectory::GetMembers(
    const std::vector<int64_t>& ids, const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  std::vector<team::v1::Member> out;
  for (int64_t id : ids) {
    auto it = members_.find(id);
    if (it == members_.end()) return FailedPrecondition("MEMBER_NOT_FOUND", "unknown member");
    out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<std::optional<customer::v1::Customer>> ScriptedDirectory::GetCustomer(
    int64_t customer_id, const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  auto it = customers_.find(customer_id);
  if (it == customers_.end()) return std::nullopt;
  return it->second;
}

TaskTestEnv::TaskTestEnv() : harness_("task", TaskMigrations(), Start()) {
  grpcx::SetErrorDomain("task.rmhub");
  using team::v1::BACK_OFFICE;
  using team::v1::RELATIONSHIP_MANAGER;
  using team::v1::TEAM_LEAD;
  directory_.AddTeam(10, 1, 1);
  directory_.AddTeam(20, 1, 21);
  directory_.AddTeam(30, 2, 31);
  directory_.AddMember(1, 1, 10, TEAM_LEAD, {team::v1::WEALTH});
  directory_.AddMember(2, 1, 10, RELATIONSHIP_MANAGER, {team::v1::WEALTH, team::v1::INSURANCE});
  directory_.AddMember(3, 1, 10, RELATIONSHIP_MANAGER, {team::v1::WEALTH});
  directory_.AddMember(4, 1, 10, RELATIONSHIP_MANAGER, {team::v1::PERSONAL_LOAN});
  directory_.AddMember(5, 1, 10, BACK_OFFICE);
  directory_.AddMember(6, 1, 10, RELATIONSHIP_MANAGER, {team::v1::WEALTH, team::v1::INSURANCE},
                       team::v1::ON_LEAVE);
  directory_.AddMember(21, 1, 20, TEAM_LEAD, {team::v1::CORPORATE_LOAN});
  directory_.AddMember(22, 1, 20, RELATIONSHIP_MANAGER, {team::v1::CORPORATE_LOAN});
  directory_.AddMember(23, 1, 20, RELATIONSHIP_MANAGER, {team::v1::TRADE_FINANCE});
  directory_.AddMember(31, 2, 30, TEAM_LEAD);
  directory_.AddMember(32, 2, 30, RELATIONSHIP_MANAGER);
  directory_.AddCustomer(100, 2, 10, 1);
  directory_.AddCustomer(200, 32, 30, 2);

  idempotency_ = testing::TestIdempotency("task", nullptr, harness_.clock());
  repository_ = std::make_unique<MySqlTaskRepository>(harness_.pool(), *idempotency_);
  service_ = std::make_unique<TaskService>(*repository_, directory_, harness_.clock(),
                                           TaskConfig{/*overdue_batch=*/2});
  grpc_service_ =
      std::make_unique<TaskGrpcService>(*service_, harness_.authenticator(), harness_.call_queue());
  harness_.Serve(grpc_service_.get(), "rmhub.task.v1.TaskService");
  stub_ = v1::TaskService::NewStub(harness_.channel());
  rm_token_ = RmToken(2, 1, {10});
  lead_token_ = LeadToken(1, 1, {10});
  manager_token_ = BranchManagerToken(100, 1);
}

std::string TaskTestEnv::RmToken(int64_t member, int64_t branch, std::vector<int64_t> teams) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.team_ids = std::move(teams);
  r.roles = {"RELATIONSHIP_MANAGER"};
  return harness_.Token(r);
}

std::string TaskTestEnv::LeadToken(int64_t member, int64_t branch,
                                   std::vector<int64_t> teams) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.team_ids = std::move(teams);
  r.roles = {"TEAM_LEAD"};
  return harness_.Token(r);
}

std::string TaskTestEnv::BranchManagerToken(int64_t member, int64_t branch) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.roles = {"BRANCH_MANAGER"};
  return harness_.Token(r);
}

std::string TaskTestEnv::ServiceToken(const std::string& service) const {
  auth::DevTokenRequest r;
  r.service = service;
  return harness_.Token(r);
}

v1::Task TaskTestEnv::NewTask(v1::TaskType type, const std::string& team) {
  v1::Task t;
  t.set_type(type);
  t.set_title("Visit Chen Jing about the wealth plan");
  t.set_team(team);
  *t.mutable_due_time() =
      db::TimestampFromMicros(absl::ToUnixMicros(harness_.clock().Now() + absl::Hours(72)));
  return t;
}

v1::Task TaskTestEnv::Create(const v1::Task& task, const std::string& token) {
  v1::CreateTaskRequest r;
  *r.mutable_task() = task;
  v1::Task out;
  auto ctx = Context(token);
  grpc::Status s = stub_->CreateTask(ctx.get(), r, &out);
  EXPECT_TRUE(s.ok()) << s.error_message() << " " << testing::ReasonOf(s);
  return out;
}

grpc::Status TaskTestEnv::Transition(const std::string& name, v1::TaskStatus to,
                                     const std::string& token, v1::Task* out,
                                     const std::string& reason) {
  v1::TransitionTaskRequest r;
  r.set_name(name);
  r.set_status(to);
  r.set_reason(reason);
  v1::Task got;
  auto ctx = Context(token);
  grpc::Status s = stub_->TransitionTask(ctx.get(), r, &got);
  if (out != nullptr) *out = got;
  return s;
}

grpc::Status TaskTestEnv::Get(const std::string& name, const std::string& token, v1::Task* out) {
  v1::GetTaskRequest r;
  r.set_name(name);
  v1::Task got;
  auto ctx = Context(token);
  grpc::Status s = stub_->GetTask(ctx.get(), r, &got);
  if (out != nullptr) *out = got;
  return s;
}

std::vector<rmhub::common::v1::DomainEvent> TaskTestEnv::EventsOf(const std::string& aggregate) {
  return harness_.EventsOf(aggregate);
}

int64_t TaskTestEnv::CountRows(const std::string& table_and_where) {
  return harness_.QueryInt("SELECT COUNT(*) FROM " + table_and_where);
}

}  // namespace rmhub::task
