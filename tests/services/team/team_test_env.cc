#include "tests/services/team/team_test_env.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "common/api/resource_name.h"
#include "common/auth/auth_config.h"
#include "common/db/transaction.h"

namespace rmhub::team {
namespace {

absl::Time TestStart() {
  // A fixed instant: 2026-03-15 10:00 in Shanghai.
  return absl::FromCivil(absl::CivilSecond(2026, 3, 15, 10, 0, 0),
                         *LoadZone(kDefaultZone));
}

}  // namespace

TeamTestEnv::TeamTestEnv() : clock_(TestStart()), zone_(*LoadZone(kDefaultZone)) {
  grpcx::SetErrorDomain("team.rmhub");
  db_ = testing::TestDatabase::Create("team");
  auto pool = db::ConnectionPool::Create(db_->config());
  EXPECT_TRUE(pool.ok()) << pool.status();
  pool_ = *std::move(pool);
  absl::Status migrated = MySqlTeamRepository::Migrate(*pool_);
  EXPECT_TRUE(migrated.ok()) << migrated;
  repository_ = std::make_unique<MySqlTeamRepository>(*pool_);
  service_ = std::make_unique<TeamService>(*repository_, clock_, zone_, TeamConfig{});

  auth::AuthConfig auth_config;
  auth_config.jwt_hs256_secret = kSecret;
  auto authenticator = auth::BuildAuthenticator(auth_config, clock_);
  EXPECT_TRUE(authenticator.ok()) << authenticator.status();
  authenticator_ = *std::move(authenticator);
  grpc_service_ = std::make_unique<TeamGrpcService>(*service_, *authenticator_);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(grpc_service_.get());
  server_ = builder.BuildAndStart();
  EXPECT_NE(port, 0);
  stub_ = v1::TeamService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

  RenewAdminToken();
}

void TeamTestEnv::RenewAdminToken() {
  auth::DevTokenRequest admin;
  admin.member_id = 900000;
  admin.permissions = {auth::kPermTeamAdmin};
  admin_token_ = *auth::MintDevToken(admin, kSecret, clock_, absl::Hours(24 * 7));
}

TeamTestEnv::~TeamTestEnv() {
  if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
}

std::unique_ptr<grpc::ClientContext> TeamTestEnv::Context(const std::string& token) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::string TeamTestEnv::TokenFor(const v1::Member& member, const v1::Branch& branch,
                                  std::set<std::string> roles, std::set<std::string> perms) const {
  auth::DevTokenRequest r;
  r.member_id = *api::ParseName(member.name(), "members", "name");
  r.branch_id = *api::ParseName(branch.name(), "branches", "name");
  r.roles = std::move(roles);
  r.permissions = std::move(perms);
  return *auth::MintDevToken(r, kSecret, clock_, absl::Hours(24 * 7));
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
  grpc::Status s = stub_->CreateMember(ctx.get(), MemberRequest(branch, role, kind, level, grade), &out);
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

namespace {

int64_t QueryInt(db::ConnectionPool& pool, const std::string& sql) {
  int64_t value = -1;
  absl::Status s = db::RunWithConnection(pool, [&](db::Connection& conn) -> absl::Status {
    std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
    if (rs->next()) value = rs->getInt64(1);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return value;
}

}  // namespace

int64_t TeamTestEnv::CountRows(const std::string& table_and_where) {
  return QueryInt(*pool_, "SELECT COUNT(*) FROM " + table_and_where);
}

int64_t TeamTestEnv::OutboxCount(const std::string& event_type) {
  // The outbox table's name and columns belong to common/outbox; the event type is a column there.
  return QueryInt(*pool_, "SELECT COUNT(*) FROM outbox_events WHERE event_type = '" + event_type + "'");
}

std::string TeamTestEnv::TableChecksums() {
  std::string out;
  absl::Status s = db::RunWithConnection(*pool_, [&](db::Connection& conn) -> absl::Status {
    std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
    std::unique_ptr<sql::ResultSet> tables(st->executeQuery(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
        "ORDER BY table_name"));
    std::vector<std::string> names;
    while (tables->next()) names.push_back(tables->getString(1));
    for (const auto& name : names) {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("CHECKSUM TABLE `" + name + "`"));
      if (rs->next()) absl::StrAppend(&out, name, "=", rs->getString(2).asStdString(), ";");
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

void TeamTestEnv::ExpectNothingWritten(const std::function<void()>& fn) {
  std::string before = TableChecksums();
  fn();
  EXPECT_EQ(TableChecksums(), before) << "a rejected call changed the database";
}

}  // namespace rmhub::team
