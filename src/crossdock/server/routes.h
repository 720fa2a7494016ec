// The route groups of the REST API and the web UI, each adding its Routes (handler and
// OpenAPI description together) to the table the server's router is built from.
//
// Every kToken route reads and writes only the organization in RequestContext::org_id. The
// demo group exists only under `crossdock serve --demo`, the connection test only when a
// tester is supplied; the OpenAPI document lists exactly what is registered.
#pragma once

#include <functional>
#include <memory>

#include "crossdock/server/route.h"
#include "crossdock/server/service_state.h"

namespace crossdock::server {

void AddOperationsRoutes(ServiceState& state, RouteTable& routes);  // healthz, readyz, metrics
void AddIdentityRoutes(ServiceState& state, RouteTable& routes);    // identity, External IDs
void AddConnectionRoutes(ServiceState& state, RouteTable& routes);  // CRUD, policies
void AddPolicyRoutes(ServiceState& state, RouteTable& routes);      // check|simulate|diff|generate
void AddTokenRoutes(ServiceState& state, RouteTable& routes);       // API tokens
void AddSyncRoutes(ServiceState& state, RouteTable& routes);        // syncs and their runs
void AddDriftRoutes(ServiceState& state, RouteTable& routes);       // connection check history
void AddWebhookRoutes(ServiceState& state, RouteTable& routes);     // webhooks and deliveries
void AddUiRoutes(RouteTable& routes);                               // "/" and its assets
// The "drift" member (drift/drift_store.h DriftToJson, serialized) of each connection of a
// list answer, in the order of `ids`; empty texts when the server runs without drift checks.
Result<std::vector<std::string>> DriftStateTexts(ServiceState& state, const std::string& org_id,
                                                 const std::vector<std::string>& ids);
// The gauge of failing connections by type, read from the drift tables at each scrape
// (drift_routes.cc): every process sees what all workers recorded.
std::string DriftMetricsText(ServiceState& state);
// /openapi.json over the finished table (added last, it documents itself too).
void AddOpenApiRoute(const std::string& version, RouteTable& routes);

}  // namespace crossdock::server
