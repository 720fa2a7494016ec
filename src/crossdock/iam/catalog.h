// The action catalogue: which IAM actions exist for the services crossdock checks.
//
// The data (data/actions.inc) is transcribed from AWS's Service Authorization Reference for
// s3, sts, iam, kms, redshift-data, redshift-serverless, redshift and kinesis, compiled into
// the binary. Lint uses it to reject misspelt actions and wildcards that match nothing, to
// tell S3 bucket actions from object actions, and to spot destructive actions; diff uses it
// to expand wildcards such as s3:*. It deliberately does not know condition keys or other
// services: actions of any other service are not judged.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossdock::iam {

struct ActionInfo {
  std::string_view service;        // e.g. "s3"
  std::string_view name;           // e.g. "GetObject"
  std::string_view resource_type;  // S3 only: "bucket", "object", "accesspoint", "job" or ""

  std::string FullName() const;  // "s3:GetObject"
};

std::span<const ActionInfo> AllActions();

// True for the eight services the catalogue covers.
bool IsCataloguedService(std::string_view service);

// The action named `action` ("s3:getobject" matches s3:GetObject: actions are
// case-insensitive), or nullptr.
const ActionInfo* FindAction(std::string_view action);

// Catalogued actions matched by a pattern such as "s3:Get*", "s3:*", "*" (case-insensitive).
std::vector<const ActionInfo*> MatchActions(std::string_view pattern);

// Deletes or irreversibly changes data or access: Delete*, Remove*, Revoke*, Detach*,
// Disable*, Deregister*, ScheduleKeyDeletion, Put*Policy, Update*AssumeRolePolicy,
// ReplicateDelete, BypassGovernanceRetention.
bool IsDestructive(const ActionInfo& action);

// The catalogued action of `service` nearest to `name` (edit distance), for fixes; "" when
// nothing is close.
std::string SuggestAction(std::string_view service, std::string_view name);

}  // namespace crossdock::iam
