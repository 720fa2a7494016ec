#include "crossdock/server/demo.h"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "crossdock/aws/aws_client.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/aws/sts/assume_role_request.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/generate.h"
#include "crossdock/server/demo_process.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

Result<http::HttpResponse> IamCall(aws::AwsClient& client, const DemoPeers& peers,
                                   const std::string& action, const std::string& params) {
  aws::AwsRequest request;
  request.http.method = "POST";
  request.http.url = peers.Get("CROSSDOCK_STS_ENDPOINT") + "/";
  request.http.headers.emplace_back("Content-Type",
                                    "application/x-www-form-urlencoded; charset=utf-8");
  request.http.body = fmt::format("Action={}&Version=2010-05-08{}", action, params);
  request.signing.region = peers.Get("RGW_REGION").empty() ? "us-east-1" : peers.Get("RGW_REGION");
  request.signing.service = "iam";
  request.operation = "IAM " + action;
  return client.Send(request);
}

}  // namespace

std::string DemoPeers::Get(const std::string& name) const {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

std::string DemoPeers::RoleArn() const {
  return fmt::format("arn:aws:iam::{}:role/{}", Get("RGW_CUSTOMER_ACCOUNT"), kRoleName);
}

std::string DemoPeers::PostgresPassword() const {
  std::string url = Get("CROSSDOCK_PG_URL");
  size_t scheme = url.find("://");
  size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return "";
  std::string userinfo = url.substr(scheme + 3, at - scheme - 3);
  size_t colon = userinfo.find(':');
  return colon == std::string::npos ? "" : userinfo.substr(colon + 1);
}

std::string DemoPeers::PostgresHost() const {
  std::string url = SamplesPostgresUrl();
  size_t at = url.find('@');
  if (at == std::string::npos) return "";
  size_t slash = url.find('/', at);
  return url.substr(at + 1, slash == std::string::npos ? std::string::npos : slash - at - 1);
}

std::map<std::string, std::string> ParseExportLines(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with("export ")) continue;
    line.remove_prefix(7);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string value(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(line.substr(0, eq))] = value;
  }
  return out;
}

namespace {

// The error of a script that did not succeed: how it ended, its log's last lines and a fix.
Error ScriptError(const std::string& what, const ScriptRun& run, const std::string& log_path,
                  const std::string& detail_log = "") {
  if (run.interrupted) {
    return Error(ErrorCode::kCancelled,
                 fmt::format("{} was interrupted by signal {}", what, run.signal_received), "demo");
  }
  // The log's last lines, without the clean-up's "stopped ..." lines that follow a failure.
  std::string tail;
  std::string all = TailOfFile(log_path, 40);
  std::vector<std::string> kept;
  for (size_t start = 0; start < all.size();) {
    size_t end = all.find('\n', start);
    std::string line = all.substr(start, end - start);
    start = end == std::string::npos ? all.size() : end + 1;
    if (!line.starts_with("[peers] stopped ")) kept.push_back(line);
  }
  for (size_t i = kept.size() > 6 ? kept.size() - 6 : 0; i < kept.size(); ++i)
    tail += kept[i] + "\n";
  // PostgreSQL says why it did not start only in its own log.
  if (!detail_log.empty() && all.find("postgresql failed") != std::string::npos) {
    tail += TailOfFile(detail_log, 3);
  }
  std::string hint = "see " + log_path + " and scripts/peers/README.md";
  if (tail.find("already in use") != std::string::npos ||
      tail.find("could not bind") != std::string::npos) {
    hint =
        "another program (or an earlier demo) holds the port: stop it, or choose other "
        "ports with RGW_PORT, RGW_MON_PORT, CROSSDOCK_FRONT_PORT, CROSSDOCK_FAULT_PORT, "
        "CROSSDOCK_FAULT_CONTROL_PORT and CROSSDOCK_PG_PORT; " +
        hint;
  } else if (tail.find("Permission denied") != std::string::npos ||
             tail.find("permission denied") != std::string::npos) {
    hint =
        "a peer cannot reach its data directory (PostgreSQL runs as the postgres user "
        "when crossdock runs as root): choose one every user can traverse with "
        "--peers-dir; " +
        hint;
  } else if (tail.find("not root") != std::string::npos) {
    hint = "install the packages it names once as root (bash scripts/install-deps.sh); " + hint;
  }
  return Error(ErrorCode::kUnavailable,
               fmt::format("{} {}{}\n{}", what, DescribeWaitStatus(run.wait_status),
                           tail.empty() ? "" : "; its last lines:\n" + tail, "fix: " + hint),
               "demo");
}

}  // namespace

Result<DemoPeers> StartDemoPeers(const std::string& scripts_dir, const std::string& data_dir,
                                 const sigset_t* stop_signals) {
  std::string script = scripts_dir + "/peers/start.sh";
  std::string log_path = data_dir + ".start.log";
  ASSIGN_OR_RETURN(ScriptRun run,
                   RunScript({"bash", script, data_dir}, {}, log_path, stop_signals));
  DemoPeers peers;
  peers.env = ParseExportLines(run.output);
  if (!run.ok() || peers.Get("CROSSDOCK_STS_ENDPOINT").empty()) {
    return ScriptError("the demo peers did not start: " + script, run, log_path,
                       data_dir + "/log/postgresql.log");
  }
  return peers;
}

