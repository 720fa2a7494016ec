// `crossdock identity`, `crossdock identity set` and `crossdock identity unset`: the vendor
// principal customers trust, one per partition (aws, aws-us-gov, aws-cn; configured once per
// installation), the organization's External ID(s) and an example trust policy to paste into
// the customer's role, as Imply Polaris shows it.
//
// Exit codes (commands.h): 0 success (also when no vendor identity is configured yet: the
// output says how to set it), 2 invalid input, 3 database failures.
#include <iostream>
#include <memory>

#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"
#include "crossdock/connect/vendor_identity.h"
#include "crossdock/iam/generate.h"

namespace crossdock::cli {
namespace {

struct IdentityOptions {
  GlobalOptions global;
  std::string partition = "aws";
  std::string account_id;
  std::string role_arn;
};

nlohmann::json IdentityJson(const store::VendorIdentity& v) {
  return {{"partition", v.partition},
          {"account_id", v.account_id},
          {"role_arn", v.role_arn.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.role_arn)},
          {"principal", iam::VendorPrincipalArn(v.partition, v.account_id, v.role_arn)}};
}

int RunShow(const IdentityOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("identity", ctx.error());
  auto view = ctx->service->Identity(ctx->org.id);
  if (!view.ok()) return ReportError("identity", view.error());
  if (ctx->json) {
    nlohmann::json out;
    out["organization"] = view->organization;
    // "vendor" is the aws partition's (as before partitions); "vendors" all of them.
    out["vendor"] = nullptr;
    if (view->vendor) {
      out["vendor"] = {
          {"account_id", view->vendor->account_id},
          {"role_arn", view->vendor->role_arn.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(view->vendor->role_arn)}};
    }
    out["vendors"] = nlohmann::json::array();
    for (const auto& v : view->vendors) out["vendors"].push_back(IdentityJson(v));
    out["external_ids"] = {
        {"current", view->external_ids.current},
        {"previous", view->external_ids.previous ? nlohmann::json(*view->external_ids.previous)
                                                 : nlohmann::json(nullptr)}};
    out["example_trust_policy"] = view->example_trust_policy;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Organization:   " << view->organization << "\n";
  for (std::string_view partition : connect::kVendorPartitions) {
    const store::VendorIdentity* v = nullptr;
    for (const auto& each : view->vendors) {
      if (each.partition == partition) v = &each;
    }
    std::cout << "Vendor (" << partition << "):" << std::string(12 - partition.size(), ' ');
    if (v == nullptr) {
      std::cout << "not configured; run `" << connect::SetVendorIdentityCommand(partition)
                << " [--role-arn ARN]`\n";
      continue;
    }
    std::cout << iam::VendorPrincipalArn(v->partition, v->account_id, v->role_arn) << "\n";
  }
  std::cout << "External ID:    " << view->external_ids.current << "\n";
  if (view->external_ids.previous) {
    std::cout << "Previous ID:    " << *view->external_ids.previous
              << " (still accepted until `crossdock org rotate-external-id --confirm`)\n";
  }
  if (view->vendor) {
    std::cout << "\nExample trust policy for a customer's role (aws partition):\n"
              << view->example_trust_policy.dump(2) << "\n";
  }
  return kExitOk;
}

int RunSet(const IdentityOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("identity set", ctx.error());
  store::VendorIdentity v;
  v.partition = o.partition;
  v.account_id = o.account_id;
  v.role_arn = o.role_arn;
  Status st = ctx->service->SetVendorIdentity(v);
  if (!st.ok()) return ReportError("identity set", st.error());
  return RunShow(o);
}

int RunUnset(const IdentityOptions& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("identity unset", ctx.error());
  Status st = ctx->service->UnsetVendorIdentity(o.partition);
  if (!st.ok()) return ReportError("identity unset", st.error());
  return RunShow(o);
}

}  // namespace

void AddIdentityCommands(CLI::App& app) {
  auto o = std::make_shared<IdentityOptions>();
  CLI::App* identity = app.add_subcommand(
      "identity",
      "The vendor principal of each partition, the organization's External ID(s) and an example "
      "trust policy");
  identity->require_subcommand(0, 1);
  AddGlobalOptions(*identity, o->global);
  const std::vector<std::string> partitions(connect::kVendorPartitions.begin(),
                                            connect::kVendorPartitions.end());
  CLI::App* set = Leaf(identity->add_subcommand(
      "set",
      "Configure the vendor AWS account (and optionally the one role) customers trust in a "
      "partition"));
  set->add_option("--partition", o->partition,
                  "The partition: aws (commercial, default), aws-us-gov (GovCloud) or aws-cn "
                  "(China); connections use the one of their region")
      ->check(CLI::IsMember(partitions));
  set->add_option("--account-id", o->account_id,
                  "The vendor's 12-digit AWS account id in that partition")
      ->required();
  set->add_option("--role-arn", o->role_arn,
                  "Restrict trust to this vendor role (in that partition) instead of the whole "
                  "account");
  set->callback([o] { ExitWith(RunSet(*o)); });
  CLI::App* unset =
      Leaf(identity->add_subcommand("unset", "Remove the vendor identity of a partition"));
  unset->add_option("--partition", o->partition, "aws, aws-us-gov or aws-cn")
      ->required()
      ->check(CLI::IsMember(partitions));
  unset->callback([o] { ExitWith(RunUnset(*o)); });
  identity->callback([o, identity, set, unset] {
    if (identity->got_subcommand(set) || identity->got_subcommand(unset)) return;
    ExitWith(RunShow(*o));
  });
}

}  // namespace crossdock::cli
