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
    return InvalidField(
        std::string(field),
        name.empty() ? "is required" : absl::StrCat("must look like \"", collection, "/123\""));
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

int64_t IdOf(absl::string_view name, absl::string_view collection) {
  auto id = ParseName(name, collection, "name");
  return id.ok() ? *id : 0;
}

absl::StatusOr<std::vector<int64_t>> ParseNames(
    const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view collection,
    absl::string_view field, int max_count) {
  if (names.empty()) return InvalidField(std::string(field), "is required");
  if (names.size() > max_count) {
    return InvalidField(std::string(field), absl::StrCat("at most ", max_count, " names per call"));
  }
  std::vector<int64_t> ids;
  ids.reserve(names.size());
  FieldErrors errors;
  for (int i = 0; i < names.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    auto id = ParseName(names.Get(i), collection, item);
    if (id.ok()) {
      ids.push_back(*id);
    } else {
      errors.Add(item, FieldViolations(id.status())[0].description);
    }
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return ids;
}

std::string FormatName(absl::string_view collection, int64_t id) {
  return absl::StrCat(collection, "/", id);
}

std::string FormatChildName(absl::string_view parent_collection, int64_t parent,
                            absl::string_view child_collection, int64_t child) {
  return absl::StrCat(parent_collection, "/", parent, "/", child_collection, "/", child);
}

}  // namespace rmhub::api
