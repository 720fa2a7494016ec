// Syncs and their runs: create, list, read and delete definitions; start (queue), list, read
// and cancel runs. Backed by sync::SyncService (jobs/service.h); runs are executed by workers
// (`crossdock worker`, or `crossdock serve --workers N`), never by the request.
//
// A sync is addressed by id or name in its organization; a run by its id under the sync it
// belongs to, so /v1/syncs/{id}/runs/{run} is 404 for a run of another sync or organization.
// Specs sent over the API may only reach data through the organization's connections (S3,
// postgres, warehouses) or a passwordless PostgreSQL URL: local paths (the server's own disk) and
// inline S3 locations (the vendor's own credentials, or a role and External ID of the caller's
// choosing) are refused with 422 naming the field; the CLI, run by the operator, still accepts
// them.
#include <fmt/format.h>

#include <charconv>

#include "crossdock/core/ascii.h"
#include "crossdock/core/text.h"
#include "crossdock/core/time_format.h"
#include "crossdock/server/json_body.h"
#include "crossdock/server/paging.h"
#include "crossdock/server/routes.h"
#include "crossdock/sync/sources/postgres_target.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

Error Refused(const std::string& field, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, why), field);
}

// An S3 location of a spec sent over the API: a connection of the caller's organization with
// type s3, nothing that overrides what the connection says.
Status CheckS3Target(connect::ConnectionService& connections, const std::string& org_id,
                     const sync::S3Target& t, const std::string& prefix) {
  if (t.connection.empty()) {
    return Refused(prefix + ".bucket",
                   "the API accepts S3 locations only as a connection of the organization "
                   "(\"connection\": its name or id), whose role is assumed with the "
                   "organization's External ID; create one with POST /v1/connections");
  }
  for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"region", t.region},
                                   {"endpoint", t.endpoint},
                                   {"sts_endpoint", t.sts_endpoint},
                                   {"role_arn", t.role_arn},
                                   {"external_id", t.external_id}}) {
    if (!value.empty()) {
      return Refused(prefix + "." + key,
                     "comes from the connection and cannot be set in a sync sent over the API; "
                     "leave it out");
    }
  }
  auto c = connections.GetConnection(org_id, t.connection);
  if (!c.ok()) {
    if (c.error().code() != ErrorCode::kNotFound) return c.error();
    return Refused(prefix + ".connection",
                   fmt::format("no connection \"{}\" in this organization; GET /v1/connections "
                               "lists them",
                               t.connection));
  }
  if (c->type != connect::ConnectionType::kS3) {
    return Refused(
        prefix + ".connection",
        fmt::format("connection \"{}\" is not an S3 connection; name an S3 one", t.connection));
  }
  return OkStatus();
}

// A warehouse connection named by a sync must be the organization's and of the right type.
Status CheckWarehouseConnection(connect::ConnectionService& connections, const std::string& org_id,
                                const std::string& name, connect::ConnectionType type,
                                const std::string& field) {
  auto c = connections.GetConnection(org_id, name);
  if (!c.ok()) {
    if (c.error().code() != ErrorCode::kNotFound) return c.error();
    return Refused(field, fmt::format("no connection \"{}\" in this organization; GET "
                                      "/v1/connections lists them",
                                      name));
  }
  if (c->type != type) {
    return Refused(field, fmt::format("connection \"{}\" is a {} connection; name a {} one", name,
                                      connect::ConnectionTypeName(c->type),
                                      connect::ConnectionTypeName(type)));
  }
  return OkStatus();
}

