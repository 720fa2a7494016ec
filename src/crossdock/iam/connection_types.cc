#include "crossdock/iam/connection_types.h"

#include <string>

namespace crossdock::iam {

const std::vector<ConnectionTypeInfo>& ConnectionTypes() {
  static const std::vector<ConnectionTypeInfo> table = {
      {ConnectionType::kS3, "s3", "Amazon S3", "Bucket (optionally bucket/path)", true, false,
       kUseTest | kUseSource | kUseDestination, false,
       "Read and write a bucket, optionally limited to a path.", true},
      {ConnectionType::kDatabricks, "databricks", "Databricks (Unity Catalog)",
       "Staging bucket (optionally bucket/path)", true, true,
       kUseTest | kUseDestination | kUseStaging | kUseWarehouseLoad, false,
       "Stage data in S3 for a Databricks SQL warehouse (COPY INTO).", true},
      {ConnectionType::kRedshiftServerless, "redshift-serverless", "Amazon Redshift Serverless",
       "Staging bucket (optionally bucket/path)", false, false,
       kUseTest | kUseSource | kUseDestination | kUseStaging | kUseUnload | kUseWarehouseLoad, true,
       "Read with the Data API or UNLOAD; stage writes in S3 for COPY.", true},
      {ConnectionType::kKinesis, "kinesis", "Amazon Kinesis Data Streams", "", false, true,
       kUseTest | kUseSource, true, "Read a data stream's records, shard by shard (IAM role only).",
       true},
      {ConnectionType::kPostgres, "postgres", "PostgreSQL", "", false, false, kUseTest | kUseSource,
       false, "Read a table or query with the database's own user and password.", false},
  };
  return table;
}

const ConnectionTypeInfo& TypeInfo(ConnectionType type) {
  for (const ConnectionTypeInfo& info : ConnectionTypes()) {
    if (info.type == type) return info;
  }
  return ConnectionTypes().front();
}

const char* ConnectionTypeName(ConnectionType type) { return TypeInfo(type).name; }

std::vector<std::string> ConnectionTypeNames() {
  std::vector<std::string> names;
  for (const ConnectionTypeInfo& info : ConnectionTypes()) names.push_back(info.name);
  return names;
}

Result<ConnectionType> ParseConnectionType(std::string_view name) {
  std::string names;
  for (const ConnectionTypeInfo& info : ConnectionTypes()) {
    if (name == info.name) return info.type;
    names += names.empty() ? "" : ", ";
    names += info.name;
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown connection type \"" + std::string(name) + "\"; use one of " + names,
               "type");
}

}  // namespace crossdock::iam
