#include "crossdock/server/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "crossdock/core/metrics.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/random.h"
#include "crossdock/server/http_front.h"
#include "crossdock/server/instance_admin.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

bool SaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string FormatMillis(TimePoint t) {
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::string base = FormatIso8601(t);  // ...:SSZ
  return fmt::format("{}.{:03d}Z", base.substr(0, base.size() - 1), ms);
}

void DescribeMetrics() {
  auto& r = metrics::Registry::Global();
  r.Describe(metrics::kHttpRequests, "HTTP requests by route template, method and status");
  r.Describe(metrics::kHttpDuration, "HTTP request latency in seconds by route and method", true);
  r.Describe(metrics::kStsCalls, "STS AssumeRole calls by outcome");
  r.Describe(metrics::kCredentialCacheHits, "Assumed-role credentials served from the cache");
  r.Describe(metrics::kCredentialCacheMisses, "Assumed-role credentials fetched from STS");
  r.Describe(metrics::kConnectionTests, "Connection tests by outcome (pass, fail, error)");
}

// The method as a metric label: one of a fixed set, so made-up methods add no series.
const char* MethodLabel(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

void WriteReply(const Reply& reply, const std::string& request_id, httplib::Response& res) {
  res.status = reply.status;
  bool cache_set = false;
  for (const auto& [k, v] : reply.headers) {
    res.set_header(k, v);
    cache_set = cache_set || k == "Cache-Control";
  }
  // API answers (a new token, a connection with its External ID) must not be kept by caches.
  if (!cache_set) res.set_header("Cache-Control", "no-store");
  res.set_header("X-Request-Id", request_id);
  res.set_header("X-Content-Type-Options", "nosniff");
  if (reply.status != 204) res.set_content(reply.body, reply.content_type.c_str());
}

}  // namespace

std::string JsonLogLine(std::string_view level, std::string_view msg, const ojson& fields,
                        TimePoint now) {
  ojson j;
  j["ts"] = FormatMillis(now);
  j["level"] = level;
  j["msg"] = msg;
  for (const auto& [k, v] : fields.items()) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::shared_ptr<spdlog::logger> MakeJsonLogger(const std::string& name) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_pattern("%v");
  logger->flush_on(spdlog::level::info);
  return logger;
}

Server::Server(store::Store& store, ServerOptions options, RouteTable extra_routes)
    : store_(store), options_(std::move(options)) {
  const Clock* clock = options_.clock ? options_.clock : &SystemClock::Instance();
  options_.clock = clock;
  auth_ = std::make_unique<Authenticator>(store_, *clock);
  connections_ = std::make_unique<connect::ConnectionService>(store_);
  logger_ = options_.logger ? options_.logger : spdlog::default_logger();
  sync::SyncService* syncs = options_.syncs;
  if (!syncs) {
    auto opened = sync::SyncService::Open(store_, *clock);
    if (opened.ok()) {
      own_syncs_ = std::move(*opened);
      syncs = own_syncs_.get();
    } else {
      logger_->error(JsonLogLine("error", "sync tables unavailable; /v1/syncs answers 503",
                                 ojson{{"error", opened.error().ToString()}}, clock->Now()));
    }
  }
  if (!options_.outbound) options_.outbound = std::make_shared<const http::OutboundPolicy>();
  state_ = ServiceState{&store_,
                        connections_.get(),
                        clock,
                        auth_.get(),
                        syncs,
                        options_.version,
                        options_.postgres_hosts,
                        options_.outbound};
  if (auto d = drift::DriftStore::Open(store_, *clock); d.ok()) {
    drift_ = std::move(*d);
    state_.drift = drift_.get();
  } else {
    logger_->error(JsonLogLine("error", "drift tables unavailable",
                               ojson{{"error", d.error().ToString()}}, clock->Now()));
  }
  if (auto w = notify::WebhookStore::Open(store_, *clock); w.ok()) {
    webhooks_ = std::move(*w);
    state_.webhooks = webhooks_.get();
  } else {
    logger_->error(JsonLogLine("error", "webhook tables unavailable",
                               ojson{{"error", w.error().ToString()}}, clock->Now()));
  }
  RouteTable routes;
  AddOperationsRoutes(state_, routes);
  AddIdentityRoutes(state_, routes);
  AddConnectionRoutes(state_, routes);
  AddPolicyRoutes(state_, routes);
  AddTokenRoutes(state_, routes);
  AddSyncRoutes(state_, routes);
  AddDriftRoutes(state_, routes);
  AddWebhookRoutes(state_, routes);
  AddAdminRoutes(store_, routes);
  for (Route& r : extra_routes) routes.push_back(std::move(r));
  AddUiRoutes(routes);
  AddOpenApiRoute(options_.version, routes);
  router_ = std::make_unique<Router>(std::move(routes));
  DescribeMetrics();
  Install();
}

Server::~Server() { Stop(); }

