#pragma once
// Puts the demo data on a running team service through its public gRPC API — the same calls and
// authorization any client goes through — and is idempotent: every object is looked up by its
// natural key first (branch code, employee number, certificate number, team name in the branch,
// goal metric and period, the mentee's active mentorship) and created only when missing; each
// create also carries a name-based request_id, so a run cut short and repeated cannot create an
// object twice.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "tools/rmhub-seed/demo_data.h"

namespace rmhub::seed {

// How many objects of a kind were created by this run and how many were already there.
struct SeedCount {
  int created = 0;
  int existing = 0;
};

struct SeedResult {
  v1::Branch branch;
  std::map<std::string, v1::Member> members;  // by employee number
  std::vector<v1::Team> teams;
  std::map<std::string, SeedCount> counts;  // by kind: "branch", "member", …
  int created_total() const;
};

// Mints a bearer token for the branch manager once the seeder knows their member and branch ids.
using MemberTokenFn =
    std::function<absl::StatusOr<std::string>(int64_t member_id, int64_t branch_id)>;

class Seeder {
 public:
  // `admin_token` must carry the team.admin permission: it creates the branch and its manager.
  // Everything else is done as that branch manager, so the audit trail (ladder deciders, event
  // actors) names a person of the branch, as it would in the bank — except placing staff above
  // SENIOR on the ladder, which needs region or head-office approval: head office does that.
  Seeder(v1::TeamService::StubInterface& stub, absl::Duration timeout, std::string admin_token,
         MemberTokenFn branch_manager_token);

  absl::StatusOr<SeedResult> Run(const DemoData& data);

 private:
  template <class Req, class Resp>
  using Method = grpc::Status (v1::TeamService::StubInterface::*)(grpc::ClientContext*, const Req&,
                                                                  Resp*);
  template <class Req, class Resp>
  absl::StatusOr<Resp> Call(Method<Req, Resp> method, const Req& request);

  absl::StatusOr<v1::Branch> EnsureBranch(const v1::Branch& wanted);
  absl::StatusOr<v1::Member> EnsureMember(const DemoMember& wanted, const std::string& branch);
  absl::Status EnsureCertifications(const v1::Member& member, const DemoMember& wanted,
                                    const DemoData& data);
  absl::StatusOr<v1::Team> EnsureTeam(const DemoTeam& wanted, const std::string& branch);
  absl::Status EnsureRoster(const v1::Team& team, const DemoTeam& wanted);
  absl::Status EnsureGoals(const v1::Team& team, const DemoTeam& wanted, const DemoData& data);
  absl::Status EnsureMentorship(const DemoMentorship& wanted);
  absl::Status SeedStaff(const DemoData& data);
  absl::Status SeedTeams(const DemoData& data);
  void Count(const std::string& kind, bool created);

  v1::TeamService::StubInterface& stub_;
  absl::Duration timeout_;
  std::string token_;
  // Head office: places members above SENIOR (ladder approval by level, issue 8).
  std::string admin_token_;
  MemberTokenFn branch_manager_token_;
  SeedResult result_;
};

}  // namespace rmhub::seed
