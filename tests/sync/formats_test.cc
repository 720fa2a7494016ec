// CSV and JSON Lines: quoting, escaping and the NULL convention survive a round trip;
// compression round trips for every codec, streamed in small pieces.
#include <gtest/gtest.h>

#include "crossdock/sync/formats/compression.h"
#include "crossdock/sync/formats/format.h"
#include "crossdock/sync/streams.h"

namespace crossdock::sync {
namespace {

using aws::s3::StringByteStream;

Schema TwoColumns() {
  return {Column{"id", ValueKind::kInteger, "int8"}, Column{"text", ValueKind::kString, "text"}};
}

std::string Encode(Format f, const Schema& schema, const RowBatch& batch) {
  auto enc = MakeEncoder(f, schema);
  std::string out;
  enc->BeginFile(&out);
  for (size_t r = 0; r < batch.rows(); ++r) enc->EncodeRow(batch, r, &out);
  return out;
}

RowBatch Decode(Format f, const std::string& data, Schema* schema) {
  StringByteStream in(data);
  auto dec = MakeDecoder(f, in, "test");
  auto s = dec->ReadSchema();
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  *schema = *s;
  RowBatch batch(schema->size());
  for (;;) {
    auto more = dec->Next(batch, 2);
    EXPECT_TRUE(more.ok()) << more.error().ToString();
    if (!more.ok() || !*more) break;
  }
  return batch;
}

TEST(Csv, QuotesOnlyWhatNeedsQuotingAndDoublesQuotes) {
  std::string out;
  AppendCsvField("plain", false, &out);
  out += '|';
  AppendCsvField("a,b", false, &out);
  out += '|';
  AppendCsvField("say \"hi\"", false, &out);
  out += '|';
  AppendCsvField("line\nbreak", false, &out);
  out += '|';
  AppendCsvField("", false, &out);
  out += '|';
  AppendCsvField("", true, &out);
  EXPECT_EQ(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"line\nbreak\"|\"\"|");
}

TEST(Csv, RoundTripKeepsNullDistinctFromEmptyAndAwkwardText) {
  RowBatch b(2);
  const std::vector<std::string> texts = {"a,b",      "\"q\"",   "multi\r\nline", "",
                                          " spaced ", "ünïcödé", "trailing,"};
  for (size_t i = 0; i < texts.size(); ++i) {
    b.Add(std::to_string(i));
    b.Add(texts[i]);
    b.EndRow();
  }
  b.Add("99");
  b.AddNull();
  b.EndRow();
  std::string csv = Encode(Format::kCsv, TwoColumns(), b);
  EXPECT_EQ(csv.substr(0, 8), "id,text\n");
  Schema schema;
  RowBatch back = Decode(Format::kCsv, csv, &schema);
  ASSERT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema[1].name, "text");
  ASSERT_EQ(back.rows(), texts.size() + 1);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_FALSE(back.IsNull(i, 1)) << i;
    EXPECT_EQ(back.Value(i, 1), texts[i]) << i;
  }
  EXPECT_TRUE(back.IsNull(texts.size(), 1));
}

TEST(Csv, ReaderAcceptsCrlfTrailingEmptyFieldsAndNoFinalNewline) {
  Schema schema;
  RowBatch b = Decode(Format::kCsv, "a,b,c\r\n1,,\r\n\r\n\"x\",\"\",3", &schema);
  ASSERT_EQ(schema.size(), 3u);
  ASSERT_EQ(b.rows(), 2u);
  EXPECT_EQ(b.Value(0, 0), "1");
  EXPECT_TRUE(b.IsNull(0, 1));
  EXPECT_TRUE(b.IsNull(0, 2));
  EXPECT_EQ(b.Value(1, 0), "x");
  EXPECT_FALSE(b.IsNull(1, 1));
  EXPECT_EQ(b.Value(1, 1), "");
  EXPECT_EQ(b.Value(1, 2), "3");
}

TEST(Csv, MalformedInputNamesTheLine) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"a,b\n1,2,3\n", 2}, {"a\n\"open\n", 1}, {"a\n\"x\"y\n", 1}};
  for (const auto& [bad, columns] : cases) {
    StringByteStream in(bad);
    auto dec = MakeDecoder(Format::kCsv, in, "in.csv");
    ASSERT_TRUE(dec->ReadSchema().ok());
    RowBatch batch(columns);
    auto r = dec->Next(batch, 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("in.csv line"), std::string::npos) << r.error().message();
  }
}

