#include "testing/customer_iam.h"

#include <memory>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/sts/assume_role_request.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::testing {

Status CustomerIamCall(const std::string& action, const std::string& params) {
  static aws::AwsClient client(
      std::make_shared<http::CurlTransport>(),
      std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
          Env("RGW_CUSTOMER_ACCESS_KEY"), Env("RGW_CUSTOMER_SECRET_KEY"), "", std::nullopt}),
      SystemClock::Instance(), [] {
        aws::RetryOptions r;
        r.max_attempts = 2;
        return r;
      }());
  aws::AwsRequest request;
  request.http.method = "POST";
  request.http.url = Env("CROSSDOCK_STS_ENDPOINT") + "/";
  request.http.headers.emplace_back("Content-Type",
                                    "application/x-www-form-urlencoded; charset=utf-8");
  request.http.body = "Action=" + action + "&Version=2010-05-08" + params;
  request.signing.region = Env("RGW_REGION");
  request.signing.service = "iam";
  request.operation = "IAM " + action;
  auto response = client.Send(request);
  if (!response.ok()) return std::move(response).error();
  return OkStatus();
}

std::string IamParam(const char* name, const std::string& value) {
  return std::string("&") + name + "=" + aws::sts::FormEncode(value);
}

Status CreateCustomerRole(const std::string& name, const std::string& trust_policy,
                          const std::string& permission_policy) {
  RETURN_IF_ERROR(
      CustomerIamCall("CreateRole", IamParam("RoleName", name) + "&Path=%2F" +
                                        IamParam("AssumeRolePolicyDocument", trust_policy)));
  return PutCustomerRolePolicy(name, permission_policy);
}

Status PutCustomerRolePolicy(const std::string& name, const std::string& permission_policy) {
  return CustomerIamCall("PutRolePolicy", IamParam("RoleName", name) + "&PolicyName=crossdock" +
                                              IamParam("PolicyDocument", permission_policy));
}

void DeleteCustomerRole(const std::string& name) {
  (void)CustomerIamCall("DeleteRolePolicy", IamParam("RoleName", name) + "&PolicyName=crossdock");
  (void)CustomerIamCall("DeleteRole", IamParam("RoleName", name));
}

}  // namespace crossdock::testing
