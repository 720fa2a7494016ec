// The Kinesis source's pure parts: the checkpoint's encoding (what is saved as the sync's
// cursor), the parent/child rule of resharding, the data column's rendering, and the spec's
// kinesis source (strict: unknown members named).
#include "crossdock/sync/sources/kinesis_source.h"

#include <gtest/gtest.h>

#include "crossdock/core/time_format.h"
#include "crossdock/sync/spec.h"

namespace crossdock::sync {
namespace {

using aws::kinesis::Shard;

TEST(KinesisCheckpoint, RoundTripsAndIsDeterministic) {
  KinesisCheckpoint c;
  c.stream = "clicks";
  c.shards["shardId-000000000001"] = "49590338271490256608559692540925702759324208523137515538";
  c.shards["shardId-000000000000"] = "1";
  c.drained = {"shardId-000000000002"};
  c.since = *ParseIso8601("2024-05-01T12:00:00.250Z");
  std::string text = EncodeKinesisCheckpoint(c);
  EXPECT_EQ(text,
            "{\"drained\":[\"shardId-000000000002\"],\"shards\":{\"shardId-000000000000\":\"1\","
            "\"shardId-000000000001\":"
            "\"49590338271490256608559692540925702759324208523137515538\"},\"since\":\"2024-05-"
            "01T12:00:00.250Z\",\"stream\":\"clicks\",\"v\":1}");
  auto back = DecodeKinesisCheckpoint(text);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->stream, "clicks");
  EXPECT_EQ(back->shards, c.shards);
  EXPECT_EQ(back->drained, c.drained);
  ASSERT_TRUE(back->since.has_value());
  EXPECT_EQ(*back->since, *c.since);
  EXPECT_EQ(EncodeKinesisCheckpoint(*back), text);

  KinesisCheckpoint empty;
  auto e = DecodeKinesisCheckpoint(EncodeKinesisCheckpoint(empty));
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->shards.empty());
  EXPECT_FALSE(e->since.has_value());
}

TEST(KinesisCheckpoint, RefusesWhatItDidNotWrite) {
  for (const char* bad :
       {"", "42", "[]", "{\"shards\":{}}", "{\"v\":2}", "{\"v\":1,\"shards\":{\"s\":\"12a\"}}",
        "{\"v\":1,\"shards\":[]}", "{\"v\":1,\"drained\":[1]}", "{\"v\":1,\"since\":\"yesterday\"}",
        "{\"v\":1,\"extra\":true}"}) {
    auto r = DecodeKinesisCheckpoint(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().field(), "cursor") << bad;
  }
}

Shard MakeShard(std::string id, std::string parent = "", std::string adjacent = "") {
  Shard s;
  s.shard_id = std::move(id);
  s.parent_shard_id = std::move(parent);
  s.adjacent_parent_shard_id = std::move(adjacent);
  return s;
}

TEST(KinesisResharding, ChildrenWaitForEveryListedParent) {
  std::set<std::string> listed = {"p0", "p1", "split-a", "merged"};
  Shard root = MakeShard("p0");
  Shard split = MakeShard("split-a", "p0");
  Shard merged = MakeShard("merged", "p0", "p1");
  EXPECT_TRUE(ParentsDrained(root, listed, {}));
  EXPECT_FALSE(ParentsDrained(split, listed, {}));
  EXPECT_TRUE(ParentsDrained(split, listed, {"p0"}));
  EXPECT_FALSE(ParentsDrained(merged, listed, {"p0"}));
  EXPECT_FALSE(ParentsDrained(merged, listed, {"p1"}));
  EXPECT_TRUE(ParentsDrained(merged, listed, {"p0", "p1"}));
  // A parent that aged out of the stream (no longer listed) holds nothing back.
  EXPECT_TRUE(ParentsDrained(merged, {"merged", "p1"}, {"p1"}));
  EXPECT_TRUE(ParentsDrained(split, {"split-a"}, {}));
}

TEST(KinesisData, JsonDocumentsAreCompactedOthersBase64) {
  std::string out;
  EXPECT_STREQ(RenderKinesisData("{ \"a\" : [1, 2.50],\n \"s\": \"x y\\\" z\" }", true, &out),
               "json");
  EXPECT_EQ(out, "{\"a\":[1,2.50],\"s\":\"x y\\\" z\"}");  // digits kept as sent
  EXPECT_STREQ(RenderKinesisData("12345678901234567890123", false, &out), "json");
  EXPECT_EQ(out, "12345678901234567890123");
  EXPECT_STREQ(RenderKinesisData("\"text\"", true, &out), "json");
  EXPECT_EQ(out, "\"text\"");
  // Not JSON: base64, as a JSON string in a JSON column and bare in CSV.
  EXPECT_STREQ(RenderKinesisData("hello", true, &out), "base64");
  EXPECT_EQ(out, "\"aGVsbG8=\"");
  EXPECT_STREQ(RenderKinesisData("hello", false, &out), "base64");
  EXPECT_EQ(out, "aGVsbG8=");
  EXPECT_STREQ(RenderKinesisData(std::string("{\"a\":\"\xff\"}"), true, &out), "base64");
  EXPECT_STREQ(RenderKinesisData("{\"a\":1} trailing", true, &out), "base64");
  EXPECT_STREQ(RenderKinesisData("", true, &out), "base64");
  EXPECT_EQ(out, "\"\"");
  EXPECT_STREQ(RenderKinesisData(std::string("\x00\x01", 2), false, &out), "base64");
  EXPECT_EQ(out, "AAE=");
}

