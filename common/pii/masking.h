#pragma once
// What callers without the PII-read permission see (DOMAIN.md §7). One '*' per hidden character,
// so the length stays visible (it says nothing the format does not already say).
//
//   national ID, 18 chars     first 3 (province/city) and last 4:   110***********1234
//   credit code, 18 chars     first 2 (registering authority and entity type) and last 4:
//                             91************123X — the middle holds the region and the
//                             organisation code, which identify the company
//   mobile phone, 11 digits   first 3 (carrier prefix) and last 4:  138****5678
//   anything else             the same front/back preference, but never more than half of the
//                             characters shown (rounded down): "12345" → "1***5", "1" → "*"
//
// Characters are counted as UTF-8 code points, so masking never splits one.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "common/pii/validation.h"

namespace rmhub::pii {

std::string MaskNationalId(absl::string_view id);
std::string MaskCreditCode(absl::string_view code);
std::string MaskPhone(absl::string_view phone);
std::string Mask(PiiKind kind, absl::string_view value);

// Keeps `keep_front` and `keep_back` characters when the value has exactly `expected_length`
// characters, otherwise at most half of them; every other character becomes '*'.
std::string MaskMiddle(absl::string_view value, size_t keep_front, size_t keep_back,
                       size_t expected_length);

}  // namespace rmhub::pii
