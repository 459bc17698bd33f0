#pragma once
// The team service's behaviour behind its gRPC surface: validate, authorize, apply the domain
// rules, store, publish the event. Plain arguments in, StatusOr out — tests construct it with a
// repository and a fake clock; team_grpc_service.h only adapts it to the generated stub.

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "rmhub/team/v1/team.pb.h"
#include "services/team/domain/holder_eligibility.h"
#include "services/team/domain/ladder.h"
#include "services/team/repository.h"

namespace rmhub::team {

struct TeamConfig {
  // Caps a new branch gets when the request leaves them 0 (DOMAIN.md §3).
  int default_personal_customer_cap = 400;
  int default_corporate_key_account_cap = 15;
  // Active mentees a mentor may have at once (DOMAIN.md §2).
  int max_mentees = 3;
  // ListIneligibleHolders' default window: qualifications expiring within this many days.
  int certificate_warning_days = 30;
};

class TeamService {
 public:
  using Principal = auth::Principal;
  using Caller = auth::Caller;

  TeamService(TeamRepository& repository, const Clock& clock, absl::TimeZone zone,
              TeamConfig config);

  absl::StatusOr<v1::Branch> CreateBranch(const Caller& c, const v1::CreateBranchRequest& r);
  absl::StatusOr<v1::Branch> GetBranch(const Caller& c, const v1::GetBranchRequest& r);
  absl::StatusOr<v1::ListBranchesResponse> ListBranches(const Caller& c,
                                                        const v1::ListBranchesRequest& r);
  absl::StatusOr<v1::Branch> UpdateBranch(const Caller& c, const v1::UpdateBranchRequest& r);

  absl::StatusOr<v1::Member> CreateMember(const Caller& c, const v1::CreateMemberRequest& r);
  absl::StatusOr<v1::Member> GetMember(const Caller& c, const v1::GetMemberRequest& r);
  absl::StatusOr<v1::BatchGetMembersResponse> BatchGetMembers(const Caller& c,
                                                              const v1::BatchGetMembersRequest& r);
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const Caller& c,
                                                      const v1::ListMembersRequest& r);
  absl::StatusOr<v1::Member> UpdateMember(const Caller& c, const v1::UpdateMemberRequest& r);

  absl::StatusOr<v1::ChangeCareerLevelResponse> ChangeCareerLevel(
      const Caller& c, const v1::ChangeCareerLevelRequest& r);
  absl::StatusOr<v1::ListLadderChangesResponse> ListLadderChanges(
      const Caller& c, const v1::ListLadderChangesRequest& r);

  absl::StatusOr<v1::Certification> AddCertification(const Caller& c,
                                                     const v1::AddCertificationRequest& r);
  absl::StatusOr<v1::ListCertificationsResponse> ListCertifications(
      const Caller& c, const v1::ListCertificationsRequest& r);
  absl::StatusOr<v1::Certification> RevokeCertification(const Caller& c,
                                                        const v1::RevokeCertificationRequest& r);

  absl::StatusOr<v1::Mentorship> StartMentorship(const Caller& c,
                                                 const v1::StartMentorshipRequest& r);
  absl::StatusOr<v1::Mentorship> EndMentorship(const Caller& c, const v1::EndMentorshipRequest& r);
  absl::StatusOr<v1::ListMentorshipsResponse> ListMentorships(const Caller& c,
                                                              const v1::ListMentorshipsRequest& r);

  absl::StatusOr<v1::Team> CreateTeam(const Caller& c, const v1::CreateTeamRequest& r);
  absl::StatusOr<v1::Team> GetTeam(const Caller& c, const v1::GetTeamRequest& r);
  absl::StatusOr<v1::ListTeamsResponse> ListTeams(const Caller& c, const v1::ListTeamsRequest& r);
  absl::StatusOr<v1::Team> UpdateTeam(const Caller& c, const v1::UpdateTeamRequest& r);
  absl::StatusOr<v1::TeamMembership> AddTeamMember(const Caller& c,
                                                   const v1::AddTeamMemberRequest& r);
  absl::StatusOr<v1::RemoveTeamMemberResponse> RemoveTeamMember(
      const Caller& c, const v1::RemoveTeamMemberRequest& r);
  absl::StatusOr<v1::ListTeamMembersResponse> ListTeamMembers(const Caller& c,
                                                              const v1::ListTeamMembersRequest& r);
  absl::StatusOr<v1::TeamGoal> SetTeamGoal(const Caller& c, const v1::SetTeamGoalRequest& r);
  absl::StatusOr<v1::ListTeamGoalsResponse> ListTeamGoals(const Caller& c,
                                                          const v1::ListTeamGoalsRequest& r);

