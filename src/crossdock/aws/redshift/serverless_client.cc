#include "crossdock/aws/redshift/serverless_client.h"

#include <fmt/format.h>

#include "crossdock/aws/endpoints.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/redshift/data_api_errors.h"
#include "crossdock/aws/redshift/data_api_requests.h"

namespace crossdock::aws::redshift {

Status ValidateGetCredentials(const GetCredentialsParams& params) {
  DataApiTarget target{params.workgroup_name, "", params.db_name.empty() ? "-" : params.db_name};
  RETURN_IF_ERROR(ValidateTarget(target));
  if (params.duration_seconds != 0 &&
      (params.duration_seconds < 900 || params.duration_seconds > 3600)) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("duration_seconds {} is outside 900 to 3600: Redshift Serverless "
                             "credentials last 15 to 60 minutes",
                             params.duration_seconds),
                 "duration_seconds");
  }
  return OkStatus();
}

std::string BuildGetCredentialsBody(const GetCredentialsParams& params) {
  nlohmann::json body{{"workgroupName", params.workgroup_name}};
  if (!params.db_name.empty()) body["dbName"] = params.db_name;
  if (params.duration_seconds != 0) body["durationSeconds"] = params.duration_seconds;
  return body.dump();
}

Result<DatabaseCredentials> ParseGetCredentialsResponse(std::string_view body) {
  constexpr std::string_view kWhat = "GetCredentials";
  ASSIGN_OR_RETURN(auto j, ParseJsonObject(body, kWhat));
  DatabaseCredentials c;
  ASSIGN_OR_RETURN(c.db_user, StringMember(j, "dbUser", kWhat));
  ASSIGN_OR_RETURN(c.db_password, StringMember(j, "dbPassword", kWhat));
  if (c.db_user.empty() || c.db_password.empty()) {
    return Error(ErrorCode::kInternal, "GetCredentials: the answer has no dbUser or dbPassword");
  }
  for (auto [name, out] : {std::pair{"expiration", &c.expiration},
                           std::pair{"nextRefreshTime", &c.next_refresh_time}}) {
    auto it = j.find(name);
    if (it != j.end() && it->is_number()) *out = EpochSecondsToTime(it->get<double>());
  }
  return c;
}

Result<RedshiftServerlessClient> RedshiftServerlessClient::Create(
    std::shared_ptr<AwsClient> client, RedshiftServerlessOptions options) {
  if (options.region.empty()) options.region = "us-east-1";
  ASSIGN_OR_RETURN(std::string endpoint, ServiceEndpoint(kServerlessSigningName, options.region,
                                                         options.endpoint_override));
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return RedshiftServerlessClient(std::move(client), std::move(options), std::move(endpoint));
}

Result<DatabaseCredentials> RedshiftServerlessClient::GetCredentials(
    const GetCredentialsParams& params) const {
  RETURN_IF_ERROR(ValidateGetCredentials(params));
  AwsRequest request = MakeJsonRequest(
      endpoint_, options_.region, kServerlessSigningName, "RedshiftServerless.GetCredentials",
      BuildGetCredentialsBody(params),
      fmt::format("Redshift Serverless GetCredentials for workgroup {}", params.workgroup_name));
  auto response = client_->Send(request);
  if (!response.ok()) {
    DataApiTarget target{params.workgroup_name, "", params.db_name};
    return DescribeDataApiError(std::move(response).error(), &target);
  }
  return ParseGetCredentialsResponse(response->body);
}

}  // namespace crossdock::aws::redshift
