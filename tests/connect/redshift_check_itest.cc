// The Redshift Serverless connection test against the peers: the Data API probes, the VPC
// endpoint login and the database grant checks. The fake starts the database user of
// redshift-nogrants without privileges (start-warehouses.sh --restricted-role), so each
// grant check fails with its GRANT, and passes once that GRANT is run.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "audited_check.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/connect/redshift_check.h"
#include "testing/peers.h"

namespace crossdock::connect {
namespace {

using testing::Env;

#define REQUIRE_REDSHIFT()                                                                     \
  REQUIRE_PEER("CROSSDOCK_REDSHIFT_DATA_ENDPOINT", "CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT",   \
               "CROSSDOCK_REDSHIFT_WORKGROUP", "CROSSDOCK_REDSHIFT_DATABASE",                  \
               "CROSSDOCK_REDSHIFT_ROLE_ARN", "CROSSDOCK_REDSHIFT_NOGRANTS_ROLE_ARN",          \
               "CROSSDOCK_REDSHIFT_PG_HOST", "CROSSDOCK_REDSHIFT_PG_PORT",                     \
               "CROSSDOCK_REDSHIFT_PG_DATABASE", "CROSSDOCK_PG_URL", "CROSSDOCK_STS_ENDPOINT", \
               "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY", "RGW_VENDOR_ARN",             \
               "RGW_VENDOR_ACCOUNT", "RGW_EXTERNAL_ID", "RGW_REGION", "RGW_BUCKET", "RGW_PREFIX")

CheckEnvironment VendorEnv() {
  CheckEnvironment env;
  env.vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
  env.vendor_principal_arn = Env("RGW_VENDOR_ARN");
  env.vendor_account = Env("RGW_VENDOR_ACCOUNT");
  env.sts_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  env.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  env.redshift_data_endpoint = Env("CROSSDOCK_REDSHIFT_DATA_ENDPOINT");
  env.redshift_serverless_endpoint = Env("CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT");
  env.redshift_vpc_database = Env("CROSSDOCK_REDSHIFT_PG_DATABASE");
  return env;
}

CheckInput RedshiftInput(const std::string& role_arn, bool with_bucket) {
  CheckInput in;
  in.connection.name = "itest-redshift";
  in.connection.type = ConnectionType::kRedshiftServerless;
  in.connection.auth_method = AuthMethod::kIamRole;
  in.connection.role_arn = role_arn;
  in.connection.region = Env("RGW_REGION");
  if (with_bucket) {
    in.connection.bucket = Env("RGW_BUCKET");
    in.connection.path = Env("RGW_PREFIX");
  }
  in.connection.redshift.workgroup = Env("CROSSDOCK_REDSHIFT_WORKGROUP");
  in.connection.redshift.database = Env("CROSSDOCK_REDSHIFT_DATABASE");
  in.external_ids = {Env("RGW_EXTERNAL_ID")};
  return in;
}

const CheckResult& Check(const ConnectionCheckReport& r, std::string_view id) {
  static const CheckResult kMissing;
  const CheckResult* c = r.Find(id);
  EXPECT_NE(c, nullptr) << "no check " << id << "\n" << FormatReport(r);
  return c ? *c : kMissing;
}

// Runs SQL in the workgroup's database as its owner (the customer's administrator).
void AsAdministrator(const std::string& sql, bool must_work = true) {
  std::string url = Env("CROSSDOCK_PG_URL");
  // postgresql://user:password@host:port/db: the same server, the workgroup's database.
  url = url.substr(0, url.rfind('/') + 1) + Env("CROSSDOCK_REDSHIFT_PG_DATABASE");
  PGconn* conn = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* res = PQexec(conn, sql.c_str());
  if (must_work) {
    EXPECT_EQ(PQresultStatus(res), PGRES_COMMAND_OK) << sql << ": " << PQerrorMessage(conn);
  }
  PQclear(res);
  PQfinish(conn);
}

// The GRANT statement at the start of a fix.
std::string GrantOf(const std::string& fix) { return fix.substr(0, fix.find(';') + 1); }

TEST(RedshiftCheck, DataApiProbesAndGrantsPassWithoutABucket) {
  REQUIRE_REDSHIFT();
  auto report = AuditedCheck(RedshiftInput(Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), false), VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << FormatReport(*report);
  for (const char* id :
       {"assume_role", "external_id_required", "external_id_checked", "redshift_execute_statement",
        "redshift_describe_statement", "redshift_get_statement_result", "redshift_database_temp",
        "redshift_database_create", "redshift_schema_usage", "redshift_schema_create",
        "redshift_table_privileges"}) {
    EXPECT_EQ(Check(*report, id).status, CheckStatus::kPass) << id << "\n" << FormatReport(*report);
  }
  EXPECT_EQ(Check(*report, "redshift_get_statement_result").message.rfind("connected as ", 0), 0u);
  EXPECT_EQ(report->Find("put_object"), nullptr) << "no bucket, no S3 probes";
}

TEST(RedshiftCheck, StagingBucketAndVpcEndpointAreProbed) {
  REQUIRE_REDSHIFT();
  CheckInput in = RedshiftInput(Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), true);
  in.connection.redshift.access = RedshiftAccess::kVpcEndpoint;
  in.connection.redshift.vpc_endpoint_host = Env("CROSSDOCK_REDSHIFT_PG_HOST");
  in.connection.redshift.vpc_endpoint_port = std::stoi(Env("CROSSDOCK_REDSHIFT_PG_PORT"));
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << FormatReport(*report);
  for (const char* id : {"redshift_get_credentials", "redshift_login", "put_object", "get_object",
                         "delete_object"}) {
    EXPECT_EQ(Check(*report, id).status, CheckStatus::kPass) << id << "\n" << FormatReport(*report);
  }
}

TEST(RedshiftCheck, UnreachableVpcEndpointFailsWithItsFix) {
  REQUIRE_REDSHIFT();
  CheckInput in = RedshiftInput(Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), false);
  in.connection.redshift.access = RedshiftAccess::kVpcEndpoint;
  in.connection.redshift.vpc_endpoint_host = "127.0.0.1";
  in.connection.redshift.vpc_endpoint_port = 1;  // nothing listens there
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(Check(*report, "redshift_get_credentials").status, CheckStatus::kPass);
  const CheckResult& login = Check(*report, "redshift_login");
  EXPECT_EQ(login.status, CheckStatus::kFail);
  EXPECT_NE(login.fix.find("redshift.vpc_endpoint"), std::string::npos) << login.fix;
}

