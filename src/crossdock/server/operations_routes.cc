// Liveness, readiness, Prometheus metrics and the OpenAPI document.
#include <fmt/format.h>

#include "crossdock/core/metrics.h"
#include "crossdock/server/openapi.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

// The PostgreSQL session pool's gauges and counters (nothing on SQLite, which has no pool).
std::string DbPoolMetricsText(const store::SqlDatabase& db) {
  store::SqlPoolStats p = db.pool_stats();
  if (p.max_size == 0) return "";
  return fmt::format(
      "# HELP crossdock_db_pool_sessions PostgreSQL sessions of this process by state.\n"
      "# TYPE crossdock_db_pool_sessions gauge\n"
      "crossdock_db_pool_sessions{{state=\"idle\"}} {}\n"
      "crossdock_db_pool_sessions{{state=\"in_use\"}} {}\n"
      "# HELP crossdock_db_pool_max_sessions The bound set with --db-pool-size.\n"
      "# TYPE crossdock_db_pool_max_sessions gauge\n"
      "crossdock_db_pool_max_sessions {}\n"
      "# HELP crossdock_db_pool_opened_total PostgreSQL sessions opened.\n"
      "# TYPE crossdock_db_pool_opened_total counter\n"
      "crossdock_db_pool_opened_total {}\n"
      "# HELP crossdock_db_pool_discarded_total Sessions closed because they broke.\n"
      "# TYPE crossdock_db_pool_discarded_total counter\n"
      "crossdock_db_pool_discarded_total {}\n"
      "# HELP crossdock_db_pool_waits_total Transactions that waited for a free session.\n"
      "# TYPE crossdock_db_pool_waits_total counter\n"
      "crossdock_db_pool_waits_total {}\n",
      p.open - p.in_use, p.in_use, p.max_size, p.opened, p.discarded, p.waits);
}

}  // namespace

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
  routes.push_back(
      Route{.method = "GET",
            .path = "/metrics",
            .operation_id = "metrics",
            .summary = "Prometheus metrics: requests by route and status, latency, STS calls, "
                       "credential cache, connection tests, PostgreSQL session pool",
            .tag = "operations",
            .access = Access::kPublic,
            .response_content_type = "text/plain; version=0.0.4",
            .handler = [&state](RequestContext&) {
              return TextReply(metrics::Registry::Global().RenderPrometheus() +
                                   DriftMetricsText(state) + DbPoolMetricsText(state.store->sql()),
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
