// The connection test against the real peers: Ceph RGW (S3, STS, IAM with trust and
// permission policy enforcement) behind the External ID front, with the roles that
// scripts/peers/start.sh provisions: vendor-sync-extid (trust requires the External ID),
// vendor-sync (trust without the condition: a confused deputy), vendor-readonly (no
// s3:PutObject). Each test also proves nothing was left in the bucket.
#include <gtest/gtest.h>

#include "audited_check.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/s3/s3_client.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/crypto/random.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::connect {
namespace {

using testing::Env;

#define REQUIRE_RGW()                                                                      \
  REQUIRE_PEER("RGW_ENDPOINT", "CROSSDOCK_STS_ENDPOINT", "RGW_VENDOR_ACCESS_KEY",          \
               "RGW_EXTID_ROLE_ARN", "RGW_EXTERNAL_ID", "RGW_BUCKET", "RGW_PREFIX",        \
               "RGW_CUSTOMER_ACCESS_KEY", "RGW_ROLE_ARN", "RGW_RO_ROLE_ARN", "RGW_REGION", \
               "RGW_VENDOR_ARN", "RGW_VENDOR_ACCOUNT")

CheckEnvironment VendorEnv(const std::string& key = Env("RGW_VENDOR_ACCESS_KEY"),
                           const std::string& secret = Env("RGW_VENDOR_SECRET_KEY"),
                           const std::string& arn = Env("RGW_VENDOR_ARN")) {
  CheckEnvironment env;
  env.vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(
      aws::AwsCredentials{key, secret, "", std::nullopt});
  env.vendor_principal_arn = arn;
  env.vendor_account = Env("RGW_VENDOR_ACCOUNT");
  env.sts_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  env.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  return env;
}

CheckInput RoleInput(const std::string& role_arn, const std::string& path = Env("RGW_PREFIX")) {
  CheckInput in;
  in.connection.name = "itest-" + path;
  in.connection.type = ConnectionType::kS3;
  in.connection.auth_method = AuthMethod::kIamRole;
  in.connection.role_arn = role_arn;
  in.connection.region = Env("RGW_REGION");
  in.connection.bucket = Env("RGW_BUCKET");
  in.connection.path = path;
  in.external_ids = {Env("RGW_EXTERNAL_ID")};
  return in;
}

CheckStatus StatusOf(const ConnectionCheckReport& r, std::string_view id) {
  const CheckResult* c = r.Find(id);
  EXPECT_NE(c, nullptr) << "no check " << id << "\n" << FormatReport(r);
  return c ? c->status : CheckStatus::kSkip;
}

// With the bucket owner's keys: neither the probe object this report wrote (named in its
// put_object check) nor its multipart upload is left. Other tests run their own probes at
// the same time, so only this report's keys are looked for.
void ExpectNothingLeft(const ConnectionCheckReport& report) {
  const CheckResult* put = report.Find("put_object");
  ASSERT_NE(put, nullptr);
  std::string marker = "s3://" + Env("RGW_BUCKET") + "/";
  auto at = put->title.find(marker);
  ASSERT_NE(at, std::string::npos) << put->title;
  std::string key = put->title.substr(at + marker.size());
  ASSERT_NE(key.find("crossdock-connection-test-"), std::string::npos) << key;
  auto client = aws::s3::S3Client::Make([] {
    auto o = aws::s3::S3Options::FromAccessKey(Env("RGW_CUSTOMER_ACCESS_KEY"),
                                               Env("RGW_CUSTOMER_SECRET_KEY"));
    o.region = Env("RGW_REGION");
    o.endpoint_override = Env("RGW_ENDPOINT");
    return o;
  }());
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  auto objects = (*client)->ListAllObjects(Env("RGW_BUCKET"), key);
  ASSERT_TRUE(objects.ok()) << objects.error().ToString();
  EXPECT_TRUE(objects->empty()) << objects->front().key;
  auto uploads = (*client)->ListAllMultipartUploads(Env("RGW_BUCKET"), key);
  ASSERT_TRUE(uploads.ok()) << uploads.error().ToString();
  EXPECT_TRUE(uploads->empty()) << uploads->front().key;
}

TEST(ConnectionCheck, WellConfiguredRolePassesEveryCheck) {
  REQUIRE_RGW();
  auto report = AuditedCheck(RoleInput(Env("RGW_EXTID_ROLE_ARN")), VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << FormatReport(*report);
  for (const char* id :
       {"assume_role", "external_id_required", "external_id_checked", "bucket_region",
        "list_objects", "put_object", "get_object", "head_object", "create_multipart_upload",
        "list_multipart_uploads", "abort_multipart_upload", "delete_object"}) {
    EXPECT_EQ(StatusOf(*report, id), CheckStatus::kPass) << id << "\n" << FormatReport(*report);
  }
  auto json = ToJson(*report);
  EXPECT_EQ(json["ok"], true);
  EXPECT_EQ(json["checks"].size(), report->checks.size());
  ExpectNothingLeft(*report);
}

TEST(ConnectionCheck, TrustPolicyWithoutExternalIdIsAConfusedDeputy) {
  REQUIRE_RGW();
  auto report = AuditedCheck(RoleInput(Env("RGW_ROLE_ARN")), VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(StatusOf(*report, "assume_role"), CheckStatus::kPass);
  EXPECT_EQ(StatusOf(*report, "external_id_required"), CheckStatus::kFail);
  EXPECT_EQ(StatusOf(*report, "external_id_checked"), CheckStatus::kFail);
  const CheckResult* c = report->Find("external_id_required");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->diagnosis.find("confused deputy"), std::string::npos) << c->diagnosis;
  EXPECT_NE(c->fix.find("sts:ExternalId"), std::string::npos);
  EXPECT_NE(c->fix.find(Env("RGW_EXTERNAL_ID")), std::string::npos) << c->fix;
  // The S3 side of this role is fine.
  EXPECT_EQ(StatusOf(*report, "put_object"), CheckStatus::kPass);
  ExpectNothingLeft(*report);
}

TEST(ConnectionCheck, MissingPutObjectIsNamedWithItsFix) {
  REQUIRE_RGW();
  CheckInput in = RoleInput(Env("RGW_RO_ROLE_ARN"));
  // The readonly role's real permission policy, as the customer would paste it.
  in.permission_policy = R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::)" +
                         Env("RGW_BUCKET") + R"(/sync/*"]},
    {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::)" +
                         Env("RGW_BUCKET") + R"("]}]})";
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(StatusOf(*report, "list_objects"), CheckStatus::kPass);
  const CheckResult* put = report->Find("put_object");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->status, CheckStatus::kFail) << FormatReport(*report);
  EXPECT_EQ(put->aws_code, "AccessDenied");
  EXPECT_EQ(put->http_status, 403);
  EXPECT_NE(put->diagnosis.find("s3:PutObject"), std::string::npos) << put->diagnosis;
  EXPECT_NE(put->fix.find("arn:aws:s3:::" + Env("RGW_BUCKET") + "/sync/*\""), std::string::npos)
      << put->fix;
  // With the document, the simulator agrees with RGW and says which element failed.
  EXPECT_NE(put->explanation.find("ImplicitDeny"), std::string::npos) << put->explanation;
  EXPECT_EQ(StatusOf(*report, "get_object"), CheckStatus::kSkip);
  // And the diff lists what to add.
  const CheckResult* diff = report->Find("permission_policy_diff");
  ASSERT_NE(diff, nullptr);
  EXPECT_EQ(diff->status, CheckStatus::kFail);
  EXPECT_NE(diff->explanation.find("s3:PutObject"), std::string::npos) << diff->explanation;
  ExpectNothingLeft(*report);
}

