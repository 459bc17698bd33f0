#pragma once
// SHA-256 as lowercase hex (common/encoding/sha256.h), under the name the db code uses.

#include "common/encoding/sha256.h"

namespace rmhub::db {

using ::rmhub::encoding::Sha256Hex;

}  // namespace rmhub::db
