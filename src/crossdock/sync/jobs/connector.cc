#include "crossdock/sync/jobs/connector.h"

#include <nlohmann/json.hpp>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/connection_credentials.h"
#include "crossdock/connect/service.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/sync/destinations/local_destination.h"
#include "crossdock/sync/destinations/s3_destination.h"
#include "crossdock/sync/sources/file_source.h"
#include "crossdock/sync/sources/postgres_source.h"

namespace crossdock::sync {
namespace {

// The S3 location with everything resolved.
struct Location {
  std::string bucket;  // bucket/path
  std::string region;
  std::string endpoint;
  std::string sts_endpoint;
  std::string role_arn;
  std::string external_id;
  std::string access_key_id;
};

}  // namespace

aws::CredentialsProviderPtr Connector::VendorCredentials(const std::string& region) {
  if (options_.vendor_credentials) return options_.vendor_credentials;
  aws::CredentialsSetup setup;
  setup.region = region;
  return aws::MakeDefaultCredentialsChain(setup, options_.transport, *options_.clock);
}

Connector::Connector(ConnectorOptions options) : options_(std::move(options)) {
  if (!options_.transport) {
    options_.transport = std::make_shared<http::CurlTransport>();
  }
  if (!options_.clock) options_.clock = &SystemClock::Instance();
}

Result<std::shared_ptr<aws::s3::ScopedBucket>> Connector::OpenBucket(const std::string& org_id,
                                                                     const S3Target& target) {
  Location loc;
  loc.bucket = target.bucket;
  loc.region = target.region;
  loc.endpoint = target.endpoint.empty() ? options_.s3_endpoint : target.endpoint;
  loc.sts_endpoint = !target.sts_endpoint.empty()     ? target.sts_endpoint
                     : !options_.sts_endpoint.empty() ? options_.sts_endpoint
                                                      : loc.endpoint;
  loc.role_arn = target.role_arn;
  loc.external_id = target.external_id;
  aws::CredentialsProviderPtr creds;
  if (!target.connection.empty()) {
    if (!options_.store) {
      return Error(ErrorCode::kFailedPrecondition,
                   "connection \"" + target.connection + "\" needs the store to be resolved",
                   "connection");
    }
    connect::ConnectionService service(*options_.store);
    auto conn = service.GetConnection(org_id, target.connection, /*with_secrets=*/true);
    if (!conn.ok()) return std::move(conn).error().WithContext("connection " + target.connection);
    if (conn->type != connect::ConnectionType::kS3 && conn->bucket.empty()) {
      return Error(ErrorCode::kInvalidArgument,
                   "connection " + target.connection + " has no bucket to stage in", "connection");
    }
    loc.bucket = connect::BucketWithPath(*conn);
    if (loc.region.empty()) loc.region = conn->region;
    ASSIGN_OR_RETURN(auto ids, service.GetExternalIds(org_id));
    connect::VendorAccess vendor;
    vendor.credentials = VendorCredentials(loc.region);
    vendor.sts_endpoint = loc.sts_endpoint;
    vendor.transport = options_.transport;
    vendor.clock = options_.clock;
    vendor.caching = options_.caching;
    vendor.retry = options_.retry;
    ASSIGN_OR_RETURN(creds, connect::ConnectionCredentials(*conn, ids.All(), vendor));
    loc.role_arn = conn->role_arn;
    loc.access_key_id = conn->access_key_id;
  }
  if (loc.region.empty()) loc.region = "us-east-1";

  std::string cache_key = org_id + "|" + loc.bucket + "|" + loc.region + "|" + loc.endpoint + "|" +
                          loc.role_arn + "|" + loc.external_id + "|" + loc.access_key_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = buckets_.find(cache_key);
    if (it != buckets_.end()) return it->second;
  }

  ASSIGN_OR_RETURN(aws::s3::BucketScope scope, aws::s3::ParseBucketScope(loc.bucket));
  if (!creds) {  // a spec-given location: the vendor's credentials, or a role assumed with them
    aws::CredentialsProviderPtr source = VendorCredentials(loc.region);
    if (loc.role_arn.empty()) {
      creds = source;
    } else {
      aws::AssumeRoleOptions ar;
      ar.role_arn = loc.role_arn;
      ar.external_id = loc.external_id;
      ar.region = loc.region;
      ar.endpoint_override = loc.sts_endpoint;
      ar.duration = options_.role_duration;
      ar.role_session_name = aws::MakeRoleSessionName("sync");
      ASSIGN_OR_RETURN(auto cached,
                       aws::MakeCachedAssumeRole(source, ar, options_.transport, *options_.clock,
                                                 options_.caching, options_.retry));
      creds = cached;
    }
  }
  aws::s3::S3Options so = aws::s3::S3Options::FromCredentials(creds);
  so.region = loc.region;
  so.endpoint_override = loc.endpoint;
  so.clock = options_.clock;
  so.concurrency = options_.s3_concurrency;
  so.retry = options_.retry;
  ASSIGN_OR_RETURN(auto client, aws::s3::S3Client::Make(so, options_.transport));
  auto bucket = std::make_shared<aws::s3::ScopedBucket>(client, scope);
  std::lock_guard<std::mutex> lock(mu_);
  buckets_[cache_key] = bucket;
  return bucket;
}

Result<std::unique_ptr<Source>> Connector::MakeSource(const std::string& org_id,
                                                      const SyncSpec& spec,
                                                      const std::optional<std::string>& cursor) {
  const SourceSpec& s = spec.source;
  switch (s.type) {
    case SourceType::kPostgres: {
      PostgresSourceOptions o;
      o.conninfo = s.url;
      o.table = s.table;
      o.query = s.query;
      o.cursor_column = spec.cursor_column;
      o.cursor_after = cursor;
      return std::unique_ptr<Source>(new PostgresSource(o));
    }
    case SourceType::kS3: {
      ASSIGN_OR_RETURN(auto bucket, OpenBucket(org_id, s.s3));
      return std::unique_ptr<Source>(
          new FileSetSource(MakeS3FileStore(bucket), s.prefix, s.format));
    }
    case SourceType::kLocal:
      return std::unique_ptr<Source>(
          new FileSetSource(MakeLocalFileStore(s.root), s.prefix, s.format));
  }
  return Error(ErrorCode::kInternal, "unknown source type");
}

Result<std::unique_ptr<Destination>> Connector::MakeDestination(const std::string& org_id,
                                                                const SyncSpec& spec) {
  const DestinationSpec& d = spec.destination;
  if (d.type == DestinationType::kLocal) {
    return std::unique_ptr<Destination>(new LocalDestination(d.root));
  }
  ASSIGN_OR_RETURN(auto bucket, OpenBucket(org_id, d.s3));
  return std::unique_ptr<Destination>(new S3Destination(bucket, options_.staging));
}

}  // namespace crossdock::sync
