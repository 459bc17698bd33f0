#pragma once
// The one UUID maker (RFC 4122, lower-case hex with dashes): random ones for event ids and
// request_ids (AIP-155) of interactive calls, name-based ones for tools that must send the same
// id for the same intent on every run (rmhub-seed).

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::encoding {

// A random (version 4) UUID from OpenSSL's CSPRNG. Aborts if the CSPRNG fails: without
// randomness ids could repeat, events be dropped as duplicates and requests replay others'.
std::string NewUuidV4();

// The name-based (version 5, SHA-1) UUID of `name` in RM Hub's namespace: the same name always
// gives the same UUID.
std::string NameBasedUuid(absl::string_view name);

}  // namespace rmhub::encoding