TEST(KinesisSpec, ParsesBothFormsAndRoundTrips) {
  auto spec = ParseSyncSpec(R"({"source": {"type": "kinesis", "connection": "clicks",
      "start": {"at_timestamp": "2024-05-01T10:00:00.125Z"}, "max_parallel_shards": 3},
      "destination": {"type": "local", "root": "/out"}, "format": "jsonl"})");
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  EXPECT_EQ(spec->source.type, SourceType::kKinesis);
  EXPECT_EQ(spec->source.connection, "clicks");
  EXPECT_EQ(spec->source.kinesis.start.kind, KinesisStart::Kind::kAtTimestamp);
  EXPECT_EQ(FormatIso8601Millis(spec->source.kinesis.start.at), "2024-05-01T10:00:00.125Z");
  EXPECT_EQ(spec->source.kinesis.max_parallel_shards, 3);
  EXPECT_EQ(spec->source.kinesis.records_per_call, 10000);
  auto again = SyncSpecFromJson(SyncSpecToJson(*spec));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(SyncSpecToJson(*again), SyncSpecToJson(*spec));

  auto inline_form = ParseSyncSpec(R"({"source": {"type": "kinesis",
      "stream_arn": "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks",
      "role_arn": "arn:aws:iam::111122223333:role/r", "external_id": "x",
      "endpoint": "http://127.0.0.1:4567", "start": "LATEST"},
      "destination": {"type": "local", "root": "/out"}})");
  ASSERT_TRUE(inline_form.ok()) << inline_form.error().ToString();
  EXPECT_EQ(inline_form->source.kinesis.start.kind, KinesisStart::Kind::kLatest);
  EXPECT_EQ(inline_form->source.kinesis.endpoint, "http://127.0.0.1:4567");
  auto json = SyncSpecToJson(*inline_form);
  EXPECT_EQ(json["source"]["start"], "latest");
  EXPECT_EQ(json["source"]["stream_arn"], "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks");
}

TEST(KinesisSpec, BadInputNamesTheField) {
  const std::string dest = R"(, "destination": {"type": "local", "root": "/out"}})";
  struct Case {
    std::string source;
    std::string field;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"({"type": "kinesis", "connection": "c", "shards": 2})", "source.shards"},
          {R"({"type": "kinesis"})", "source.connection"},
          {R"({"type": "kinesis", "connection": "c", "stream_arn": "arn:aws:kinesis:us-east-1:111122223333:stream/s"})",
           "source.connection"},
          {R"({"type": "kinesis", "stream_arn": "arn:aws:s3:::bucket"})", "source.stream_arn"},
          {R"({"type": "kinesis", "connection": "c", "start": "oldest"})", "source.start"},
          {R"({"type": "kinesis", "connection": "c", "start": {"at": "2024-01-01T00:00:00Z"}})",
           "source.start.at"},
          {R"({"type": "kinesis", "connection": "c", "start": {"at_timestamp": "May 1"}})",
           "source.start.at_timestamp"},
          {R"({"type": "kinesis", "connection": "c", "max_parallel_shards": 0})",
           "source.max_parallel_shards"},
          {R"({"type": "kinesis", "connection": "c", "records_per_call": 10001})",
           "source.records_per_call"},
          {R"({"type": "kinesis", "connection": "c", "role_arn": "arn:aws:iam::1:role/r"})",
           "source.role_arn"},
          {R"({"type": "kinesis", "stream_arn": "arn:aws:kinesis:us-east-1:111122223333:stream/s", "external_id": "x"})",
           "source.external_id"},
      }) {
    auto spec = ParseSyncSpec(R"({"source": )" + c.source + dest);
    ASSERT_FALSE(spec.ok()) << c.source;
    EXPECT_EQ(spec.error().field(), c.field) << c.source << ": " << spec.error().ToString();
  }
  auto incremental = ParseSyncSpec(
      R"({"source": {"type": "kinesis", "connection": "c"}, "incremental": {"cursor_column": "x"})" +
      dest);
  ASSERT_FALSE(incremental.ok());
  EXPECT_EQ(incremental.error().field(), "incremental");
}

}  // namespace
}  // namespace crossdock::sync
