#include "common/api/etag.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::api {

std::string MakeEtag(int64_t version) { return absl::StrCat("\"v", version, "\""); }

std::optional<int64_t> ParseEtag(absl::string_view etag) {
  int64_t version = 0;
  if (etag.size() < 4 || etag.front() != '"' || etag.back() != '"' || etag[1] != 'v' ||
      !absl::SimpleAtoi(etag.substr(2, etag.size() - 3), &version) || version <= 0) {
    return std::nullopt;
  }
  return version;
}

absl::StatusOr<int64_t> CheckEtag(const std::string& given, const std::string& stored,
                                  const std::string& field) {
  std::optional<int64_t> version = ParseEtag(stored);
  if (!version.has_value()) return Internal("BAD_STORED_ETAG", "stored row has no version");
  if (given.empty()) return *version;
  if (!ParseEtag(given).has_value()) return InvalidField(field, "is not an etag of this service");
  if (given != stored) {
    return Aborted("ETAG_MISMATCH", "the resource changed since it was read; read it again");
  }
  return *version;
}

}  // namespace rmhub::api