Status SeedDemoSamples(const std::string& scripts_dir, const std::string& log_path,
                       DemoPeers& peers, const sigset_t* stop_signals) {
  std::string script = scripts_dir + "/peers/seed_demo.py";
  std::map<std::string, std::string> env = peers.env;
  env["DEMO_PREFIX"] = DemoPeers::kPrefix;
  ASSIGN_OR_RETURN(ScriptRun run,
                   RunScript({"/usr/bin/python3", script}, env, log_path, stop_signals));
  if (!run.ok()) return ScriptError("the demo's sample data: " + script, run, log_path);
  for (auto& [k, v] : ParseExportLines(run.output)) peers.env[k] = v;
  return OkStatus();
}

Status StopDemoPeers(const std::string& scripts_dir, const std::string& data_dir) {
  std::string script = scripts_dir + "/peers/stop.sh";
  std::string log_path = data_dir + ".start.log";
  ASSIGN_OR_RETURN(ScriptRun run, RunScript({"bash", script, data_dir}, {}, log_path, nullptr));
  if (!run.ok()) return ScriptError("stopping the demo peers: " + script, run, log_path);
  return OkStatus();
}

Result<DemoPeers> DemoPeersFromEnvironment() {
  DemoPeers peers;
  for (char** e = environ; *e; ++e) {
    std::string_view kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    if (kv.starts_with("RGW_") || kv.starts_with("CROSSDOCK_")) {
      peers.env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
  }
  for (const char* name :
       {"CROSSDOCK_STS_ENDPOINT", "RGW_CUSTOMER_ACCOUNT", "RGW_CUSTOMER_ACCESS_KEY",
        "RGW_CUSTOMER_SECRET_KEY", "RGW_VENDOR_ACCOUNT", "RGW_VENDOR_ACCESS_KEY",
        "RGW_VENDOR_SECRET_KEY", "RGW_BUCKET"}) {
    if (peers.Get(name).empty()) {
      return Error(ErrorCode::kFailedPrecondition,
                   fmt::format("{} is not set; run eval \"$(scripts/peers/start.sh)\" first, or "
                               "drop --demo-peers-from-env to let crossdock start the peers",
                               name),
                   "demo");
    }
  }
  return peers;
}

std::string RoleNameFromArn(std::string_view arn) {
  size_t pos = arn.find(":role/");
  if (pos == std::string_view::npos) return "";
  std::string_view rest = arn.substr(pos + 6);
  size_t slash = rest.rfind('/');
  return std::string(slash == std::string_view::npos ? rest : rest.substr(slash + 1));
}

// RGW refuses a whole document that names another service's action, so such statements go.
std::pair<nlohmann::json, std::vector<std::string>> DemoApplicable(const nlohmann::json& policy) {
  auto understood = [](const std::string& action) {
    return action.starts_with("s3:") || action.starts_with("sts:") || action.starts_with("iam:");
  };
  nlohmann::json kept = nlohmann::json::array();
  std::vector<std::string> left_out;
  for (const auto& st : policy.value("Statement", nlohmann::json::array())) {
    nlohmann::json actions = st.contains("Action") && st["Action"].is_array()
                                 ? st["Action"]
                                 : nlohmann::json::array({st.value("Action", "")});
    bool all = true;
    for (const auto& a : actions) {
      if (!a.is_string() || !understood(a.get<std::string>())) {
        all = false;
        if (a.is_string()) left_out.push_back(a.get<std::string>());
      }
    }
    if (all) kept.push_back(st);
  }
  if (kept.empty()) return {nullptr, left_out};
  nlohmann::json out = policy;
  out["Statement"] = kept;
  return {out, left_out};
}

Status ApplyRolePolicies(const DemoPeers& peers, const std::string& role_name,
                         const std::string& trust_policy, const std::string& permission_policy,
                         const std::string& policy_name) {
  aws::AwsCredentials creds;
  creds.access_key_id = peers.Get("RGW_CUSTOMER_ACCESS_KEY");
  creds.secret_access_key = peers.Get("RGW_CUSTOMER_SECRET_KEY");
  auto provider = std::make_shared<aws::StaticCredentialsProvider>(creds);
  aws::RetryOptions retry;
  retry.max_attempts = 2;
  aws::AwsClient client(std::make_shared<http::CurlTransport>(), provider, SystemClock::Instance(),
                        retry);
  std::string name = aws::sts::FormEncode(role_name);
  auto created = IamCall(client, peers, "CreateRole",
                         "&RoleName=" + name + "&Path=%2F&AssumeRolePolicyDocument=" +
                             aws::sts::FormEncode(trust_policy));
  if (!created.ok()) {
    bool exists = created.error().aws_code() == "EntityAlreadyExists" ||
                  created.error().code() == ErrorCode::kAlreadyExists;
    if (!exists) return std::move(created).error().WithContext("demo: CreateRole " + role_name);
    auto updated =
        IamCall(client, peers, "UpdateAssumeRolePolicy",
                "&RoleName=" + name + "&PolicyDocument=" + aws::sts::FormEncode(trust_policy));
    if (!updated.ok()) {
      return std::move(updated).error().WithContext("demo: UpdateAssumeRolePolicy " + role_name);
    }
  }
  if (permission_policy.empty()) return OkStatus();
  auto put = IamCall(client, peers, "PutRolePolicy",
                     "&RoleName=" + name + "&PolicyName=" + aws::sts::FormEncode(policy_name) +
                         "&PolicyDocument=" + aws::sts::FormEncode(permission_policy));
  if (!put.ok()) return std::move(put).error().WithContext("demo: PutRolePolicy " + role_name);
  return OkStatus();
}

void AddDemoRoutes(ServiceState& state, std::shared_ptr<const DemoPeers> peers,
                   RouteTable& routes) {
  store::Store& store = *state.store;
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/demo",
            .operation_id = "getDemo",
            .summary = "Demo mode: the pretend customer account, its bucket and prepared role",
            .tag = "demo",
            .response_schema = ojson::parse(R"({"type": "object", "properties": {
        "account_id": {"type": "string"}, "role_arn": {"type": "string"},
        "bucket": {"type": "string"}, "region": {"type": "string"},
        "samples": {"type": "object", "properties": {
          "s3_prefix": {"type": "string"},
          "postgres": {"type": "object", "properties": {
            "url": {"type": "string"}, "table": {"type": "string"}}}}}}})"),
            .handler = [peers](RequestContext&) {
              ojson j;
              j["account_id"] = peers->Get("RGW_CUSTOMER_ACCOUNT");
              j["role_arn"] = peers->RoleArn();
              j["bucket"] = peers->Get("RGW_BUCKET") + "/" + DemoPeers::kPrefix;
              j["region"] = peers->Get("RGW_REGION");
              // Sample data for a first sync: files under s3_prefix of the demo connection's
              // bucket/path, and a table in a PostgreSQL whose host the server allows.
              ojson samples = ojson::object();
              samples["s3_prefix"] = peers->SamplesPrefix();
              if (!peers->SamplesPostgresUrl().empty()) {
                samples["postgres"] = {{"url", peers->SamplesPostgresUrl()},
                                       {"table", peers->SamplesPostgresTable()}};
              }
              j["samples"] = samples;
              return JsonReply(j);
            }});
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/connections/{id}/demo-apply",
      .operation_id = "applyDemoPolicies",
      .summary = "Demo mode: create or update the connection's role in the pretend account "
                 "with the generated trust and permission policies",
      .tag = "demo",
      .response_schema = ojson::parse(R"({"type": "object", "properties": {
        "role_arn": {"type": "string"}, "applied": {"type": "boolean"}}})"),
      .error_statuses = {404, 409, 422, 503},
      .handler = [&store, peers](RequestContext& ctx) {
        auto c = LoadConnection(store, ctx.org_id, ctx.Param("id"));
        if (!c.ok()) return FromError(c.error());
        if (c->auth_method != connect::AuthMethod::kIamRole || !iam::TypeInfo(c->type).aws) {
          return ErrorReply(409, "failed_precondition",
                            "only IAM-role connections have policies to apply", "auth_method");
        }
        std::string account = peers->Get("RGW_CUSTOMER_ACCOUNT");
        if (c->role_arn.find(":" + account + ":role/") == std::string::npos) {
          return ErrorReply(422, "invalid_argument",
                            fmt::format("the demo can only change roles of the pretend account "
                                        "{}; use a role ARN like {}",
                                        account, peers->RoleArn()),
                            "role_arn");
        }
        auto vendor = RequireVendor(store, c->region);
        if (!vendor.ok()) return FromError(vendor.error());
        auto ids = ActiveExternalIds(store, ctx.org_id);
        if (!ids.ok()) return FromError(ids.error());
        auto spec = connect::SpecForConnection(*c, *vendor, *ids);
        if (!spec.ok()) return FromError(spec.error());
        auto policies = iam::GeneratePolicies(*spec);
        if (!policies.ok()) return FromError(policies.error());
        auto [permission, left_out] = DemoApplicable(policies->permission_policy);
        Status st =
            ApplyRolePolicies(*peers, RoleNameFromArn(c->role_arn), policies->trust_policy.dump(),
                              permission.is_null() ? "" : permission.dump(), "crossdock-" + c->id);
        if (!st.ok()) return FromError(st.error());
        ojson reply{{"role_arn", c->role_arn}, {"applied", true}};
        if (!left_out.empty()) {
          reply["not_applied"] = left_out;
          reply["note"] =
              "the demo's account (Ceph RGW) holds only S3, STS and IAM permissions; its other "
              "peers do not check IAM, so these actions were left out of the applied policy";
        }
        return JsonReply(reply);
      }});
}

}  // namespace crossdock::server
