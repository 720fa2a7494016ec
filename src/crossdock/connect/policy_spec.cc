#include "crossdock/connect/policy_spec.h"

#include <algorithm>

#include "crossdock/connect/vendor_identity.h"

namespace crossdock::connect {

Result<iam::ConnectionSpec> SpecForConnection(const Connection& c,
                                              const store::VendorIdentity& vendor,
                                              const std::vector<std::string>& external_ids) {
  if (!iam::TypeInfo(c.type).aws) {
    return Error(ErrorCode::kFailedPrecondition,
                 std::string("connection \"") + c.name + "\" is a " + iam::TypeInfo(c.type).title +
                     " connection: crossdock logs in with its own user and password, so it needs "
                     "no IAM policies, role or External ID",
                 "type");
  }
  // The identity must be the one of the connection's partition: an account cannot assume
  // roles of another partition, so its ARN is never rewritten into this one.
  ASSIGN_OR_RETURN(std::string partition, PartitionOfRegion(c.region));
  if (vendor.account_id.empty() || vendor.partition != partition) {
    return VendorIdentityForRegion({}, c.region).error();
  }
  iam::ConnectionSpec spec;
  spec.type = c.type;
  spec.region = c.region;
  spec.vendor_account = vendor.account_id;
  spec.vendor_role_arn = vendor.role_arn;
  spec.external_ids = external_ids;
  spec.role_arn = c.role_arn;
  auto add_bucket = [&](const std::string& bucket, const std::string& path) {
    if (bucket.empty()) return;
    iam::BucketTarget target{bucket, path};
    auto same = [&](const iam::BucketTarget& t) {
      return t.name == target.name && t.prefix == target.prefix;
    };
    if (std::none_of(spec.buckets.begin(), spec.buckets.end(), same)) {
      spec.buckets.push_back(target);
    }
  };
  add_bucket(c.bucket, c.path);
  if (c.type == ConnectionType::kRedshiftServerless && c.redshift.unload_enabled) {
    add_bucket(c.redshift.unload_bucket, c.redshift.unload_path);
  }
  if (c.type == ConnectionType::kKinesis) {
    spec.stream_arn = c.kinesis.stream_arn;
    spec.kms_key_arn = c.kinesis.kms_key_arn;
  }
  if (c.type != ConnectionType::kKinesis) spec.kms_key_arn = c.kms_key_arn;
  if (c.type == ConnectionType::kDatabricks) {
    spec.databricks_external_id = c.databricks.external_id;
    spec.databricks_principal = DatabricksUnityCatalogPrincipal(c);
  }
  RETURN_IF_ERROR(iam::ValidateSpec(spec));
  return spec;
}

}  // namespace crossdock::connect
