#pragma once
// Mentoring (带教): who may mentor whom, and how many at once.

#include "absl/status/status.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

inline constexpr int kDefaultMaxMentees = 3;

struct MentoringFacts {
  int mentor_active_mentees = 0;
  bool mentee_has_active_mentor = false;
  int max_mentees = kDefaultMaxMentees;
};

// A mentor must be an active relationship manager at SENIOR level or above with fewer than
// max_mentees active mentees; a mentee has at most one active mentor and has not left.
absl::Status CheckCanStartMentorship(const v1::Member& mentor, const v1::Member& mentee,
                                     const MentoringFacts& facts);

// Whether a mentor may keep mentoring: not LEFT and still at SENIOR level or above (so still an
// RM on the ladder). When a change makes this false, the mentor's active mentorships end with
// outcome MENTOR_NO_LONGER_ELIGIBLE in the same transaction.
bool MayStillMentor(const v1::Member& mentor);

}  // namespace rmhub::team
