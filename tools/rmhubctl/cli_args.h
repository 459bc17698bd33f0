#pragma once
// The command line of rmhubctl: flags ("--name value", "--name=value") may stand anywhere, so
// `rmhubctl team get-member name=members/3 --json` and `rmhubctl --json team ...` both work;
// everything else is positional. "--" ends the flags.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rmhub::ctl {

struct CommandLine {
  std::vector<std::string> positional;
  // Flag name without dashes → value ("true" for switches).
  std::map<std::string, std::string> flags;

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // The flag's value, else the environment variable `env` (when given and set), else `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "",
                  const char* env = nullptr) const;
};

// Flags that take no value.
const std::set<std::string>& SwitchFlags();

// INVALID_ARGUMENT for an unknown flag or a value-taking flag at the end of the line.
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// INVALID_ARGUMENT naming the first flag not in `allowed` (for the command `command`).
absl::Status CheckFlags(const CommandLine& line, const std::set<std::string>& allowed,
                        const std::string& command);

// "5s", "1h30m"; INVALID_ARGUMENT naming `flag` when it is not a positive duration.
absl::StatusOr<absl::Duration> ParsePositiveDuration(const std::string& text,
                                                     const std::string& flag);

// The --data argument: inline JSON, "@file" or "-" for standard input.
absl::StatusOr<std::string> ReadDataArgument(const std::string& value);

}  // namespace rmhub::ctl
