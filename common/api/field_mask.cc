#include "common/api/field_mask.h"

#include "common/status/errors.h"

namespace rmhub::api {

absl::StatusOr<std::set<std::string>> ResolveUpdateMask(const google::protobuf::FieldMask& mask,
                                                        const std::set<std::string>& updatable) {
  if (mask.paths_size() == 0) return updatable;
  std::set<std::string> out;
  FieldErrors errors;
  for (const std::string& path : mask.paths()) {
    if (path == "*") return updatable;
    if (updatable.count(path) == 0) {
      errors.Add("update_mask", "\"" + path + "\" is not an updatable field");
    } else {
      out.insert(path);
    }
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return out;
}

}  // namespace rmhub::api
