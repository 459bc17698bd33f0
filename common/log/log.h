#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2024-05-01T08:00:00.123Z","level":"info","msg":"rpc","method":"/x.v1.S/Get","code":"OK"}
//
//   rmhub::log::Info("rpc", {{"method", method}, {"code", "OK"}, {"latency_ms", 1.25}});
//
// NO PII: callers pass ids and codes ("members/42", "customers/7", a reason), never names,
// national ids, phone numbers, addresses, balances or request bodies. Nothing here can tell a
// name from an id, so this rule is the caller's to keep; reviews check it.
//
// Each line is built whole and handed to the sink at once; the default sink writes it to stderr
// with a single write(2), so lines from concurrent threads never interleave.

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/clock/clock.h"

namespace rmhub::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// "debug", "info", "warn", "error".
absl::string_view LevelName(Level level);
// Accepts the names above (and "warning"); INVALID_ARGUMENT otherwise.
absl::StatusOr<Level> ParseLevel(absl::string_view name);

// One key/value of a log line. The value is rendered to JSON when the field is built: strings are
// quoted and escaped, integers and booleans stay bare, non-finite doubles become null.
class Field {
 public:
  Field(absl::string_view key, absl::string_view value);
  Field(absl::string_view key, const char* value) : Field(key, absl::string_view(value)) {}
  Field(absl::string_view key, const std::string& value) : Field(key, absl::string_view(value)) {}
  Field(absl::string_view key, bool value);
  Field(absl::string_view key, double value);
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Field(absl::string_view key, T value)
      : key_(key),
        json_(std::is_signed_v<T> ? std::to_string(static_cast<int64_t>(value))
                                  : std::to_string(static_cast<uint64_t>(value))) {}

  const std::string& key() const { return key_; }
  const std::string& json_value() const { return json_; }

 private:
  std::string key_;
  std::string json_;
};

// Where finished lines go. `line` ends with '\n'. Must be safe to call from many threads.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Write(absl::string_view line) = 0;
};

// The default: one write(2) to fd 2 per line.
class StderrSink final : public Sink {
 public:
  void Write(absl::string_view line) override;
};

// Keeps lines in memory; for tests that check what was logged.
class CaptureSink final : public Sink {
 public:
  void Write(absl::string_view line) override;
  std::vector<std::string> Lines() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Process-wide settings. SetSink returns the previous sink so tests can restore it; a null sink
// restores stderr. SetClock takes a clock that must outlive its use (null restores the real one).
std::shared_ptr<Sink> SetSink(std::shared_ptr<Sink> sink);
void SetMinLevel(Level level);
Level MinLevel();
void SetClock(const Clock* clock);
bool Enabled(Level level);

// The JSON line (with its '\n') for a record. Keys "ts", "level" and "msg" are reserved: a field
// using one of them is written as "field_<key>" so it cannot shadow the record's own.
std::string FormatLine(absl::Time ts, Level level, absl::string_view msg,
                       absl::Span<const Field> fields);

void Log(Level level, absl::string_view msg, absl::Span<const Field> fields = {});
inline void Debug(absl::string_view msg, absl::Span<const Field> fields = {}) {
  Log(Level::kDebug, msg, fields);
}
inline void Info(absl::string_view msg, absl::Span<const Field> fields = {}) {
  Log(Level::kInfo, msg, fields);
}
inline void Warn(absl::string_view msg, absl::Span<const Field> fields = {}) {
  Log(Level::kWarning, msg, fields);
}
inline void Error(absl::string_view msg, absl::Span<const Field> fields = {}) {
  Log(Level::kError, msg, fields);
}

}  // namespace rmhub::log
