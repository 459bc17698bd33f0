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
