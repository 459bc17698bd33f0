#pragma once
// What a repository's List method takes and gives back: the typed filter, keyset paging and the
// caller's scope in; a page of items and where to continue out.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/filter.h"
#include "common/api/list_scope.h"
#include "common/api/pagination.h"

namespace rmhub::api {

struct ListQuery {
  FilterExpr filter;
  PageRequest page;
  // Closed by default: a query lists nothing until the service says whose rows it may list.
  ListScope scope;
};

template <class T>
struct Page {
  std::vector<T> items;
  // Id of the last item when there may be more rows, else 0.
  int64_t next_after_id = 0;
};

// Checks the page parameters and parses the filter against the method's fields.
absl::StatusOr<ListQuery> MakeListQuery(const std::string& filter, const FilterSchema& schema,
                                        int32_t page_size, const std::string& page_token,
                                        ListScope scope);

// The next_page_token for a page ("" at the end).
template <class T>
std::string NextToken(const Page<T>& page, const std::string& filter) {
  return page.next_after_id == 0 ? std::string() : NextPageToken(page.next_after_id, filter);
}

}  // namespace rmhub::api
