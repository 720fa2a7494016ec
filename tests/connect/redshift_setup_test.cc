#include "crossdock/connect/redshift_setup.h"

#include <gtest/gtest.h>

namespace crossdock::connect {
namespace {

Connection RedshiftConnection() {
  Connection c;
  c.name = "rs";
  c.type = ConnectionType::kRedshiftServerless;
  c.role_arn = "arn:aws:iam::111122223333:role/etl/crossdock-rs";
  c.region = "us-east-1";
  c.redshift.workgroup = "analytics";
  c.redshift.database = "dev";
  return c;
}

iam::GeneratedPolicies Policies() {
  iam::GeneratedPolicies p;
  p.trust_policy = {{"Version", "2012-10-17"}};
  return p;
}

TEST(RedshiftSetup, SeedFoursStepsForTheConnection) {
  auto s = RedshiftSetupFor(RedshiftConnection(), Policies(), "polytomic", {"public", "sales"});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->db_user, "IAMR:crossdock-rs");
  EXPECT_NE(s->role_sql.find("CREATE ROLE polytomic;"), std::string::npos);
  EXPECT_NE(s->role_sql.find("GRANT TEMP ON DATABASE dev TO ROLE polytomic;"), std::string::npos);
  EXPECT_NE(s->role_sql.find("GRANT CREATE ON DATABASE dev TO ROLE polytomic;"), std::string::npos);
  EXPECT_NE(s->fine_grained_sql.find("GRANT USAGE, CREATE ON SCHEMA sales TO ROLE polytomic;"),
            std::string::npos);
  EXPECT_EQ(s->tag_key, "RedshiftDbRoles");
  EXPECT_EQ(s->tag_value, "polytomic");
  EXPECT_EQ(s->tag_command,
            "aws iam tag-role --role-name crossdock-rs --tags Key=RedshiftDbRoles,Value=polytomic");
  auto j = ToJson(*s);
  EXPECT_EQ(j["tag"]["value"], "polytomic");
  EXPECT_EQ(j["trust_policy"]["Version"], "2012-10-17");
  EXPECT_NE(FormatSetup(*s).find("IAMR:crossdock-rs"), std::string::npos);
}

TEST(RedshiftSetup, RefusesOtherTypesAndOddNames) {
  Connection s3 = RedshiftConnection();
  s3.type = ConnectionType::kS3;
  auto wrong = RedshiftSetupFor(s3, Policies());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field(), "type");
  auto odd = RedshiftSetupFor(RedshiftConnection(), Policies(), "Drop Table");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().field(), "db_role");
}

}  // namespace
}  // namespace crossdock::connect
