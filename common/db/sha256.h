#pragma once
// SHA-256 as lowercase hex: migration checksums and idempotency request fingerprints.

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::db {

std::string Sha256Hex(absl::string_view data);

}  // namespace rmhub::db
