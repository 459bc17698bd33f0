#pragma once
// Certifications, the RM-qualification rule (持证上岗) and the assignment-eligibility decision
// the customer service relies on before it gives a manager a customer.

#include <vector>

#include "absl/time/civil_time.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

// VALID until the end of its expiry day (inclusive) in the bank's zone, unless revoked.
v1::CertificationState StateOn(const v1::Certification& cert, absl::CivilDay today, bool revoked);

struct EligibilityInput {
  const v1::Member* member = nullptr;
  const v1::Branch* branch = nullptr;
  // The member's certifications with `state` already derived for today.
  std::vector<v1::Certification> certifications;
};

// Whether the member may hold customers needing an RM of `kind`, and under which cap.
v1::CheckAssignmentEligibilityResponse DecideEligibility(const EligibilityInput& input,
                                                         v1::RmKind kind);

}  // namespace rmhub::team
