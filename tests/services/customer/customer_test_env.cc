#include "tests/services/customer/customer_test_env.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/status_mapping.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"

namespace rmhub::customer {
namespace {

absl::Time Start() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 16, 9, 30, 0), *LoadZone(kDefaultZone));
}

std::string Key(char fill) { return std::string(32, fill); }

}  // namespace

void ScriptedTeamDirectory::AddManager(int64_t member, team::v1::RmKind kind, int cap,
                                       int64_t branch, int64_t team) {
  absl::MutexLock lock(&mu_);
  for (auto k : {team::v1::PERSONAL, team::v1::CORPORATE}) {
    ManagerFacts f{member, k,      k == kind, k == kind ? "" : "the member is of the other RM kind",
                   cap,    branch, team};
    facts_[{member, k}] = f;
  }
}

void ScriptedTeamDirectory::AddIneligible(int64_t member, team::v1::RmKind kind,
                                          const std::string& reason, int64_t branch, int64_t team) {
  absl::MutexLock lock(&mu_);
  facts_[{member, kind}] = ManagerFacts{member, kind, false, reason, 400, branch, team};
}

void ScriptedTeamDirectory::SetDown(bool down) {
  absl::MutexLock lock(&mu_);
  down_ = down;
}

int ScriptedTeamDirectory::calls() {
  absl::MutexLock lock(&mu_);
  return calls_;
}

absl::StatusOr<ManagerFacts> ScriptedTeamDirectory::CheckEligibility(int64_t member_id,
                                                                     team::v1::RmKind kind,
                                                                     const auth::Caller&) {
  absl::MutexLock lock(&mu_);
  ++calls_;
  if (down_) return Unavailable("TEAM_SERVICE_UNAVAILABLE", "the team service did not answer");
  auto it = facts_.find({member_id, kind});
  if (it == facts_.end()) return FailedPrecondition("MANAGER_NOT_FOUND", "unknown member");
  return it->second;
}

CustomerTestEnv::CustomerTestEnv() : harness_("customer", CustomerMigrations(), Start()) {
  grpcx::SetErrorDomain("customer.rmhub");
  cipher_ = std::make_unique<pii::FieldCipher>(*pii::FieldCipher::Create({{"k1", Key('a')}}, "k1"));
  index_ = std::make_unique<pii::BlindIndex>(*pii::BlindIndex::Create(Key('b')));
  idempotency_ = testing::TestIdempotency("customer", cipher_.get(), harness_.clock());
  repository_ =
      std::make_unique<MySqlCustomerRepository>(harness_.pool(), *cipher_, *index_, *idempotency_);
  service_ = std::make_unique<CustomerService>(*repository_, team_, harness_.clock(),
                                               harness_.zone(), CustomerConfig{});
  grpc_service_ = std::make_unique<CustomerGrpcService>(*service_, harness_.authenticator(),
                                                        harness_.call_queue());
  harness_.Serve(grpc_service_.get(), "rmhub.customer.v1.CustomerService");
  stub_ = v1::CustomerService::NewStub(harness_.channel());
  manager_token_ = BranchManagerToken(100, 1);
}

std::string CustomerTestEnv::RmToken(int64_t member, int64_t branch, std::vector<int64_t> teams,
                                     std::set<std::string> perms) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.team_ids = std::move(teams);
  r.roles = {"RELATIONSHIP_MANAGER"};
  r.permissions = std::move(perms);
  return harness_.Token(r);
}

std::string CustomerTestEnv::LeadToken(int64_t member, int64_t branch,
                                       std::vector<int64_t> teams) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.team_ids = std::move(teams);
  r.roles = {"TEAM_LEAD"};
  return harness_.Token(r);
}

std::string CustomerTestEnv::BranchManagerToken(int64_t member, int64_t branch,
                                                std::set<std::string> perms) const {
  auth::DevTokenRequest r;
  r.member_id = member;
  r.branch_id = branch;
  r.roles = {"BRANCH_MANAGER"};
  r.permissions = std::move(perms);
  return harness_.Token(r);
}

std::string CustomerTestEnv::ServiceToken(const std::string& service) const {
  auth::DevTokenRequest r;
  r.service = service;
  return harness_.Token(r);
}

std::string CustomerTestEnv::NextNationalId() {
  // Region 310115 (Shanghai Pudong), a 1980s birth date, a sequence, and the real check digit.
  int n = ++next_id_;
  std::string first17 = absl::StrFormat("3101151985%02d%02d%03d", 1 + n % 12, 1 + n % 28, n % 1000);
  return first17 + pii::NationalIdCheckDigit(first17);
}

std::string CustomerTestEnv::NextCreditCode() {
  int n = ++next_id_;
  std::string first17 = absl::StrFormat("91310115MA1K%05d", n % 100000);
  return first17 + pii::CreditCodeCheckChar(first17);
}

v1::Customer CustomerTestEnv::RetailCustomer() {
  v1::Customer c;
  c.set_type(v1::RETAIL);
  c.set_display_name("Chen Jing");
  c.set_national_id(NextNationalId());
  c.set_contact_phone(absl::StrFormat("139%08d", next_id_));
  c.mutable_birthday()->set_year(1985);
  c.mutable_birthday()->set_month(6);
  c.mutable_birthday()->set_day(15);
  c.mutable_aum()->set_minor_units(12'000'000);
  c.mutable_annual_contribution()->set_minor_units(800'000);
  c.set_status(v1::ACTIVE);
  c.add_needs(v1::INVESTMENT);
  c.set_risk_tolerance(v1::STEADY);
  return c;
}

v1::Customer CustomerTestEnv::CorporateCustomer(bool key_account) {
  v1::Customer c;
  c.set_type(v1::CORPORATE);
  c.set_display_name("Shanghai Harbour Logistics Co., Ltd.");
  c.set_credit_code(NextCreditCode());
  c.set_industry("logistics");
  c.mutable_aum()->set_minor_units(900'000'000);
  c.set_status(v1::ACTIVE);
  c.set_key_account(key_account);
  return c;
}

v1::Customer CustomerTestEnv::Create(const v1::Customer& customer, const std::string& owner) {
  v1::CreateCustomerRequest r;
  *r.mutable_customer() = customer;
  r.set_owner(owner);
  v1::Customer out;
  auto ctx = Context(manager_token_);
  grpc::Status s = stub_->CreateCustomer(ctx.get(), r, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

grpc::Status CustomerTestEnv::Assign(const std::string& customer, const std::string& manager,
                                     const std::string& token) {
  v1::AssignCustomerRequest r;
  r.set_customer(customer);
  r.set_manager(manager);
  r.set_reason("new relationship");
  v1::AssignCustomerResponse out;
  auto ctx = Context(token);
  return stub_->AssignCustomer(ctx.get(), r, &out);
}

}  // namespace rmhub::customer