TEST(ConnectionCheck, PathOutsideThePolicyIsDenied) {
  REQUIRE_RGW();
  auto report = AuditedCheck(RoleInput(Env("RGW_EXTID_ROLE_ARN"), "elsewhere"), VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(StatusOf(*report, "assume_role"), CheckStatus::kPass);
  EXPECT_EQ(StatusOf(*report, "put_object"), CheckStatus::kFail) << FormatReport(*report);
  const CheckResult* put = report->Find("put_object");
  ASSERT_NE(put, nullptr);
  EXPECT_NE(put->title.find("/elsewhere/"), std::string::npos) << put->title;
  ExpectNothingLeft(*report);
}

TEST(ConnectionCheck, WrongExternalIdIsExplainedAgainstTheTrustPolicy) {
  REQUIRE_RGW();
  CheckInput in = RoleInput(Env("RGW_EXTID_ROLE_ARN"));
  in.external_ids = {"not-the-customers-id-0001"};
  in.trust_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":")" +
                    Env("RGW_VENDOR_ARN") +
                    R"("},"Action":"sts:AssumeRole",
    "Condition":{"StringEquals":{"sts:ExternalId":")" +
                    Env("RGW_EXTERNAL_ID") + R"("}}}]})";
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const CheckResult* assume = report->Find("assume_role");
  ASSERT_NE(assume, nullptr);
  EXPECT_EQ(assume->status, CheckStatus::kFail);
  EXPECT_EQ(assume->aws_code, "AccessDenied");
  EXPECT_NE(assume->fix.find("not-the-customers-id-0001"), std::string::npos) << assume->fix;
  EXPECT_NE(assume->explanation.find(Env("RGW_EXTERNAL_ID")), std::string::npos)
      << assume->explanation;
  EXPECT_NE(assume->explanation.find("not-the-customers-id-0001"), std::string::npos)
      << assume->explanation;
  EXPECT_EQ(StatusOf(*report, "put_object"), CheckStatus::kSkip);
}

