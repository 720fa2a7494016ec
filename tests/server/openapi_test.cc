// The OpenAPI document matches the router: every route is documented with its method, every
// documented operation is routed, and documented paths answer (never "no route").
#include <set>

#include "crossdock/server/router.h"
#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ServerTest, EveryRouteIsDocumentedAndEveryOperationIsRouted) {
  auto r = Call("GET", "/openapi.json", "");
  ASSERT_EQ(r->status, 200);
  json doc = Json(r);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      documented.insert({path, method});
      EXPECT_TRUE(op.contains("operationId")) << path;
      EXPECT_TRUE(op.contains("responses")) << path;
    }
  }
  std::set<std::pair<std::string, std::string>> routed;
  for (const Route& route : server_->router().routes()) {
    routed.insert({route.path, Lower(route.method)});
    const json& op = doc["paths"][route.path][Lower(route.method)];
    ASSERT_TRUE(op.is_object()) << route.method << " " << route.path;
    EXPECT_TRUE(op["responses"].contains(std::to_string(route.success_status))) << route.path;
    if (route.access == Access::kToken) {
      EXPECT_TRUE(op["responses"].contains("401")) << route.path;
      EXPECT_EQ(op["security"][0].begin().key(), "bearerAuth") << route.path;
    }
    if (route.path.find('{') != std::string::npos) {
      EXPECT_EQ(op["parameters"][0]["in"], "path") << route.path;
    }
  }
  EXPECT_EQ(documented, routed);
  for (const auto& v :
       {"/v1/identity", "/v1/connections", "/v1/connections/{id}", "/v1/connections/{id}/policies",
        "/v1/policies/check", "/v1/policies/simulate", "/v1/policies/diff", "/v1/policies/generate",
        "/v1/organization/external-id/rotate", "/v1/syncs", "/v1/syncs/{id}", "/v1/syncs/{id}/runs",
        "/v1/syncs/{id}/runs/{run}", "/v1/syncs/{id}/runs/{run}/cancel", "/healthz", "/readyz",
        "/metrics", "/openapi.json", "/"}) {
    EXPECT_TRUE(doc["paths"].contains(v)) << v;
  }
  // The sync routes with their methods and documented statuses.
  const json& syncs = doc["paths"];
  EXPECT_TRUE(syncs["/v1/syncs"]["post"]["responses"].contains("201"));
  EXPECT_TRUE(syncs["/v1/syncs"]["post"]["responses"].contains("422"));
  EXPECT_TRUE(syncs["/v1/syncs"]["get"].is_object());
  EXPECT_TRUE(syncs["/v1/syncs/{id}"]["get"]["responses"].contains("404"));
  EXPECT_TRUE(syncs["/v1/syncs/{id}"]["delete"]["responses"].contains("409"));
  EXPECT_TRUE(syncs["/v1/syncs/{id}/runs"]["post"]["responses"].contains("202"));
  EXPECT_TRUE(syncs["/v1/syncs/{id}/runs"]["post"]["responses"].contains("409"));
  EXPECT_EQ(syncs["/v1/syncs/{id}/runs"]["get"]["parameters"][1]["name"], "limit");
  EXPECT_EQ(syncs["/v1/syncs/{id}/runs/{run}"]["get"]["parameters"][1]["name"], "run");
  EXPECT_TRUE(syncs["/v1/syncs/{id}/runs/{run}/cancel"]["post"]["responses"].contains("409"));
}

TEST_F(ServerTest, DocumentedOperationsAnswer) {
  json doc = Json(Call("GET", "/openapi.json", ""));
  for (const auto& [path, ops] : doc["paths"].items()) {
    std::string concrete = path;
    for (auto pos = concrete.find('{'); pos != std::string::npos; pos = concrete.find('{')) {
      concrete.replace(pos, concrete.find('}') - pos + 1, "index.html");
    }
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto res = Call(m, concrete, token_a_, "{}");
      ASSERT_TRUE(res) << m << " " << concrete;
      EXPECT_NE(res->status, 405) << m << " " << concrete;
      if (res->status == 404) {
        EXPECT_EQ(Json(res)["error"]["message"].get<std::string>().find("no route"),
                  std::string::npos)
            << m << " " << concrete;
      }
      std::string code = std::to_string(res->status);
      EXPECT_TRUE(op["responses"].contains(code)) << m << " " << concrete << " answered " << code
                                                  << " which is not documented: " << res->body;
    }
  }
}

TEST(RouterTest, TemplatesMatchOneSegmentPerParameter) {
  std::map<std::string, std::string> params;
  EXPECT_TRUE(Router::MatchTemplate("/v1/connections/{id}", "/v1/connections/conn_1", &params));
  EXPECT_EQ(params["id"], "conn_1");
  EXPECT_FALSE(Router::MatchTemplate("/v1/connections/{id}", "/v1/connections/", nullptr));
  EXPECT_FALSE(Router::MatchTemplate("/v1/connections/{id}", "/v1/connections/a/b", nullptr));
  EXPECT_FALSE(Router::MatchTemplate("/v1/connections", "/v1/connections/", nullptr));
  EXPECT_TRUE(Router::MatchTemplate("/", "/", nullptr));
}

}  // namespace
}  // namespace crossdock::server::testing
