// The AWS credential_process output format: what `crossdock credentials --connection NAME`
// prints so that the aws CLI, boto3 and every AWS SDK can use a crossdock connection.
//
// {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...,
//  "Expiration": "2030-01-01T00:00:00Z"}; SessionToken and Expiration are omitted for
// long-term keys. This is the one place where crossdock deliberately writes a secret out:
// only to the standard output of the process the SDK started, never to logs.
#pragma once

#include <string>

#include "crossdock/aws/credentials.h"
#include "crossdock/core/result.h"

namespace crossdock::aws {

std::string CredentialProcessJson(const AwsCredentials& credentials);
// The inverse, for tests and for reading another tool's output. kInvalidArgument on a
// document that is not Version 1 or lacks the keys.
Result<AwsCredentials> ParseCredentialProcessJson(const std::string& json);

}  // namespace crossdock::aws
