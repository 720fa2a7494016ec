#include "crossdock/sync/jobs/connector.h"

#include <nlohmann/json.hpp>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/connection_credentials.h"
#include "crossdock/connect/connection_runtime.h"
#include "crossdock/connect/postgres_login.h"
#include "crossdock/connect/service.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/arn.h"
#include "crossdock/sync/destinations/local_destination.h"
#include "crossdock/sync/destinations/s3_destination.h"
#include "crossdock/sync/sources/file_source.h"
#include "crossdock/sync/sources/kinesis_source.h"
#include "crossdock/sync/sources/postgres_source.h"
#include "crossdock/sync/warehouses/databricks_destination.h"
#include "crossdock/sync/warehouses/redshift_destination.h"
#include "crossdock/sync/warehouses/redshift_source.h"
#include "crossdock/sync/warehouses/redshift_wire_source.h"

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
  std::string kms_key_arn;  // SSE-KMS key writes are encrypted with (the connection's)
  std::string generation;   // a stored connection's: changes with it and the External IDs
};

constexpr size_t kMaxCachedBuckets = 1024;

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
  if (options_.store != nullptr) {
    connect::VendorContext vendor;
    vendor.endpoints.s3 = options_.s3_endpoint;
    vendor.endpoints.sts = options_.sts_endpoint;
    vendor.endpoints.redshift_data = options_.redshift_data_endpoint;
    vendor.endpoints.redshift_serverless = options_.redshift_serverless_endpoint;
    vendor.endpoints.databricks = options_.databricks_endpoint;
    vendor.endpoints.kinesis = options_.kinesis_endpoint;
    vendor.credentials = [this](const std::string& region) { return VendorCredentials(region); };
    vendor.transport = options_.transport;
    vendor.clock = options_.clock;
    vendor.caching = options_.caching;
    vendor.retry = options_.retry;
    runtime_ = std::make_unique<connect::ConnectionRuntime>(*options_.store, std::move(vendor));
  }
}

Result<Connector::Resolved> Connector::ResolveConnection(const std::string& org_id,
                                                         const std::string& name) {
  if (!runtime_) {
    return Error(ErrorCode::kFailedPrecondition,
                 "connection \"" + name + "\" needs the store to be resolved", "connection");
  }
  auto opened = runtime_->Open(org_id, name);
  if (!opened.ok()) return std::move(opened).error().WithContext("connection " + name);
  Resolved r;
  r.connection = (*opened)->connection;
  r.credentials = (*opened)->credentials;
  r.generation = (*opened)->generation;
  return r;
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
    ASSIGN_OR_RETURN(Resolved r, ResolveConnection(org_id, target.connection));
    loc.generation = r.generation;
    const connect::Connection& conn = r.connection;
    if (conn.type != connect::ConnectionType::kS3 && conn.bucket.empty() && target.bucket.empty()) {
      return Error(ErrorCode::kInvalidArgument,
                   "connection " + target.connection + " has no bucket to stage in", "connection");
    }
    // Internally a bucket may come with a connection: another bucket of the connection's
    // role (Redshift's unload bucket).
    loc.bucket = target.bucket.empty() ? connect::BucketWithPath(conn) : target.bucket;
    if (loc.region.empty()) loc.region = conn.region;
    creds = r.credentials;
    loc.role_arn = conn.role_arn;
    loc.access_key_id = conn.access_key_id;
    loc.kms_key_arn = conn.kms_key_arn;
  }
  if (loc.region.empty()) loc.region = "us-east-1";

  std::string cache_key = org_id + "|" + loc.bucket + "|" + loc.region + "|" + loc.endpoint + "|" +
                          loc.role_arn + "|" + loc.external_id + "|" + loc.access_key_id + "|" +
                          loc.kms_key_arn + "|" + loc.generation;
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
  so.sse_kms_key_id = loc.kms_key_arn;
  ASSIGN_OR_RETURN(auto client, aws::s3::S3Client::Make(so, options_.transport));
  auto bucket = std::make_shared<aws::s3::ScopedBucket>(client, scope);
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: entries of stale generations are dropped wholesale; live ones are rebuilt on use.
  if (buckets_.size() >= kMaxCachedBuckets) buckets_.clear();
  buckets_[cache_key] = bucket;
  return bucket;
}

