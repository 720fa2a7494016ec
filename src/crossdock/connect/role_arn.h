// IAM role ARNs as customers paste them into a connection: parsing and the checks that catch
// the usual mistakes on save (a missing or extra colon, an account id that is not 12
// digits, a user or policy ARN instead of a role, a role in another partition than the
// bucket's region).
//
// TODO(iam): switch to iam::ParseArn (src/crossdock/iam/arn.h) once the policy engine lands;
// this parser covers only IAM role ARNs and exists so that connections can be validated now.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::connect {

struct RoleArn {
  std::string partition;  // aws | aws-cn | aws-us-gov
  std::string account;    // 12 digits
  std::string path;       // "/" or "/a/b/"
  std::string name;       // the role name
};

// Parses `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`. kInvalidArgument with `field` and a
// message that names the wrong component and shows the expected shape.
Result<RoleArn> ParseRoleArn(std::string_view text, std::string_view field = "role_arn");

// ParseRoleArn plus: the role's partition must be the region's partition.
Status ValidateRoleArnForRegion(std::string_view text, std::string_view region,
                                std::string_view field = "role_arn");

}  // namespace crossdock::connect