TEST(ConnectionCheck, PreviousExternalIdDuringRotationIsAWarning) {
  REQUIRE_RGW();
  CheckInput in = RoleInput(Env("RGW_EXTID_ROLE_ARN"));
  in.external_ids = {"the-new-external-id-0002", Env("RGW_EXTERNAL_ID")};
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const CheckResult* assume = report->Find("assume_role");
  ASSERT_NE(assume, nullptr);
  EXPECT_EQ(assume->status, CheckStatus::kWarn) << FormatReport(*report);
  EXPECT_NE(assume->fix.find("the-new-external-id-0002"), std::string::npos);
  EXPECT_TRUE(report->ok()) << FormatReport(*report);
}

TEST(ConnectionCheck, MissingRoleAndUntrustedPrincipal) {
  REQUIRE_RGW();
  auto missing = AuditedCheck(
      RoleInput("arn:aws:iam::" + Env("RGW_CUSTOMER_ACCOUNT") + ":role/no-such-role"), VendorEnv());
  ASSERT_TRUE(missing.ok()) << missing.error().ToString();
  EXPECT_EQ(StatusOf(*missing, "assume_role"), CheckStatus::kFail);
  EXPECT_FALSE(missing->Find("assume_role")->fix.empty());

  auto intruder = AuditedCheck(RoleInput(Env("RGW_EXTID_ROLE_ARN")),
                               VendorEnv(Env("RGW_INTRUDER_ACCESS_KEY"),
                                         Env("RGW_INTRUDER_SECRET_KEY"), Env("RGW_INTRUDER_ARN")));
  ASSERT_TRUE(intruder.ok()) << intruder.error().ToString();
  const CheckResult* c = intruder->Find("assume_role");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, CheckStatus::kFail);
  EXPECT_EQ(c->aws_code, "AccessDenied");
  EXPECT_NE(c->diagnosis.find(Env("RGW_INTRUDER_ARN")), std::string::npos) << c->diagnosis;
}