TEST(RedshiftCheck, UnknownWorkgroupNamesTheField) {
  REQUIRE_REDSHIFT();
  CheckInput in = RedshiftInput(Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), false);
  in.connection.redshift.workgroup = "no-such-workgroup";
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const CheckResult& run = Check(*report, "redshift_execute_statement");
  EXPECT_EQ(run.status, CheckStatus::kFail);
  EXPECT_NE(run.fix.find("redshift.workgroup"), std::string::npos) << run.fix;
  EXPECT_EQ(Check(*report, "redshift_describe_statement").status, CheckStatus::kSkip);
}

TEST(RedshiftCheck, MissingGrantsFailWithTheGrantThatFixesEach) {
  REQUIRE_REDSHIFT();
  const std::string user = "\"IAMR:redshift-nogrants\"";
  const std::string db = "\"" + Env("CROSSDOCK_REDSHIFT_DATABASE") + "\"";
  const std::string pgdb = "\"" + Env("CROSSDOCK_REDSHIFT_PG_DATABASE") + "\"";
  // From a clean slate (the user exists once the fake has run a statement for it).
  for (const std::string& sql : {"REVOKE ALL ON DATABASE " + pgdb + " FROM " + user,
                                 "REVOKE ALL ON SCHEMA public FROM " + user,
                                 "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + user}) {
    AsAdministrator(sql, false);
  }
  AsAdministrator("CREATE TABLE IF NOT EXISTS public.crossdock_grant_probe (id int)");
  auto first =
      AuditedCheck(RedshiftInput(Env("CROSSDOCK_REDSHIFT_NOGRANTS_ROLE_ARN"), false), VendorEnv());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_FALSE(first->ok());
  EXPECT_EQ(Check(*first, "redshift_get_statement_result").status, CheckStatus::kPass);
  EXPECT_NE(Check(*first, "redshift_get_statement_result").message.find("IAMR:redshift-nogrants"),
            std::string::npos);
  const CheckResult& db_create = Check(*first, "redshift_database_create");
  EXPECT_EQ(db_create.status, CheckStatus::kFail) << FormatReport(*first);
  EXPECT_EQ(GrantOf(db_create.fix), "GRANT CREATE ON DATABASE " + db + " TO " + user + ";");
  const CheckResult& schema_create = Check(*first, "redshift_schema_create");
  EXPECT_EQ(schema_create.status, CheckStatus::kFail);
  EXPECT_EQ(GrantOf(schema_create.fix), "GRANT CREATE ON SCHEMA \"public\" TO " + user + ";");
  const CheckResult& tables = Check(*first, "redshift_table_privileges");
  EXPECT_EQ(tables.status, CheckStatus::kFail);
  EXPECT_NE(tables.message.find("crossdock_grant_probe"), std::string::npos) << tables.message;
  EXPECT_EQ(GrantOf(tables.fix),
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
            "\"public\" TO " +
                user + ";");

  // The customer runs the fixes (the peer's database has the workgroup's own name).
  std::string db_grant = GrantOf(db_create.fix);
  db_grant.replace(db_grant.find(db), db.size(), pgdb);
  AsAdministrator(db_grant);
  AsAdministrator(GrantOf(schema_create.fix));
  AsAdministrator(GrantOf(tables.fix));
  auto second =
      AuditedCheck(RedshiftInput(Env("CROSSDOCK_REDSHIFT_NOGRANTS_ROLE_ARN"), false), VendorEnv());
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  for (const char* id : {"redshift_database_temp", "redshift_database_create",
                         "redshift_schema_usage", "redshift_schema_create"}) {
    EXPECT_EQ(Check(*second, id).status, CheckStatus::kPass) << id << "\n" << FormatReport(*second);
  }
  // Tables other tests create meanwhile are not covered by the grant: only the probe table's
  // privileges are asserted.
  EXPECT_EQ(Check(*second, "redshift_table_privileges").message.find("crossdock_grant_probe"),
            std::string::npos)
      << FormatReport(*second);
}

TEST(RedshiftCheck, UnloadBucketIsProbedLikeAnS3Connection) {
  REQUIRE_REDSHIFT();
  CheckInput in = RedshiftInput(Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), false);
  in.connection.redshift.unload_enabled = true;
  in.connection.redshift.unload_bucket = Env("RGW_BUCKET");
  in.connection.redshift.unload_path = Env("RGW_PREFIX") + "/unload";
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << FormatReport(*report);
  for (const char* id : {"unload_bucket_region", "unload_list_objects", "unload_put_object",
                         "unload_get_object", "unload_delete_object"}) {
    EXPECT_EQ(Check(*report, id).status, CheckStatus::kPass) << id << "\n" << FormatReport(*report);
  }
  EXPECT_NE(Check(*report, "unload_put_object").title.find("/unload/"), std::string::npos);
}

