#pragma once
// AIP-122 resource names with numeric ids: "members/42", "members/42/certifications/7".

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rmhub::api {

// "members/42" → 42 for collection "members". INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view collection,
                                  absl::string_view field);

// "members/42/certifications/7" → {42, 7}.
struct ChildId {
  int64_t parent = 0;
  int64_t child = 0;
};
absl::StatusOr<ChildId> ParseChildName(absl::string_view name, absl::string_view parent_collection,
                                       absl::string_view child_collection, absl::string_view field);

std::string FormatName(absl::string_view collection, int64_t id);
std::string FormatChildName(absl::string_view parent_collection, int64_t parent,
                            absl::string_view child_collection, int64_t child);

}  // namespace rmhub::api
