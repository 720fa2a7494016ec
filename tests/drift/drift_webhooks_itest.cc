// Drift checks and webhooks end to end. On the RGW peer, through the External ID front, a
// role is created with exactly the policies crossdock generates; the drift check passes; one
// action is removed from the role's permission policy (IAM PutRolePolicy) and the next check
// marks the connection failing, naming that action, in the API and /metrics; a receiver on
// loopback gets connection.drifted, signed, and verifies the signature with its own HMAC;
// with the action restored the connection recovers and connection.recovered follows. Also:
// a failing sync run produces run.failed, a receiver answering 500 twice then 200 shows three
// attempts, and a webhook whose URL resolves to a refused network is refused at delivery.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/service.h"
#include "crossdock/core/hex.h"
#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/drift/drift_checker.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/notify/deliverer.h"
#include "crossdock/server/serve_setup.h"
#include "crossdock/server/server.h"
#include "crossdock/sync/jobs/service.h"
#include "crossdock/sync/jobs/worker.h"
#include "testing/customer_iam.h"
#include "testing/peers.h"
#include "testing/request_audit.h"

namespace crossdock::drift {
namespace {

namespace fs = std::filesystem;
using crossdock::testing::Env;
using json = nlohmann::json;

// A webhook receiver on 127.0.0.1 answering the scripted statuses in turn (then 200).
class Receiver {
 public:
  struct Request {
    std::string timestamp, signature, event, delivery, body;
  };
  explicit Receiver(std::vector<int> statuses = {}) : statuses_(std::move(statuses)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      got_.push_back({req.get_header_value("X-Crossdock-Timestamp"),
                      req.get_header_value("X-Crossdock-Signature"),
                      req.get_header_value("X-Crossdock-Event"),
                      req.get_header_value("X-Crossdock-Delivery"), req.body});
      res.status = next_ < statuses_.size() ? statuses_[next_++] : 200;
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Request> got() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }

 private:
  httplib::Server server_;
  std::vector<int> statuses_;
  size_t next_ = 0;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> got_;
};

// What a customer's receiver does, with nothing from crossdock: HMAC-SHA256 over
// "timestamp.body" with OpenSSL, compared with the v1 signature; the timestamp within 5 min.
::testing::AssertionResult VerifiedIndependently(const Receiver::Request& r,
                                                 const std::string& secret) {
  std::string signed_text = r.timestamp + "." + r.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
  std::string expected = "v1=" + HexEncode(std::string(reinterpret_cast<char*>(mac), len));
  if (r.signature != expected) {
    return ::testing::AssertionFailure() << "signature " << r.signature << " != " << expected;
  }
  long long ts = std::stoll(r.timestamp);
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  if (std::llabs(now - ts) > 300) {
    return ::testing::AssertionFailure() << "timestamp " << ts << " is stale";
  }
  return ::testing::AssertionSuccess();
}

aws::CredentialsProviderPtr VendorKeys() {
  return std::make_shared<aws::StaticCredentialsProvider>(aws::AwsCredentials{
      Env("RGW_VENDOR_ACCESS_KEY"), Env("RGW_VENDOR_SECRET_KEY"), "", std::nullopt});
}

json WithoutAction(const json& policy, const std::string& action) {
  json out = policy;
  json statements = json::array();
  for (json st : policy["Statement"]) {
    json actions = st["Action"].is_array() ? st["Action"] : json::array({st["Action"]});
    json kept = json::array();
    for (const auto& a : actions) {
      if (a.get<std::string>() != action) kept.push_back(a);
    }
    if (kept.empty()) continue;
    st["Action"] = kept;
    statements.push_back(st);
  }
  out["Statement"] = statements;
  return out;
}

class DriftWebhooks : public ::testing::Test {
 protected:
  void SetUp() override {
    suffix_ = crypto::Base32Encode(crypto::RandomBytes(5));
    dir_ = fs::temp_directory_path() / ("crossdock-drift-" + suffix_);
    fs::create_directories(dir_);
    store::StoreOptions so;
    so.location = (dir_ / "db.sqlite").string();
    so.secret_box = crypto::SecretBox::FromKey(crypto::RandomBytes(32)).value();
    store_ = std::move(store::OpenStore(std::move(so))).value();
    server::SetupOptions setup;
    setup.org_name = "drift";
    setup.vendor_account =
        Env("RGW_VENDOR_ACCOUNT").empty() ? "123456789012" : Env("RGW_VENDOR_ACCOUNT");
    auto first = server::PrepareStore(*store_, setup);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    org_ = first->org_id;
    token_ = first->admin_token;
    // The operator allows loopback: the receiver runs there.
    server::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.outbound = std::make_shared<const http::OutboundPolicy>(
        http::OutboundPolicy::FromStrings({"127.0.0.1"}, "allow-network").value());
    server_ = std::make_unique<server::Server>(*store_, o);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    drift_ = std::move(DriftStore::Open(*store_, SystemClock::Instance())).value();
    hooks_ = std::move(notify::WebhookStore::Open(*store_, SystemClock::Instance())).value();
  }
  void TearDown() override {
    if (role_created_) crossdock::testing::DeleteCustomerRole(role_name_);
    client_.reset();
    if (server_) server_->Stop();
    server_.reset();
    drift_.reset();
    hooks_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  httplib::Result Api(const std::string& method, const std::string& path,
                      const json& body = nullptr) {
    httplib::Headers h = {{"Authorization", "Bearer " + token_}};
    if (method == "POST") return client_->Post(path.c_str(), h, body.dump(), "application/json");
    return client_->Get(path.c_str(), h);
  }

  // Creates a webhook over the API; returns (id, secret).
  std::pair<std::string, std::string> CreateWebhook(const std::string& url, const json& events) {
    json body = {{"url", url}};
    if (!events.is_null()) body["events"] = events;
    auto r = Api("POST", "/v1/webhooks", body);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 201) << r->body;
    json j = json::parse(r->body);
    EXPECT_TRUE(j.contains("secret")) << "a generated secret is shown once";
    return {j.value("id", ""), j.value("secret", "")};
  }

