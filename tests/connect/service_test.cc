// ConnectionService on a real SQLite store: the flows the CLI and the REST API run, and the
// secret-grep test (a known secret must not appear in the database file or any output).
#include "crossdock/connect/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossdock/connect/connection_json.h"
#include "crossdock/connect/external_id.h"

namespace crossdock::connect {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "crossdock-connect-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::StoreOptions o;
    o.location = (dir_ / "crossdock.db").string();
    o.secret_box = crypto::SecretBox::FromKey(std::string(32, 'm')).value();
    auto s = store::OpenStore(std::move(o));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    service_ = std::make_unique<ConnectionService>(*store_);
    auto org = service_->EnsureOrganization(kDefaultOrganization);
    ASSERT_TRUE(org.ok());
    org_ = *org;
    // Role connections need the vendor identity of their partition (aws here).
    ASSERT_TRUE(service_->SetVendorIdentity({"444455556666", "", {}}).ok());
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Connection S3Key(const std::string& name, const std::string& secret) {
    Connection c;
    c.type = ConnectionType::kS3;
    c.name = name;
    c.auth_method = AuthMethod::kAccessKey;
    c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    c.secret_access_key.value = secret;
    c.region = "us-west-1";
    c.bucket = "output";
    c.path = "customers";
    return c;
  }
  static Connection S3Role(const std::string& name) {
    Connection c;
    c.name = name;
    c.auth_method = AuthMethod::kIamRole;
    c.role_arn = "arn:aws:iam::123456789012:role/crossdock";
    c.region = "eu-west-1";
    c.bucket = "lake";
    return c;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ConnectionService> service_;
  store::Organization org_;
};

TEST_F(ServiceTest, CreatesListsShowsUpdatesAndDeletes) {
  auto created = service_->CreateConnection(org_.id, S3Key("lake", "secret-1"));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->secret_access_key.is_set);
  EXPECT_FALSE(created->secret_access_key.value.has_value());
  EXPECT_EQ(created->path, "customers");

  auto by_name = service_->GetConnection(org_.id, "lake");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, created->id);
  auto with = service_->GetConnection(org_.id, created->id, /*with_secrets=*/true);
  ASSERT_TRUE(with.ok());
  EXPECT_EQ(*with->secret_access_key.value, "secret-1");

  // Update without touching the secret keeps it.
  Connection edit = *by_name;
  edit.region = "us-east-2";
  auto updated = service_->UpdateConnection(org_.id, edit);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->region, "us-east-2");
  EXPECT_EQ(*service_->GetConnection(org_.id, "lake", true)->secret_access_key.value, "secret-1");

  // Replacing the secret.
  edit.secret_access_key.value = "secret-2";
  ASSERT_TRUE(service_->UpdateConnection(org_.id, edit).ok());
  EXPECT_EQ(*service_->GetConnection(org_.id, "lake", true)->secret_access_key.value, "secret-2");

  // Switching to a role drops the stored secret.
  Connection to_role = *service_->GetConnection(org_.id, "lake");
  to_role.auth_method = AuthMethod::kIamRole;
  to_role.access_key_id.clear();
  to_role.role_arn = "arn:aws:iam::123456789012:role/crossdock";
  auto switched = service_->UpdateConnection(org_.id, to_role);
  ASSERT_TRUE(switched.ok()) << switched.error().ToString();
  EXPECT_FALSE(switched->secret_access_key.is_set);
  EXPECT_TRUE(store_->GetConnection(org_.id, created->id, store::SecretAccess::kNamesOnly)
                  ->secret_names.empty());

  EXPECT_EQ(service_->ListConnections(org_.id)->items.size(), 1u);
  ASSERT_TRUE(service_->DeleteConnection(org_.id, created->id).ok());
  EXPECT_TRUE(service_->ListConnections(org_.id)->items.empty());
}