TEST(JsonLines, WritesKindsAsJsonTypesAndReadsThemBack) {
  Schema schema = {Column{"i", ValueKind::kInteger, ""}, Column{"n", ValueKind::kNumeric, ""},
                   Column{"f", ValueKind::kFloat, ""},   Column{"b", ValueKind::kBoolean, ""},
                   Column{"j", ValueKind::kJson, ""},    Column{"s", ValueKind::kString, ""}};
  RowBatch b(schema.size());
  for (auto v : {"-42", "12345678901234567890.000000001", "NaN", "true", "{\"k\":[1,2]}",
                 "tab\there \"quoted\" \x01"}) {
    b.Add(v);
  }
  b.EndRow();
  b.EndRow();  // all NULL
  std::string out = Encode(Format::kJsonLines, schema, b);
  EXPECT_EQ(out,
            "{\"i\":-42,\"n\":12345678901234567890.000000001,\"f\":\"NaN\",\"b\":true,"
            "\"j\":{\"k\":[1,2]},\"s\":\"tab\\there \\\"quoted\\\" \\u0001\"}\n"
            "{\"i\":null,\"n\":null,\"f\":null,\"b\":null,\"j\":null,\"s\":null}\n");
  Schema read;
  RowBatch back = Decode(Format::kJsonLines, out, &read);
  ASSERT_EQ(back.rows(), 2u);
  EXPECT_EQ(read[0].kind, ValueKind::kInteger);
  EXPECT_EQ(read[3].kind, ValueKind::kBoolean);
  EXPECT_EQ(read[4].kind, ValueKind::kJson);
  EXPECT_EQ(back.Value(0, 0), "-42");
  EXPECT_EQ(back.Value(0, 3), "true");
  EXPECT_EQ(back.Value(0, 5), "tab\there \"quoted\" \x01");
  EXPECT_TRUE(back.IsNull(1, 0));
}

TEST(JsonLines, ExtraKeysAndNonObjectsAreErrorsNamingTheLine) {
  StringByteStream in("{\"a\":1}\n{\"a\":2,\"b\":3}\n");
  auto dec = MakeDecoder(Format::kJsonLines, in, "x.jsonl");
  ASSERT_TRUE(dec->ReadSchema().ok());
  RowBatch batch(1);
  auto r = dec->Next(batch, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("x.jsonl line 2"), std::string::npos);
  EXPECT_NE(r.error().message().find("\"b\""), std::string::npos);
}

TEST(Formats, NamesAndExtensions) {
  EXPECT_EQ(*FormatFromName("a/b.csv.zst"), Format::kCsv);
  EXPECT_EQ(*FormatFromName("b.ndjson.gz"), Format::kJsonLines);
  EXPECT_FALSE(FormatFromName("b.parquet").ok());
  EXPECT_EQ(CompressionFromName("a.csv.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionFromName("a.csv.zst"), Compression::kZstd);
  EXPECT_EQ(CompressionFromName("a.csv"), Compression::kNone);
  EXPECT_FALSE(ParseCompression("lz4").ok());
  EXPECT_FALSE(ValidateLevel(Compression::kGzip, 12).ok());
}

class CompressionRoundTrip : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionRoundTrip, StreamedInPiecesAndInOneGo) {
  std::string input;
  for (int i = 0; i < 200000; ++i) input += std::to_string(i * 7919 % 100003) + ",row\n";
  auto comp = MakeCompressor(GetParam());
  ASSERT_TRUE(comp.ok());
  std::string packed;
  for (size_t pos = 0; pos < input.size(); pos += 7777) {
    ASSERT_TRUE((*comp)->Write(std::string_view(input).substr(pos, 7777), &packed).ok());
  }
  ASSERT_TRUE((*comp)->Finish(&packed).ok());
  if (GetParam() != Compression::kNone) {
    EXPECT_LT(packed.size(), input.size() / 2);
  }
  // Decompress through the stream wrapper, reading in small pieces.
  StringByteStream raw(packed);
  auto plain = DecompressingStream::Make(raw, GetParam());
  ASSERT_TRUE(plain.ok());
  std::string out;
  char buf[1000];
  for (;;) {
    auto n = (*plain)->Read(buf, sizeof buf);
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    if (*n == 0) break;
    out.append(buf, *n);
  }
  EXPECT_EQ(out, input);
  auto again = DecompressAll(GetParam(), *CompressAll(GetParam(), input, 1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, input);
}

TEST_P(CompressionRoundTrip, TruncatedInputIsDataLoss) {
  if (GetParam() == Compression::kNone) GTEST_SKIP() << "nothing to truncate";
  std::string packed = *CompressAll(GetParam(), std::string(100000, 'x') + "tail");
  auto r = DecompressAll(GetParam(), packed.substr(0, packed.size() / 2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
}

INSTANTIATE_TEST_SUITE_P(All, CompressionRoundTrip,
                         ::testing::Values(Compression::kNone, Compression::kGzip,
                                           Compression::kZstd),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST(Gzip, ConcatenatedMembersDecodeAsOneStream) {
  std::string two =
      *CompressAll(Compression::kGzip, "first\n") + *CompressAll(Compression::kGzip, "second\n");
  EXPECT_EQ(*DecompressAll(Compression::kGzip, two), "first\nsecond\n");
}

}  // namespace
}  // namespace crossdock::sync
