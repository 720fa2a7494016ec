// `crossdock identity` and `crossdock identity set`: the vendor principal customers trust
// (configured once per installation), the organization's External ID(s) and an example trust
// policy to paste into the customer's role, as Imply Polaris shows it.
//
// Exit codes (commands.h): 0 success (also when no vendor identity is configured yet: the
// output says how to set it), 2 invalid input, 3 database failures.
#include <iostream>
#include <memory>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"

namespace crossdock::cli {
namespace {

struct IdentityOptions {
  GlobalOptions global;
  std::string account_id;
  std::string role_arn;
};

int RunShow(const IdentityOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("identity", ctx.error());
  auto view = ctx->service->Identity(ctx->org.id);
  if (!view.ok()) return ReportError("identity", view.error());
  if (ctx->json) {
    nlohmann::json out;
    out["organization"] = view->organization;
    out["vendor"] = nullptr;
    if (view->vendor) {
      out["vendor"] = {
          {"account_id", view->vendor->account_id},
          {"role_arn", view->vendor->role_arn.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(view->vendor->role_arn)}};
    }
    out["external_ids"] = {
        {"current", view->external_ids.current},
        {"previous", view->external_ids.previous ? nlohmann::json(*view->external_ids.previous)
                                                 : nlohmann::json(nullptr)}};
    out["example_trust_policy"] = view->example_trust_policy;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Organization:  " << view->organization << "\n";
  if (view->vendor) {
    std::cout << "Vendor account: " << view->vendor->account_id << "\n";
    if (!view->vendor->role_arn.empty()) {
      std::cout << "Vendor role:    " << view->vendor->role_arn << "\n";
    }
  } else {
    std::cout << "Vendor account: not configured; run `crossdock identity set --account-id "
                 "123456789012 [--role-arn ARN]`\n";
  }
  std::cout << "External ID:    " << view->external_ids.current << "\n";
  if (view->external_ids.previous) {
    std::cout << "Previous ID:    " << *view->external_ids.previous
              << " (still accepted until `crossdock org rotate-external-id --confirm`)\n";
  }
  if (view->vendor) {
    std::cout << "\nExample trust policy for the customer's role:\n"
              << view->example_trust_policy.dump(2) << "\n";
  }
  return kExitOk;
}

int RunSet(const IdentityOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("identity set", ctx.error());
  Status st = ctx->service->SetVendorIdentity(o.account_id, o.role_arn);
  if (!st.ok()) return ReportError("identity set", st.error());
  return RunShow(o);
}

}  // namespace

void AddIdentityCommands(CLI::App& app) {
  auto o = std::make_shared<IdentityOptions>();
  CLI::App* identity = app.add_subcommand(
      "identity",
      "The vendor principal, the organization's External ID(s) and an example trust policy");
  identity->require_subcommand(0, 1);
  AddGlobalOptions(*identity, o->global);
  CLI::App* set = Leaf(identity->add_subcommand(
      "set", "Configure the vendor AWS account (and optionally the one role) customers trust"));
  set->add_option("--account-id", o->account_id, "The vendor's 12-digit AWS account id")
      ->required();
  set->add_option("--role-arn", o->role_arn,
                  "Restrict trust to this vendor role instead of the whole account");
  set->callback([o] { ExitWith(RunSet(*o)); });
  identity->callback([o, identity, set] {
    if (identity->got_subcommand(set)) return;
    ExitWith(RunShow(*o));
  });
}

}  // namespace crossdock::cli
