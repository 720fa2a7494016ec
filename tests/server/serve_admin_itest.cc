// The instance-admin token against a real `crossdock serve` process: printed once at first
// start beside the first organization's token, it creates organizations and their first
// token (answered once, not cacheable); organization tokens cannot call the admin route, the
// admin token reads no organization's data, and `crossdock org rotate-admin-token` replaces
// it at once.
#include <cstdio>

#include "serve_binary.h"
#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

std::string Header(const httplib::Headers& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string RunShell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(ServeAdminTest, InstanceAdminCreatesOrganizationsAndNothingElse) {
  ServeBinary serve;
  ASSERT_GT(serve.port(), 0) << serve.log();
  const std::string admin = serve.admin_token();
  ASSERT_FALSE(admin.empty()) << serve.stdout_text();
  ASSERT_FALSE(serve.token().empty());
  EXPECT_NE(admin, serve.token());
  // The store keeps a hash only.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(serve.db())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(ReadFileText(entry.path()).find(admin), std::string::npos) << entry.path();
  }

  auto created = serve.Request("POST", "/v1/admin/organizations", json{{"name", "acme"}}, admin);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(Header(created.headers, "Cache-Control"), "no-store");
  EXPECT_EQ(created.body["organization"]["name"], "acme");
  std::string acme_token = created.body["token"].value("token", "");
  ASSERT_EQ(acme_token.rfind("cdx_", 0), 0u) << created.body.dump();
  // The new organization's token works on its own data, and only there.
  auto acme_conns = serve.Request("GET", "/v1/connections", nullptr, acme_token);
  EXPECT_EQ(acme_conns.status, 200) << acme_conns.body.dump();
  auto identity = serve.Request("GET", "/v1/identity", nullptr, acme_token);
  EXPECT_EQ(identity.status, 200) << identity.body.dump();
  EXPECT_NE(identity.body.dump().find("\"acme\""), std::string::npos) << identity.body.dump();
  // Once: the same name again is a conflict, and no token is issued.
  auto again = serve.Request("POST", "/v1/admin/organizations", json{{"name", "acme"}}, admin);
  EXPECT_EQ(again.status, 409) << again.body.dump();
  EXPECT_FALSE(again.body.contains("token"));
  auto bad = serve.Request("POST", "/v1/admin/organizations", json{{"name", "bad name!"}}, admin);
  EXPECT_EQ(bad.status, 422) << bad.body.dump();
  auto unknown =
      serve.Request("POST", "/v1/admin/organizations", json{{"name", "x"}, {"owner", "y"}}, admin);
  EXPECT_EQ(unknown.status, 400) << unknown.body.dump();

  // Organization tokens (the first one, a new one) cannot call it; no token, a made-up one
  // are 401.
  for (const std::string& t : {serve.token(), acme_token}) {
    auto refused = serve.Request("POST", "/v1/admin/organizations", json{{"name", "evil"}}, t);
    EXPECT_EQ(refused.status, 403) << refused.body.dump();
  }
  auto made_up = serve.Request("POST", "/v1/admin/organizations", json{{"name", "evil"}},
                               "cdx_" + std::string(43, 'A'));
  EXPECT_EQ(made_up.status, 401);
  // The admin token reads no tenant's data.
  for (const char* path : {"/v1/connections", "/v1/syncs", "/v1/tokens", "/v1/identity"}) {
    auto r = serve.Request("GET", path, nullptr, admin);
    EXPECT_EQ(r.status, 401) << path << ": " << r.body.dump();
  }
  auto openapi = serve.Request("GET", "/openapi.json");
  EXPECT_TRUE(openapi.body["paths"].contains("/v1/admin/organizations"));

  // Rotation: the operator's command prints a new one; the old one stops working at once.
  std::string out = RunShell(std::string(CROSSDOCK_BINARY) + " org rotate-admin-token --db '" +
                             (serve.db() / "crossdock.db").string() + "' --format json 2>&1");
  auto rotated = json::parse(out, nullptr, false);
  ASSERT_TRUE(rotated.is_object()) << out;
  std::string fresh = rotated.value("instance_admin_token", "");
  ASSERT_EQ(fresh.rfind("cdx_", 0), 0u) << out;
  auto old = serve.Request("POST", "/v1/admin/organizations", json{{"name", "late"}}, admin);
  EXPECT_EQ(old.status, 401) << old.body.dump();
  auto now = serve.Request("POST", "/v1/admin/organizations", json{{"name", "late"}}, fresh);
  EXPECT_EQ(now.status, 201) << now.body.dump();
}

TEST(ServeAdminTest, TheOrganizationsTokenIsPrintedFirstThenTheAdminToken) {
  ServeBinary first;
  ASSERT_GT(first.port(), 0) << first.log();
  ASSERT_FALSE(first.admin_token().empty()) << first.stdout_text();
  std::string out = first.stdout_text();
  EXPECT_LT(out.find(first.token()), out.find(first.admin_token())) << out;
}

}  // namespace
}  // namespace crossdock::server::testing
