// The STS AssumeRole request as data: parameters, their validation and the exact form body.
//
// STS speaks the AWS query protocol: a POST whose body is
// `Action=AssumeRole&Version=2011-06-15&RoleArn=...&RoleSessionName=...` followed by the
// optional ExternalId, DurationSeconds, Policy and SourceIdentity, in that order, each value
// percent-encoded (everything but A-Z a-z 0-9 - _ . ~, spaces as %20, never '+', which Ceph
// RGW would read literally). Building the body is a pure function so tests assert it byte for
// byte. Validation applies the limits the STS API reference documents (lengths and alphabets)
// and names the parameter and the fix; it does not check that the role exists or trusts the
// caller: only STS knows that. Sending is StsClient's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::aws::sts {

inline constexpr int kMinDurationSeconds = 900;    // 15 minutes
inline constexpr int kMaxDurationSeconds = 43200;  // 12 hours (the largest MaxSessionDuration)
inline constexpr int kChainedMaxDurationSeconds = 3600;  // role chaining: at most 1 hour

struct AssumeRoleParams {
  std::string role_arn;                 // arn:aws:iam::111122223333:role/vendor-sync
  std::string role_session_name;        // 2-64 chars of [\w+=,.@-]; appears in CloudTrail
  std::string external_id;              // 2-1224 chars of [\w+=,.@:/-]; empty = not sent
  std::optional<int> duration_seconds;  // 900-43200; unset = not sent (STS default 1 hour)
  std::string policy;                   // session policy JSON (further restricts); empty = not sent
  std::string source_identity;          // 2-64 chars of [\w+=,.@-]; empty = not sent
};

// Percent-encodes a form value the way the AWS query protocol expects (RFC 3986 unreserved
// characters kept, everything else %XX in upper-case hex, UTF-8 bytes encoded one by one).
std::string FormEncode(std::string_view value);

// Checks every parameter against the STS limits. kInvalidArgument with field "role_arn",
// "role_session_name", "external_id", "duration_seconds", "policy" or "source_identity".
Status ValidateAssumeRoleParams(const AssumeRoleParams& params);

// The form body, in the documented parameter order. Pure; does not validate.
std::string BuildAssumeRoleBody(const AssumeRoleParams& params);

}  // namespace crossdock::aws::sts
