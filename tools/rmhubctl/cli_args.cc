#include "tools/rmhubctl/cli_args.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::ctl {
namespace {

// Every flag any command accepts; CheckFlags narrows it per command.
const std::set<std::string>& KnownFlags() {
  static const auto* flags = new std::set<std::string>{
      "addr",    "token",     "json",     "timeout",        "columns", "data",
      "ca-file", "cert-file", "key-file", "help",           "member",  "service",
      "roles",   "branch",    "teams",    "perms",          "ttl",     "secret-file",
      "issuer",  "audience",  "wait",     "rs256-key-file", "kid",     "public-key-file",
      "subjects"};
  return *flags;
}

}  // namespace

std::string CommandLine::Get(const std::string& name, const std::string& fallback,
                             const char* env) const {
  auto it = flags.find(name);
  if (it != flags.end()) return it->second;
  if (env != nullptr) {
    const char* value = std::getenv(env);
    if (value != nullptr && *value != '\0') return value;
  }
  return fallback;
}

const std::set<std::string>& SwitchFlags() {
  static const auto* flags = new std::set<std::string>{"json", "help"};
  return *flags;
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine line;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || !absl::StartsWith(arg, "-") || arg == "-") {
      line.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h") {
      line.flags["help"] = "true";
      continue;
    }
    std::string body = absl::StartsWith(arg, "--") ? arg.substr(2) : arg.substr(1);
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    if (KnownFlags().count(name) == 0) {
      return InvalidField(arg, "unknown flag (see rmhubctl --help)");
    }
    if (eq != std::string::npos) {
      line.flags[name] = body.substr(eq + 1);
    } else if (SwitchFlags().count(name) > 0) {
      line.flags[name] = "true";
    } else if (i + 1 < args.size()) {
      line.flags[name] = args[++i];
    } else {
      return InvalidField(arg, "needs a value");
    }
  }
  return line;
}

absl::Status CheckFlags(const CommandLine& line, const std::set<std::string>& allowed,
                        const std::string& command) {
  for (const auto& [name, value] : line.flags) {
    if (name != "help" && allowed.count(name) == 0) {
      return InvalidField(absl::StrCat("--", name), absl::StrCat("not a flag of ", command));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ParsePositiveDuration(const std::string& text,
                                                     const std::string& flag) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return InvalidField(flag, absl::StrCat("\"", text, "\" is not a positive duration like 5s"));
  }
  return d;
}

absl::StatusOr<std::string> ReadDataArgument(const std::string& value) {
  if (value != "-" && !absl::StartsWith(value, "@")) return value;
  std::stringstream buffer;
  if (value == "-") {
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(value.substr(1), std::ios::binary);
  if (!in) return InvalidField("--data", absl::StrCat("cannot read ", value.substr(1)));
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace rmhub::ctl
