// Connections over HTTP: CRUD, validation errors naming the field, 400 for malformed bodies,
// 409 for duplicates, nothing half-written, policies in three formats.
#include <set>

#include "crossdock/iam/connection_types.h"
#include "crossdock/iam/operations.h"
#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

TEST_F(ServerTest, CreateReadUpdateDeleteS3Connection) {
  json created = CreateS3(token_a_, "warehouse-export");
  ASSERT_TRUE(created.is_object());
  std::string id = created["id"];
  EXPECT_EQ(created["type"], "s3");
  EXPECT_EQ(created["bucket"], "output");
  EXPECT_EQ(created["path"], "customers");  // seed 001: bucket name with a path
  EXPECT_EQ(created["role_arn"], "arn:aws:iam::111122223333:role/crossdock");
  EXPECT_EQ(created["external_id"].get<std::string>().rfind("cdx-", 0), 0u);

  auto list = Call("GET", "/v1/connections", token_a_);
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(Json(list)["connections"].size(), 1u);
  EXPECT_EQ(Json(list)["connections"][0]["id"], id);

  auto one = Call("GET", "/v1/connections/" + id, token_a_);
  ASSERT_EQ(one->status, 200);
  EXPECT_EQ(Json(one)["name"], "warehouse-export");

  auto patched = Call("PATCH", "/v1/connections/" + id, token_a_, R"({"region": "us-east-2"})");
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(Json(patched)["region"], "us-east-2");
  EXPECT_EQ(Json(patched)["bucket"], "output");

  auto deleted = Call("DELETE", "/v1/connections/" + id, token_a_);
  EXPECT_EQ(deleted->status, 204);
  ExpectError(Call("GET", "/v1/connections/" + id, token_a_), 404);
}

// The list renders each stored row once and reuses it (connect/rendered_connections.h): an
// item must still equal what GET /v1/connections/{id} shows, after every change.
TEST_F(ServerTest, ListItemsMatchTheConnectionAfterEveryChange) {
  json created = CreateS3(token_a_, "warehouse-export");
  std::string id = created["id"];
  auto item = [&] {
    auto list = Call("GET", "/v1/connections", token_a_);
    EXPECT_EQ(list->status, 200);
    EXPECT_EQ(list->get_header_value("Content-Type"), "application/json") << list->body;
    json found;
    json body = Json(list);
    for (const json& c : body["connections"]) {
      if (c["id"] == id) found = c;
    }
    return found;
  };
  for (const char* region : {"us-east-2", "eu-west-1", "us-east-2", "ap-south-1"}) {
    auto patched =
        Call("PATCH", "/v1/connections/" + id, token_a_, json{{"region", region}}.dump());
    ASSERT_EQ(patched->status, 200) << patched->body;
    json listed = item();
    ASSERT_TRUE(listed.is_object());
    EXPECT_EQ(listed["region"], region);
    EXPECT_TRUE(listed.contains("drift"));
    json one = Json(Call("GET", "/v1/connections/" + id, token_a_));
    listed.erase("drift");
    EXPECT_EQ(listed, one);
  }
}

TEST_F(ServerTest, ValidationErrorsNameTheFieldAndWriteNothing) {
  json body = {{"type", "s3"},
               {"name", "bad"},
               {"auth_method", "iam-role"},
               {"role_arn", "arn:aws:iam:::123456789012:role/demo-role"},
               {"region", "us-west-1"},
               {"bucket", "Not_A_Bucket"}};
  auto r = Call("POST", "/v1/connections", token_a_, body.dump());
  json e = ExpectError(r, 422, "role_arn");
  ASSERT_TRUE(e.contains("details"));
  bool bucket_named = false;
  for (const auto& d : e["details"]) bucket_named |= d["field"] == "bucket";
  EXPECT_TRUE(bucket_named) << r->body;

  body["role_arn"] = "arn:aws-cn:iam::123456789012:role/x";  // partition of another region
  body["bucket"] = "fine-bucket";
  ExpectError(Call("POST", "/v1/connections", token_a_, body.dump()), 422, "role_arn");

  body["role_arn"] = "arn:aws:iam::123456789012:role/x";
  body["bucket"] = "fine-bucket/../up";
  ExpectError(Call("POST", "/v1/connections", token_a_, body.dump()), 422, "path");

  body["bucket"] = "fine-bucket";
  body["region"] = "mars-north-1";
  ExpectError(Call("POST", "/v1/connections", token_a_, body.dump()), 422, "region");

  EXPECT_EQ(Json(Call("GET", "/v1/connections", token_a_))["connections"].size(), 0u);
}

