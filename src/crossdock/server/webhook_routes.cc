// Webhooks over the API: POST/GET /v1/webhooks, GET/DELETE /v1/webhooks/{id} and
// GET /v1/webhooks/{id}/deliveries. A webhook's URL obeys the outbound rules of every
// tenant-set target (ServiceState::outbound), checked here at save and again by the workers
// on the address they connect to. Its secret is generated here (or given) and appears in
// the creation answer only when generated; afterwards it is only ever stored sealed.
#include <fmt/format.h>

#include "crossdock/core/time_format.h"
#include "crossdock/crypto/random.h"
#include "crossdock/notify/deliverer.h"
#include "crossdock/notify/signature.h"
#include "crossdock/server/json_body.h"
#include "crossdock/server/paging.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

constexpr size_t kMinSecret = 16;
constexpr size_t kMaxSecret = 256;

Reply Unavailable() {
  return ErrorReply(503, "unavailable",
                    "webhooks are unavailable: their tables could not be opened (see the server "
                    "log)");
}

nlohmann::json WebhookJson(const notify::Webhook& w) {
  return {{"id", w.id},
          {"url", w.url},
          {"events", w.events},
          {"created_at", FormatIso8601(w.created_at)}};
}

Result<std::vector<std::string>> Events(const nlohmann::json& body) {
  std::vector<std::string> out;
  if (!body.contains("events") || body["events"].is_null()) return out;
  const auto& e = body["events"];
  if (!e.is_array() || e.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "events must be a non-empty array of event types, e.g. [\"run.failed\"]",
                 "events");
  }
  for (const auto& item : e) {
    if (!item.is_string()) {
      return Error(ErrorCode::kInvalidArgument, "events must hold strings", "events");
    }
    std::string type = item.get<std::string>();
    const auto& known = notify::EventTypes();
    if (std::find(known.begin(), known.end(), type) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("events: \"{}\" is not an event type; use {}", type, list),
                   "events");
    }
    if (std::find(out.begin(), out.end(), type) == out.end()) out.push_back(type);
  }
  return out;
}

Reply Create(ServiceState& state, RequestContext& ctx) {
  if (!state.webhooks) return Unavailable();
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status known = RejectUnknownMembers(*body, {"url", "secret", "events"});
  if (!known.ok()) return BadRequest(known.error());
  auto url = RequiredString(*body, "url");
  if (!url.ok()) return BadRequest(url.error());
  auto secret = OptionalString(*body, "secret");
  if (!secret.ok()) return BadRequest(secret.error());
  auto events = Events(*body);
  if (!events.ok()) return ValidationReply({events.error()});
  if (*secret && ((*secret)->size() < kMinSecret || (*secret)->size() > kMaxSecret)) {
    return ValidationReply(
        {Error(ErrorCode::kInvalidArgument,
               fmt::format("secret must be {} to {} characters; leave it out and "
                           "the server generates one",
                           kMinSecret, kMaxSecret),
               "secret")});
  }
  Status url_ok = notify::ValidateWebhookUrl(*url, *state.outbound, "url");
  if (!url_ok.ok()) return ValidationReply({url_ok.error()});
  bool generated = !*secret;
  std::string value =
      generated ? "whsec_" + crypto::Base64UrlEncode(crypto::RandomBytes(32)) : **secret;
  auto w = state.webhooks->Create(ctx.org_id, *url, value, *events);
  if (!w.ok()) return FromError(w.error());
  nlohmann::json j = WebhookJson(*w);
  if (generated) j["secret"] = value;  // shown once
  Reply r = JsonReply(j, 201);
  r.headers.emplace_back("Location", "/v1/webhooks/" + w->id);
  return r;
}

Reply List(ServiceState& state, RequestContext& ctx) {
  if (!state.webhooks) return Unavailable();
  auto page = PageFromQuery(ctx);
  if (!page.ok()) return FromError(page.error());
  auto list = state.webhooks->List(ctx.org_id, *page);
  if (!list.ok()) return FromError(list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& w : list->items) items.push_back(WebhookJson(w));
  return JsonReply(
      nlohmann::json{{"webhooks", items}, {"next_cursor", NextCursorJson(list->next_cursor)}});
}

Reply Deliveries(ServiceState& state, RequestContext& ctx) {
  if (!state.webhooks) return Unavailable();
  auto page = PageFromQuery(ctx);
  if (!page.ok()) return FromError(page.error());
  auto list = state.webhooks->ListDeliveries(ctx.org_id, ctx.Param("id"), *page);
  if (!list.ok()) return FromError(list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& d : list->items) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : d.history) {
      attempts.push_back(
          {{"attempt", a.attempt},
           {"at", FormatIso8601(a.at)},
           {"status_code",
            a.status_code == 0 ? nlohmann::json(nullptr) : nlohmann::json(a.status_code)},
           {"error", a.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.error)},
           {"detail", a.detail},
           {"duration_ms", a.duration.count()}});
    }
    items.push_back(
        {{"id", d.id},
         {"event_id", d.event_id},
         {"event_type", d.event_type},
         {"status", d.status},
         {"attempt_count", d.attempts},
         {"next_attempt_at", d.next_attempt_at ? nlohmann::json(FormatIso8601(*d.next_attempt_at))
                                               : nlohmann::json(nullptr)},
         {"created_at", FormatIso8601(d.created_at)},
         {"attempts", attempts}});
  }
  return JsonReply(
      nlohmann::json{{"deliveries", items}, {"next_cursor", NextCursorJson(list->next_cursor)}});
}

