#include "crossdock/aws/redshift/data_api_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/redshift/handler_transport.h"
#include "crossdock/aws/credentials/static_provider.h"

namespace crossdock::aws::redshift {
namespace {

using testing::HandlerTransport;
using testing::JsonAnswer;

struct Fixture {
  explicit Fixture(HandlerTransport::Handler h)
      : clock(TimePoint(std::chrono::seconds(1700000000))),
        transport(std::make_shared<HandlerTransport>(std::move(h))) {
    RetryOptions retry;
    retry.jitter = [] { return 0.0; };
    auto creds = std::make_shared<StaticCredentialsProvider>(
        AwsCredentials{"AKIDEXAMPLE", "secret", "token", std::nullopt});
    auto aws = std::make_shared<AwsClient>(transport, creds, clock, retry);
    client.emplace(*RedshiftDataClient::Create(aws, {"eu-west-1", ""}));
  }
  ManualClock clock;
  std::shared_ptr<HandlerTransport> transport;
  std::optional<RedshiftDataClient> client;
};

std::string Target(const http::HttpRequest& r) {
  return http::FindHeader(r.headers, "X-Amz-Target").value_or("");
}

ExecuteStatementParams Select() {
  ExecuteStatementParams p;
  p.target = {"analytics", "", "dev"};
  p.sql = "select 1";
  return p;
}

std::string Describe(const std::string& status, const std::string& error = "") {
  nlohmann::json j = {{"Id", "s1"},
                      {"Status", status},
                      {"HasResultSet", status == "FINISHED"},
                      {"ResultRows", status == "FINISHED" ? 1 : -1},
                      {"QueryString", "select 1"}};
  if (!error.empty()) j["Error"] = error;
  return j.dump();
}

TEST(DataApiClient, RunPollsWithGrowingDelaysUntilFinished) {
  std::vector<TimePoint> polls;
  Fixture* self = nullptr;
  Fixture f([&](const http::HttpRequest& r) {
    std::string t = Target(r);
    if (t == "RedshiftData.ExecuteStatement") return JsonAnswer(200, R"({"Id":"s1"})");
    polls.push_back(self->clock.Now());
    return JsonAnswer(200, Describe(polls.size() < 4 ? "STARTED" : "FINISHED"));
  });
  self = &f;
  const TimePoint start = f.clock.Now();
  auto d = f.client->Run(Select());
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(d->status, StatementStatus::kFinished);
  ASSERT_EQ(polls.size(), 4u);
  using ms = std::chrono::milliseconds;
  EXPECT_EQ(polls[0] - start, ms(100));
  EXPECT_EQ(polls[1] - polls[0], ms(150));
  EXPECT_EQ(polls[2] - polls[1], ms(225));
  EXPECT_EQ(polls[3] - polls[2], ms(337));

  auto sent = f.transport->requests();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, "https://redshift-data.eu-west-1.amazonaws.com/");
  EXPECT_EQ(http::FindHeader(sent[0].headers, "Content-Type"), "application/x-amz-json-1.1");
  auto auth = http::FindHeader(sent[0].headers, "Authorization").value_or("");
  EXPECT_NE(auth.find("/eu-west-1/redshift-data/aws4_request"), std::string::npos) << auth;
  EXPECT_EQ(http::FindHeader(sent[0].headers, "X-Amz-Security-Token"), "token");
  EXPECT_EQ(nlohmann::json::parse(sent[1].body), nlohmann::json::parse(R"({"Id":"s1"})"));
}

TEST(DataApiClient, PollDelayIsCapped) {
  PollOptions p;
  p.initial_delay = std::chrono::milliseconds(100);
  p.multiplier = 2;
  p.max_delay = std::chrono::milliseconds(1000);
  EXPECT_EQ(PollDelay(p, 0).count(), 100);
  EXPECT_EQ(PollDelay(p, 3).count(), 800);
  EXPECT_EQ(PollDelay(p, 4).count(), 1000);
  EXPECT_EQ(PollDelay(p, 60).count(), 1000);
}

TEST(DataApiClient, TimeoutCancelsTheStatement) {
  Fixture f([&](const http::HttpRequest& r) {
    std::string t = Target(r);
    if (t == "RedshiftData.CancelStatement") return JsonAnswer(200, R"({"Status":true})");
    return JsonAnswer(200, Describe("STARTED"));
  });
  PollOptions poll;
  poll.timeout = std::chrono::seconds(3);
  const TimePoint start = f.clock.Now();
  auto d = f.client->WaitForStatement("s1", poll);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kTimeout);
  EXPECT_NE(d.error().message().find("s1"), std::string::npos);
  EXPECT_EQ(f.clock.Now() - start, std::chrono::seconds(3));  // never slept past the deadline
  auto sent = f.transport->requests();
  EXPECT_EQ(Target(sent.back()), "RedshiftData.CancelStatement");
}