// What a tenant may not ask a worker to touch (see the header comment).
Status CheckApiSpec(const ServiceState& state, const std::string& org_id,
                    const sync::SyncSpec& spec) {
  connect::ConnectionService& connections = *state.connections;
  if (spec.source.type == sync::SourceType::kPostgres && !spec.source.connection.empty()) {
    // The connection's host passed the host list and the outbound policy when it was saved;
    // the run checks the address again and pins it.
    RETURN_IF_ERROR(CheckWarehouseConnection(connections, org_id, spec.source.connection,
                                             connect::ConnectionType::kPostgres,
                                             "source.connection"));
  } else if (spec.source.type == sync::SourceType::kPostgres) {
    RETURN_IF_ERROR(sync::CheckTenantPostgres(spec.source.url, state.postgres_hosts,
                                              *state.outbound, "source.url"));
  }
  const char* local =
      "local paths are on the server's own disk and are accepted only from the CLI (crossdock "
      "sync create); use an S3 connection";
  if (spec.source.type == sync::SourceType::kLocal) return Refused("source.type", local);
  if (spec.destination.type == sync::DestinationType::kLocal) {
    return Refused("destination.type", local);
  }
  if (spec.source.type == sync::SourceType::kS3) {
    RETURN_IF_ERROR(CheckS3Target(connections, org_id, spec.source.s3, "source"));
  }
  if (spec.destination.type == sync::DestinationType::kS3) {
    RETURN_IF_ERROR(CheckS3Target(connections, org_id, spec.destination.s3, "destination"));
  }
  if (spec.source.type == sync::SourceType::kRedshift) {
    RETURN_IF_ERROR(CheckWarehouseConnection(connections, org_id, spec.source.connection,
                                             connect::ConnectionType::kRedshiftServerless,
                                             "source.connection"));
  }
  if (spec.source.type == sync::SourceType::kKinesis) {
    // An inline stream would have the worker call an endpoint and role of the tenant's choice.
    if (spec.source.connection.empty()) {
      return Refused("source.stream_arn",
                     "syncs created over the API read a stored kinesis connection; create one "
                     "(POST /v1/connections) and name it in source.connection");
    }
    if (!spec.source.kinesis.endpoint.empty()) {
      return Refused("source.endpoint",
                     "comes from the server's configuration and cannot be set in a sync sent "
                     "over the API; leave it out");
    }
    RETURN_IF_ERROR(CheckWarehouseConnection(connections, org_id, spec.source.connection,
                                             connect::ConnectionType::kKinesis,
                                             "source.connection"));
  }
  if (spec.destination.type == sync::DestinationType::kRedshift) {
    RETURN_IF_ERROR(CheckWarehouseConnection(connections, org_id, spec.destination.connection,
                                             connect::ConnectionType::kRedshiftServerless,
                                             "destination.connection"));
  }
  if (spec.destination.type == sync::DestinationType::kDatabricks) {
    RETURN_IF_ERROR(CheckWarehouseConnection(connections, org_id, spec.destination.connection,
                                             connect::ConnectionType::kDatabricks,
                                             "destination.connection"));
  }
  return OkStatus();
}

Reply Unavailable() {
  return ErrorReply(503, "unavailable",
                    "syncs are unavailable: the store's sync tables could not be opened; see the "
                    "server log");
}

Reply Create(ServiceState& state, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  auto name = RequiredString(*body, "name");
  if (!name.ok()) return BadRequest(name.error());
  Status printable = CheckDisplayName(*name, "name");
  if (!printable.ok()) return FromError(printable.error());
  if (body->contains("origin")) {
    return FromError(Refused("origin", "is set by the server; leave it out"));
  }
  nlohmann::json spec_json = *body;
  spec_json.erase("name");
  auto scheduling = sync::TakeScheduling(spec_json);
  if (!scheduling.ok()) return FromError(scheduling.error());
  auto spec = sync::SyncSpecFromJson(spec_json);
  if (!spec.ok()) return FromError(spec.error());
  spec->tenant = true;
  Status allowed = CheckApiSpec(state, ctx.org_id, *spec);
  if (!allowed.ok()) return FromError(allowed.error());
  auto created = state.syncs->Create(ctx.org_id, *name, *spec, *scheduling);
  if (!created.ok()) return FromError(created.error());
  Reply r = JsonReply(sync::SyncToJson(*created), 201);
  r.headers.emplace_back("Location", "/v1/syncs/" + created->id);
  return r;
}

