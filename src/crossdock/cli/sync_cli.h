// Shared pieces of `crossdock sync ...` and `crossdock worker`: the connector flags
// (--s3-endpoint, --sts-endpoint and their environment variables), opening the sync service
// on the store, and printing runs. Internal to the cli target.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "crossdock/cli/connection_context.h"
#include "crossdock/sync/jobs/connector.h"
#include "crossdock/sync/jobs/service.h"

namespace crossdock::cli {

struct SyncCliOptions {
  GlobalOptions global;
  std::string s3_endpoint;             // --s3-endpoint (env CROSSDOCK_S3_ENDPOINT)
  std::string sts_endpoint;            // --sts-endpoint (env CROSSDOCK_STS_ENDPOINT)
  std::string redshift_data_endpoint;  // --redshift-data-endpoint (env ..._REDSHIFT_DATA_ENDPOINT)
  std::string databricks_endpoint;     // --databricks-endpoint (env ..._DATABRICKS_ENDPOINT)
  std::string kinesis_endpoint;        // --kinesis-endpoint (env CROSSDOCK_KINESIS_ENDPOINT)
  // --allow-network (env CROSSDOCK_ALLOW_NETWORKS): what tenants' hosts may resolve to.
  std::vector<std::string> allowed_networks;
};

void AddConnectorFlags(CLI::App& app, SyncCliOptions& o);

struct SyncContext {
  Context base;
  std::unique_ptr<sync::SyncService> service;
  std::unique_ptr<sync::Connector> connector;
  sync::ConnectorOptions connector_options;  // what `connector` was built from
};

Result<SyncContext> OpenSyncContext(const SyncCliOptions& o);

// "1.2 MB", "3.4 s".
std::string FormatBytes(uint64_t bytes);
std::string FormatDuration(const sync::SyncRun& r);

// `crossdock worker` (worker_command.cc), registered by RegisterSyncCommands.
void RegisterWorkerCommand(CLI::App& app);

// One line per run for tables; the JSON form is sync::RunToJson.
std::vector<std::string> RunRow(const sync::SyncRun& r);

}  // namespace crossdock::cli
