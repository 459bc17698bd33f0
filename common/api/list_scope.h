#pragma once
// Which rows a caller may list, as a typed value the access policy decides and the repository
// applies (a MySQL repository turns it into SQL, an in-memory store into a predicate).
//
// A scope is either everything, or the union of grants: rows owned by a member, rows of some
// teams, rows of a branch. What "owned", "of a team" and "of a branch" mean for a resource is the
// repository's documented business (e.g. a mentorship is of its mentor's branch). A scope with
// no grant lists nothing: the default-constructed scope is closed, not open.

#include <cstdint>
#include <vector>

namespace rmhub::api {

struct ListScope {
  bool all = false;
  int64_t owner_member_id = 0;  // 0 = no owner grant
  std::vector<int64_t> team_ids;
  int64_t branch_id = 0;  // 0 = no branch grant

  static ListScope All() {
    ListScope s;
    s.all = true;
    return s;
  }
  static ListScope Branch(int64_t branch_id) {
    ListScope s;
    s.branch_id = branch_id;
    return s;
  }
  bool Empty() const { return !all && owner_member_id == 0 && team_ids.empty() && branch_id == 0; }
};

}  // namespace rmhub::api
