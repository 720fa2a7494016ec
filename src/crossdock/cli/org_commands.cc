// `crossdock org list|create|show|set|rotate-external-id|rotate-admin-token`: organizations,
// their role-only setting and External ID rotation with overlap (rotate: a new ID, the old one
// still offered; --confirm: the old one retired for good), and the instance-admin token.
//
// Exit codes (commands.h): 0 success, 2 invalid input or a state conflict (a rotation
// already in progress, nothing to confirm, access-key connections blocking role-only),
// 3 database failures.
#include <iostream>
#include <memory>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"
#include "crossdock/cli/list_paging.h"
#include "crossdock/core/text.h"
#include "crossdock/core/time_format.h"
#include "crossdock/server/instance_admin.h"

namespace crossdock::cli {
namespace {

struct OrgOptions {
  GlobalOptions global;
  std::string name;
  bool role_only = false;
  std::string role_only_value;
  bool confirm = false;
  PageFlags page;
};

nlohmann::json OrgJson(const store::Organization& org, const connect::ExternalIds& ids) {
  return {{"id", org.id},
          {"name", org.name},
          {"role_only", org.role_only},
          {"external_ids",
           {{"current", ids.current},
            {"previous", ids.previous ? nlohmann::json(*ids.previous) : nlohmann::json(nullptr)}}},
          {"created_at", FormatIso8601(org.created_at)}};
}

int PrintOrg(const Context& ctx, const store::Organization& org) {
  auto ids = ctx.service->GetExternalIds(org.id);
  if (!ids.ok()) return ReportError("org", ids.error());
  if (ctx.json) {
    std::cout << OrgJson(org, *ids).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Organization: " << EscapeForTerminal(org.name) << " (" << org.id << ")\n"
            << "Role only:    " << (org.role_only ? "yes (access keys are refused)" : "no") << "\n"
            << "External ID:  " << ids->current << "\n";
  if (ids->previous) {
    std::cout << "Previous ID:  " << *ids->previous
              << " (accepted until `crossdock org rotate-external-id --confirm`)\n";
  }
  return kExitOk;
}

int RunList(const OrgOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("org list", ctx.error());
  auto orgs = FetchPages<store::Organization>(
      o.page, [&](const store::PageRequest& page) { return ctx->store->ListOrganizations(page); });
  if (!orgs.ok()) return ReportError("org list", orgs.error());
  PrintNextCursor(*orgs);
  if (ctx->json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& org : orgs->items) {
      auto ids = ctx->service->GetExternalIds(org.id);
      if (!ids.ok()) return ReportError("org list", ids.error());
      out.push_back(OrgJson(org, *ids));
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& org : orgs->items) {
    rows.push_back({org.name, org.id, org.role_only ? "yes" : "no", FormatIso8601(org.created_at)});
  }
  PrintTable({"NAME", "ID", "ROLE-ONLY", "CREATED"}, rows);
  return kExitOk;
}

int RunCreate(const OrgOptions& o) {
  GlobalOptions g = o.global;
  g.org.clear();  // open with the default organization; the new one is created below
  auto ctx = OpenContext(g);
  if (!ctx.ok()) return ReportError("org create", ctx.error());
  if (Status printable = CheckDisplayName(o.name, "name"); !printable.ok()) {
    return ReportError("org create", printable.error());
  }
  auto org = ctx->service->CreateOrganization(o.name, o.role_only);
  if (!org.ok()) return ReportError("org create", org.error());
  // The organization's first API token, shown this once (the store keeps its hash only).
  auto token = ctx->service->IssueApiToken(org->id, "admin");
  if (!token.ok()) return ReportError("org create", token.error());
  if (ctx->json) {
    auto ids = ctx->service->GetExternalIds(org->id);
    if (!ids.ok()) return ReportError("org create", ids.error());
    nlohmann::json out = OrgJson(*org, *ids);
    out["admin_token"] = token->token;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  int rc = PrintOrg(*ctx, *org);
  std::cout << "\nAdmin API token (shown once; keep it secret):\n  " << token->token << "\n";
  return rc;
}

int RunRotateAdminToken(const OrgOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("org rotate-admin-token", ctx.error());
  auto token = server::RotateInstanceAdminToken(*ctx->store);
  if (!token.ok()) return ReportError("org rotate-admin-token", token.error());
  if (ctx->json) {
    std::cout << nlohmann::json{{"instance_admin_token", *token}}.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "New instance-admin token (shown once; the previous one no longer works):\n  "
            << *token << "\n";
  return kExitOk;
}

int RunShow(const OrgOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("org show", ctx.error());
  return PrintOrg(*ctx, ctx->org);
}

int RunSet(const OrgOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("org set", ctx.error());
  auto org = ctx->service->SetRoleOnly(ctx->org.id, o.role_only_value == "on");
  if (!org.ok()) return ReportError("org set", org.error());
  return PrintOrg(*ctx, *org);
}

int RunRotate(const OrgOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("org rotate-external-id", ctx.error());
  auto ids = o.confirm ? ctx->service->ConfirmExternalIdRotation(ctx->org.id)
                       : ctx->service->RotateExternalId(ctx->org.id);
  if (!ids.ok()) return ReportError("org rotate-external-id", ids.error());
  if (ctx->json) {
    std::cout << OrgJson(ctx->org, *ids).dump(2) << "\n";
    return kExitOk;
  }
  if (o.confirm) {
    std::cout << "Rotation confirmed. External ID: " << ids->current
              << "\nThe previous ID is retired: crossdock no longer uses it and it will never "
                 "be issued again.\n";
  } else {
    std::cout << "New External ID:      " << ids->current << "\n"
              << "Previous External ID: " << ids->previous.value_or("") << "\n\n"
              << "Both are offered now. Add the new ID to each customer role's trust policy "
                 "(sts:ExternalId may list both; `crossdock identity` prints an example), then "
                 "run `crossdock org rotate-external-id --confirm` to retire the previous one.\n";
  }
  return kExitOk;
}

}  // namespace

void AddOrgCommands(CLI::App& app) {
  auto o = std::make_shared<OrgOptions>();
  CLI::App* group =
      app.add_subcommand("org", "Organizations: role-only setting and External ID rotation");
  group->require_subcommand(1);
  AddGlobalOptions(*group, o->global);

  CLI::App* list = Leaf(group->add_subcommand("list", "List organizations"));
  AddPageFlags(list, &o->page);
  list->callback([o] { ExitWith(RunList(*o)); });
  CLI::App* create = Leaf(group->add_subcommand(
      "create", "Create an organization and print its first admin API token (shown once)"));
  create->add_option("NAME", o->name, "Organization name")->required();
  create->add_flag("--role-only", o->role_only, "Allow IAM roles only (no access keys)");
  create->callback([o] { ExitWith(RunCreate(*o)); });
  Leaf(group->add_subcommand("show", "Show the organization (--org)"))->callback([o] {
    ExitWith(RunShow(*o));
  });
  CLI::App* set = Leaf(group->add_subcommand("set", "Change the organization's settings"));
  set->add_option("--role-only", o->role_only_value, "on: refuse access-key connections")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  set->callback([o] { ExitWith(RunSet(*o)); });
  CLI::App* rotate = Leaf(group->add_subcommand(
      "rotate-external-id",
      "Start an External ID rotation (new and old both offered); --confirm retires the old"));
  rotate->add_flag("--confirm", o->confirm,
                   "Finish the rotation: retire the previous External ID for good");
  rotate->callback([o] { ExitWith(RunRotate(*o)); });
  Leaf(group->add_subcommand("rotate-admin-token",
                             "Replace the instance-admin token (POST /v1/admin/organizations) "
                             "and print the new one once; the old one stops working"))
      ->callback([o] { ExitWith(RunRotateAdminToken(*o)); });
}

}  // namespace crossdock::cli
