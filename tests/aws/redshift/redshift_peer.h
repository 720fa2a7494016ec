// What the Redshift integration tests share: the variables of scripts/peers/start.sh and
// start-warehouses.sh, the staging role assumed as crossdock assumes it (the vendor's keys,
// the External ID, through the peers' STS), and clients for the fake Redshift and for RGW.
#pragma once

#include <memory>
#include <string>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/redshift/data_api_client.h"
#include "crossdock/aws/redshift/serverless_client.h"
#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

#define REQUIRE_REDSHIFT_PEER()                                                                    \
  REQUIRE_PEER("CROSSDOCK_REDSHIFT_DATA_ENDPOINT", "CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT",       \
               "CROSSDOCK_REDSHIFT_WORKGROUP", "CROSSDOCK_REDSHIFT_DATABASE",                      \
               "CROSSDOCK_REDSHIFT_ROLE_ARN", "CROSSDOCK_REDSHIFT_RO_ROLE_ARN",                    \
               "CROSSDOCK_REDSHIFT_NOTRUST_ROLE_ARN", "CROSSDOCK_REDSHIFT_PG_HOST",                \
               "CROSSDOCK_REDSHIFT_PG_PORT", "CROSSDOCK_REDSHIFT_PG_DATABASE",                     \
               "CROSSDOCK_STS_ENDPOINT", "RGW_ENDPOINT", "RGW_REGION", "RGW_BUCKET", "RGW_PREFIX", \
               "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY", "RGW_EXTERNAL_ID")

namespace crossdock::testing {

inline std::shared_ptr<http::HttpTransport> Curl() {
  static auto transport = std::make_shared<http::CurlTransport>();
  return transport;
}

// Temporary credentials of the staging role, assumed once per call.
inline Result<aws::AwsCredentials> StagingRoleCredentials() {
  aws::AssumeRoleOptions o;
  o.role_arn = Env("CROSSDOCK_REDSHIFT_ROLE_ARN");
  o.role_session_name = "crossdock-redshift-itest";
  o.external_id = Env("RGW_EXTERNAL_ID");
  o.duration = std::chrono::seconds(900);
  o.region = Env("RGW_REGION");
  o.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
  auto vendor = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
  ASSIGN_OR_RETURN(auto provider,
                   aws::AssumeRoleProvider::Create(vendor, o, Curl(), SystemClock::Instance()));
  return provider->GetCredentials();
}

inline std::shared_ptr<aws::AwsClient> AwsFor(const aws::AwsCredentials& creds) {
  return std::make_shared<aws::AwsClient>(
      Curl(), std::make_shared<aws::StaticCredentialsProvider>(creds), SystemClock::Instance());
}

inline aws::redshift::DataApiTarget Workgroup() {
  return {Env("CROSSDOCK_REDSHIFT_WORKGROUP"), "", Env("CROSSDOCK_REDSHIFT_DATABASE")};
}

}  // namespace crossdock::testing
