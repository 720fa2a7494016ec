// KPL de-aggregation: the documented wire format (magic, AggregatedRecord, MD5), built byte
// by byte here rather than only through our own encoder, and the pass-through rules.
#include "crossdock/aws/kinesis/deaggregate.h"

#include <gtest/gtest.h>

#include "crossdock/aws/s3/checksum.h"

namespace crossdock::aws::kinesis {
namespace {

Record WithData(std::string data) {
  Record r;
  r.sequence_number = "4960";
  r.partition_key = "outer";
  r.data = std::move(data);
  r.approximate_arrival = TimePoint(std::chrono::seconds(1700000000));
  return r;
}

std::string Frame(const std::string& message) {
  return std::string("\xF3\x89\x9A\xC2", 4) + message + s3::Md5(message);
}

TEST(Deaggregate, HandBuiltAggregateWithTwoKeysAndAHashKey) {
  // AggregatedRecord{partition_key_table: ["a", "bb"], explicit_hash_key_table: ["7"],
  //   records: [{pk 1, data "x"}, {pk 0, ehk 0, data "yz", tags [{key "t"}]}]}
  std::string msg;
  msg += std::string(
      "\x0A\x01"
      "a",
      3);
  msg += std::string(
      "\x0A\x02"
      "bb",
      4);
  msg += std::string(
      "\x12\x01"
      "7",
      3);
  msg += std::string(
      "\x1A\x05\x08\x01\x1A\x01"
      "x",
      7);
  msg += std::string(
      "\x1A\x0D\x08\x00\x10\x00\x1A\x02"
      "yz"
      "\x22\x03\x0A\x01"
      "t",
      15);
  std::vector<UserRecord> out;
  ASSERT_TRUE(Deaggregate(WithData(Frame(msg)), out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].partition_key, "bb");
  EXPECT_EQ(out[0].data, "x");
  EXPECT_EQ(out[0].sub_sequence_number, 0u);
  EXPECT_EQ(out[1].partition_key, "a");
  EXPECT_EQ(out[1].explicit_hash_key, "7");
  EXPECT_EQ(out[1].data, "yz");
  EXPECT_EQ(out[1].sub_sequence_number, 1u);
  EXPECT_EQ(out[1].sequence_number, "4960");
  EXPECT_TRUE(out[1].aggregated);
  EXPECT_EQ(out[1].approximate_arrival, TimePoint(std::chrono::seconds(1700000000)));
}

TEST(Deaggregate, EncoderRoundTrip) {
  std::string big(300, 'q');  // a length needing a two-byte varint
  auto agg = EncodeKplAggregate({{"k1", "{\"n\":1}"}, {"k2", big}, {"k1", ""}});
  EXPECT_TRUE(IsKplAggregate(agg));
  std::vector<UserRecord> out;
  ASSERT_TRUE(Deaggregate(WithData(agg), out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].data, "{\"n\":1}");
  EXPECT_EQ(out[1].data, big);
  EXPECT_EQ(out[1].partition_key, "k2");
  EXPECT_EQ(out[2].partition_key, "k1");
  EXPECT_EQ(out[2].data, "");
}

TEST(Deaggregate, PlainRecordsAndBadChecksumsPassThrough) {
  std::vector<UserRecord> out;
  ASSERT_TRUE(Deaggregate(WithData("plain"), out).ok());
  auto agg = EncodeKplAggregate({{"k", "v"}});
  agg.back() ^= 1;  // checksum no longer matches: not an aggregate
  ASSERT_TRUE(Deaggregate(WithData(agg), out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data, "plain");
  EXPECT_EQ(out[0].partition_key, "outer");
  EXPECT_FALSE(out[0].aggregated);
  EXPECT_EQ(out[1].data, agg);
}

TEST(Deaggregate, MalformedMessageWithValidChecksumIsDataLoss) {
  std::vector<UserRecord> out;
  // records[0] names partition key 3 of an empty table.
  auto bad_index = Deaggregate(WithData(Frame(std::string("\x1A\x05\x08\x03\x1A\x01"
                                                          "x",
                                                          7))),
                               out);
  ASSERT_FALSE(bad_index.ok());
  EXPECT_EQ(bad_index.error().code(), ErrorCode::kDataLoss);
  // A length running past the end.
  auto truncated = Deaggregate(WithData(Frame(std::string("\x0A\x09"
                                                          "ab",
                                                          4))),
                               out);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message().find("4960"), std::string::npos);
  // A record without data.
  auto no_data = Deaggregate(WithData(Frame(std::string("\x0A\x01"
                                                        "a"
                                                        "\x1A\x02\x08\x00",
                                                        7))),
                             out);
  ASSERT_FALSE(no_data.ok());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace crossdock::aws::kinesis
