#pragma once
// UUIDs for request_id (AIP-155): random ones for interactive calls, name-based ones for tools
// that must send the same id for the same intent on every run (rmhub-seed).

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::ctl {

// A random (version 4) UUID from OpenSSL's CSPRNG, lower-case hex with dashes.
std::string NewUuidV4();

// The name-based (version 5, SHA-1) UUID of `name` in RM Hub's tool namespace: the same name
// always gives the same UUID.
std::string NameBasedUuid(absl::string_view name);

}  // namespace rmhub::ctl
