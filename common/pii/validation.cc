#include "common/pii/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "common/api/date.h"
#include "common/status/errors.h"

namespace rmhub::pii {
namespace {

constexpr absl::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kCreditWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

std::string WithoutChars(absl::string_view value, absl::string_view drop) {
  std::string out;
  for (char c : absl::StripAsciiWhitespace(value)) {
    if (drop.find(c) == absl::string_view::npos) out.push_back(c);
  }
  return out;
}

std::string NormalizePhone(absl::string_view value) {
  std::string digits = WithoutChars(value, " \t-()");
  absl::string_view v = digits;
  if (!absl::ConsumePrefix(&v, "+86") && !absl::ConsumePrefix(&v, "0086") && v.size() == 13) {
    absl::ConsumePrefix(&v, "86");
  }
  return std::string(v);
}

bool IsBirthDate(absl::string_view yyyymmdd) {
  int y, m, d;
  if (!absl::SimpleAtoi(yyyymmdd.substr(0, 4), &y) ||
      !absl::SimpleAtoi(yyyymmdd.substr(4, 2), &m) ||
      !absl::SimpleAtoi(yyyymmdd.substr(6, 2), &d)) {
    return false;
  }
  return api::CivilDayOf(y, m, d).has_value();
}

}  // namespace

std::string Normalize(PiiKind kind, absl::string_view value) {
  switch (kind) {
    case PiiKind::kNationalId: {
      std::string id = WithoutChars(value, " \t");
      if (!id.empty() && id.back() == 'x') id.back() = 'X';
      return id;
    }
    case PiiKind::kCreditCode:
      return absl::AsciiStrToUpper(WithoutChars(value, " \t"));
    case PiiKind::kPhone:
      return NormalizePhone(value);
  }
  return std::string(value);
}

char NationalIdCheckDigit(absl::string_view first17) {
  if (first17.size() != 17 || !AllDigits(first17)) return '\0';
  int sum = 0;
  int weight = 1;  // 2^(17 - i) mod 11, built from the last digit backwards
  for (int i = 16; i >= 0; --i) {
    weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  int check = (12 - sum % 11) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

bool IsValidNationalId(absl::string_view id) {
  if (id.size() != 18 || !AllDigits(id.substr(0, 17))) return false;
  if (!IsBirthDate(id.substr(6, 8))) return false;
  return NationalIdCheckDigit(id.substr(0, 17)) == id[17];
}

char CreditCodeCheckChar(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    size_t v = kCreditAlphabet.find(first17[i]);
    if (v == absl::string_view::npos) return '\0';
    sum += static_cast<int>(v) * kCreditWeights[i];
  }
  return kCreditAlphabet[(31 - sum % 31) % 31];
}

bool IsValidCreditCode(absl::string_view code) {
  if (code.size() != 18) return false;
  char check = CreditCodeCheckChar(code.substr(0, 17));
  return check != '\0' && check == code[17];
}

bool IsValidMobilePhone(absl::string_view phone) {
  return phone.size() == 11 && AllDigits(phone) && phone[0] == '1' && phone[1] >= '3';
}

absl::StatusOr<std::string> NormalizeAndValidate(PiiKind kind, absl::string_view value,
                                                 const std::string& field) {
  std::string normalised = Normalize(kind, value);
  switch (kind) {
    case PiiKind::kNationalId:
      if (IsValidNationalId(normalised)) return normalised;
      return InvalidField(field, "is not a valid 18-character resident ID number");
    case PiiKind::kCreditCode:
      if (IsValidCreditCode(normalised)) return normalised;
      return InvalidField(field, "is not a valid 18-character unified social credit code");
    case PiiKind::kPhone:
      if (IsValidMobilePhone(normalised)) return normalised;
      return InvalidField(field, "is not an 11-digit mainland mobile number");
  }
  return InvalidField(field, "unknown kind of personal data");
}

}  // namespace rmhub::pii
