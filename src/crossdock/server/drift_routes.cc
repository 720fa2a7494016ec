// Drift checks over the API: GET /v1/connections/{id}/checks (a connection's check history,
// newest first), the "drift" member of connection lists and the failing-connections gauge
// of /metrics. Checks themselves run in the workers (drift/drift_checker.h).
#include <fmt/format.h>

#include "crossdock/core/metrics.h"
#include "crossdock/iam/connection_types.h"
#include "crossdock/server/paging.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

Reply Unavailable() {
  return ErrorReply(503, "unavailable",
                    "drift checks are unavailable: their tables could not be opened (see the "
                    "server log)");
}

Reply ListChecks(ServiceState& state, RequestContext& ctx) {
  if (!state.drift) return Unavailable();
  auto page = PageFromQuery(ctx);
  if (!page.ok()) return FromError(page.error());
  auto c = LoadConnection(*state.store, ctx.org_id, ctx.Param("id"));
  if (!c.ok()) return FromError(c.error());
  auto list = state.drift->ListChecks(ctx.org_id, c->id, *page);
  if (!list.ok()) return FromError(list.error());
  auto states = state.drift->States(ctx.org_id, {c->id});
  if (!states.ok()) return FromError(states.error());
  drift::DriftStatus st;
  if (states->count(c->id)) st = states->at(c->id);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : list->items) items.push_back(drift::CheckToJson(r));
  return JsonReply(nlohmann::json{{"drift", drift::DriftToJson(st)},
                                  {"checks", items},
                                  {"next_cursor", NextCursorJson(list->next_cursor)}});
}

ojson DriftSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "state": {"type": "string", "enum": ["unchecked", "ok", "failing"]},
    "failing_since": {"type": ["string", "null"], "format": "date-time"},
    "recovered_at": {"type": ["string", "null"], "format": "date-time"},
    "last_checked_at": {"type": ["string", "null"], "format": "date-time"},
    "next_check_at": {"type": ["string", "null"], "format": "date-time"},
    "failing_checks": {"type": "array", "items": {"type": "string"}}}})");
}

ojson CheckSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "id": {"type": "string"}, "connection_id": {"type": "string"},
    "checked_at": {"type": "string", "format": "date-time"}, "ok": {"type": "boolean"},
    "problems": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": "string"}, "title": {"type": "string"},
      "status": {"type": "string", "enum": ["fail", "warn"]}, "message": {"type": "string"},
      "diagnosis": {"type": "string"}, "fix": {"type": "string"},
      "aws_code": {"type": "string"}}}},
    "duration_ms": {"type": "integer"}}})");
}

}  // namespace

Result<std::vector<std::string>> DriftStateTexts(ServiceState& state, const std::string& org_id,
                                                 const std::vector<std::string>& ids) {
  std::vector<std::string> out(ids.size());
  if (!state.drift) return out;  // lists still work; "drift" is left out
  ASSIGN_OR_RETURN(auto states, state.drift->States(org_id, ids));
  static const std::string kUnchecked = drift::DriftToJson(drift::DriftStatus{}).dump();
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = states.find(ids[i]);
    out[i] = it == states.end() ? kUnchecked : drift::DriftToJson(it->second).dump();
  }
  return out;
}

std::string DriftMetricsText(ServiceState& state) {
  std::string out =
      "# HELP crossdock_connections_failing Connections whose last drift check failed, by "
      "connection type\n# TYPE crossdock_connections_failing gauge\n";
  std::map<std::string, int64_t> failing;
  if (state.drift) {
    auto counted = state.drift->FailingByType();
    if (counted.ok()) failing = std::move(*counted);
  }
  // Every known type, zero included, so that the series exist before the first failure.
  for (const iam::ConnectionTypeInfo& t : iam::ConnectionTypes()) {
    out += fmt::format("crossdock_connections_failing{} {}\n",
                       metrics::RenderLabels({{"type", std::string(t.name)}}),
                       failing.count(t.name) ? failing.at(t.name) : 0);
  }
  return out;
}

void AddDriftRoutes(ServiceState& state, RouteTable& routes) {
  ojson schema = ojson{{"type", "object"},
                       {"properties",
                        {{"drift", DriftSchema()},
                         {"checks", {{"type", "array"}, {"items", CheckSchema()}}},
                         {"next_cursor", {{"type", {"string", "null"}}}}}}};
  routes.push_back(Route{
      .method = "GET",
      .path = "/v1/connections/{id}/checks",
      .operation_id = "listConnectionChecks",
      .summary = "A connection's drift state and its drift check history, newest first, a page "
                 "at a time: each check's time, outcome and the failing probes with their fixes",
      .tag = "connections",
      .query = PageParameters(),
      .response_schema = schema,
      .error_statuses = {404, 422, 503},
      .handler = [&state](RequestContext& ctx) { return ListChecks(state, ctx); }});
}

}  // namespace crossdock::server
