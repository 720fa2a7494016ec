// The linter's checks taken from IAM Access Analyzer's policy check reference that can be
// decided from the document alone: Sid characters, policy variable syntax and where variables
// may appear, condition blocks (keys repeated with another case, several Booleans, Null with
// a set qualifier, tag keys without a tag, multivalued keys without a qualifier and set
// qualifiers on single-valued keys, private and non-canonical IP ranges, epoch dates,
// redundant numeric values, aws:ARN, unpaired aws:VpcSourceIp), principal wildcards and
// unique ids, iam:PassRole and iam:CreateServiceLinkedRole on wildcard or NotResource
// resources, redundant actions, resources and statements, wildcards in service names and the
// identity policy size quota. Each finding carries the check's grade, issue code and link
// (checks.h) and, where the fix is mechanical, the corrected text. It does not know AWS's
// full catalogue of services, keys or Regions, so checks that need it (unknown condition
// keys, Regions, tag-key support per service) are left out.
#pragma once

#include <string_view>
#include <vector>

#include "crossdock/iam/finding.h"
#include "crossdock/iam/lint.h"
#include "crossdock/iam/policy.h"

namespace crossdock::iam {

// Appends the findings of every rule above for `policy`, read as a policy of `type`.
void CheckAccessAnalyzerRules(const Policy& policy, PolicyType type,
                              std::vector<Finding>& findings);

// POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA: an identity policy over 6,144 characters not
// counting white space.
void CheckPolicySize(std::string_view text, PolicyType type, std::vector<Finding>& findings);

// An IAM unique id (AROA... for roles, AIDA... for users) where an ARN belongs.
bool IsUniqueId(std::string_view value);
// Standard base64 (with optional padding), as BinaryEquals values are written.
bool IsBase64(std::string_view value);

}  // namespace crossdock::iam
