#pragma once
// AIP-154 etags: "\"v<version>\"" of a row's version column, bumped by every update.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rmhub::api {

std::string MakeEtag(int64_t version);
// The version in an etag; nullopt when malformed.
std::optional<int64_t> ParseEtag(absl::string_view etag);

// ABORTED (ETAG_MISMATCH) when `given` is set and differs from `stored`; INVALID_ARGUMENT on
// `field` when it is not an etag at all. Returns the stored version.
absl::StatusOr<int64_t> CheckEtag(const std::string& given, const std::string& stored,
                                  const std::string& field);

}  // namespace rmhub::api
