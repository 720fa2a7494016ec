// Parsing STS AssumeRole answers: the temporary credentials and who they belong to.
//
// Tolerant of what real servers send: AWS's
// <AssumeRoleResponse xmlns=...><AssumeRoleResult>...<AssumedRoleUser><AssumedRoleId> and
// Ceph RGW's variant (no namespace, <AssumeRoleId> instead of <AssumedRoleId>, Expiration
// with nanoseconds). Element names are compared without namespace prefixes and the result
// element is found wherever it is nested. Errors never quote the body, which holds secrets.
// It does not interpret error documents: those go through the AWS error table (errors.h).
#pragma once

#include <string>
#include <string_view>

#include "crossdock/aws/credentials.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::sts {

// Who the temporary credentials act as; safe to log.
struct AssumedRoleUser {
  std::string arn;  // arn:aws:sts::111122223333:assumed-role/vendor-sync/SESSION
  std::string id;   // AROA...:SESSION (AWS) or UUID:SESSION (RGW)
};

struct AssumeRoleResult {
  AwsCredentials credentials;  // always with session token and expiration
  AssumedRoleUser assumed_role_user;
  std::string source_identity;  // echoed when the request set one
  int packed_policy_size = -1;  // percent of the session-policy budget used; -1 if absent
  std::string request_id;       // ResponseMetadata/RequestId when present
};

// kInternal naming the missing element when the document is not an AssumeRole answer or lacks
// AccessKeyId, SecretAccessKey, SessionToken or a parsable Expiration.
Result<AssumeRoleResult> ParseAssumeRoleResponse(std::string_view body);

}  // namespace crossdock::aws::sts
