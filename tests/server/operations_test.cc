// Health, readiness, metrics, logs, request ids, 404/405/413 in the error shape, the UI.
#include "crossdock/core/metrics.h"
#include "server_fixture.h"

namespace crossdock::server::testing {
namespace {

using nlohmann::json;

TEST_F(ServerTest, HealthAndReadiness) {
  auto h = Call("GET", "/healthz", "");
  ASSERT_EQ(h->status, 200);
  EXPECT_EQ(Json(h)["status"], "ok");
  auto r = Call("GET", "/readyz", "");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["status"], "ready");
}

TEST_F(ServerTest, UnknownPathsWrongMethodsAndLargeBodies) {
  ExpectError(Call("GET", "/v1/nothing", token_a_), 404);
  auto wrong = Call("PUT", "/v1/connections", token_a_, "{}");
  ExpectError(wrong, 405);
  EXPECT_NE(wrong->get_header_value("Allow").find("POST"), std::string::npos);
  std::string big(100 * 1024, ' ');
  big = "{\"name\": \"" + std::string(100 * 1024, 'x') + "\"}";
  ExpectError(Call("POST", "/v1/connections", token_a_, big), 413, "body");
  EXPECT_EQ(Json(Call("GET", "/v1/connections", token_a_))["connections"].size(), 0u);
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  CreateS3(token_a_, "m");
  Call("GET", "/v1/connections", token_a_);
  Call("GET", "/v1/connections", "");
  metrics::Registry::Global().GetCounter(metrics::kStsCalls, {{"outcome", "ok"}}).Increment();
  auto r = Call("GET", "/metrics", "");
  ASSERT_EQ(r->status, 200);
  const std::string& m = r->body;
  EXPECT_NE(
      m.find(R"(crossdock_http_requests_total{method="GET",route="/v1/connections",status="200"})"),
      std::string::npos)
      << m;
  EXPECT_NE(
      m.find(R"(crossdock_http_requests_total{method="GET",route="/v1/connections",status="401"})"),
      std::string::npos);
  EXPECT_NE(
      m.find(
          R"(crossdock_http_requests_total{method="POST",route="/v1/connections",status="201"})"),
      std::string::npos);
  EXPECT_NE(m.find("# TYPE crossdock_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(
      m.find(
          R"(crossdock_http_request_duration_seconds_bucket{method="GET",route="/v1/connections",le="+Inf"})"),
      std::string::npos);
  EXPECT_NE(m.find("# HELP crossdock_connection_tests_total"), std::string::npos);
  EXPECT_NE(m.find("# HELP crossdock_credential_cache_hits_total"), std::string::npos);
  EXPECT_NE(m.find(R"(crossdock_sts_calls_total{outcome="ok"})"), std::string::npos);
}

TEST_F(ServerTest, JsonLogLinesWithRequestIdsAndNoSecrets) {
  auto r = client_->Get("/v1/identity",
                        {{"Authorization", "Bearer " + token_a_}, {"X-Request-Id", "trace-42"}});
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("X-Request-Id"), "trace-42");
  auto generated = Call("GET", "/healthz", "");
  EXPECT_EQ(generated->get_header_value("X-Request-Id").rfind("req_", 0), 0u);
  bool found = false;
  std::istringstream lines(Log());
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg")) << line;
    if (j.value("request_id", "") == "trace-42") {
      found = true;
      EXPECT_EQ(j["route"], "/v1/identity");
      EXPECT_EQ(j["status"], 200);
      EXPECT_EQ(j["org_id"], org_a_);
    }
  }
  EXPECT_TRUE(found) << Log();
  EXPECT_EQ(Log().find(token_a_), std::string::npos);
  EXPECT_EQ(Log().find("Bearer"), std::string::npos);
}

TEST_F(ServerTest, WebUiIsServedFromTheBinary) {
  auto page = Call("GET", "/", "");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("/ui/app.js"), std::string::npos);
  auto js = Call("GET", "/ui/app.js", "");
  ASSERT_EQ(js->status, 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_NE(js->body.find("sessionStorage"), std::string::npos);
  EXPECT_EQ(Call("GET", "/ui/style.css", "")->status, 200);
  ExpectError(Call("GET", "/ui/nothing.js", ""), 404);
}

TEST(MetricsRegistryTest, RendersCountersAndHistograms) {
  metrics::Registry registry;
  registry.Describe("t_total", "a test counter");
  registry.GetCounter("t_total", {{"b", "2"}, {"a", "x\"y"}}).Increment(3);
  registry.GetCounter("t_total", {{"a", "x\"y"}, {"b", "2"}}).Increment();
  auto& h = registry.GetHistogram("t_seconds", {}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# HELP t_total a test counter\n# TYPE t_total counter\n"),
            std::string::npos);
  EXPECT_NE(text.find("t_total{a=\"x\\\"y\",b=\"2\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_sum 5.55\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace crossdock::server::testing
