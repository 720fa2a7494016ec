// SyncSpec: what a sync definition says, as stored (JSON) and as the REST API and the CLI
// accept it. The JSON form:
//
//   {"source": {"type": "postgres", "connection": "acme-pg",
//               "table": "public.orders"}                     (or "query": "SELECT ...")
//            | {"type": "postgres", "url": "postgresql://user@host:5432/db", "table": ...}
//            | {"type": "s3", "connection": "acme-s3", "prefix": "incoming/"}
//            | {"type": "s3", "bucket": "bucket/path", "region": "...", "role_arn": "...",
//               "external_id": "...", "endpoint": "http://...", "prefix": "..."}
//            | {"type": "local", "root": "/data/in", "prefix": ""}
//            | {"type": "redshift", "connection": "acme-redshift",
//               "table": "public.orders" (or "query": "SELECT ..."),
//               "unload": true | false (default: the connection's "unload data to S3")}
//            | {"type": "kinesis", "connection": "acme-clicks",
//               "start": "trim_horizon" | "latest" | {"at_timestamp": "2024-05-01T00:00:00Z"},
//               "max_parallel_shards": 8, "records_per_call": 10000}
//            | {"type": "kinesis", "stream_arn": "arn:aws:kinesis:...:stream/clicks",
//               "role_arn": "...", "external_id": "...", "endpoint": "http://...",
//               "sts_endpoint": "http://...", "start": ..., ...},
//    "destination": {"type": "s3", "connection": "acme-s3", "path": "exports/orders"}
//                 | {"type": "s3", "bucket": "bucket/path", ..., "path": "..."}
//                 | {"type": "local", "root": "/data/out", "path": "orders"}
//                 | {"type": "redshift", "connection": "acme-redshift",
//                    "table": "analytics.orders", "mode": "append" | "merge" | "replace",
//                    "merge_keys": ["id"]}
//                 | {"type": "databricks", "connection": "acme-dbx",
//                    "table": "main.sales.orders", "mode": "append" | "merge",
//                    "merge_keys": ["id"]},
//    "format": "csv" | "jsonl", "compression": "zstd" | "gzip" | "none",
//    "compression_level": 0, "file_size": 268435456,
//    "incremental": {"cursor_column": "updated_at"},
//    "copy": false}
//
// Everything but source and destination is optional (CSV, zstd, 256 MiB files, full
// refresh). Warehouse connections (redshift-serverless, databricks) are always stored
// connections: their secrets (the Databricks token) never sit in a sync definition. For
// warehouse destinations the staged files' format is the warehouse's (format and
// compression do not apply). A PostgreSQL source names a postgres connection (its password is
// stored encrypted with the connection) or a URL, which must not carry a password: definitions
// are stored in the clear. With a URL the operator's CLI syncs take the password from
// PGPASSWORD or a .pgpass file, as libpq does; a tenant's URL source gets none. Parsing
// reports the first problem as kInvalidArgument with the JSON path in field() ("source.table").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/sync/runner.h"
#include "crossdock/sync/sources/kinesis_source.h"

namespace crossdock::sync {

// An S3 location: a stored connection (by name or id), or a bucket/path with its access.
struct S3Target {
  std::string connection;
  std::string bucket;  // "bucket" or "bucket/path"
  std::string region;
  std::string endpoint;  // S3 endpoint override (and STS unless sts_endpoint is set)
  std::string sts_endpoint;
  std::string role_arn;
  std::string external_id;
};

enum class SourceType { kPostgres, kS3, kLocal, kRedshift, kKinesis };

// A Kinesis stream: a stored kinesis connection (SourceSpec::connection), or the stream ARN
// with its access given inline (the vendor's credentials, or a role assumed with them).
struct KinesisSourceSpec {
  std::string stream_arn;        // inline: arn:aws:kinesis:REGION:ACCOUNT:stream/NAME
  std::string role_arn;          // inline, optional
  std::string external_id;       // inline, with role_arn
  std::string endpoint;          // Kinesis endpoint override (a VPC endpoint, a local peer)
  std::string sts_endpoint;      // inline: STS endpoint override for role_arn
  KinesisStart start;            // sources/kinesis_source.h
  int max_parallel_shards = 8;   // shards read at the same time (1..64)
  int records_per_call = 10000;  // GetRecords Limit (1..10000)
};
enum class DestinationType { kS3, kLocal, kRedshift, kDatabricks };

struct SourceSpec {
  SourceType type = SourceType::kPostgres;
  std::string url;               // postgres
  std::string table;             // postgres, redshift
  std::string query;             // postgres, redshift
  std::string connection;        // redshift, kinesis, postgres (instead of url)
  std::optional<bool> unload;    // redshift; unset: the connection's setting
  S3Target s3;                   // s3
  std::string root;              // local
  std::string prefix;            // s3 and local: files under this relative prefix
  std::optional<Format> format;  // files: forced format (default: by extension)
  KinesisSourceSpec kinesis;     // kinesis
};

struct DestinationSpec {
  DestinationType type = DestinationType::kS3;
  S3Target s3;
  std::string root;                     // local
  std::string path;                     // output folder inside the destination (s3, local)
  std::string connection;               // redshift, databricks
  std::string table;                    // redshift, databricks
  std::string mode;                     // "append" (default), "merge", "replace"
  std::vector<std::string> merge_keys;  // with merge
};

struct SyncSpec {
  SourceSpec source;
  DestinationSpec destination;
  OutputOptions output;
  std::string cursor_column;  // incremental when set (PostgreSQL and Redshift sources)
  // Files copied byte for byte (copy_runner.h): S3 or local files to S3 or local; format,
  // compression and incremental do not apply.
  bool copy = false;
  // A tenant's sync (created over the REST API; "origin": "api" in the stored JSON): its
  // outbound targets are checked against the workers' outbound policy at run time and its
  // PostgreSQL source never gets the worker's own credentials (sources/postgres_target.h).
  bool tenant = false;
};

Result<SyncSpec> SyncSpecFromJson(const nlohmann::json& j);
Result<SyncSpec> ParseSyncSpec(std::string_view json_text);
nlohmann::json SyncSpecToJson(const SyncSpec& spec);

}  // namespace crossdock::sync