TEST(RedshiftCheck, UnloadBucketOutsideTheRolesAccessFailsWithTheGrant) {
  REQUIRE_REDSHIFT();
  CheckInput in = RedshiftInput(Env("CROSSDOCK_REDSHIFT_ROLE_ARN"), false);
  in.connection.redshift.unload_enabled = true;
  in.connection.redshift.unload_bucket = Env("RGW_BUCKET");
  in.connection.redshift.unload_path = "elsewhere";
  auto report = AuditedCheck(in, VendorEnv());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const CheckResult& put = Check(*report, "unload_put_object");
  EXPECT_EQ(put.status, CheckStatus::kFail) << FormatReport(*report);
  EXPECT_NE(put.fix.find("\"s3:PutObject\" with Resource \"arn:aws:s3:::" + Env("RGW_BUCKET") +
                         "/elsewhere/*\""),
            std::string::npos)
      << put.fix;
}

TEST(RedshiftCheck, GrantTextQuotesNames) {
  EXPECT_EQ(RedshiftDbUser("arn:aws:iam::111122223333:role/path/etl"), "IAMR:etl");
  EXPECT_EQ(RedshiftGrant("USAGE", "SCHEMA \"a\"", "IAMR:x\"y"),
            "GRANT USAGE ON SCHEMA \"a\" TO \"IAMR:x\"\"y\";");
}

}  // namespace
}  // namespace crossdock::connect
