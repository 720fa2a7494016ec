// A crossdock server running in-process on an ephemeral port over a fresh SQLite store, with
// two organizations (A: the first, created as `crossdock serve` does; B: another tenant), an
// API token for each, a cpp-httplib client and the server's JSON log captured in memory.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "crossdock/connect/service.h"
#include "crossdock/crypto/random.h"
#include "crossdock/server/serve_setup.h"
#include "crossdock/server/server.h"
#include "crossdock/store/store.h"

namespace crossdock::server::testing {

class ServerTest : public ::testing::Test {
 public:
  void SetUp() override { StartServer({}); }

  // Starts over a fresh store; `extra` routes as crossdock serve would add them.
  void StartServer(const ExtraRoutesOptions& extra, const std::string& vendor = "123456789012") {
    dir_ = std::filesystem::temp_directory_path() / crypto::RandomId("crossdock-server-test");
    std::filesystem::create_directories(dir_);
    auto box = crypto::SecretBox::FromKey(crypto::RandomBytes(32));
    ASSERT_TRUE(box.ok());
    store::StoreOptions options;
    options.location = (dir_ / "crossdock.db").string();
    options.secret_box = *box;
    auto opened = store::OpenStore(std::move(options));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(*opened);
    SetupOptions setup;
    setup.org_name = "acme";
    setup.vendor_account = vendor;
    auto first = PrepareStore(*store_, setup);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    org_a_ = first->org_id;
    token_a_ = first->admin_token;
    connect::ConnectionService service(*store_);
    auto other = service.CreateOrganization("globex");
    ASSERT_TRUE(other.ok()) << other.error().ToString();
    org_b_ = other->id;
    auto issued = service.IssueApiToken(org_b_, "admin");
    ASSERT_TRUE(issued.ok());
    token_b_ = issued->token;

    log_ = std::make_shared<std::ostringstream>();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*log_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_pattern("%v");
    ServerOptions server_options;
    server_options.port = 0;
    server_options.max_body_bytes = 64 * 1024;
    server_options.threads = 4;
    server_options.logger = logger;
    server_options.postgres_hosts = {"db.example", "a-db.example", "b-db.example"};
    server_ = std::make_unique<Server>(*store_, server_options, ExtraRoutes(*store_, extra));
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(120, 0);
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    server_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  httplib::Headers Auth(const std::string& token) const {
    return {{"Authorization", "Bearer " + token}};
  }

  // Sends a request; `token` empty means no Authorization header.
  httplib::Result Call(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body = "") {
    httplib::Headers headers = token.empty() ? httplib::Headers{} : Auth(token);
    if (method == "GET") return client_->Get(path.c_str(), headers);
    if (method == "DELETE") return client_->Delete(path.c_str(), headers);
    if (method == "POST") return client_->Post(path.c_str(), headers, body, "application/json");
    if (method == "PATCH") return client_->Patch(path.c_str(), headers, body, "application/json");
    return client_->Put(path.c_str(), headers, body, "application/json");
  }

  static nlohmann::json Json(const httplib::Result& r) {
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  // Creates an S3 IAM-role connection in the token's organization; returns its JSON.
  nlohmann::json CreateS3(const std::string& token, const std::string& name) {
    nlohmann::json body = {{"type", "s3"},
                           {"name", name},
                           {"auth_method", "iam-role"},
                           {"role_arn", "arn:aws:iam::111122223333:role/crossdock"},
                           {"region", "us-west-1"},
                           {"bucket", "output/customers"}};
    auto r = Call("POST", "/v1/connections", token, body.dump());
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 201) << r->body;
    return Json(r);
  }

  std::string Log() const { return log_->str(); }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::string org_a_, org_b_, token_a_, token_b_;
  std::shared_ptr<std::ostringstream> log_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

// Expects the error shape {"error": {"code", "message", "field"}} and returns it.
inline nlohmann::json ExpectError(const httplib::Result& r, int status,
                                  const std::string& field = "") {
  EXPECT_TRUE(r);
  if (!r) return nullptr;
  EXPECT_EQ(r->status, status) << r->body;
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  EXPECT_TRUE(j.is_object() && j.contains("error")) << r->body;
  if (!j.is_object() || !j.contains("error")) return nullptr;
  const auto& e = j["error"];
  EXPECT_TRUE(e.contains("code") && e["code"].is_string()) << r->body;
  EXPECT_TRUE(e.contains("message") && e["message"].is_string()) << r->body;
  EXPECT_TRUE(e.contains("field")) << r->body;
  if (!field.empty()) {
    EXPECT_EQ(e["field"], field) << r->body;
  }
  return e;
}

}  // namespace crossdock::server::testing
