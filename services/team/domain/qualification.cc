#include "services/team/domain/qualification.h"

#include "absl/strings/str_cat.h"

namespace rmhub::team {

v1::CertificationState StateOn(const v1::Certification& cert, absl::CivilDay today, bool revoked) {
  if (revoked) return v1::REVOKED;
  const auto& e = cert.expiry_date();
  absl::CivilDay expiry(e.year(), e.month(), e.day());
  return today > expiry ? v1::EXPIRED : v1::VALID;
}

namespace {

v1::CheckAssignmentEligibilityResponse Ineligible(v1::IneligibilityReason reason,
                                                  std::string message) {
  v1::CheckAssignmentEligibilityResponse out;
  out.set_eligible(false);
  out.set_reason(reason);
  out.set_reason_message(std::move(message));
  return out;
}

bool HoldsQualification(const EligibilityInput& input, v1::RmKind kind) {
  for (const auto& cert : input.certifications) {
    if (cert.type() == v1::RM_QUALIFICATION && cert.rm_kind() == kind &&
        cert.state() == v1::VALID) {
      return true;
    }
  }
  return false;
}

}  // namespace

v1::CheckAssignmentEligibilityResponse DecideEligibility(const EligibilityInput& input,
                                                         v1::RmKind kind) {
  const v1::Member& m = *input.member;
  v1::CheckAssignmentEligibilityResponse out;
  if (m.role() != v1::RELATIONSHIP_MANAGER) {
    out = Ineligible(v1::NOT_A_RELATIONSHIP_MANAGER,
                     absl::StrCat("the member's role is ", v1::Role_Name(m.role())));
  } else if (m.rm_kind() != kind) {
    out =
        Ineligible(v1::WRONG_RM_KIND, absl::StrCat("the member is a ", v1::RmKind_Name(m.rm_kind()),
                                                   " relationship manager, the customer needs ",
                                                   v1::RmKind_Name(kind)));
  } else if (m.status() != v1::ACTIVE) {
    out = Ineligible(v1::NOT_ACTIVE,
                     absl::StrCat("the member's status is ", v1::MemberStatus_Name(m.status())));
  } else if (m.career_level() == v1::CAREER_LEVEL_UNSPECIFIED) {
    out = Ineligible(v1::EXITED_LADDER, "the member is not on the career ladder");
  } else if (!HoldsQualification(input, kind)) {
    out = Ineligible(v1::NO_VALID_QUALIFICATION,
                     absl::StrCat("the member holds no valid ", v1::RmKind_Name(kind),
                                  " relationship-manager qualification"));
  } else {
    out.set_eligible(true);
  }
  if (input.branch != nullptr) {
    out.set_cap(kind == v1::CORPORATE ? input.branch->corporate_key_account_cap()
                                      : input.branch->personal_customer_cap());
  }
  out.set_branch(m.branch());
  out.set_home_team(m.home_team());
  if (!m.home_team().empty()) out.add_teams(m.home_team());
  for (const auto& t : m.project_teams()) out.add_teams(t);
  return out;
}

}  // namespace rmhub::team