  notify::Deliverer MakeDeliverer(notify::RetryPolicy retry = {}) {
    notify::DelivererOptions d;
    d.outbound = std::make_shared<const http::OutboundPolicy>(
        http::OutboundPolicy::FromStrings({"127.0.0.1"}, "allow-network").value());
    d.retry = retry;
    return notify::Deliverer(*hooks_, d);
  }

  json Deliveries(const std::string& webhook_id) {
    auto r = Api("GET", "/v1/webhooks/" + webhook_id + "/deliveries");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body)["deliveries"];
  }

  std::string suffix_, org_, token_, role_name_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<DriftStore> drift_;
  std::unique_ptr<notify::WebhookStore> hooks_;
  bool role_created_ = false;
};

TEST_F(DriftWebhooks, ARoleThatLostAnActionIsMarkedAndTheWebhookIsSigned) {
  REQUIRE_PEER("CROSSDOCK_STS_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY", "RGW_VENDOR_ACCESS_KEY",
               "RGW_CUSTOMER_ACCOUNT", "RGW_VENDOR_ACCOUNT", "RGW_BUCKET");
  connect::ConnectionService svc(*store_);
  role_name_ = "cd-drift-" + suffix_;
  connect::Connection c;
  c.type = connect::ConnectionType::kS3;
  c.name = "customer";
  c.auth_method = connect::AuthMethod::kIamRole;
  c.role_arn = "arn:aws:iam::" + Env("RGW_CUSTOMER_ACCOUNT") + ":role/" + role_name_;
  c.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
  c.bucket = Env("RGW_BUCKET");
  c.path = "drift-" + suffix_;
  auto created = svc.CreateConnection(org_, c);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  // The role, from exactly what `crossdock connection policies customer` prints.
  store::VendorIdentity vendor;
  vendor.account_id = Env("RGW_VENDOR_ACCOUNT");
  auto spec = connect::SpecForConnection(*created, vendor, svc.GetExternalIds(org_)->All());
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  auto policies = crossdock::testing::PoliciesFor(*spec);
  ASSERT_TRUE(policies.ok()) << policies.error().ToString();
  const json permission = policies->generated.permission_policy;
  ASSERT_TRUE(crossdock::testing::CreateCustomerRole(
                  role_name_, policies->generated.trust_policy.dump(), permission.dump())
                  .ok());
  role_created_ = true;

  Receiver receiver;
  auto [webhook_id, secret] = CreateWebhook(receiver.url(), nullptr);
  ASSERT_FALSE(secret.empty());

  DriftCheckerOptions o;
  o.env.vendor_credentials = VendorKeys();
  o.env.sts_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  o.env.s3_endpoint = Env("CROSSDOCK_STS_ENDPOINT");
  o.env.transport = std::make_shared<http::CurlTransport>();
  DriftChecker checker(*store_, *drift_, o);
  notify::Deliverer deliverer = MakeDeliverer();

  // 1. The scheduled pass: a new connection is due at once, and passes.
  auto pass = checker.RunDue();
  ASSERT_TRUE(pass.ok()) << pass.error().ToString();
  EXPECT_EQ(pass->checked, 1);
  EXPECT_EQ(pass->failing, 0);
  auto list = Api("GET", "/v1/connections");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body)["connections"][0]["drift"]["state"], "ok") << list->body;

  // 2. The customer removes one action: the next check marks the connection, naming it.
  const std::string action = "s3:PutObject";
  ASSERT_TRUE(crossdock::testing::PutCustomerRolePolicy(role_name_,
                                                        WithoutAction(permission, action).dump())
                  .ok());
  auto failed = checker.CheckNow(org_, "customer");
  ASSERT_TRUE(failed.ok()) << failed.error().ToString();
  EXPECT_FALSE(failed->ok);
  bool named = false;
  for (const auto& p : failed->problems) {
    if (p["status"] == "fail") {
      EXPECT_NE(p["fix"].get<std::string>().find(action), std::string::npos) << p.dump();
      named = true;
    }
  }
  EXPECT_TRUE(named) << failed->problems.dump();
  list = Api("GET", "/v1/connections");
  json drift = json::parse(list->body)["connections"][0]["drift"];
  EXPECT_EQ(drift["state"], "failing") << drift.dump();
  EXPECT_TRUE(drift["failing_since"].is_string());
  EXPECT_NE(std::find(drift["failing_checks"].begin(), drift["failing_checks"].end(), "put_object"),
            drift["failing_checks"].end())
      << drift.dump();
  auto checks = Api("GET", "/v1/connections/" + created->id + "/checks");
  ASSERT_TRUE(checks);
  json history = json::parse(checks->body)["checks"];
  ASSERT_EQ(history.size(), 2u);
  EXPECT_FALSE(history[0]["ok"].get<bool>()) << "newest first";
  EXPECT_TRUE(history[1]["ok"].get<bool>());
  EXPECT_EQ(checks->body.find(Env("RGW_VENDOR_SECRET_KEY")), std::string::npos);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("crossdock_connections_failing{type=\"s3\"} 1"), std::string::npos)
      << metrics->body.substr(metrics->body.find("crossdock_connections_failing"), 400);

  // 3. The receiver gets connection.drifted and verifies it on its own.
  auto sent = deliverer.DeliverDue();
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(sent->delivered, 1);
  auto got = receiver.got();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, "connection.drifted");
  EXPECT_TRUE(VerifiedIndependently(got[0], secret));
  EXPECT_FALSE(VerifiedIndependently(got[0], secret + "x"));
  json event = json::parse(got[0].body);
  EXPECT_EQ(event["type"], "connection.drifted");
  EXPECT_EQ(event["organization"], org_);
  EXPECT_EQ(event["object"]["connection"]["name"], "customer");
  EXPECT_NE(event["object"]["check"].dump().find(action), std::string::npos);
  EXPECT_EQ(got[0].body.find(secret), std::string::npos);

  // 4. The action is back: the connection recovers, and the receiver hears of it.
  ASSERT_TRUE(crossdock::testing::PutCustomerRolePolicy(role_name_, permission.dump()).ok());
  auto recovered = checker.CheckNow(org_, "customer");
  ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
  EXPECT_TRUE(recovered->ok) << recovered->problems.dump();
  list = Api("GET", "/v1/connections");
  drift = json::parse(list->body)["connections"][0]["drift"];
  EXPECT_EQ(drift["state"], "ok");
  EXPECT_TRUE(drift["recovered_at"].is_string());
  ASSERT_TRUE(deliverer.DeliverDue().ok());
  got = receiver.got();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].event, "connection.recovered");
  EXPECT_TRUE(VerifiedIndependently(got[1], secret));
  json deliveries = Deliveries(webhook_id);
  ASSERT_EQ(deliveries.size(), 2u);
  for (const auto& d : deliveries) {
    EXPECT_EQ(d["status"], "delivered");
    EXPECT_EQ(d["attempts"][0]["status_code"], 200);
  }
}