void Server::Install() {
  HttpLimits limits;
  limits.threads = options_.threads > 0 ? options_.threads : 8;
  limits.outbound_threads = std::max(0, options_.outbound_threads);
  limits.outbound = [router = router_.get()](std::string_view method, std::string_view path) {
    RouteMatch match = router->Match(method, path);
    return match.route != nullptr && match.route->outbound;
  };
  limits.header_timeout = std::chrono::milliseconds(options_.header_timeout_ms);
  limits.request_timeout = std::chrono::milliseconds(options_.request_timeout_ms);
  limits.idle_timeout = std::chrono::milliseconds(options_.idle_timeout_ms);
  limits.max_connections = options_.max_connections;
  limits.max_body_bytes = options_.max_body_bytes;
  http_ = std::make_unique<HttpFront>(limits);
  http_->set_payload_max_length(options_.max_body_bytes);
  // Only for the Keep-Alive header cpp-httplib writes; HttpFront enforces both.
  http_->set_keep_alive_max_count(limits.max_requests_per_connection);
  http_->set_keep_alive_timeout(std::max(1, options_.idle_timeout_ms / 1000));

  auto record = [this](const std::string& route, const std::string& method, int status,
                       double seconds, const std::string& request_id, const std::string& org_id,
                       const std::string& error_code) {
    auto& reg = metrics::Registry::Global();
    const char* method_label = MethodLabel(method);
    reg.GetCounter(metrics::kHttpRequests,
                   {{"route", route}, {"method", method_label}, {"status", std::to_string(status)}})
        .Increment();
    reg.GetHistogram(metrics::kHttpDuration, {{"route", route}, {"method", method_label}})
        .Observe(seconds);
    ojson fields;
    fields["request_id"] = request_id;
    fields["method"] = method.size() > 16 ? method.substr(0, 16) : method;
    fields["route"] = route;
    fields["status"] = status;
    fields["duration_ms"] = std::round(seconds * 1e5) / 100.0;
    if (!org_id.empty()) fields["org_id"] = org_id;
    if (!error_code.empty()) fields["error"] = error_code;
    logger_->log(
        status >= 500 ? spdlog::level::err : spdlog::level::info,
        JsonLogLine(status >= 500 ? "error" : "info", "request", fields, options_.clock->Now()));
  };

  auto dispatch = [this, record](const httplib::Request& req, httplib::Response& res,
                                 const std::string& body) {
    auto start = std::chrono::steady_clock::now();
    RequestContext ctx;
    ctx.method = req.method;
    ctx.path = req.path;
    for (const auto& [k, v] : req.params) ctx.query.emplace(k, v);
    std::string given_id = req.get_header_value("X-Request-Id");
    ctx.request_id = SaneRequestId(given_id) ? given_id : crypto::RandomId("req");
    RouteMatch match = router_->Match(req.method, req.path);
    Reply reply;
    std::string route = "unmatched";
    if (!match.route) {
      if (!match.allowed_methods.empty()) {
        std::string allow;
        for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
        reply =
            ErrorReply(405, "method_not_allowed",
                       fmt::format("{} is not allowed on {}; use {}", req.method, req.path, allow));
        reply.headers.emplace_back("Allow", allow);
      } else {
        reply = ErrorReply(404, "not_found",
                           fmt::format("no route {} {}; see /openapi.json", req.method, req.path));
      }
    } else {
      const Route& r = *match.route;
      route = r.path;
      ctx.path_params = std::move(match.params);
      bool allowed = true;
      if (r.access == Access::kInstanceAdmin) {
        Status admin = CheckInstanceAdmin(store_, req.get_header_value("Authorization"));
        if (!admin.ok()) {
          allowed = false;
          // An organization's token is known but not enough: 403; anything else 401.
          if (admin.error().code() == ErrorCode::kUnauthenticated &&
              auth_->Authenticate(req.get_header_value("Authorization")).ok()) {
            reply = ErrorReply(403, "forbidden",
                               "organization tokens cannot call instance-admin routes; use the "
                               "instance-admin token",
                               "Authorization");
          } else if (admin.error().code() == ErrorCode::kUnauthenticated) {
            reply =
                ErrorReply(401, "unauthenticated", admin.error().message(), admin.error().field());
            reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"crossdock\"");
          } else {
            reply = FromError(admin.error());
          }
        }
      } else if (r.access == Access::kToken) {
        auto principal = auth_->Authenticate(req.get_header_value("Authorization"));
        if (!principal.ok()) {
          allowed = false;
          if (principal.error().code() == ErrorCode::kUnauthenticated) {
            reply = ErrorReply(401, "unauthenticated", principal.error().message(),
                               principal.error().field());
            reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"crossdock\"");
          } else {
            reply = FromError(principal.error());
          }
        } else {
          ctx.org_id = principal->org_id;
          ctx.token_id = principal->token_id;
        }
      }
      if (allowed) {
        ctx.body = body;
        try {
          reply = r.handler(ctx);
        } catch (const std::exception& e) {
          logger_->error(JsonLogLine("error", "handler threw",
                                     ojson{{"request_id", ctx.request_id}, {"route", route}},
                                     options_.clock->Now()));
          reply = ErrorReply(500, "internal",
                             "internal error; see the server log for request " + ctx.request_id);
        }
      }
    }
    WriteReply(reply, ctx.request_id, res);
    std::string error_code;
    if (reply.status >= 400) {
      auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
      if (parsed.is_object() && parsed.contains("error")) {
        error_code = parsed["error"].value("code", "");
      }
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record(route, req.method, reply.status, seconds, ctx.request_id, ctx.org_id, error_code);
  };

  auto without_body = [dispatch](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res, req.body);
  };
  // Bodies are read here, whatever their Content-Type: a JSON document sent as
  // application/x-www-form-urlencoded (curl -d) is still JSON, and cpp-httplib would otherwise
  // parse it as a form with a fixed 8 KiB limit. The size limit (413) still applies.
  auto with_body = [dispatch, record](const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& reader) {
    if (req.is_multipart_form_data()) {
      Reply reply = ErrorReply(415, "unsupported_media_type",
                               "send the request body as a JSON document "
                               "(Content-Type: application/json), not multipart form data",
                               "body");
      std::string request_id = crypto::RandomId("req");
      WriteReply(reply, request_id, res);
      record("unmatched", req.method, reply.status, 0.0, request_id, "", "");
      return;
    }
    std::string body;
    if (!reader([&body](const char* data, size_t n) {
          body.append(data, n);
          return true;
        })) {
      return;  // unreadable or over the limit: the error handler answers
    }
    dispatch(req, res, body);
  };
  http_->Get(".*", without_body);
  http_->Post(".*", with_body);
  http_->Put(".*", with_body);
  http_->Patch(".*", with_body);
  http_->Delete(".*", without_body);  // DELETE without Content-Length
  http_->Delete(".*", with_body);
  http_->Options(".*", without_body);

  // Errors cpp-httplib answers itself (413 body too large, 400 unreadable request, 414):
  // give them the error shape, a request id and a log line.
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this, record](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string request_id = crypto::RandomId("req");
        Reply reply;
        if (res.status == 413) {
          reply = ErrorReply(413, "payload_too_large",
                             fmt::format("the request body is larger than {} bytes; send a "
                                         "smaller document",
                                         options_.max_body_bytes),
                             "body");
        } else {
          reply = ErrorReply(
              res.status, res.status == 404 ? "not_found" : "invalid_request",
              fmt::format("the server could not read this request (HTTP {})", res.status));
        }
        WriteReply(reply, request_id, res);
        record("unmatched", req.method, res.status, 0.0, request_id, "", "");
        return httplib::Server::HandlerResponse::Handled;
      }));
  http_->set_exception_handler(
      [this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Reply reply = ErrorReply(500, "internal", "internal error");
        WriteReply(reply, crypto::RandomId("req"), res);
        logger_->error(
            JsonLogLine("error", "unhandled exception", ojson::object(), options_.clock->Now()));
      });
}

