#include "crossdock/cli/credentials_options.h"

#include "crossdock/aws/credentials/default_chain.h"

namespace crossdock::cli {
namespace {

aws::CredentialsSetup Setup(const CredentialsOptions& o) {
  aws::CredentialsSetup s;
  s.profile = o.profile;
  s.region = o.region;
  s.endpoint_url = o.endpoint_url;
  s.role_arn = o.role_arn;
  s.external_id = o.external_id;
  return s;
}

}  // namespace

void AddCredentialsFlags(CLI::App& command, CredentialsOptions& options) {
  command.add_option("--profile", options.profile, "Profile of the AWS config/credentials files");
  command.add_option("--region", options.region,
                     "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile, us-east-1)");
  command.add_option("--endpoint-url", options.endpoint_url,
                     "Endpoint for S3 and STS instead of AWS's, e.g. http://127.0.0.1:7480");
  command.add_option("--role-arn", options.role_arn, "Assume this IAM role (with STS AssumeRole)");
  command.add_option("--external-id", options.external_id, "External ID to send with --role-arn");
}

Result<aws::CredentialsProviderPtr> MakeCredentialsProvider(
    const CredentialsOptions& options, std::shared_ptr<http::HttpTransport> transport,
    Clock& clock) {
  aws::CredentialsSetup setup = Setup(options);
  if (setup.region.empty()) {
    ASSIGN_OR_RETURN(setup.region, aws::ResolveRegion(setup));
  }
  return aws::MakeCredentialsProvider(setup, std::move(transport), clock);
}

Result<std::string> ResolveRegion(const CredentialsOptions& options) {
  return aws::ResolveRegion(Setup(options));
}

}  // namespace crossdock::cli
