#include "crossdock/databricks/statement_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace crossdock::databricks {
namespace {

TEST(StatementJson, ExecuteBodyIsInlineJsonArray) {
  StatementRequest r;
  r.statement = "select * from t where id = :id";
  r.catalog = "main";
  r.schema = "sync";
  r.parameters = {{"id", "7", "INT"}, {"n", std::nullopt, ""}};
  r.row_limit = 10;
  EXPECT_EQ(nlohmann::json::parse(BuildExecuteStatementBody(r, "abc123")),
            nlohmann::json::parse(R"({"statement":"select * from t where id = :id",
                "warehouse_id":"abc123","wait_timeout":"0s","on_wait_timeout":"CONTINUE",
                "disposition":"INLINE","format":"JSON_ARRAY","catalog":"main","schema":"sync",
                "row_limit":10,"parameters":[{"name":"id","value":"7","type":"INT"},
                {"name":"n"}]})"));
}

TEST(StatementJson, Validation) {
  StatementRequest r;
  r.statement = "select 1";
  EXPECT_TRUE(ValidateStatementRequest(r, "w").ok());
  EXPECT_EQ(ValidateStatementRequest(r, "").error().field(), "warehouse_id");
  for (const char* bad : {"3s", "51s", "10", "-1s"}) {
    r.wait_timeout = bad;
    EXPECT_EQ(ValidateStatementRequest(r, "w").error().field(), "wait_timeout") << bad;
  }
  for (const char* good : {"0s", "5s", "50s"}) {
    r.wait_timeout = good;
    EXPECT_TRUE(ValidateStatementRequest(r, "w").ok()) << good;
  }
  r.statement = " ";
  EXPECT_EQ(ValidateStatementRequest(r, "w").error().field(), "statement");
  r.statement = "select :1";
  r.parameters = {{"1", "x", ""}};
  EXPECT_EQ(ValidateStatementRequest(r, "w").error().field(), "parameters");
}

TEST(StatementJson, SucceededResponseWithManifestAndFirstChunk) {
  auto r = ParseStatementResponse(R"({"statement_id":"01ef-1","status":{"state":"SUCCEEDED"},
    "manifest":{"format":"JSON_ARRAY","schema":{"column_count":2,"columns":[
       {"name":"id","type_name":"LONG","type_text":"bigint","position":0},
       {"name":"s","type_name":"STRING","type_text":"string","position":1}]},
     "total_chunk_count":2,"chunks":[{"chunk_index":0,"row_offset":0,"row_count":2},
       {"chunk_index":1,"row_offset":2,"row_count":1}],"total_row_count":3,"truncated":false},
    "result":{"chunk_index":0,"row_offset":0,"row_count":2,"data_array":[["1","a"],["2",null]],
      "next_chunk_index":1,"next_chunk_internal_link":"/api/2.0/sql/statements/01ef-1/result/chunks/1"}})");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->state, StatementState::kSucceeded);
  ASSERT_TRUE(r->manifest);
  EXPECT_EQ(r->manifest->columns.at(1).type_name, "STRING");
  EXPECT_EQ(r->manifest->total_chunk_count, 2);
  EXPECT_EQ(r->manifest->chunks.at(1).row_offset, 2);
  ASSERT_TRUE(r->result);
  EXPECT_EQ(r->result->rows.at(0).at(1), "a");
  EXPECT_FALSE(r->result->rows.at(1).at(1).has_value());
  EXPECT_EQ(r->result->next_chunk_index, 1);
}

TEST(StatementJson, FailedAndPendingResponses) {
  auto f = ParseStatementResponse(R"({"statement_id":"x","status":{"state":"FAILED",
      "error":{"error_code":"BAD_REQUEST","message":"[TABLE_OR_VIEW_NOT_FOUND] t"},
      "sql_state":"42P01"}})");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->error_code, "BAD_REQUEST");
  EXPECT_EQ(f->sql_state, "42P01");
  EXPECT_EQ(StatementFailure(*f).code(), ErrorCode::kNotFound);
  auto p = ParseStatementResponse(R"({"statement_id":"x","status":{"state":"PENDING"}})");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(IsTerminal(p->state));
  EXPECT_FALSE(ParseStatementResponse(R"({"statement_id":"x","status":{"state":"ZZZ"}})").ok());
  EXPECT_FALSE(ParseStatementResponse(R"({"status":{"state":"PENDING"}})").ok());
  EXPECT_FALSE(ParseResultChunk(R"({"data_array":[1,2]})").ok());
}

TEST(StatementJson, StatementFailureTypes) {
  StatementResponse r;
  r.statement_id = "s";
  r.state = StatementState::kFailed;
  r.error_code = "PERMISSION_DENIED";
  r.error_message =
      "PERMISSION_DENIED: The IAM role for storage credential 'c' was found to be "
      "non self-assuming";
  auto e = StatementFailure(r);
  EXPECT_EQ(e.code(), ErrorCode::kAccessDenied);
  EXPECT_NE(e.message().find("own ARN"), std::string::npos);
  r.error_code = "BAD_REQUEST";
  r.error_message = "[PARSE_SYNTAX_ERROR] Syntax error at or near 'selec'";
  EXPECT_EQ(StatementFailure(r).code(), ErrorCode::kInvalidArgument);
  r.state = StatementState::kCanceled;
  EXPECT_EQ(StatementFailure(r).code(), ErrorCode::kCancelled);
  r.state = StatementState::kClosed;
  EXPECT_EQ(StatementFailure(r).code(), ErrorCode::kFailedPrecondition);
}

TEST(StatementJson, ApiErrorsByStatus) {
  auto e = ApiError(401, R"({"error_code":"UNAUTHENTICATED","message":"Invalid access token."})",
                    "get statement x");
  EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(e.message().find("Invalid access token."), std::string::npos);
  EXPECT_NE(e.message().find("create a new one"), std::string::npos);
  EXPECT_EQ(ApiError(403, "{}", "x").code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(ApiError(404, R"({"error_code":"NOT_FOUND"})", "x").code(), ErrorCode::kNotFound);
  EXPECT_EQ(ApiError(429, "", "x").code(), ErrorCode::kThrottled);
  EXPECT_EQ(ApiError(503, "<html>", "x").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(ApiError(400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"m"})", "x").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      ApiError(400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"m"})", "x").http_status(),
      400);
}

}  // namespace
}  // namespace crossdock::databricks
