// AWS partitions, regions and service endpoints: which DNS suffix and ARN partition a region
// belongs to, and the URL to reach STS, S3 or another service there.
//
// Three partitions are supported: aws (commercial), aws-cn (China, *.amazonaws.com.cn) and
// aws-us-gov (GovCloud). The region list is data (the regions AWS publishes); a region that
// matches a partition's naming pattern but is not in the list is reported as unknown so that
// typos like "us-east-7" are caught on save. STS is always reached at its regional endpoint
// (sts.REGION.amazonaws.com), never the legacy global one. An endpoint override (a local
// Ceph RADOS Gateway, a VPC endpoint) replaces the computed URL for every service. It does
// not do FIPS or dual-stack endpoints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::aws {

struct Partition {
  std::string id;          // "aws", "aws-cn", "aws-us-gov": the ARN partition
  std::string dns_suffix;  // "amazonaws.com", "amazonaws.com.cn"
};

// The partition of a region by its name pattern (cn-* -> aws-cn, us-gov-* -> aws-us-gov,
// other well-formed names -> aws). kInvalidArgument (field "region") for a malformed name.
Result<Partition> PartitionForRegion(std::string_view region);
// Partition by id ("aws", "aws-cn", "aws-us-gov"); kInvalidArgument otherwise.
Result<Partition> PartitionById(std::string_view id);
// True for the regions AWS publishes in any supported partition.
bool IsKnownRegion(std::string_view region);
// kInvalidArgument naming field "region" with the fix, for malformed or unknown regions.
Status ValidateRegion(std::string_view region);
const std::vector<std::string>& KnownRegions();

// "https://sts.eu-west-1.amazonaws.com" (or the override, without a trailing slash).
Result<std::string> StsEndpoint(std::string_view region, std::string_view override_url = {});
// "https://s3.eu-west-1.amazonaws.com" (or the override); us-east-1 too uses s3.us-east-1.
Result<std::string> S3Endpoint(std::string_view region, std::string_view override_url = {});
// "https://SERVICE.REGION.DNS_SUFFIX" (IAM is global: iam.amazonaws.com / its partition).
Result<std::string> ServiceEndpoint(std::string_view service, std::string_view region,
                                    std::string_view override_url = {});

}  // namespace crossdock::aws
