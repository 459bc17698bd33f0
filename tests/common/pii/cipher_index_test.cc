#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "common/pii/pii_config.h"
#include "common/status/errors.h"

namespace rmhub::pii {
namespace {

const std::string kKey1(32, '\x11');
const std::string kKey2(32, '\x22');

FieldCipher Cipher(std::map<std::string, std::string> keys, const std::string& active) {
  return FieldCipher::Create(std::move(keys), active).value();
}

TEST(FieldCipher, RoundTripWithAssociatedData) {
  FieldCipher cipher = Cipher({{"k1", kKey1}}, "k1");
  for (const std::string& plain :
       {std::string(), std::string("13800138000"), std::string("\xe5\xbc\xa0\xe4\xb8\x89"),
        std::string(5000, 'x')}) {
    auto sealed = cipher.Encrypt(plain, "customers.phone");
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    EXPECT_EQ(sealed->size(), 1 + 1 + 2 + 12 + plain.size() + 16);
    EXPECT_EQ(sealed->find("13800138000"), std::string::npos);
    EXPECT_EQ(cipher.Decrypt(*sealed, "customers.phone").value_or("?"), plain);
  }
}

TEST(FieldCipher, NoncesAreFreshEachTime) {
  FieldCipher cipher = Cipher({{"k1", kKey1}}, "k1");
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(cipher.Encrypt("same value").value());
  EXPECT_EQ(seen.size(), 50u);
}

TEST(FieldCipher, AnyTamperingIsAnErrorNeverGarbage) {
  FieldCipher cipher = Cipher({{"k1", kKey1}, {"k2", kKey2}}, "k1");
  std::string sealed = cipher.Encrypt("11010519491231002X", "customers.national_id").value();
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] ^= 0x01;
    auto result = cipher.Decrypt(tampered, "customers.national_id");
    EXPECT_FALSE(result.ok()) << "byte " << i;
  }
  // Switching the key id to another configured key fails authentication, too.
  std::string swapped = sealed;
  swapped[3] = '2';
  EXPECT_EQ(cipher.Decrypt(swapped, "customers.national_id").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      ErrorReason(
          cipher.Decrypt(sealed.substr(0, sealed.size() - 1), "customers.national_id").status()),
      "PII_CIPHERTEXT_INVALID");
  EXPECT_FALSE(cipher.Decrypt("", "customers.national_id").ok());
  EXPECT_FALSE(cipher.Decrypt(sealed + "x", "customers.national_id").ok());
}

TEST(FieldCipher, AssociatedDataBindsTheValueToItsColumn) {
  FieldCipher cipher = Cipher({{"k1", kKey1}}, "k1");
  std::string sealed = cipher.Encrypt("13800138000", "customers.phone").value();
  auto moved = cipher.Decrypt(sealed, "customers.national_id");
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(cipher.Decrypt(sealed).ok());
  EXPECT_TRUE(cipher.Decrypt(sealed, "customers.phone").ok());
}

TEST(FieldCipher, RotationKeepsOldValuesReadable) {
  FieldCipher before = Cipher({{"2024a", kKey1}}, "2024a");
  std::string old_value = before.Encrypt("13800138000", "c").value();
  FieldCipher after = Cipher({{"2024a", kKey1}, {"2025a", kKey2}}, "2025a");
  std::string new_value = after.Encrypt("13800138000", "c").value();
  EXPECT_EQ(FieldCipher::KeyIdOf(old_value).value_or(""), "2024a");
  EXPECT_EQ(FieldCipher::KeyIdOf(new_value).value_or(""), "2025a");
  EXPECT_EQ(after.Decrypt(old_value, "c").value_or(""), "13800138000");
  EXPECT_EQ(after.Decrypt(new_value, "c").value_or(""), "13800138000");
  // Once the old key is dropped, its values say which key is missing.
  FieldCipher dropped = Cipher({{"2025a", kKey2}}, "2025a");
  auto missing = dropped.Decrypt(old_value, "c");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(missing.status()), "PII_KEY_UNKNOWN");
}

TEST(FieldCipher, RefusesBadKeyRings) {
  EXPECT_FALSE(FieldCipher::Create({}, "k1").ok());
  EXPECT_FALSE(FieldCipher::Create({{"k1", std::string(16, 'k')}}, "k1").ok());
  EXPECT_FALSE(FieldCipher::Create({{"k 1", kKey1}}, "k 1").ok());
  EXPECT_FALSE(FieldCipher::Create({{std::string(33, 'k'), kKey1}}, std::string(33, 'k')).ok());
  auto wrong_active = FieldCipher::Create({{"k1", kKey1}}, "k2");
  ASSERT_FALSE(wrong_active.ok());
  EXPECT_EQ(FieldViolations(wrong_active.status())[0].field, "active_key_id");
}

