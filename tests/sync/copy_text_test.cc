// COPY text parsing and PostgreSQL text -> canonical conversions, and the type map.
#include "crossdock/sync/sources/copy_text.h"

#include <gtest/gtest.h>

#include "crossdock/sync/sources/pg_types.h"

namespace crossdock::sync {
namespace {

TEST(CopyText, SplitsUnescapesAndConverts) {
  std::vector<PgConversion> conv = {PgConversion::kAsIs, PgConversion::kBoolean,
                                    PgConversion::kTimestampTz, PgConversion::kBytea,
                                    PgConversion::kAsIs};
  RowBatch b(conv.size());
  ASSERT_TRUE(AppendCopyTextRow("a\\tb\\\\c\\nd\\101\\x42\tt\t2024-01-02 03:04:05.5+00\t\\\\x0aff\t"
                                "\\N\n",
                                conv, b)
                  .ok());
  ASSERT_EQ(b.rows(), 1u);
  EXPECT_EQ(b.Value(0, 0), "a\tb\\c\ndAB");
  EXPECT_EQ(b.Value(0, 1), "true");
  EXPECT_EQ(b.Value(0, 2), "2024-01-02T03:04:05.5Z");
  EXPECT_EQ(b.Value(0, 3), "Cv8=");
  EXPECT_TRUE(b.IsNull(0, 4));
}

TEST(CopyText, WrongFieldCountsAreDataLossAndLeaveTheBatchUnchanged) {
  std::vector<PgConversion> conv(2, PgConversion::kAsIs);
  RowBatch b(2);
  EXPECT_EQ(AppendCopyTextRow("one\n", conv, b).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(AppendCopyTextRow("1\t2\t3\n", conv, b).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(b.rows(), 0u);
  EXPECT_TRUE(AppendCopyTextRow("\t\n", conv, b).ok());  // two empty strings
  EXPECT_EQ(b.rows(), 1u);
  EXPECT_FALSE(b.IsNull(0, 0));
  EXPECT_EQ(b.Value(0, 1), "");
}

TEST(PgText, Conversions) {
  EXPECT_EQ(PgTimestampTz("2024-01-02 03:04:05+00"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(PgTimestampTz("infinity"), "infinity");
  EXPECT_EQ(PgTimestamp("1999-12-31 23:59:59.999999"), "1999-12-31T23:59:59.999999");
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(PgByteaToBase64("\\x0").ok());
  EXPECT_EQ(*PgByteaToBase64("\\x"), "");
}

TEST(PgTypes, MapsKnownTypesAndRefusesOthersByColumnName) {
  EXPECT_EQ(MapPgType("c", {1700, "numeric", 'b', 'N'})->kind, ValueKind::kNumeric);
  EXPECT_EQ(MapPgType("c", {1184, "timestamptz", 'b', 'D'})->conversion,
            PgConversion::kTimestampTz);
  EXPECT_EQ(MapPgType("c", {3802, "jsonb", 'b', 'U'})->kind, ValueKind::kJson);
  EXPECT_EQ(MapPgType("c", {1007, "integer[]", 'b', 'A'})->kind, ValueKind::kString);
  EXPECT_EQ(MapPgType("c", {99999, "mood", 'e', 'E'})->kind, ValueKind::kString);
  auto bad = MapPgType("location", {600, "point", 'b', 'G'});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("\"location\""), std::string::npos);
  EXPECT_NE(bad.error().message().find("point"), std::string::npos);
  EXPECT_NE(bad.error().message().find("::text"), std::string::npos);
}

}  // namespace
}  // namespace crossdock::sync