Result<warehouse::RedshiftTarget> Connector::RedshiftFor(const std::string& org_id,
                                                         const std::string& connection,
                                                         connect::Connection* resolved) {
  ASSIGN_OR_RETURN(Resolved r, ResolveConnection(org_id, connection));
  const connect::Connection& conn = r.connection;
  if (conn.type != connect::ConnectionType::kRedshiftServerless) {
    return Error(ErrorCode::kInvalidArgument,
                 "connection " + connection + " is a " + connect::ConnectionTypeName(conn.type) +
                     " connection; Redshift needs a redshift-serverless connection",
                 "connection");
  }
  if (conn.auth_method != connect::AuthMethod::kIamRole) {
    return Error(ErrorCode::kInvalidArgument,
                 "connection " + connection +
                     " uses an access key; Redshift COPY and UNLOAD need the IAM role that "
                     "Redshift assumes (auth_method iam-role)",
                 "auth_method");
  }
  auto aws = std::make_shared<aws::AwsClient>(options_.transport, r.credentials, *options_.clock,
                                              options_.retry);
  aws::redshift::RedshiftDataOptions ro;
  ro.region = conn.region;
  ro.endpoint_override = options_.redshift_data_endpoint;
  ASSIGN_OR_RETURN(auto client, aws::redshift::RedshiftDataClient::Create(aws, ro));
  warehouse::RedshiftTarget t;
  t.data = std::make_shared<aws::redshift::RedshiftDataClient>(std::move(client));
  t.aws = aws;
  t.target.workgroup_name = conn.redshift.workgroup;
  t.target.database = conn.redshift.database;
  t.iam_role = conn.role_arn;
  t.region = conn.region;
  t.poll = options_.redshift_poll;
  *resolved = conn;
  return t;
}

Result<std::unique_ptr<Source>> Connector::MakeRedshiftWireSource(
    const connect::Connection& conn, const warehouse::RedshiftSourceOptions& data_api,
    const SourceSpec& spec, std::shared_ptr<const http::OutboundPolicy> outbound) {
  aws::redshift::RedshiftServerlessOptions so;
  so.region = conn.region;
  so.endpoint_override = options_.redshift_serverless_endpoint;
  ASSIGN_OR_RETURN(auto serverless,
                   aws::redshift::RedshiftServerlessClient::Create(data_api.target.aws, so));
  warehouse::RedshiftWireOptions w;
  w.host = conn.redshift.vpc_endpoint_host;
  w.port = conn.redshift.vpc_endpoint_port;
  w.database = options_.redshift_vpc_database.empty() ? conn.redshift.database
                                                      : options_.redshift_vpc_database;
  w.workgroup = conn.redshift.workgroup;
  w.table = spec.table;
  w.query = spec.query;
  w.cursor_column = data_api.cursor_column;
  w.cursor_after = data_api.cursor_after;
  aws::redshift::GetCredentialsParams params;
  params.workgroup_name = conn.redshift.workgroup;
  params.db_name = conn.redshift.database;
  w.credentials = [serverless, params] { return serverless.GetCredentials(params); };
  w.outbound = std::move(outbound);
  return std::unique_ptr<Source>(new warehouse::RedshiftWireSource(std::move(w)));
}

std::shared_ptr<const http::OutboundPolicy> Connector::TenantOutbound(const SyncSpec& spec) const {
  if (!spec.tenant) return nullptr;
  if (options_.tenant_outbound) return options_.tenant_outbound;
  return std::make_shared<const http::OutboundPolicy>();
}