Status Server::Bind() {
  if (options_.port == 0) {
    int port = http_->bind_to_any_port(options_.host);
    if (port < 0) {
      return Error(ErrorCode::kUnavailable,
                   fmt::format("cannot listen on {}: check the address (--listen)", options_.host),
                   "listen");
    }
    port_ = port;
  } else {
    if (!http_->bind_to_port(options_.host, options_.port)) {
      return Error(ErrorCode::kUnavailable,
                   fmt::format("cannot listen on {}:{}: the port is taken or the address is not "
                               "local; choose another with --port or --listen",
                               options_.host, options_.port),
                   "port");
    }
    port_ = options_.port;
  }
  http_->WidenBacklog();
  return OkStatus();
}

void Server::Run() {
  running_ = true;
  logger_->info(JsonLogLine(
      "info", "listening",
      ojson{{"address", fmt::format("{}:{}", options_.host, port_)}, {"store", store_.Describe()}},
      options_.clock->Now()));
  http_->listen_after_bind();
  http_->Shutdown();  // requests in flight finish, then every connection closes
  running_ = false;
  logger_->info(JsonLogLine("info", "stopped", ojson::object(), options_.clock->Now()));
}

Status Server::Start() {
  RETURN_IF_ERROR(Bind());
  thread_ = std::thread([this] { Run(); });
  for (int i = 0; i < 500 && !http_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return OkStatus();
}

void Server::Stop() {
  if (!http_) return;
  // stop() only acts once the listener runs; wait for it briefly when Stop races Start.
  for (int i = 0; i < 500; ++i) {
    if (http_->is_running()) {
      http_->stop();
      break;
    }
    if (!running_ && !thread_.joinable()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (thread_.joinable()) thread_.join();
  http_->Shutdown();
}

}  // namespace crossdock::server
