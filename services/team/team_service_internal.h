#pragma once
// Helpers shared by the team_service*.cc files. Not part of the service's interface.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/pagination.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"
#include "rmhub/common/v1/common.pb.h"
#include "services/team/repository.h"

namespace rmhub::team::internal {

inline constexpr char kSource[] = "team";

// Fails with ABORTED (ETAG_MISMATCH) when `given` is set and differs from the stored etag;
// INVALID_ARGUMENT on `field` when it is not an etag at all. Returns the stored version.
absl::StatusOr<int64_t> CheckEtag(const std::string& given, const std::string& stored,
                                  const std::string& field);

// A civil date from the API; `required` says whether an unset date is an error. An unset,
// optional date comes back as `fallback`.
absl::StatusOr<absl::CivilDay> ParseDate(const rmhub::common::v1::Date& date,
                                         const std::string& field, bool required,
                                         absl::CivilDay fallback);
bool IsSet(const rmhub::common::v1::Date& date);
rmhub::common::v1::Date ToDate(absl::CivilDay day);

// The id in a resource name already checked to be valid (names the store returned).
int64_t IdOf(const std::string& name, absl::string_view collection);

// Non-admin callers learn nothing about objects outside their reach: a missing object is the same
// PERMISSION_DENIED as a forbidden one, unless the caller sees all branches.
absl::Status Missing(bool sees_all, absl::string_view what);

// Builds the list query and checks the page parameters.
absl::StatusOr<ListQuery> MakeListQuery(const std::string& filter, const api::FilterSpec& spec,
                                        int32_t page_size, const std::string& page_token,
                                        int64_t branch_scope);

template <class T>
std::string NextToken(const Page<T>& page, const std::string& filter) {
  return page.next_after_id == 0 ? std::string() : api::NextPageToken(page.next_after_id, filter);
}

// Runs `fn` and stores its value in `*out`, for the capture-by-reference style of Write bodies.
template <class T, class Fn>
absl::Status Into(T* out, Fn&& fn) {
  absl::StatusOr<T> value = fn();
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

}  // namespace rmhub::team::internal