ojson WebhookSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "id": {"type": "string"}, "url": {"type": "string"},
    "events": {"type": "array", "items": {"type": "string",
      "enum": ["run.failed", "run.succeeded", "connection.drifted", "connection.recovered"]}},
    "created_at": {"type": "string", "format": "date-time"},
    "secret": {"type": "string", "description": "only in the creation answer, and only when the server generated it: keep it, it is not shown again"}}})");
}

ojson DeliverySchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "id": {"type": "string"}, "event_id": {"type": "string"}, "event_type": {"type": "string"},
    "status": {"type": "string", "enum": ["pending", "delivered", "failed"]},
    "attempt_count": {"type": "integer"},
    "next_attempt_at": {"type": ["string", "null"], "format": "date-time"},
    "created_at": {"type": "string", "format": "date-time"},
    "attempts": {"type": "array", "items": {"type": "object", "properties": {
      "attempt": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
      "status_code": {"type": ["integer", "null"]},
      "error": {"type": ["string", "null"], "enum": [null, "http_status", "timeout", "connect", "dns", "refused_address", "invalid_url", "secret_unavailable"]},
      "detail": {"type": "string"}, "duration_ms": {"type": "integer"}}}}}})");
}

}  // namespace

void AddWebhookRoutes(ServiceState& state, RouteTable& routes) {
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/webhooks",
      .operation_id = "createWebhook",
      .summary = "Subscribe a URL to the organization's events (run.failed, connection.drifted, "
                 "connection.recovered by default; run.succeeded on request). Each POST is "
                 "signed: X-Crossdock-Signature: v1=hex(HMAC-SHA256(secret, "
                 "X-Crossdock-Timestamp + \".\" + body)). The secret is generated unless given",
      .tag = "webhooks",
      .request_schema = ojson::parse(R"J({"type": "object", "required": ["url"], "properties": {
        "url": {"type": "string", "description": "https:// (or http://) URL; it must resolve to public addresses unless the operator allowed the network (--allow-network)"},
        "secret": {"type": "string", "minLength": 16, "maxLength": 256},
        "events": {"type": "array", "items": {"type": "string", "enum": ["run.failed", "run.succeeded", "connection.drifted", "connection.recovered"]}}}})J"),
      .response_schema = WebhookSchema(),
      .success_status = 201,
      .error_statuses = {400, 409, 422, 503},
      .handler = [&state](RequestContext& ctx) { return Create(state, ctx); }});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/webhooks",
            .operation_id = "listWebhooks",
            .summary = "The organization's webhooks, oldest first, a page at a time (no secrets)",
            .tag = "webhooks",
            .query = PageParameters(),
            .response_schema = PagedListSchema("webhooks", WebhookSchema()),
            .error_statuses = {422, 503},
            .handler = [&state](RequestContext& ctx) { return List(state, ctx); }});
  routes.push_back(Route{.method = "GET",
                         .path = "/v1/webhooks/{id}",
                         .operation_id = "getWebhook",
                         .summary = "One webhook (no secret)",
                         .tag = "webhooks",
                         .response_schema = WebhookSchema(),
                         .error_statuses = {404, 503},
                         .handler = [&state](RequestContext& ctx) -> Reply {
                           if (!state.webhooks) return Unavailable();
                           auto w = state.webhooks->Get(ctx.org_id, ctx.Param("id"));
                           return w.ok() ? JsonReply(WebhookJson(*w)) : FromError(w.error());
                         }});
  routes.push_back(
      Route{.method = "DELETE",
            .path = "/v1/webhooks/{id}",
            .operation_id = "deleteWebhook",
            .summary = "Delete a webhook and its deliveries (pending ones are not sent)",
            .tag = "webhooks",
            .success_status = 204,
            .error_statuses = {404, 503},
            .handler = [&state](RequestContext& ctx) -> Reply {
              if (!state.webhooks) return Unavailable();
              Status st = state.webhooks->Delete(ctx.org_id, ctx.Param("id"));
              return st.ok() ? NoContent() : FromError(st.error());
            }});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/webhooks/{id}/deliveries",
            .operation_id = "listWebhookDeliveries",
            .summary = "A webhook's deliveries, newest first, each with every attempt: when, the "
                       "receiver's HTTP status, an error category and the duration",
            .tag = "webhooks",
            .query = PageParameters(),
            .response_schema = PagedListSchema("deliveries", DeliverySchema()),
            .error_statuses = {404, 422, 503},
            .handler = [&state](RequestContext& ctx) { return Deliveries(state, ctx); }});
}

}  // namespace crossdock::server
