// `crossdock connection create|list|show|update|delete`: connections of an organization on
// the command line, over connect::ConnectionService. Also registers the `identity` and `org`
// groups (identity_commands.cc, org_commands.cc).
//
// Output is a table (or key: value lines for one connection) by default and the REST API's
// JSON with --format json. Secrets are never printed: only whether each is set. Exit codes
// (commands.h): 0 success, 2 invalid input, a missing connection, a duplicate name or a state
// conflict, 3 database or I/O failures.
#include <iostream>
#include <memory>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"
#include "crossdock/cli/connection_flags.h"
#include "crossdock/cli/list_paging.h"
#include "crossdock/connect/connection_json.h"
#include "crossdock/core/time_format.h"

namespace crossdock::cli {
namespace {

using connect::AuthMethod;
using connect::Connection;
using connect::ConnectionType;

std::string When(TimePoint t) { return t == TimePoint{} ? "" : FormatIso8601(t); }
std::string SetOrNot(const connect::Secret& s) { return s.is_set ? "set" : "not set"; }

void AwsFields(const Connection& c, const connect::ExternalIds* ids,
               std::vector<std::pair<std::string, std::string>>& kv) {
  kv.push_back({"auth method", connect::AuthMethodName(c.auth_method)});
  if (c.auth_method == AuthMethod::kAccessKey) {
    kv.push_back({"access key id", c.access_key_id});
    kv.push_back({"secret access key", SetOrNot(c.secret_access_key)});
  } else {
    kv.push_back({"role ARN", c.role_arn});
  }
  kv.push_back({"region", c.region});
  if (!c.bucket.empty()) kv.push_back({"bucket", connect::BucketWithPath(c)});
  if (c.type == ConnectionType::kDatabricks) {
    const auto& d = c.databricks;
    kv.push_back({"workspace URL", d.workspace_url});
    kv.push_back({"SQL warehouse id", d.warehouse_id});
    kv.push_back({"token", SetOrNot(d.token)});
    if (!d.storage_credential.empty()) kv.push_back({"storage credential", d.storage_credential});
    if (!d.external_id.empty()) kv.push_back({"Databricks External ID", d.external_id});
  }
  if (c.type == ConnectionType::kRedshiftServerless) {
    const auto& r = c.redshift;
    kv.push_back({"workgroup", r.workgroup});
    kv.push_back({"database", r.database});
    kv.push_back({"access", connect::RedshiftAccessName(r.access)});
    if (r.access == connect::RedshiftAccess::kVpcEndpoint) {
      kv.push_back(
          {"VPC endpoint", r.vpc_endpoint_host + ":" + std::to_string(r.vpc_endpoint_port)});
    }
    kv.push_back({"unload to S3", r.unload_enabled ? "on" : "off"});
    if (r.unload_enabled) {
      std::string b = r.unload_bucket + (r.unload_path.empty() ? "" : "/" + r.unload_path);
      kv.push_back({"unload bucket", b + " (" + r.unload_region + ")"});
    }
  }
  if (ids != nullptr && c.auth_method == AuthMethod::kIamRole) {
    std::string text = ids->current;
    if (ids->previous) text += " (and " + *ids->previous + " until the rotation is confirmed)";
    kv.push_back({"External ID", text});
  }
}

void PrintConnection(const Connection& c, const connect::ExternalIds* ids) {
  std::vector<std::pair<std::string, std::string>> kv = {
      {"name", c.name}, {"id", c.id}, {"type", connect::ConnectionTypeName(c.type)}};
  if (c.type == ConnectionType::kPostgres) {
    const auto& p = c.postgres;
    kv.push_back({"server", p.host + ":" + std::to_string(p.port)});
    kv.push_back({"database", p.database});
    kv.push_back({"user", p.user});
    kv.push_back({"password", SetOrNot(p.password)});
    kv.push_back({"sslmode", p.sslmode});
  } else {
    AwsFields(c, ids, kv);
  }
  kv.push_back({"created", When(c.created_at)});
  kv.push_back({"updated", When(c.updated_at)});
  std::size_t width = 0;
  for (const auto& [k, v] : kv) width = std::max(width, k.size());
  for (const auto& [k, v] : kv) {
    std::cout << k << ":" << std::string(width - k.size() + 2, ' ') << v << "\n";
  }
}

void PrintOne(const Context& ctx, const Connection& c) {
  if (ctx.json) {
    std::cout << connect::ConnectionToJson(c).dump(2) << "\n";
    return;
  }
  auto ids = ctx.service->GetExternalIds(ctx.org.id);
  PrintConnection(c, ids.ok() ? &*ids : nullptr);
}

struct Shared {
  GlobalOptions global;
  ConnectionFlags create_flags;
  ConnectionFlags update_flags;
  std::string name;
  PageFlags page;
  store::ConnectionFilter filter;
};

int RunCreate(Shared& s) {
  auto ctx = OpenContext(s.global);
  if (!ctx.ok()) return ReportError("connection create", ctx.error());
  Connection c;
  Status applied = s.create_flags.Apply(&c);
  if (!applied.ok()) return ReportError("connection create", applied.error());
  auto created = ctx->service->CreateConnection(ctx->org.id, std::move(c));
  if (!created.ok()) return ReportError("connection create", created.error());
  PrintOne(*ctx, *created);
  if (!ctx->json && created->auth_method == AuthMethod::kIamRole) {
    std::cout << "\nNext: let crossdock assume " << created->role_arn
              << " with the External ID above; `crossdock identity` prints an example trust "
                 "policy.\n";
  }
  return kExitOk;
}

int RunList(Shared& s) {
  auto ctx = OpenContext(s.global);
  if (!ctx.ok()) return ReportError("connection list", ctx.error());
  auto list = FetchPages<Connection>(s.page, [&](const store::PageRequest& page) {
    return ctx->service->ListConnections(ctx->org.id, s.filter, page);
  });
  if (!list.ok()) return ReportError("connection list", list.error());
  PrintNextCursor(*list);
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : list->items) out.push_back(connect::ConnectionToJson(c));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (list->items.empty()) {
    std::cout << "No connections in organization \"" << ctx->org.name
              << "\". Create one with `crossdock connection create`.\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : list->items) {
    rows.push_back({c.name, connect::ConnectionTypeName(c.type),
                    connect::AuthMethodName(c.auth_method), c.region, connect::BucketWithPath(c),
                    When(c.updated_at)});
  }
  PrintTable({"NAME", "TYPE", "AUTH", "REGION", "BUCKET", "UPDATED"}, rows);
  return kExitOk;
}

int RunShow(Shared& s) {
  auto ctx = OpenContext(s.global);
  if (!ctx.ok()) return ReportError("connection show", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, s.name);
  if (!c.ok()) return ReportError("connection show", c.error());
  PrintOne(*ctx, *c);
  return kExitOk;
}

int RunUpdate(Shared& s) {
  auto ctx = OpenContext(s.global);
  if (!ctx.ok()) return ReportError("connection update", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, s.name);
  if (!c.ok()) return ReportError("connection update", c.error());
  Connection edit = *c;
  Status applied = s.update_flags.Apply(&edit);
  if (!applied.ok()) return ReportError("connection update", applied.error());
  edit.id = c->id;
  auto updated = ctx->service->UpdateConnection(ctx->org.id, std::move(edit));
  if (!updated.ok()) return ReportError("connection update", updated.error());
  PrintOne(*ctx, *updated);
  return kExitOk;
}

int RunDelete(Shared& s) {
  auto ctx = OpenContext(s.global);
  if (!ctx.ok()) return ReportError("connection delete", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, s.name);
  if (!c.ok()) return ReportError("connection delete", c.error());
  Status st = ctx->service->DeleteConnection(ctx->org.id, c->id);
  if (!st.ok()) return ReportError("connection delete", st.error());
  if (ctx->json) {
    std::cout << nlohmann::json({{"deleted", c->id}, {"name", c->name}}).dump(2) << "\n";
  } else {
    std::cout << "Deleted connection \"" << c->name << "\" (" << c->id << ").\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterConnectionCommands(CLI::App& app) {
  auto s = std::make_shared<Shared>();
  CLI::App* group = app.add_subcommand(
      "connection", "Connections to customer AWS resources: S3, Databricks, Redshift Serverless");
  group->require_subcommand(1);
  AddGlobalOptions(*group, s->global);

  CLI::App* create = Leaf(group->add_subcommand(
      "create", "Validate and save a connection (secrets are encrypted, never printed)"));
  s->create_flags.Register(create, /*for_update=*/false);
  create->callback([s] { ExitWith(RunCreate(*s)); });

  CLI::App* list = Leaf(group->add_subcommand("list", "List the organization's connections"));
  AddPageFlags(list, &s->page);
  list->add_option("--type", s->filter.type, "Only connections of this type");
  list->add_option("--name-prefix", s->filter.name_prefix,
                   "Only connections whose name starts with this text");
  list->callback([s] { ExitWith(RunList(*s)); });

  CLI::App* show = Leaf(group->add_subcommand("show", "Show one connection (secrets: set or not)"));
  show->add_option("NAME", s->name, "Connection name or id")->required();
  show->callback([s] { ExitWith(RunShow(*s)); });

  CLI::App* update = Leaf(
      group->add_subcommand("update", "Change the given fields of a connection; the others stay"));
  update->add_option("NAME", s->name, "Connection name or id")->required();
  s->update_flags.Register(update, /*for_update=*/true);
  update->callback([s] { ExitWith(RunUpdate(*s)); });

  CLI::App* del = Leaf(group->add_subcommand("delete", "Delete a connection"));
  del->add_option("NAME", s->name, "Connection name or id")->required();
  del->callback([s] { ExitWith(RunDelete(*s)); });

  AddIdentityCommands(app);
  AddOrgCommands(app);
}

}  // namespace crossdock::cli
