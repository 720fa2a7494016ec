// KinesisClient and ShardReader over the real AwsClient and signer, answered by a handler:
// the throttling, paging and expired-iterator answers a live stream cannot give on cue.
#include "crossdock/aws/kinesis/kinesis_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/redshift/handler_transport.h"
#include "crossdock/aws/credentials/static_provider.h"

namespace crossdock::aws::kinesis {
namespace {

using crossdock::testing::HandlerTransport;
using crossdock::testing::JsonAnswer;
using nlohmann::json;

struct Fixture {
  explicit Fixture(HandlerTransport::Handler h)
      : clock(TimePoint(std::chrono::seconds(1700000000))),
        transport(std::make_shared<HandlerTransport>(std::move(h))) {
    RetryOptions retry;
    retry.max_attempts = 2;
    retry.jitter = [] { return 0.0; };
    auto creds = std::make_shared<StaticCredentialsProvider>(
        AwsCredentials{"AKIDEXAMPLE", "secret", "token", std::nullopt});
    auto aws = std::make_shared<AwsClient>(transport, creds, clock, retry);
    KinesisOptions options;
    options.region = "eu-west-1";
    client.emplace(*KinesisClient::Create(aws, options));
  }
  ManualClock clock;
  std::shared_ptr<HandlerTransport> transport;
  std::optional<KinesisClient> client;
};

std::string Target(const http::HttpRequest& r) {
  return http::FindHeader(r.headers, "X-Amz-Target").value_or("");
}

http::HttpResponse Throttled() {
  return JsonAnswer(400, R"({"__type":"ProvisionedThroughputExceededException",
    "message":"Rate exceeded for shard shardId-000000000000 in stream orders"})");
}

TEST(KinesisClient, SignsJsonRequestsForTheRegionalEndpoint) {
  Fixture f([](const http::HttpRequest&) {
    return JsonAnswer(200, R"({"StreamDescriptionSummary":{"StreamName":"orders",
      "StreamStatus":"ACTIVE","OpenShardCount":2}})");
  });
  auto s = f.client->DescribeStreamSummary("orders");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->open_shard_count, 2);
  auto sent = f.transport->requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://kinesis.eu-west-1.amazonaws.com/");
  EXPECT_EQ(Target(sent[0]), "Kinesis_20131202.DescribeStreamSummary");
  EXPECT_EQ(http::FindHeader(sent[0].headers, "Content-Type"), "application/x-amz-json-1.1");
  auto auth = http::FindHeader(sent[0].headers, "Authorization").value_or("");
  EXPECT_NE(auth.find("/eu-west-1/kinesis/aws4_request"), std::string::npos) << auth;
}

TEST(KinesisClient, ListShardsFollowsNextToken) {
  Fixture f([](const http::HttpRequest& r) {
    auto body = json::parse(r.body);
    if (!body.contains("NextToken")) {
      return JsonAnswer(200, R"({"Shards":[{"ShardId":"shardId-000000000000"}],"NextToken":"t1"})");
    }
    return JsonAnswer(200, R"({"Shards":[{"ShardId":"shardId-000000000001"}]})");
  });
  auto shards = f.client->ListShards({"orders", ShardFilterType::kNone, {}, 1});
  ASSERT_TRUE(shards.ok()) << shards.error().ToString();
  ASSERT_EQ(shards->size(), 2u);
  EXPECT_EQ((*shards)[1].shard_id, "shardId-000000000001");
  auto sent = f.transport->requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(json::parse(sent[1].body), json({{"NextToken", "t1"}, {"MaxResults", 1}}));
}

TEST(KinesisClient, ThrottlingIsRetriedWithGrowingBackoff) {
  int calls = 0;
  Fixture f([&](const http::HttpRequest&) {
    return ++calls <= 5 ? Throttled() : JsonAnswer(200, R"({"ShardIterator":"it"})");
  });
  TimePoint start = f.clock.Now();
  auto it =
      f.client->GetShardIterator({"orders", "shardId-000000000000", IteratorType::kLatest, "", {}});
  ASSERT_TRUE(it.ok()) << it.error().ToString();
  EXPECT_EQ(*it, "it");
  EXPECT_EQ(calls, 6);
  // AwsClient: 2 attempts per round (jitter 0 sleeps nothing); then 250 ms and 500 ms here.
  EXPECT_GE(f.clock.Now() - start, std::chrono::milliseconds(750));
}

