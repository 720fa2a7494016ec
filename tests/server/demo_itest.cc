// The demo flow against the real peers (Ceph RGW behind the External ID front): apply the
// generated policies to the pretend account, then the connection test passes every check; a
// role whose trust policy lacks the External ID condition fails as a confused deputy.
#include <cstdlib>
#include <set>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/http/curl_transport.h"
#include "server_fixture.h"
#include "testing/peers.h"
#include "testing/request_audit.h"

extern char** environ;

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

class DemoTest : public ServerTest {
 protected:
  void SetUp() override {}

  std::shared_ptr<DemoPeers> PeersFromEnvironment() {
    auto peers = std::make_shared<DemoPeers>();
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      auto eq = kv.find('=');
      if (kv.starts_with("RGW_") || kv.starts_with("CROSSDOCK_")) {
        peers->env[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
    }
    return peers;
  }
};

TEST_F(DemoTest, AppliedPoliciesPassEveryCheck) {
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY", "RGW_VENDOR_ACCESS_KEY",
               "RGW_BUCKET", "RGW_VENDOR_ACCOUNT");
  auto peers = PeersFromEnvironment();
  ExtraRoutesOptions extra;
  extra.demo = peers;
  extra.sts_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
  extra.s3_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
  auto recorder = std::make_shared<crossdock::testing::RecordingTransport>(
      std::make_shared<http::CurlTransport>());
  extra.transport = recorder;  // serve's connection tests, audited below
  StartServer(extra, peers->Get("RGW_VENDOR_ACCOUNT"));

  auto demo = Json(Call("GET", "/v1/demo", token_a_));
  EXPECT_EQ(demo["account_id"], peers->Get("RGW_CUSTOMER_ACCOUNT"));
  std::string role = "crossdock-itest-" + crypto::RandomId("r").substr(2, 10);
  std::string role_arn = "arn:aws:iam::" + peers->Get("RGW_CUSTOMER_ACCOUNT") + ":role/" + role;
  json body = {{"type", "s3"},
               {"name", "demo"},
               {"auth_method", "iam-role"},
               {"role_arn", role_arn},
               {"region", peers->Get("RGW_REGION")},
               {"bucket", peers->Get("RGW_BUCKET") + "/itest-" + role}};
  auto created = Call("POST", "/v1/connections", token_a_, body.dump());
  ASSERT_EQ(created->status, 201) << created->body;
  std::string id = Json(created)["id"];

  // Before the policies are applied the role does not exist: the test fails and says so.
  auto before = Call("POST", "/v1/connections/" + id + "/test", token_a_);
  ASSERT_EQ(before->status, 200) << before->body;
  EXPECT_FALSE(Json(before)["ok"]) << before->body;

  auto applied = Call("POST", "/v1/connections/" + id + "/demo-apply", token_a_);
  ASSERT_EQ(applied->status, 200) << applied->body;

  recorder->Take();  // the test before the role existed was refused, rightly
  auto tested = Call("POST", "/v1/connections/" + id + "/test", token_a_);
  ASSERT_EQ(tested->status, 200) << tested->body;
  json report = Json(tested);
  EXPECT_TRUE(report["ok"]) << tested->body;
  for (const auto& check : report["checks"]) {
    EXPECT_NE(check["status"], "fail") << check.dump();
  }
  // Every request serve's test sent is inside the policies generated for this connection.
  connect::ConnectionService service(*store_);
  auto stored = service.GetConnection(org_a_, id, false);
  ASSERT_TRUE(stored.ok());
  auto ids = service.GetExternalIds(org_a_);
  ASSERT_TRUE(ids.ok());
  store::VendorIdentity vendor;
  vendor.account_id = peers->Get("RGW_VENDOR_ACCOUNT");
  auto spec = connect::SpecForConnection(*stored, vendor, ids->All());
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  auto policies = crossdock::testing::PoliciesFor(*spec);
  ASSERT_TRUE(policies.ok()) << policies.error().ToString();
  auto audit = crossdock::testing::Audit(recorder->Take(), *policies);
  crossdock::testing::AddToTotals(audit);
  std::cout << audit.Summary() << "\n";
  EXPECT_GT(audit.checked, 10u);
  EXPECT_TRUE(audit.outside.empty()) << audit.Summary();
  // A foreign organization cannot test (or learn about) the connection.
  ExpectError(Call("POST", "/v1/connections/" + id + "/test", token_b_), 404);
  ExpectError(Call("POST", "/v1/connections/" + id + "/demo-apply", token_b_), 404);