// PATCH: the whole definition again (name optional: the current one), judged as on create.
Reply Update(ServiceState& state, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  auto current = state.syncs->Get(ctx.org_id, ctx.Param("id"));
  if (!current.ok()) return FromError(current.error());
  std::string name = current->name;
  if (body->contains("name")) {
    auto given = RequiredString(*body, "name");
    if (!given.ok()) return BadRequest(given.error());
    name = *given;
  }
  nlohmann::json spec_json = *body;
  spec_json.erase("name");
  auto spec = sync::SyncSpecFromJson(spec_json);
  if (!spec.ok()) return FromError(spec.error());
  Status allowed = CheckApiSpec(state, ctx.org_id, *spec);
  if (!allowed.ok()) return FromError(allowed.error());
  auto updated = state.syncs->Update(ctx.org_id, current->id, name, *spec);
  if (!updated.ok()) return FromError(updated.error());
  return JsonReply(sync::SyncToJson(*updated));
}

// The run {run} of the sync {id}, both of the caller's organization; kNotFound otherwise
// (also for a run of another sync of the same organization).
Result<sync::SyncRun> RunOfSync(sync::SyncService& syncs, RequestContext& ctx) {
  ASSIGN_OR_RETURN(auto def, syncs.Get(ctx.org_id, ctx.Param("id")));
  ASSIGN_OR_RETURN(auto run, syncs.GetRun(ctx.org_id, ctx.Param("run")));
  if (run.sync_id != def.id) {
    return Error(ErrorCode::kNotFound,
                 fmt::format("sync \"{}\" has no run \"{}\"", ctx.Param("id"), ctx.Param("run")),
                 "run");
  }
  return run;
}

// status and since of GET /v1/syncs/{id}/runs.
Result<sync::RunFilter> RunFilterFromQuery(const RequestContext& ctx) {
  sync::RunFilter filter;
  std::string status = ctx.Query("status");
  if (!status.empty()) {
    auto parsed = sync::ParseRunStatus(status);
    if (!parsed.ok()) {
      return Error(ErrorCode::kInvalidArgument,
                   "status must be queued, running, committing, succeeded, failed or cancelled",
                   "status");
    }
    filter.status = *parsed;
  }
  std::string since = ctx.Query("since");
  if (!since.empty()) {
    auto parsed = ParseIso8601(since);
    if (!parsed.ok()) {
      return Error(ErrorCode::kInvalidArgument,
                   "since must be an ISO 8601 time such as 2026-01-31T00:00:00Z", "since");
    }
    filter.since = *parsed;
  }
  return filter;
}

std::vector<QueryParameter> SyncListParameters() {
  std::vector<QueryParameter> q = PageParameters();
  q.push_back({"name_prefix", "only syncs whose name starts with this text", {}, ""});
  return q;
}

std::vector<QueryParameter> RunListParameters() {
  std::vector<QueryParameter> q = PageParameters();
  q.push_back({"status",
               "only runs in this state",
               {"queued", "running", "committing", "succeeded", "failed", "cancelled"},
               ""});
  q.push_back({"since", "only runs created at or after this ISO 8601 time", {}, ""});
  return q;
}

ojson SyncInputSchema() {
  return ojson::parse(R"({"type": "object", "required": ["name", "source", "destination"],
    "properties": {
      "name": {"type": "string", "description": "unique in the organization, 1 to 100 characters"},
      "source": {"type": "object", "description": "{\"type\": \"postgres\", \"url\", \"table\" | \"query\"} (the URL without a password; one host the operator allowed, reached without the workers' own credentials) or {\"type\": \"s3\", \"connection\", \"prefix\", \"format\"} or {\"type\": \"redshift\", \"connection\", \"table\" | \"query\", \"unload\"}"},
      "destination": {"type": "object", "description": "{\"type\": \"s3\", \"connection\": name or id, \"path\"} or {\"type\": \"redshift\" | \"databricks\", \"connection\", \"table\", \"mode\": \"append\" | \"merge\" | \"replace\", \"merge_keys\"}"},
      "format": {"type": "string", "enum": ["csv", "jsonl"]},
      "compression": {"type": "string", "enum": ["zstd", "gzip", "none"]},
      "compression_level": {"type": "integer"},
      "file_size": {"type": "integer", "description": "bytes per output file"},
      "incremental": {"type": "object", "properties": {"cursor_column": {"type": "string"}}},
      "schedule": {"type": "object", "description": "{\"every\": \"5m\"} (s, m, h, d; at least 1m) or {\"cron\": \"*/15 * * * *\", \"time_zone\": \"Europe/Berlin\"}"},
      "paused": {"type": "boolean", "description": "a paused sync's schedule queues no runs"}}})");
}

