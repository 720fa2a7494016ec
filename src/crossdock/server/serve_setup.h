// What `crossdock serve` does to a store before serving: the first organization and its
// admin token on a fresh database, the vendor identity from flags, the demo's prepared role,
// and the optional routes (demo, connection test) for the server's route table.
//
// Kept out of the CLI so that tests run exactly the start-up the binary runs. The admin token
// is returned once to the caller (which prints it) and stored only as its hash; on later
// starts no token is issued. It does not open the store or read flags.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/http/outbound_policy.h"
#include "crossdock/http/transport.h"
#include "crossdock/server/demo.h"
#include "crossdock/server/route.h"
#include "crossdock/store/store.h"

namespace crossdock::server {

// The vendor identity of one partition from serve's flags.
struct VendorFlags {
  std::string partition;     // "aws", "aws-us-gov", "aws-cn"
  std::string account_flag;  // "--vendor-account-id": named in errors
  std::string role_flag;     // "--vendor-role-arn"
  std::string account;       // set the partition's identity when not empty
  std::string role_arn;      // with account
};

struct SetupOptions {
  std::string org_name = "default";
  std::string vendor_account;   // the aws partition's identity when not empty
  std::string vendor_role_arn;  // with vendor_account
  // The other partitions' identities (--vendor-us-gov-account-id, --vendor-cn-account-id...).
  std::vector<VendorFlags> other_vendors;
};

struct SetupResult {
  std::string org_id;       // the first organization (created now or found)
  std::string admin_token;  // only when created now: print once, never store
  // The instance-admin token (instance_admin.h), only when issued now (the first start on
  // this store): print once, never store.
  std::string instance_admin_token;
};

// Creates the first organization with its External ID and an admin token when the store has
// no organization, and the instance-admin token when the store has none; sets each partition's
// vendor identity given (kInvalidArgument naming the flag, before anything is stored). Nodes
// starting at once on one database agree: one creates the organization and gets the token, the
// others find that organization (admin_token empty).
Result<SetupResult> PrepareStore(store::Store& store, const SetupOptions& options);

// Demo: creates or updates DemoPeers::kRoleName in the pretend account with the policies an
// S3 connection to RGW_BUCKET/demo needs, trusting the vendor with the organization's
// External ID(s).
Status PrepareDemoRole(store::Store& store, const std::string& org_id, const DemoPeers& peers);

// Demo: a new admin token for the organization, named "demo-<unix ms>", revoking earlier
// demo tokens, so that every demo start prints one a newcomer can use. Returns the token.
Result<std::string> IssueDemoToken(store::Store& store, const std::string& org_id);

struct ExtraRoutesOptions {
  std::shared_ptr<const DemoPeers> demo;  // demo routes when set
  std::string sts_endpoint;               // connection tests: STS endpoint override
  std::string s3_endpoint;                // connection tests: S3 endpoint override
  // Connection tests' HTTP transport (null: a new CurlTransport); tests record through it.
  std::shared_ptr<http::HttpTransport> transport;
  // Connection tests of postgres connections: the tenants' outbound policy (null: public
  // addresses only).
  std::shared_ptr<const http::OutboundPolicy> outbound;
};

// The demo routes (with `demo`) and the connection test route.
RouteTable ExtraRoutes(store::Store& store, const ExtraRoutesOptions& options);

}  // namespace crossdock::server