// The web UI has no rules of its own: it asks ?dry_run=true, which runs every rule of the
// save (create or edit) and stores nothing.
TEST_F(ServerTest, DryRunValidatesLikeTheSaveAndStoresNothing) {
  json body = {{"type", "s3"},
               {"name", "dry"},
               {"auth_method", "iam-role"},
               {"role_arn", "arn:aws:iam::123456789012:role/x"},
               {"region", "us-west-1"},
               {"bucket", "fine-bucket/out"}};
  auto ok = Call("POST", "/v1/connections?dry_run=true", token_a_, body.dump());
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Json(ok)["valid"], true);
  EXPECT_EQ(Json(Call("GET", "/v1/connections", token_a_))["connections"].size(), 0u);

  body["region"] = "mars-north-1";
  body["bucket"] = "Not_A_Bucket";
  json e = ExpectError(Call("POST", "/v1/connections?dry_run=true", token_a_, body.dump()), 422);
  std::set<std::string> fields;
  for (const auto& d : e["details"]) fields.insert(d["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"region", "bucket"}));
  EXPECT_EQ(Json(Call("GET", "/v1/connections", token_a_))["connections"].size(), 0u);

  json created = CreateS3(token_a_, "kept");
  std::string id = created["id"];
  auto edit_ok = Call("PATCH", "/v1/connections/" + id + "?dry_run=true", token_a_,
                      R"({"region": "eu-west-1"})");
  ASSERT_EQ(edit_ok->status, 200) << edit_ok->body;
  ExpectError(Call("PATCH", "/v1/connections/" + id + "?dry_run=true", token_a_,
                   R"({"role_arn": "arn:aws:iam::1:role/x"})"),
              422, "role_arn");
  json stored = Json(Call("GET", "/v1/connections/" + id, token_a_));
  EXPECT_EQ(stored["region"], created["region"]);
  EXPECT_EQ(stored["role_arn"], created["role_arn"]);
  EXPECT_EQ(stored["updated_at"], created["updated_at"]);
}

// The one table of connection types, as the web UI and API clients read it.
TEST_F(ServerTest, ConnectionTypesComeFromTheOneTable) {
  json types = Json(Call("GET", "/v1/connection-types", token_a_))["types"];
  ASSERT_EQ(types.size(), iam::ConnectionTypes().size());
  for (size_t i = 0; i < types.size(); ++i) {
    const iam::ConnectionTypeInfo& t = iam::ConnectionTypes()[i];
    EXPECT_EQ(types[i]["name"], t.name);
    EXPECT_EQ(types[i]["title"], t.title);
    EXPECT_EQ(types[i]["role_only"], t.role_only) << t.name;
    EXPECT_FALSE(types[i]["summary"].get<std::string>().empty()) << t.name;
    EXPECT_EQ(types[i]["operations"].size(), iam::OperationsFor(t.type).size()) << t.name;
  }
  // A role-only type refuses access keys, with the field named.
  json body = {{"type", "kinesis"},
               {"name", "keys"},
               {"auth_method", "access-key"},
               {"access_key_id", "AKIAIOSFODNN7EXAMPLE"},
               {"secret_access_key", "secret"},
               {"kinesis", {{"stream_arn", "arn:aws:kinesis:us-east-1:111122223333:stream/s"}}}};
  ExpectError(Call("POST", "/v1/connections?dry_run=true", token_a_, body.dump()), 422,
              "auth_method");
  // The OpenAPI enums are the table's names.
  json doc = Json(Call("GET", "/openapi.json", ""));
  json names = json::array();
  for (const auto& t : iam::ConnectionTypes()) names.push_back(t.name);
  EXPECT_EQ(doc["paths"]["/v1/policies/generate"]["post"]["requestBody"]["content"]
               ["application/json"]["schema"]["properties"]["type"]["enum"],
            names);
}

TEST_F(ServerTest, MalformedBodiesAreBadRequestsNamingTheField) {
  ExpectError(Call("POST", "/v1/connections", token_a_, "{\"type\": \"s3\", "), 400, "body");
  ExpectError(Call("POST", "/v1/connections", token_a_, "[1, 2]"), 400, "body");
  ExpectError(Call("POST", "/v1/connections", token_a_, ""), 400, "body");
  ExpectError(Call("POST", "/v1/connections", token_a_, R"({"type": "s3", "name": 5})"), 400,
              "name");
  ExpectError(Call("POST", "/v1/connections", token_a_, R"({"name": "x"})"), 400, "type");
  ExpectError(Call("POST", "/v1/connections", token_a_,
                   R"({"type": "s3", "name": "x", "regoin": "us-east-1"})"),
              400, "regoin");
  ExpectError(Call("POST", "/v1/connections", token_a_,
                   R"({"type": "databricks", "name": "x", "databricks": {"token": 12}})"),
              400, "databricks.token");
  ExpectError(Call("POST", "/v1/connections", token_a_,
                   R"({"type": "s3", "name": "x", "id": "conn_mine"})"),
              400, "id");
  EXPECT_EQ(Json(Call("GET", "/v1/connections", token_a_))["connections"].size(), 0u);
}

TEST_F(ServerTest, DuplicateNameIsConflictAndUpdateIsAllOrNothing) {
  json a = CreateS3(token_a_, "one");
  CreateS3(token_a_, "two");
  auto dup = Call("POST", "/v1/connections", token_a_,
                  json{{"type", "s3"},
                       {"name", "one"},
                       {"role_arn", "arn:aws:iam::111122223333:role/r"},
                       {"region", "us-east-1"},
                       {"bucket", "b-one"}}
                      .dump());
  ExpectError(dup, 409);
  // Renaming onto an existing name fails and leaves the connection as it was.
  ExpectError(Call("PATCH", "/v1/connections/" + a["id"].get<std::string>(), token_a_,
                   R"({"name": "two", "region": "eu-west-1"})"),
              409);
  // An invalid value in an update changes nothing either.
  ExpectError(Call("PATCH", "/v1/connections/" + a["id"].get<std::string>(), token_a_,
                   R"({"region": "eu-west-1", "role_arn": "not-an-arn"})"),
              422, "role_arn");
  json now = Json(Call("GET", "/v1/connections/" + a["id"].get<std::string>(), token_a_));
  EXPECT_EQ(now["name"], "one");
  EXPECT_EQ(now["region"], "us-west-1");
  EXPECT_EQ(now["updated_at"], a["updated_at"]);
}

TEST_F(ServerTest, SecretsAreWriteOnly) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
  json body = {{"type", "s3"},
               {"name", "keys"},
               {"auth_method", "access-key"},
               {"access_key_id", "AKIAIOSFODNN7EXAMPLE"},
               {"secret_access_key", secret},
               {"region", "us-east-1"},
               {"bucket", "key-bucket"}};
  auto created = Call("POST", "/v1/connections", token_a_, body.dump());
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->body.find(secret), std::string::npos);
  EXPECT_EQ(Json(created)["secret_access_key"]["set"], true);
  std::string id = Json(created)["id"];
  for (const std::string& path :
       std::vector<std::string>{"/v1/connections", "/v1/connections/" + id}) {
    auto r = Call("GET", path, token_a_);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body.find(secret), std::string::npos) << path;
  }
  // Changing another field keeps the secret; null removes it (then validation needs one).
  auto patched = Call("PATCH", "/v1/connections/" + id, token_a_, R"({"region": "us-east-2"})");
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(Json(patched)["secret_access_key"]["set"], true);
  ExpectError(Call("PATCH", "/v1/connections/" + id, token_a_, R"({"secret_access_key": null})"),
              422, "secret_access_key");
  auto full = store_->GetConnection(org_a_, id, store::SecretAccess::kDecrypt);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->secrets.at("secret_access_key"), secret);
  EXPECT_EQ(Log().find(secret), std::string::npos);
  EXPECT_EQ(Log().find(token_a_), std::string::npos);
}

