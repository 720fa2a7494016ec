// What an STS AssumeRole failure means, in the terms of the person who has to fix it.
//
// The AWS error table (aws/errors.h) already turns an STS answer into a typed Error with the
// AWS code, status and request id. This module adds the AssumeRole context: which principal
// asked for which role, and the likely fix. It reads AWS's AccessDenied message ("User: ARN is
// not authorized to perform: sts:AssumeRole on resource: ARN") to name the principal; Ceph
// RGW sends empty messages, so the caller's description (an ARN or an access key id) and the
// requested role are used instead. StsErrorKind lets callers such as the connection test
// branch on the failure without comparing strings. It does not decide retries (Error does).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::aws::sts {

enum class StsErrorKind {
  kAccessDenied,          // trust policy does not allow the caller (or, on AWS, no such role)
  kNoSuchEntity,          // the role does not exist (RGW; AWS says AccessDenied cross-account)
  kExpiredToken,          // the caller's own session credentials expired
  kInvalidClientTokenId,  // the caller's access key id is unknown to this STS
  kSignatureMismatch,     // the caller's secret key is wrong
  kRegionDisabled,        // STS is not activated in this region for the account
  kValidation,            // a parameter was rejected (ValidationError; RGW: InvalidArgument)
  kOther,                 // anything else (throttling, transport, server errors)
};

StsErrorKind ClassifyStsError(const Error& error);
const char* StsErrorKindName(StsErrorKind kind);  // "access_denied", "no_such_entity", ...

// The parts of AWS's AccessDenied message, when it has that shape.
struct AccessDeniedDetails {
  std::string principal;  // "arn:aws:iam::444455556666:user/vendor"
  std::string action;     // "sts:AssumeRole"
  std::string resource;   // "arn:aws:iam::111122223333:role/vendor-sync"
};
std::optional<AccessDeniedDetails> ParseAccessDeniedMessage(std::string_view message);

struct AssumeRoleErrorContext {
  std::string role_arn;  // the role that was requested
  std::string caller;    // who asked: an ARN or "access key AKID..." (never a secret)
  bool external_id_sent = false;
  std::optional<int> duration_seconds;  // what was requested
  std::string region;                   // the STS region called
};

// Rewrites an AssumeRole failure (as MakeAwsError built it) into a message that names the
// principal, the role and the fix. Code, AWS code, status and request id are kept.
Error DescribeAssumeRoleError(const Error& error, const AssumeRoleErrorContext& context);

// True when STS refused the requested DurationSeconds as longer than the role's
// MaxSessionDuration or the 1-hour limit of role chaining. AWS answers ValidationError naming
// DurationSeconds; Ceph RGW answers InvalidArgument with no message, which counts when more
// than one hour was requested (the one value every role accepts).
bool IsDurationTooLong(const Error& error, std::optional<int> requested_seconds);

}  // namespace crossdock::aws::sts
