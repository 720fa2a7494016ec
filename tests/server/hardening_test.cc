// Attacks a hostile tenant (or an anonymous client) tried against the API, each answered
// as it should be now: deep and huge documents, quadratic patterns, made-up methods, sloppy
// sync specs, internal addresses as targets, cacheable secrets, chatty readiness, and JSON
// sent with a form content type.
#include <chrono>
#include <string>

#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

class HardeningTest : public ServerTest {};

bool Mentions(const json& error, const std::string& field) {
  if (error.is_null()) return false;
  if (error["field"] == field) return true;
  for (const auto& d : error.value("details", json::array())) {
    if (d["field"] == field) return true;
  }
  return false;
}

TEST_F(HardeningTest, ADeeplyNestedPolicyIsRefusedNotACrash) {
  const int depth = 30000;  // within this fixture's 64 KiB body limit
  std::string body = "{\"type\": \"identity\", \"policy\": " + std::string(depth, '[') +
                     std::string(depth, ']') + "}";
  auto e = ExpectError(Call("POST", "/v1/policies/check", token_a_, body), 400, "body");
  ASSERT_FALSE(e.is_null());
  EXPECT_NE(e["message"].get<std::string>().find("64"), std::string::npos);
  // Objects too, and as a string document the IAM reader stops at 64 as well.
  std::string objects = "{\"policy\": ";
  for (int i = 0; i < 5000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(5000, '}') + "}";
  ExpectError(Call("POST", "/v1/policies/check", token_a_, objects), 400, "body");
  auto healthy = Call("GET", "/healthz", "");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
}

TEST_F(HardeningTest, PolicyDocumentsAreCappedAtIamSizes) {
  json statement = {{"Effect", "Allow"},
                    {"Action", "s3:GetObject"},
                    {"Resource", "arn:aws:s3:::" + std::string(11000, 'b') + "/*"}};
  json body = {{"type", "identity"},
               {"policy", {{"Version", "2012-10-17"}, {"Statement", {statement}}}}};
  auto e = ExpectError(Call("POST", "/v1/policies/check", token_a_, body.dump()), 400, "policy");
  EXPECT_NE(e["message"].get<std::string>().find("10240"), std::string::npos) << e;
}

TEST_F(HardeningTest, LongPatternsCostLittleAndLongArnsAreRefused) {
  std::string pattern;
  for (int i = 0; i < 4000; ++i) pattern += "*a";
  json policy = {{"Version", "2012-10-17"},
                 {"Statement",
                  {{{"Effect", "Allow"},
                    {"Action", "s3:GetObject"},
                    {"Resource", "arn:aws:s3:::bucket/" + pattern + "*b"}}}}};
  json body = {{"policy", policy},
               {"principal", "arn:aws:iam::123456789012:role/reader"},
               {"action", "s3:GetObject"},
               {"resource", "arn:aws:s3:::bucket/" + std::string(2000, 'a')}};
  auto start = std::chrono::steady_clock::now();
  auto r = Call("POST", "/v1/policies/simulate", token_a_, body.dump());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_LT(seconds, 2.0);
  body["resource"] = "arn:aws:s3:::bucket/" + std::string(3000, 'a');
  ExpectError(Call("POST", "/v1/policies/simulate", token_a_, body.dump()), 400, "resource");
}

TEST_F(HardeningTest, MadeUpMethodsAddNoMetricSeries) {
  for (int i = 0; i < 20; ++i) {
    httplib::Request req;
    req.method = "XMETHOD" + std::to_string(i);
    req.path = "/v1/connections";
    auto r = client_->send(req);
    ASSERT_TRUE(r);
    EXPECT_GE(r->status, 400);
  }
  auto metrics = Call("GET", "/metrics", "");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("XMETHOD"), std::string::npos);
  EXPECT_NE(metrics->body.find("method=\"OTHER\""), std::string::npos);
  auto r = Call("GET", "/no/such/path/" + std::string(50, 'x'), "");
  ASSERT_TRUE(r);
  metrics = Call("GET", "/metrics", "");
  EXPECT_EQ(metrics->body.find("/no/such/path"), std::string::npos);
}

TEST_F(HardeningTest, ApiAnswersAreNotCacheable) {
  auto created = Call("POST", "/v1/tokens", token_a_, R"({"name": "ci"})");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->get_header_value("Cache-Control"), "no-store");
  for (const char* path : {"/v1/connections", "/v1/no-such"}) {
    auto r = Call("GET", path, token_a_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store") << path;
  }
  auto anonymous = Call("GET", "/v1/connections", "");
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("Cache-Control"), "no-store");
}

TEST_F(HardeningTest, ReadinessSaysReadyAndNothingMore) {
  auto r = Call("GET", "/readyz", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(r), json({{"status", "ready"}}));
  EXPECT_EQ(r->body.find(dir_.string()), std::string::npos);
}

