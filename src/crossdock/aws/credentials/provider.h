// CredentialsProvider: where signing gets its AwsCredentials from.
//
// Providers wrap each other the way aws-c-auth's do: a CachingProvider around an
// AssumeRoleProvider around a source provider (static keys, environment, profile). Each
// GetCredentials() call may block on I/O (STS); callers that need credentials on a hot path
// hold a CachingProvider. Implementations must be thread-safe.
#pragma once

#include <memory>
#include <string>

#include "crossdock/aws/credentials.h"
#include "crossdock/core/result.h"

namespace crossdock::aws {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, refreshing them when needed. Errors are typed: kAccessDenied (trust
  // policy), kNotFound (no such role), kUnauthenticated (bad source keys), ...
  virtual Result<AwsCredentials> GetCredentials() = 0;
  // Drops anything cached so that the next GetCredentials() fetches anew (after an
  // ExpiredToken answer). Default: nothing cached.
  virtual void Invalidate() {}
  // Human description without secrets, e.g. "assume-role arn:aws:iam::1:role/r".
  virtual std::string Describe() const = 0;
};

using CredentialsProviderPtr = std::shared_ptr<CredentialsProvider>;

}  // namespace crossdock::aws
