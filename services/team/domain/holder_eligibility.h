#pragma once
// Whether a relationship manager (current or former) may hold customers now, and every reason
// why not, over time: the facts behind ListIneligibleHolders and team.member.eligibility_changed
// (issue 8 point 1). Pure rules, no I/O. CheckAssignmentEligibility keeps its single-reason
// answer (qualification.h); this assessment names each cause precisely.

#include <vector>

#include "absl/time/civil_time.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

struct HolderAssessment {
  bool eligible = false;
  // Sorted ascending, no duplicates. RM_KIND_CHANGED may stand alone for an eligible member.
  std::vector<v1::IneligibilityReason> reasons;
  // The member's RM kind now (UNSPECIFIED when no longer a relationship manager).
  v1::RmKind rm_kind = v1::RM_KIND_UNSPECIFIED;
  // The relevant RM qualification's expiry (latest valid one, else latest expired one), if any.
  bool has_expiry = false;
  absl::CivilDay expiry;
  // expiry - today in days (0 = last valid day is today, negative once expired).
  int days_to_expiry = 0;

  bool operator==(const HolderAssessment& o) const {
    return eligible == o.eligible && reasons == o.reasons && rm_kind == o.rm_kind;
  }
  bool operator!=(const HolderAssessment& o) const { return !(*this == o); }
};

// `certifications` are the member's, with `state` derived for `today` (StateOn); `former_rm_kind`
// is the kind the member held before their last kind or role change (UNSPECIFIED if none).
// Reasons: MEMBER_ON_LEAVE / MEMBER_LEFT (status), NOT_A_RELATIONSHIP_MANAGER (role),
// EXITED_LADDER (an RM off the ladder), CERTIFICATE_EXPIRED / CERTIFICATE_REVOKED /
// NO_CERTIFICATE (no valid RM qualification of the member's kind: the most telling of the three),
// RM_KIND_CHANGED (former kind set and different from the current one).
HolderAssessment AssessHolder(const v1::Member& member, v1::RmKind former_rm_kind,
                              const std::vector<v1::Certification>& certifications,
                              absl::CivilDay today);

// Whether ListIneligibleHolders shows the member: ineligible, kind changed, or the qualification
// expires within `window_days` (days_to_expiry <= window_days).
bool NeedsAttention(const HolderAssessment& a, int window_days);

// The eligibility event a change from `before` to `after` publishes, or nothing when neither
// eligibility nor its reasons changed.
bool EligibilityChanged(const HolderAssessment& before, const HolderAssessment& after);

v1::MemberEligibilityChanged EligibilityEvent(const v1::Member& member,
                                              const HolderAssessment& before,
                                              const HolderAssessment& after,
                                              const std::string& cause);

}  // namespace rmhub::team
