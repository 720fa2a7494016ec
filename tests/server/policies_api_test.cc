// POST /v1/policies/check | simulate | diff | generate.
#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

const char* kTrustWithoutExternalId = R"({
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::568237466542:root"},
                 "Action": "sts:AssumeRole"}]})";

TEST_F(ServerTest, CheckFindsTheConfusedDeputy) {
  json body = {{"policy", kTrustWithoutExternalId}, {"type", "trust"}};
  auto r = Call("POST", "/v1/policies/check", token_a_, body.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  json report = Json(r);
  EXPECT_FALSE(report["ok"]);
  bool confused = false;
  for (const auto& f : report["findings"]) {
    confused |= f["code"].get<std::string>().find("external-id") != std::string::npos ||
                f["code"].get<std::string>().find("confused") != std::string::npos;
  }
  EXPECT_TRUE(confused) << r->body;
  ExpectError(Call("POST", "/v1/policies/check", token_a_, R"({"type": "trust"})"), 400, "policy");
  ExpectError(Call("POST", "/v1/policies/check", token_a_,
                   json{{"policy", kTrustWithoutExternalId}, {"type", "bucket"}}.dump()),
              422, "type");
}

TEST_F(ServerTest, SimulateExplainsTheDecision) {
  json trust = {{"Version", "2012-10-17"},
                {"Statement",
                 {{{"Effect", "Allow"},
                   {"Principal", {{"AWS", "arn:aws:iam::123456789012:root"}}},
                   {"Action", "sts:AssumeRole"},
                   {"Condition", {{"StringEquals", {{"sts:ExternalId", "right"}}}}}}}}};
  json body = {{"policy", trust},
               {"principal", "arn:aws:iam::123456789012:root"},
               {"action", "sts:AssumeRole"},
               {"resource", "arn:aws:iam::111122223333:role/r"},
               {"context", {{"sts:ExternalId", "right"}}}};
  auto allow = Call("POST", "/v1/policies/simulate", token_a_, body.dump());
  ASSERT_EQ(allow->status, 200) << allow->body;
  EXPECT_EQ(Json(allow)["decision"], "Allow");
  body["context"]["sts:ExternalId"] = "wrong";
  auto deny = Call("POST", "/v1/policies/simulate", token_a_, body.dump());
  ASSERT_EQ(deny->status, 200);
  EXPECT_EQ(Json(deny)["decision"], "ImplicitDeny");
  EXPECT_NE(deny->body.find("sts:ExternalId"), std::string::npos);
  body.erase("action");
  ExpectError(Call("POST", "/v1/policies/simulate", token_a_, body.dump()), 400, "action");
  body["action"] = "sts:AssumeRole";
  body["policies"] = json::array({{{"name", "x"}, {"document", "{not json"}}});
  body.erase("policy");
  ExpectError(Call("POST", "/v1/policies/simulate", token_a_, body.dump()), 422,
              "policies[0].document");
}

TEST_F(ServerTest, DiffAgainstAConnectionsRequirement) {
  json c = CreateS3(token_a_, "d");
  json actual = {{"Version", "2012-10-17"},
                 {"Statement", {{{"Effect", "Allow"}, {"Action", "s3:*"}, {"Resource", "*"}}}}};
  auto r = Call("POST", "/v1/policies/diff", token_a_,
                json{{"connection_id", c["id"]}, {"actual", actual}}.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(Json(r)["same"]);
  EXPECT_FALSE(Json(r)["excess"].empty());
  // Another organization's connection is not found.
  ExpectError(Call("POST", "/v1/policies/diff", token_b_,
                   json{{"connection_id", c["id"]}, {"actual", actual}}.dump()),
              404);
}

TEST_F(ServerTest, GenerateUsesTheOrganizationsExternalId) {
  std::string external_id = Json(Call("GET", "/v1/identity", token_a_))["external_id"];
  auto r = Call("POST", "/v1/policies/generate", token_a_,
                R"({"type": "s3", "buckets": ["syncoutput"], "region": "us-east-1"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(Json(r)["trust_policy"].dump().find(external_id), std::string::npos);
  auto tf = Call("POST", "/v1/policies/generate", token_a_,
                 R"({"type": "s3", "buckets": ["syncoutput"], "format": "terraform"})");
  ASSERT_EQ(tf->status, 200);
  EXPECT_NE(tf->body.find("aws_iam_role"), std::string::npos);
  ExpectError(Call("POST", "/v1/policies/generate", token_a_,
                   R"({"type": "s3", "buckets": ["Bad..Bucket"]})"),
              422, "buckets[0]");
  ExpectError(Call("POST", "/v1/policies/generate", token_a_, R"({"type": "s3", "buckets": "b"})"),
              400, "buckets");
}

}  // namespace
}  // namespace crossdock::server::testing
