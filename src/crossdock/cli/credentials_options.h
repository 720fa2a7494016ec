// The credential and endpoint flags every AWS-facing command shares (--profile, --region,
// --endpoint-url, --role-arn, --external-id) and the one function that turns them into a
// credentials provider.
//
// MakeCredentialsProvider is where commands get credentials: it builds the default chain
// (environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then the shared
// config and credentials files for the profile) and, with --role-arn, a cached assume-role
// provider on top (with --external-id). The chain itself lives in aws/credentials; this file
// only maps flags onto it. It never prints secrets.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "crossdock/aws/credentials/provider.h"
#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::cli {

struct CredentialsOptions {
  std::string profile;       // --profile: a profile of ~/.aws/config and credentials
  std::string region;        // --region: empty = AWS_REGION, AWS_DEFAULT_REGION, profile
  std::string endpoint_url;  // --endpoint-url: S3 and STS endpoint (a local RGW, a VPC one)
  std::string role_arn;      // --role-arn: assume this role on top of the chain
  std::string external_id;   // --external-id: sent with AssumeRole
};

// Registers the five flags on a command.
void AddCredentialsFlags(CLI::App& command, CredentialsOptions& options);

// The provider stack for these options (see above). kInvalidArgument names the flag.
Result<aws::CredentialsProviderPtr> MakeCredentialsProvider(
    const CredentialsOptions& options, std::shared_ptr<http::HttpTransport> transport,
    Clock& clock);

// --region, else the environment or profile, else us-east-1.
Result<std::string> ResolveRegion(const CredentialsOptions& options);

}  // namespace crossdock::cli
