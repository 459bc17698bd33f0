#include "common/log/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/encoding/json_quote.h"
#include "common/status/errors.h"

namespace rmhub::log {
namespace {

struct Settings {
  absl::Mutex mu;
  std::shared_ptr<Sink> sink ABSL_GUARDED_BY(mu) = std::make_shared<StderrSink>();
  std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
  std::atomic<const Clock*> clock{nullptr};
};

Settings& Global() {
  static Settings* settings = new Settings();  // never destroyed: threads may log at exit
  return *settings;
}

bool IsReservedKey(absl::string_view key) { return key == "ts" || key == "level" || key == "msg"; }

}  // namespace

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

absl::StatusOr<Level> ParseLevel(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "debug") return Level::kDebug;
  if (lower == "info") return Level::kInfo;
  if (lower == "warn" || lower == "warning") return Level::kWarning;
  if (lower == "error") return Level::kError;
  return InvalidField("log_level", "must be one of debug, info, warn, error");
}

Field::Field(absl::string_view key, absl::string_view value)
    : key_(key), json_(encoding::JsonQuote(value)) {}

Field::Field(absl::string_view key, bool value) : key_(key), json_(value ? "true" : "false") {}

Field::Field(absl::string_view key, double value)
    : key_(key), json_(std::isfinite(value) ? absl::StrCat(value) : "null") {}

void StderrSink::Write(absl::string_view line) {
  // One write(2) per line; the loop only matters for a signal or a full pipe cutting it short.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a failing stderr
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void CaptureSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> CaptureSink::Lines() const {
  absl::MutexLock lock(&mu_);
  return lines_;
}

std::shared_ptr<Sink> SetSink(std::shared_ptr<Sink> sink) {
  if (sink == nullptr) sink = std::make_shared<StderrSink>();
  absl::MutexLock lock(&Global().mu);
  std::swap(Global().sink, sink);
  return sink;
}

void SetMinLevel(Level level) { Global().min_level.store(static_cast<int>(level)); }

Level MinLevel() { return static_cast<Level>(Global().min_level.load()); }

void SetClock(const Clock* clock) { Global().clock.store(clock); }

bool Enabled(Level level) { return static_cast<int>(level) >= Global().min_level.load(); }

std::string FormatLine(absl::Time ts, Level level, absl::string_view msg,
                       absl::Span<const Field> fields) {
  std::string line = "{\"ts\":";
  encoding::AppendJsonString(&line,
                             absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", ts, absl::UTCTimeZone()));
  absl::StrAppend(&line, ",\"level\":\"", LevelName(level), "\",\"msg\":");
  encoding::AppendJsonString(&line, msg);
  for (const Field& f : fields) {
    line.push_back(',');
    encoding::AppendJsonString(&line,
                               IsReservedKey(f.key()) ? absl::StrCat("field_", f.key()) : f.key());
    line.push_back(':');
    line.append(f.json_value());
  }
  line.append("}\n");
  return line;
}

void Log(Level level, absl::string_view msg, absl::Span<const Field> fields) {
  if (!Enabled(level)) return;
  const Clock* clock = Global().clock.load();
  absl::Time now = clock != nullptr ? clock->Now() : absl::Now();
  std::string line = FormatLine(now, level, msg, fields);
  std::shared_ptr<Sink> sink;
  {
    absl::MutexLock lock(&Global().mu);
    sink = Global().sink;
  }
  // Written outside the lock so a slow stderr does not serialise every logging thread twice.
  sink->Write(line);
}

}  // namespace rmhub::log
