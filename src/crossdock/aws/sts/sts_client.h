// StsClient: calls STS AssumeRole over AwsClient (SigV4 service "sts", retries, clock skew).
//
// Requests are form POSTs to the regional endpoint of the configured region
// (https://sts.REGION.amazonaws.com, or the partition's suffix for aws-cn and aws-us-gov) or to
// an override URL (a local Ceph RGW, a VPC endpoint, the External ID front in tests). The
// credentials that sign the call come from the AwsClient's provider: the "source" of an
// assumed role. Failures come back typed (see sts_errors.h) with the principal, the role and
// the fix in the message. It does not cache: wrap an AssumeRoleProvider in a
// CachingCredentialsProvider for that. Thread-safe, like AwsClient.
#pragma once

#include <memory>
#include <string>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/sts/assume_role_request.h"
#include "crossdock/aws/sts/assume_role_response.h"
#include "crossdock/aws/sts/sts_errors.h"

namespace crossdock::aws::sts {

struct StsClientOptions {
  std::string region = "us-east-1";  // selects the regional endpoint and the signing scope
  std::string endpoint_override;     // e.g. http://127.0.0.1:7480; empty = regional endpoint
  // Who signs, for error messages when STS does not say (RGW): an ARN such as
  // arn:aws:iam::444455556666:user/vendor. Empty = the source provider's description.
  std::string caller;
};

class StsClient {
 public:
  // kInvalidArgument (field "region" or "endpoint_url") when no endpoint can be built.
  static Result<StsClient> Create(std::shared_ptr<AwsClient> client, StsClientOptions options);
  // Convenience: an AwsClient over `source` with the given transport and clock.
  static Result<StsClient> Create(std::shared_ptr<http::HttpTransport> transport,
                                  CredentialsProviderPtr source, Clock& clock,
                                  StsClientOptions options, RetryOptions retry = {});

  // Validates the parameters, sends AssumeRole and parses the answer. Errors: those of
  // ValidateAssumeRoleParams, and STS's answers rewritten by DescribeAssumeRoleError.
  Result<AssumeRoleResult> AssumeRole(const AssumeRoleParams& params) const;

  const std::string& endpoint() const { return endpoint_; }
  const StsClientOptions& options() const { return options_; }
  const std::shared_ptr<AwsClient>& aws_client() const { return client_; }

 private:
  StsClient(std::shared_ptr<AwsClient> client, StsClientOptions options, std::string endpoint)
      : client_(std::move(client)), options_(std::move(options)), endpoint_(std::move(endpoint)) {}

  std::shared_ptr<AwsClient> client_;
  StsClientOptions options_;
  std::string endpoint_;
};

}  // namespace crossdock::aws::sts
