// The shared encodings: UTF-8 counting, JSON quoting, base64url, UUIDs.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "common/encoding/base64url.h"
#include "common/encoding/json_quote.h"
#include "common/encoding/utf8.h"
#include "common/encoding/uuid.h"

namespace rmhub::encoding {
namespace {

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff is "+/8" in standard base64.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64Url, DecodesWhatItEncodes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    auto decoded = Base64UrlDecode(Base64UrlEncode(all.substr(0, n)));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, all.substr(0, n));
  }
}

TEST(Base64Url, RefusesEverythingButTheCanonicalForm) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());     // padding
  EXPECT_FALSE(Base64UrlDecode("+/8").has_value());      // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9v Yg").has_value());  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());    // 4n+1 characters
  // "Zh" decodes to 'f' too, but with non-zero leftover bits: a second spelling of "Zg".
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());
  EXPECT_EQ(Base64UrlDecode("Zg").value_or("?"), "f");
}

TEST(Uuid, RandomAndNameBased) {
  std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::string a = NewUuidV4();
  EXPECT_TRUE(std::regex_match(a, v4)) << a;
  EXPECT_NE(a, NewUuidV4());
  std::regex v5("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::string b = NameBasedUuid("seed/member/E001");
  EXPECT_TRUE(std::regex_match(b, v5)) << b;
  EXPECT_EQ(b, NameBasedUuid("seed/member/E001"));
  EXPECT_NE(b, NameBasedUuid("seed/member/E002"));
}

TEST(Utf8, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\xe5\xbc\xa0\xe4\xb8\x89"), 2u);  // 张三: 6 bytes
  EXPECT_EQ(CountCodePoints("\xf0\x9f\x98\x80"), 1u);          // U+1F600: 4 bytes
}

TEST(Utf8, RefusesWhatIsNotUtf8) {
  EXPECT_FALSE(CountCodePoints("\xff").has_value());
  EXPECT_FALSE(CountCodePoints("\xc0\xaf").has_value());          // overlong '/'
  EXPECT_FALSE(CountCodePoints("\xed\xa0\x80").has_value());      // UTF-16 surrogate
  EXPECT_FALSE(CountCodePoints("\xf4\x90\x80\x80").has_value());  // above U+10FFFF
  EXPECT_FALSE(CountCodePoints("\xe5\xbc").has_value());          // cut short
}

TEST(JsonQuote, EscapesEveryControlCharacter) {
  for (int c = 0; c < 0x20; ++c) {
    std::string quoted = JsonQuote(std::string(1, static_cast<char>(c)));
    for (char q : quoted) EXPECT_GE(static_cast<unsigned char>(q), 0x20) << c;
  }
  EXPECT_EQ(JsonQuote("\x1f"), "\"\\u001f\"");
  EXPECT_EQ(JsonQuote(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(JsonQuote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
}

TEST(JsonQuote, KeepsUtf8AndReplacesWhatIsNot) {
  EXPECT_EQ(JsonQuote("\xe5\xbc\xa0"), "\"\xe5\xbc\xa0\"");
  EXPECT_EQ(JsonQuote("a\xff"
                      "b"),
            "\"a\\ufffdb\"");
}

}  // namespace
}  // namespace rmhub::encoding
