#include "crossdock/aws/redshift/data_api_responses.h"

#include <gtest/gtest.h>

namespace crossdock::aws::redshift {
namespace {

TEST(DataApiResponses, ExecuteStatement) {
  auto s = ParseExecuteStatementResponse(
      R"({"CreatedAt":1.7e9,"Database":"dev","Id":"d9b6c0c9-0747-4bf4-b142-e8883122f766",
          "WorkgroupName":"analytics"})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->id, "d9b6c0c9-0747-4bf4-b142-e8883122f766");
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::seconds>(s->created_at.time_since_epoch()).count(),
      1700000000);
  EXPECT_FALSE(ParseExecuteStatementResponse(R"({"Database":"dev"})").ok());
  EXPECT_FALSE(ParseExecuteStatementResponse("not json").ok());
}

TEST(DataApiResponses, DescribeStatementFailedAndBatch) {
  auto d = ParseDescribeStatementResponse(R"({"Id":"x","Status":"FAILED",
      "Error":"ERROR: relation \"t\" does not exist","HasResultSet":false,"ResultRows":-1,
      "Duration":12000000,"QueryString":"select * from t","RedshiftQueryId":7,
      "CreatedAt":1700000000.25,"UpdatedAt":1700000001.5,"DbUser":"IAMR:sync"})");
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(d->status, StatementStatus::kFailed);
  EXPECT_EQ(d->error, "ERROR: relation \"t\" does not exist");
  EXPECT_EQ(d->duration_ns, 12000000);
  EXPECT_EQ(d->redshift_query_id, 7);
  EXPECT_EQ(d->db_user, "IAMR:sync");
  EXPECT_EQ(d->updated_at - d->created_at, std::chrono::milliseconds(1250));

  auto b = ParseDescribeStatementResponse(R"({"Id":"b","Status":"FINISHED","HasResultSet":true,
      "SubStatements":[{"Id":"b:1","Status":"FINISHED","ResultRows":3},
                       {"Id":"b:2","Status":"FINISHED","HasResultSet":true,"ResultRows":1}]})");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->sub_statements.size(), 2u);
  EXPECT_EQ(b->sub_statements[0].result_rows, 3);
  EXPECT_TRUE(b->sub_statements[1].has_result_set);

  auto unknown = ParseDescribeStatementResponse(R"({"Id":"x","Status":"SLEEPING"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("SLEEPING"), std::string::npos);
  EXPECT_FALSE(
      ParseDescribeStatementResponse(R"({"Id":"x","Status":"FINISHED","ResultRows":"3"})").ok());
}

TEST(DataApiResponses, ResultPageWithEveryFieldKind) {
  auto p = ParseGetStatementResultResponse(R"({
    "ColumnMetadata":[{"name":"id","typeName":"int8","nullable":0,"isSigned":true},
                      {"name":"label","typeName":"varchar","length":256},
                      {"name":"f","typeName":"float8"},{"name":"b","typeName":"bool"},
                      {"name":"raw","typeName":"varbyte"},{"name":"n","typeName":"int4"}],
    "Records":[[{"longValue":9007199254740993},{"stringValue":"héllo"},{"doubleValue":1.5},
                {"booleanValue":true},{"blobValue":"AAEC/w=="},{"isNull":true}]],
    "TotalNumRows":2500,"NextToken":"page2"})");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  ASSERT_EQ(p->columns.size(), 6u);
  EXPECT_EQ(p->columns[0].nullable, 0);
  EXPECT_TRUE(p->columns[0].is_signed);
  EXPECT_EQ(p->columns[1].length, 256);
  EXPECT_EQ(p->total_num_rows, 2500);
  EXPECT_EQ(p->next_token, "page2");
  const Row& r = p->records.at(0);
  EXPECT_EQ(r[0].kind, Field::Kind::kLong);
  EXPECT_EQ(r[0].long_value, 9007199254740993LL);  // beyond double precision
  EXPECT_EQ(r[1].string_value, "héllo");
  EXPECT_EQ(r[2].double_value, 1.5);
  EXPECT_TRUE(r[3].bool_value);
  EXPECT_EQ(r[4].kind, Field::Kind::kBlob);
  EXPECT_EQ(r[4].string_value, std::string("\x00\x01\x02\xff", 4));
  EXPECT_TRUE(r[5].is_null());
  EXPECT_EQ(r[3].ToText(), "true");
  EXPECT_EQ(r[0].ToText(), "9007199254740993");
  EXPECT_EQ(r[5].ToText(), "");
}

TEST(DataApiResponses, ResultPageRejectsMalformedRecords) {
  EXPECT_FALSE(ParseGetStatementResultResponse(R"({"TotalNumRows":0})").ok());
  EXPECT_FALSE(ParseGetStatementResultResponse(R"({"Records":[[{"longValue":"1"}]]})").ok());
  EXPECT_FALSE(ParseGetStatementResultResponse(R"({"Records":[[{"a":1,"b":2}]]})").ok());
  EXPECT_FALSE(ParseGetStatementResultResponse(R"({"Records":[[{"blobValue":"***"}]]})").ok());
  auto empty = ParseGetStatementResultResponse(R"({"Records":[],"TotalNumRows":0})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->next_token.empty());
}

TEST(DataApiResponses, Listings) {
  auto dbs = ParseListDatabasesResponse(R"({"Databases":["dev","sales"],"NextToken":"n"})");
  ASSERT_TRUE(dbs.ok());
  EXPECT_EQ(dbs->items, (std::vector<std::string>{"dev", "sales"}));
  EXPECT_EQ(dbs->next_token, "n");
  auto tables =
      ParseListTablesResponse(R"({"Tables":[{"name":"orders","schema":"public","type":"TABLE"}]})");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->items.at(0).schema, "public");
  EXPECT_TRUE(tables->next_token.empty());
  auto cols = ParseDescribeTableResponse(
      R"({"ColumnList":[{"name":"id","typeName":"int8","nullable":0}],"TableName":"public.t"})");
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->items.at(0).type_name, "int8");
  EXPECT_FALSE(ParseListSchemasResponse(R"({"Schemas":"public"})").ok());
  auto cancel = ParseCancelStatementResponse(R"({"Status":true})");
  ASSERT_TRUE(cancel.ok());
  EXPECT_TRUE(*cancel);
}

TEST(DataApiResponses, StatusNames) {
  EXPECT_EQ(ParseStatementStatus("PICKED"), StatementStatus::kPicked);
  EXPECT_EQ(StatementStatusName(StatementStatus::kAborted), "ABORTED");
  EXPECT_FALSE(ParseStatementStatus("finished").has_value());
  EXPECT_TRUE(IsTerminal(StatementStatus::kAborted));
  EXPECT_FALSE(IsTerminal(StatementStatus::kStarted));
}

}  // namespace
}  // namespace crossdock::aws::redshift
