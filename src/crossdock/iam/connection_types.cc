#include "crossdock/iam/connection_types.h"

#include <string>

namespace crossdock::iam {

const std::vector<ConnectionTypeInfo>& ConnectionTypes() {
  static const std::vector<ConnectionTypeInfo> table = {
      {ConnectionType::kS3, "s3", "Amazon S3", "Bucket (optionally bucket/path)", true, false,
       kUseTest | kUseSource | kUseDestination},
      {ConnectionType::kDatabricks, "databricks", "Databricks (Unity Catalog)",
       "Staging bucket (optionally bucket/path)", true, true,
       kUseTest | kUseDestination | kUseStaging | kUseWarehouseLoad},
      {ConnectionType::kRedshiftServerless, "redshift-serverless", "Amazon Redshift Serverless",
       "Staging bucket (optionally bucket/path)", false, false,
       kUseTest | kUseSource | kUseDestination | kUseStaging | kUseUnload | kUseWarehouseLoad},
      {ConnectionType::kKinesis, "kinesis", "Amazon Kinesis Data Streams", "", false, true,
       kUseTest | kUseSource},
      {ConnectionType::kPostgres, "postgres", "PostgreSQL", "", false, false, kUseTest | kUseSource,
       /*aws=*/false},
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
