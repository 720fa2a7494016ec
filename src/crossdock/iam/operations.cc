#include "crossdock/iam/operations.h"

#include <algorithm>

namespace crossdock::iam {
namespace {

constexpr unsigned kS3 = TypeBit(ConnectionType::kS3);
constexpr unsigned kDbx = TypeBit(ConnectionType::kDatabricks);
constexpr unsigned kRs = TypeBit(ConnectionType::kRedshiftServerless);
constexpr unsigned kKin = TypeBit(ConnectionType::kKinesis);
// The types that read and write files in a bucket.
constexpr unsigned kAllTypes = kS3 | kDbx | kRs;
// Kinesis streams are read by crossdock itself: the connection test and the sync source.
constexpr unsigned kStreamUses = kUseTest | kUseSource;

// Every connection type with a bucket reads, writes, stages or unloads files in it.
constexpr unsigned kFileUses = kUseTest | kUseSource | kUseDestination | kUseStaging | kUseUnload;

std::vector<OperationDef> BuildTable() {
  using R = ResourceKind;
  const std::vector<const char*> list_keys = {"s3:prefix", "s3:delimiter", "s3:max-keys"};
  return {
      // Objects. The order of first appearance of each action is the order the generated
      // policy lists them in.
      {"s3:GetObject",
       {{"s3:GetObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "read files"},
      {"s3:HeadObject",
       {{"s3:GetObject", R::kObject}},
       {},
       kAllTypes,
       kUseTest,
       Issuer::kCrossdock,
       "read a file's size and checksum"},
      {"s3:PutObject",
       {{"s3:PutObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "write files"},
      {"s3:CreateMultipartUpload",
       {{"s3:PutObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "start a multipart upload of a large file"},
      {"s3:UploadPart",
       {{"s3:PutObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "upload a part of a large file"},
      {"s3:CompleteMultipartUpload",
       {{"s3:PutObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "finish a multipart upload"},
      {"s3:CopyObject",
       {{"s3:PutObject", R::kObject}, {"s3:GetObject", R::kCopySource}},
       {},
       kAllTypes,
       kUseDestination | kUseSource,
       Issuer::kCrossdock,
       "commit staged files into the run's folder, copy syncs"},
      {"s3:DeleteObject",
       {{"s3:DeleteObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "remove staged files and the connection test's object"},
      {"s3:DeleteObjects",
       {{"s3:DeleteObject", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "remove staged files in batches"},
      {"s3:AbortMultipartUpload",
       {{"s3:AbortMultipartUpload", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "abort a failed upload so no parts are left"},
      {"s3:ListParts",
       {{"s3:ListMultipartUploadParts", R::kObject}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "confirm the parts of an upload whose answer was lost"},
      {"s3:GetObjectAttributes",
       {{"s3:GetObjectAttributes", R::kObject}},
       {},
       kRs,
       kUseUnload | kUseWarehouseLoad,
       Issuer::kWarehouse,
       "Redshift reads object attributes during UNLOAD and COPY"},
      // Buckets.
      {"s3:ListObjectsV2",
       {{"s3:ListBucket", R::kBucket}},
       list_keys,
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "list files under the path, and check whether a key exists (a denied GET of a missing "
       "key is ambiguous)"},
      {"s3:GetBucketLocation",
       {{"s3:GetBucketLocation", R::kBucket}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "check the bucket's region"},
      {"s3:ListMultipartUploads",
       {{"s3:ListBucketMultipartUploads", R::kBucket}},
       {"s3:prefix"},
       kAllTypes,
       kFileUses,
       Issuer::kCrossdock,
       "find and clean up interrupted uploads"},
      // Redshift Data API and Serverless (no resource type crossdock can name up front:
      // statement ids are created by the call).
      {"redshift-data:ExecuteStatement",
       {{"redshift-data:ExecuteStatement", R::kAny}},
       {},
       kRs,
       kUseTest | kUseSource | kUseDestination | kUseUnload | kUseWarehouseLoad,
       Issuer::kCrossdock,
       "run SQL: queries, UNLOAD, COPY"},
      {"redshift-data:BatchExecuteStatement",
       {{"redshift-data:BatchExecuteStatement", R::kAny}},
       {},
       kRs,
       kUseDestination | kUseWarehouseLoad,
       Issuer::kCrossdock,
       "load a run in one transaction (CREATE, COPY, MERGE)"},
      {"redshift-data:DescribeStatement",
       {{"redshift-data:DescribeStatement", R::kAny}},
       {},
       kRs,
       kUseTest | kUseSource | kUseDestination | kUseUnload | kUseWarehouseLoad,
       Issuer::kCrossdock,
       "wait for a statement to finish"},
      {"redshift-data:GetStatementResult",
       {{"redshift-data:GetStatementResult", R::kAny}},
       {},
       kRs,
       kUseTest | kUseSource,
       Issuer::kCrossdock,
       "read query results"},
      {"redshift-data:CancelStatement",
       {{"redshift-data:CancelStatement", R::kAny}},
       {},
       kRs,
       kUseSource | kUseDestination | kUseUnload,
       Issuer::kCrossdock,
       "cancel a statement when a run is cancelled"},
      {"redshift-data:DescribeTable",
       {{"redshift-data:DescribeTable", R::kAny}},
       {},
       kRs,
       kUseSource | kUseDestination,
       Issuer::kCrossdock,
       "read a table's columns"},
      {"redshift-data:ListDatabases",
       {{"redshift-data:ListDatabases", R::kAny}},
       {},
       kRs,
       kUseTest,
       Issuer::kCrossdock,
       "list databases (vendor documentation, seed 004)"},
      {"redshift-data:ListSchemas",
       {{"redshift-data:ListSchemas", R::kAny}},
       {},
       kRs,
       kUseTest | kUseSource,
       Issuer::kCrossdock,
       "list schemas"},
      {"redshift-data:ListTables",
       {{"redshift-data:ListTables", R::kAny}},
       {},
       kRs,
       kUseTest | kUseSource,
       Issuer::kCrossdock,
       "list tables"},
      {"redshift-serverless:GetCredentials",
       {{"redshift-serverless:GetCredentials", R::kAny}},
       {},
       kRs,
       kUseSource,
       Issuer::kCrossdock,
       "get a database password for the workgroup's VPC endpoint"},
      // Kinesis Data Streams (seed 002): read every shard of one stream.
      {"kinesis:DescribeStreamSummary",
       {{"kinesis:DescribeStreamSummary", R::kStream}},
       {},
       kKin,
       kStreamUses,
       Issuer::kCrossdock,
       "check the stream exists, is active and how it is encrypted"},
      {"kinesis:ListShards",
       {{"kinesis:ListShards", R::kStream}},
       {},
       kKin,
       kStreamUses,
       Issuer::kCrossdock,
       "list the stream's shards, their parents and children"},
      {"kinesis:GetShardIterator",
       {{"kinesis:GetShardIterator", R::kStream}},
       {},
       kKin,
       kStreamUses,
       Issuer::kCrossdock,
       "start reading a shard at a position"},
      {"kinesis:GetRecords",
       {{"kinesis:GetRecords", R::kStream}},
       {},
       kKin,
       kStreamUses,
       Issuer::kCrossdock,
       "read records"},
      // KMS, called by S3 for SSE-KMS objects and by Kinesis for SSE-KMS streams.
      {"kms:Decrypt",
       {{"kms:Decrypt", R::kKmsKey}},
       {},
       kAllTypes | kKin,
       kFileUses | kStreamUses,
       Issuer::kServiceForKms,
       "read SSE-KMS encrypted files or records; finish multipart uploads of them"},
      {"kms:GenerateDataKey",
       {{"kms:GenerateDataKey", R::kKmsKey}},
       {},
       kAllTypes,
       kFileUses,
       Issuer::kServiceForKms,
       "write SSE-KMS encrypted files (PutObject, multipart upload, CopyObject)"},
      // The Databricks storage credential's role assumes itself; the connection test proves
      // it does.
      {"sts:AssumeRole",
       {{"sts:AssumeRole", R::kOwnRole}},
       {"sts:ExternalId"},
       kDbx,
       kUseTest | kUseWarehouseLoad,
       Issuer::kWarehouse,
       "Databricks storage credential self-assume"},
  };
}

}  // namespace

const char* ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kBucket:
      return "bucket";
    case ResourceKind::kObject:
      return "object";
    case ResourceKind::kCopySource:
      return "copy source object";
    case ResourceKind::kAny:
      return "*";
    case ResourceKind::kOwnRole:
      return "the role itself";
    case ResourceKind::kKmsKey:
      return "KMS key";
    case ResourceKind::kStream:
      return "stream";
  }
  return "*";
}

const std::vector<OperationDef>& OperationTable() {
  static const std::vector<OperationDef> table = BuildTable();
  return table;
}

const OperationDef* FindOperation(std::string_view api) {
  for (const OperationDef& op : OperationTable()) {
    if (api == op.api) return &op;
  }
  return nullptr;
}

std::vector<const OperationDef*> OperationsFor(ConnectionType type) {
  std::vector<const OperationDef*> out;
  for (const OperationDef& op : OperationTable()) {
    if ((op.types & TypeBit(type)) != 0) out.push_back(&op);
  }
  return out;
}

std::vector<std::string> ActionsFor(ConnectionType type, ResourceKind kind, bool with_kms) {
  std::vector<std::string> out;
  for (const OperationDef* op : OperationsFor(type)) {
    if (op->issuer == Issuer::kServiceForKms && !with_kms) continue;
    for (const Requirement& r : op->requirements) {
      ResourceKind k = r.resource == ResourceKind::kCopySource ? ResourceKind::kObject : r.resource;
      if (k != kind) continue;
      if (std::find(out.begin(), out.end(), r.action) == out.end()) out.push_back(r.action);
    }
  }
  return out;
}

std::vector<std::string> ApisNeeding(ConnectionType type, std::string_view action) {
  std::vector<std::string> out;
  for (const OperationDef* op : OperationsFor(type)) {
    for (const Requirement& r : op->requirements) {
      if (action == r.action && std::find(out.begin(), out.end(), op->api) == out.end()) {
        out.push_back(op->api);
      }
    }
  }
  return out;
}

std::string GrantFix(std::string_view action, std::string_view resource, std::string_view whose) {
  return "Add \"" + std::string(action) + "\" with Resource \"" + std::string(resource) +
         "\" to the " + std::string(whose) +
         " permission policy (crossdock connection policies NAME prints the complete policy).";
}

std::string OperationTableMarkdown() {
  std::string out;
  for (const ConnectionTypeInfo& info : ConnectionTypes()) {
    auto ops = OperationsFor(info.type);
    out += "## " + std::string(info.title) + " (`" + info.name +
           "`): " + std::to_string(ops.size()) + " operations\n\n";
    out += "| operation | IAM action | resource | condition keys | sent by | why |\n";
    out += "| --- | --- | --- | --- | --- | --- |\n";
    for (const OperationDef* op : ops) {
      for (const Requirement& r : op->requirements) {
        std::string keys;
        for (const char* k : op->condition_keys)
          keys += (keys.empty() ? "`" : ", `") + std::string(k) + "`";
        const char* who = op->issuer == Issuer::kCrossdock   ? "crossdock"
                          : op->issuer == Issuer::kWarehouse ? "the warehouse"
                                                             : "S3 or Kinesis (SSE-KMS)";
        out += "| `" + std::string(op->api) + "` | `" + r.action + "` | " +
               ResourceKindName(r.resource) + " | " + keys + " | " + who + " | " + op->purpose +
               " |\n";
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace crossdock::iam
