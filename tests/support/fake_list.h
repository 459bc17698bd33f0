#pragma once
// What the in-memory test repositories share: keyset pages, scope grants and stored times with
// the same rules as common/db (list_where.h, sql_values.h), so a fake and a MySQL repository
// page, scope and round times alike.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/api/list_query.h"
#include "google/protobuf/timestamp.pb.h"

namespace rmhub::testing {

// DATETIME(6) keeps microseconds.
inline google::protobuf::Timestamp FakeStamp(absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  google::protobuf::Timestamp ts;
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

// Keyset paging over rows in ascending id order that already passed the filter: ids after
// page.after_id (below it when newest_first), at most the page's limit, next_after_id set when
// more rows follow.
template <class T>
api::Page<T> FakePage(std::vector<std::pair<int64_t, T>> rows, const api::PageRequest& page,
                      bool newest_first = false) {
  const int limit = std::clamp(page.limit, 1, api::kMaxPageSize);
  if (newest_first) std::reverse(rows.begin(), rows.end());
  api::Page<T> out;
  int64_t last_id = 0;
  for (auto& [id, item] : rows) {
    if (page.after_id != 0 && (newest_first ? id >= page.after_id : id <= page.after_id)) continue;
    if (static_cast<int>(out.items.size()) == limit) {
      out.next_after_id = last_id;
      break;
    }
    out.items.push_back(std::move(item));
    last_id = id;
  }
  return out;
}

// A row is in scope when the scope is all, or any grant matches (owner 0 / team 0 / branch 0 =
// the row has none, as a NULL column).
inline bool FakeInScope(const api::ListScope& scope, int64_t owner, int64_t team, int64_t branch) {
  if (scope.all) return true;
  if (scope.owner_member_id != 0 && scope.owner_member_id == owner) return true;
  if (team != 0 &&
      std::find(scope.team_ids.begin(), scope.team_ids.end(), team) != scope.team_ids.end()) {
    return true;
  }
  return scope.branch_id != 0 && scope.branch_id == branch;
}

}  // namespace rmhub::testing
