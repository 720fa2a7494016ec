#include <cstdio>
#include <cstdlib>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/cli/demo_settings.h"
#include "crossdock/cli/sync_cli.h"
#include "crossdock/connect/connection_runtime.h"

namespace crossdock::cli {

void AddConnectorFlags(CLI::App& app, SyncCliOptions& o) {
  app.add_option("--s3-endpoint", o.s3_endpoint,
                 "S3 endpoint for every S3 location, e.g. a VPC endpoint or a local RGW (env "
                 "CROSSDOCK_S3_ENDPOINT; default AWS)");
  app.add_option("--sts-endpoint", o.sts_endpoint,
                 "STS endpoint for assuming roles (env CROSSDOCK_STS_ENDPOINT; default AWS)");
  app.add_option("--redshift-data-endpoint", o.redshift_data_endpoint,
                 "Redshift Data API endpoint, e.g. a VPC endpoint (env "
                 "CROSSDOCK_REDSHIFT_DATA_ENDPOINT; default the workgroup's regional endpoint)");
  app.add_option("--databricks-endpoint", o.databricks_endpoint,
                 "where Databricks API calls go instead of the connection's workspace URL, e.g. "
                 "a private link (env CROSSDOCK_DATABRICKS_ENDPOINT)");
  app.add_option("--kinesis-endpoint", o.kinesis_endpoint,
                 "Kinesis endpoint for Kinesis sources whose spec sets none, e.g. a VPC endpoint "
                 "(env CROSSDOCK_KINESIS_ENDPOINT; default the stream's regional endpoint)");
  app.add_option("--allow-network", o.allowed_networks,
                 "A non-public network (CIDR or one address) that hosts in syncs created over "
                 "the API may resolve to (repeatable; as crossdock serve --allow-network)")
      ->envname("CROSSDOCK_ALLOW_NETWORKS")
      ->delimiter(',');
}

Result<SyncContext> OpenSyncContext(const SyncCliOptions& o) {
  SyncContext ctx;
  ASSIGN_OR_RETURN(ctx.base, OpenContext(o.global));
  ASSIGN_OR_RETURN(ctx.service, sync::SyncService::Open(*ctx.base.store));
  sync::ConnectorOptions co;
  co.store = ctx.base.store.get();
  connect::Endpoints flags;
  flags.s3 = o.s3_endpoint;
  flags.sts = o.sts_endpoint;
  flags.redshift_data = o.redshift_data_endpoint;
  flags.databricks = o.databricks_endpoint;
  flags.kinesis = o.kinesis_endpoint;
  connect::Endpoints e = connect::Endpoints::FromFlagsAndEnvironment(flags);
  co.s3_endpoint = e.s3;
  co.sts_endpoint = e.sts;
  co.redshift_data_endpoint = e.redshift_data;
  co.databricks_endpoint = e.databricks;
  co.redshift_serverless_endpoint = e.redshift_serverless;
  co.kinesis_endpoint = e.kinesis;
  ASSIGN_OR_RETURN(auto outbound,
                   http::OutboundPolicy::FromStrings(o.allowed_networks, "allow-network"));
  co.tenant_outbound = std::make_shared<const http::OutboundPolicy>(std::move(outbound));
  // While `crossdock serve --demo` runs on this store: its peers and pretend vendor keys,
  // unless endpoints were given.
  if (auto demo = FindDemoSettings(ctx.base.store_location);
      demo && co.sts_endpoint.empty() && co.s3_endpoint.empty()) {
    co.sts_endpoint = demo->sts_endpoint;
    co.s3_endpoint = demo->s3_endpoint;
    aws::AwsCredentials creds;
    creds.access_key_id = demo->vendor_access_key_id;
    creds.secret_access_key = demo->vendor_secret_access_key;
    co.vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(creds);
    UseDemoPostgresPassword(*demo);
  }
  ctx.connector_options = co;
  ctx.connector = std::make_unique<sync::Connector>(co);
  return ctx;
}

std::string FormatBytes(uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  } else if (bytes < 1000ull * 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  }
  return buf;
}

std::string FormatDuration(const sync::SyncRun& r) {
  auto d = r.duration();
  if (!d) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", d->count() / 1000.0);
  return buf;
}

std::vector<std::string> RunRow(const sync::SyncRun& r) {
  std::string error = r.error;
  if (error.size() > 60) error = error.substr(0, 57) + "...";
  return {r.id,
          sync::RunStatusName(r.status),
          std::to_string(r.rows),
          FormatBytes(r.bytes),
          std::to_string(r.files),
          FormatDuration(r),
          error.empty() ? "-" : error};
}

}  // namespace crossdock::cli
