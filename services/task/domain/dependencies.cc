#include "services/task/domain/dependencies.h"

#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"

namespace rmhub::task {

absl::Status CheckDependencies(int64_t task_id, const std::vector<int64_t>& deps,
                               const DependencyLookup& dependencies_of, const std::string& field,
                               int max_visits) {
  if (static_cast<int>(deps.size()) > kMaxDependencies) {
    return InvalidField(field, absl::StrCat("at most ", kMaxDependencies, " dependencies"));
  }
  std::set<int64_t> listed;
  for (size_t i = 0; i < deps.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    if (deps[i] == task_id) return InvalidField(item, "a task cannot depend on itself");
    if (!listed.insert(deps[i]).second) return InvalidField(item, "listed twice");
  }
  if (task_id == 0) return absl::OkStatus();
  // Depth-first search from each new dependency for a path back to task_id; `parent` keeps the
  // way back so the cycle can be named.
  std::unordered_map<int64_t, int64_t> parent;
  std::vector<int64_t> stack;
  for (int64_t d : deps) {
    if (parent.emplace(d, task_id).second) stack.push_back(d);
  }
  int visits = 0;
  while (!stack.empty()) {
    const int64_t node = stack.back();
    stack.pop_back();
    if (++visits > max_visits) {
      return FailedPrecondition(
          "DEPENDENCY_GRAPH_TOO_LARGE",
          absl::StrCat("more than ", max_visits, " tasks are reachable through the dependencies"));
    }
    absl::StatusOr<std::vector<int64_t>> next = dependencies_of(node);
    if (!next.ok()) return next.status();
    for (int64_t n : *next) {
      if (n == task_id) {
        std::vector<std::string> path = {absl::StrCat("tasks/", task_id)};
        std::vector<std::string> back;
        for (int64_t at = node; at != task_id; at = parent.at(at)) {
          back.push_back(absl::StrCat("tasks/", at));
        }
        path.insert(path.end(), back.rbegin(), back.rend());
        path.push_back(absl::StrCat("tasks/", task_id));
        return FailedPrecondition(
            "DEPENDENCY_CYCLE",
            absl::StrCat("the dependencies would make a cycle: ", absl::StrJoin(path, " -> ")));
      }
      if (parent.emplace(n, node).second) stack.push_back(n);
    }
  }
  return absl::OkStatus();
}

}  // namespace rmhub::task