ojson SyncSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "spec": {"type": "object"},
    "cursor": {"type": "string", "nullable": true, "description": "last committed incremental cursor"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "schedule": {"type": "object", "nullable": true},
    "paused": {"type": "boolean"},
    "next_run_at": {"type": "string", "nullable": true, "description": "when the schedule next queues a run"},
    "last_run": {"type": "object", "nullable": true, "description": "{id, status, finished_at} of the newest run"}}})");
}

ojson RunSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "id": {"type": "string"}, "sync_id": {"type": "string"},
    "status": {"type": "string", "enum": ["queued", "running", "committing", "succeeded", "failed", "cancelled"]},
    "attempt": {"type": "integer"}, "worker_id": {"type": "string", "nullable": true},
    "rows": {"type": "integer"}, "bytes": {"type": "integer"}, "files": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "started_at": {"type": "string", "nullable": true},
    "finished_at": {"type": "string", "nullable": true},
    "duration_ms": {"type": "integer", "nullable": true},
    "error": {"type": "string", "nullable": true},
    "cursor_from": {"type": "string", "nullable": true},
    "cursor_to": {"type": "string", "nullable": true},
    "manifest": {"type": "string", "nullable": true},
    "cancel_requested": {"type": "boolean"}}})");
}

// Wraps a handler so that it answers 503 when the sync service is missing.
Handler WithSyncs(ServiceState& state,
                  std::function<Reply(sync::SyncService&, RequestContext&)> handler) {
  return [&state, handler = std::move(handler)](RequestContext& ctx) {
    if (!state.syncs) return Unavailable();
    return handler(*state.syncs, ctx);
  };
}

}  // namespace

