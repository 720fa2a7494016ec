#include "crossdock/connect/rendered_connections.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crossdock/connect/connection_json.h"

namespace crossdock::connect {
namespace {

store::ConnectionRecord Row(const std::string& id, const std::string& bucket) {
  store::ConnectionRecord r;
  r.id = id;
  r.org_id = "org_1";
  r.type = "s3";
  r.name = "name-" + id;
  r.config = nlohmann::json{{"bucket", bucket}, {"region", "eu-west-1"}}.dump();
  r.created_at = TimePoint(std::chrono::seconds(1767225600));
  r.updated_at = r.created_at;
  return r;
}

class RenderedConnectionsTest : public ::testing::Test {
 protected:
  // Parses as the service does (the config document onto a typed Connection), counting calls.
  RenderedConnections::Parse Counting() {
    return [this](const store::ConnectionRecord& r) -> Result<Connection> {
      ++parses_;
      Connection c;
      c.id = r.id;
      c.name = r.name;
      RETURN_IF_ERROR(ParseConnectionConfigJson(r.config, &c));
      c.created_at = r.created_at;
      c.updated_at = r.updated_at;
      return c;
    };
  }

  int parses_ = 0;
};

TEST_F(RenderedConnectionsTest, RendersWhatConnectionToJsonShowsAndReusesItForTheSameRow) {
  RenderedConnections cache;
  auto row = Row("conn_a", "bucket-a");
  auto first = cache.Render(row, Counting());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto expected = Counting()(row);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(nlohmann::json::parse(*first), ConnectionToJson(*expected));
  parses_ = 0;
  auto again = cache.Render(row, Counting());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(parses_, 0);
}

TEST_F(RenderedConnectionsTest, AnyChangeToTheRowRendersAgainEvenWithinOneMillisecond) {
  RenderedConnections cache;
  auto row = Row("conn_a", "bucket-a");
  ASSERT_TRUE(cache.Render(row, Counting()).ok());
  // Same id and times, another config (two updates in one millisecond).
  auto changed = Row("conn_a", "bucket-b");
  auto rendered = cache.Render(changed, Counting());
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(nlohmann::json::parse(*rendered)["bucket"], "bucket-b");
  auto renamed = changed;
  renamed.name = "renamed";
  rendered = cache.Render(renamed, Counting());
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(nlohmann::json::parse(*rendered)["name"], "renamed");
  auto touched = renamed;
  touched.updated_at += std::chrono::seconds(1);
  rendered = cache.Render(touched, Counting());
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(nlohmann::json::parse(*rendered)["updated_at"], "2026-01-01T00:00:01Z");
  EXPECT_EQ(parses_, 4);
}

TEST_F(RenderedConnectionsTest, RowsReadWithSecretsAreRenderedWithoutThemAndNeverKept) {
  RenderedConnections cache;
  auto row = Row("conn_a", "bucket-a");
  row.secrets["secret_access_key"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  auto rendered = cache.Render(row, Counting());
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(rendered->find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(RenderedConnectionsTest, AParseErrorIsReturnedAndNothingIsKept) {
  RenderedConnections cache;
  auto row = Row("conn_a", "bucket-a");
  row.config = "{not json";
  EXPECT_FALSE(cache.Render(row, Counting()).ok());
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(RenderedConnectionsTest, HoldsAtMostItsCapacity) {
  RenderedConnections cache(3);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(cache.Render(Row("conn_" + std::to_string(i), "b"), Counting()).ok());
    EXPECT_LE(cache.size(), 3u);
  }
}

}  // namespace
}  // namespace crossdock::connect
