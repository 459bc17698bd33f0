#pragma once
// Normalising and validating the PII RM Hub stores (DOMAIN.md §7): PRC resident ID numbers,
// unified social credit codes and mainland mobile numbers. Values are normalised once, before they
// are validated, encrypted and blind-indexed, so "110105 19491231002x " and "11010519491231002X"
// are the same person everywhere.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rmhub::pii {

enum class PiiKind { kNationalId, kCreditCode, kPhone };

// National ID: trimmed, inner spaces removed, trailing x upper-cased.
// Credit code: trimmed, inner spaces removed, upper-cased.
// Phone: spaces, dashes and parentheses removed; a +86 / 0086 / 86 country prefix dropped.
std::string Normalize(PiiKind kind, absl::string_view value);

// The ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') of the first 17 digits of an 18-digit
// resident ID (GB 11643-1999); '\0' when `first17` is not 17 digits.
char NationalIdCheckDigit(absl::string_view first17);
// 18 characters: a 6-digit region, a real birth date YYYYMMDD (years api::kMinYear..kMaxYear), a
// 3-digit sequence and the right check character. Expects the normalised form (upper-case X).
bool IsValidNationalId(absl::string_view id);

// The GB 32100-2015 check character of the first 17 characters of a unified social credit code
// (alphabet 0-9 and A-Y without I, O, S, V, Z); '\0' when a character is outside it.
char CreditCodeCheckChar(absl::string_view first17);
bool IsValidCreditCode(absl::string_view code);

// 11 digits, "1" then 3..9: mainland mobile numbers.
bool IsValidMobilePhone(absl::string_view phone);

// Normalises `value` and checks it; INVALID_ARGUMENT naming `field` when it is not valid.
// The message never repeats the value (it is PII and error messages end up in logs).
absl::StatusOr<std::string> NormalizeAndValidate(PiiKind kind, absl::string_view value,
                                                 const std::string& field);

}  // namespace rmhub::pii
