#pragma once
// AIP-158 pagination: page_size 0 → default, above the maximum → coerced, negative →
// INVALID_ARGUMENT. Tokens are opaque to callers: they encode the last id seen (keyset paging,
// stable under inserts) bound to the filter they were issued for.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rmhub::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

struct PageRequest {
  int limit = kDefaultPageSize;
  // Return rows whose key is strictly after this one (0 = from the start).
  int64_t after_id = 0;
};

// `filter` binds the token to the query it came from: a token used with another filter is
// INVALID_ARGUMENT on page_token.
absl::StatusOr<PageRequest> ParsePage(int32_t page_size, absl::string_view page_token,
                                      absl::string_view filter);

// The token for the page after the row with `last_id`.
std::string NextPageToken(int64_t last_id, absl::string_view filter);

}  // namespace rmhub::api
