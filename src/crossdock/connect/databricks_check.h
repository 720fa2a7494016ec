// The Databricks part of the connection test (seed 003's "storage credential validation"):
// reads the connection's storage credential through Unity Catalog and checks that it exists,
// that its role ARN is the connection's role and that its External ID is the one stored on
// the connection; without a storage credential (the External Location variant) it checks
// that an external location covers the staging path. Read-only: it changes nothing in the
// workspace.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/transport.h"

namespace crossdock::connect {

// Appends "databricks_storage_credential" or "databricks_external_location". `host`
// overrides the workspace URL (empty: the connection's).
void RunDatabricksChecks(const Connection& c, const std::string& host,
                         std::shared_ptr<http::HttpTransport> transport, Clock& clock,
                         std::vector<CheckResult>& out);

}  // namespace crossdock::connect
