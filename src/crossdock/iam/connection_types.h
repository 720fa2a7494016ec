// The one table of connection types: what each type is called on the command line, in the
// API and in the web UI, what it reaches in the customer's account and which uses (source,
// destination, staging, unload, warehouse load) it serves.
//
// connect/ (stored connections), iam/ (generated policies and the operation table), the
// OpenAPI schemas and the web UI's form all read this table; nothing else lists the types.
// A type that is not an AWS service (postgres) says so in `aws`; consumers that speak IAM skip
// it. It holds names and facts only: validation of a connection's fields is connect/'s, the
// operations a type performs are in operations.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::iam {

enum class ConnectionType { kS3, kDatabricks, kRedshiftServerless, kKinesis, kPostgres };

// What a connection is used for; a bit set in OperationDef and ConnectionTypeInfo.
enum Use : unsigned {
  kUseTest = 1u << 0,           // the connection test's probes
  kUseSource = 1u << 1,         // a sync reads from it (files, tables, UNLOAD)
  kUseDestination = 1u << 2,    // a sync writes files into it
  kUseStaging = 1u << 3,        // files staged for a warehouse load, removed after the run
  kUseUnload = 1u << 4,         // Redshift UNLOAD writes into it, crossdock reads it back
  kUseWarehouseLoad = 1u << 5,  // a warehouse (Redshift COPY, Databricks COPY INTO) reads it
};

struct ConnectionTypeInfo {
  ConnectionType type;
  const char* name;   // "s3": the CLI, the API and the store
  const char* title;  // "Amazon S3": the web UI
  // What the bucket field means for this type, for forms and errors.
  const char* bucket_label;
  bool bucket_required;    // S3 and Databricks stage through a bucket; Redshift may not;
                           // Kinesis reads a stream and has no bucket field (label "")
  bool role_arn_required;  // Databricks: the role must name itself (self-assume)
  unsigned uses;           // the Use bits it serves
  bool role_only;          // IAM role only, never access keys (Redshift Serverless, Kinesis)
  const char* summary;     // one line for the web UI's type choice
  // Reached through AWS with an IAM role or access key (policies, External IDs, AWS probes).
  // False for a database reached with its own user and password (postgres): no policies,
  // no role, no region; its connection test is a database login.
  bool aws;
};

// Every type, in the order the UI offers them.
const std::vector<ConnectionTypeInfo>& ConnectionTypes();
const ConnectionTypeInfo& TypeInfo(ConnectionType type);

const char* ConnectionTypeName(ConnectionType type);  // "s3", "databricks", ...
// Every type's name, in the table's order (for CLI choices and schema enums).
std::vector<std::string> ConnectionTypeNames();
// kInvalidArgument naming the field "type" and the accepted names.
Result<ConnectionType> ParseConnectionType(std::string_view name);

}  // namespace crossdock::iam
