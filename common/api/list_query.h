#pragma once
// What a repository's List method takes and gives back: the compiled filter, keyset paging and
// an optional branch restriction in; a page of items and where to continue out.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/filter.h"
#include "common/api/pagination.h"

namespace rmhub::api {

struct ListQuery {
  // Conditions refer to the table alias each repository method documents.
  SqlFilter filter;
  PageRequest page;
  // 0 = no restriction; otherwise only rows of this branch (scoping non-head-office callers).
  int64_t branch_id = 0;
};

template <class T>
struct Page {
  std::vector<T> items;
  // Id of the last item when there may be more rows, else 0.
  int64_t next_after_id = 0;
};

// Checks the page parameters and compiles the filter.
absl::StatusOr<ListQuery> MakeListQuery(const std::string& filter, const FilterSpec& spec,
                                        int32_t page_size, const std::string& page_token,
                                        int64_t branch_scope);

// The next_page_token for a page ("" at the end).
template <class T>
std::string NextToken(const Page<T>& page, const std::string& filter) {
  return page.next_after_id == 0 ? std::string() : NextPageToken(page.next_after_id, filter);
}

}  // namespace rmhub::api
