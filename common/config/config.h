#pragma once
// Configuration: absl flags, with RMHUB_* environment variables as fallbacks, checked at start-up.
//
// Every flag --foo_bar may also be given as RMHUB_FOO_BAR in the environment (how Kubernetes
// manifests configure the services). The command line wins over the environment. An RMHUB_*
// variable that names no flag is an error, so a typo in a manifest stops the process instead of
// being silently ignored (the userver rule: unknown configuration keys are rejected).
// RMHUB_TEST_*, RMHUB_SOURCE_DIR and RMHUB_BUILD_DIR belong to the test harness and are not flags.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rmhub::config {

inline constexpr absl::string_view kEnvPrefix = "RMHUB_";

// An environment variable that is meant to configure a flag.
struct EnvSetting {
  std::string variable;  // "RMHUB_LISTEN_ADDRESS"
  std::string flag;      // "listen_address"
  std::string value;
};

// The RMHUB_* settings among `environ`-style "NAME=value" entries, test-harness variables left
// out, in the order given.
std::vector<EnvSetting> EnvSettings(const std::vector<std::string>& environment);

// The process environment as "NAME=value" entries.
std::vector<std::string> ProcessEnvironment();

// Sets each flag named by `settings` from its value. INVALID_ARGUMENT naming the variable when it
// names no defined flag or its value does not parse; every setting before it stays applied.
absl::Status ApplyEnvSettings(const std::vector<EnvSetting>& settings);

// What a service's main() calls first: applies the process's RMHUB_* variables, then parses the
// command line (which wins). On an unknown variable or a bad value it prints a message naming it
// to stderr and exits with status 2; unknown command-line flags stop the process as absl does.
// Returns the positional arguments, as absl::ParseCommandLine does.
std::vector<char*> ParseFlagsWithEnv(int argc, char** argv, absl::string_view usage);

// Start-up checks. Each returns INVALID_ARGUMENT whose message names "--<flag>" and the rule.
absl::Status CheckPort(absl::string_view flag, int64_t port, bool allow_zero = false);
absl::Status CheckRange(absl::string_view flag, int64_t value, int64_t min, int64_t max);
absl::Status CheckPositive(absl::string_view flag, int64_t value);
absl::Status CheckPositive(absl::string_view flag, absl::Duration value);
absl::Status CheckNotEmpty(absl::string_view flag, absl::string_view value);
// "host:port" or "[v6]:port" with a port in 0..65535 (0 lets the kernel choose).
absl::Status CheckHostPort(absl::string_view flag, absl::string_view value);

// Prints every failed check (one line each) and exits with status 2 if any failed.
void ExitIfInvalid(const std::vector<absl::Status>& checks);

}  // namespace rmhub::config
