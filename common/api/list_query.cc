#include "common/api/list_query.h"

#include "common/status/errors.h"

namespace rmhub::api {

absl::StatusOr<ListQuery> MakeListQuery(const std::string& filter, const FilterSpec& spec,
                                        int32_t page_size, const std::string& page_token,
                                        int64_t branch_scope) {
  ListQuery query;
  RMHUB_ASSIGN_OR_RETURN(query.page, ParsePage(page_size, page_token, filter));
  RMHUB_ASSIGN_OR_RETURN(query.filter, CompileFilter(filter, spec));
  query.branch_id = branch_scope;
  return query;
}

}  // namespace rmhub::api
