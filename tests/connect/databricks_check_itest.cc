// The Databricks storage-credential check against the Databricks stand-in's Unity Catalog
// (GET /api/2.1/unity-catalog/storage-credentials/{name} and external-locations).
#include <gtest/gtest.h>

#include "crossdock/connect/databricks_check.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::connect {
namespace {

using testing::Env;

#define REQUIRE_DATABRICKS()                                                       \
  REQUIRE_PEER("CROSSDOCK_DATABRICKS_HOST", "CROSSDOCK_DATABRICKS_TOKEN",          \
               "CROSSDOCK_DATABRICKS_CREDENTIAL", "CROSSDOCK_DATABRICKS_ROLE_ARN", \
               "CROSSDOCK_DATABRICKS_EXTERNAL_ID", "RGW_BUCKET", "RGW_PREFIX")

Connection Dbx() {
  Connection c;
  c.name = "itest-dbx";
  c.type = ConnectionType::kDatabricks;
  c.role_arn = Env("CROSSDOCK_DATABRICKS_ROLE_ARN");
  c.region = Env("RGW_REGION");  // its partition selects the Unity Catalog principal
  c.bucket = Env("RGW_BUCKET");
  c.path = Env("RGW_PREFIX");
  c.databricks.workspace_url = Env("CROSSDOCK_DATABRICKS_HOST");
  c.databricks.token.value = Env("CROSSDOCK_DATABRICKS_TOKEN");
  c.databricks.storage_credential = Env("CROSSDOCK_DATABRICKS_CREDENTIAL");
  c.databricks.external_id = Env("CROSSDOCK_DATABRICKS_EXTERNAL_ID");
  return c;
}

CheckResult CheckUc(const Connection& c) {
  std::vector<CheckResult> out;
  RunDatabricksChecks(c, "", std::make_shared<http::CurlTransport>(), SystemClock::Instance(), out);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? CheckResult{} : out.front();
}

TEST(DatabricksCheck, StorageCredentialMatchesTheConnection) {
  REQUIRE_DATABRICKS();
  CheckResult r = CheckUc(Dbx());
  EXPECT_EQ(r.id, "databricks_storage_credential");
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.message << " " << r.fix;
}

TEST(DatabricksCheck, DifferentExternalIdOrRoleFailsWithTheFix) {
  REQUIRE_DATABRICKS();
  Connection c = Dbx();
  c.databricks.external_id = "not-the-credentials-id";
  CheckResult r = CheckUc(c);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.message.find("not-the-credentials-id"), std::string::npos) << r.message;
  EXPECT_NE(r.fix.find(Env("CROSSDOCK_DATABRICKS_EXTERNAL_ID")), std::string::npos) << r.fix;
  c = Dbx();
  c.role_arn = "arn:aws:iam::111122223333:role/another";
  r = CheckUc(c);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.message.find(Env("CROSSDOCK_DATABRICKS_ROLE_ARN")), std::string::npos);
}

TEST(DatabricksCheck, MissingCredentialNamesTheField) {
  REQUIRE_DATABRICKS();
  Connection c = Dbx();
  c.databricks.storage_credential = "no_such_credential";
  CheckResult r = CheckUc(c);
  EXPECT_EQ(r.status, CheckStatus::kFail) << r.message;
  EXPECT_NE(r.fix.find("databricks.storage_credential"), std::string::npos) << r.fix;
}

TEST(DatabricksCheck, ExternalLocationVariant) {
  REQUIRE_DATABRICKS();
  Connection c = Dbx();
  c.databricks.storage_credential.clear();
  c.bucket = "no-location-bucket";
  CheckResult r = CheckUc(c);
  EXPECT_EQ(r.id, "databricks_external_location");
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.fix.find("s3://no-location-bucket/"), std::string::npos) << r.fix;
}

}  // namespace
}  // namespace crossdock::connect
