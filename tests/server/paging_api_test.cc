// Paged lists over HTTP: GET /v1/connections and /v1/tokens a page at a time (`limit`,
// `cursor`, `next_cursor` null on the last page) with no item skipped or repeated while
// connections are created between pages, filters by type and name prefix (connections) and
// name prefix (syncs), and 422 naming
// `limit` or `cursor` when either is not one the API accepts.
#include <set>

#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

// Every page of `path` (which has no query yet) with `limit` per page; `between` runs after
// each page but the last. Returns the items in order.
std::vector<json> AllPages(ServerTest& t, const std::string& path, const std::string& key,
                           const std::string& token, int limit,
                           const std::function<void()>& between = {}) {
  std::vector<json> items;
  std::string cursor;
  for (int i = 0; i < 100; ++i) {
    std::string sep = path.find('?') == std::string::npos ? "?" : "&";
    std::string url = path + sep + "limit=" + std::to_string(limit);
    if (!cursor.empty()) url += "&cursor=" + cursor;
    auto r = t.Call("GET", url, token);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    if (!r || r->status != 200) break;
    json body = json::parse(r->body);
    EXPECT_TRUE(body.contains("next_cursor")) << r->body;
    EXPECT_LE(body[key].size(), static_cast<std::size_t>(limit));
    for (const auto& item : body[key]) items.push_back(item);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
    if (between) between();
  }
  return items;
}

TEST_F(ServerTest, ConnectionsPageByPageWhileConnectionsAreCreated) {
  std::set<std::string> original;
  for (int i = 0; i < 10; ++i)
    original.insert(CreateS3(token_a_, "conn-" + std::to_string(10 + i))["id"]);
  CreateS3(token_b_, "conn-15");  // another organization's: never listed
  auto first = Json(Call("GET", "/v1/connections", token_a_));
  EXPECT_EQ(first["connections"].size(), 10u);
  EXPECT_TRUE(first["next_cursor"].is_null()) << "one page under the default limit of 100";

  int added = 0;
  auto items = AllPages(*this, "/v1/connections", "connections", token_a_, 3, [&] {
    CreateS3(token_a_, "conn-0" + std::to_string(added));  // sorts before every page
    CreateS3(token_a_, "conn-9" + std::to_string(added));  // sorts after every page
    ++added;
  });
  std::set<std::string> seen;
  for (const auto& c : items) EXPECT_TRUE(seen.insert(c["id"]).second) << "repeated " << c;
  for (const auto& id : original) EXPECT_EQ(seen.count(id), 1u) << "skipped " << id;
  EXPECT_GE(added, 3);
}

TEST_F(ServerTest, ConnectionListsFilterByTypeAndNamePrefix) {
  for (const char* name : {"prod-a", "prod-b", "prod-c", "dev-a"}) CreateS3(token_a_, name);
  auto prod = AllPages(*this, "/v1/connections?name_prefix=prod-", "connections", token_a_, 2);
  ASSERT_EQ(prod.size(), 3u);
  EXPECT_EQ(prod[0]["name"], "prod-a");
  EXPECT_EQ(prod[2]["name"], "prod-c");
  EXPECT_EQ(AllPages(*this, "/v1/connections?type=s3", "connections", token_a_, 10).size(), 4u);
  EXPECT_TRUE(
      AllPages(*this, "/v1/connections?type=databricks", "connections", token_a_, 10).empty());
}

TEST_F(ServerTest, SyncListsFilterByNamePrefixAcrossPages) {
  CreateS3(token_a_, "exports");
  for (const char* name : {"orders-eu", "orders-us", "orders-ap", "ordersx", "refunds"}) {
    json body = {{"name", name},
                 {"source",
                  {{"type", "postgres"},
                   {"url", "postgresql://app@db.example:5432/shop"},
                   {"table", "public.orders"}}},
                 {"destination", {{"type", "s3"}, {"connection", "exports"}, {"path", "o"}}}};
    auto r = Call("POST", "/v1/syncs", token_a_, body.dump());
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
  }
  auto orders = AllPages(*this, "/v1/syncs?name_prefix=orders-", "syncs", token_a_, 2);
  std::vector<std::string> names;
  for (const auto& s : orders) names.push_back(s["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"orders-ap", "orders-eu", "orders-us"}));
  EXPECT_EQ(AllPages(*this, "/v1/syncs?name_prefix=orders", "syncs", token_a_, 2).size(), 4u);
  EXPECT_TRUE(AllPages(*this, "/v1/syncs?name_prefix=Orders", "syncs", token_a_, 2).empty())
      << "case-sensitive, as for connections";
  EXPECT_TRUE(AllPages(*this, "/v1/syncs?name_prefix=orders", "syncs", token_b_, 2).empty());
}

TEST_F(ServerTest, PageLimitsAndCursorsAreCheckedNamingTheParameter) {
  for (const char* limit : {"0", "1001", "-5", "ten", "1e3"}) {
    ExpectError(Call("GET", std::string("/v1/connections?limit=") + limit, token_a_), 422, "limit");
    ExpectError(Call("GET", std::string("/v1/tokens?limit=") + limit, token_a_), 422, "limit");
  }
  EXPECT_EQ(Call("GET", "/v1/connections?limit=1000", token_a_)->status, 200);
  EXPECT_EQ(Call("GET", "/v1/connections?limit=1", token_a_)->status, 200);
  for (const char* cursor : {"garbage!", "WyJ0b2tlbnMiLCJhIiwiYiJd", "e30"}) {
    ExpectError(Call("GET", std::string("/v1/connections?cursor=") + cursor, token_a_), 422,
                "cursor");
  }
}

TEST_F(ServerTest, TokensPageByPage) {
  for (int i = 0; i < 4; ++i) {
    auto r = Call("POST", "/v1/tokens", token_a_, json{{"name", "t" + std::to_string(i)}}.dump());
    ASSERT_EQ(r->status, 201) << r->body;
  }
  auto all = Json(Call("GET", "/v1/tokens", token_a_))["tokens"];
  auto paged = AllPages(*this, "/v1/tokens", "tokens", token_a_, 2);
  ASSERT_EQ(paged.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i]["id"], all[i]["id"]);
  EXPECT_GE(all.size(), 5u);
}

}  // namespace
}  // namespace crossdock::server::testing
