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
// come from the spec or ConnectorOptions. Clients are cached per location so that a worker
// reuses connections and credentials across runs. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/transport.h"
#include "crossdock/store/store.h"
#include "crossdock/sync/destinations/destination.h"
#include "crossdock/sync/destinations/s3_staging.h"
#include "crossdock/sync/sources/source.h"
#include "crossdock/sync/spec.h"

namespace crossdock::sync {

struct ConnectorOptions {
  // For connection lookups and the organization's External ID; may be null (then only
  // spec-given S3 locations work).
  store::Store* store = nullptr;
  // Source credentials for AssumeRole; null: the default chain (environment, profile).
  aws::CredentialsProviderPtr vendor_credentials;
  // Defaults when a location does not set them.
  std::string s3_endpoint;   // e.g. a local RGW
  std::string sts_endpoint;  // e.g. the External ID front in tests
  std::chrono::seconds role_duration{3600};
  aws::CachingOptions caching;
  S3StagingOptions staging;
  int s3_concurrency = 4;
  aws::RetryOptions retry;
  // Shared by all clients; null: a new CurlTransport.
  std::shared_ptr<http::HttpTransport> transport;
  // Time for signing and credential expiry; null: the system clock.
  Clock* clock = nullptr;
};

class Connector {
 public:
  explicit Connector(ConnectorOptions options);

  // `cursor` is the saved incremental cursor (PostgreSQL sources).
  Result<std::unique_ptr<Source>> MakeSource(const std::string& org_id, const SyncSpec& spec,
                                             const std::optional<std::string>& cursor);
  Result<std::unique_ptr<Destination>> MakeDestination(const std::string& org_id,
                                                       const SyncSpec& spec);
  Result<std::shared_ptr<aws::s3::ScopedBucket>> OpenBucket(const std::string& org_id,
                                                            const S3Target& target);

 private:
  aws::CredentialsProviderPtr VendorCredentials(const std::string& region);

  ConnectorOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<aws::s3::ScopedBucket>> buckets_;
};

}  // namespace crossdock::sync
