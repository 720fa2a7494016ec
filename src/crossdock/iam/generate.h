// What each connection type needs from the customer's AWS account, as operations and as
// policy documents ready to paste, deploy with CloudFormation or apply with Terraform.
//
// A ConnectionSpec describes one connection (type s3 | databricks | redshift-serverless,
// buckets with optional path, region, the vendor's principal, External IDs, the customer's
// role, an optional KMS key). RequiredOperations() lists every (action, resource, condition
// context) crossdock's syncs and connection test perform, read from the operation table
// (operations.h), and RequiredTrustOperations() every sts:AssumeRole the trust policy must
// allow; the generator writes policies whose actions come from the same table, and tests
// evaluate every request the suite records against the generated policies. Redshift
// UNLOAD/COPY staging also trusts redshift.amazonaws.com; Databricks adds the self-assume
// statement and the dual trust policy. s3:ReplicateObject, listed by one vendor page, is a
// replication permission no sync uses and is left out. It deliberately does not call AWS or
// create roles.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/iam/connection_types.h"
#include "crossdock/iam/operations.h"

namespace crossdock::iam {

// The object key the connection test writes, reads and deletes inside the bucket path;
// RequiredOperations() uses it for object ARNs so both agree.
inline constexpr const char* kProbeObjectName = "crossdock-connection-test";

// The Databricks Unity Catalog master role per partition (Databricks documentation,
// "Create a storage credential": commercial and GovCloud).
inline constexpr const char* kDatabricksPrincipalAws =
    "arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL";
inline constexpr const char* kDatabricksPrincipalGovCloud =
    "arn:aws-us-gov:iam::044793339203:role/unity-catalog-prod-UCMasterRole-1QRFA8SGY15OJ";
// GovCloud DoD workspaces have a Unity Catalog master role of their own (same partition).
inline constexpr const char* kDatabricksPrincipalGovCloudDod =
    "arn:aws-us-gov:iam::170661010020:role/unity-catalog-prod-UCMasterRole-1DI6DL6ZP26AS";

// A Databricks deployment's Unity Catalog principal, selectable per connection
// (databricks.unity_catalog): "commercial", "govcloud" or "govcloud-dod".
struct DatabricksUnityCatalog {
  const char* id;
  const char* partition;  // the AWS partition of its workspaces
  const char* principal;  // the UC master role its storage credentials are assumed by
  const char* title;      // "AWS GovCloud DoD"
};
const std::vector<DatabricksUnityCatalog>& DatabricksUnityCatalogs();
// By id; nullptr when unknown.
const DatabricksUnityCatalog* FindDatabricksUnityCatalog(std::string_view id);
// The one a partition uses unless told otherwise (aws: commercial, aws-us-gov: govcloud);
// nullptr for aws-cn, where Databricks does not run.
const DatabricksUnityCatalog* DefaultDatabricksUnityCatalog(std::string_view partition);

struct BucketTarget {
  std::string name;    // bucket name
  std::string prefix;  // path inside the bucket without leading or trailing '/', or ""
};

// Parses "bucket" or "bucket/path/inside" (seed 001: "output/customers"). Errors name the
// field "bucket": invalid bucket names, "..", empty path segments.
Result<BucketTarget> ParseBucketTarget(std::string_view text);

struct ConnectionSpec {
  ConnectionType type = ConnectionType::kS3;
  // S3: the buckets read and written. Databricks and Redshift Serverless: the staging
  // (UNLOAD/COPY) buckets; may be empty for Redshift Serverless without UNLOAD.
  std::vector<BucketTarget> buckets;
  std::string region = "us-east-1";  // selects the partition: aws, aws-cn, aws-us-gov
  std::string vendor_account;        // 12-digit account crossdock runs in (required)
  // Optional: trust only this vendor role instead of the whole vendor account (the "more
  // restrictive" option of the vendor documentation).
  std::string vendor_role_arn;
  // crossdock's External IDs for this organization; two while a rotation is in progress.
  std::vector<std::string> external_ids;
  // The customer's role ARN. Required for Databricks (self-assume); optional otherwise.
  std::string role_arn;
  std::string kms_key_arn;  // optional: adds kms:Decrypt and kms:GenerateDataKey
  // Kinesis: the stream read (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME); required there.
  std::string stream_arn;
  // Databricks: the storage credential's External ID (required) and the Unity Catalog
  // principal (default: the partition's UC master role).
  std::string databricks_external_id;
  std::string databricks_principal;
};

// The partition of spec.region ("aws" when the region is malformed: Validate reports it).
std::string SpecPartition(const ConnectionSpec& spec);

// Checks every field; errors name the field (e.g. "vendor_account") and the fix.
Status ValidateSpec(const ConnectionSpec& spec);

// The principal crossdock assumes roles as, in the partition of the customer's region: the
// vendor role when one is configured (the "more restrictive" option), else the vendor
// account's root. The one place that writes this ARN.
std::string VendorPrincipalArn(std::string_view partition, std::string_view vendor_account,
                               std::string_view vendor_role_arn = {});

// One thing crossdock does in the customer's account (an action on a resource, with the
// condition keys its requests carry), derived from the operation table.
struct Operation {
  std::string principal;  // who: empty for the role itself (permission policy operations)
  std::string action;     // e.g. "s3:PutObject"
  std::string resource;   // concrete ARN, or "*" for actions without a resource type
  std::vector<std::pair<std::string, std::string>> context;  // e.g. {"s3:prefix", "path/"}
  std::string purpose;                                       // "upload staged files", for reports
  // The Resource a policy statement should name to allow it (e.g. arn:aws:s3:::b/path/*).
  std::string grant;
  // The API operations that need it ("s3:ListObjectsV2"), from the operation table.
  std::vector<std::string> apis;
};

nlohmann::ordered_json ToJson(const Operation& operation);

// Operations the permission policy must allow, in a stable order.
Result<std::vector<Operation>> RequiredOperations(const ConnectionSpec& spec);
// sts:AssumeRole requests the trust policy must allow (vendor with each External ID;
// Databricks and the self-assume role with the Databricks External ID; redshift.amazonaws.com).
Result<std::vector<Operation>> RequiredTrustOperations(const ConnectionSpec& spec);

struct GeneratedPolicies {
  nlohmann::ordered_json permission_policy;
  nlohmann::ordered_json trust_policy;
  std::vector<std::string> notes;  // what the customer must know (e.g. self-assume order)
};

Result<GeneratedPolicies> GeneratePolicies(const ConnectionSpec& spec);

// {"type", "permission_policy", "trust_policy", "operations", "trust_operations", "notes"}.
nlohmann::ordered_json ToJson(const ConnectionSpec& spec, const GeneratedPolicies& policies);

// A CloudFormation template creating the role with both policies; the External IDs are
// template parameters. YAML when `yaml`, else JSON.
Result<std::string> RenderCloudFormation(const ConnectionSpec& spec, bool yaml);
// Terraform: variables for the External IDs, aws_iam_role with the trust policy and
// aws_iam_role_policy with the permission policy.
Result<std::string> RenderTerraform(const ConnectionSpec& spec);

}  // namespace crossdock::iam
