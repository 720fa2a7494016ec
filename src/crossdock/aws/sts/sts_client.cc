#include "crossdock/aws/sts/sts_client.h"

#include <fmt/format.h>

#include "crossdock/aws/endpoints.h"

namespace crossdock::aws::sts {

Result<StsClient> StsClient::Create(std::shared_ptr<AwsClient> client, StsClientOptions options) {
  if (options.region.empty()) options.region = "us-east-1";
  ASSIGN_OR_RETURN(std::string endpoint, StsEndpoint(options.region, options.endpoint_override));
  return StsClient(std::move(client), std::move(options), std::move(endpoint));
}

Result<StsClient> StsClient::Create(std::shared_ptr<http::HttpTransport> transport,
                                    CredentialsProviderPtr source, Clock& clock,
                                    StsClientOptions options, RetryOptions retry) {
  auto client =
      std::make_shared<AwsClient>(std::move(transport), std::move(source), clock, std::move(retry));
  return Create(std::move(client), std::move(options));
}

Result<AssumeRoleResult> StsClient::AssumeRole(const AssumeRoleParams& params) const {
  RETURN_IF_ERROR(ValidateAssumeRoleParams(params));
  AwsRequest request;
  request.http.method = "POST";
  request.http.url = endpoint_ + "/";
  request.http.headers.emplace_back("Content-Type",
                                    "application/x-www-form-urlencoded; charset=utf-8");
  request.http.body = BuildAssumeRoleBody(params);
  request.signing.region = options_.region;
  request.signing.service = "sts";
  request.operation = fmt::format("AssumeRole {}", params.role_arn);

  auto response = client_->Send(request);
  if (!response.ok()) {
    AssumeRoleErrorContext ctx;
    ctx.role_arn = params.role_arn;
    ctx.caller = options_.caller.empty()
                     ? fmt::format("the caller ({})", client_->credentials()->Describe())
                     : options_.caller;
    ctx.external_id_sent = !params.external_id.empty();
    ctx.duration_seconds = params.duration_seconds;
    ctx.region = options_.region;
    return DescribeAssumeRoleError(response.error(), ctx);
  }
  auto parsed = ParseAssumeRoleResponse(response->body);
  if (!parsed.ok()) return Error(parsed.error()).WithContext(request.operation);
  if (parsed->request_id.empty()) {
    parsed->request_id = response->Header("x-amzn-RequestId")
                             .value_or(response->Header("x-amz-request-id").value_or(""));
  }
  return parsed;
}

}  // namespace crossdock::aws::sts
