#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/redshift/handler_transport.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/redshift/serverless_client.h"

namespace crossdock::aws::redshift {
namespace {

TEST(GetCredentials, BodyValidationAndParse) {
  GetCredentialsParams p{"analytics", "dev", 1800};
  EXPECT_EQ(nlohmann::json::parse(BuildGetCredentialsBody(p)),
            nlohmann::json::parse(
                R"({"workgroupName":"analytics","dbName":"dev","durationSeconds":1800})"));
  EXPECT_EQ(BuildGetCredentialsBody({"analytics", "", 0}), R"({"workgroupName":"analytics"})");
  EXPECT_TRUE(ValidateGetCredentials(p).ok());
  EXPECT_EQ(ValidateGetCredentials({"analytics", "", 60}).error().field(), "duration_seconds");
  EXPECT_EQ(ValidateGetCredentials({"", "", 0}).error().field(), "workgroup_name");

  auto c = ParseGetCredentialsResponse(R"({"dbUser":"IAMR:sync","dbPassword":"pw",
      "expiration":1700000900.5,"nextRefreshTime":1700000840})");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->db_user, "IAMR:sync");
  EXPECT_EQ(c->db_password, "pw");
  EXPECT_EQ(c->expiration - c->next_refresh_time, std::chrono::milliseconds(60500));
  EXPECT_FALSE(ParseGetCredentialsResponse(R"({"dbUser":"IAMR:sync"})").ok());
}

TEST(GetCredentials, ClientSignsForRedshiftServerlessAndKeepsThePasswordOutOfErrors) {
  ManualClock clock(TimePoint(std::chrono::seconds(1700000000)));
  std::string answer = R"({"dbUser":"IAMR:sync","dbPassword":"s3cr3t-pw","expiration":1.7e9})";
  int status = 200;
  auto transport = std::make_shared<testing::HandlerTransport>(
      [&](const http::HttpRequest&) { return testing::JsonAnswer(status, answer); });
  auto creds = std::make_shared<StaticCredentialsProvider>(
      AwsCredentials{"AKIDEXAMPLE", "secret", "", std::nullopt});
  RetryOptions retry;
  retry.max_attempts = 1;
  auto aws = std::make_shared<AwsClient>(transport, creds, clock, retry);
  auto client = RedshiftServerlessClient::Create(aws, {"us-west-2", ""});
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->endpoint(), "https://redshift-serverless.us-west-2.amazonaws.com");
  auto c = client->GetCredentials({"analytics", "", 0});
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->db_password, "s3cr3t-pw");
  auto sent = transport->requests().at(0);
  EXPECT_EQ(http::FindHeader(sent.headers, "X-Amz-Target"), "RedshiftServerless.GetCredentials");
  EXPECT_NE(http::FindHeader(sent.headers, "Authorization")
                .value_or("")
                .find("/us-west-2/redshift-serverless/aws4_request"),
            std::string::npos);

  status = 400;
  answer = R"({"__type":"ResourceNotFoundException","message":"Workgroup nope not found."})";
  auto missing = client->GetCredentials({"nope-wg", "", 0});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("Workgroup nope not found."), std::string::npos);
}

}  // namespace
}  // namespace crossdock::aws::redshift
