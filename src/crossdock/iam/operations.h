// The operation table: every AWS operation crossdock can issue in a customer's account (or
// make a warehouse issue with the customer's role), with the IAM action(s) it needs, the
// kind of resource each action is authorized on, the condition keys the request carries,
// the connection types and uses it belongs to, and why crossdock performs it.
//
// The permission-policy generator (generate.h), `policy check --for` and `policy diff`
// (through RequiredOperations), the connection test's probes (ProbeFor) and the permission
// tables in docs/ (`crossdock policy operations`) are all derived from this table. Tests
// record every signed request the suite sends, map it to its row by API name and evaluate it
// against the generated policy: an operation issued by code but missing here fails them. It
// holds facts only; it does not call AWS or read policies.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crossdock/iam/connection_types.h"

namespace crossdock::iam {

// What an action is authorized on.
enum class ResourceKind {
  kBucket,      // arn:aws:s3:::bucket
  kObject,      // arn:aws:s3:::bucket/path/key (the target key)
  kCopySource,  // arn:aws:s3:::bucket/path/key named by x-amz-copy-source
  kAny,         // "*": the action has no resource type crossdock can name up front
  kOwnRole,     // the connection's own role (Databricks self-assume)
  kKmsKey,      // the connection's SSE-KMS key
  kStream,      // arn:aws:kinesis:REGION:ACCOUNT:stream/NAME
};
const char* ResourceKindName(ResourceKind kind);

// Who sends the request with the customer's role.
enum class Issuer {
  kCrossdock,      // crossdock itself (recorded and checked in tests)
  kWarehouse,      // Redshift (IAM_ROLE of COPY / UNLOAD) or Databricks (storage credential)
  kServiceForKms,  // S3 or Kinesis calls KMS on the role's behalf for SSE-KMS data
};

struct Requirement {
  const char* action;  // "s3:PutObject"
  ResourceKind resource;
};

struct OperationDef {
  // "<signing name>:<API operation>" as botocore's service models name them:
  // "s3:ListObjectsV2", "redshift-data:BatchExecuteStatement", "sts:AssumeRole".
  const char* api;
  std::vector<Requirement> requirements;  // every action IAM checks for it
  // Condition keys the request carries besides the global ones (s3:prefix...).
  std::vector<const char*> condition_keys;
  unsigned types;  // bit (1 << ConnectionType) per type that issues it
  unsigned uses;   // Use bits
  Issuer issuer;
  const char* purpose;  // in the customer's terms: "list files under the path"
};

inline constexpr unsigned TypeBit(ConnectionType t) { return 1u << static_cast<unsigned>(t); }

const std::vector<OperationDef>& OperationTable();
// The row of an API operation ("s3:HeadObject"), or nullptr when crossdock never issues it.
const OperationDef* FindOperation(std::string_view api);
// Rows for one connection type, in table order.
std::vector<const OperationDef*> OperationsFor(ConnectionType type);
// The distinct actions one connection type needs on one kind of resource, in table order.
std::vector<std::string> ActionsFor(ConnectionType type, ResourceKind kind, bool with_kms);
// The API operations of a type that need `action` ("s3:ListObjectsV2, s3:HeadBucket").
std::vector<std::string> ApisNeeding(ConnectionType type, std::string_view action);

// The fix for a denied action, word for word the same in the connection test and in a
// sync's error: 'Add "s3:PutObject" with Resource "arn:aws:s3:::b/p/*" to the role's
// permission policy (crossdock connection policies NAME prints the complete policy).'
// `whose` is "role's" or "user's".
std::string GrantFix(std::string_view action, std::string_view resource,
                     std::string_view whose = "role's");

// The table as Markdown, one section per connection type (docs/operations.md).
std::string OperationTableMarkdown();

}  // namespace crossdock::iam