Result<std::unique_ptr<Source>> Connector::MakeKinesisSource(
    const std::string& org_id, const SyncSpec& spec, const std::optional<std::string>& cursor) {
  const SourceSpec& s = spec.source;
  const KinesisSourceSpec& k = s.kinesis;
  std::string stream_arn = k.stream_arn;
  aws::CredentialsProviderPtr creds;
  if (!s.connection.empty()) {
    ASSIGN_OR_RETURN(Resolved r, ResolveConnection(org_id, s.connection));
    if (r.connection.type != connect::ConnectionType::kKinesis) {
      return Error(ErrorCode::kInvalidArgument,
                   "connection " + s.connection + " is a " +
                       connect::ConnectionTypeName(r.connection.type) +
                       " connection; a kinesis source needs a kinesis connection",
                   "source.connection");
    }
    stream_arn = r.connection.kinesis.stream_arn;
    creds = r.credentials;
  }
  std::string stream = connect::KinesisStreamName(stream_arn);
  auto arn = iam::ParseArn(stream_arn);
  if (stream.empty() || !arn.ok()) {
    return Error(ErrorCode::kInvalidArgument, "\"" + stream_arn + "\" is not a Kinesis stream ARN",
                 "source.stream_arn");
  }
  std::string region = arn->region.empty() ? "us-east-1" : arn->region;
  if (!creds) {  // the spec's stream: the vendor's credentials, or a role assumed with them
    creds = VendorCredentials(region);
    if (!k.role_arn.empty()) {
      aws::AssumeRoleOptions ar;
      ar.role_arn = k.role_arn;
      ar.external_id = k.external_id;
      ar.region = region;
      ar.endpoint_override = !k.sts_endpoint.empty() ? k.sts_endpoint : options_.sts_endpoint;
      ar.duration = options_.role_duration;
      ar.role_session_name = aws::MakeRoleSessionName("sync");
      ASSIGN_OR_RETURN(creds,
                       aws::MakeCachedAssumeRole(creds, ar, options_.transport, *options_.clock,
                                                 options_.caching, options_.retry));
    }
  }
  auto aws_client =
      std::make_shared<aws::AwsClient>(options_.transport, creds, *options_.clock, options_.retry);
  aws::kinesis::KinesisOptions ko;
  ko.region = region;
  ko.endpoint_override = !k.endpoint.empty() ? k.endpoint : options_.kinesis_endpoint;
  ASSIGN_OR_RETURN(auto client, aws::kinesis::KinesisClient::Create(aws_client, ko));
  KinesisSourceOptions o;
  o.client = std::make_shared<const aws::kinesis::KinesisClient>(std::move(client));
  o.stream_name = stream;
  o.start = k.start;
  o.checkpoint = cursor;
  o.max_parallel_shards = k.max_parallel_shards;
  o.records_per_call = k.records_per_call;
  // Warehouses stage JSON Lines whatever the sync's format says.
  o.json_data = spec.output.format == Format::kJsonLines ||
                spec.destination.type == DestinationType::kRedshift ||
                spec.destination.type == DestinationType::kDatabricks;
  o.clock = options_.clock;
  return std::unique_ptr<Source>(new KinesisSource(std::move(o)));
}

