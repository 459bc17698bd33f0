#pragma once
#include <string>

#include "common/status/errors.h"

namespace rmhub::api {

template <class Enum, class Parser>
std::function<absl::StatusOr<int64_t>(absl::string_view)> ProtoEnum(Parser parse) {
  return [parse](absl::string_view name) -> absl::StatusOr<int64_t> {
    Enum value{};
    if (!parse(std::string(name), &value) || static_cast<int>(value) == 0) {
      return InvalidField("filter", "unknown value \"" + std::string(name) + "\"");
    }
    return static_cast<int64_t>(value);
  };
}

}  // namespace rmhub::api
