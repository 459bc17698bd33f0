// common/auth/roles.h restates rmhub.team.v1.Role (common/ does not depend on the team proto):
// every role constant must name a value of the enum, and every role of the enum must have one.
#include "common/auth/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rmhub/team/v1/team.pb.h"

namespace rmhub::auth {
namespace {

TEST(Roles, AreTheTeamProtosRoles) {
  const std::set<std::string> constants = {
      kRoleRelationshipManager, kRoleLobbyManager, kRoleTeller,       kRoleBackOffice,
      kRoleProjectManager,      kRoleTeamLead,     kRoleSupportStaff, kRoleBranchManager};
  std::set<std::string> from_proto;
  const auto* role = team::v1::Role_descriptor();
  for (int i = 0; i < role->value_count(); ++i) {
    if (role->value(i)->number() != team::v1::ROLE_UNSPECIFIED) {
      from_proto.insert(role->value(i)->name());
    }
  }
  EXPECT_EQ(constants, from_proto);
}

}  // namespace
}  // namespace rmhub::auth