TEST(BlindIndex, DeterministicOverNormalisedValues) {
  BlindIndex index = BlindIndex::Create(std::string(32, 'k')).value();
  std::string a = index.Compute(PiiKind::kNationalId, "11010519491231002X");
  EXPECT_EQ(a.size(), kBlindIndexBytes);
  EXPECT_EQ(index.Compute(PiiKind::kNationalId, " 11010519491231002x "), a);
  EXPECT_NE(index.Compute(PiiKind::kNationalId, "110105194912310029"), a);
  EXPECT_EQ(index.ComputeHex(PiiKind::kPhone, "+86 138-0013-8000"),
            index.ComputeHex(PiiKind::kPhone, "13800138000"));
}

TEST(BlindIndex, GoldenValuesPinTheFormat) {
  // Stored indexes must stay comparable across releases: HMAC-SHA256(key, tag NUL value),
  // computed independently with Python's hmac module.
  BlindIndex index = BlindIndex::Create(std::string(32, 'k')).value();
  EXPECT_EQ(index.ComputeHex(PiiKind::kPhone, "138 0013 8000"),
            "448322a681419496cc61dec38f5ac9b2a4cae45ddbf2289f2d028dbedd78ad0c");
  EXPECT_EQ(index.ComputeHex(PiiKind::kNationalId, "11010519491231002x"),
            "2ffce57bf9d2614d0a6a71e4a7aee7524d33d21ce5fd569fa430c47327dc0fdd");
}

TEST(BlindIndex, KindsAndKeysSeparate) {
  BlindIndex index = BlindIndex::Create(std::string(32, 'k')).value();
  BlindIndex other = BlindIndex::Create(std::string(32, 'j')).value();
  const std::string digits = "91440300708461136T";
  EXPECT_NE(index.Compute(PiiKind::kCreditCode, digits),
            index.Compute(PiiKind::kNationalId, digits));
  EXPECT_NE(index.Compute(PiiKind::kCreditCode, digits),
            other.Compute(PiiKind::kCreditCode, digits));
  EXPECT_FALSE(BlindIndex::Create(std::string(31, 'k')).ok());
}

TEST(PiiConfig, BuildsFromBase64Flags) {
  PiiConfig config;
  config.encryption_keys =
      "2024a:" + absl::Base64Escape(kKey1) + ", 2025a:" + absl::Base64Escape(kKey2);
  config.active_key_id = "2025a";
  config.blind_index_key = absl::Base64Escape(std::string(32, 'k'));
  ASSERT_TRUE(ValidatePiiConfig(config).ok()) << ValidatePiiConfig(config);
  FieldCipher cipher = BuildFieldCipher(config).value();
  EXPECT_EQ(cipher.active_key_id(), "2025a");
  std::string sealed = Cipher({{"2024a", kKey1}}, "2024a").Encrypt("v").value();
  EXPECT_EQ(cipher.Decrypt(sealed).value_or(""), "v");
  EXPECT_EQ(BuildBlindIndex(config)->ComputeHex(PiiKind::kPhone, "13800138000"),
            "448322a681419496cc61dec38f5ac9b2a4cae45ddbf2289f2d028dbedd78ad0c");
}

TEST(PiiConfig, BadFlagsAreNamed) {
  auto field = [](const PiiConfig& c) {
    auto v = FieldViolations(ValidatePiiConfig(c));
    return v.empty() ? std::string() : v[0].field;
  };
  const std::string good_keys = "k1:" + absl::Base64Escape(kKey1);
  const std::string good_index = absl::Base64Escape(std::string(32, 'k'));
  EXPECT_EQ(field({"", "k1", good_index}), "pii_encryption_keys");
  EXPECT_EQ(field({"k1:***", "k1", good_index}), "pii_encryption_keys");
  EXPECT_EQ(field({"k1:" + absl::Base64Escape("short"), "k1", good_index}), "pii_encryption_keys");
  EXPECT_EQ(field({good_keys + "," + good_keys, "k1", good_index}), "pii_encryption_keys");
  EXPECT_EQ(field({good_keys, "k9", good_index}), "pii_active_key_id");
  EXPECT_EQ(field({good_keys, "k1", ""}), "pii_blind_index_key");
  EXPECT_EQ(field({good_keys, "k1", absl::Base64Escape("short")}), "pii_blind_index_key");
  EXPECT_EQ(field({good_keys, "k1", absl::Base64Escape(kKey1)}), "pii_blind_index_key");
  EXPECT_EQ(field({good_keys, "k1", good_index}), "");
}

}  // namespace
}  // namespace rmhub::pii
