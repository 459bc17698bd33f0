#pragma once
// Reading the small files a process is configured with (keys, certificates). Its own unit so the
// installed C++ client (clients/cpp) can reuse the TLS helpers without the JWT stack.

#include <string>

#include "absl/status/statusor.h"

namespace rmhub::auth {

// The whole content of a small file (keys, certificates); INVALID_ARGUMENT naming `field` when it
// cannot be read.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const std::string& field);

}  // namespace rmhub::auth