TEST_F(ServiceTest, SecretsCanBeSetAgainAfterTheMasterKeyWasLost) {
  auto c = service_->CreateConnection(org_.id, S3Key("lake", "old-secret"));
  ASSERT_TRUE(c.ok());
  store::StoreOptions o;
  o.location = (dir_ / "crossdock.db").string();
  o.secret_box = crypto::SecretBox::FromKey(std::string(32, 'n')).value();
  auto other_store = store::OpenStore(std::move(o));
  ASSERT_TRUE(other_store.ok());
  ConnectionService other(**other_store);
  auto lost = other.GetConnection(org_.id, "lake", true);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().field(), "master_key");
  // An update that keeps the secret needs the old key; one that replaces it does not.
  Connection edit = *c;
  edit.region = "us-east-1";
  EXPECT_TRUE(other.UpdateConnection(org_.id, edit).ok());
  edit.secret_access_key.value = "new-secret";
  auto reset = other.UpdateConnection(org_.id, edit);
  ASSERT_TRUE(reset.ok()) << reset.error().ToString();
  EXPECT_EQ(*other.GetConnection(org_.id, "lake", true)->secret_access_key.value, "new-secret");
}

TEST_F(ServiceTest, InvalidConnectionsAreNotStored) {
  Connection bad = S3Role("lake");
  bad.role_arn = "arn:aws:iam:::123456789012:role/demo-role";
  auto r = service_->CreateConnection(org_.id, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "role_arn");
  EXPECT_TRUE(service_->ListConnections(org_.id)->items.empty());

  ASSERT_TRUE(service_->CreateConnection(org_.id, S3Role("lake")).ok());
  auto dup = service_->CreateConnection(org_.id, S3Role("lake"));
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field(), "name");

  Connection edit = *service_->GetConnection(org_.id, "lake");
  edit.bucket = "Not_A_Bucket";
  EXPECT_EQ(service_->UpdateConnection(org_.id, edit).error().field(), "bucket");
  EXPECT_EQ(service_->GetConnection(org_.id, "lake")->bucket, "lake");
}