TEST_F(DriftWebhooks, AFailingRunIsRetriedUntilTheReceiverAnswers) {
  Receiver receiver({500, 500, 200});
  auto [webhook_id, secret] = CreateWebhook(receiver.url(), json::array({"run.failed"}));
  auto syncs = sync::SyncService::Open(*store_);
  ASSERT_TRUE(syncs.ok());
  fs::create_directories(dir_ / "out");
  auto def = (*syncs)->Create(
      org_,
      json{{"name", "nightly"},
           {"source", {{"type", "local"}, {"root", (dir_ / "missing").string()}}},
           {"destination", {{"type", "local"}, {"root", (dir_ / "out").string()}, {"path", "x"}}}});
  ASSERT_TRUE(def.ok()) << def.error().ToString();
  auto queued = (*syncs)->StartRun(org_, "nightly");
  ASSERT_TRUE(queued.ok()) << queued.error().ToString();
  sync::ConnectorOptions co;
  co.store = store_.get();
  sync::Connector connector(co);
  sync::WorkerOptions wo;
  wo.claim.max_attempts = 1;
  sync::Worker worker((*syncs)->jobs(), connector, wo);
  auto run = worker.RunOnce();
  ASSERT_TRUE(run.ok() && *run) << (run.ok() ? "no run" : run.error().ToString());
  ASSERT_EQ((*run)->status, sync::RunStatus::kFailed);

  notify::RetryPolicy quick;
  quick.max_attempts = 5;
  quick.first_delay = std::chrono::milliseconds(0);
  notify::Deliverer deliverer = MakeDeliverer(quick);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(deliverer.DeliverDue().ok());
  auto got = receiver.got();
  ASSERT_EQ(got.size(), 3u) << "500, 500, then 200: nothing after the delivery";
  for (const auto& r : got) {
    EXPECT_EQ(r.event, "run.failed");
    EXPECT_TRUE(VerifiedIndependently(r, secret));
    EXPECT_EQ(r.body, got[0].body) << "every attempt carries the same body";
    EXPECT_EQ(r.delivery, got[0].delivery);
  }
  json event = json::parse(got[0].body);
  EXPECT_EQ(event["object"]["run"]["id"], (*run)->id);
  EXPECT_EQ(event["object"]["run"]["sync"], "nightly");
  EXPECT_FALSE(event["object"]["run"]["error"].get<std::string>().empty());

  json deliveries = Deliveries(webhook_id);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["status"], "delivered");
  json attempts = deliveries[0]["attempts"];
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0]["status_code"], 500);
  EXPECT_EQ(attempts[0]["error"], "http_status");
  EXPECT_EQ(attempts[1]["status_code"], 500);
  EXPECT_EQ(attempts[2]["status_code"], 200);
  EXPECT_TRUE(attempts[2]["error"].is_null());
}

