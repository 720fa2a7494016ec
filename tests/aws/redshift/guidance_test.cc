#include "crossdock/aws/redshift/guidance.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace crossdock::aws::redshift {
namespace {

RedshiftGuidanceParams Params() {
  RedshiftGuidanceParams p;
  p.database = "my_database";
  p.db_role = "crossdock";
  p.vendor_principal = "arn:aws:iam::568237466542:root";
  p.external_id = "a1efa791-4530-43a0-962d-74e2ccf18309";
  return p;
}

TEST(RedshiftGuidance, RoleSqlGrantsTempAndCreate) {
  auto sql = RedshiftRoleSql(Params());
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(*sql,
            "CREATE ROLE crossdock;\n"
            "GRANT TEMP ON DATABASE my_database TO ROLE crossdock;\n"
            "GRANT CREATE ON DATABASE my_database TO ROLE crossdock;\n");
}

TEST(RedshiftGuidance, FineGrainedSqlCoversSeedList) {
  auto p = Params();
  p.schemas = {"public", "staging"};
  auto sql = RedshiftFineGrainedSql(p);
  ASSERT_TRUE(sql.ok());
  for (const char* want :
       {"GRANT TEMP ON DATABASE my_database TO ROLE crossdock;",
        "GRANT USAGE, CREATE ON SCHEMA staging TO ROLE crossdock;",
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, ALTER, DROP ON ALL TABLES IN SCHEMA "
        "public TO ROLE crossdock;",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA staging GRANT SELECT, INSERT, UPDATE, DELETE, "
        "TRUNCATE, ALTER, DROP ON TABLES TO ROLE crossdock;"}) {
    EXPECT_NE(sql->find(want), std::string::npos) << want << "\n" << *sql;
  }
  EXPECT_NE(RedshiftFineGrainedSql(Params())->find("SCHEMA public"), std::string::npos);
}

TEST(RedshiftGuidance, IdentifiersAreChecked) {
  auto p = Params();
  p.db_role = "crossdock; DROP TABLE x";
  EXPECT_EQ(RedshiftRoleSql(p).error().field(), "db_role");
  p = Params();
  p.database = "My-DB";
  EXPECT_EQ(RedshiftRoleSql(p).error().field(), "database");
  p = Params();
  p.schemas = {"ok", "not ok"};
  EXPECT_EQ(RedshiftFineGrainedSql(p).error().field(), "schemas");
}

TEST(RedshiftGuidance, DbRolesTag) {
  auto tag = RedshiftDbRolesTag({"crossdock", "rss_admin"});
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->key, "RedshiftDbRoles");
  EXPECT_EQ(tag->value, "crossdock:rss_admin");
  EXPECT_FALSE(RedshiftDbRolesTag({}).ok());
  EXPECT_FALSE(RedshiftDbRolesTag({"a:b"}).ok());
  EXPECT_FALSE(RedshiftDbRolesTag({std::string(300, 'a')}).ok());
}

TEST(RedshiftGuidance, TrustPolicyHasVendorWithExternalIdAndRedshiftService) {
  auto text = RedshiftTrustPolicy(Params());
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(*text);
  ASSERT_EQ(j["Statement"].size(), 2u);
  EXPECT_EQ(j["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::568237466542:root");
  EXPECT_EQ(j["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
            "a1efa791-4530-43a0-962d-74e2ccf18309");
  EXPECT_EQ(j["Statement"][1]["Principal"]["Service"], "redshift.amazonaws.com");
  EXPECT_EQ(j["Statement"][1]["Action"], "sts:AssumeRole");
  EXPECT_FALSE(j["Statement"][1].contains("Condition"));
  auto p = Params();
  p.external_id = "x";
  EXPECT_EQ(RedshiftTrustPolicy(p).error().field(), "external_id");
  p = Params();
  p.vendor_principal = "568237466542";
  EXPECT_EQ(RedshiftTrustPolicy(p).error().field(), "vendor_principal");
}

TEST(RedshiftGuidance, WholeText) {
  auto text = RedshiftGuidanceText(Params());
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("RedshiftDbRoles = crossdock"), std::string::npos);
  EXPECT_NE(text->find("aws iam tag-role"), std::string::npos);
  EXPECT_NE(text->find("redshift.amazonaws.com"), std::string::npos);
  EXPECT_NE(text->find("GRANT TEMP ON DATABASE my_database"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::aws::redshift
