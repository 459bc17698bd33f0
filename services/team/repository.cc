#include "services/team/repository.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rmhub::team {

std::string MakeEtag(int64_t version) { return absl::StrCat("\"v", version, "\""); }

std::optional<int64_t> ParseEtag(absl::string_view etag) {
  int64_t version = 0;
  if (etag.size() < 4 || etag.front() != '"' || etag.back() != '"' || etag[1] != 'v' ||
      !absl::SimpleAtoi(etag.substr(2, etag.size() - 3), &version) || version <= 0) {
    return std::nullopt;
  }
  return version;
}

}  // namespace rmhub::team
