// Sync specs are judged whole at creation: unknown members, out-of-range numbers and unsafe
// paths are refused with the field named, never dropped or wrapped.
#include <gtest/gtest.h>

#include "crossdock/sync/spec.h"

namespace crossdock::sync {
namespace {

nlohmann::json Base() {
  return nlohmann::json::parse(R"({
    "source": {"type": "s3", "connection": "in", "prefix": "incoming/"},
    "destination": {"type": "s3", "connection": "out", "path": "exports/orders"}})");
}

std::string FieldOf(const nlohmann::json& j) {
  auto spec = SyncSpecFromJson(j);
  EXPECT_FALSE(spec.ok()) << j.dump();
  return spec.ok() ? "<accepted>" : spec.error().field();
}

TEST(SpecStrictTest, TheBaseIsAccepted) { EXPECT_TRUE(SyncSpecFromJson(Base()).ok()); }

TEST(SpecStrictTest, UnknownMembersAreRefusedEverywhereWithTheirPath) {
  auto j = Base();
  j["source"]["prefx"] = "incoming/2024/";
  EXPECT_EQ(FieldOf(j), "source.prefx");
  j = Base();
  j["destination"]["pth"] = "x";
  EXPECT_EQ(FieldOf(j), "destination.pth");
  j = Base();
  j["source"] = {{"type", "postgres"}, {"url", "postgresql://u@h/db"}, {"table", "t"}};
  j["incremental"] = {{"cursor_column", "id"}, {"cursor_colum", "x"}};
  EXPECT_EQ(FieldOf(j), "incremental.cursor_colum");
  j = Base();
  j["formatt"] = "csv";
  EXPECT_EQ(FieldOf(j), "formatt");
}

TEST(SpecStrictTest, NumbersOutOfRangeAreRefusedNotWrapped) {
  for (const nlohmann::json& level :
       {nlohmann::json(4294967299ULL), nlohmann::json(-1), nlohmann::json(20),
        nlohmann::json(18446744073709551615ULL)}) {
    auto j = Base();
    j["compression_level"] = level;
    EXPECT_EQ(FieldOf(j), "compression_level") << level;
  }
  auto j = Base();
  j["compression_level"] = 19;
  EXPECT_TRUE(SyncSpecFromJson(j).ok());
  j = Base();
  j["file_size"] = 18446744073709551615ULL;
  EXPECT_NE(FieldOf(j), "<accepted>");
  j = Base();
  j["file_size"] = -5;
  EXPECT_EQ(FieldOf(j), "file_size");
}

TEST(SpecStrictTest, PathsAreRelativeWithoutDotSegmentsOrControlCharacters) {
  for (const char* bad :
       {"../escape", "a/../../b", "/abs", "a//b", "./a", "a/.", "a\nb", "a\x1b[2J", "a\\b"}) {
    auto j = Base();
    j["destination"]["path"] = bad;
    EXPECT_EQ(FieldOf(j), "destination.path") << bad;
    j = Base();
    j["source"]["prefix"] = bad;
    EXPECT_EQ(FieldOf(j), "source.prefix") << bad;
  }
  for (const char* good : {"", "exports", "exports/orders/", "a.b/c..d/e"}) {
    auto j = Base();
    j["destination"]["path"] = good;
    EXPECT_TRUE(SyncSpecFromJson(j).ok()) << good;
  }
}

TEST(SpecStrictTest, OriginApiMarksATenantsSyncAndRoundTrips) {
  auto j = Base();
  j["origin"] = "api";
  auto spec = SyncSpecFromJson(j);
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  EXPECT_TRUE(spec->tenant);
  auto again = SyncSpecFromJson(SyncSpecToJson(*spec));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->tenant);
  j["origin"] = "cli";
  EXPECT_EQ(FieldOf(j), "origin");
  EXPECT_FALSE(SyncSpecFromJson(Base())->tenant);
}

}  // namespace
}  // namespace crossdock::sync
