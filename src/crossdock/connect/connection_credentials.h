// The credentials crossdock uses for one connection: the connection's access key, or its
// IAM role assumed from crossdock's own (vendor) credentials with the organization's current
// External ID and a session name that names the connection, behind a refresh-ahead cache.
//
// This is what syncs, `crossdock credentials` (credential_process) and the server use; the
// connection test builds its own providers because it also tries wrong External IDs. It
// performs no I/O until GetCredentials() is called on the result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/caching_provider.h"
#include "crossdock/aws/credentials/provider.h"
#include "crossdock/connect/connection.h"
#include "crossdock/core/clock.h"
#include "crossdock/http/transport.h"

namespace crossdock::connect {

// How crossdock itself reaches AWS.
struct VendorAccess {
  aws::CredentialsProviderPtr credentials;  // the source of AssumeRole (vendor keys, profile)
  std::string principal_arn;                // for messages; may be empty
  std::string sts_endpoint;                 // override; empty: the regional STS endpoint
  std::shared_ptr<http::HttpTransport> transport;  // nullptr: a new CurlTransport
  Clock* clock = nullptr;                          // nullptr: the system clock
  aws::CachingOptions caching;
  aws::RetryOptions retry;
};

// kInvalidArgument (field named) when the connection lacks what its auth method needs;
// kFailedPrecondition when an IAM-role connection has no vendor credentials to start from.
Result<aws::CredentialsProviderPtr> ConnectionCredentials(
    const Connection& connection, const std::vector<std::string>& external_ids,
    const VendorAccess& vendor);

}  // namespace crossdock::connect