TEST_F(DriftWebhooks, DeliveryChecksTheAddressItConnectsTo) {
  // Saved when loopback was allowed; the deliverer's policy no longer allows it.
  Receiver receiver;
  auto w = hooks_->Create(org_, receiver.url(), "secret-secret-1234", {notify::kRunFailed});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(store_->sql()
                  .Transaction([&](store::SqlSession& s) -> Status {
                    return notify::RecordEvent(s, 1, org_, notify::kRunFailed, {{"run", {}}}).ok()
                               ? OkStatus()
                               : Error(ErrorCode::kInternal, "record");
                  })
                  .ok());
  notify::Deliverer strict(*hooks_, notify::DelivererOptions{});
  auto sent = strict.DeliverDue();
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->retrying, 1);
  EXPECT_TRUE(receiver.got().empty()) << "no connection to a refused address";
  json deliveries = Deliveries(w->id);
  ASSERT_EQ(deliveries[0]["attempts"].size(), 1u);
  EXPECT_EQ(deliveries[0]["attempts"][0]["error"], "refused_address") << deliveries.dump();
  EXPECT_TRUE(deliveries[0]["attempts"][0]["status_code"].is_null());
}

TEST_F(DriftWebhooks, AUrlToARefusedAddressIsRejectedAtSaveNamingTheField) {
  // A server with the default rules: public addresses only.
  server::ServerOptions o;
  o.port = 0;
  o.threads = 2;
  server::Server strict(*store_, o);
  ASSERT_TRUE(strict.Start().ok());
  httplib::Client client("127.0.0.1", strict.port());
  httplib::Headers h = {{"Authorization", "Bearer " + token_}};
  for (const char* url : {"http://127.0.0.1:9/hook", "http://169.254.169.254/latest",
                          "https://10.1.2.3/hook", "http://[::1]/hook"}) {
    auto r = client.Post("/v1/webhooks", h, json{{"url", url}}.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << url << ": " << r->body;
    json err = json::parse(r->body)["error"];
    EXPECT_EQ(err["field"], "url") << r->body;
    EXPECT_NE(err["message"].get<std::string>().find("--allow-network"), std::string::npos)
        << r->body;
  }
  for (const json& bad :
       {json{{"url", "ftp://example.com/x"}}, json{{"url", "https://user:pw@example.com/x"}},
        json{{"url", "https://example.com/x"}, {"secret", "short"}},
        json{{"url", "https://example.com/x"}, {"events", {"run.exploded"}}}}) {
    auto r = client.Post("/v1/webhooks", h, bad.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << bad.dump() << ": " << r->body;
  }
  auto list = client.Get("/v1/webhooks", h);
  EXPECT_EQ(json::parse(list->body)["webhooks"].size(), 0u) << "nothing was saved";
  strict.Stop();
}

}  // namespace
}  // namespace crossdock::drift
