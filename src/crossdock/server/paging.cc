#include "crossdock/server/paging.h"

#include <fmt/format.h>

namespace crossdock::server {

Result<store::PageRequest> PageFromQuery(const RequestContext& ctx) {
  store::PageRequest page;
  ASSIGN_OR_RETURN(page.limit, store::ParseLimit(ctx.Query("limit")));
  page.cursor = ctx.Query("cursor");
  return page;
}

std::vector<QueryParameter> PageParameters() {
  return {{"limit",
           fmt::format("items per page, 1 to {}", store::kMaxPageLimit),
           {},
           std::to_string(store::kDefaultPageLimit)},
          {"cursor", "the next_cursor of the previous page; absent for the first page", {}, ""}};
}

nlohmann::ordered_json PagedListSchema(const char* key, nlohmann::ordered_json items) {
  return {{"type", "object"},
          {"properties",
           {{key, {{"type", "array"}, {"items", std::move(items)}}},
            {"next_cursor",
             {{"type", "string"},
              {"nullable", true},
              {"description", "pass as cursor for the next page; null on the last page"}}}}}};
}

nlohmann::json NextCursorJson(const std::optional<std::string>& next_cursor) {
  return next_cursor ? nlohmann::json(*next_cursor) : nlohmann::json(nullptr);
}

}  // namespace crossdock::server
