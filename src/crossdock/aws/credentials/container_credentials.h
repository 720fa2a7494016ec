// The AWS container credentials protocol (what ECS and EKS Pod Identity serve, and what every
// AWS SDK reads from AWS_CONTAINER_CREDENTIALS_FULL_URI with the bearer token in
// AWS_CONTAINER_AUTHORIZATION_TOKEN): a JSON document with AccessKeyId, SecretAccessKey,
// Token and Expiration. `crossdock credentials --serve` answers with it so that long-running
// SDK clients refresh a connection's credentials by themselves. Formatting and the token
// check only; the HTTP server lives in the CLI.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/aws/credentials.h"

namespace crossdock::aws {

std::string ContainerCredentialsJson(const AwsCredentials& credentials);

// Constant-time comparison of the Authorization header with the expected token.
bool ContainerTokenMatches(std::string_view header, std::string_view expected);

}  // namespace crossdock::aws
