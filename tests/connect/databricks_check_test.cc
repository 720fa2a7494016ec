// The storage-credential check against Unity Catalog answers (a handler transport shaped by
// the public API): a GovCloud DoD credential passes for a connection that chose the DoD
// deployment, and fails with the command that fixes it for one that did not.
#include "crossdock/connect/databricks_check.h"

#include <gtest/gtest.h>

#include "aws/redshift/handler_transport.h"
#include "crossdock/iam/generate.h"

namespace crossdock::connect {
namespace {

Connection GovDatabricks() {
  Connection c;
  c.type = ConnectionType::kDatabricks;
  c.name = "dod-lake";
  c.auth_method = AuthMethod::kIamRole;
  c.role_arn = "arn:aws-us-gov:iam::111122223333:role/dbx";
  c.region = "us-gov-west-1";
  c.bucket = "staging-gov";
  c.databricks.workspace_url = "https://dbc-1.cloud.databricks.mil";
  c.databricks.token.value = "dapi0123";
  c.databricks.storage_credential = "staging";
  c.databricks.external_id = "dbx-ext-1";
  return c;
}

std::shared_ptr<testing::HandlerTransport> UnityCatalogAnswering(const std::string& uc_arn) {
  return std::make_shared<testing::HandlerTransport>([uc_arn](const http::HttpRequest& r) {
    http::HttpResponse out;
    if (r.url.find("/api/2.1/unity-catalog/storage-credentials/staging") == std::string::npos) {
      out.status = 404;
      return out;
    }
    out.status = 200;
    out.body =
        R"({"name":"staging","aws_iam_role":{"role_arn":"arn:aws-us-gov:iam::111122223333:role/dbx","external_id":"dbx-ext-1","unity_catalog_iam_arn":")" +
        uc_arn + R"("}})";
    return out;
  });
}

TEST(DatabricksCheck, AGovCloudDodCredentialPassesWhenTheConnectionChoseDod) {
  Connection c = GovDatabricks();
  c.databricks.unity_catalog = "govcloud-dod";
  std::vector<CheckResult> out;
  RunDatabricksChecks(c, "", UnityCatalogAnswering(iam::kDatabricksPrincipalGovCloudDod),
                      SystemClock::Instance(), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, CheckStatus::kPass) << out[0].message << " " << out[0].fix;
}

TEST(DatabricksCheck, AGovCloudDodCredentialNamesTheSettingWhenTheConnectionDidNot) {
  Connection c = GovDatabricks();  // default for us-gov: the GovCloud (civilian) principal
  std::vector<CheckResult> out;
  RunDatabricksChecks(c, "", UnityCatalogAnswering(iam::kDatabricksPrincipalGovCloudDod),
                      SystemClock::Instance(), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status, CheckStatus::kFail);
  EXPECT_NE(out[0].message.find("--databricks-unity-catalog govcloud-dod"), std::string::npos)
      << out[0].message;
  // A principal crossdock does not know (a stand-in's) is not judged.
  std::vector<CheckResult> unknown;
  RunDatabricksChecks(c, "",
                      UnityCatalogAnswering("arn:aws-us-gov:iam::999999999999:role/uc-standin"),
                      SystemClock::Instance(), unknown);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].status, CheckStatus::kPass) << unknown[0].message;
}

}  // namespace
}  // namespace crossdock::connect
