// Connections: list, create, read, update, delete, and the policies to paste for one.
#include <fmt/format.h>

#include <algorithm>

#include "crossdock/connect/connection_json.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/postgres_login.h"
#include "crossdock/connect/redshift_setup.h"
#include "crossdock/connect/validation.h"
#include "crossdock/iam/generate.h"
#include "crossdock/iam/operations.h"
#include "crossdock/server/connection_schema.h"
#include "crossdock/server/json_body.h"
#include "crossdock/server/paging.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

Result<nlohmann::json> WithExternalId(store::Store& store, const connect::Connection& c) {
  nlohmann::json j = connect::ConnectionToJson(c);
  if (!iam::TypeInfo(c.type).aws) return j;  // a database login has no External ID
  ASSIGN_OR_RETURN(auto ids, ActiveExternalIds(store, c.org_id));
  j["external_id"] = ids.empty() ? "" : ids.front();
  return j;
}

Reply Answer(store::Store& store, const connect::Connection& c, int status) {
  auto j = WithExternalId(store, c);
  return j.ok() ? JsonReply(*j, status) : FromError(j.error());
}

// Hosts the tenant set (a Databricks workspace, a Redshift VPC endpoint) must not resolve to
// the server's own network; checked again at use, where the address is pinned. A name that
// does not resolve yet is left to that check.
void CheckOutbound(const ServiceState& state, const connect::Connection& c,
                   std::vector<Error>& out) {
  auto check = [&](const std::string& host, const char* field) {
    if (host.empty()) return;
    auto resolved = state.outbound->Resolve(host, field);
    if (!resolved.ok() && resolved.error().code() != ErrorCode::kNotFound) {
      out.push_back(resolved.error());
    }
  };
  if (c.type == connect::ConnectionType::kDatabricks) {
    check(http::UrlHost(c.databricks.workspace_url), "databricks.workspace_url");
  }
  if (c.type == connect::ConnectionType::kRedshiftServerless &&
      c.redshift.access == connect::RedshiftAccess::kVpcEndpoint) {
    check(c.redshift.vpc_endpoint_host, "redshift.vpc_endpoint.host");
  }
  if (c.type == connect::ConnectionType::kPostgres && !c.postgres.host.empty()) {
    // Tenants' PostgreSQL hosts by name too, as for a URL source (--allow-postgres-host).
    Status listed =
        connect::CheckPostgresHostListed(c.postgres.host, state.postgres_hosts, "postgres.host");
    if (!listed.ok()) {
      out.push_back(listed.error());
    } else {
      check(c.postgres.host, "postgres.host");
    }
  }
}

// Every problem at once (the service stops at the first), so forms can mark all fields.
Result<std::vector<Error>> Validate(const ServiceState& state, connect::Connection c,
                                    const std::string& org_id) {
  ASSIGN_OR_RETURN(auto org, state.store->GetOrganization(org_id));
  connect::ApplyDerivedFields(c);
  std::vector<Error> problems = connect::ValidateConnection(c, connect::OrgPolicy{org.role_only});
  CheckOutbound(state, c, problems);
  // A role connection needs the vendor identity of its region's partition.
  if (std::none_of(problems.begin(), problems.end(),
                   [](const Error& e) { return e.field() == "region"; })) {
    Status vendor = state.connections->RequireVendorFor(c);
    if (!vendor.ok()) problems.push_back(vendor.error());
  }
  return problems;
}

// Keys the API sets itself; a body may carry them (a document read back) but not change them.
Status RejectServerFields(const nlohmann::json& body) {
  for (const char* key : {"id", "org_id", "created_at", "updated_at", "external_id"}) {
    if (body.contains(key)) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("{} is set by the server; leave it out of the body", key), key);
    }
  }
  return OkStatus();
}

Reply Create(ServiceState& state, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status fixed = RejectServerFields(*body);
  if (!fixed.ok()) return BadRequest(fixed.error());
  auto type = RequiredString(*body, "type");
  if (!type.ok()) return BadRequest(type.error());
  connect::Connection c;
  c.org_id = ctx.org_id;
  Status applied = connect::ApplyConnectionJson(*body, &c);
  if (!applied.ok()) return BadRequest(applied.error());
  auto problems = Validate(state, c, ctx.org_id);
  if (!problems.ok()) return FromError(problems.error());
  if (!problems->empty()) return ValidationReply(*problems);
  // The web UI validates a form with the server's own rules: nothing is stored.
  if (ctx.Query("dry_run") == "true") return JsonReply(nlohmann::json{{"valid", true}});
  auto stored = state.connections->CreateConnection(ctx.org_id, c);
  if (!stored.ok()) return FromError(stored.error());
  Reply r = Answer(*state.store, *stored, 201);
  r.headers.emplace_back("Location", "/v1/connections/" + stored->id);
  return r;
}

