#include "common/api/list_query.h"

#include <utility>

#include "common/status/errors.h"

namespace rmhub::api {

absl::StatusOr<ListQuery> MakeListQuery(const std::string& filter, const FilterSchema& schema,
                                        int32_t page_size, const std::string& page_token,
                                        ListScope scope) {
  ListQuery query;
  RMHUB_ASSIGN_OR_RETURN(query.page, ParsePage(page_size, page_token, filter));
  RMHUB_ASSIGN_OR_RETURN(query.filter, ParseFilterExpr(filter, schema));
  query.scope = std::move(scope);
  return query;
}

}  // namespace rmhub::api
