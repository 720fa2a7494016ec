#include "crossdock/connect/connection.h"

#include <fmt/format.h>

#include "crossdock/aws/endpoints.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {

const char* AuthMethodName(AuthMethod method) {
  return method == AuthMethod::kAccessKey ? "access-key" : "iam-role";
}

Result<AuthMethod> ParseAuthMethod(std::string_view text) {
  if (text == "access-key") return AuthMethod::kAccessKey;
  if (text == "iam-role") return AuthMethod::kIamRole;
  return Error(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown authentication method \"{}\"; use iam-role or access-key", text),
      "auth_method");
}

const char* RedshiftAccessName(RedshiftAccess access) {
  return access == RedshiftAccess::kDataApi ? "data-api" : "vpc-endpoint";
}

Result<RedshiftAccess> ParseRedshiftAccess(std::string_view text) {
  if (text == "data-api") return RedshiftAccess::kDataApi;
  if (text == "vpc-endpoint") return RedshiftAccess::kVpcEndpoint;
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("unknown Redshift access \"{}\"; use data-api or vpc-endpoint", text),
               "redshift.access");
}

void SplitBucketAndPath(std::string_view text, std::string* bucket, std::string* path) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    *bucket = std::string(text);
    path->clear();
    return;
  }
  *bucket = std::string(text.substr(0, slash));
  std::string_view rest = text.substr(slash + 1);
  if (rest.ends_with('/') && rest.size() > 1) rest.remove_suffix(1);
  *path = std::string(rest);
}

std::string BucketWithPath(const Connection& c) {
  return c.path.empty() ? c.bucket : c.bucket + "/" + c.path;
}

std::string KinesisStreamName(std::string_view stream_arn) {
  // arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME
  size_t colon = 0;
  for (int i = 0; i < 5; ++i) {
    colon = stream_arn.find(':', i == 0 ? 0 : colon + 1);
    if (colon == std::string_view::npos) return "";
  }
  if (!stream_arn.starts_with("arn:") || stream_arn.find(":kinesis:") == std::string_view::npos) {
    return "";
  }
  std::string_view resource = stream_arn.substr(colon + 1);
  if (!resource.starts_with("stream/") || resource.size() <= 7) return "";
  std::string_view name = resource.substr(7);
  if (name.find('/') != std::string_view::npos) return "";
  return std::string(name);
}

std::string DatabricksUnityCatalogPrincipal(const Connection& c) {
  const iam::DatabricksUnityCatalog* uc = nullptr;
  if (!c.databricks.unity_catalog.empty()) {
    uc = iam::FindDatabricksUnityCatalog(c.databricks.unity_catalog);
  } else if (auto partition = aws::PartitionForRegion(c.region); partition.ok()) {
    uc = iam::DefaultDatabricksUnityCatalog(partition->id);
  }
  return uc != nullptr ? uc->principal : "";
}

bool AssumesVendorRole(const Connection& c) {
  return c.auth_method == AuthMethod::kIamRole && iam::TypeInfo(c.type).aws;
}

bool IsPostgresSslMode(std::string_view mode) {
  for (std::string_view m : {"disable", "prefer", "require", "verify-ca", "verify-full"}) {
    if (mode == m) return true;
  }
  return false;
}

}  // namespace crossdock::connect
