#include "common/config/config.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

extern char** environ;

namespace rmhub::config {
namespace {

// Variables the test harness (scripts/test.sh) exports; they configure tests, not services.
bool IsHarnessVariable(absl::string_view name) {
  return absl::StartsWith(name, "RMHUB_TEST_") || name == "RMHUB_SOURCE_DIR" ||
         name == "RMHUB_BUILD_DIR";
}

absl::Status ConfigError(absl::string_view flag, absl::string_view rule) {
  return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_CONFIG",
                   absl::StrCat("--", flag, ": ", rule));
}

}  // namespace

std::vector<EnvSetting> EnvSettings(const std::vector<std::string>& environment) {
  std::vector<EnvSetting> out;
  for (const std::string& entry : environment) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    absl::string_view name = absl::string_view(entry).substr(0, eq);
    if (!absl::StartsWith(name, kEnvPrefix) || IsHarnessVariable(name)) continue;
    std::string flag = absl::AsciiStrToLower(name.substr(kEnvPrefix.size()));
    out.push_back({std::string(name), std::move(flag), entry.substr(eq + 1)});
  }
  return out;
}

std::vector<std::string> ProcessEnvironment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

absl::Status ApplyEnvSettings(const std::vector<EnvSetting>& settings) {
  for (const EnvSetting& s : settings) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(s.flag);
    if (flag == nullptr || flag->IsRetired()) {
      return MakeError(absl::StatusCode::kInvalidArgument, "UNKNOWN_CONFIG",
                       absl::StrCat("environment variable ", s.variable, " names no flag (--",
                                    s.flag, " is not defined)"));
    }
    std::string error;
    if (!flag->ParseFrom(s.value, &error)) {
      // absl's error text may quote the value; values can be secrets, so it is left out.
      return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_CONFIG",
                       absl::StrCat("environment variable ", s.variable,
                                    " is not a valid value for --", s.flag));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv, absl::string_view usage) {
  // absl exits when the usage message is set twice; tests call this more than once.
  static std::once_flag usage_once;
  std::call_once(usage_once, [usage] { absl::SetProgramUsageMessage(usage); });
  absl::Status env = ApplyEnvSettings(EnvSettings(ProcessEnvironment()));
  if (!env.ok()) {
    std::fprintf(stderr, "configuration error: %s\n", std::string(env.message()).c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

absl::Status CheckRange(absl::string_view flag, int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return ConfigError(flag, absl::StrCat("must be in ", min, "..", max, ", got ", value));
}

absl::Status CheckPort(absl::string_view flag, int64_t port, bool allow_zero) {
  return CheckRange(flag, port, allow_zero ? 0 : 1, 65535);
}

absl::Status CheckPositive(absl::string_view flag, int64_t value) {
  if (value > 0) return absl::OkStatus();
  return ConfigError(flag, absl::StrCat("must be positive, got ", value));
}

absl::Status CheckPositive(absl::string_view flag, absl::Duration value) {
  if (value > absl::ZeroDuration() && value != absl::InfiniteDuration()) return absl::OkStatus();
  return ConfigError(
      flag, absl::StrCat("must be a positive, finite duration, got ", absl::FormatDuration(value)));
}

absl::Status CheckNotEmpty(absl::string_view flag, absl::string_view value) {
  if (!absl::StripAsciiWhitespace(value).empty()) return absl::OkStatus();
  return ConfigError(flag, "must not be empty");
}

absl::Status CheckHostPort(absl::string_view flag, absl::string_view value) {
  size_t colon = value.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? "" : value.substr(0, colon);
  absl::string_view port = colon == absl::string_view::npos ? "" : value.substr(colon + 1);
  int parsed = -1;
  bool host_ok = !host.empty() && (host.front() != '[' || host.back() == ']');
  if (!host_ok || !absl::SimpleAtoi(port, &parsed) || parsed < 0 || parsed > 65535) {
    return ConfigError(
        flag, absl::StrCat("must be host:port with a port in 0..65535, got \"", value, "\""));
  }
  return absl::OkStatus();
}

void ExitIfInvalid(const std::vector<absl::Status>& checks) {
  bool failed = false;
  for (const absl::Status& s : checks) {
    if (s.ok()) continue;
    std::fprintf(stderr, "configuration error: %s\n", std::string(s.message()).c_str());
    failed = true;
  }
  if (failed) std::exit(2);
}

}  // namespace rmhub::config
