#include "crossdock/server/serve_setup.h"

#include <fmt/format.h>

#include <chrono>

#include "crossdock/connect/external_id.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/vendor_identity.h"
#include "crossdock/crypto/token_hash.h"
#include "crossdock/iam/arn.h"
#include "crossdock/iam/generate.h"
#include "crossdock/server/instance_admin.h"
#include "crossdock/server/service_state.h"

namespace crossdock::server {

Result<SetupResult> PrepareStore(store::Store& store, const SetupOptions& options) {
  SetupResult result;
  std::vector<VendorFlags> flags = {{"aws", "--vendor-account-id", "--vendor-role-arn",
                                     options.vendor_account, options.vendor_role_arn}};
  flags.insert(flags.end(), options.other_vendors.begin(), options.other_vendors.end());
  std::vector<store::VendorIdentity> identities;
  for (const VendorFlags& f : flags) {
    if (f.account.empty()) {
      if (!f.role_arn.empty()) {
        return Error(ErrorCode::kInvalidArgument,
                     fmt::format("{} needs {} (the account the role belongs to)", f.role_flag,
                                 f.account_flag),
                     f.account_flag.substr(2));
      }
      continue;
    }
    store::VendorIdentity v;
    v.partition = f.partition;
    v.account_id = f.account;
    v.role_arn = f.role_arn;
    Status valid = connect::ValidateVendorIdentity(v);
    if (!valid.ok()) {
      const std::string& flag = valid.error().field() == "role_arn" ? f.role_flag : f.account_flag;
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("{} \"{}\": {}", flag,
                               valid.error().field() == "role_arn" ? f.role_arn : f.account,
                               valid.error().message()),
                   flag.substr(2));
    }
    identities.push_back(std::move(v));
  }
  for (const store::VendorIdentity& v : identities) RETURN_IF_ERROR(store.SetVendorIdentity(v));
  ASSIGN_OR_RETURN(auto instance_admin, EnsureInstanceAdminToken(store));
  if (instance_admin) result.instance_admin_token = std::move(*instance_admin);
  ASSIGN_OR_RETURN(auto orgs, store.ListOrganizations(store::PageRequest{1, {}}));
  if (!orgs.items.empty()) {
    auto named = store.FindOrganizationByName(options.org_name);
    result.org_id = named.ok() ? named->id : orgs.items.front().id;
    return result;
  }
  auto org = store.CreateOrganization(options.org_name, false, connect::GenerateExternalId());
  if (!org.ok() && org.error().code() == ErrorCode::kAlreadyExists) {
    // Another node on the same database started at the same moment and created it first:
    // join it (that node prints the admin token).
    ASSIGN_OR_RETURN(auto existing, store.FindOrganizationByName(options.org_name));
    result.org_id = existing.id;
    return result;
  }
  if (!org.ok()) return org.error();
  crypto::IssuedToken issued = crypto::IssueToken();
  store::ApiToken token;
  token.org_id = org->id;
  token.name = "admin";
  token.token_hash = issued.hash;
  token.hint = issued.hint;
  ASSIGN_OR_RETURN(auto stored, store.CreateApiToken(token));
  (void)stored;
  result.org_id = org->id;
  result.admin_token = issued.token;
  return result;
}

Result<std::string> IssueDemoToken(store::Store& store, const std::string& org_id) {
  ASSIGN_OR_RETURN(auto tokens,
                   store::CollectPages<store::ApiToken>([&](const store::PageRequest& page) {
                     return store.ListApiTokens(org_id, page);
                   }));
  for (const auto& t : tokens) {
    if (t.name.starts_with("demo-") && !t.revoked_at) {
      RETURN_IF_ERROR(store.RevokeApiToken(org_id, t.id));
    }
  }
  crypto::IssuedToken issued = crypto::IssueToken();
  store::ApiToken token;
  token.org_id = org_id;
  token.name = fmt::format("demo-{}", std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  token.token_hash = issued.hash;
  token.hint = issued.hint;
  ASSIGN_OR_RETURN(auto stored, store.CreateApiToken(token));
  (void)stored;
  return issued.token;
}

Status PrepareDemoRole(store::Store& store, const std::string& org_id, const DemoPeers& peers) {
  ASSIGN_OR_RETURN(auto ids, ActiveExternalIds(store, org_id));
  connect::Connection c;
  c.type = connect::ConnectionType::kS3;
  c.auth_method = connect::AuthMethod::kIamRole;
  c.role_arn = peers.RoleArn();
  c.region = peers.Get("RGW_REGION").empty() ? "us-east-1" : peers.Get("RGW_REGION");
  ASSIGN_OR_RETURN(auto vendor, RequireVendor(store, c.region));
  c.bucket = peers.Get("RGW_BUCKET");
  c.path = DemoPeers::kPrefix;
  ASSIGN_OR_RETURN(auto spec, connect::SpecForConnection(c, vendor, ids));
  ASSIGN_OR_RETURN(auto policies, iam::GeneratePolicies(spec));
  return ApplyRolePolicies(peers, DemoPeers::kRoleName, policies.trust_policy.dump(),
                           policies.permission_policy.dump());
}

}  // namespace crossdock::server