TEST_F(HardeningTest, JsonIsReadWhateverTheContentType) {
  json policy = {{"Version", "2012-10-17"},
                 {"Statement",
                  {{{"Effect", "Allow"},
                    {"Action", "s3:GetObject"},
                    {"Resource", "arn:aws:s3:::bucket/*"},
                    {"Sid", std::string(1000, 'S')}}}}};
  std::string body = json({{"type", "identity"}, {"policy", policy}}).dump(8);
  body += std::string(9 * 1024 - std::min<size_t>(body.size(), 9 * 1024), ' ');
  ASSERT_GT(body.size(), 9000u);
  auto r = client_->Post("/v1/policies/check", Auth(token_a_), body,
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto plain = client_->Post("/v1/policies/check", Auth(token_a_), body, "text/plain");
  EXPECT_EQ(plain->status, 200) << plain->body;
  // Past the configured limit (64 KiB here) the message tells the truth.
  std::string huge(100 * 1024, ' ');
  auto big = client_->Post("/v1/policies/check", Auth(token_a_), huge,
                           "application/x-www-form-urlencoded");
  auto e = ExpectError(big, 413, "body");
  EXPECT_NE(e["message"].get<std::string>().find("65536"), std::string::npos) << e;
}

class SyncHardeningTest : public ServerTest {
 public:
  void SetUp() override {
    ServerTest::SetUp();
    CreateS3(token_a_, "exports");
  }
  static json Spec() {
    return {{"name", "orders"},
            {"source", {{"type", "s3"}, {"connection", "exports"}, {"prefix", "incoming/"}}},
            {"destination", {{"type", "s3"}, {"connection", "exports"}, {"path", "out"}}}};
  }
  httplib::Result Create(const json& j) { return Call("POST", "/v1/syncs", token_a_, j.dump()); }
};

TEST_F(SyncHardeningTest, SpecsAreStrictAtCreation) {
  json j = Spec();
  j["source"]["prefx"] = "incoming/2024/";
  ExpectError(Create(j), 422, "source.prefx");
  j = Spec();
  j["compression_level"] = 4294967299ULL;
  ExpectError(Create(j), 422, "compression_level");
  j = Spec();
  j["destination"]["path"] = "../escape";
  ExpectError(Create(j), 422, "destination.path");
  j = Spec();
  j["name"] = "orders\x1b[2J\r";
  ExpectError(Create(j), 422, "name");
  j = Spec();
  j["origin"] = "cli";
  ExpectError(Create(j), 422, "origin");
  auto ok = Create(Spec());
  ASSERT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(Json(ok)["spec"]["origin"], "api");
}

TEST_F(SyncHardeningTest, PostgresHostsAreCheckedOnLibpqsOwnParse) {
  json j = Spec();
  for (const char* url : {
           "postgresql://app@db.example/shop?host=127.0.0.1&port=5432",
           "postgresql://app@db.example/shop?hostaddr=127.0.0.1",
           "postgresql://app@db.example,127.0.0.1/shop",
           "host=db.example hostaddr=127.0.0.1 dbname=shop user=app",
           "postgresql://app@db.example/shop?service=internal",
           "postgresql://app@db.example/shop?passfile=/root/.pgpass",
       }) {
    SCOPED_TRACE(url);
    j["source"] = {{"type", "postgres"}, {"url", url}, {"table", "public.orders"}};
    ExpectError(Create(j), 422, "source.url");
  }
  j["source"] = {{"type", "postgres"},
                 {"url", "postgresql://app@db.example/shop"},
                 {"table", "public.orders"}};
  auto ok = Create(j);
  EXPECT_EQ(ok->status, 201) << ok->body;
}

TEST_F(HardeningTest, InternalAddressesAreRefusedAsWarehouseTargets) {
  json dbx = {{"type", "databricks"},
              {"name", "dbx"},
              {"databricks",
               {{"workspace_url", "https://169.254.169.254"},
                {"warehouse_id", "1234567890abcdef"},
                {"token", "dapi0123456789abcdef0123456789abcdef"}}}};
  auto r = Call("POST", "/v1/connections", token_a_, dbx.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_TRUE(Mentions(Json(r)["error"], "databricks.workspace_url")) << r->body;
  dbx["databricks"]["workspace_url"] = "https://localhost";
  r = Call("POST", "/v1/connections", token_a_, dbx.dump());
  EXPECT_EQ(r->status, 422) << r->body;

  json rs = {{"type", "redshift-serverless"},
             {"name", "rs"},
             {"auth_method", "iam-role"},
             {"role_arn", "arn:aws:iam::111122223333:role/crossdock"},
             {"region", "us-west-1"},
             {"redshift",
              {{"workgroup", "analytics"},
               {"database", "dev"},
               {"access", "vpc-endpoint"},
               {"vpc_endpoint", {{"host", "127.0.0.1"}, {"port", 5439}}}}}};
  r = Call("POST", "/v1/connections", token_a_, rs.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_TRUE(Mentions(Json(r)["error"], "redshift.vpc_endpoint.host")) << r->body;
}

}  // namespace
}  // namespace crossdock::server::testing
