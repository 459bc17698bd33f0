#pragma once
// rmhubctl's commands: a call of any RPC compiled in, `health`, `services`, `token`, and help.

#include <iosfwd>
#include <string>
#include <vector>

namespace rmhub::ctl {

// Runs the command `args` (argv without the program name) describes; returns the exit status
// (error_report.h). Results go to `out`, diagnostics and errors to `err`.
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rmhub::ctl
