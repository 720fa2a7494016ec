#include "crossdock/databricks/statement_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/redshift/handler_transport.h"

namespace crossdock::databricks {
namespace {

using testing::HandlerTransport;

http::HttpResponse Json(int status, std::string body) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

struct Fixture {
  explicit Fixture(HandlerTransport::Handler h)
      : clock(TimePoint(std::chrono::seconds(1700000000))),
        transport(std::make_shared<HandlerTransport>(std::move(h))) {
    client.emplace(*StatementClient::Create(transport, clock,
                                            {"https://dbc-1.cloud.databricks.com/", "dapiSECRET",
                                             "wh1", 3, std::chrono::milliseconds(100)}));
  }
  ManualClock clock;
  std::shared_ptr<HandlerTransport> transport;
  std::optional<StatementClient> client;
};

std::string State(const std::string& s) {
  return nlohmann::json{{"statement_id", "st1"}, {"status", {{"state", s}}}}.dump();
}

TEST(StatementClient, CreateValidates) {
  ManualClock clock(TimePoint{});
  auto t =
      std::make_shared<HandlerTransport>([](const http::HttpRequest&) { return Json(200, ""); });
  EXPECT_EQ(StatementClient::Create(t, clock, {"dbc-1", "t", "w"}).error().field(), "host");
  EXPECT_EQ(StatementClient::Create(t, clock, {"https://h", "", "w"}).error().field(), "token");
  EXPECT_EQ(StatementClient::Create(t, clock, {"https://h", "t", ""}).error().field(),
            "warehouse_id");
}

TEST(StatementClient, ExecuteSubmitsPollsAndFetchesEveryChunk) {
  int gets = 0;
  Fixture f([&](const http::HttpRequest& r) {
    if (r.method == "POST") return Json(200, State("PENDING"));
    if (r.url.find("/result/chunks/1") != std::string::npos) {
      return Json(200, R"({"chunk_index":1,"row_offset":2,"row_count":1,"data_array":[["3"]],
                           "next_chunk_index":2})");
    }
    if (r.url.find("/result/chunks/2") != std::string::npos) {
      return Json(200, R"({"chunk_index":2,"row_offset":3,"row_count":1,"data_array":[[null]]})");
    }
    if (++gets < 3) return Json(200, State("RUNNING"));
    return Json(200, R"({"statement_id":"st1","status":{"state":"SUCCEEDED"},
      "manifest":{"schema":{"columns":[{"name":"n","type_name":"INT","position":0}]},
                  "total_chunk_count":3,"total_row_count":4},
      "result":{"chunk_index":0,"row_count":2,"data_array":[["1"],["2"]],"next_chunk_index":1}})");
  });
  StatementRequest req;
  req.statement = "select n from t";
  auto result = f.client->Execute(req);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result->rows.size(), 4u);
  EXPECT_EQ(result->rows[2][0], "3");
  EXPECT_FALSE(result->rows[3][0].has_value());
  EXPECT_EQ(result->columns.at(0).name, "n");
  auto sent = f.transport->requests();
  EXPECT_EQ(sent[0].url, "https://dbc-1.cloud.databricks.com/api/2.0/sql/statements");
  EXPECT_EQ(http::FindHeader(sent[0].headers, "Authorization"), "Bearer dapiSECRET");
  EXPECT_EQ(nlohmann::json::parse(sent[0].body)["warehouse_id"], "wh1");
  EXPECT_EQ(sent[1].url, "https://dbc-1.cloud.databricks.com/api/2.0/sql/statements/st1");
}

TEST(StatementClient, TimeoutCancelsAndTheTokenStaysSecret) {
  Fixture f([&](const http::HttpRequest& r) {
    if (r.url.find("/cancel") != std::string::npos) return Json(200, "{}");
    return Json(200, State("RUNNING"));
  });
  PollOptions poll;
  poll.timeout = std::chrono::seconds(2);
  auto r = f.client->Wait("st1", poll);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTimeout);
  EXPECT_EQ(f.transport->requests().back().url,
            "https://dbc-1.cloud.databricks.com/api/2.0/sql/statements/st1/cancel");
  EXPECT_EQ(r.error().ToString().find("dapiSECRET"), std::string::npos);
  EXPECT_EQ(f.client->Describe().find("dapiSECRET"), std::string::npos);
}

TEST(StatementClient, RetriesUnavailableThenGivesTypedErrors) {
  int calls = 0;
  Fixture f([&](const http::HttpRequest&) {
    if (++calls < 3)
      return Json(503, R"({"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"})");
    return Json(200, State("RUNNING"));
  });
  const TimePoint start = f.clock.Now();
  auto r = f.client->Get("st1");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(f.clock.Now() - start, std::chrono::milliseconds(300));  // 100 + 200

  Fixture denied([&](const http::HttpRequest&) {
    return Json(401, R"({"error_code":"UNAUTHENTICATED","message":"Invalid access token."})");
  });
  auto d = denied.client->Get("st1");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(denied.transport->requests().size(), 1u);  // not retried
  EXPECT_EQ(d.error().ToString().find("dapiSECRET"), std::string::npos);
}

TEST(StatementClient, FailedStatementComesBackTyped) {
  Fixture f([&](const http::HttpRequest&) {
    return Json(200, R"({"statement_id":"st1","status":{"state":"FAILED","error":{
      "error_code":"PERMISSION_DENIED","message":"PERMISSION_DENIED: No parent external location was found for path 's3://b/p'"}}})");
  });
  StatementRequest req;
  req.statement = "copy into t from 's3://b/p' fileformat = csv";
  req.wait_timeout = "10s";
  auto r = f.client->Execute(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kAccessDenied);
  EXPECT_NE(r.error().message().find("No parent external location"), std::string::npos);
  EXPECT_EQ(f.transport->requests().size(), 1u);  // terminal in the submit answer: no polling
}

}  // namespace
}  // namespace crossdock::databricks