Result<std::unique_ptr<Source>> Connector::MakeSource(const std::string& org_id,
                                                      const SyncSpec& spec,
                                                      const std::optional<std::string>& cursor,
                                                      const std::string& run_id) {
  const SourceSpec& s = spec.source;
  switch (s.type) {
    case SourceType::kPostgres: {
      PostgresSourceOptions o;
      o.conninfo = s.url;
      o.table = s.table;
      o.query = s.query;
      o.cursor_column = spec.cursor_column;
      o.cursor_after = cursor;
      o.tenant_policy = TenantOutbound(spec);
      if (!s.connection.empty()) {
        ASSIGN_OR_RETURN(Resolved r, ResolveConnection(org_id, s.connection));
        if (r.connection.type != connect::ConnectionType::kPostgres) {
          return Error(ErrorCode::kInvalidArgument,
                       "connection " + s.connection + " is a " +
                           connect::ConnectionTypeName(r.connection.type) +
                           " connection; a postgres source needs a postgres connection",
                       "source.connection");
        }
        // The operator's own syncs (the CLI) may reach any address; a tenant's only what the
        // outbound policy allows.
        static const auto* any = new http::OutboundPolicy(
            {http::ParseNetwork("0.0.0.0/0").value(), http::ParseNetwork("::/0").value()});
        ASSIGN_OR_RETURN(o.login,
                         connect::PostgresLoginFor(
                             r.connection.postgres, o.tenant_policy ? *o.tenant_policy : *any,
                             "source.connection", o.connect_timeout_s, "crossdock-sync"));
        o.connection_name = r.connection.name;
      }
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
    case SourceType::kRedshift: {
      connect::Connection conn;
      warehouse::RedshiftSourceOptions o;
      ASSIGN_OR_RETURN(o.target, RedshiftFor(org_id, s.connection, &conn));
      o.table = s.table;
      o.query = s.query;
      o.run_id = run_id;
      o.cursor_column = spec.cursor_column;
      o.cursor_after = cursor;
      o.unload = s.unload.value_or(conn.redshift.unload_enabled);
      if (!o.unload && conn.redshift.access == connect::RedshiftAccess::kVpcEndpoint) {
        return MakeRedshiftWireSource(conn, o, spec.source, TenantOutbound(spec));
      }
      if (o.unload) {
        // The connection's unload bucket, or else its staging bucket.
        S3Target unload;
        unload.connection = s.connection;
        if (!conn.redshift.unload_bucket.empty()) {
          unload.bucket =
              conn.redshift.unload_bucket +
              (conn.redshift.unload_path.empty() ? "" : "/" + conn.redshift.unload_path);
          unload.region = conn.redshift.unload_region;
          o.unload_region = conn.redshift.unload_region;
        }
        ASSIGN_OR_RETURN(o.unload_bucket, OpenBucket(org_id, unload));
      }
      return std::unique_ptr<Source>(new warehouse::RedshiftSource(std::move(o)));
    }
    case SourceType::kKinesis:
      return MakeKinesisSource(org_id, spec, cursor);
  }
  return Error(ErrorCode::kInternal, "unknown source type");
}

Result<std::shared_ptr<FileStore>> Connector::MakeFileStore(const std::string& org_id,
                                                            const SyncSpec& spec) {
  const SourceSpec& s = spec.source;
  if (s.type == SourceType::kLocal) return std::shared_ptr<FileStore>(MakeLocalFileStore(s.root));
  if (s.type != SourceType::kS3) {
    return Error(ErrorCode::kInvalidArgument, "copy syncs read s3 or local files", "source.type");
  }
  ASSIGN_OR_RETURN(auto bucket, OpenBucket(org_id, s.s3));
  return std::shared_ptr<FileStore>(MakeS3FileStore(bucket));
}

Result<std::unique_ptr<Destination>> Connector::MakeDestination(const std::string& org_id,
                                                                const SyncSpec& spec) {
  const DestinationSpec& d = spec.destination;
  if (d.type == DestinationType::kLocal) {
    return std::unique_ptr<Destination>(new LocalDestination(d.root));
  }
  if (d.type == DestinationType::kRedshift || d.type == DestinationType::kDatabricks) {
    bool redshift = d.type == DestinationType::kRedshift;
    warehouse::TableLoad load;
    ASSIGN_OR_RETURN(load.table,
                     warehouse::ParseTableName(
                         redshift ? warehouse::Dialect::kRedshift : warehouse::Dialect::kDatabricks,
                         d.table, "destination.table"));
    ASSIGN_OR_RETURN(load.mode, warehouse::ParseLoadMode(d.mode));
    load.merge_keys = d.merge_keys;
    S3Target staging_target;
    staging_target.connection = d.connection;
    ASSIGN_OR_RETURN(auto staging, OpenBucket(org_id, staging_target));
    if (redshift) {
      connect::Connection conn;
      ASSIGN_OR_RETURN(auto target, RedshiftFor(org_id, d.connection, &conn));
      return std::unique_ptr<Destination>(new warehouse::RedshiftDestination(
          std::move(target), staging, std::move(load), options_.staging));
    }
    ASSIGN_OR_RETURN(Resolved r, ResolveConnection(org_id, d.connection));
    if (r.connection.type != connect::ConnectionType::kDatabricks) {
      return Error(ErrorCode::kInvalidArgument,
                   "connection " + d.connection + " is a " +
                       connect::ConnectionTypeName(r.connection.type) +
                       " connection; a databricks destination needs a databricks connection",
                   "destination.connection");
    }
    databricks::DatabricksOptions dbo;
    dbo.host = options_.databricks_endpoint.empty() ? r.connection.databricks.workspace_url
                                                    : options_.databricks_endpoint;
    dbo.token = r.connection.databricks.token.value.value_or("");
    dbo.warehouse_id = r.connection.databricks.warehouse_id;
    ASSIGN_OR_RETURN(auto client,
                     databricks::StatementClient::Create(
                         options_.databricks_endpoint.empty() && spec.tenant
                             ? http::WithOutboundPolicy(options_.transport, TenantOutbound(spec))
                             : options_.transport,
                         *options_.clock, dbo));
    warehouse::DatabricksTarget target;
    target.client = std::make_shared<databricks::StatementClient>(std::move(client));
    target.credential = r.connection.databricks.storage_credential;
    target.poll = options_.databricks_poll;
    return std::unique_ptr<Destination>(new warehouse::DatabricksDestination(
        std::move(target), staging, std::move(load), options_.staging));
  }
  ASSIGN_OR_RETURN(auto bucket, OpenBucket(org_id, d.s3));
  return std::unique_ptr<Destination>(new S3Destination(bucket, options_.staging));
}

}  // namespace crossdock::sync
