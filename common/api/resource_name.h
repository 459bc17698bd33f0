#pragma once
// AIP-122 resource names with numeric ids: "members/42", "members/42/certifications/7".

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"

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

// The id in a name already known to be valid (names this server made or stored); 0 otherwise.
int64_t IdOf(absl::string_view name, absl::string_view collection);

// The names of a batch request (AIP-231), 1 to max_count of them: their ids in request order.
// INVALID_ARGUMENT naming `field` when there are none or too many, else every bad "<field>[i]".
absl::StatusOr<std::vector<int64_t>> ParseNames(
    const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view collection,
    absl::string_view field, int max_count);

std::string FormatName(absl::string_view collection, int64_t id);
std::string FormatChildName(absl::string_view parent_collection, int64_t parent,
                            absl::string_view child_collection, int64_t child);

}  // namespace rmhub::api
