// Liveness, readiness, Prometheus metrics and the OpenAPI document.
#include "crossdock/core/metrics.h"
#include "crossdock/server/openapi.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {

void AddOperationsRoutes(ServiceState& state, RouteTable& routes) {
  store::Store& store = *state.store;
  routes.push_back(Route{
      .method = "GET",
      .path = "/healthz",
      .operation_id = "healthz",
      .summary = "Liveness: the process serves requests",
      .tag = "operations",
      .access = Access::kPublic,
      .response_schema = {{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}},
      .handler = [](RequestContext&) {
        return JsonReply(nlohmann::ordered_json{{"status", "ok"}});
      }});
  routes.push_back(Route{
      .method = "GET",
      .path = "/readyz",
      .operation_id = "readyz",
      .summary = "Readiness: the store answers",
      .tag = "operations",
      .access = Access::kPublic,
      .response_schema = {{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}},
      .error_statuses = {503},
      .handler = [&store](RequestContext&) {
        // Public: says ready or not and nothing about the store (no path, no error text;
        // the server log has them).
        auto version = store.SchemaVersion("core");
        if (!version.ok()) {
          return JsonReply(nlohmann::ordered_json{{"status", "not ready"}}, 503);
        }
        return JsonReply(nlohmann::ordered_json{{"status", "ready"}});
      }});
  routes.push_back(Route{
      .method = "GET",
      .path = "/metrics",
      .operation_id = "metrics",
      .summary = "Prometheus metrics: requests by route and status, latency, STS calls, "
                 "credential cache, connection tests",
      .tag = "operations",
      .access = Access::kPublic,
      .response_content_type = "text/plain; version=0.0.4",
      .handler = [&state](RequestContext&) {
        return TextReply(metrics::Registry::Global().RenderPrometheus() + DriftMetricsText(state),
                         "text/plain; version=0.0.4; charset=utf-8");
      }});
}

void AddOpenApiRoute(const std::string& version, RouteTable& routes) {
  routes.push_back(Route{
      .method = "GET",
      .path = "/openapi.json",
      .operation_id = "openapi",
      .summary = "This document",
      .tag = "operations",
      .access = Access::kPublic,
      .response_schema = {{"type", "object"}},
  });
  // The document is built over the finished table, including this route, then frozen.
  auto doc = std::make_shared<std::string>(BuildOpenApi(routes, version).dump(2));
  routes.back().handler = [doc](RequestContext&) { return TextReply(*doc, "application/json"); };
}

}  // namespace crossdock::server
