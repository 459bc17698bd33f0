#pragma once
// The storage the team service needs, as an interface: the service and its tests depend on this,
// the MySQL implementation lives in mysql_repository.{h,cc}.
//
// All work happens inside TeamRepository::Read, ::ReadSingle or ::Write. A TeamStore is one
// transaction's view (Read, Write) or one autocommit connection's view (ReadSingle); it is valid
// only inside the callback. Callbacks may be run more than once (deadlock retry), so they must not
// have side effects outside the store and their output arguments.
//
// Resources come back as the published messages with output-only fields filled (name, etag,
// times, and derived fields: a member's mentor, home_team and project_teams; a team's
// member_count). Certification.state is left UNSPECIFIED for the domain to derive, except that a
// revoked certification comes back REVOKED.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/etag.h"
#include "common/api/list_query.h"
#include "common/db/repository.h"
#include "google/protobuf/message.h"
#include "rmhub/common/v1/event.pb.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

using api::ListQuery;
using api::MakeEtag;
using api::Page;
using api::ParseEtag;

class TeamStore {
 public:
  virtual ~TeamStore() = default;

  // ---- branches (table alias b) ----
  virtual absl::StatusOr<std::optional<v1::Branch>> GetBranch(int64_t id, bool lock) = 0;
  // ALREADY_EXISTS (reason BRANCH_CODE_TAKEN) when the code is taken.
  virtual absl::StatusOr<int64_t> InsertBranch(const v1::Branch& branch, absl::Time now) = 0;
  // Writes display_name, region and both caps. ABORTED (ETAG_MISMATCH) unless the stored
  // version equals expected_version; bumps the version.
  virtual absl::Status UpdateBranch(int64_t id, const v1::Branch& branch, int64_t expected_version,
                                    absl::Time now) = 0;
  virtual absl::StatusOr<Page<v1::Branch>> ListBranches(const ListQuery& query) = 0;

  // ---- members (table alias m) ----
  virtual absl::StatusOr<std::optional<v1::Member>> GetMember(int64_t id, bool lock) = 0;
  // Members in the order of `ids`; missing ids are simply absent.
  virtual absl::StatusOr<std::vector<v1::Member>> GetMembers(const std::vector<int64_t>& ids) = 0;
  // Inserts the member with its skills, career_level/career_grade as given.
  // ALREADY_EXISTS (EMPLOYEE_NUMBER_TAKEN) on a duplicate employee number.
  virtual absl::StatusOr<int64_t> InsertMember(const v1::Member& member, int64_t branch_id,
                                               absl::Time now) = 0;
  // Rewrites display_name, branch, role, rm_kind, back_office_function, status, skills,
  // career_level and career_grade. ABORTED (ETAG_MISMATCH) on a stale expected_version.
  virtual absl::Status UpdateMember(int64_t id, const v1::Member& member, int64_t branch_id,
                                    int64_t expected_version, absl::Time now) = 0;
  // Filter conditions may use m.* columns; `skills:` uses member_skills.
  virtual absl::StatusOr<Page<v1::Member>> ListMembers(const ListQuery& query) = 0;
  // The RM kind the member held before their last change of kind or role (UNSPECIFIED if none;
  // InsertMember/UpdateMember keep it, and whether the member ever was an RM).
  virtual absl::StatusOr<v1::RmKind> GetFormerRmKind(int64_t member_id) = 0;
  // Members of the branch who are or ever were relationship managers, id > after_id ascending,
  // at most `limit`, each with its former RM kind.
  struct Holder {
    v1::Member member;
    v1::RmKind former_rm_kind = v1::RM_KIND_UNSPECIFIED;
  };
  virtual absl::StatusOr<std::vector<Holder>> ListHolders(int64_t branch_id, int64_t after_id,
                                                          int limit) = 0;

  // ---- ladder ----
  virtual absl::StatusOr<int64_t> InsertLadderChange(int64_t member_id,
                                                     const v1::LadderChange& change,
                                                     absl::Time now) = 0;
  // Newest first: page.after_id is the id to continue below.
  virtual absl::StatusOr<Page<v1::LadderChange>> ListLadderChanges(
      int64_t member_id, const api::PageRequest& page) = 0;

