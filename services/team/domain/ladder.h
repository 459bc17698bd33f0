#pragma once
// The relationship-manager career ladder (六级十七档): six levels, seventeen grades.
// Pure rules: no I/O. The published resource messages are the model (docs/decisions.md).

#include "absl/status/statusor.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

struct GradeRange {
  int lowest = 0;
  int highest = 0;
};

// ASSISTANT 1–3, ASSOCIATE 4–6, SENIOR 7–9, PRINCIPAL 10–12, GENERAL_MANAGER 13–15, DIRECTOR 16–17.
GradeRange GradesOf(v1::CareerLevel level);
// The level that owns a grade, or CAREER_LEVEL_UNSPECIFIED outside 1..17.
v1::CareerLevel LevelOfGrade(int grade);

// Checks a level/grade pair given in a request; INVALID_ARGUMENT naming
// `level_field`/`grade_field`.
absl::Status ValidatePosition(v1::CareerLevel level, int grade, const std::string& level_field,
                              const std::string& grade_field);

struct LadderMove {
  v1::CareerLevel to_level = v1::CAREER_LEVEL_UNSPECIFIED;
  int to_grade = 0;
};

// Decides whether `member` may make the move. ENTRY places a relationship manager not on the
// ladder; PROMOTION goes to a higher grade, at most one level up; DEMOTION to a lower grade; EXIT
// leaves the ladder (the member may then no longer hold customers). Illegal moves are
// FAILED_PRECONDITION with a reason; malformed ones INVALID_ARGUMENT.
absl::StatusOr<LadderMove> DecideLadderMove(const v1::Member& member, v1::LadderChangeKind kind,
                                            v1::CareerLevel to_level, int to_grade);

}  // namespace rmhub::team

namespace rmhub::team {

// Approval authority by level (客户经理基本法 第五条): the authority a change needs is the one of
// the higher of its from and to levels — TEAM for ASSISTANT/ASSOCIATE, BRANCH for SENIOR, REGION
// for PRINCIPAL, HEAD_OFFICE for GENERAL_MANAGER/DIRECTOR.
v1::ApprovalAuthority AuthorityFor(v1::CareerLevel level);
v1::ApprovalAuthority RequiredAuthority(v1::CareerLevel from, v1::CareerLevel to);

// What the caller is to the member, from stored records and the caller's verified claims.
struct ApproverFacts {
  bool leads_home_team = false;  // leader of the member's home team (teams.leader_id)
  bool manages_branch = false;   // BRANCH_MANAGER of the member's branch
  bool holds_region = false;     // the region permission of the member's branch's region
  bool head_office = false;      // team.admin
  bool is_member = false;        // the caller is the member themself
};

// The highest authority the caller holds over the member (UNSPECIFIED: none).
v1::ApprovalAuthority HeldAuthority(const ApproverFacts& facts);

// OK when the held authority is at least `required`; else PERMISSION_DENIED
// (APPROVAL_AUTHORITY_REQUIRED, naming the authority needed). Nobody approves their own change
// (SELF_APPROVAL).
absl::Status CheckApproval(const ApproverFacts& facts, v1::ApprovalAuthority required);

}  // namespace rmhub::team