TEST(KinesisClient, PersistentLimitExceededNamesTheQuota) {
  Fixture f([](const http::HttpRequest&) {
    return JsonAnswer(400, R"({"__type":"LimitExceededException","message":"Rate exceeded"})");
  });
  auto s = f.client->DescribeStreamSummary("orders");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kThrottled);
  EXPECT_EQ(s.error().aws_code(), "LimitExceededException");
  EXPECT_NE(s.error().message().find("read quota"), std::string::npos);
  EXPECT_EQ(f.transport->requests().size(), 2u * 7u);  // 1 + 6 rounds of 2 attempts
}

TEST(ShardReader, ExpiredIteratorReopensAfterTheLastSequenceNumber) {
  std::vector<json> iterator_requests;
  int get_records = 0;
  Fixture f([&](const http::HttpRequest& r) {
    auto body = json::parse(r.body);
    if (Target(r) == "Kinesis_20131202.GetShardIterator") {
      iterator_requests.push_back(body);
      return JsonAnswer(
          200, json({{"ShardIterator", "it" + std::to_string(iterator_requests.size())}}).dump());
    }
    ++get_records;
    if (body["ShardIterator"] == "it1" && get_records == 1) {
      return JsonAnswer(200,
                        R"({"Records":[{"SequenceNumber":"100","Data":"YQ==","PartitionKey":"p"},
        {"SequenceNumber":"105","Data":"Yg==","PartitionKey":"p"}],"NextShardIterator":"it1b"})");
    }
    if (body["ShardIterator"] == "it1b") {
      return JsonAnswer(400,
                        R"({"__type":"ExpiredIteratorException","message":"Iterator expired"})");
    }
    // A closed shard read to its end: no NextShardIterator.
    return JsonAnswer(200,
                      R"({"Records":[{"SequenceNumber":"110","Data":"Yw==","PartitionKey":"p"}],
      "ChildShards":[{"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000000"]}]})");
  });
  ShardReader reader(*f.client,
                     {"orders", "shardId-000000000000", IteratorType::kTrimHorizon, "", {}});
  auto first = reader.Next();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->records.size(), 2u);
  EXPECT_EQ(reader.last_sequence_number(), "105");
  auto second = reader.Next();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_EQ(second->records.size(), 1u);
  EXPECT_EQ(second->records[0].data, "c");
  EXPECT_TRUE(reader.finished());
  EXPECT_EQ(reader.opens(), 2);
  ASSERT_EQ(iterator_requests.size(), 2u);
  EXPECT_EQ(iterator_requests[0]["ShardIteratorType"], "TRIM_HORIZON");
  EXPECT_EQ(iterator_requests[1]["ShardIteratorType"], "AFTER_SEQUENCE_NUMBER");
  EXPECT_EQ(iterator_requests[1]["StartingSequenceNumber"], "105");
  EXPECT_EQ(reader.Next().error().code(), ErrorCode::kFailedPrecondition);
}

TEST(KinesisClient, DeniedAndMissingStreamsAreTyped) {
  Fixture f([](const http::HttpRequest& r) {
    if (Target(r) == "Kinesis_20131202.ListShards") {
      return JsonAnswer(
          400,
          R"({"__type":"AccessDeniedException","message":"User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: kinesis:ListShards"})");
    }
    return JsonAnswer(
        400,
        R"({"__type":"ResourceNotFoundException","message":"Stream orders under account 111122223333 not found."})");
  });
  auto denied = f.client->ListShards({"orders", ShardFilterType::kNone, {}, 1000});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), ErrorCode::kAccessDenied);
  auto missing = f.client->DescribeStreamSummary("orders");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().aws_code(), "ResourceNotFoundException");
}

}  // namespace
}  // namespace crossdock::aws::kinesis
