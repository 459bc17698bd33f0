#pragma once
// What rmhub-seed prints when done: counts, the branch, teams and staff, and calls to try.

#include <string>

#include "tools/rmhub-seed/seeder.h"

namespace rmhub::seed {

std::string Summary(const SeedResult& result, const DemoData& data, const std::string& address);

}  // namespace rmhub::seed
