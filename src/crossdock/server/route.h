// The route table: one Route per (method, path) the server answers, carrying both the handler
// and its OpenAPI description, so the router and /openapi.json are built from the same list
// and cannot drift apart.
//
// Paths use OpenAPI templates ("/v1/connections/{id}"); a parameter matches one non-empty
// path segment. A handler gets a RequestContext (path and query parameters, the body, the
// authenticated organization) and returns a Reply; it never throws and never sees the
// Authorization header. Routes with Access::kToken run only after the server has resolved the
// bearer token to an organization, and every handler scopes what it reads and writes by
// ctx.org_id. This header knows nothing of cpp-httplib.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/server/reply.h"

namespace crossdock::server {

// kToken: an organization's API token (the request runs as that organization).
// kInstanceAdmin: only the instance-admin token (instance_admin.h); no organization.
enum class Access { kPublic, kToken, kInstanceAdmin };

struct QueryParameter {
  std::string name;
  std::string description;
  std::vector<std::string> values;  // allowed values, empty for free text
  std::string default_value;
};

struct RequestContext {
  std::string method;
  std::string path;
  std::map<std::string, std::string> path_params;
  std::multimap<std::string, std::string> query;
  std::string body;
  std::string org_id;      // the token's organization (empty on public routes)
  std::string token_id;    // the token's id (empty on public routes)
  std::string request_id;  // echoed in X-Request-Id and in logs

  const std::string& Param(const std::string& name) const;
  // The first value of a query parameter, or `fallback`.
  std::string Query(const std::string& name, const std::string& fallback = {}) const;
};

using Handler = std::function<Reply(RequestContext&)>;

struct Route {
  std::string method{};  // GET, POST, PUT, PATCH, DELETE
  std::string path{};    // OpenAPI path template
  std::string operation_id{};
  std::string summary{};
  std::string tag{};
  Access access = Access::kToken;
  std::vector<QueryParameter> query{};
  nlohmann::ordered_json request_schema{};   // null: no body
  nlohmann::ordered_json response_schema{};  // of the success response; null: no JSON body
  int success_status = 200;
  std::string response_content_type = "application/json";
  std::vector<int> error_statuses{};  // documented error statuses besides 401 for kToken
  // The handler calls out (AWS, a tenant's endpoint, DNS) and may wait there for seconds:
  // it runs on the outbound pool (http_front.h), never on the threads other routes need.
  bool outbound = false;
  Handler handler{};
};

using RouteTable = std::vector<Route>;

}  // namespace crossdock::server
