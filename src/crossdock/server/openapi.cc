#include "crossdock/server/openapi.h"

#include <algorithm>
#include <map>

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

const char* StatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Malformed request: invalid JSON, a wrong type or a missing member (field named)";
    case 401:
      return "Missing or invalid bearer token";
    case 403:
      return "Forbidden for this token";
    case 404:
      return "Not found in the token's organization";
    case 409:
      return "Conflict with the current state";
    case 413:
      return "Request body too large";
    case 422:
      return "Invalid value (field named, with the fix)";
    case 503:
      return "Not ready";
    default:
      return "Error";
  }
}

std::vector<std::string> PathParams(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = path.find('{', pos)) != std::string::npos) {
    size_t end = path.find('}', pos);
    out.push_back(path.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

ojson ErrorSchema() {
  return ojson::parse(R"j({
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "field"],
      "properties": {
        "code": {"type": "string", "description": "stable code, e.g. invalid_request, invalid_argument, not_found"},
        "message": {"type": "string", "description": "what is wrong and how to fix it"},
        "field": {"type": "string", "nullable": true, "description": "the request field at fault, dotted (e.g. databricks.token)"}}}}})j");
}

ojson BuildOpenApi(const RouteTable& routes, const std::string& version) {
  ojson doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "crossdock API"},
                 {"version", version},
                 {"description",
                  "Connections to customers' AWS data through IAM roles and External IDs. "
                  "Every /v1 route is scoped to the organization of the bearer token."}};
  ojson paths = ojson::object();
  for (const Route& r : routes) {
    ojson op;
    op["operationId"] = r.operation_id;
    op["summary"] = r.summary;
    if (!r.tag.empty()) op["tags"] = ojson::array({r.tag});
    if (r.access != Access::kPublic) {
      op["security"] = ojson::array({ojson{{"bearerAuth", ojson::array()}}});
    } else {
      op["security"] = ojson::array();
    }
    ojson params = ojson::array();
    for (const std::string& p : PathParams(r.path)) {
      params.push_back(
          {{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    for (const QueryParameter& q : r.query) {
      ojson schema = {{"type", "string"}};
      if (!q.values.empty()) schema["enum"] = q.values;
      if (!q.default_value.empty()) schema["default"] = q.default_value;
      params.push_back({{"name", q.name},
                        {"in", "query"},
                        {"required", false},
                        {"description", q.description},
                        {"schema", schema}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.is_null()) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", r.request_schema}}}}}};
    }
    ojson responses = ojson::object();
    ojson ok = {{"description", StatusText(r.success_status)}};
    if (!r.response_schema.is_null()) {
      ok["content"] = {{r.response_content_type, {{"schema", r.response_schema}}}};
    } else if (r.success_status != 204) {
      ok["content"] = {{r.response_content_type, {{"schema", {{"type", "string"}}}}}};
    }
    responses[std::to_string(r.success_status)] = ok;
    std::vector<int> errors = r.error_statuses;
    if (r.access != Access::kPublic) errors.push_back(401);
    if (!r.request_schema.is_null()) {
      errors.push_back(400);
      errors.push_back(413);
    }
    std::sort(errors.begin(), errors.end());
    errors.erase(std::unique(errors.begin(), errors.end()), errors.end());
    for (int s : errors) {
      responses[std::to_string(s)] = {
          {"description", StatusText(s)},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    op["responses"] = responses;
    paths[r.path][Lower(r.method)] = op;
  }
  doc["paths"] = paths;
  doc["components"] = {{"securitySchemes",
                        {{"bearerAuth",
                          {{"type", "http"},
                           {"scheme", "bearer"},
                           {"description",
                            "A per-organization API token (cdx_...); `crossdock serve` prints the "
                            "first one once."}}}}},
                       {"schemas", {{"Error", ErrorSchema()}}}};
  return doc;
}

}  // namespace crossdock::server
