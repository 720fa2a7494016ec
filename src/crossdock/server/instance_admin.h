// The instance-admin token: the operator's credential for installation-wide actions over the
// API (creating organizations and their first token), distinct from every organization's
// tokens.
//
// It is issued once, the first time `crossdock serve` starts on a store that has none, and
// printed then; the store keeps only its hash (crypto::HashToken) in the settings table
// (scope "instance"). `crossdock org rotate-admin-token` replaces it, and the old one stops
// working at once (each admin request reads the stored hash). It authenticates only the
// routes marked Access::kInstanceAdmin: on every other route it is unknown (401), so it
// cannot read any organization's connections, syncs or tokens; organization tokens are
// refused on admin routes (403). Thread-safe (the store is).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crossdock/core/result.h"
#include "crossdock/server/route.h"
#include "crossdock/store/store.h"

namespace crossdock::server {

// Issues and stores a new instance-admin token, replacing any earlier one; returns it (the
// only time it exists outside the caller's terminal).
Result<std::string> RotateInstanceAdminToken(store::Store& store);

// Issues one only when the store has none yet; the token when issued now.
Result<std::optional<std::string>> EnsureInstanceAdminToken(store::Store& store);

// OK when `authorization` ("Bearer cdx_...") carries the current instance-admin token;
// kUnauthenticated otherwise (the message says which token the route needs).
Status CheckInstanceAdmin(store::Store& store, std::string_view authorization);

// POST /v1/admin/organizations.
void AddAdminRoutes(store::Store& store, RouteTable& routes);

}  // namespace crossdock::server
