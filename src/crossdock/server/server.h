// The crossdock HTTP server: cpp-httplib in front of the route table (routes.h), with bearer
// authentication, tenant scoping, JSON errors, body limits, request ids, JSON access logs and
// Prometheus metrics.
//
// Every request gets a request id (the caller's X-Request-Id when it is a sane token, else a
// fresh one), echoed in the X-Request-Id header and in the one access-log line written per
// request: {"ts", "level", "msg": "request", "request_id", "method", "route", "status",
// "duration_ms", "org_id"}. Bodies, query strings and the Authorization header are never
// logged. Unknown paths answer 404 and known paths under another method 405, both in the
// error shape; bodies over the limit 413. Stop() is graceful: the listener closes, requests
// in flight finish, then Run() returns. The server owns no store; the caller keeps it alive
// for the server's lifetime.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crossdock/core/clock.h"
#include "crossdock/core/result.h"
#include "crossdock/server/route.h"
#include "crossdock/server/router.h"
#include "crossdock/server/service_state.h"
#include "crossdock/store/store.h"

namespace crossdock::server {

class HttpFront;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0: any free port (see Server::port())
  std::size_t max_body_bytes = 1 << 20;  // larger bodies get 413
  int threads = 8;  // threads running handlers (on complete requests; see http_front.h)
  // Threads for the routes marked `outbound` (connection tests, External ID prechecks,
  // connection saves that resolve a tenant's host), which wait on other servers.
  int outbound_threads = 16;
  // Deadlines: the headers within header_timeout_ms of a request's first byte, the whole
  // request within request_timeout_ms; an idle keep-alive connection closes after
  // idle_timeout_ms. Beyond max_connections open connections new ones get 503.
  int header_timeout_ms = 10000;
  int request_timeout_ms = 30000;
  int idle_timeout_ms = 5000;
  std::size_t max_connections = 4096;
  std::string version = "0.1.0";
  // Where access and error logs go as JSON lines; null: spdlog's default logger.
  std::shared_ptr<spdlog::logger> logger;
  const Clock* clock = nullptr;  // null: the system clock
  // Backs /v1/syncs; must share the server's store and outlive the server. Null: the server
  // opens its own on the store (applying the "sync" migrations).
  sync::SyncService* syncs = nullptr;
  // PostgreSQL hosts a sync created over the API may read ("*": any name); empty: PostgreSQL
  // sources are refused over the API (the CLI is not affected).
  std::vector<std::string> postgres_hosts;
  // What any host a tenant sets (PostgreSQL source, Databricks workspace, Redshift VPC
  // endpoint) may resolve to; null: public addresses only (outbound_policy.h).
  std::shared_ptr<const http::OutboundPolicy> outbound;
};

class Server {
 public:
  // `extra_routes` are added after the built-in /v1 routes (the demo's, the connection test);
  // each may capture state the caller keeps alive.
  Server(store::Store& store, ServerOptions options, RouteTable extra_routes = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port; kUnavailable naming the address when it is taken or invalid.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop(). Bind() first.
  void Run();
  // Bind() and Run() on a background thread (tests).
  Status Start();
  // Graceful: stop accepting, let requests in flight finish; joins the Start() thread.
  void Stop();

  const Router& router() const { return *router_; }
  const ServiceState& state() const { return state_; }

 private:
  void Install();

  store::Store& store_;
  ServerOptions options_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<connect::ConnectionService> connections_;
  std::unique_ptr<sync::SyncService> own_syncs_;  // when options_.syncs is null
  std::unique_ptr<drift::DriftStore> drift_;
  std::unique_ptr<notify::WebhookStore> webhooks_;
  ServiceState state_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpFront> http_;
  std::shared_ptr<spdlog::logger> logger_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

// A logger writing only the message (the JSON line) to stderr.
std::shared_ptr<spdlog::logger> MakeJsonLogger(const std::string& name);

// A one-line JSON log record: {"ts", "level", "msg", ...fields}.
std::string JsonLogLine(std::string_view level, std::string_view msg,
                        const nlohmann::ordered_json& fields, TimePoint now);

}  // namespace crossdock::server
