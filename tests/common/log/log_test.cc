#include "common/log/log.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rmhub::log {
namespace {

using ::testing::EndsWith;
using ::testing::StartsWith;

// Parses one log line with protobuf's JSON parser, an independent judge of validity.
google::protobuf::Struct ParseLine(const std::string& line) {
  google::protobuf::Struct out;
  auto status = google::protobuf::util::JsonStringToMessage(line, &out);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in: " << line;
  return out;
}

std::string Str(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "<missing>" : it->second.string_value();
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = SetSink(capture_);
    SetMinLevel(Level::kDebug);
    SetClock(&clock_);
  }
  void TearDown() override {
    SetSink(previous_);
    SetMinLevel(Level::kInfo);
    SetClock(nullptr);
  }
  std::shared_ptr<CaptureSink> capture_ = std::make_shared<CaptureSink>();
  std::shared_ptr<Sink> previous_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2024, 5, 1, 8, 0, 0), absl::UTCTimeZone()) +
                   absl::Milliseconds(123)};
};

TEST_F(LogTest, WritesOneJsonObjectPerLineWithTimestampLevelAndFields) {
  Info("rpc", {{"method", "/rmhub.team.v1.TeamService/GetMember"},
               {"code", "OK"},
               {"latency_ms", 1.5},
               {"attempt", 3},
               {"retried", false}});
  auto lines = capture_->Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], StartsWith("{\"ts\":\"2024-05-01T08:00:00.123Z\",\"level\":\"info\""));
  EXPECT_THAT(lines[0], EndsWith("}\n"));
  EXPECT_EQ(lines[0].find('\n'), lines[0].size() - 1);
  auto parsed = ParseLine(lines[0]);
  EXPECT_EQ(Str(parsed, "msg"), "rpc");
  EXPECT_EQ(Str(parsed, "code"), "OK");
  EXPECT_EQ(parsed.fields().at("latency_ms").number_value(), 1.5);
  EXPECT_EQ(parsed.fields().at("attempt").number_value(), 3);
  EXPECT_FALSE(parsed.fields().at("retried").bool_value());
}

TEST_F(LogTest, EscapesQuotesBackslashesAndControlCharactersOnOneLine) {
  const std::string nasty = "a\"b\\c\nd\re\tf\x01g\x7f h/\xE4\xB8\xAD";
  Warn(nasty, {{"key\"with\nnewline", nasty}});
  auto lines = capture_->Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), lines[0].size() - 1) << lines[0];
  EXPECT_EQ(lines[0].find('\r'), std::string::npos);
  auto parsed = ParseLine(lines[0]);
  EXPECT_EQ(Str(parsed, "msg"), nasty);  // round-trips exactly, UTF-8 included
  EXPECT_EQ(Str(parsed, "key\"with\nnewline"), nasty);
  EXPECT_EQ(Str(parsed, "level"), "warn");
}

TEST_F(LogTest, ReplacesInvalidUtf8SoTheLineStaysValidJson) {
  Error("bad", {{"v", std::string("x\xFFy\xC3") + "\xED\xA0\x80"}});
  auto parsed = ParseLine(capture_->Lines().at(0));
  EXPECT_EQ(Str(parsed, "v"), "x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_F(LogTest, ReservedKeysCannotShadowTheRecord) {
  Info("real", {{"msg", "fake"}, {"level", "fake"}});
  auto parsed = ParseLine(capture_->Lines().at(0));
  EXPECT_EQ(Str(parsed, "msg"), "real");
  EXPECT_EQ(Str(parsed, "level"), "info");
  EXPECT_EQ(Str(parsed, "field_msg"), "fake");
}

TEST_F(LogTest, MinimumLevelDropsLowerRecords) {
  SetMinLevel(Level::kWarning);
  Debug("no");
  Info("no");
  Warn("yes");
  Error("yes");
  auto lines = capture_->Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Str(ParseLine(lines[0]), "level"), "warn");
  EXPECT_EQ(Str(ParseLine(lines[1]), "level"), "error");
}

TEST_F(LogTest, NonFiniteNumbersBecomeNull) {
  Info("n", {{"x", std::nan("")}, {"big", uint64_t{18446744073709551615u}}});
  auto lines = capture_->Lines();
  EXPECT_TRUE(absl::StrContains(lines.at(0), "\"x\":null")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines.at(0), "\"big\":18446744073709551615")) << lines[0];
  ParseLine(lines[0]);
}

TEST_F(LogTest, ConcurrentWritersNeverInterleaveLines) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) Info("concurrent", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  auto lines = capture_->Lines();
  ASSERT_EQ(lines.size(), 1600u);
  for (const auto& line : lines) EXPECT_EQ(Str(ParseLine(line), "msg"), "concurrent");
}

TEST(StderrSink, WritesWholeLinesToFileDescriptorTwo) {
  // Captures fd 2 through a pipe to check what the real sink writes.
  ::testing::internal::CaptureStderr();
  StderrSink sink;
  sink.Write("{\"a\":1}\n");
  sink.Write("{\"b\":2}\n");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "{\"a\":1}\n{\"b\":2}\n");
}

TEST(ParseLevel, AcceptsKnownNamesOnly) {
  EXPECT_EQ(*ParseLevel("DEBUG"), Level::kDebug);
  EXPECT_EQ(*ParseLevel("warning"), Level::kWarning);
  EXPECT_EQ(*ParseLevel("error"), Level::kError);
  EXPECT_EQ(ParseLevel("loud").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rmhub::log
