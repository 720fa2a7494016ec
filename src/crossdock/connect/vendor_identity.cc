#include "crossdock/connect/vendor_identity.h"

#include <fmt/format.h>

#include <algorithm>

#include "crossdock/aws/endpoints.h"
#include "crossdock/connect/role_arn.h"
#include "crossdock/iam/arn.h"

namespace crossdock::connect {
namespace {

// The serve flags that set each partition's account (serve_command.cc defines them).
std::string_view ServeAccountFlag(std::string_view partition) {
  if (partition == "aws-us-gov") return "--vendor-us-gov-account-id";
  if (partition == "aws-cn") return "--vendor-cn-account-id";
  return "--vendor-account-id";
}

}  // namespace

Status ValidateVendorPartition(std::string_view partition) {
  if (std::find(kVendorPartitions.begin(), kVendorPartitions.end(), partition) ==
      kVendorPartitions.end()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("partition \"{}\" is not one crossdock serves; use aws, aws-us-gov "
                             "or aws-cn",
                             partition),
                 "partition");
  }
  return OkStatus();
}

Status ValidateVendorIdentity(const store::VendorIdentity& identity) {
  RETURN_IF_ERROR(ValidateVendorPartition(identity.partition));
  if (!iam::IsAccountId(identity.account_id)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("account_id \"{}\" must be the vendor's 12-digit AWS account id in "
                             "partition {}, e.g. 123456789012",
                             identity.account_id, identity.partition),
                 "account_id");
  }
  if (identity.role_arn.empty()) return OkStatus();
  ASSIGN_OR_RETURN(RoleArn arn, ParseRoleArn(identity.role_arn, "role_arn"));
  if (arn.partition != identity.partition) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("role_arn is in partition {} but this identity is for partition {}: "
                             "an account of one partition cannot assume roles in another; use "
                             "the vendor's role in {} (arn:{}:iam::{}:role/NAME)",
                             arn.partition, identity.partition, identity.partition,
                             identity.partition, identity.account_id),
                 "role_arn");
  }
  if (arn.account != identity.account_id) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("role_arn is in account {} but account_id is {}; the vendor role "
                             "must belong to the vendor account",
                             arn.account, identity.account_id),
                 "role_arn");
  }
  return OkStatus();
}

Result<std::string> PartitionOfRegion(std::string_view region) {
  auto p = aws::PartitionForRegion(region);
  if (!p.ok()) return Error(ErrorCode::kInvalidArgument, p.error().message(), "region");
  return p->id;
}

std::string SetVendorIdentityCommand(std::string_view partition) {
  return fmt::format("crossdock identity set --partition {} --account-id ACCOUNT_ID", partition);
}

Result<store::VendorIdentity> VendorIdentityForRegion(
    const std::vector<store::VendorIdentity>& identities, std::string_view region) {
  ASSIGN_OR_RETURN(std::string partition, PartitionOfRegion(region));
  for (const store::VendorIdentity& v : identities) {
    if (v.partition == partition && !v.account_id.empty()) return v;
  }
  return Error(ErrorCode::kFailedPrecondition,
               fmt::format("region {} is in partition {}, where no vendor identity is "
                           "configured: crossdock cannot assume a role there from another "
                           "partition's account. Set the vendor's {} account with `{}` (or "
                           "`crossdock serve {} ACCOUNT_ID`), or use a region of a partition "
                           "that has one",
                           region, partition, partition, SetVendorIdentityCommand(partition),
                           ServeAccountFlag(partition)),
               "region");
}

}  // namespace crossdock::connect
