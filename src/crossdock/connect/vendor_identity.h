// The vendor identity per partition: crossdock's AWS account (and optional role) in each of
// aws, aws-us-gov and aws-cn, and the rules that tie a connection to the one of its partition.
//
// An account of one partition cannot assume a role of another, so a GovCloud or China
// connection is trusted to (and assumed by) the vendor's identity in that partition, never a
// rewritten commercial ARN. This module validates an identity (12-digit account; a role ARN
// in that account and that partition), picks the identity of a region's partition and words
// the refusal when there is none, naming the field ("region") and the exact command that sets
// it. It does not read or write the store (ConnectionService does) and calls no AWS.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/store/records.h"

namespace crossdock::connect {

// The partitions a vendor identity can be set for, commercial first.
inline constexpr std::array<std::string_view, 3> kVendorPartitions = {"aws", "aws-us-gov",
                                                                      "aws-cn"};

// kInvalidArgument naming "partition" unless `partition` is one of kVendorPartitions.
Status ValidateVendorPartition(std::string_view partition);

// Checks identity.partition, account_id (12 digits) and role_arn (optional: an IAM role of
// that account in that partition). Errors name the field: partition, account_id, role_arn.
Status ValidateVendorIdentity(const store::VendorIdentity& identity);

// The partition of a connection's region (us-gov-* -> aws-us-gov, cn-* -> aws-cn, else aws);
// kInvalidArgument naming "region" for a malformed region.
Result<std::string> PartitionOfRegion(std::string_view region);

// The command that configures `partition`'s identity, e.g.
// "crossdock identity set --partition aws-us-gov --account-id ACCOUNT_ID".
std::string SetVendorIdentityCommand(std::string_view partition);

// The identity of the partition of `region` among `identities`. kFailedPrecondition naming
// field "region" when that partition has none: the message says which partition and gives
// SetVendorIdentityCommand (and the serve flag) to fix it.
Result<store::VendorIdentity> VendorIdentityForRegion(
    const std::vector<store::VendorIdentity>& identities, std::string_view region);

}  // namespace crossdock::connect