Reply Update(ServiceState& state, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  // Read first so an unknown or foreign id is 404 before the body is judged.
  auto current = state.connections->GetConnection(ctx.org_id, ctx.Param("id"));
  if (!current.ok()) return FromError(current.error());
  Status fixed = RejectServerFields(*body);
  if (!fixed.ok()) return BadRequest(fixed.error());
  connect::Connection c = *current;
  Status applied = connect::ApplyConnectionJson(*body, &c);
  if (!applied.ok()) return BadRequest(applied.error());
  if (c.type != current->type) {
    return ErrorReply(422, "invalid_argument",
                      "the type of a connection cannot change; create a new connection instead",
                      "type");
  }
  auto problems = Validate(state, c, ctx.org_id);
  if (!problems.ok()) return FromError(problems.error());
  if (!problems->empty()) return ValidationReply(*problems);
  if (ctx.Query("dry_run") == "true") return JsonReply(nlohmann::json{{"valid", true}});
  auto stored = state.connections->UpdateConnection(ctx.org_id, c);
  if (!stored.ok()) return FromError(stored.error());
  return Answer(*state.store, *stored, 200);
}

Reply Policies(store::Store& store, RequestContext& ctx) {
  std::string format = ctx.Query("format", "json");
  if (format != "json" && format != "cloudformation" && format != "terraform") {
    return ErrorReply(400, "invalid_request", "format must be json, cloudformation or terraform",
                      "format");
  }
  auto c = LoadConnection(store, ctx.org_id, ctx.Param("id"));
  if (!c.ok()) return FromError(c.error());
  auto vendor = RequireVendorFor(store, *c);
  if (!vendor.ok()) return FromError(vendor.error());
  auto ids = ActiveExternalIds(store, ctx.org_id);
  if (!ids.ok()) return FromError(ids.error());
  auto spec = connect::SpecForConnection(*c, *vendor, *ids);
  if (!spec.ok()) return FromError(spec.error());
  std::string base = "crossdock-" + c->name;
  if (format == "cloudformation") {
    auto text = iam::RenderCloudFormation(*spec, true);
    if (!text.ok()) return FromError(text.error());
    Reply r = TextReply(*text, "application/yaml");
    r.headers.emplace_back("Content-Disposition",
                           fmt::format("attachment; filename=\"{}.cfn.yaml\"", base));
    return r;
  }
  if (format == "terraform") {
    auto text = iam::RenderTerraform(*spec);
    if (!text.ok()) return FromError(text.error());
    Reply r = TextReply(*text, "text/plain; charset=utf-8");
    r.headers.emplace_back("Content-Disposition",
                           fmt::format("attachment; filename=\"{}.tf\"", base));
    return r;
  }
  auto policies = iam::GeneratePolicies(*spec);
  if (!policies.ok()) return FromError(policies.error());
  ojson j = iam::ToJson(*spec, *policies);
  j["external_ids"] = *ids;
  j["role_arn"] = c->role_arn;
  return JsonReply(j);
}

// Seed 004's database set-up for a Redshift Serverless connection.
Reply Setup(store::Store& store, RequestContext& ctx) {
  auto c = LoadConnection(store, ctx.org_id, ctx.Param("id"));
  if (!c.ok()) return FromError(c.error());
  auto vendor = RequireVendorFor(store, *c);
  if (!vendor.ok()) return FromError(vendor.error());
  auto ids = ActiveExternalIds(store, ctx.org_id);
  if (!ids.ok()) return FromError(ids.error());
  auto spec = connect::SpecForConnection(*c, *vendor, *ids);
  if (!spec.ok()) return FromError(spec.error());
  auto policies = iam::GeneratePolicies(*spec);
  if (!policies.ok()) return FromError(policies.error());
  std::vector<std::string> schemas;
  std::string list = ctx.Query("schemas", "");
  for (size_t at = 0; at < list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    if (comma > at) schemas.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  auto setup = connect::RedshiftSetupFor(*c, *policies, ctx.Query("db_role", "crossdock"),
                                         std::move(schemas));
  if (!setup.ok()) return FromError(setup.error());
  ojson j = connect::ToJson(*setup);
  j["text"] = connect::FormatSetup(*setup);
  return JsonReply(j);
}

ojson SetupSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "connection": {"type": "string"}, "role_arn": {"type": "string"},
    "db_user": {"type": "string"}, "db_role": {"type": "string"},
    "database": {"type": "string"}, "schemas": {"type": "array", "items": {"type": "string"}},
    "role_sql": {"type": "string"}, "fine_grained_sql": {"type": "string"},
    "tag": {"type": "object", "properties": {"key": {"type": "string"},
      "value": {"type": "string"}, "command": {"type": "string"}}},
    "trust_policy": {"type": "object"}, "text": {"type": "string"}}})");
}