TEST(DataApiClient, CallerCancelSendsCancelStatement) {
  int describes = 0;
  Fixture f([&](const http::HttpRequest& r) {
    if (Target(r) == "RedshiftData.CancelStatement") return JsonAnswer(200, R"({"Status":true})");
    ++describes;
    return JsonAnswer(200, Describe("PICKED"));
  });
  PollOptions poll;
  poll.cancelled = [&] { return describes >= 2; };
  auto d = f.client->WaitForStatement("s1", poll);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kCancelled);
  EXPECT_EQ(describes, 2);
  EXPECT_EQ(Target(f.transport->requests().back()), "RedshiftData.CancelStatement");
}

TEST(DataApiClient, FailedStatementIsTypedFromTheDatabaseError) {
  Fixture f([&](const http::HttpRequest&) {
    return JsonAnswer(200, Describe("FAILED",
                                    "ERROR: S3ServiceException:Access Denied,Status 403,Error "
                                    "AccessDenied,Rid 1,ExtRid 2,CanRetry 1"));
  });
  auto d = f.client->WaitForStatement("s1");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kAccessDenied);
  EXPECT_NE(d.error().message().find("Redshift statement s1 failed"), std::string::npos);
  EXPECT_NE(d.error().message().find("s3:PutObject"), std::string::npos);  // the fix
}

TEST(DataApiClient, ResultPagesAreFollowedInOrder) {
  std::vector<std::string> tokens;
  Fixture f([&](const http::HttpRequest& r) {
    auto body = nlohmann::json::parse(r.body);
    std::string tok = body.value("NextToken", "");
    tokens.push_back(tok);
    int page = tok.empty() ? 0 : tok == "p2" ? 1 : 2;
    nlohmann::json out = {{"TotalNumRows", 5},
                          {"ColumnMetadata", {{{"name", "n"}, {"typeName", "int4"}}}},
                          {"Records", nlohmann::json::array()}};
    for (int i = 0; i < (page == 2 ? 1 : 2); ++i) {
      out["Records"].push_back({{{"longValue", page * 2 + i + 1}}});
    }
    if (page < 2) out["NextToken"] = page == 0 ? "p2" : "p3";
    return JsonAnswer(200, out.dump());
  });
  auto all = f.client->GetStatementResult("s1");
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  EXPECT_EQ(tokens, (std::vector<std::string>{"", "p2", "p3"}));
  ASSERT_EQ(all->rows.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(all->rows[i][0].long_value, i + 1);
  EXPECT_EQ(all->columns.at(0).name, "n");
  auto capped = f.client->GetStatementResult("s1", 3);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(DataApiClient, ActiveStatementsExceededIsThrottling) {
  Fixture f([&](const http::HttpRequest&) {
    return JsonAnswer(400, R"({"__type":"ActiveStatementsExceededException",
                               "Message":"Active statements exceeded the allowed quota (200)."})");
  });
  auto s = f.client->ExecuteStatement(Select());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kThrottled);
  EXPECT_TRUE(s.error().retryable());
  EXPECT_EQ(s.error().aws_code(), "ActiveStatementsExceededException");
  EXPECT_NE(s.error().message().find("quota (200)"), std::string::npos);
}

TEST(DataApiClient, UnknownWorkgroupNamesTheFix) {
  Fixture f([&](const http::HttpRequest&) {
    return JsonAnswer(400, R"({"__type":"ResourceNotFoundException",
                               "Message":"Workgroup analytics not found.","ResourceId":"analytics"})");
  });
  auto s = f.client->ExecuteStatement(Select());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(s.error().message().find("region"), std::string::npos);
  EXPECT_NE(s.error().message().find("ExecuteStatement on workgroup analytics/dev"),
            std::string::npos);
}

TEST(DataApiClient, ListingsCollectEveryPage) {
  Fixture f([&](const http::HttpRequest& r) {
    auto body = nlohmann::json::parse(r.body);
    if (!body.contains("NextToken")) {
      return JsonAnswer(200, R"({"Schemas":["a","b"],"NextToken":"more"})");
    }
    return JsonAnswer(200, R"({"Schemas":["c"]})");
  });
  CatalogQuery q;
  q.target = {"analytics", "", "dev"};
  auto schemas = f.client->ListSchemas(q);
  ASSERT_TRUE(schemas.ok()) << schemas.error().ToString();
  EXPECT_EQ(*schemas, (std::vector<std::string>{"a", "b", "c"}));
  q.target.database.clear();
  EXPECT_EQ(f.client->ListSchemas(q).error().field(), "database");
}

}  // namespace
}  // namespace crossdock::aws::redshift
