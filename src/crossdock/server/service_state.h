// What route handlers share: the store, the clock, the vendor's settings and hooks that the
// embedding program (crossdock serve, tests) supplies, plus helpers every handler uses to
// read tenant data scoped by organization.
//
// Handlers get this by reference; it outlives the server. Every helper takes the caller's
// organization id and returns kNotFound for anything of another organization, so a handler
// cannot accidentally read across tenants. It holds no request state and is thread-safe as
// far as the store is.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/connect/service.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/drift/drift_store.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/notify/webhook_store.h"
#include "crossdock/server/auth.h"
#include "crossdock/server/reply.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/service.h"

namespace crossdock::server {

struct ServiceState {
  store::Store* store = nullptr;
  connect::ConnectionService* connections = nullptr;
  const Clock* clock = nullptr;
  Authenticator* auth = nullptr;
  // Sync definitions and runs; null when the store's sync tables could not be opened (the
  // sync routes then answer 503).
  sync::SyncService* syncs = nullptr;
  std::string version;
  std::vector<std::string> postgres_hosts;  // ServerOptions::postgres_hosts
  // What tenant-set hosts may resolve to (ServerOptions::outbound); never null once served.
  std::shared_ptr<const http::OutboundPolicy> outbound;
  // Drift state and check history, webhooks and deliveries; null when their tables could not
  // be opened (their routes then answer 503).
  drift::DriftStore* drift = nullptr;
  notify::WebhookStore* webhooks = nullptr;
};

// The organization's External IDs that trust policies should accept: current first, then the
// previous one while a rotation is in progress.
Result<std::vector<std::string>> ActiveExternalIds(store::Store& store, const std::string& org_id);

// The vendor identity of `region`'s partition, or kFailedPrecondition naming field "region"
// and the command and serve flag that set that partition's identity.
Result<store::VendorIdentity> RequireVendor(store::Store& store, std::string_view region);

// RequireVendor for the connection's region when it is an AWS type; an empty identity for a
// database login (postgres), whose SpecForConnection then says it needs no IAM policies.
Result<store::VendorIdentity> RequireVendorFor(store::Store& store, const connect::Connection& c);

// The connection `id` of `org_id` (kNotFound otherwise), secrets decrypted only when asked.
Result<connect::Connection> LoadConnection(store::Store& store, const std::string& org_id,
                                           const std::string& id, bool with_secrets = false);

// 422 for a list of validation errors: the first one as the error, all in "details".
Reply ValidationReply(const std::vector<Error>& errors);

// The vendor principal a trust policy names: the vendor role, or the account root, in the
// identity's own partition.
std::string VendorPrincipal(const store::VendorIdentity& vendor);

}  // namespace crossdock::server
