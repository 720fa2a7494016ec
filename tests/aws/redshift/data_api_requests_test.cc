#include "crossdock/aws/redshift/data_api_requests.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace crossdock::aws::redshift {
namespace {

DataApiTarget Wg() { return {"analytics", "", "dev"}; }

TEST(DataApiRequests, ExecuteStatementBodyHasTheModelsMemberNames) {
  ExecuteStatementParams p;
  p.target = Wg();
  p.sql = "select * from t where id = :id";
  p.parameters = {{"id", "42"}};
  p.statement_name = "crossdock-sync-1";
  p.with_event = true;
  auto body = nlohmann::json::parse(BuildExecuteStatementBody(p));
  EXPECT_EQ(body, nlohmann::json::parse(R"({"WorkgroupName":"analytics","Database":"dev",
      "Sql":"select * from t where id = :id","Parameters":[{"name":"id","value":"42"}],
      "StatementName":"crossdock-sync-1","WithEvent":true})"));
}

TEST(DataApiRequests, OptionalMembersAreLeftOut) {
  ExecuteStatementParams p;
  p.target = {"", "my-cluster", "dev"};
  p.sql = "select 1";
  EXPECT_EQ(nlohmann::json::parse(BuildExecuteStatementBody(p)),
            nlohmann::json::parse(R"({"ClusterIdentifier":"my-cluster","Database":"dev",
                                      "Sql":"select 1"})"));
}

TEST(DataApiRequests, BatchAndIdBodies) {
  BatchExecuteStatementParams b;
  b.target = Wg();
  b.sqls = {"create table t (a int)", "insert into t values (1)"};
  EXPECT_EQ(nlohmann::json::parse(BuildBatchExecuteStatementBody(b))["Sqls"].size(), 2u);
  EXPECT_EQ(BuildDescribeStatementBody("abc"), R"({"Id":"abc"})");
  EXPECT_EQ(BuildCancelStatementBody("abc"), R"({"Id":"abc"})");
  EXPECT_EQ(BuildGetStatementResultBody("abc"), R"({"Id":"abc"})");
  EXPECT_EQ(nlohmann::json::parse(BuildGetStatementResultBody("abc", "tok")),
            nlohmann::json::parse(R"({"Id":"abc","NextToken":"tok"})"));
}

TEST(DataApiRequests, CatalogBodies) {
  CatalogQuery q;
  q.target = Wg();
  q.schema_pattern = "sales%";
  q.table_pattern = "order_";
  q.schema = "public";
  q.table = "orders";
  EXPECT_EQ(nlohmann::json::parse(BuildListTablesBody(q, "t1", 100)),
            nlohmann::json::parse(R"({"WorkgroupName":"analytics","Database":"dev",
                "SchemaPattern":"sales%","TablePattern":"order_","NextToken":"t1",
                "MaxResults":100})"));
  EXPECT_EQ(nlohmann::json::parse(BuildDescribeTableBody(q, "", 0)),
            nlohmann::json::parse(R"({"WorkgroupName":"analytics","Database":"dev",
                "Schema":"public","Table":"orders"})"));
  EXPECT_EQ(nlohmann::json::parse(BuildListDatabasesBody(Wg(), "", 0)),
            nlohmann::json::parse(R"({"WorkgroupName":"analytics","Database":"dev"})"));
  EXPECT_EQ(nlohmann::json::parse(BuildListSchemasBody(q, "", 0))["SchemaPattern"], "sales%");
}

TEST(DataApiRequests, ValidationNamesTheField) {
  ExecuteStatementParams p;
  p.sql = "select 1";
  p.target = {"", "", "dev"};
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "workgroup_name");
  p.target = {"Bad_Name", "", "dev"};
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "workgroup_name");
  p.target = {"analytics", "c1", "dev"};
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "cluster_identifier");
  p.target = {"analytics", "", ""};
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "database");
  p.target = Wg();
  p.sql = "  \n";
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "sql");
  p.sql = "select :a";
  p.parameters = {{"a", "1"}, {"a", "2"}};
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "parameters");
  p.parameters = {{"1a", "1"}};
  EXPECT_EQ(ValidateExecuteStatement(p).error().field(), "parameters");
  p.parameters = {{"a", "1"}};
  EXPECT_TRUE(ValidateExecuteStatement(p).ok());
  BatchExecuteStatementParams b;
  b.target = Wg();
  EXPECT_EQ(ValidateBatchExecuteStatement(b).error().field(), "sqls");
  b.sqls.assign(41, "select 1");
  EXPECT_EQ(ValidateBatchExecuteStatement(b).error().field(), "sqls");
  b.sqls.assign(40, "select 1");
  EXPECT_TRUE(ValidateBatchExecuteStatement(b).ok());
}

}  // namespace
}  // namespace crossdock::aws::redshift
