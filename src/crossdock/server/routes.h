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
void AddUiRoutes(RouteTable& routes);                               // "/" and its assets
// /openapi.json over the finished table (added last, it documents itself too).
void AddOpenApiRoute(const std::string& version, RouteTable& routes);

}  // namespace crossdock::server
