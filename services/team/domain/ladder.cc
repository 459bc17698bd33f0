#include "services/team/domain/ladder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::team {

GradeRange GradesOf(v1::CareerLevel level) {
  switch (level) {
    case v1::ASSISTANT:
      return {1, 3};
    case v1::ASSOCIATE:
      return {4, 6};
    case v1::SENIOR:
      return {7, 9};
    case v1::PRINCIPAL:
      return {10, 12};
    case v1::GENERAL_MANAGER:
      return {13, 15};
    case v1::DIRECTOR:
      return {16, 17};
    default:
      return {0, 0};
  }
}

v1::CareerLevel LevelOfGrade(int grade) {
  for (int l = v1::ASSISTANT; l <= v1::DIRECTOR; ++l) {
    auto level = static_cast<v1::CareerLevel>(l);
    GradeRange r = GradesOf(level);
    if (grade >= r.lowest && grade <= r.highest) return level;
  }
  return v1::CAREER_LEVEL_UNSPECIFIED;
}

absl::Status ValidatePosition(v1::CareerLevel level, int grade, const std::string& level_field,
                              const std::string& grade_field) {
  if (!v1::CareerLevel_IsValid(level) || level == v1::CAREER_LEVEL_UNSPECIFIED) {
    return InvalidField(level_field, "must be a career level");
  }
  GradeRange r = GradesOf(level);
  if (grade < r.lowest || grade > r.highest) {
    return InvalidField(grade_field, absl::StrCat("must be within ", v1::CareerLevel_Name(level),
                                                  "'s grades ", r.lowest, "..", r.highest));
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckOnLadder(const v1::Member& member) {
  if (member.role() != v1::RELATIONSHIP_MANAGER) {
    return FailedPrecondition("NOT_ON_LADDER",
                              "only relationship managers are on the career ladder");
  }
  if (member.status() == v1::LEFT) {
    return FailedPrecondition("MEMBER_LEFT", "the member has left the bank");
  }
  return absl::OkStatus();
}

absl::StatusOr<LadderMove> DecideGradeChange(const v1::Member& member, v1::LadderChangeKind kind,
                                             v1::CareerLevel to_level, int to_grade) {
  if (member.career_level() == v1::CAREER_LEVEL_UNSPECIFIED) {
    return FailedPrecondition("NOT_ON_LADDER", "the member is not on the ladder; use ENTRY first");
  }
  const int from = member.career_grade();
  if (kind == v1::PROMOTION && to_grade <= from) {
    return FailedPrecondition("NOT_A_PROMOTION",
                              absl::StrCat("a promotion must go above grade ", from));
  }
  if (kind == v1::PROMOTION && to_level > member.career_level() + 1) {
    return FailedPrecondition("LEVEL_SKIPPED", "a promotion may rise at most one level");
  }
  if (kind == v1::DEMOTION && to_grade >= from) {
    return FailedPrecondition("NOT_A_DEMOTION",
                              absl::StrCat("a demotion must go below grade ", from));
  }
  return LadderMove{to_level, to_grade};
}

}  // namespace

absl::StatusOr<LadderMove> DecideLadderMove(const v1::Member& member, v1::LadderChangeKind kind,
                                            v1::CareerLevel to_level, int to_grade) {
  if (kind == v1::EXIT) {
    if (to_level != v1::CAREER_LEVEL_UNSPECIFIED || to_grade != 0) {
      return InvalidField("to_level", "must be empty for EXIT");
    }
    RMHUB_RETURN_IF_ERROR(CheckOnLadder(member));
    if (member.career_level() == v1::CAREER_LEVEL_UNSPECIFIED) {
      return FailedPrecondition("NOT_ON_LADDER", "the member is not on the ladder");
    }
    return LadderMove{};
  }
  if (kind != v1::ENTRY && kind != v1::PROMOTION && kind != v1::DEMOTION) {
    return InvalidField("kind", "must be ENTRY, PROMOTION, DEMOTION or EXIT");
  }
  RMHUB_RETURN_IF_ERROR(ValidatePosition(to_level, to_grade, "to_level", "to_grade"));
  RMHUB_RETURN_IF_ERROR(CheckOnLadder(member));
  if (kind == v1::ENTRY) {
    if (member.career_level() != v1::CAREER_LEVEL_UNSPECIFIED) {
      return FailedPrecondition("ALREADY_ON_LADDER",
                                "the member is already on the ladder; promote or demote instead");
    }
    return LadderMove{to_level, to_grade};
  }
  return DecideGradeChange(member, kind, to_level, to_grade);
}

}  // namespace rmhub::team

namespace rmhub::team {

v1::ApprovalAuthority AuthorityFor(v1::CareerLevel level) {
  switch (level) {
    case v1::ASSISTANT:
    case v1::ASSOCIATE:
      return v1::TEAM_APPROVAL;
    case v1::SENIOR:
      return v1::BRANCH_APPROVAL;
    case v1::PRINCIPAL:
      return v1::REGION_APPROVAL;
    case v1::GENERAL_MANAGER:
    case v1::DIRECTOR:
      return v1::HEAD_OFFICE_APPROVAL;
    default:
      return v1::APPROVAL_AUTHORITY_UNSPECIFIED;
  }
}

v1::ApprovalAuthority RequiredAuthority(v1::CareerLevel from, v1::CareerLevel to) {
  return std::max(AuthorityFor(from), AuthorityFor(to));
}

v1::ApprovalAuthority HeldAuthority(const ApproverFacts& f) {
  if (f.head_office) return v1::HEAD_OFFICE_APPROVAL;
  if (f.holds_region) return v1::REGION_APPROVAL;
  if (f.manages_branch) return v1::BRANCH_APPROVAL;
  if (f.leads_home_team) return v1::TEAM_APPROVAL;
  return v1::APPROVAL_AUTHORITY_UNSPECIFIED;
}

absl::Status CheckApproval(const ApproverFacts& facts, v1::ApprovalAuthority required) {
  if (facts.is_member) {
    return PermissionDenied("SELF_APPROVAL", "nobody approves a change of their own career level");
  }
  if (HeldAuthority(facts) >= required && required != v1::APPROVAL_AUTHORITY_UNSPECIFIED) {
    return absl::OkStatus();
  }
  static constexpr const char* kWho[] = {
      "", "the member's team leader", "the member's branch manager",
      "a holder of the region's permission (team.region:<region>)", "head office (team.admin)"};
  return PermissionDenied(
      "APPROVAL_AUTHORITY_REQUIRED",
      absl::StrCat("this ladder change needs ", v1::ApprovalAuthority_Name(required), ": ",
                   kWho[required], " or above"));
}

}  // namespace rmhub::team
