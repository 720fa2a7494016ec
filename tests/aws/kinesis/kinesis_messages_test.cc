// Request bodies and answers of the four Kinesis operations, shaped by the service model
// (Kinesis_20131202): member names, timestamp encoding (epoch seconds) and base64 blobs.
#include "crossdock/aws/kinesis/kinesis_messages.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace crossdock::aws::kinesis {
namespace {

using nlohmann::json;

TEST(KinesisMessages, DescribeStreamSummaryBodyAndAnswer) {
  EXPECT_EQ(json::parse(*BuildDescribeStreamSummaryBody("orders")),
            json({{"StreamName", "orders"}}));
  auto empty = BuildDescribeStreamSummaryBody("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field(), "stream_arn");

  auto s = ParseDescribeStreamSummaryResponse(R"({"StreamDescriptionSummary":{
    "StreamName":"orders","StreamARN":"arn:aws:kinesis:eu-west-1:111122223333:stream/orders",
    "StreamStatus":"ACTIVE","StreamModeDetails":{"StreamMode":"PROVISIONED"},
    "RetentionPeriodHours":24,"StreamCreationTimestamp":1.7e9,"EnhancedMonitoring":[],
    "EncryptionType":"KMS","KeyId":"arn:aws:kms:eu-west-1:111122223333:key/k1",
    "OpenShardCount":3,"ConsumerCount":0}})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->stream_status, "ACTIVE");
  EXPECT_EQ(s->encryption_type, "KMS");
  EXPECT_EQ(s->key_id, "arn:aws:kms:eu-west-1:111122223333:key/k1");
  EXPECT_EQ(s->open_shard_count, 3);
  EXPECT_EQ(s->retention_period_hours, 24);
  EXPECT_FALSE(ParseDescribeStreamSummaryResponse(R"({"StreamDescriptionSummary":{}})").ok());
}

TEST(KinesisMessages, ListShardsSendsTheTokenAloneOnLaterPages) {
  ListShardsParams p;
  p.stream_name = "orders";
  p.filter = ShardFilterType::kFromTimestamp;
  p.filter_timestamp = TimePoint(std::chrono::milliseconds(1700000000500));
  EXPECT_EQ(json::parse(*BuildListShardsBody(p, "")),
            json({{"StreamName", "orders"},
                  {"MaxResults", 1000},
                  {"ShardFilter", {{"Type", "FROM_TIMESTAMP"}, {"Timestamp", 1700000000.5}}}}));
  // The service rejects StreamName together with NextToken.
  EXPECT_EQ(json::parse(*BuildListShardsBody(p, "tok")),
            json({{"NextToken", "tok"}, {"MaxResults", 1000}}));
  p.filter_timestamp.reset();
  EXPECT_EQ(BuildListShardsBody(p, "").error().field(), "timestamp");
  p.max_results = 0;
  EXPECT_EQ(BuildListShardsBody(p, "").error().field(), "max_results");

  auto page = ParseListShardsResponse(R"({"Shards":[
    {"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0",
     "EndingHashKey":"170141183460469231731687303715884105727"},
     "SequenceNumberRange":{"StartingSequenceNumber":"4959","EndingSequenceNumber":"4960"}},
    {"ShardId":"shardId-000000000002","ParentShardId":"shardId-000000000000",
     "AdjacentParentShardId":"shardId-000000000001",
     "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},
     "SequenceNumberRange":{"StartingSequenceNumber":"4961"}}],"NextToken":"n2"})");
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->shards.size(), 2u);
  EXPECT_FALSE(page->shards[0].open());
  EXPECT_TRUE(page->shards[1].open());
  EXPECT_EQ(page->shards[1].parent_shard_id, "shardId-000000000000");
  EXPECT_EQ(page->shards[1].adjacent_parent_shard_id, "shardId-000000000001");
  EXPECT_EQ(page->next_token, "n2");
}

TEST(KinesisMessages, GetShardIteratorBodies) {
  ShardIteratorParams p{"orders", "shardId-000000000001", IteratorType::kTrimHorizon, "", {}};
  EXPECT_EQ(json::parse(*BuildGetShardIteratorBody(p)),
            json({{"StreamName", "orders"},
                  {"ShardId", "shardId-000000000001"},
                  {"ShardIteratorType", "TRIM_HORIZON"}}));
  p.type = IteratorType::kAfterSequenceNumber;
  EXPECT_EQ(BuildGetShardIteratorBody(p).error().field(), "sequence_number");
  p.sequence_number = "49590338271490256608559692538361571095921575989136588898";
  EXPECT_EQ(json::parse(*BuildGetShardIteratorBody(p))["StartingSequenceNumber"],
            p.sequence_number);
  p.type = IteratorType::kAtTimestamp;
  EXPECT_EQ(BuildGetShardIteratorBody(p).error().field(), "timestamp");
  p.timestamp = TimePoint(std::chrono::seconds(1700000000));
  auto at = json::parse(*BuildGetShardIteratorBody(p));
  EXPECT_EQ(at["ShardIteratorType"], "AT_TIMESTAMP");
  EXPECT_EQ(at["Timestamp"], 1700000000.0);
  EXPECT_FALSE(at.contains("StartingSequenceNumber"));
  EXPECT_EQ(*ParseGetShardIteratorResponse(R"({"ShardIterator":"AAAA"})"), "AAAA");
  EXPECT_FALSE(ParseGetShardIteratorResponse("{}").ok());
}

TEST(KinesisMessages, GetRecordsDecodesBlobsAndTimestamps) {
  EXPECT_EQ(json::parse(*BuildGetRecordsBody("it", 500)),
            json({{"ShardIterator", "it"}, {"Limit", 500}}));
  EXPECT_EQ(BuildGetRecordsBody("it", 10001).error().field(), "limit");
  auto r = ParseGetRecordsResponse(R"({"Records":[
    {"SequenceNumber":"21269319989652663814458848515492872193","ApproximateArrivalTimestamp":1700000000.25,
     "Data":"eyJhIjoxfQ==","PartitionKey":"p1"}],
    "NextShardIterator":"it2","MillisBehindLatest":1200,
    "ChildShards":[{"ShardId":"shardId-000000000003","ParentShards":["shardId-000000000001"],
      "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"1"}}]})");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].data, R"({"a":1})");
  EXPECT_EQ(r->records[0].partition_key, "p1");
  EXPECT_EQ(r->records[0].approximate_arrival, TimePoint(std::chrono::milliseconds(1700000000250)));
  EXPECT_EQ(r->next_shard_iterator, "it2");
  EXPECT_EQ(r->millis_behind_latest, 1200);
  ASSERT_EQ(r->child_shards.size(), 1u);
  EXPECT_EQ(r->child_shards[0].parent_shards, std::vector<std::string>{"shardId-000000000001"});
  EXPECT_FALSE(ParseGetRecordsResponse(R"({"Records":[{"SequenceNumber":"1","Data":"%%"}]})").ok());
}

TEST(KinesisMessages, SequenceNumbersCompareAsNumbers) {
  EXPECT_LT(CompareSequenceNumbers("9", "10"), 0);
  EXPECT_GT(CompareSequenceNumbers("49590338271490256608559692538361571095921575989136588899",
                                   "49590338271490256608559692538361571095921575989136588898"),
            0);
  EXPECT_EQ(CompareSequenceNumbers("42", "42"), 0);
}

}  // namespace
}  // namespace crossdock::aws::kinesis
