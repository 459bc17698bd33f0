#pragma once
// An in-memory TeamRepository for service and domain tests that need no database. It keeps the
// contract of services/team/repository.h that the service relies on — ids, versions behind
// etags (ABORTED ETAG_MISMATCH on a stale one), the unique keys (BRANCH_CODE_TAKEN,
// EMPLOYEE_NUMBER_TAKEN, ALREADY_A_MEMBER, ALREADY_IN_HOME_TEAM), derived fields (mentor,
// home_team, project_teams, member_count) — and evaluates list filters and scopes from the
// typed values with the same semantics as the MySQL compiler (team_list_parity_test proves it).
//
// Read, Write and idempotency are tests/support/fake_repository.h (the contract of
// common/db/repository.h). Deliberately minimal: no locks, one thread.

#include <map>
#include <string>
#include <vector>

#include "rmhub/common/v1/event.pb.h"
#include "services/team/repository.h"
#include "tests/support/fake_repository.h"

namespace rmhub::team::fakes {

struct FakeTeamData {
  struct MemberRow {
    v1::Member member;  // without derived fields
    int64_t branch_id = 0;
    int64_t version = 1;
    bool was_rm = false;
    v1::RmKind former_rm_kind = v1::RM_KIND_UNSPECIFIED;
  };
  struct TeamRow {
    v1::Team team;  // without member_count
    int64_t branch_id = 0;
    int64_t leader_id = 0;
    int64_t version = 1;
  };
  struct Joined {
    bool home = false;
    google::protobuf::Timestamp join_time;
  };

  std::map<std::string, int64_t> last_id;                      // per table
  std::map<int64_t, std::pair<v1::Branch, int64_t>> branches;  // branch, version
  std::map<int64_t, MemberRow> members;
  std::map<int64_t, std::pair<int64_t, v1::LadderChange>> ladder;  // member id, change
  std::map<int64_t, std::pair<int64_t, v1::Certification>> certifications;
  std::map<int64_t, v1::Mentorship> mentorships;
  std::map<int64_t, TeamRow> teams;
  std::map<std::pair<int64_t, int64_t>, Joined> team_members;  // (team, member)
  std::map<int64_t, v1::TeamGoal> goals;
  std::map<int64_t, int64_t> expiry_notices;  // certification id -> member id
  std::vector<rmhub::common::v1::DomainEvent> events;
};

class FakeTeamRepository final : public rmhub::testing::FakeRepository<TeamStore, FakeTeamData> {
 protected:
  std::unique_ptr<TeamStore> MakeStore(FakeTeamData& data) override;
};

}  // namespace rmhub::team::fakes