// Built as text from each connection's cached rendering (ConnectionService::
// ListConnectionsJson) with its External ID and drift state appended: the busiest route.
// The three reads share one read transaction (one snapshot).
Reply List(ServiceState& state, RequestContext& ctx) {
  auto page = PageFromQuery(ctx);
  if (!page.ok()) return FromError(page.error());
  store::ConnectionFilter filter{ctx.Query("type"), ctx.Query("name_prefix")};
  store::Page<connect::ConnectionService::ListedConnection> list;
  std::vector<std::string> ids;
  std::vector<std::string> drift;
  Status read = state.store->sql().ReadTransaction([&](store::SqlSession&) -> Status {
    ASSIGN_OR_RETURN(list, state.connections->ListConnectionsJson(ctx.org_id, filter, *page));
    ASSIGN_OR_RETURN(ids, ActiveExternalIds(*state.store, ctx.org_id));
    std::vector<std::string> conn_ids;
    for (const auto& c : list.items) conn_ids.push_back(c.id);
    ASSIGN_OR_RETURN(drift, DriftStateTexts(state, ctx.org_id, conn_ids));
    return OkStatus();
  });
  if (!read.ok()) return FromError(read.error());
  std::string external_id = nlohmann::json(ids.empty() ? "" : ids.front()).dump();
  std::string body = R"({"connections":[)";
  for (size_t i = 0; i < list.items.size(); ++i) {
    const auto& c = list.items[i];
    if (i) body += ',';
    body.append(c.json, 0, c.json.size() - 1);  // without its closing brace
    if (!drift[i].empty()) body += R"(,"drift":)" + drift[i];
    if (iam::TypeInfo(c.type).aws) body += R"(,"external_id":)" + external_id;
    body += '}';
  }
  body += R"(],"next_cursor":)" + NextCursorJson(list.next_cursor).dump() + "}";
  return TextReply(std::move(body), "application/json");
}

std::vector<QueryParameter> ListParameters() {
  std::vector<QueryParameter> q = PageParameters();
  std::vector<std::string> types;
  for (const iam::ConnectionTypeInfo& t : iam::ConnectionTypes()) types.push_back(t.name);
  q.push_back({"type", "only connections of this type", types, ""});
  q.push_back({"name_prefix", "only connections whose name starts with this text", {}, ""});
  return q;
}

ojson PoliciesSchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "type": {"type": "string"}, "permission_policy": {"type": "object"},
    "trust_policy": {"type": "object"}, "operations": {"type": "array"},
    "trust_operations": {"type": "array"}, "notes": {"type": "array"},
    "external_ids": {"type": "array", "items": {"type": "string"}},
    "role_arn": {"type": "string"}}})");
}

}  // namespace

