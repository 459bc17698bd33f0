#include "common/auth/small_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

// Keys and certificates are a few KiB; anything much larger is the wrong file.
constexpr std::streamoff kMaxSmallFileBytes = 1 << 20;

}  // namespace

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidField(field, absl::StrCat("cannot open \"", path, "\""));
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0 || size > kMaxSmallFileBytes) {
    return InvalidField(field, absl::StrCat("\"", path, "\" is not a small regular file"));
  }
  in.seekg(0, std::ios::beg);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) return InvalidField(field, absl::StrCat("cannot read \"", path, "\""));
  return content.str();
}

}  // namespace rmhub::auth
