// `crossdock serve --demo`: the project's test peers (Ceph RGW with S3, STS and IAM behind
// the External ID front) started as a pretend customer AWS account, and the one-click
// "apply the generated policies to the pretend account" action, so a newcomer can walk the
// whole flow without an AWS account.
//
// StartDemoPeers runs scripts/peers/start.sh (idempotent: a running set is reused) and reads
// the variables it exports; SeedDemoSamples puts sample files in the demo bucket and a sample
// table in the demo PostgreSQL (scripts/peers/seed_demo.py); StopDemoPeers stops every peer
// started in the peers directory (scripts/peers/stop.sh). ApplyRolePolicies acts as the customer:
// IAM CreateRole (or UpdateAssumeRolePolicy when the role exists) and PutRolePolicy through the
// front, signed with the customer's keys, so the front remembers the trust policy with its
// sts:ExternalId condition and enforces it on AssumeRole. The demo routes exist only in demo mode.
// Nothing here is used against real AWS, and the customer's keys never leave the server process.
#pragma once

#include <signal.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/server/route.h"
#include "crossdock/server/service_state.h"

namespace crossdock::server {

struct DemoPeers {
  std::map<std::string, std::string> env;  // RGW_*, CROSSDOCK_* as start.sh exported them
  std::string Get(const std::string& name) const;

  // The role the demo prepares in the pretend account and suggests for new connections.
  static constexpr const char* kRoleName = "crossdock-demo";
  static constexpr const char* kPrefix = "demo";
  std::string RoleArn() const;

  // The sample data SeedDemoSamples reported ("" when not seeded): a prefix inside the demo
  // connection's bucket/path, and a PostgreSQL URL without its password plus a table.
  std::string SamplesPrefix() const { return Get("CROSSDOCK_DEMO_SAMPLES_PREFIX"); }
  std::string SamplesPostgresUrl() const { return Get("CROSSDOCK_DEMO_PG_URL"); }
  std::string SamplesPostgresTable() const { return Get("CROSSDOCK_DEMO_PG_TABLE"); }
  // The password of CROSSDOCK_PG_URL ("" when none), for the workers' libpq password file.
  std::string PostgresPassword() const;
  // "127.0.0.1:55432" of the sample PostgreSQL URL ("" when none).
  std::string PostgresHost() const;
};

// Parses "export NAME=value" lines (values optionally quoted); other lines are ignored.
std::map<std::string, std::string> ParseExportLines(std::string_view text);

// Runs `bash <scripts_dir>/peers/start.sh <data_dir>` with the current environment (ports
// come from RGW_PORT etc.), its progress in <data_dir>.start.log. kUnavailable naming how
// it ended, the log's last lines and where to look when it fails; kCancelled when one of
// `stop_signals` (blocked by the caller, may be null) arrived meanwhile.
Result<DemoPeers> StartDemoPeers(const std::string& scripts_dir, const std::string& data_dir,
                                 const sigset_t* stop_signals = nullptr);

// Runs scripts/peers/seed_demo.py against the peers and adds the variables it exports
// (CROSSDOCK_DEMO_*) to peers.env. Errors as StartDemoPeers.
Status SeedDemoSamples(const std::string& scripts_dir, const std::string& log_path,
                       DemoPeers& peers, const sigset_t* stop_signals = nullptr);

// Runs `bash <scripts_dir>/peers/stop.sh <data_dir>`: stops every peer started there.
Status StopDemoPeers(const std::string& scripts_dir, const std::string& data_dir);

// The peers a caller already started (`eval "$(scripts/peers/start.sh)"`), from the RGW_* and
// CROSSDOCK_* variables of this process; kFailedPrecondition naming what is missing.
Result<DemoPeers> DemoPeersFromEnvironment();

// The statements of a generated permission policy that the pretend account (Ceph RGW, which
// knows S3, STS and IAM actions only) can hold, and the actions left out (the demo's Kinesis
// peer and warehouse stand-ins do not evaluate IAM). Null when no statement is left.
std::pair<nlohmann::json, std::vector<std::string>> DemoApplicable(const nlohmann::json& policy);

// Creates or updates role `role_name` in the pretend account with both policies (JSON text);
// the permission policy is the role's inline policy `policy_name`, so that connections
// sharing a role keep each their own. An empty permission policy: the trust policy only.
Status ApplyRolePolicies(const DemoPeers& peers, const std::string& role_name,
                         const std::string& trust_policy, const std::string& permission_policy,
                         const std::string& policy_name = "crossdock");

// The role name of an IAM role ARN ("arn:aws:iam::1:role/a/b" -> "b"), "" when not a role.
std::string RoleNameFromArn(std::string_view arn);

// GET /v1/demo (what the pretend account offers) and POST /v1/connections/{id}/demo-apply.
void AddDemoRoutes(ServiceState& state, std::shared_ptr<const DemoPeers> peers, RouteTable& routes);

}  // namespace crossdock::server
