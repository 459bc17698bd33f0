#pragma once
// Who is calling. Built by the authenticator from a verified JWT (people, through the gateway) or
// from the client certificate / a service token (other RM Hub services). Plain data: domain code
// may take it for authorization decisions without depending on gRPC.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/auth/roles.h"

namespace rmhub::auth {

struct Principal {
  // "members/42" for a person, "services/customer" for a service.
  std::string subject;
  // Set for people; 0 for services.
  int64_t member_id = 0;
  // Set for services ("customer", "task", ...); empty for people.
  std::string service;
  // Role names as in rmhub.team.v1.Role (roles.h: kRoleRelationshipManager, kRoleTeamLead, ...).
  std::set<std::string> roles;
  // The member's branch (0 for services).
  int64_t branch_id = 0;
  // Teams the member belongs to or leads.
  std::vector<int64_t> team_ids;
  std::set<std::string> permissions;

  bool is_service() const { return !service.empty(); }
  bool HasRole(const std::string& role) const { return roles.count(role) > 0; }
  bool HasPermission(const std::string& perm) const { return permissions.count(perm) > 0; }
  bool InTeam(int64_t team_id) const {
    for (int64_t t : team_ids) {
      if (t == team_id) return true;
    }
    return false;
  }
};

}  // namespace rmhub::auth
