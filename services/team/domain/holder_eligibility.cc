#include "services/team/domain/holder_eligibility.h"

#include <algorithm>

#include "common/api/date.h"

namespace rmhub::team {

namespace {

absl::CivilDay DayOf(const rmhub::common::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// The qualification facts for `kind`: the latest valid expiry, else the latest expired one.
void AssessQualification(v1::RmKind kind, const std::vector<v1::Certification>& certs,
                         absl::CivilDay today, HolderAssessment& a) {
  bool valid = false, expired = false, revoked = false;
  absl::CivilDay best_valid, best_expired;
  for (const auto& c : certs) {
    if (c.type() != v1::RM_QUALIFICATION || c.rm_kind() != kind) continue;
    const absl::CivilDay day = DayOf(c.expiry_date());
    switch (c.state()) {
      case v1::VALID:
        if (!valid || day > best_valid) best_valid = day;
        valid = true;
        break;
      case v1::EXPIRED:
        if (!expired || day > best_expired) best_expired = day;
        expired = true;
        break;
      case v1::REVOKED:
        revoked = true;
        break;
      default:
        break;
    }
  }
  if (valid || expired) {
    a.has_expiry = true;
    a.expiry = valid ? best_valid : best_expired;
    a.days_to_expiry = static_cast<int>(a.expiry - today);
  }
  if (valid) return;
  a.reasons.push_back(expired   ? v1::CERTIFICATE_EXPIRED
                      : revoked ? v1::CERTIFICATE_REVOKED
                                : v1::NO_CERTIFICATE);
}

}  // namespace

HolderAssessment AssessHolder(const v1::Member& member, v1::RmKind former_rm_kind,
                              const std::vector<v1::Certification>& certifications,
                              absl::CivilDay today) {
  HolderAssessment a;
  if (member.status() == v1::ON_LEAVE) a.reasons.push_back(v1::MEMBER_ON_LEAVE);
  if (member.status() == v1::LEFT) a.reasons.push_back(v1::MEMBER_LEFT);
  if (member.role() != v1::RELATIONSHIP_MANAGER) {
    a.reasons.push_back(v1::NOT_A_RELATIONSHIP_MANAGER);
  } else {
    a.rm_kind = member.rm_kind();
    if (member.career_level() == v1::CAREER_LEVEL_UNSPECIFIED) {
      a.reasons.push_back(v1::EXITED_LADDER);
    }
    AssessQualification(member.rm_kind(), certifications, today, a);
  }
  a.eligible = a.reasons.empty();
  if (a.rm_kind != v1::RM_KIND_UNSPECIFIED && former_rm_kind != v1::RM_KIND_UNSPECIFIED &&
      former_rm_kind != a.rm_kind) {
    a.reasons.push_back(v1::RM_KIND_CHANGED);
  }
  std::sort(a.reasons.begin(), a.reasons.end());
  return a;
}

bool NeedsAttention(const HolderAssessment& a, int window_days) {
  if (!a.reasons.empty()) return true;
  return a.has_expiry && a.days_to_expiry <= window_days;
}

bool EligibilityChanged(const HolderAssessment& before, const HolderAssessment& after) {
  return before != after;
}

v1::MemberEligibilityChanged EligibilityEvent(const v1::Member& member,
                                              const HolderAssessment& before,
                                              const HolderAssessment& after,
                                              const std::string& cause) {
  v1::MemberEligibilityChanged e;
  e.set_member(member.name());
  e.set_branch(member.branch());
  e.set_eligible(after.eligible);
  for (auto r : after.reasons) e.add_reasons(r);
  e.set_previous_eligible(before.eligible);
  for (auto r : before.reasons) e.add_previous_reasons(r);
  e.set_rm_kind(after.rm_kind);
  e.set_previous_rm_kind(before.rm_kind);
  e.set_cause(cause);
  if (after.has_expiry) *e.mutable_certificate_expiry() = api::ToDate(after.expiry);
  return e;
}

}  // namespace rmhub::team
