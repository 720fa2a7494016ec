// The OpenAPI 3 document served at /openapi.json, generated from the route table the router
// uses (route.h), so every route the server answers is documented and nothing else is.
//
// Path parameters come from the templates, query parameters, request and response schemas
// from each Route; routes with Access::kToken require the bearer scheme and document 401;
// every documented error status refers to the one Error schema. It does not validate requests
// against the schemas (handlers do, naming the field).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "crossdock/server/route.h"

namespace crossdock::server {

nlohmann::ordered_json BuildOpenApi(const RouteTable& routes, const std::string& version);

// The "{"error": {...}}" schema, shared by the document and tests.
nlohmann::ordered_json ErrorSchema();

}  // namespace crossdock::server