void AddConnectionRoutes(ServiceState& state, RouteTable& routes) {
  store::Store& store = *state.store;
  connect::ConnectionService& service = *state.connections;
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/connection-types",
            .operation_id = "listConnectionTypes",
            .summary = "The connection types (the one table the CLI, the API and the web UI use), "
                       "with the IAM action each of their operations needs",
            .tag = "connections",
            .handler = [](RequestContext&) {
              ojson types = ojson::array();
              for (const iam::ConnectionTypeInfo& t : iam::ConnectionTypes()) {
                ojson ops = ojson::array();
                for (const iam::OperationDef* op : iam::OperationsFor(t.type)) {
                  ojson actions = ojson::array();
                  for (const iam::Requirement& r : op->requirements) actions.push_back(r.action);
                  ops.push_back({{"api", op->api}, {"actions", actions}, {"purpose", op->purpose}});
                }
                types.push_back({{"name", t.name},
                                 {"title", t.title},
                                 {"bucket_label", t.bucket_label},
                                 {"bucket_required", t.bucket_required},
                                 {"role_arn_required", t.role_arn_required},
                                 {"role_only", t.role_only},
                                 {"summary", t.summary},
                                 {"aws", t.aws},
                                 {"operations", ops}});
              }
              return JsonReply(ojson{{"types", types}});
            }});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/connections",
            .operation_id = "listConnections",
            .summary = "The organization's connections by name, a page at a time "
                       "(no secrets)",
            .tag = "connections",
            .query = ListParameters(),
            .response_schema = PagedListSchema("connections", ConnectionOutputSchema()),
            .error_statuses = {422},
            .handler = [&state](RequestContext& ctx) { return List(state, ctx); }});
  routes.push_back(
      Route{.method = "POST",
            .path = "/v1/connections",
            .operation_id = "createConnection",
            .summary = "Create a connection (S3, Databricks or Redshift Serverless; IAM role or "
                       "access key); answers with the External ID to put in the trust policy",
            .tag = "connections",
            .query = {{"dry_run",
                       "true: only validate (200 {\"valid\": true}, or 422 with every field "
                       "error); nothing is stored",
                       {"true", "false"},
                       "false"}},
            .request_schema = ConnectionInputSchema(),
            .response_schema = ConnectionOutputSchema(),
            .success_status = 201,
            .error_statuses = {409, 422},
            .outbound = true,
            .handler = [&state](RequestContext& ctx) { return Create(state, ctx); }});
  routes.push_back(Route{.method = "GET",
                         .path = "/v1/connections/{id}",
                         .operation_id = "getConnection",
                         .summary = "One connection (no secrets)",
                         .tag = "connections",
                         .response_schema = ConnectionOutputSchema(),
                         .error_statuses = {404},
                         .handler = [&store, &service](RequestContext& ctx) {
                           auto c = service.GetConnection(ctx.org_id, ctx.Param("id"));
                           return c.ok() ? Answer(store, *c, 200) : FromError(c.error());
                         }});
  routes.push_back(Route{.method = "PATCH",
                         .path = "/v1/connections/{id}",
                         .operation_id = "updateConnection",
                         .summary =
                             "Change some fields of a connection; secrets: a string replaces, null "
                             "removes, absent keeps",
                         .tag = "connections",
                         .query = {{"dry_run",
                                    "true: only validate the changed connection (200 {\"valid\": "
                                    "true}, or 422 with every field error); nothing is stored",
                                    {"true", "false"},
                                    "false"}},
                         .request_schema = ConnectionInputSchema(),
                         .response_schema = ConnectionOutputSchema(),
                         .error_statuses = {404, 409, 422},
                         .outbound = true,
                         .handler = [&state](RequestContext& ctx) { return Update(state, ctx); }});
  routes.push_back(Route{.method = "DELETE",
                         .path = "/v1/connections/{id}",
                         .operation_id = "deleteConnection",
                         .summary = "Delete a connection and its stored secrets",
                         .tag = "connections",
                         .success_status = 204,
                         .error_statuses = {404},
                         .handler = [&service](RequestContext& ctx) {
                           Status st = service.DeleteConnection(ctx.org_id, ctx.Param("id"));
                           return st.ok() ? NoContent() : FromError(st.error());
                         }});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/connections/{id}/policies",
            .operation_id = "getConnectionPolicies",
            .summary = "The permission and trust policies this connection needs, as JSON, a "
                       "CloudFormation template or Terraform",
            .tag = "connections",
            .query = {{"format",
                       "json (default), cloudformation (YAML) or terraform",
                       {"json", "cloudformation", "terraform"},
                       "json"}},
            .response_schema = PoliciesSchema(),
            .error_statuses = {400, 404, 409, 422},
            .handler = [&store](RequestContext& ctx) { return Policies(store, ctx); }});
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/connections/{id}/setup",
            .operation_id = "getConnectionSetup",
            .summary = "A Redshift Serverless connection's database set-up: CREATE ROLE and "
                       "GRANT statements, the RedshiftDbRoles tag and the trust policy",
            .tag = "connections",
            .query = {{"db_role", "the Redshift role to create", {}, "crossdock"},
                      {"schemas", "comma-separated schemas syncs write to", {}, "public"}},
            .response_schema = SetupSchema(),
            .error_statuses = {400, 404, 409, 422},
            .handler = [&store](RequestContext& ctx) { return Setup(store, ctx); }});
}

}  // namespace crossdock::server
