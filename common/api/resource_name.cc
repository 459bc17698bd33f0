#include "common/api/resource_name.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"

namespace rmhub::api {
namespace {

bool ParsePositiveId(absl::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(text, out) && *out > 0;
}

}  // namespace

absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view collection,
                                  absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t id = 0;
  if (parts.size() != 2 || parts[0] != collection || !ParsePositiveId(parts[1], &id)) {
    return InvalidField(std::string(field),
                        name.empty() ? "is required"
                                     : absl::StrCat("must look like \"", collection, "/123\""));
  }
  return id;
}

absl::StatusOr<ChildId> ParseChildName(absl::string_view name, absl::string_view parent_collection,
                                       absl::string_view child_collection,
                                       absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  ChildId id;
  if (parts.size() != 4 || parts[0] != parent_collection || parts[2] != child_collection ||
      !ParsePositiveId(parts[1], &id.parent) || !ParsePositiveId(parts[3], &id.child)) {
    return InvalidField(std::string(field),
                        name.empty() ? "is required"
                                     : absl::StrCat("must look like \"", parent_collection, "/1/",
                                                    child_collection, "/2\""));
  }
  return id;
}

std::string FormatName(absl::string_view collection, int64_t id) {
  return absl::StrCat(collection, "/", id);
}

std::string FormatChildName(absl::string_view parent_collection, int64_t parent,
                            absl::string_view child_collection, int64_t child) {
  return absl::StrCat(parent_collection, "/", parent, "/", child_collection, "/", child);
}

}  // namespace rmhub::api
