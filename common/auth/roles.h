#pragma once
// The names authorization decisions compare against, in one place: role names in a token's
// "roles" claim (rmhub.team.v1.Role without the ROLE_ prefix; common/ does not depend on the
// team proto, so they are restated here and checked against it in tests/common/auth) and
// permission names in its "perms" claim. Code compares with these constants, never literals.

namespace rmhub::auth {

// Roles ("roles" claim).
inline constexpr char kRoleRelationshipManager[] = "RELATIONSHIP_MANAGER";
inline constexpr char kRoleLobbyManager[] = "LOBBY_MANAGER";
inline constexpr char kRoleTeller[] = "TELLER";
inline constexpr char kRoleBackOffice[] = "BACK_OFFICE";
inline constexpr char kRoleProjectManager[] = "PROJECT_MANAGER";
inline constexpr char kRoleTeamLead[] = "TEAM_LEAD";
inline constexpr char kRoleSupportStaff[] = "SUPPORT_STAFF";
inline constexpr char kRoleBranchManager[] = "BRANCH_MANAGER";

// Permissions ("perms" claim).
inline constexpr char kPermPiiRead[] = "pii.read";      // see unmasked national ID / phone
inline constexpr char kPermTeamAdmin[] = "team.admin";  // head-office HR: branches, any member
inline constexpr char kPermAuditRead[] = "audit.read";  // read PII audit trails (compliance)
// Region-scoped: "team.region:" + a branch's region approves PRINCIPAL ladder changes there.
inline constexpr char kPermRegionPrefix[] = "team.region:";
inline constexpr char kPermAnalyticsRead[] = "analytics.read";    // every scorecard (head office)
inline constexpr char kPermAnalyticsAdmin[] = "analytics.admin";  // rebuild the projections
// Compliance (合规): every complaint, its investigation and its history.
inline constexpr char kPermComplaintAll[] = "complaint.all";

}  // namespace rmhub::auth
