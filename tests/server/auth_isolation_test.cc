// Authentication by bearer token, and tenant isolation: every token route walked with another
// organization's token must neither reveal nor change anything of the first organization.
#include <set>

#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

TEST_F(ServerTest, TokenRoutesNeedAValidBearerToken) {
  for (const Route& r : server_->router().routes()) {
    if (r.access != Access::kToken) continue;
    std::string path = r.path;
    for (auto pos = path.find('{'); pos != std::string::npos; pos = path.find('{')) {
      path.replace(pos, path.find('}') - pos + 1, "x");
    }
    ExpectError(Call(r.method, path, "", "{}"), 401, "Authorization");
    ExpectError(Call(r.method, path, "cdx_not-a-token", "{}"), 401, "Authorization");
    auto basic = client_->Get(path.c_str(), {{"Authorization", "Basic dXNlcjpwYXNz"}});
    if (r.method == "GET") {
      ExpectError(basic, 401);
    }
  }
  auto ok = Call("GET", "/v1/identity", token_a_);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("WWW-Authenticate"), "");
  auto denied = Call("GET", "/v1/identity", "");
  EXPECT_EQ(denied->get_header_value("WWW-Authenticate"), "Bearer realm=\"crossdock\"");
}

TEST_F(ServerTest, IssuedTokensWorkUntilRevoked) {
  auto issued = Call("POST", "/v1/tokens", token_a_, R"({"name": "ci"})");
  ASSERT_EQ(issued->status, 201) << issued->body;
  std::string token = Json(issued)["token"];
  std::string id = Json(issued)["id"];
  EXPECT_EQ(Call("GET", "/v1/connections", token)->status, 200);
  auto list = Call("GET", "/v1/tokens", token_a_);
  EXPECT_EQ(list->body.find(token), std::string::npos);  // hints only
  EXPECT_EQ(Call("DELETE", "/v1/tokens/" + id, token_a_)->status, 204);
  ExpectError(Call("GET", "/v1/connections", token), 401);
  EXPECT_EQ(Log().find(token), std::string::npos);
}

// Everything organization A has, as A sees it.
json Snapshot(ServerTest* t, const std::string& token) {
  json s;
  s["connections"] = ServerTest::Json(t->Call("GET", "/v1/connections", token));
  s["identity"] = ServerTest::Json(t->Call("GET", "/v1/identity", token));
  s["tokens"] = ServerTest::Json(t->Call("GET", "/v1/tokens", token));
  s["syncs"] = ServerTest::Json(t->Call("GET", "/v1/syncs", token));
  for (const auto& sync : s["syncs"]["syncs"]) {
    std::string id = sync["id"];
    s["runs"][id] = ServerTest::Json(t->Call("GET", "/v1/syncs/" + id + "/runs", token));
  }
  return s;
}

TEST_F(ServerTest, ForeignTokenCanNeitherSeeNorChangeAnything) {
  json conn = CreateS3(token_a_, "a-private");
  std::string conn_id = conn["id"];
  auto a_token = Json(Call("POST", "/v1/tokens", token_a_, R"({"name": "second"})"));
  std::string a_token_id = a_token["id"];
  json sync_body = {{"name", "a-sync"},
                    {"source",
                     {{"type", "postgres"},
                      {"url", "postgresql://app@a-db.example/shop"},
                      {"table", "public.orders"}}},
                    {"destination", {{"type", "s3"}, {"connection", "a-private"}, {"path", "o"}}}};
  auto a_sync = Call("POST", "/v1/syncs", token_a_, sync_body.dump());
  ASSERT_EQ(a_sync->status, 201) << a_sync->body;
  std::string sync_id = Json(a_sync)["id"];
  auto a_run = Call("POST", "/v1/syncs/" + sync_id + "/runs", token_a_);
  ASSERT_EQ(a_run->status, 202) << a_run->body;
  std::string run_id = Json(a_run)["id"];
  json before = Snapshot(this, token_a_);
  std::set<std::string> secrets_of_a = {
      conn_id,  "a-private", a_token_id,     sync_id,
      "a-sync", run_id,      "a-db.example", before["identity"]["external_id"]};

  int walked = 0;
  for (const Route& r : server_->router().routes()) {
    if (r.access != Access::kToken) continue;
    std::string path = r.path;
    bool has_id = path.find("{id}") != std::string::npos;
    if (has_id) {
      std::string id = path.starts_with("/v1/tokens")  ? a_token_id
                       : path.starts_with("/v1/syncs") ? sync_id
                                                       : conn_id;
      path.replace(path.find("{id}"), 4, id);
    }
    if (path.find("{run}") != std::string::npos) path.replace(path.find("{run}"), 5, run_id);
    std::string body = "{}";
    if (r.method == "PATCH") body = R"({"name": "hijacked", "region": "eu-west-1"})";
    if (path == "/v1/policies/check")
      body = json{{"policy", "{}"}, {"connection_id", conn_id}}.dump();
    if (path == "/v1/policies/diff")
      body = json{{"actual", "{}"}, {"connection_id", conn_id}}.dump();
    if (path == "/v1/syncs") {  // a valid definition naming A's connection
      body = sync_body.dump();
    }
    auto res = Call(r.method, path, token_b_, body);
    ASSERT_TRUE(res) << r.method << " " << path;
    ++walked;
    if (path == "/v1/syncs" && r.method == "POST") {  // A's connection is unknown to B
      EXPECT_EQ(res->status, 422) << res->body;
    }
    if (has_id || path == "/v1/policies/check" || path == "/v1/policies/diff") {
      EXPECT_TRUE(res->status == 404 || res->status == 403)
          << r.method << " " << path << " -> " << res->status << " " << res->body;
    }
    for (const std::string& s : secrets_of_a) {
      // An id the caller sent may be echoed back ("no connection with id X"); nothing else.
      if (path.find(s) != std::string::npos || body.find(s) != std::string::npos) continue;
      EXPECT_EQ(res->body.find(s), std::string::npos)
          << r.method << " " << path << " revealed " << s << ": " << res->body;
    }
  }
  EXPECT_GE(walked, 23);
  json after = Snapshot(this, token_a_);
  EXPECT_EQ(before, after);
  EXPECT_EQ(Call("GET", "/v1/connections/" + conn_id, token_a_)->status, 200);
  auto run = Call("GET", "/v1/syncs/" + sync_id + "/runs/" + run_id, token_a_);
  ASSERT_EQ(run->status, 200) << run->body;
  EXPECT_EQ(Json(run)["status"], "queued");
  EXPECT_EQ(Json(Call("GET", "/v1/syncs", token_b_))["syncs"].size(), 0u);
}

}  // namespace
}  // namespace crossdock::server::testing
