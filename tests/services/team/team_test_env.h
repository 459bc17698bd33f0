#pragma once
// A team service on 127.0.0.1:0 over a fresh MariaDB database, with tokens for the roles the tests
// need and helpers that build valid requests (so each test changes one thing from valid).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt.h"
#include "common/clock/clock.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "services/team/mysql_repository.h"
#include "services/team/team_grpc_service.h"
#include "services/team/team_service.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::team {

template <class Response>
struct Result {
  grpc::Status status;
  Response response;
};

class TeamTestEnv : public ::testing::Test {
 protected:
  TeamTestEnv();

  // ---- callers ----
  // Mints the head-office token again from the fake clock (after moving the clock far ahead).
  void RenewAdminToken();
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const;
  std::string TokenFor(const v1::Member& member, const v1::Branch& branch,
                       std::set<std::string> roles, std::set<std::string> perms = {}) const;
  static std::string Reason(const grpc::Status& status);
  static std::vector<FieldViolation> Fields(const grpc::Status& status);

  // ---- valid requests and resources ----
  v1::CreateBranchRequest BranchRequest(int personal_cap = 0) const;
  v1::Branch MakeBranch(int personal_cap = 0);
  v1::CreateMemberRequest MemberRequest(const v1::Branch& branch, v1::Role role,
                                        v1::RmKind kind = v1::RM_KIND_UNSPECIFIED,
                                        v1::CareerLevel level = v1::CAREER_LEVEL_UNSPECIFIED,
                                        int grade = 0) const;
  v1::Member MakeMember(const v1::Branch& branch, v1::Role role,
                        v1::RmKind kind = v1::RM_KIND_UNSPECIFIED,
                        v1::CareerLevel level = v1::CAREER_LEVEL_UNSPECIFIED, int grade = 0);
  v1::Certification AddQualification(const v1::Member& member, v1::RmKind kind,
                                     absl::CivilDay expiry);
  v1::Team MakeTeam(const v1::Branch& branch, v1::TeamKind kind, const std::string& leader);
  Result<v1::ChangeCareerLevelResponse> Ladder(const std::string& member, v1::LadderChangeKind kind,
                                               v1::CareerLevel level, int grade,
                                               const std::string& etag = "");
  Result<v1::CheckAssignmentEligibilityResponse> Eligibility(const std::string& member,
                                                             v1::RmKind kind);
  grpc::Status StartMentorship(const std::string& mentor, const std::string& mentee);
  grpc::Status AddToTeam(const std::string& team, const std::string& member);

  // ---- the service itself ----
  TeamService& service() { return *service_; }
  // Another instance of the service (its own repository) on the same database: a replica.
  std::unique_ptr<TeamService> Replica(TeamConfig config = {});

  // ---- database assertions ----
  // The outbox events of `aggregate`, in insert order, decoded.
  std::vector<rmhub::common::v1::DomainEvent> Events(const std::string& aggregate);
  int64_t CountRows(const std::string& table_and_where);
  int64_t OutboxCount(const std::string& event_type);
  // Runs `fn` and fails the test if any table of the service changed (outbox and idempotency
  // records included).
  void ExpectNothingWritten(const std::function<void()>& fn);

  testing::ServiceHarness harness_;
  FakeClock& clock_;
  const absl::TimeZone& zone_;
  std::string admin_token_;
  std::string admin_subject_ = "members/900000";
  std::unique_ptr<v1::TeamService::Stub> stub_;

 private:
  std::string Unique(const std::string& prefix) const;

  std::unique_ptr<idempotency::Idempotency> idempotency_;
  std::unique_ptr<MySqlTeamRepository> repository_;
  std::vector<std::unique_ptr<MySqlTeamRepository>> replica_repositories_;
  std::unique_ptr<TeamService> service_;
  std::unique_ptr<TeamGrpcService> grpc_service_;
  mutable std::atomic<int> counter_{0};
};

}  // namespace rmhub::team
