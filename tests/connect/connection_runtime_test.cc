// ConnectionRuntime on a real SQLite store: an unchanged connection keeps its cached (warm)
// credentials; a new secret, a started or confirmed External ID rotation take effect on the
// next Open; the cache is bounded. No network: credentials are not fetched for role
// connections, only built.
#include "crossdock/connect/connection_runtime.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/service.h"
#include "crossdock/crypto/secretbox.h"

namespace crossdock::connect {
namespace {

class ConnectionRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "crossdock-runtime-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::StoreOptions o;
    o.location = (dir_ / "crossdock.db").string();
    o.secret_box = crypto::SecretBox::FromKey(std::string(32, 'r')).value();
    auto s = store::OpenStore(std::move(o));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    service_ = std::make_unique<ConnectionService>(*store_);
    auto org = service_->EnsureOrganization(kDefaultOrganization);
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    Connection keys;
    keys.type = ConnectionType::kS3;
    keys.name = "keys";
    keys.auth_method = AuthMethod::kAccessKey;
    keys.access_key_id = "AKIAAAAAAAAAAAAAAAAA";
    keys.secret_access_key.value = "first-secret";
    keys.region = "us-east-1";
    keys.bucket = "data-bucket";
    ASSERT_TRUE(service_->CreateConnection(org_, keys).ok());
    Connection role = keys;
    role.name = "role";
    role.auth_method = AuthMethod::kIamRole;
    role.access_key_id.clear();
    role.secret_access_key = {};
    role.role_arn = "arn:aws:iam::111122223333:role/crossdock";
    ASSERT_TRUE(service_->SetVendorIdentity({"444455556666", "", {}}).ok());
    ASSERT_TRUE(service_->CreateConnection(org_, role).ok());
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  VendorContext Vendor() {
    VendorContext v;
    v.credentials = [](const std::string&) -> aws::CredentialsProviderPtr {
      return std::make_shared<aws::StaticCredentialsProvider>(
          aws::AwsCredentials{"AKIAVENDORVENDOR0000", "vendor-secret", "", std::nullopt});
    };
    return v;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ConnectionService> service_;
  std::string org_;
};

TEST_F(ConnectionRuntimeTest, ANewSecretTakesEffectOnTheNextOpenAndAnUnchangedOneStaysCached) {
  ConnectionRuntime runtime(*store_, Vendor());
  auto first = runtime.Open(org_, "keys");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ((*first)->credentials->GetCredentials()->secret_access_key, "first-secret");
  auto again = runtime.Open(org_, "keys");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get()) << "an unchanged connection keeps its credentials";

  auto c = service_->GetConnection(org_, "keys", true);
  ASSERT_TRUE(c.ok());
  c->secret_access_key = {};
  c->secret_access_key.value = "second-secret";
  ASSERT_TRUE(service_->UpdateConnection(org_, *c).ok());
  auto after = runtime.Open(org_, "keys");
  ASSERT_TRUE(after.ok());
  EXPECT_NE((*after)->generation, (*first)->generation);
  EXPECT_EQ((*after)->credentials->GetCredentials()->secret_access_key, "second-secret");
}

TEST_F(ConnectionRuntimeTest, StartingAndConfirmingARotationTakeEffectOnTheNextOpen) {
  ConnectionRuntime runtime(*store_, Vendor());
  auto before = runtime.Open(org_, "role");
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  std::string old_id = (*before)->external_ids.front();

  auto rotated = service_->RotateExternalId(org_);
  ASSERT_TRUE(rotated.ok()) << rotated.error().ToString();
  auto during = runtime.Open(org_, "role");
  ASSERT_TRUE(during.ok());
  EXPECT_NE(during->get(), before->get());
  EXPECT_EQ((*during)->external_ids.front(), rotated->current);
  EXPECT_EQ((*during)->external_ids.size(), 2u);

  ASSERT_TRUE(service_->ConfirmExternalIdRotation(org_).ok());
  auto confirmed = runtime.Open(org_, "role");
  ASSERT_TRUE(confirmed.ok());
  EXPECT_NE(confirmed->get(), during->get());
  EXPECT_EQ((*confirmed)->external_ids, std::vector<std::string>{rotated->current});
  EXPECT_NE(rotated->current, old_id);
}

TEST_F(ConnectionRuntimeTest, TheCacheIsBoundedAndForeignConnectionsAreNotFound) {
  ConnectionRuntime runtime(*store_, Vendor(), /*capacity=*/1);
  ASSERT_TRUE(runtime.Open(org_, "keys").ok());
  ASSERT_TRUE(runtime.Open(org_, "role").ok());
  EXPECT_EQ(runtime.cached(), 1u);
  auto missing = runtime.Open("org_other", "keys");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

// Each partition's principal is its own identity's; one is never rewritten into another
// partition (an aws account cannot assume a GovCloud role).
TEST(VendorContextTest, ThePrincipalIsThatOfTheRegionsPartitionsIdentity) {
  VendorContext v;
  EXPECT_EQ(v.PrincipalArn("us-east-1"), "");
  v.identities = {store::VendorIdentity{"444455556666", "", {}}};
  EXPECT_EQ(v.PrincipalArn("us-east-1"), "arn:aws:iam::444455556666:root");
  EXPECT_EQ(v.PrincipalArn("us-gov-west-1"), "");
  EXPECT_EQ(v.PrincipalArn("cn-north-1"), "");
  v.identities.push_back(
      {"777788889999", "arn:aws-us-gov:iam::777788889999:role/vendor", {}, "aws-us-gov"});
  EXPECT_EQ(v.PrincipalArn("us-gov-west-1"), "arn:aws-us-gov:iam::777788889999:role/vendor");
  EXPECT_EQ(v.PrincipalArn("us-east-1"), "arn:aws:iam::444455556666:root");
}

// A role connection in a partition whose identity was removed cannot be opened: the error
// names the region and the command that sets the identity.
TEST_F(ConnectionRuntimeTest, ARoleConnectionWithoutItsPartitionsIdentityIsRefused) {
  ASSERT_TRUE(service_->UnsetVendorIdentity("aws").ok());
  ConnectionRuntime runtime(*store_, Vendor());
  auto refused = runtime.Open(org_, "role");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field(), "region");
  EXPECT_NE(refused.error().message().find("crossdock identity set --partition aws"),
            std::string::npos)
      << refused.error().message();
  EXPECT_TRUE(runtime.Open(org_, "keys").ok());  // access keys need no vendor identity
}

}  // namespace
}  // namespace crossdock::connect
