// The connection model: how crossdock reaches one customer resource in AWS. A connection has
// a type (an S3 bucket, a Databricks workspace staging through S3, a Redshift Serverless
// workgroup), an authentication method (an access key and secret, or an IAM role assumed
// with the organization's External ID), a region and a bucket with an optional path prefix
// that confines crossdock to part of the bucket (seed 001's "output/customers"), plus the
// fields of its type.
//
// A postgres connection (a database a sync reads) has none of the AWS fields, only its own
// host, port, database, user, password and TLS mode.
//
// Secrets (the AWS secret access key, the Databricks token, the PostgreSQL password) are
// write-only: a Connection read for display carries only whether each is set; the value is present
// only when the caller supplied it or asked the service to decrypt it. This header is plain data
// and names; validation is in validation.h, JSON in connection_json.h, persistence in service.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/iam/connection_types.h"

namespace crossdock::connect {

// The connection types are iam/connection_types.h's one table.
using iam::ConnectionType;
using iam::ConnectionTypeName;
using iam::ParseConnectionType;
enum class AuthMethod { kAccessKey, kIamRole };
enum class RedshiftAccess { kDataApi, kVpcEndpoint };

// "access-key", "iam-role" and back (field "auth_method").
const char* AuthMethodName(AuthMethod method);
Result<AuthMethod> ParseAuthMethod(std::string_view text);
// "data-api", "vpc-endpoint" and back (field "redshift.access").
const char* RedshiftAccessName(RedshiftAccess access);
Result<RedshiftAccess> ParseRedshiftAccess(std::string_view text);

// A write-only field. On input: `value` set replaces the secret, `clear` removes it, neither
// keeps what is stored. On output: `is_set` tells whether one is stored; `value` is filled
// only when decrypted for use (never for display).
struct Secret {
  std::optional<std::string> value;
  bool clear = false;
  bool is_set = false;
};

struct DatabricksFields {
  std::string workspace_url;       // https://dbc-1234abcd-5678.cloud.databricks.com
  std::string warehouse_id;        // SQL warehouse id, e.g. 1234567890abcdef
  Secret token;                    // personal access or service principal token (secret)
  std::string storage_credential;  // Unity Catalog storage credential name (optional)
  std::string external_id;         // the External ID Databricks generated for it (optional)
  // The Databricks deployment whose Unity Catalog principal assumes the role:
  // "commercial", "govcloud" or "govcloud-dod" (iam::DatabricksUnityCatalogs); empty: the
  // region's partition's default (commercial for aws, govcloud for aws-us-gov).
  std::string unity_catalog;
};

struct RedshiftServerlessFields {
  std::string workgroup;  // workgroup name
  std::string database;   // database name, e.g. dev
  RedshiftAccess access = RedshiftAccess::kDataApi;
  std::string vpc_endpoint_host;  // with kVpcEndpoint: the endpoint's DNS name
  int vpc_endpoint_port = 5439;   // with kVpcEndpoint
  bool unload_enabled = false;    // "Unload data to S3"
  std::string unload_bucket;      // with unload: bucket (optionally with a path prefix)
  std::string unload_path;
  std::string unload_region;
};

// Kinesis Data Streams (seed 002): one stream, read with an IAM role only. The connection's
// region and the stream's account come from the ARN.
struct KinesisFields {
  std::string stream_arn;   // arn:aws:kinesis:REGION:ACCOUNT:stream/NAME
  std::string kms_key_arn;  // optional: the stream's SSE-KMS key (adds kms:Decrypt)
};

// A PostgreSQL database (a sync source) reached with its own user and password; not an AWS
// type: auth_method, role, region and bucket do not apply.
struct PostgresFields {
  std::string host;      // DNS name or IP address literal, no scheme, port or path
  int port = 5432;       // 1 to 65535
  std::string database;  // dbname
  std::string user;
  Secret password;                  // write-only; empty only for a server that trusts the network
  std::string sslmode = "require";  // disable | prefer | require | verify-ca | verify-full
};

// libpq's sslmode values a postgres connection accepts, in increasing strength.
bool IsPostgresSslMode(std::string_view mode);

// The stream name of a Kinesis stream ARN ("" when it is not one).
std::string KinesisStreamName(std::string_view stream_arn);

struct Connection {
  std::string id;      // "conn_..."; empty until stored
  std::string org_id;  // owner
  ConnectionType type = ConnectionType::kS3;
  std::string name;  // unique within the organization
  AuthMethod auth_method = AuthMethod::kIamRole;
  std::string access_key_id;  // access-key only
  Secret secret_access_key;   // access-key only
  std::string role_arn;       // iam-role only
  std::string region;         // the bucket's region, e.g. us-west-1
  std::string bucket;         // bucket name (for Databricks and Redshift: the staging bucket)
  std::string path;           // optional prefix inside the bucket, without slashes at the ends
  // Optional SSE-KMS key of the bucket(s) (s3; databricks staging; redshift-serverless
  // staging and unload): arn:PARTITION:kms:REGION:ACCOUNT:key/ID or alias/NAME. Writes ask
  // S3 to encrypt with it; the generated policy allows kms:GenerateDataKey and kms:Decrypt
  // on it. Kinesis connections use kinesis.kms_key_arn instead.
  std::string kms_key_arn;
  DatabricksFields databricks;
  RedshiftServerlessFields redshift;
  KinesisFields kinesis;
  PostgresFields postgres;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// Splits "output/customers" into bucket "output" and path "customers". The path is returned
// as typed (ValidatePath judges it) except that one trailing slash is dropped.
void SplitBucketAndPath(std::string_view text, std::string* bucket, std::string* path);

// "bucket" or "bucket/path" for display.
std::string BucketWithPath(const Connection& c);

// The Unity Catalog principal of a Databricks connection: databricks.unity_catalog's, else
// the default of the region's partition; "" when there is none (aws-cn, unknown values).
std::string DatabricksUnityCatalogPrincipal(const Connection& c);

// True when crossdock reaches the connection by assuming the customer's role as its vendor
// identity: an AWS type with auth_method iam-role (not access keys, not a database login).
bool AssumesVendorRole(const Connection& c);

}  // namespace crossdock::connect
