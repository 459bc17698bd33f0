#pragma once
// Shape rules for branches, members and teams that hold whatever the caller sends.

#include <string>

#include "absl/status/status.h"
#include "common/status/errors.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

// Adds a violation per bad field, prefixed with `prefix` ("member.").
void ValidateMemberFields(const v1::Member& m, const std::string& prefix, FieldErrors& errors);
void ValidateBranchFields(const v1::Branch& b, const std::string& prefix, FieldErrors& errors);
void ValidateTeamFields(const v1::Team& t, const std::string& prefix, FieldErrors& errors);

}  // namespace rmhub::team