  auto metrics = Call("GET", "/metrics", "");
  EXPECT_NE(metrics->body.find("crossdock_connection_tests_total{outcome=\"pass\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("crossdock_connection_tests_total{outcome=\"fail\"}"),
            std::string::npos);
  EXPECT_EQ(Log().find(peers->Get("RGW_VENDOR_SECRET_KEY")), std::string::npos);
  EXPECT_EQ(Log().find(peers->Get("RGW_CUSTOMER_SECRET_KEY")), std::string::npos);
}

// serve's test route reaches every service at the endpoints syncs use (flags, then the
// environment): a Kinesis connection is tested against the Kinesis peer.
TEST_F(DemoTest, KinesisConnectionIsTestedAtTheSyncsEndpoint) {
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "CROSSDOCK_KINESIS_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY",
               "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_ACCOUNT", "RGW_CUSTOMER_ACCOUNT");
  auto peers = PeersFromEnvironment();
  ExtraRoutesOptions extra;
  extra.demo = peers;
  extra.sts_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
  extra.s3_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
  StartServer(extra, peers->Get("RGW_VENDOR_ACCOUNT"));

  const std::string region = peers->Get("RGW_REGION");
  std::string stream = "serve-" + crypto::RandomId("s").substr(2, 10);
  auto owner = std::make_shared<aws::AwsClient>(
      std::make_shared<http::CurlTransport>(),
      std::make_shared<aws::StaticCredentialsProvider>(
          aws::AwsCredentials{peers->Get("RGW_CUSTOMER_ACCESS_KEY"),
                              peers->Get("RGW_CUSTOMER_SECRET_KEY"), "", std::nullopt}),
      SystemClock::Instance());
  auto made = owner->Send(aws::MakeJsonRequest(
      peers->Get("CROSSDOCK_KINESIS_ENDPOINT"), region, "kinesis", "Kinesis_20131202.CreateStream",
      R"({"StreamName":")" + stream + R"(","ShardCount":1})", "CreateStream"));
  ASSERT_TRUE(made.ok()) << made.error().ToString();

  std::string role = "crossdock-itest-" + crypto::RandomId("r").substr(2, 10);
  json body = {{"type", "kinesis"},
               {"name", "clicks"},
               {"role_arn", "arn:aws:iam::" + peers->Get("RGW_CUSTOMER_ACCOUNT") + ":role/" + role},
               {"region", region},
               {"kinesis",
                {{"stream_arn", "arn:aws:kinesis:" + region + ":" +
                                    peers->Get("RGW_CUSTOMER_ACCOUNT") + ":stream/" + stream}}}};
  auto created = Call("POST", "/v1/connections", token_a_, body.dump());
  ASSERT_EQ(created->status, 201) << created->body;
  std::string id = Json(created)["id"];
  auto applied = Call("POST", "/v1/connections/" + id + "/demo-apply", token_a_);
  ASSERT_EQ(applied->status, 200) << applied->body;
  auto tested = Call("POST", "/v1/connections/" + id + "/test", token_a_);
  ASSERT_EQ(tested->status, 200) << tested->body;
  json report = Json(tested);
  EXPECT_TRUE(report["ok"]) << tested->body;
  std::set<std::string> passed;
  for (const auto& check : report["checks"]) {
    if (check["status"] == "pass") passed.insert(check["id"].get<std::string>());
  }
  for (const char* id : {"assume_role", "describe_stream", "list_shards", "get_records"}) {
    EXPECT_TRUE(passed.count(id)) << id << " did not pass: " << tested->body;
  }
}

TEST_F(DemoTest, RoleWithoutExternalIdConditionIsAConfusedDeputy) {
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN", "RGW_VENDOR_ACCESS_KEY", "RGW_BUCKET",
               "RGW_PREFIX", "RGW_VENDOR_ACCOUNT");
  auto peers = PeersFromEnvironment();
  ExtraRoutesOptions extra;
  extra.demo = peers;
  extra.sts_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
  extra.s3_endpoint = peers->Get("CROSSDOCK_STS_ENDPOINT");
  StartServer(extra, peers->Get("RGW_VENDOR_ACCOUNT"));
  json body = {{"type", "s3"},
               {"name", "no-extid"},
               {"role_arn", peers->Get("RGW_ROLE_ARN")},
               {"region", peers->Get("RGW_REGION")},
               {"bucket", peers->Get("RGW_BUCKET") + "/" + peers->Get("RGW_PREFIX")}};
  auto created = Call("POST", "/v1/connections", token_a_, body.dump());
  ASSERT_EQ(created->status, 201) << created->body;
  auto tested =
      Call("POST", "/v1/connections/" + Json(created)["id"].get<std::string>() + "/test", token_a_);
  ASSERT_EQ(tested->status, 200) << tested->body;
  json report = Json(tested);
  EXPECT_FALSE(report["ok"]);
  bool deputy = false;
  for (const auto& check : report["checks"]) {
    if (check["status"] == "fail" &&
        check["fix"].get<std::string>().find("sts:ExternalId") != std::string::npos) {
      deputy = true;
    }
  }
  EXPECT_TRUE(deputy) << tested->body;
}

}  // namespace
}  // namespace crossdock::server::testing