  // ---- certifications (table alias c) ----
  virtual absl::StatusOr<int64_t> InsertCertification(int64_t member_id,
                                                      const v1::Certification& cert,
                                                      absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<v1::Certification>> GetCertification(int64_t member_id,
                                                                            int64_t id) = 0;
  virtual absl::Status RevokeCertification(int64_t member_id, int64_t id,
                                           const std::string& reason) = 0;
  // Every certification of the member (for eligibility and the list).
  virtual absl::StatusOr<std::vector<v1::Certification>> ListCertifications(int64_t member_id) = 0;
  // The RM qualifications of several members (one statement), ordered by id.
  virtual absl::StatusOr<std::vector<v1::Certification>> ListQualificationsOf(
      const std::vector<int64_t>& member_ids) = 0;
  // Unrevoked RM qualifications whose expiry date is before `today` and whose expiry has not been
  // published yet (no certification_expiry_notices row), oldest expiry first, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::Certification>> ListUnpublishedExpiries(
      absl::CivilDay today, int limit) = 0;
  // Claims the publication of a qualification's expiry: true when this transaction inserted the
  // notice row, false when it exists already (another replica published it).
  virtual absl::StatusOr<bool> ClaimExpiryNotice(int64_t member_id, int64_t certification_id,
                                                 const rmhub::common::v1::Date& expiry,
                                                 absl::Time now) = 0;

  // ---- mentoring (table alias ms) ----
  virtual absl::StatusOr<int> CountActiveMentees(int64_t mentor_id) = 0;
  virtual absl::StatusOr<bool> HasActiveMentor(int64_t mentee_id) = 0;
  // The mentor's active mentorships, locked (FOR UPDATE), by id.
  virtual absl::StatusOr<std::vector<v1::Mentorship>> ListActiveMentorshipsOf(
      int64_t mentor_id) = 0;
  virtual absl::StatusOr<int64_t> InsertMentorship(const v1::Mentorship& mentorship,
                                                   int64_t mentor_id, int64_t mentee_id,
                                                   absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<v1::Mentorship>> GetMentorship(int64_t id, bool lock) = 0;
  virtual absl::Status EndMentorship(int64_t id, const v1::Mentorship& ended) = 0;
  // branch_id restricts to mentorships whose mentor belongs to that branch.
  virtual absl::StatusOr<Page<v1::Mentorship>> ListMentorships(const ListQuery& query) = 0;

  // ---- teams (table alias t) ----
  virtual absl::StatusOr<std::optional<v1::Team>> GetTeam(int64_t id, bool lock) = 0;
  virtual absl::StatusOr<int64_t> InsertTeam(const v1::Team& team, int64_t branch_id,
                                             int64_t leader_id, absl::Time now) = 0;
  // Writes display_name, leader (0 = none), description. ABORTED on a stale version.
  virtual absl::Status UpdateTeam(int64_t id, const v1::Team& team, int64_t leader_id,
                                  int64_t expected_version, absl::Time now) = 0;
  // `member:` filter uses team_members.
  virtual absl::StatusOr<Page<v1::Team>> ListTeams(const ListQuery& query) = 0;
  // ALREADY_EXISTS (ALREADY_A_MEMBER) when already in the team; FAILED_PRECONDITION
  // (ALREADY_IN_HOME_TEAM) when adding to a HOME team a member who has another home team.
  virtual absl::StatusOr<v1::TeamMembership> AddTeamMember(int64_t team_id, v1::TeamKind kind,
                                                           int64_t member_id, absl::Time now) = 0;
  // NOT_FOUND (NOT_A_MEMBER) when the member is not in the team.
  virtual absl::Status RemoveTeamMember(int64_t team_id, int64_t member_id) = 0;
  virtual absl::StatusOr<Page<v1::TeamMembership>> ListTeamMembers(
      int64_t team_id, const api::PageRequest& page) = 0;
  // Replaces the goal with the same metric and period, else inserts.
  virtual absl::StatusOr<v1::TeamGoal> UpsertTeamGoal(int64_t team_id, const v1::TeamGoal& goal,
                                                      absl::Time now) = 0;
  virtual absl::StatusOr<Page<v1::TeamGoal>> ListTeamGoals(int64_t team_id,
                                                           const api::PageRequest& page) = 0;

  // ---- events ----
  // Written in the same transaction as the change (transactional outbox).
  virtual absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) = 0;
};

// Read (a snapshot of several statements), ReadSingle (one statement in autocommit), Write (one
// transaction, caller-scoped idempotency with a replay hook) and CheckReady: the common
// repository base (common/db/repository.h).
using TeamRepository = db::Repository<TeamStore>;

}  // namespace rmhub::team