TEST(ConnectionCheck, AccessKeyConnectionProbesS3Only) {
  REQUIRE_RGW();
  CheckInput in;
  in.connection.name = "itest-keys";
  in.connection.auth_method = AuthMethod::kAccessKey;
  in.connection.access_key_id = Env("RGW_CUSTOMER_ACCESS_KEY");
  in.connection.secret_access_key.value = Env("RGW_CUSTOMER_SECRET_KEY");
  in.connection.region = Env("RGW_REGION");
  in.connection.bucket = Env("RGW_BUCKET");
  in.connection.path = "keys-test";
  CheckEnvironment env;
  env.s3_endpoint = Env("RGW_ENDPOINT");
  auto report = AuditedCheck(in, env);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << FormatReport(*report);
  EXPECT_EQ(report->Find("assume_role"), nullptr);
  EXPECT_EQ(StatusOf(*report, "delete_object"), CheckStatus::kPass);
  ExpectNothingLeft(*report);
}

}  // namespace
}  // namespace crossdock::connect

namespace crossdock::connect {
namespace {

// Seed 002: a Kinesis connection is tested with the three-way assume (through the External
// ID front) and four read calls against kinesalite; no S3 probe runs.
TEST(ConnectionCheckKinesis, AssumesThenReadsTheStream) {
  REQUIRE_RGW();
  REQUIRE_PEER("CROSSDOCK_KINESIS_ENDPOINT");
  const std::string region = Env("RGW_REGION");
  std::string stream = "check-" + crypto::Base64UrlEncode(crypto::RandomBytes(6));
  for (char& c : stream) c = c == '_' ? '-' : c;
  // The stream is the customer's: created with the customer's own keys.
  auto owner = std::make_shared<aws::AwsClient>(
      std::make_shared<http::CurlTransport>(),
      std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
          Env("RGW_CUSTOMER_ACCESS_KEY"), Env("RGW_CUSTOMER_SECRET_KEY"), "", std::nullopt}),
      SystemClock::Instance());
  auto create = owner->Send(aws::MakeJsonRequest(
      Env("CROSSDOCK_KINESIS_ENDPOINT"), region, "kinesis", "Kinesis_20131202.CreateStream",
      R"({"StreamName":")" + stream + R"(","ShardCount":2})", "CreateStream"));
  ASSERT_TRUE(create.ok()) << create.error().ToString();

  CheckInput in = RoleInput(Env("RGW_EXTID_ROLE_ARN"));
  in.connection.type = ConnectionType::kKinesis;
  in.connection.bucket.clear();
  in.connection.path.clear();
  in.connection.kinesis.stream_arn =
      "arn:aws:kinesis:" + region + ":" + Env("RGW_CUSTOMER_ACCOUNT") + ":stream/" + stream;
  CheckEnvironment env = VendorEnv();
  env.kinesis_endpoint = Env("CROSSDOCK_KINESIS_ENDPOINT");
  auto report = AuditedCheck(in, env);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  for (const char* id :
       {"assume_role", "describe_stream", "list_shards", "get_shard_iterator", "get_records"}) {
    EXPECT_EQ(StatusOf(*report, id), CheckStatus::kPass) << id << "\n" << FormatReport(*report);
  }
  EXPECT_NE(report->Find("list_shards")->message.find("2 shards"), std::string::npos);
  EXPECT_EQ(report->Find("put_object"), nullptr);  // no S3 probe for a stream
  EXPECT_TRUE(report->ok()) << FormatReport(*report);

  // A stream that is not there: diagnosed, the later calls skipped.
  in.connection.kinesis.stream_arn += "-missing";
  auto missing = AuditedCheck(in, env);
  ASSERT_TRUE(missing.ok());
  const CheckResult* d = missing->Find("describe_stream");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->status, CheckStatus::kFail);
  EXPECT_NE(d->fix.find("stream ARN"), std::string::npos) << d->fix;
  EXPECT_EQ(StatusOf(*missing, "get_records"), CheckStatus::kSkip);
}

}  // namespace
}  // namespace crossdock::connect
