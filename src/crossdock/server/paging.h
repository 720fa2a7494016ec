// The query parameters and the answer shape every paged list route shares: `limit` (1 to
// 1,000, default 100) and `cursor` in, `next_cursor` (null on the last page) beside the list
// out, so `{"connections": [...]}` stays what it was with one member added. Limits and
// cursors are checked by store/page.h; their errors are 422 naming the parameter. It does not
// read the store: each route calls its own list method with the PageRequest.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/server/route.h"
#include "crossdock/store/page.h"

namespace crossdock::server {

// `limit` and `cursor` of the request (the cursor is checked by the list that decodes it).
Result<store::PageRequest> PageFromQuery(const RequestContext& ctx);

// The OpenAPI description of `limit` and `cursor`, for a route's `query`.
std::vector<QueryParameter> PageParameters();

// {"type": "object", "properties": {key: array of `items`, "next_cursor": string|null}}.
nlohmann::ordered_json PagedListSchema(const char* key, nlohmann::ordered_json items);

// next_cursor as JSON: the string, or null on the last page.
nlohmann::json NextCursorJson(const std::optional<std::string>& next_cursor);

}  // namespace crossdock::server