TEST_F(ServerTest, PoliciesForAConnectionInThreeFormats) {
  json c = CreateS3(token_a_, "p");
  std::string id = c["id"];
  std::string external_id = c["external_id"];
  auto j = Call("GET", "/v1/connections/" + id + "/policies?format=json", token_a_);
  ASSERT_EQ(j->status, 200) << j->body;
  json p = Json(j);
  EXPECT_NE(p["trust_policy"].dump().find(external_id), std::string::npos);
  EXPECT_NE(p["trust_policy"].dump().find("arn:aws:iam::123456789012:root"), std::string::npos);
  EXPECT_NE(p["permission_policy"].dump().find("arn:aws:s3:::output/customers/*"),
            std::string::npos);
  auto cfn = Call("GET", "/v1/connections/" + id + "/policies?format=cloudformation", token_a_);
  ASSERT_EQ(cfn->status, 200);
  EXPECT_NE(cfn->body.find("AWS::IAM::Role"), std::string::npos);
  EXPECT_NE(cfn->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  auto tf = Call("GET", "/v1/connections/" + id + "/policies?format=terraform", token_a_);
  ASSERT_EQ(tf->status, 200);
  EXPECT_NE(tf->body.find("aws_iam_role"), std::string::npos);
  ExpectError(Call("GET", "/v1/connections/" + id + "/policies?format=xml", token_a_), 400,
              "format");
}

// GovCloud needs the vendor's GovCloud identity: refused (422 naming region and the command)
// until it is set, then its policies name that identity's principal, never a rewritten one.
TEST_F(ServerTest, APartitionWithoutAVendorIdentityIsRefusedUntilOneIsSet) {
  const std::string body = R"({"name": "gov", "type": "s3", "auth_method": "iam-role",
      "role_arn": "arn:aws-us-gov:iam::111122223333:role/x", "region": "us-gov-west-1",
      "bucket": "gov-bucket", "kms_key_arn": "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k1"})";
  auto refused = Call("POST", "/v1/connections", token_a_, body);
  ExpectError(refused, 422, "region");
  EXPECT_NE(refused->body.find("crossdock identity set --partition aws-us-gov"), std::string::npos)
      << refused->body;
  ASSERT_TRUE(store_->SetVendorIdentity({"222233334444", "", {}, "aws-us-gov"}).ok());
  auto created = Call("POST", "/v1/connections", token_a_, body);
  ASSERT_EQ(created->status, 201) << created->body;
  json c = Json(created);
  EXPECT_EQ(c["kms_key_arn"], "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k1");
  std::string id = c["id"];
  auto p = Call("GET", "/v1/connections/" + id + "/policies?format=json", token_a_);
  ASSERT_EQ(p->status, 200) << p->body;
  std::string trust = Json(p)["trust_policy"].dump();
  EXPECT_NE(trust.find("arn:aws-us-gov:iam::222233334444:root"), std::string::npos) << trust;
  EXPECT_EQ(trust.find("123456789012"), std::string::npos) << trust;
  EXPECT_NE(Json(p)["permission_policy"].dump().find("kms:GenerateDataKey"), std::string::npos);
  auto identity = Json(Call("GET", "/v1/identity", token_a_));
  ASSERT_EQ(identity["vendors"].size(), 2u) << identity.dump();
  EXPECT_EQ(identity["vendors"][1]["partition"], "aws-us-gov");
  EXPECT_EQ(identity["vendors"][1]["principal"], "arn:aws-us-gov:iam::222233334444:root");
  EXPECT_EQ(identity["vendor"]["account_id"], "123456789012");
}