void AddSyncRoutes(ServiceState& state, RouteTable& routes) {
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/syncs",
      .operation_id = "createSync",
      .summary = "Define a sync from a PostgreSQL table or query, or an S3 connection's prefix, "
                 "into files under an S3 connection's path",
      .tag = "syncs",
      .request_schema = SyncInputSchema(),
      .response_schema = SyncSchema(),
      .success_status = 201,
      .error_statuses = {409, 422},
      .handler = WithSyncs(state, [&state](sync::SyncService&, RequestContext& ctx) {
        return Create(state, ctx);
      })});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/syncs",
            .operation_id = "listSyncs",
            .summary = "The organization's syncs by name, a page at a time",
            .tag = "syncs",
            .query = SyncListParameters(),
            .response_schema = PagedListSchema("syncs", SyncSchema()),
            .error_statuses = {422},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              auto page = PageFromQuery(ctx);
              if (!page.ok()) return FromError(page.error());
              auto list = syncs.List(ctx.org_id, *page, ctx.Query("name_prefix"));
              if (!list.ok()) return FromError(list.error());
              nlohmann::json out = nlohmann::json::array();
              for (const auto& d : list->items) out.push_back(sync::SyncToJson(d));
              return JsonReply(nlohmann::json{{"syncs", out},
                                              {"next_cursor", NextCursorJson(list->next_cursor)}});
            })});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/syncs/{id}",
            .operation_id = "getSync",
            .summary = "One sync, by id or name",
            .tag = "syncs",
            .response_schema = SyncSchema(),
            .error_statuses = {404},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              auto d = syncs.Get(ctx.org_id, ctx.Param("id"));
              return d.ok() ? JsonReply(sync::SyncToJson(*d)) : FromError(d.error());
            })});
  routes.push_back(
      Route{.method = "PATCH",
            .path = "/v1/syncs/{id}",
            .operation_id = "updateSync",
            .summary = "Change a sync: its definition (source, destination, format...; name "
                       "optional; while no run of it is active), and/or its schedule "
                       "({\"schedule\": {...} | null}) and whether it is paused",
            .tag = "syncs",
            .request_schema = SyncInputSchema(),
            .response_schema = SyncSchema(),
            .error_statuses = {404, 409, 422},
            .handler = WithSyncs(state, [&state](sync::SyncService& syncs, RequestContext& ctx) {
              auto body = ParseJsonObject(ctx.body);
              if (!body.ok()) return BadRequest(body.error());
              nlohmann::json schedule = nlohmann::json::object();
              nlohmann::json definition = *body;
              for (const char* key : {"schedule", "paused"}) {
                if (definition.contains(key)) {
                  schedule[key] = definition[key];
                  definition.erase(key);
                }
              }
              if (!definition.empty()) {
                RequestContext replace = ctx;
                replace.body = definition.dump();
                Reply r = Update(state, replace);
                if (r.status >= 300 || schedule.empty()) return r;
              }
              auto d = syncs.Update(ctx.org_id, ctx.Param("id"), schedule);
              return d.ok() ? JsonReply(sync::SyncToJson(*d)) : FromError(d.error());
            })});
  routes.push_back(
      Route{.method = "DELETE",
            .path = "/v1/syncs/{id}",
            .operation_id = "deleteSync",
            .summary = "Delete a sync and its run history; 409 while a run is queued or active "
                       "(cancel it first)",
            .tag = "syncs",
            .success_status = 204,
            .error_statuses = {404, 409},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              Status st = syncs.Delete(ctx.org_id, ctx.Param("id"));
              return st.ok() ? NoContent() : FromError(st.error());
            })});
  routes.push_back(
      Route{.method = "POST",
            .path = "/v1/syncs/{id}/runs",
            .operation_id = "startSyncRun",
            .summary = "Queue a run of the sync for a worker; 409 when one is already queued or "
                       "active",
            .tag = "syncs",
            .response_schema = RunSchema(),
            .success_status = 202,
            .error_statuses = {404, 409},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              auto run = syncs.StartRun(ctx.org_id, ctx.Param("id"));
              if (!run.ok()) return FromError(run.error());
              Reply r = JsonReply(sync::RunToJson(*run), 202);
              r.headers.emplace_back("Location", "/v1/syncs/" + run->sync_id + "/runs/" + run->id);
              return r;
            })});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/syncs/{id}/runs",
            .operation_id = "listSyncRuns",
            .summary = "The sync's runs, newest first, a page at a time",
            .tag = "syncs",
            .query = RunListParameters(),
            .response_schema = PagedListSchema("runs", RunSchema()),
            .error_statuses = {404, 422},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              auto page = PageFromQuery(ctx);
              if (!page.ok()) return FromError(page.error());
              auto filter = RunFilterFromQuery(ctx);
              if (!filter.ok()) return FromError(filter.error());
              auto runs = syncs.ListRuns(ctx.org_id, ctx.Param("id"), *filter, *page);
              if (!runs.ok()) return FromError(runs.error());
              nlohmann::json out = nlohmann::json::array();
              for (const auto& r : runs->items) out.push_back(sync::RunToJson(r));
              return JsonReply(nlohmann::json{{"runs", out},
                                              {"next_cursor", NextCursorJson(runs->next_cursor)}});
            })});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/syncs/{id}/runs/{run}",
            .operation_id = "getSyncRun",
            .summary = "One run of the sync: status, rows, bytes, files, duration, error",
            .tag = "syncs",
            .response_schema = RunSchema(),
            .error_statuses = {404},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              auto run = RunOfSync(syncs, ctx);
              return run.ok() ? JsonReply(sync::RunToJson(*run)) : FromError(run.error());
            })});
  routes.push_back(
      Route{.method = "POST",
            .path = "/v1/syncs/{id}/runs/{run}/cancel",
            .operation_id = "cancelSyncRun",
            .summary = "Cancel a run: a queued run is cancelled at once, a running one is flagged "
                       "(cancel_requested) and its worker stops it; 409 when it already ended",
            .tag = "syncs",
            .response_schema = RunSchema(),
            .error_statuses = {404, 409},
            .handler = WithSyncs(state, [](sync::SyncService& syncs, RequestContext& ctx) {
              auto run = RunOfSync(syncs, ctx);
              if (!run.ok()) return FromError(run.error());
              auto cancelled = syncs.CancelRun(ctx.org_id, run->id);
              return cancelled.ok() ? JsonReply(sync::RunToJson(*cancelled))
                                    : FromError(cancelled.error());
            })});
}

}  // namespace crossdock::server
