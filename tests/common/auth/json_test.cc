#include "common/auth/json.h"

#include <gtest/gtest.h>

#include <string>

#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

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
      "",                          // nothing
      "{\"a\":1,\"a\":2}",         // duplicate key
      "{\"a\":1} x",               // trailing data
      "{\"a\":1,}",                // trailing comma
      "{'a':1}",                   // single quotes
      "{\"a\":01}",                // leading zero
      "{\"a\":1.}",                // bare fraction
      "{\"a\":.5}",                // no integer part
      "{\"a\":NaN}",               // not JSON
      "{\"a\":\"\x01\"}",          // raw control character
      "{\"a\":\"\\ud800\"}",       // lone high surrogate
      "{\"a\":\"\\udc00\"}",       // lone low surrogate
      "{\"a\":\"\\x41\"}",         // unknown escape
      "{\"a\":\"\xc0\xaf\"}",      // overlong UTF-8
      "{\"a\":\"\xed\xa0\x80\"}",  // UTF-8 encoded surrogate
      "{\"a\":\"\xff\"}",          // not UTF-8
      "{\"a\":tru}",               // truncated literal
      "{\"a\" 1}",                 // no colon
      "[1 2]",                     // no comma
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
