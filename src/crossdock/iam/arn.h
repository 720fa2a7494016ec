// Amazon Resource Names: parsing, validation, partitions and ARN pattern matching.
//
// An ARN is `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; the resource part may itself
// contain colons and slashes. ParseArn checks each component and names the one that is wrong
// (so `arn:aws:iam:::123456789012:role/demo-role`, with one colon too many, is rejected as an
// IAM ARN with a region-less empty account and a resource that starts with the account id).
// It also knows the three partitions crossdock serves (aws, aws-cn, aws-us-gov) and maps a
// region to its partition. Matching follows the IAM Resource element and the Arn* condition
// operators: the six components are compared separately, each may use `*` and `?`. It does
// not know every service's resource grammar; only IAM, STS, S3 and KMS resources get extra
// checks, and it never looks anything up in AWS.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::iam {

struct Arn {
  std::string partition;  // aws | aws-cn | aws-us-gov (others are rejected)
  std::string service;    // e.g. s3, iam, sts, kms
  std::string region;     // empty for global services (iam, s3 buckets)
  std::string account;    // 12 digits, or empty (s3 buckets)
  std::string resource;   // e.g. role/path/name, bucket/key, key/uuid

  std::string ToString() const;
};

// Parses and validates a concrete ARN (no wildcards). Errors are kInvalidArgument with
// field "arn.<component>" and a message naming the component and the fix.
Result<Arn> ParseArn(std::string_view text);

// Like ParseArn but allows `*` and `?` in every component, as in a policy's Resource element
// (`arn:aws:s3:::bucket/*`, `arn:aws:iam::*:role/x`). A bare "*" is accepted.
Result<Arn> ParseArnPattern(std::string_view text);

// The partition of a region: cn-* -> aws-cn, us-gov-* -> aws-us-gov, else aws. Errors when
// the region is not of the form `xx-name-N` (e.g. "us-east-1").
Result<std::string> PartitionForRegion(std::string_view region);

// True when `partition` is one crossdock knows.
bool IsKnownPartition(std::string_view partition);

// Glob match: `*` any run of characters (also empty), `?` exactly one. kGlobEscape makes
// the next pattern character literal (used for values substituted from policy variables).
// With ignore_case, ASCII letters compare case-insensitively.
inline constexpr char kGlobEscape = '\x1f';
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case = false);

// IAM's ARN matching: `pattern` (from a Resource element or an Arn* condition) against a
// concrete `arn`. "*" matches everything; otherwise both are split into their six components
// and each is glob-matched (case-sensitive). A text or pattern with fewer than six components
// never matches (except the pattern "*").
bool ArnMatch(std::string_view pattern, std::string_view arn);

// A 12-digit AWS account id.
bool IsAccountId(std::string_view text);

// An SSE-KMS key as a connection names it: arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID or
// arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME. When `partition` / `region` are not empty the
// key must be there (S3 and Kinesis use keys of their own region only). kInvalidArgument
// naming `field` and the expected shape.
Result<Arn> ParseKmsKeyArn(std::string_view text, std::string_view field,
                           std::string_view partition = {}, std::string_view region = {});

}  // namespace crossdock::iam
