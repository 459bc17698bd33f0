#pragma once
// SHA-256 as lowercase hex: migration checksums, idempotency request fingerprints, the
// complaint history's hash chain.

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::encoding {

std::string Sha256Hex(absl::string_view data);

}  // namespace rmhub::encoding
