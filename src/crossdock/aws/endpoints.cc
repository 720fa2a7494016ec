#include "crossdock/aws/endpoints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace crossdock::aws {
namespace {

// "xx-word-N" where word is letters: the shape of every AWS region name.
bool WellFormedRegion(std::string_view r) {
  size_t last_dash = r.rfind('-');
  if (last_dash == std::string_view::npos || last_dash + 1 >= r.size()) return false;
  for (size_t i = last_dash + 1; i < r.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(r[i]))) return false;
  }
  std::string_view head = r.substr(0, last_dash);
  if (head.find('-') == std::string_view::npos) return false;
  for (char c : head) {
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return head.front() != '-' && head.back() != '-';
}

std::string TrimSlash(std::string_view url) {
  std::string out(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

const std::vector<std::string>& KnownRegions() {
  static const std::vector<std::string> regions = {
      "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-northeast-1", "ap-northeast-2",
      "ap-northeast-3", "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2",
      "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1",
      "ca-west-1",      "eu-central-1",   "eu-central-2",   "eu-north-1",     "eu-south-1",
      "eu-south-2",     "eu-west-1",      "eu-west-2",      "eu-west-3",      "il-central-1",
      "me-central-1",   "me-south-1",     "mx-central-1",   "sa-east-1",      "us-east-1",
      "us-east-2",      "us-west-1",      "us-west-2",      "cn-north-1",     "cn-northwest-1",
      "us-gov-east-1",  "us-gov-west-1",
  };
  return regions;
}

bool IsKnownRegion(std::string_view region) {
  const auto& r = KnownRegions();
  return std::find(r.begin(), r.end(), region) != r.end();
}

Result<Partition> PartitionForRegion(std::string_view region) {
  if (!WellFormedRegion(region)) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("region '{}' is not a region name; use a code such as us-east-1", region),
        "region");
  }
  if (region.starts_with("cn-")) return Partition{"aws-cn", "amazonaws.com.cn"};
  if (region.starts_with("us-gov-")) return Partition{"aws-us-gov", "amazonaws.com"};
  return Partition{"aws", "amazonaws.com"};
}

Result<Partition> PartitionById(std::string_view id) {
  if (id == "aws") return Partition{"aws", "amazonaws.com"};
  if (id == "aws-cn") return Partition{"aws-cn", "amazonaws.com.cn"};
  if (id == "aws-us-gov") return Partition{"aws-us-gov", "amazonaws.com"};
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("partition '{}' is not supported; use aws, aws-cn or aws-us-gov", id),
               "partition");
}

Status ValidateRegion(std::string_view region) {
  RETURN_IF_ERROR(PartitionForRegion(region));
  if (!IsKnownRegion(region)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("region '{}' is not an AWS region; check the spelling (for example "
                             "us-east-1, eu-west-2)",
                             region),
                 "region");
  }
  return OkStatus();
}

Result<std::string> ServiceEndpoint(std::string_view service, std::string_view region,
                                    std::string_view override_url) {
  if (!override_url.empty()) return TrimSlash(override_url);
  ASSIGN_OR_RETURN(Partition p, PartitionForRegion(region));
  if (service == "iam") {
    if (p.id == "aws") return std::string("https://iam.amazonaws.com");
    if (p.id == "aws-cn") return std::string("https://iam.cn-north-1.amazonaws.com.cn");
    return std::string("https://iam.us-gov.amazonaws.com");
  }
  return fmt::format("https://{}.{}.{}", service, region, p.dns_suffix);
}

Result<std::string> StsEndpoint(std::string_view region, std::string_view override_url) {
  return ServiceEndpoint("sts", region, override_url);
}

Result<std::string> S3Endpoint(std::string_view region, std::string_view override_url) {
  return ServiceEndpoint("s3", region, override_url);
}

}  // namespace crossdock::aws
