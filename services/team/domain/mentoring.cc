#include "services/team/domain/mentoring.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::team {

absl::Status CheckCanStartMentorship(const v1::Member& mentor, const v1::Member& mentee,
                                     const MentoringFacts& facts) {
  if (mentor.name() == mentee.name()) {
    return InvalidField("mentee", "must differ from the mentor");
  }
  if (mentor.status() != v1::ACTIVE) {
    return FailedPrecondition("MENTOR_NOT_ACTIVE", "the mentor is not active");
  }
  if (mentee.status() == v1::LEFT) {
    return FailedPrecondition("MENTEE_LEFT", "the mentee has left the bank");
  }
  if (mentor.career_level() < v1::SENIOR) {
    return FailedPrecondition("MENTOR_LEVEL_TOO_LOW",
                              "a mentor must be at least a SENIOR relationship manager");
  }
  if (facts.mentor_active_mentees >= facts.max_mentees) {
    return WithErrorMetadata(
        FailedPrecondition("MENTOR_AT_CAPACITY",
                           absl::StrCat("the mentor already has ", facts.mentor_active_mentees,
                                        " active mentees (at most ", facts.max_mentees, ")")),
        "max_mentees", absl::StrCat(facts.max_mentees));
  }
  if (facts.mentee_has_active_mentor) {
    return FailedPrecondition("MENTEE_ALREADY_MENTORED", "the mentee already has an active mentor");
  }
  return absl::OkStatus();
}

bool MayStillMentor(const v1::Member& mentor) {
  return mentor.status() != v1::LEFT && mentor.role() == v1::RELATIONSHIP_MANAGER &&
         mentor.career_level() >= v1::SENIOR;
}

}  // namespace rmhub::team
