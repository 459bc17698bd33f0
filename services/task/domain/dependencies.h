#pragma once
// Task dependencies ("blocked by"): a task may not depend on itself, on a task twice, or on a
// task that (directly or through others) depends on it. Pure: the graph is read through
// `dependencies_of`, which the repository answers from locked rows, so two concurrent updates
// cannot each add half of a cycle (docs/decisions.md "Task service").

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rmhub::task {

inline constexpr int kMaxDependencies = 20;

// The ids the task with the given id depends on.
using DependencyLookup = std::function<absl::StatusOr<std::vector<int64_t>>(int64_t)>;

// OK when giving task `task_id` the dependencies `deps` keeps the graph acyclic. A self
// dependency or a repeated one is INVALID_ARGUMENT on `field`; a cycle is FAILED_PRECONDITION
// DEPENDENCY_CYCLE naming the path ("tasks/3 → tasks/5 → tasks/3"). A graph larger than
// `max_visits` nodes reachable from deps is FAILED_PRECONDITION DEPENDENCY_GRAPH_TOO_LARGE
// (a bound on the work one update may cause). `task_id` 0 is a task being created: it cannot be
// in a cycle yet, only the list is checked.
absl::Status CheckDependencies(int64_t task_id, const std::vector<int64_t>& deps,
                               const DependencyLookup& dependencies_of, const std::string& field,
                               int max_visits = 10000);

}  // namespace rmhub::task
