// KinesisClient against kinesalite (scripts/peers/start-kinesis.sh), signed with credentials
// the External ID front's STS hands out for the customer's role, as crossdock reads a
// customer's stream. The test writes with raw JSON 1.1 calls (crossdock itself never writes
// to a stream), then reads every shard back, through a KPL aggregate and a shard split.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "crossdock/aws/credentials/assume_role_provider.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/json_protocol.h"
#include "crossdock/aws/kinesis/deaggregate.h"
#include "crossdock/aws/kinesis/kinesis_client.h"
#include "crossdock/aws/s3/checksum.h"
#include "crossdock/crypto/random.h"
#include "crossdock/http/curl_transport.h"
#include "testing/peers.h"

namespace crossdock::aws::kinesis {
namespace {

using crossdock::testing::Env;
using nlohmann::json;

class KinesisPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_PEER("CROSSDOCK_KINESIS_ENDPOINT", "CROSSDOCK_STS_ENDPOINT", "RGW_ROLE_ARN",
                 "RGW_EXTERNAL_ID", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY");
    auto transport = std::make_shared<http::CurlTransport>();
    AssumeRoleOptions o;
    o.role_arn = Env("RGW_ROLE_ARN");
    o.role_session_name = "crossdock-kinesis-itest";
    o.external_id = Env("RGW_EXTERNAL_ID");
    o.duration = std::chrono::seconds(900);
    o.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
    o.endpoint_override = Env("CROSSDOCK_STS_ENDPOINT");
    auto vendor = std::make_shared<StaticCredentialsProvider>(AwsCredentials{
        Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
    auto role = AssumeRoleProvider::Create(vendor, o, transport, SystemClock::Instance());
    ASSERT_TRUE(role.ok()) << role.error().ToString();
    auto creds = (*role)->GetCredentials();
    ASSERT_TRUE(creds.ok()) << creds.error().ToString();
    ASSERT_FALSE(creds->session_token.empty());  // temporary credentials of the role
    aws_ = std::make_shared<AwsClient>(transport, *role, SystemClock::Instance());
    KinesisOptions k;
    k.region = "us-east-1";
    k.endpoint_override = Env("CROSSDOCK_KINESIS_ENDPOINT");
    auto client = KinesisClient::Create(aws_, k);
    ASSERT_TRUE(client.ok());
    client_.emplace(*client);
    stream_ = "itest-" + crypto::Base64UrlEncode(crypto::RandomBytes(6));
    for (char& c : stream_) {
      if (c == '_') c = '-';
    }
  }

  // A write the test makes as the producer would (raw JSON 1.1).
  json Write(const std::string& op, const json& body) {
    AwsRequest r = MakeJsonRequest(Env("CROSSDOCK_KINESIS_ENDPOINT"), "us-east-1", kSigningName,
                                   std::string(kTargetPrefix) + op, body.dump(), op);
    auto response = aws_->Send(r);
    EXPECT_TRUE(response.ok()) << op << ": " << response.error().ToString();
    return response.ok() && !response->body.empty() ? json::parse(response->body) : json();
  }

  void WaitActive() {
    for (int i = 0; i < 100; ++i) {
      auto s = client_->DescribeStreamSummary(stream_);
      if (s.ok() && s->stream_status == "ACTIVE") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "stream " << stream_ << " did not become ACTIVE";
  }

  // Every user record of every shard, read to the tip (open shards) or the end (closed).
  std::map<std::string, std::vector<UserRecord>> ReadAll(int* finished_shards) {
    std::map<std::string, std::vector<UserRecord>> out;
    auto shards = client_->ListShards({stream_, ShardFilterType::kNone, {}, 1000});
    EXPECT_TRUE(shards.ok()) << shards.error().ToString();
    for (const Shard& shard : *shards) {
      ShardReader reader(*client_, {stream_, shard.shard_id, IteratorType::kTrimHorizon, "", {}});
      for (int pages = 0; pages < 50 && !reader.finished(); ++pages) {
        auto page = reader.Next(3);  // small pages: several GetRecords per shard
        EXPECT_TRUE(page.ok()) << page.error().ToString();
        if (!page.ok()) break;
        for (const Record& r : page->records) {
          EXPECT_TRUE(Deaggregate(r, out[shard.shard_id]).ok());
        }
        if (page->records.empty() && page->millis_behind_latest == 0 && shard.open()) break;
      }
      if (reader.finished()) ++*finished_shards;
    }
    return out;
  }

  std::shared_ptr<AwsClient> aws_;
  std::optional<KinesisClient> client_;
  std::string stream_;
};

TEST_F(KinesisPeer, ReadsEveryShardThroughAggregatesAndASplit) {
  Write("CreateStream", {{"StreamName", stream_}, {"ShardCount", 2}});
  WaitActive();
  std::set<std::string> sent;
  for (int i = 0; i < 20; ++i) {
    std::string data = json({{"n", i}}).dump();
    sent.insert(data);
    Write("PutRecord", {{"StreamName", stream_},
                        {"PartitionKey", "key-" + std::to_string(i)},
                        {"Data", s3::Base64Encode(data)}});
  }
  std::string agg = EncodeKplAggregate({{"a", "{\"kpl\":1}"}, {"b", "{\"kpl\":2}"}});
  sent.insert("{\"kpl\":1}");
  sent.insert("{\"kpl\":2}");
  Write("PutRecord",
        {{"StreamName", stream_}, {"PartitionKey", "a"}, {"Data", s3::Base64Encode(agg)}});

  auto summary = client_->DescribeStreamSummary(stream_);
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(summary->open_shard_count, 2);

  int finished = 0;
  auto before = ReadAll(&finished);
  std::multiset<std::string> got;
  for (auto& [shard, records] : before) {
    for (auto& r : records) got.insert(r.data);
  }
  EXPECT_EQ(got.size(), sent.size());
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), sent);
  EXPECT_EQ(finished, 0);

  // Split shard 0 at the middle of its hash range: it closes, two children open.
  auto shards = client_->ListShards({stream_, ShardFilterType::kNone, {}, 1000});
  ASSERT_TRUE(shards.ok());
  Write("SplitShard", {{"StreamName", stream_},
                       {"ShardToSplit", (*shards)[0].shard_id},
                       {"NewStartingHashKey", "85070591730234615865843651857942052864"}});
  WaitActive();
  Write("PutRecord", {{"StreamName", stream_},
                      {"PartitionKey", "after"},
                      {"Data", s3::Base64Encode("after-split")}});
  auto after = client_->ListShards({stream_, ShardFilterType::kNone, {}, 1});  // paged
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  ASSERT_EQ(after->size(), 4u);
  EXPECT_FALSE((*after)[0].open());
  EXPECT_EQ((*after)[2].parent_shard_id, (*after)[0].shard_id);
  EXPECT_EQ((*after)[3].parent_shard_id, (*after)[0].shard_id);
  finished = 0;
  auto all = ReadAll(&finished);
  EXPECT_EQ(finished, 1);  // the closed parent is read to its end
  size_t total = 0;
  bool after_split = false;
  for (auto& [shard, records] : all) {
    total += records.size();
    for (auto& r : records) after_split |= r.data == "after-split";
  }
  EXPECT_EQ(total, sent.size() + 1);
  EXPECT_TRUE(after_split);
  Write("DeleteStream", {{"StreamName", stream_}});
}

TEST_F(KinesisPeer, MissingStreamIsNotFound) {
  auto s = client_->DescribeStreamSummary("no-such-stream-" + stream_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace crossdock::aws::kinesis
