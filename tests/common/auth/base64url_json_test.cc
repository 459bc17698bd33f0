#include <gtest/gtest.h>

#include <string>

#include "common/auth/base64url.h"
#include "common/auth/json.h"
#include "common/status/errors.h"

namespace rmhub::auth {
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
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());   // padding
  EXPECT_FALSE(Base64UrlDecode("+/8").has_value());    // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9v Yg").has_value());  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());  // 4n+1 characters
  // "Zh" decodes to 'f' too, but with non-zero leftover bits: a second spelling of "Zg".
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());
  EXPECT_EQ(Base64UrlDecode("Zg").value_or("?"), "f");
}

TEST(Json, ParsesEveryKindOfValue) {
  auto v = ParseJson(R"( {"s":"a\"b\\\/\n\u00e9\ud83d\ude00","n":-12,"f":1.5e3,"t":true,)"
                     R"("z":null,"a":[1,"x",[]],"o":{"k":false}} )");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->is_object());
  EXPECT_EQ(v->Find("s")->text, "a\"b\\/\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v->Find("n")->AsInt64().value_or(0), -12);
  EXPECT_FALSE(v->Find("f")->AsInt64().has_value());
  EXPECT_DOUBLE_EQ(v->Find("f")->AsDouble().value_or(0), 1500.0);
  EXPECT_TRUE(v->Find("t")->boolean);
  EXPECT_EQ(v->Find("z")->type, JsonValue::Type::kNull);
  EXPECT_EQ(v->Find("a")->items.size(), 3u);
  EXPECT_EQ(v->Find("o")->Find("k")->type, JsonValue::Type::kBool);
  EXPECT_EQ(v->Find("missing"), nullptr);
}

TEST(Json, ReadsLargeIdsExactly) {
  // 2^53 + 1 is not representable as a double.
  auto v = ParseJson(R"({"id":9007199254740993,"big":92233720368547758070})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Find("id")->AsInt64().value_or(0), 9007199254740993LL);
  EXPECT_FALSE(v->Find("big")->AsInt64().has_value());
}

TEST(Json, RefusesWhatStrictJsonRefuses) {
  const char* bad[] = {
      "",                        // nothing
      "{\"a\":1,\"a\":2}",       // duplicate key
      "{\"a\":1} x",             // trailing data
      "{\"a\":1,}",              // trailing comma
      "{'a':1}",                 // single quotes
      "{\"a\":01}",              // leading zero
      "{\"a\":1.}",              // bare fraction
      "{\"a\":.5}",              // no integer part
      "{\"a\":NaN}",             // not JSON
      "{\"a\":\"\x01\"}",        // raw control character
      "{\"a\":\"\\ud800\"}",     // lone high surrogate
      "{\"a\":\"\\udc00\"}",     // lone low surrogate
      "{\"a\":\"\\x41\"}",       // unknown escape
      "{\"a\":\"\xc0\xaf\"}",    // overlong UTF-8
      "{\"a\":\"\xed\xa0\x80\"}",  // UTF-8 encoded surrogate
      "{\"a\":\"\xff\"}",        // not UTF-8
      "{\"a\":tru}",             // truncated literal
      "{\"a\" 1}",               // no colon
      "[1 2]",                   // no comma
  };
  for (const char* text : bad) {
    auto v = ParseJson(text);
    EXPECT_FALSE(v.ok()) << text;
    if (!v.ok()) {
      EXPECT_EQ(ErrorReason(v.status()), "MALFORMED_JSON");
    }
  }
}

TEST(Json, LimitsNesting) {
  std::string deep(kMaxJsonDepth, '[');
  deep += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJson(deep).ok());
  EXPECT_FALSE(ParseJson("[" + deep + "]").ok());
  // Far deeper input fails cleanly rather than exhausting the stack.
  EXPECT_FALSE(ParseJson(std::string(100000, '[')).ok());
}

TEST(Json, WriterOutputParsesBack) {
  std::string text = JsonObjectWriter()
                         .String("s", "quote\" backslash\\ tab\t nul\x01 \xe4\xb8\xad")
                         .Int("i", -9007199254740993LL)
                         .StringArray("sa", {"a", "b"})
                         .IntArray("ia", {1, 2, 3})
                         .StringArray("empty", {})
                         .Finish();
  auto v = ParseJson(text);
  ASSERT_TRUE(v.ok()) << text;
  EXPECT_EQ(v->Find("s")->text, "quote\" backslash\\ tab\t nul\x01 \xe4\xb8\xad");
  EXPECT_EQ(v->Find("i")->AsInt64().value_or(0), -9007199254740993LL);
  EXPECT_EQ(v->Find("sa")->items[1].text, "b");
  EXPECT_EQ(v->Find("ia")->items.size(), 3u);
  EXPECT_TRUE(v->Find("empty")->items.empty());
}

}  // namespace
}  // namespace rmhub::auth
