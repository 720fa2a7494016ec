#include "crossdock/connect/connection_json.h"

#include <gtest/gtest.h>

namespace crossdock::connect {
namespace {

using nlohmann::json;

TEST(ConnectionJson, ParsesTheSeedFormAndSplitsBucketPath) {
  Connection c;
  Status st = ApplyConnectionJsonText(R"({
      "type": "s3", "name": "lake", "auth_method": "access-key",
      "access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalr-secret",
      "region": "us-west-1", "bucket": "output/customers"})",
                                      &c);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(c.type, ConnectionType::kS3);
  EXPECT_EQ(c.auth_method, AuthMethod::kAccessKey);
  EXPECT_EQ(c.bucket, "output");
  EXPECT_EQ(c.path, "customers");
  EXPECT_EQ(*c.secret_access_key.value, "wJalr-secret");
}

TEST(ConnectionJson, OutputNeverContainsSecretsOnlyWhetherTheyAreSet) {
  Connection c;
  c.type = ConnectionType::kDatabricks;
  c.auth_method = AuthMethod::kAccessKey;
  c.name = "dbx";
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = Secret{"top-secret-key", false, true};
  c.databricks.token = Secret{"dapi-top-secret", false, true};
  json j = ConnectionToJson(c);
  std::string text = j.dump();
  EXPECT_EQ(text.find("top-secret"), std::string::npos) << text;
  EXPECT_EQ(j["secret_access_key"], json({{"set", true}}));
  EXPECT_EQ(j["databricks"]["token"], json({{"set", true}}));
  EXPECT_EQ(ConnectionConfigJson(c).find("top-secret"), std::string::npos);

  c.databricks.token = Secret{};
  EXPECT_EQ(ConnectionToJson(c)["databricks"]["token"], json({{"set", false}}));
}

TEST(ConnectionJson, RoundTripsEveryTypeThroughItsOwnOutput) {
  Connection r;
  r.type = ConnectionType::kRedshiftServerless;
  r.name = "rs";
  r.role_arn = "arn:aws:iam::123456789012:role/r";
  r.region = "eu-west-1";
  r.redshift.workgroup = "wg";
  r.redshift.database = "dev";
  r.redshift.access = RedshiftAccess::kVpcEndpoint;
  r.redshift.vpc_endpoint_host = "vpce.example.com";
  r.redshift.vpc_endpoint_port = 5440;
  r.redshift.unload_enabled = true;
  r.redshift.unload_bucket = "unload-example";
  r.redshift.unload_path = "x/y";
  r.redshift.unload_region = "eu-west-1";
  Connection back;
  ASSERT_TRUE(ApplyConnectionJson(ConnectionToJson(r), &back).ok());
  EXPECT_EQ(ConnectionToJson(back), ConnectionToJson(r));
  EXPECT_EQ(back.redshift.vpc_endpoint_port, 5440);
  EXPECT_EQ(back.redshift.unload_path, "x/y");
}

TEST(ConnectionJson, SecretInputRules) {
  Connection c;
  c.secret_access_key = Secret{std::nullopt, false, true};
  ASSERT_TRUE(ApplyConnectionJsonText(R"({"secret_access_key": {"set": true}})", &c).ok());
  EXPECT_FALSE(c.secret_access_key.value.has_value());
  EXPECT_FALSE(c.secret_access_key.clear);
  ASSERT_TRUE(ApplyConnectionJsonText(R"({"secret_access_key": null})", &c).ok());
  EXPECT_TRUE(c.secret_access_key.clear);
  ASSERT_TRUE(ApplyConnectionJsonText(R"({"secret_access_key": "new"})", &c).ok());
  EXPECT_EQ(*c.secret_access_key.value, "new");
  EXPECT_FALSE(c.secret_access_key.clear);
}

TEST(ConnectionJson, WrongTypesAndUnknownFieldsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({"name": 5})", "name"},
      {R"({"type": "gcs"})", "type"},
      {R"({"auth_method": "password"})", "auth_method"},
      {R"({"bucket": ["a"]})", "bucket"},
      {R"({"regoin": "us-east-1"})", "regoin"},
      {R"({"databricks": {"token": 7}})", "databricks.token"},
      {R"({"databricks": {"warehouse": "x"}})", "databricks.warehouse"},
      {R"({"redshift": {"vpc_endpoint": {"port": "5439"}}})", "redshift.vpc_endpoint.port"},
      {R"({"redshift": {"unload": {"enabled": "yes"}}})", "redshift.unload.enabled"},
      {R"({"redshift": {"access": "jdbc"}})", "redshift.access"},
      {R"([1, 2])", "body"},
      {R"({"name": )", "body"},
  };
  for (const auto& tc : cases) {
    Connection c;
    Status st = ApplyConnectionJsonText(tc.body, &c);
    ASSERT_FALSE(st.ok()) << tc.body;
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(st.error().field(), tc.field) << tc.body << ": " << st.error().message();
  }
}

}  // namespace
}  // namespace crossdock::connect

namespace crossdock::connect {
namespace {

// Seed 002: a Kinesis connection names its stream; the region comes from the ARN and the
// document carries no bucket.
TEST(ConnectionJsonKinesis, RegionFromTheStreamArnAndNoBucket) {
  Connection c;
  Status st = ApplyConnectionJsonText(R"({
      "type": "kinesis", "name": "clicks",
      "role_arn": "arn:aws:iam::123456789012:role/polaris-kinesis",
      "kinesis": {"stream_arn": "arn:aws:kinesis:us-west-2:123456789012:stream/clickstream",
                  "kms_key_arn": "arn:aws:kms:us-west-2:123456789012:key/1234abcd"}})",
                                      &c);
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_EQ(c.type, ConnectionType::kKinesis);
  EXPECT_EQ(c.region, "us-west-2");
  EXPECT_EQ(KinesisStreamName(c.kinesis.stream_arn), "clickstream");
  json out = ConnectionToJson(c);
  EXPECT_EQ(out["kinesis"]["kms_key_arn"], "arn:aws:kms:us-west-2:123456789012:key/1234abcd");
  EXPECT_FALSE(out.contains("bucket"));
  Connection back;
  ASSERT_TRUE(ParseConnectionConfigJson(ConnectionConfigJson(c), &back).ok());
  EXPECT_EQ(back.kinesis.stream_arn, c.kinesis.stream_arn);
  EXPECT_EQ(back.region, "us-west-2");

  Connection bad;
  Status unknown =
      ApplyConnectionJsonText(R"({"type": "kinesis", "kinesis": {"stream": "clickstream"}})", &bad);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().field().find("kinesis"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::connect
