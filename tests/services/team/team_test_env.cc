#include "tests/services/team/team_test_env.h"

#include "absl/strings/escaping.h"
#include "common/api/resource_name.h"
#include "common/auth/auth_config.h"

namespace rmhub::team {
namespace {

absl::Time TestStart() {
  // A fixed instant: 2026-03-15 10:00 in Shanghai.
  return absl::FromCivil(absl::CivilSecond(2026, 3, 15, 10, 0, 0), *LoadZone(kDefaultZone));
}

}  // namespace

TeamTestEnv::TeamTestEnv()
    : harness_("team", TeamMigrations(), TestStart()),
      clock_(harness_.clock()),
      zone_(harness_.zone()) {
  grpcx::SetErrorDomain("team.rmhub");
  idempotency_ = testing::TestIdempotency("team", nullptr, clock_);
  repository_ = std::make_unique<MySqlTeamRepository>(harness_.pool(), *idempotency_);
  service_ = std::make_unique<TeamService>(*repository_, clock_, zone_, TeamConfig{});
  grpc_service_ =
      std::make_unique<TeamGrpcService>(*service_, harness_.authenticator(), harness_.call_queue());
  harness_.Serve(grpc_service_.get(), "rmhub.team.v1.TeamService");
  stub_ = v1::TeamService::NewStub(harness_.channel());
  RenewAdminToken();
}

void TeamTestEnv::RenewAdminToken() {
  auth::DevTokenRequest admin;
  admin.member_id = 900000;
  admin.permissions = {auth::kPermTeamAdmin};
  admin_token_ = harness_.Token(admin);
}

std::unique_ptr<grpc::ClientContext> TeamTestEnv::Context(const std::string& token) const {
  return harness_.Context(token);
}

std::string TeamTestEnv::TokenFor(const v1::Member& member, const v1::Branch& branch,
                                  std::set<std::string> roles, std::set<std::string> perms) const {
  auth::DevTokenRequest r;
  r.member_id = *api::ParseName(member.name(), "members", "name");
  r.branch_id = *api::ParseName(branch.name(), "branches", "name");
  r.roles = std::move(roles);
  r.permissions = std::move(perms);
  return harness_.Token(r);
}

std::string TeamTestEnv::Reason(const grpc::Status& status) {
  return ErrorReason(grpcx::FromGrpcStatus(status));
}

std::vector<FieldViolation> TeamTestEnv::Fields(const grpc::Status& status) {
  return FieldViolations(grpcx::FromGrpcStatus(status));
}

std::string TeamTestEnv::Unique(const std::string& prefix) const {
  return absl::StrCat(prefix, ++counter_);
}

v1::CreateBranchRequest TeamTestEnv::BranchRequest(int personal_cap) const {
  v1::CreateBranchRequest r;
  r.mutable_branch()->set_code(Unique("BR-"));
  r.mutable_branch()->set_display_name("Pudong Branch");
  r.mutable_branch()->set_region("East");
  r.mutable_branch()->set_personal_customer_cap(personal_cap);
  return r;
}

v1::Branch TeamTestEnv::MakeBranch(int personal_cap) {
  v1::Branch out;
  auto ctx = Context(admin_token_);
  grpc::Status s = stub_->CreateBranch(ctx.get(), BranchRequest(personal_cap), &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

v1::CreateMemberRequest TeamTestEnv::MemberRequest(const v1::Branch& branch, v1::Role role,
                                                   v1::RmKind kind, v1::CareerLevel level,
                                                   int grade) const {
  v1::CreateMemberRequest r;
  v1::Member* m = r.mutable_member();
  m->set_employee_number(Unique("E"));
  m->set_display_name("Wang Fang");
  m->set_branch(branch.name());
  m->set_role(role);
  m->set_rm_kind(kind);
  if (role == v1::BACK_OFFICE) m->set_back_office_function(v1::COMPLIANCE);
  m->set_career_level(level);
  m->set_career_grade(grade);
  m->add_skills(v1::WEALTH);
  m->add_skills(v1::FX);
  return r;
}

v1::Member TeamTestEnv::MakeMember(const v1::Branch& branch, v1::Role role, v1::RmKind kind,
                                   v1::CareerLevel level, int grade) {
  v1::Member out;
  auto ctx = Context(admin_token_);
  grpc::Status s =
      stub_->CreateMember(ctx.get(), MemberRequest(branch, role, kind, level, grade), &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

v1::Certification TeamTestEnv::AddQualification(const v1::Member& member, v1::RmKind kind,
                                                absl::CivilDay expiry) {
  v1::AddCertificationRequest r;
  r.set_parent(member.name());
  auto* c = r.mutable_certification();
  c->set_type(v1::RM_QUALIFICATION);
  c->set_rm_kind(kind);
  c->set_issuer("Head Office HR");
  c->set_number(Unique("Q-"));
  c->mutable_issue_date()->set_year(2025);
  c->mutable_issue_date()->set_month(1);
  c->mutable_issue_date()->set_day(10);
  c->mutable_expiry_date()->set_year(static_cast<int>(expiry.year()));
  c->mutable_expiry_date()->set_month(expiry.month());
  c->mutable_expiry_date()->set_day(expiry.day());
  v1::Certification out;
  auto ctx = Context(admin_token_);
  grpc::Status s = stub_->AddCertification(ctx.get(), r, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

v1::Team TeamTestEnv::MakeTeam(const v1::Branch& branch, v1::TeamKind kind,
                               const std::string& leader) {
  v1::CreateTeamRequest r;
  r.mutable_team()->set_display_name(Unique("Team "));
  r.mutable_team()->set_kind(kind);
  r.mutable_team()->set_branch(branch.name());
  r.mutable_team()->set_leader(leader);
  v1::Team out;
  auto ctx = Context(admin_token_);
  grpc::Status s = stub_->CreateTeam(ctx.get(), r, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

Result<v1::ChangeCareerLevelResponse> TeamTestEnv::Ladder(const std::string& member,
                                                          v1::LadderChangeKind kind,
                                                          v1::CareerLevel level, int grade,
                                                          const std::string& etag) {
  v1::ChangeCareerLevelRequest r;
  r.set_name(member);
  r.set_kind(kind);
  r.set_to_level(level);
  r.set_to_grade(grade);
  r.set_reason("annual performance review");
  r.set_etag(etag);
  Result<v1::ChangeCareerLevelResponse> out;
  auto ctx = Context(admin_token_);
  out.status = stub_->ChangeCareerLevel(ctx.get(), r, &out.response);
  return out;
}

Result<v1::CheckAssignmentEligibilityResponse> TeamTestEnv::Eligibility(const std::string& member,
                                                                        v1::RmKind kind) {
  v1::CheckAssignmentEligibilityRequest r;
  r.set_member(member);
  r.set_rm_kind(kind);
  Result<v1::CheckAssignmentEligibilityResponse> out;
  auto ctx = Context(admin_token_);
  out.status = stub_->CheckAssignmentEligibility(ctx.get(), r, &out.response);
  return out;
}

grpc::Status TeamTestEnv::StartMentorship(const std::string& mentor, const std::string& mentee) {
  v1::StartMentorshipRequest r;
  r.set_mentor(mentor);
  r.set_mentee(mentee);
  v1::Mentorship out;
  auto ctx = Context(admin_token_);
  return stub_->StartMentorship(ctx.get(), r, &out);
}

grpc::Status TeamTestEnv::AddToTeam(const std::string& team, const std::string& member) {
  v1::AddTeamMemberRequest r;
  r.set_team(team);
  r.set_member(member);
  v1::TeamMembership out;
  auto ctx = Context(admin_token_);
  return stub_->AddTeamMember(ctx.get(), r, &out);
}

std::unique_ptr<TeamService> TeamTestEnv::Replica(TeamConfig config) {
  replica_repositories_.push_back(
      std::make_unique<MySqlTeamRepository>(harness_.pool(), *idempotency_));
  return std::make_unique<TeamService>(*replica_repositories_.back(), clock_, zone_, config);
}

std::vector<rmhub::common::v1::DomainEvent> TeamTestEnv::Events(const std::string& aggregate) {
  std::vector<rmhub::common::v1::DomainEvent> out;
  const std::string where = absl::StrCat(" FROM outbox_events WHERE aggregate = '", aggregate, "'");
  const int64_t n = harness_.QueryInt("SELECT COUNT(*)" + where);
  for (int64_t i = 0; i < n; ++i) {
    auto hex = harness_.database().QueryString(
        absl::StrCat("SELECT HEX(payload)", where, " ORDER BY id LIMIT 1 OFFSET ", i));
    EXPECT_TRUE(hex.ok()) << hex.status();
    rmhub::common::v1::DomainEvent e;
    EXPECT_TRUE(e.ParseFromString(absl::HexStringToBytes(hex.value_or(""))));
    out.push_back(std::move(e));
  }
  return out;
}

int64_t TeamTestEnv::CountRows(const std::string& table_and_where) {
  return harness_.QueryInt("SELECT COUNT(*) FROM " + table_and_where);
}

int64_t TeamTestEnv::OutboxCount(const std::string& event_type) {
  return harness_.QueryInt("SELECT COUNT(*) FROM outbox_events WHERE event_type = '" + event_type +
                           "'");
}

void TeamTestEnv::ExpectNothingWritten(const std::function<void()>& fn) {
  harness_.ExpectNothingWritten(fn);
}

}  // namespace rmhub::team
