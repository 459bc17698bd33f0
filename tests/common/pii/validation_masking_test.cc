#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/pii/masking.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"

namespace rmhub::pii {
namespace {

// An independent reference for GB 11643-1999: the published weight table and check map, so the
// production code (which derives weights as powers of 2 mod 11) is checked against the standard.
char ReferenceIdCheck(const std::string& first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kMap[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kMap[sum % 11];
}

TEST(NationalId, CheckDigitsMatchTheStandard) {
  // The standard's own example, and IDs built here from region + birth date + sequence.
  EXPECT_EQ(NationalIdCheckDigit("11010519491231002"), 'X');
  const std::string bodies[] = {"11010519491231002", "44030419900101123", "32010219850615001",
                                "11010120000229000", "65010219991231999", "11010119800101000"};
  for (const std::string& body : bodies) {
    char check = ReferenceIdCheck(body);
    EXPECT_EQ(NationalIdCheckDigit(body), check) << body;
    EXPECT_TRUE(IsValidNationalId(body + check)) << body;
  }
  EXPECT_EQ(NationalIdCheckDigit("4403041990010112"), '\0');  // 16 digits
  EXPECT_EQ(NationalIdCheckDigit("4403041990010112A"), '\0');
}

TEST(NationalId, RefusesWrongCheckDigitsDatesAndShapes) {
  EXPECT_TRUE(IsValidNationalId("11010519491231002X"));
  EXPECT_FALSE(IsValidNationalId("110105194912310021"));  // wrong check digit
  EXPECT_FALSE(IsValidNationalId("11010519491231002x"));  // not normalised
  EXPECT_FALSE(IsValidNationalId("11010519491231002"));   // 17 characters
  EXPECT_FALSE(IsValidNationalId("1101051949123100212"));
  EXPECT_FALSE(IsValidNationalId("110105194912A1002X"));
  // Check digits right, birth dates impossible.
  for (std::string body :
       {"11010519490230001", "11010519491301001", "11010518991231001", "11010519010229001"}) {
    EXPECT_FALSE(IsValidNationalId(body + ReferenceIdCheck(body))) << body;
  }
}

TEST(CreditCode, CheckCharactersMatchGb32100) {
  // Published codes: the standard's sample and a well-known company's registration.
  EXPECT_TRUE(IsValidCreditCode("91350100M000100Y43"));
  EXPECT_TRUE(IsValidCreditCode("91440300708461136T"));
  EXPECT_EQ(CreditCodeCheckChar("91350100M000100Y4"), '3');
  EXPECT_FALSE(IsValidCreditCode("91350100M000100Y44"));
  EXPECT_FALSE(IsValidCreditCode("91350100M000100Y4"));
  EXPECT_FALSE(IsValidCreditCode("91350100I000100Y43"));  // I is not in the alphabet
  EXPECT_FALSE(IsValidCreditCode("91440300708461136t"));  // not normalised
  // A check value of 0 (sum divisible by 31) must map to '0', not to the 31st character.
  std::string body = "12345678901234567";
  for (char c : std::string("0123456789ABCDEFGHJKLMNPQRTUWXY")) {
    body[16] = c;
    char check = CreditCodeCheckChar(body);
    ASSERT_NE(check, '\0');
    EXPECT_TRUE(IsValidCreditCode(body + check));
  }
}

TEST(Phone, MainlandMobileNumbers) {
  EXPECT_TRUE(IsValidMobilePhone("13800138000"));
  EXPECT_TRUE(IsValidMobilePhone("19912345678"));
  EXPECT_FALSE(IsValidMobilePhone("12800138000"));  // no 12x mobiles
  EXPECT_FALSE(IsValidMobilePhone("23800138000"));
  EXPECT_FALSE(IsValidMobilePhone("1380013800"));
  EXPECT_FALSE(IsValidMobilePhone("138001380001"));
  EXPECT_FALSE(IsValidMobilePhone("1380013800a"));
}

TEST(Normalize, MakesEqualValuesEqual) {
  EXPECT_EQ(Normalize(PiiKind::kNationalId, " 110105 19491231002x "), "11010519491231002X");
  EXPECT_EQ(Normalize(PiiKind::kCreditCode, "91440300708461136t\n"), "91440300708461136T");
  for (const char* phone : {"138-0013-8000", "+86 138 0013 8000", "0086 13800138000",
                            "8613800138000", "(138) 0013 8000", "13800138000"}) {
    EXPECT_EQ(Normalize(PiiKind::kPhone, phone), "13800138000") << phone;
  }
}

TEST(Normalize, ValidationNamesTheFieldAndNeverTheValue) {
  auto ok = NormalizeAndValidate(PiiKind::kPhone, "+86 138-0013-8000", "contact_phone");
  EXPECT_EQ(ok.value_or(""), "13800138000");
  auto bad = NormalizeAndValidate(PiiKind::kNationalId, "110105194912310021", "national_id");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolations(bad.status()).size(), 1u);
  EXPECT_EQ(FieldViolations(bad.status())[0].field, "national_id");
  EXPECT_EQ(std::string(bad.status().message()).find("110105"), std::string::npos);
  EXPECT_FALSE(NormalizeAndValidate(PiiKind::kCreditCode, "91350100M000100Y44", "code").ok());
}

TEST(Masking, CanonicalShapes) {
  EXPECT_EQ(MaskNationalId("110105194912311234"), "110***********1234");
  EXPECT_EQ(MaskNationalId("11010519491231002X"), "110***********002X");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskCreditCode("91440300708461136T"), "91************136T");
  EXPECT_EQ(Mask(PiiKind::kPhone, "13812345678"), "138****5678");
}

TEST(Masking, OddInputsNeverShowMoreThanHalf) {
  EXPECT_EQ(MaskPhone(""), "");
  EXPECT_EQ(MaskPhone("1"), "*");
  EXPECT_EQ(MaskPhone("12"), "*2");
  EXPECT_EQ(MaskPhone("12345"), "1***5");
  EXPECT_EQ(MaskNationalId("110105491231123"), "110********1123");  // 15-digit old ID: 7 of 15
  for (size_t n = 0; n <= 40; ++n) {
    std::string value(n, '7');
    for (const std::string& masked :
         {MaskPhone(value), MaskNationalId(value), MaskCreditCode(value)}) {
      size_t shown = masked.size() - std::count(masked.begin(), masked.end(), '*');
      EXPECT_EQ(masked.size(), n);
      if (n != 11 && n != 18) {
        EXPECT_LE(shown, n / 2) << n;
      }
    }
  }
}

TEST(Masking, CountsCharactersNotBytes) {
  // A non-ASCII value (a mistyped field) is masked per character and stays valid UTF-8.
  EXPECT_EQ(MaskPhone("\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b"),
            "\xe4\xb8\x80**\xe5\x9b\x9b");
  // Broken UTF-8 is still masked, byte by byte.
  EXPECT_EQ(MaskPhone("\xe4\xe4\xe4\xe4"), "\xe4**\xe4");
}

}  // namespace
}  // namespace rmhub::pii
