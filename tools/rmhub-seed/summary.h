#pragma once
// What rmhub-seed prints when done: counts, the branch, teams and staff, the customer book, and
// calls to try.

#include <string>

#include "tools/rmhub-seed/customer_seeder.h"
#include "tools/rmhub-seed/seeder.h"
#include "tools/rmhub-seed/task_seeder.h"

namespace rmhub::seed {

std::string Summary(const SeedResult& result, const DemoData& data, const std::string& address);

// The customer part: import outcomes, assignments, interactions, each demo manager's book as the
// service reports it, and calls to try as a relationship manager. Names no customer.
std::string CustomerSummary(const CustomerSeedResult& result, const SeedResult& team,
                            const std::string& address);

// The task part: counts, the demo tasks by title, and calls to try as the personal team's lead.
std::string TaskSummary(const TaskSeedResult& result, const DemoData& data, const SeedResult& team,
                        const std::string& address);

}  // namespace rmhub::seed
