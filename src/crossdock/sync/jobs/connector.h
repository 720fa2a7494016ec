// Connector: turns a stored SyncSpec into a live Source and Destination: opens PostgreSQL
// sources, and for S3 locations builds the credentials (an assumed role with the
// organization's External ID behind a refresh-ahead cache, or access keys), the S3 client
// and the ScopedBucket confining every key to the connection's bucket/path.
//
// S3 locations come from a stored connection (by name or id in the organization, through
// connect::ConnectionService and connect::ConnectionCredentials: its access key, or its role
// assumed with the organization's External IDs) or from the spec itself (bucket, region,
// role_arn, external_id, or access keys from the default chain). The
// vendor's own credentials (the source of AssumeRole) come from ConnectorOptions or the
// default chain (environment, profile). Endpoint overrides (a local RGW, a VPC endpoint)
// come from the spec or ConnectorOptions. Warehouse sources and destinations (Redshift
// Serverless, Databricks) come from stored connections: the Data API is called with the
// connection's role, COPY / UNLOAD name that role as IAM_ROLE, files are staged in the
// connection's bucket/path, and Databricks is reached with the connection's token. Kinesis
// sources read a stored kinesis connection's stream with its role, or a spec's stream ARN with
// the vendor's credentials or a role assumed with them. Clients are
// cached per location so that a worker reuses connections and credentials across runs; a
// stored connection's cache entry is keyed by its generation (connect::ConnectionRuntime), so
// a rotated External ID or a new secret takes effect on the next run. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/connect/connection.h"
#include "crossdock/connect/connection_runtime.h"
#include "crossdock/core/clock.h"
#include "crossdock/databricks/statement_client.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/http/transport.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/destinations/s3_staging.h"
#include "crossdock/sync/sources/file_store.h"
#include "crossdock/sync/sources/source.h"
#include "crossdock/sync/spec.h"
#include "crossdock/sync/warehouses/redshift_source.h"
#include "crossdock/sync/warehouses/redshift_target.h"

namespace crossdock::sync {

struct ConnectorOptions {
  // For connection lookups and the organization's External ID; may be null (then only
  // spec-given S3 locations work).
  store::Store* store = nullptr;
  // Source credentials for AssumeRole; null: the default chain (environment, profile).
  aws::CredentialsProviderPtr vendor_credentials;
  // Defaults when a location does not set them.
  std::string s3_endpoint;             // e.g. a local RGW
  std::string sts_endpoint;            // e.g. the External ID front in tests
  std::string redshift_data_endpoint;  // Redshift Data API override (a VPC endpoint, a test peer)
  std::string redshift_serverless_endpoint;  // GetCredentials override
  // The database name to use on a workgroup's VPC endpoint when it differs from the
  // connection's (a proxy that renames it; the test peer). Empty: the connection's.
  std::string redshift_vpc_database;
  // Databricks workspace override: requests go here instead of the connection's https://
  // workspace URL (a private link, a test peer).
  std::string databricks_endpoint;
  // Kinesis endpoint override (a VPC endpoint, a local peer) for streams whose spec sets none.
  std::string kinesis_endpoint;
  aws::redshift::PollOptions redshift_poll;
  databricks::PollOptions databricks_poll;
  std::chrono::seconds role_duration{3600};
  aws::CachingOptions caching;
  S3StagingOptions staging;
  int s3_concurrency = 4;
  aws::RetryOptions retry;
  // Shared by all clients; null: a new CurlTransport.
  std::shared_ptr<http::HttpTransport> transport;
  // What a tenant's sync (SyncSpec::tenant) may reach: its PostgreSQL source, Databricks
  // workspace and Redshift VPC endpoint are resolved and checked against this at run time.
  // Null: public addresses only.
  std::shared_ptr<const http::OutboundPolicy> tenant_outbound;
  // Time for signing and credential expiry; null: the system clock.
  Clock* clock = nullptr;
};

class Connector {
 public:
  explicit Connector(ConnectorOptions options);

  // `cursor` is the saved incremental cursor (PostgreSQL sources); `run_id` names the
  // run's temporary data (a Redshift UNLOAD folder).
  Result<std::unique_ptr<Source>> MakeSource(const std::string& org_id, const SyncSpec& spec,
                                             const std::optional<std::string>& cursor,
                                             const std::string& run_id = {});
  // The files a copy sync reads (spec.copy), and the prefix inside the store.
  Result<std::shared_ptr<FileStore>> MakeFileStore(const std::string& org_id, const SyncSpec& spec);
  Result<std::unique_ptr<Destination>> MakeDestination(const std::string& org_id,
                                                       const SyncSpec& spec);
  Result<std::shared_ptr<aws::s3::ScopedBucket>> OpenBucket(const std::string& org_id,
                                                            const S3Target& target);

 private:
  aws::CredentialsProviderPtr VendorCredentials(const std::string& region);
  struct Resolved {
    connect::Connection connection;
    aws::CredentialsProviderPtr credentials;
    std::string generation;
  };
  // A stored connection with its secrets and its credentials (role assumed with the
  // organization's External IDs, or its access key), from the connection runtime.
  Result<Resolved> ResolveConnection(const std::string& org_id, const std::string& name);
  // The VPC endpoint path of a Redshift source: libpq with GetCredentials' password.
  Result<std::unique_ptr<Source>> MakeRedshiftWireSource(
      const connect::Connection& conn, const warehouse::RedshiftSourceOptions& data_api,
      const SourceSpec& spec, std::shared_ptr<const http::OutboundPolicy> outbound);
  // The outbound policy for a tenant's sync; null for the operator's.
  std::shared_ptr<const http::OutboundPolicy> TenantOutbound(const SyncSpec& spec) const;
  // A Kinesis source: the stream of a stored kinesis connection or of the spec.
  Result<std::unique_ptr<Source>> MakeKinesisSource(const std::string& org_id, const SyncSpec& spec,
                                                    const std::optional<std::string>& cursor);
  Result<warehouse::RedshiftTarget> RedshiftFor(const std::string& org_id,
                                                const std::string& connection,
                                                connect::Connection* resolved);

  ConnectorOptions options_;
  std::unique_ptr<connect::ConnectionRuntime> runtime_;  // with a store
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<aws::s3::ScopedBucket>> buckets_;
};

}  // namespace crossdock::sync
