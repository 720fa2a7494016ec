#include "crossdock/connect/connection_credentials.h"

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/http/curl_transport.h"

namespace crossdock::connect {

Result<aws::CredentialsProviderPtr> ConnectionCredentials(
    const Connection& c, const std::vector<std::string>& external_ids, const VendorAccess& vendor) {
  if (c.auth_method == AuthMethod::kAccessKey) {
    if (c.access_key_id.empty() || !c.secret_access_key.value) {
      return Error(ErrorCode::kInvalidArgument,
                   "the connection's access key id or secret access key is not available; set "
                   "both (or read the connection with its secrets decrypted)",
                   "secret_access_key");
    }
    return aws::CredentialsProviderPtr(std::make_shared<aws::StaticCredentialsProvider>(
        aws::AwsCredentials{c.access_key_id, *c.secret_access_key.value, "", std::nullopt}));
  }
  if (c.role_arn.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the connection has no role ARN; set one",
                 "role_arn");
  }
  if (!vendor.credentials) {
    return Error(ErrorCode::kFailedPrecondition,
                 "crossdock has no AWS credentials of its own to assume the role with; set "
                 "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an instance role",
                 "vendor_credentials");
  }
  aws::AssumeRoleOptions o;
  o.role_arn = c.role_arn;
  o.role_session_name = aws::MakeRoleSessionName(c.name.empty() ? c.id : c.name);
  o.external_id = external_ids.empty() ? "" : external_ids.front();
  o.region = c.region;
  o.endpoint_override = vendor.sts_endpoint;
  o.caller = vendor.principal_arn;
  Clock& clock = vendor.clock != nullptr ? *vendor.clock : SystemClock::Instance();
  auto transport = vendor.transport ? vendor.transport : std::make_shared<http::CurlTransport>();
  ASSIGN_OR_RETURN(auto cached, aws::MakeCachedAssumeRole(vendor.credentials, o, transport, clock,
                                                          vendor.caching, vendor.retry));
  return aws::CredentialsProviderPtr(cached);
}

}  // namespace crossdock::connect