  absl::StatusOr<v1::CheckAssignmentEligibilityResponse> CheckAssignmentEligibility(
      const Caller& c, const v1::CheckAssignmentEligibilityRequest& r);
  absl::StatusOr<v1::ListIneligibleHoldersResponse> ListIneligibleHolders(
      const Caller& c, const v1::ListIneligibleHoldersRequest& r);

  // The expiry sweep (run by a background loop in every replica): publishes each RM
  // qualification whose expiry date has passed — team.certification.expired, and
  // team.member.eligibility_changed when the member's eligibility changed — exactly once (the
  // claim row commits with the events). Handles at most `limit` expiries, one transaction each;
  // returns how many this call published.
  absl::StatusOr<int> SweepExpiredCertifications(int limit);

 private:
  absl::StatusOr<v1::Member> LoadReadableMember(TeamStore& store, const Principal& p, int64_t id,
                                                bool lock);
  absl::StatusOr<v1::Team> LoadReadableTeam(TeamStore& store, const Principal& p, int64_t id,
                                            bool lock);
  // Write finishes (replay re-authorization; team answers carry no PII, so nothing to shape). On
  // a replay (kReplay) the caller must still read the member / team named, as it is now, and
  // manage its branch (or, with `roster`, the team's roster): the error a first call would get
  // otherwise. On a first call they are OK.
  absl::Status ReplayMember(TeamStore& store, const Principal& p, const std::string& member,
                            db::Delivery delivery);
  absl::Status ReplayTeam(TeamStore& store, const Principal& p, const std::string& team,
                          bool roster, db::Delivery delivery);
  absl::StatusOr<v1::Branch> LoadBranch(TeamStore& store, int64_t id, const std::string& field);
  absl::Status Emit(TeamStore& store, const Principal& p, absl::string_view type,
                    const std::string& aggregate, const google::protobuf::Message& payload);
  absl::CivilDay Today() const;

  // Eligibility over time (team_service_eligibility.cc).
  absl::StatusOr<HolderAssessment> Assess(TeamStore& store, const v1::Member& member,
                                          absl::CivilDay today);
  // Emits team.member.eligibility_changed when `before` and `after` differ.
  absl::Status EmitIfEligibilityChanged(TeamStore& store, const Principal& p,
                                        const v1::Member& member, const HolderAssessment& before,
                                        const HolderAssessment& after, const std::string& cause);
  // Ends the member's active mentorships as mentor (outcome MENTOR_NO_LONGER_ELIGIBLE, event
  // team.mentorship.ended each) when `member` may no longer mentor: below SENIOR, off the
  // ladder, not an RM or LEFT. Call in the transaction of the change.
  absl::Status EndMentorshipsIfMentorIneligible(TeamStore& store, const Principal& p,
                                                const v1::Member& member);
  // The member a ladder change names, locked; the caller's authority is checked afterwards (a
  // region approver may change members of branches they cannot otherwise read).
  absl::StatusOr<v1::Member> LoadLadderMember(TeamStore& store, const Principal& p, int64_t id);
  // PERMISSION_DENIED, as for any member mutation, when the caller has no authority at all.
  static absl::Status HasSomeAuthority(const Principal& p, const v1::Member& member,
                                       const ApproverFacts& facts);
  // The approval facts of the caller over `member` (stored team leadership, branch, region).
  absl::StatusOr<ApproverFacts> ApproverFactsOf(TeamStore& store, const Principal& p,
                                                const v1::Member& member);

  TeamRepository& repository_;
  const Clock& clock_;
  absl::TimeZone zone_;
  TeamConfig config_;
};

}  // namespace rmhub::team
