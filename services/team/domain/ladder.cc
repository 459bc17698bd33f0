#include "services/team/domain/ladder.h"

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
