#pragma once
// Helpers shared by the team_service*.cc files. Not part of the service's interface.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/api/date.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/pagination.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/status/errors.h"
#include "rmhub/common/v1/common.pb.h"
#include "services/team/repository.h"

namespace rmhub::team::internal {

inline constexpr char kSource[] = "team";

using api::CheckEtag;

inline bool IsSet(const rmhub::common::v1::Date& date) { return api::IsSetDate(date); }
using api::ToDate;

// The id in a resource name already checked to be valid (names the store returned).
using api::IdOf;

// Non-admin callers learn nothing about objects outside their reach: a missing object is the same
// PERMISSION_DENIED as a forbidden one, unless the caller sees all branches.
absl::Status Missing(bool sees_all, absl::string_view what);

using api::MakeListQuery;
using api::NextToken;

}  // namespace rmhub::team::internal
