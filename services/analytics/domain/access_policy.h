#pragma once
// Who may read which figures (DOMAIN §7, no BOLA): a member their own scorecard; a team lead
// their teams' members and teams; a branch manager their branch's members, teams and the branch;
// holders of analytics.read everything. Anything else is NOT_FOUND, the answer for a subject
// that does not exist, so ids cannot be probed. Services read no scorecards.

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "common/auth/principal.h"
#include "services/analytics/domain/projection.h"

namespace rmhub::analytics {

enum class ScopeKind { kMember, kTeam, kBranch };

// What the check needs to know about the subject (from the projections).
struct SubjectFacts {
  std::optional<MemberState> member;    // for a member subject
  bool team_in_callers_branch = false;  // for a team subject
};

absl::Status CheckReadSubject(const auth::Principal& p, ScopeKind kind, int64_t id,
                              const SubjectFacts& facts);

// RebuildProjections: holders of analytics.admin (PERMISSION_DENIED otherwise).
absl::Status CheckAdmin(const auth::Principal& p);

}  // namespace rmhub::analytics