TEST_F(ServerTest, IdentityAndExternalIdRotation) {
  auto r = Call("GET", "/v1/identity", token_a_);
  ASSERT_EQ(r->status, 200);
  json id = Json(r);
  std::string first = id["external_id"];
  EXPECT_EQ(id["organization"]["name"], "acme");
  EXPECT_EQ(id["vendor"]["principal"], "arn:aws:iam::123456789012:root");
  EXPECT_NE(id["example_trust_policy"].dump().find(first), std::string::npos);

  auto rotated = Call("POST", "/v1/organization/external-id/rotate", token_a_);
  ASSERT_EQ(rotated->status, 200) << rotated->body;
  json during = Json(rotated);
  EXPECT_TRUE(during["rotation_in_progress"]);
  EXPECT_NE(during["external_id"], first);
  // Both IDs are offered while the rotation is in progress.
  EXPECT_NE(during["example_trust_policy"].dump().find(first), std::string::npos);
  ExpectError(Call("POST", "/v1/organization/external-id/rotate", token_a_), 409);

  auto confirmed = Call("POST", "/v1/organization/external-id/confirm", token_a_);
  ASSERT_EQ(confirmed->status, 200);
  EXPECT_FALSE(Json(confirmed)["rotation_in_progress"]);
  EXPECT_EQ(Json(confirmed)["example_trust_policy"].dump().find(first), std::string::npos);
  ExpectError(Call("POST", "/v1/organization/external-id/confirm", token_a_), 409);
}

}  // namespace
}  // namespace crossdock::server::testing
