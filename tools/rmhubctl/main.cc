// rmhubctl: the command-line face of RM Hub (tools/rmhubctl/README.md).
#include <iostream>
#include <string>
#include <vector>

#include "tools/rmhubctl/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return rmhub::ctl::RunCommandLine(args, std::cout, std::cerr);
}
