#pragma once
// The customer service in-process over real gRPC and a real MariaDB, with a scripted team
// directory (the end-to-end test uses the real team service). Helpers build valid requests so
// each test changes one thing.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "services/customer/customer_grpc_service.h"
#include "services/customer/customer_service.h"
#include "services/customer/mysql_repository.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::customer {

// Answers eligibility questions from a table the test fills; can be switched off.
class ScriptedTeamDirectory final : public TeamDirectory {
 public:
  // An eligible RM of `kind` (ineligible for the other kind) with this cap, branch and team.
  void AddManager(int64_t member, team::v1::RmKind kind, int cap, int64_t branch, int64_t team);
  void AddIneligible(int64_t member, team::v1::RmKind kind, const std::string& reason,
                     int64_t branch, int64_t team);
  void SetDown(bool down);
  // How many questions the directory has been asked so far.
  int calls();
  absl::StatusOr<ManagerFacts> CheckEligibility(int64_t member_id, team::v1::RmKind kind,
                                                const auth::Caller& caller) override;

 private:
  absl::Mutex mu_;
  std::map<std::pair<int64_t, int>, ManagerFacts> facts_ ABSL_GUARDED_BY(mu_);
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class CustomerTestEnv : public ::testing::Test {
 protected:
  CustomerTestEnv();

  // Tokens.
  std::string RmToken(int64_t member, int64_t branch, std::vector<int64_t> teams = {},
                      std::set<std::string> perms = {}) const;
  std::string LeadToken(int64_t member, int64_t branch, std::vector<int64_t> teams) const;
  std::string BranchManagerToken(int64_t member, int64_t branch,
                                 std::set<std::string> perms = {}) const;
  std::string ServiceToken(const std::string& service) const;

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const {
    return harness_.Context(token);
  }

  // Valid customers: retail with a fresh valid national ID and phone; corporate with a fresh
  // credit code.
  v1::Customer RetailCustomer();
  v1::Customer CorporateCustomer(bool key_account);
  std::string NextNationalId();
  std::string NextCreditCode();

  // Creates through the API as the branch manager of branch 1 (unassigned unless owner set).
  v1::Customer Create(const v1::Customer& customer, const std::string& owner = "");
  grpc::Status Assign(const std::string& customer, const std::string& manager,
                      const std::string& token);

  testing::ServiceHarness harness_;
  ScriptedTeamDirectory team_;
  std::unique_ptr<pii::FieldCipher> cipher_;
  std::unique_ptr<pii::BlindIndex> index_;
  std::unique_ptr<idempotency::Idempotency> idempotency_;
  std::unique_ptr<MySqlCustomerRepository> repository_;
  std::unique_ptr<CustomerService> service_;
  std::unique_ptr<CustomerGrpcService> grpc_service_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
  // Branch 1's manager (members/100): creates and assigns in most tests.
  std::string manager_token_;

 private:
  int next_id_ = 0;
};

}  // namespace rmhub::customer