TEST_F(ServiceTest, RoleOnlyOrganizationsRefuseAccessKeys) {
  ASSERT_TRUE(service_->CreateConnection(org_.id, S3Key("keyed", "s")).ok());
  auto refused = service_->SetRoleOnly(org_.id, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("keyed"), std::string::npos);
  ASSERT_TRUE(
      service_->DeleteConnection(org_.id, service_->GetConnection(org_.id, "keyed")->id).ok());
  ASSERT_TRUE(service_->SetRoleOnly(org_.id, true).ok());
  auto r = service_->CreateConnection(org_.id, S3Key("keyed", "s"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "auth_method");
  EXPECT_TRUE(service_->CreateConnection(org_.id, S3Role("role")).ok());
}

TEST_F(ServiceTest, OrganizationsAreIsolated) {
  auto other = service_->CreateOrganization("globex");
  ASSERT_TRUE(other.ok());
  auto c = service_->CreateConnection(org_.id, S3Role("lake"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(service_->GetConnection(other->id, c->id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->GetConnection(other->id, "lake").error().code(), ErrorCode::kNotFound);
  Connection hijack = *c;
  EXPECT_EQ(service_->UpdateConnection(other->id, hijack).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->DeleteConnection(other->id, c->id).error().code(), ErrorCode::kNotFound);
  EXPECT_NE(service_->GetExternalIds(org_.id)->current,
            service_->GetExternalIds(other->id)->current);
}

TEST_F(ServiceTest, ExternalIdRotationOverlapsThenRetires) {
  auto before = service_->GetExternalIds(org_.id);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(ValidateExternalId(before->current).ok());
  EXPECT_FALSE(before->previous.has_value());
  ASSERT_TRUE(service_->SetVendorIdentity({"568237466542", "", {}}).ok());

  auto rotating = service_->RotateExternalId(org_.id);
  ASSERT_TRUE(rotating.ok());
  EXPECT_NE(rotating->current, before->current);
  EXPECT_EQ(rotating->previous, before->current);
  // Both are offered in the trust policy during the overlap, the new one first.
  auto view = service_->Identity(org_.id);
  ASSERT_TRUE(view.ok());
  auto ids =
      view->example_trust_policy["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"];
  ASSERT_TRUE(ids.is_array());
  EXPECT_EQ(ids, nlohmann::json({rotating->current, before->current}));

  EXPECT_EQ(service_->RotateExternalId(org_.id).error().code(), ErrorCode::kFailedPrecondition);
  auto confirmed = service_->ConfirmExternalIdRotation(org_.id);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(confirmed->current, rotating->current);
  EXPECT_FALSE(confirmed->previous.has_value());
  view = service_->Identity(org_.id);
  EXPECT_EQ(
      view->example_trust_policy["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
      confirmed->current);
  // The retired ID can never come back, for this organization or another.
  EXPECT_EQ(store_->BeginExternalIdRotation(org_.id, before->current).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateOrganization("reuse", false, before->current).error().code(),
            ErrorCode::kAlreadyExists);
}

TEST_F(ServiceTest, VendorIdentityAndTheExampleTrustPolicy) {
  ASSERT_TRUE(service_->UnsetVendorIdentity("aws").ok());
  auto none = service_->Identity(org_.id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->vendor.has_value());
  EXPECT_TRUE(none->example_trust_policy.is_null());

  EXPECT_EQ(service_->SetVendorIdentity({"5682374665", "", {}}).error().field(), "account_id");
  EXPECT_EQ(service_->SetVendorIdentity({"568237466542", "arn:aws:iam::111111111111:role/x", {}})
                .error()
                .field(),
            "role_arn");
  ASSERT_TRUE(service_->SetVendorIdentity({"568237466542", "", {}}).ok());
  auto root = service_->Identity(org_.id);
  EXPECT_EQ(root->example_trust_policy["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::568237466542:root");
  ASSERT_TRUE(
      service_
          ->SetVendorIdentity(
              {"568237466542", "arn:aws:iam::568237466542:role/convox/prod-ServiceRole-1ELGH", {}})
          .ok());
  auto role = service_->Identity(org_.id);
  EXPECT_EQ(role->example_trust_policy["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::568237466542:role/convox/prod-ServiceRole-1ELGH");
  EXPECT_EQ(
      role->example_trust_policy["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
      role->external_ids.current);
}

TEST_F(ServiceTest, VendorIdentitiesArePerPartitionAndStayInTheirPartition) {
  // A role of another partition is refused: GovCloud cannot be reached from aws.
  store::VendorIdentity gov{
      "222233334444", "arn:aws:iam::222233334444:role/vendor", {}, "aws-us-gov"};
  Status wrong = service_->SetVendorIdentity(gov);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field(), "role_arn");
  EXPECT_NE(wrong.error().message().find("partition aws"), std::string::npos);
  EXPECT_EQ(service_->SetVendorIdentity({"222233334444", "", {}, "aws-mars"}).error().field(),
            "partition");
  gov.role_arn = "arn:aws-us-gov:iam::222233334444:role/vendor";
  ASSERT_TRUE(service_->SetVendorIdentity(gov).ok());
  ASSERT_TRUE(service_->SetVendorIdentity({"568237466542", "", {}}).ok());
  auto view = service_->Identity(org_.id);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->vendors.size(), 2u);
  // The example (aws) names the aws account; never a rewritten GovCloud ARN.
  EXPECT_EQ(view->example_trust_policy["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::568237466542:root");
  EXPECT_EQ(ExampleTrustPolicy(view->vendors[1], {"eid"})["Statement"][0]["Principal"]["AWS"],
            "arn:aws-us-gov:iam::222233334444:role/vendor");
  ASSERT_TRUE(service_->UnsetVendorIdentity("aws-us-gov").ok());
  EXPECT_EQ(service_->UnsetVendorIdentity("aws-us-gov").error().code(), ErrorCode::kNotFound);
}

TEST_F(ServiceTest, ARoleConnectionInAPartitionWithoutAnIdentityIsRefused) {
  Connection c;
  c.name = "gov-lake";
  c.type = ConnectionType::kS3;
  c.auth_method = AuthMethod::kIamRole;
  c.role_arn = "arn:aws-us-gov:iam::111122223333:role/crossdock";
  c.region = "us-gov-west-1";
  c.bucket = "gov-bucket";
  auto refused = service_->CreateConnection(org_.id, c);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field(), "region");
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find(
                "crossdock identity set --partition aws-us-gov --account-id ACCOUNT_ID"),
            std::string::npos)
      << refused.error().message();
  ASSERT_TRUE(service_->SetVendorIdentity({"222233334444", "", {}, "aws-us-gov"}).ok());
  auto created = service_->CreateConnection(org_.id, c);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  // Moving it to China, where there is none, is refused on update too.
  created->region = "cn-north-1";
  created->role_arn = "arn:aws-cn:iam::111122223333:role/crossdock";
  auto moved = service_->UpdateConnection(org_.id, *created);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().field(), "region");
  EXPECT_NE(moved.error().message().find("--partition aws-cn"), std::string::npos);
  // Access keys involve no vendor principal: no identity needed.
  Connection keys = c;
  keys.name = "cn-keys";
  keys.auth_method = AuthMethod::kAccessKey;
  keys.role_arn.clear();
  keys.region = "cn-north-1";
  keys.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  keys.secret_access_key.value = "secret";
  EXPECT_TRUE(service_->CreateConnection(org_.id, keys).ok());
}

TEST_F(ServiceTest, ApiTokensAuthenticateTheirOrganizationOnly) {
  auto issued = service_->IssueApiToken(org_.id, "ci");
  ASSERT_TRUE(issued.ok());
  EXPECT_TRUE(issued->token.starts_with("cdx_"));
  auto who = service_->AuthenticateApiToken(issued->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->org_id, org_.id);
  EXPECT_TRUE(who->last_used_at.has_value());
  std::string forged = issued->token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(service_->AuthenticateApiToken(forged).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_->AuthenticateApiToken("").error().code(), ErrorCode::kUnauthenticated);
  ASSERT_TRUE(store_->RevokeApiToken(org_.id, issued->record.id).ok());
  EXPECT_EQ(service_->AuthenticateApiToken(issued->token).error().code(),
            ErrorCode::kUnauthenticated);
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(ServiceTest, AKnownSecretAppearsNowhereButWhereItIsDecryptedForUse) {
  const std::string kKey = "KnownSecretAccessKey/ForTheGrepTest0000001";
  const std::string kToken = "dapiKnownDatabricksTokenForTheGrepTest0002";
  std::string outputs;
  for (int i = 0; i < 5; ++i) {
    auto c = service_->CreateConnection(org_.id, S3Key("keyed-" + std::to_string(i), kKey));
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    outputs += ConnectionToJson(*c).dump();
  }
  Connection dbx = S3Role("dbx");
  dbx.type = ConnectionType::kDatabricks;
  dbx.databricks.workspace_url = "https://dbc-1234abcd-5678.cloud.databricks.com";
  dbx.databricks.warehouse_id = "1234567890abcdef";
  dbx.databricks.token.value = kToken;
  auto d = service_->CreateConnection(org_.id, dbx);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  outputs += ConnectionToJson(*d).dump();
  // Reading with secrets and serialising still prints nothing secret.
  auto listed = service_->ListConnections(org_.id);
  ASSERT_TRUE(listed.ok());
  for (const auto& c : listed->items) {
    outputs += ConnectionToJson(c).dump();
    auto full = service_->GetConnection(org_.id, c.id, true);
    ASSERT_TRUE(full.ok());
    outputs += ConnectionToJson(*full).dump();
  }
  auto bad = service_->CreateConnection(org_.id, S3Key("bad name!", kKey));
  ASSERT_FALSE(bad.ok());
  outputs += bad.error().ToString();
  EXPECT_EQ(outputs.find(kKey), std::string::npos);
  EXPECT_EQ(outputs.find(kToken), std::string::npos);

  store_.reset();  // close, so that the WAL is checkpointed into the file
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::string bytes = ReadAll(entry.path());
    EXPECT_EQ(bytes.find(kKey), std::string::npos) << entry.path().filename();
    EXPECT_EQ(bytes.find(kToken), std::string::npos) << entry.path().filename();
  }
}

}  // namespace
}  // namespace crossdock::connect
