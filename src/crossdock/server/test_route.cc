// POST /v1/connections/{id}/test: the connection test (connect/connection_check.h) for one
// connection of the caller's organization, and ExtraRoutes, which adds it and the demo routes.
#include <fmt/format.h>

#include "crossdock/aws/credentials/default_chain.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/connect/connection_runtime.h"
#include "crossdock/core/metrics.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/server/json_body.h"
#include "crossdock/server/rotation_precheck.h"
#include "crossdock/server/routes.h"
#include "crossdock/server/serve_setup.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

struct TestEnvironment {
  std::shared_ptr<http::HttpTransport> transport;
  aws::CredentialsProviderPtr vendor_credentials;
  std::string vendor_principal_arn;  // demo: the vendor user; else from the vendor identity
  connect::Endpoints endpoints;      // serve's flags, then the environment, as for syncs
  std::shared_ptr<const http::OutboundPolicy> outbound;  // postgres connections' tests
};

// The test's answer, counted by outcome (pass, fail, error).
Reply Counted(const Result<connect::ConnectionCheckReport>& report) {
  auto counter = [](const char* outcome) -> metrics::Counter& {
    return metrics::Registry::Global().GetCounter(metrics::kConnectionTests,
                                                  {{"outcome", outcome}});
  };
  if (!report.ok()) {
    counter("error").Increment();
    return FromError(report.error());
  }
  counter(report->ok() ? "pass" : "fail").Increment();
  return JsonReply(connect::ToJson(*report));
}

Reply RunTest(store::Store& store, const TestEnvironment& env, RequestContext& ctx) {
  nlohmann::json body = nlohmann::json::object();
  if (ctx.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = ParseJsonObject(ctx.body);
    if (!parsed.ok()) return BadRequest(parsed.error());
    body = *parsed;
  }
  Status known = RejectUnknownMembers(body, {"permission_policy", "trust_policy"});
  if (!known.ok()) return BadRequest(known.error());
  connect::ConnectionService service(store);
  auto c = service.GetConnection(ctx.org_id, ctx.Param("id"), /*with_secrets=*/true);
  if (!c.ok()) return FromError(c.error());
  if (!iam::TypeInfo(c->type).aws) {  // a database login: no vendor, role or External ID
    if (body.contains("permission_policy") || body.contains("trust_policy")) {
      return BadRequest(Error(ErrorCode::kInvalidArgument,
                              "a postgres connection has no IAM policies; send an empty body",
                              "permission_policy"));
    }
    connect::CheckInput input;
    input.connection = *c;
    connect::CheckEnvironment check_env;
    check_env.outbound = env.outbound;
    return Counted(connect::RunConnectionCheck(input, check_env));
  }
  auto vendor = RequireVendor(store, c->region);
  if (!vendor.ok()) return FromError(vendor.error());
  auto ids = ActiveExternalIds(store, ctx.org_id);
  if (!ids.ok()) return FromError(ids.error());
  connect::CheckInput input;
  input.connection = *c;
  input.external_ids = *ids;
  for (auto [key, out] : {std::pair<const char*, std::optional<std::string>*>{
                              "permission_policy", &input.permission_policy},
                          {"trust_policy", &input.trust_policy}}) {
    if (body.contains(key) && !body[key].is_null()) {
      auto text = PolicyText(body, key);
      if (!text.ok()) return BadRequest(text.error());
      *out = *text;
    }
  }
  connect::CheckEnvironment check_env;
  check_env.vendor_credentials = env.vendor_credentials;
  check_env.vendor_account = vendor->account_id;
  check_env.vendor_principal_arn =
      env.vendor_principal_arn.empty() ? vendor->role_arn : env.vendor_principal_arn;
  env.endpoints.ApplyTo(check_env);
  check_env.transport = env.transport;
  return Counted(connect::RunConnectionCheck(input, check_env));
}

}  // namespace

RouteTable ExtraRoutes(store::Store& store, const ExtraRoutesOptions& options) {
  RouteTable routes;
  auto env = std::make_shared<TestEnvironment>();
  env->transport = options.transport ? options.transport : std::make_shared<http::CurlTransport>();
  connect::Endpoints flags;
  flags.s3 = options.s3_endpoint;
  flags.sts = options.sts_endpoint;
  env->endpoints = connect::Endpoints::FromFlagsAndEnvironment(flags);
  env->outbound = options.outbound;
  if (options.demo) {
    aws::AwsCredentials creds;
    creds.access_key_id = options.demo->Get("RGW_VENDOR_ACCESS_KEY");
    creds.secret_access_key = options.demo->Get("RGW_VENDOR_SECRET_KEY");
    env->vendor_credentials = std::make_shared<aws::StaticCredentialsProvider>(creds);
    env->vendor_principal_arn = options.demo->Get("RGW_VENDOR_ARN");
  } else {
    env->vendor_credentials = aws::MakeDefaultCredentialsChain(
        aws::CredentialsSetup{}, env->transport, SystemClock::Instance());
  }
  routes.push_back(
      Route{.method = "POST",
            .path = "/v1/connections/{id}/test",
            .operation_id = "testConnection",
            .summary = "Test a connection the way syncs use it: assume the role with the right, no "
                       "and a wrong External ID, probe the S3 operations inside the path; each "
                       "check with its result, diagnosis and fix",
            .tag = "connections",
            .request_schema = ojson::parse(R"({"type": "object", "properties": {
        "permission_policy": {"oneOf": [{"type": "object"}, {"type": "string"}], "description": "optional: the permission policy attached to the role, to explain denials"},
        "trust_policy": {"oneOf": [{"type": "object"}, {"type": "string"}], "description": "optional: the role's trust policy"}}})"),
            .response_schema = ojson::parse(R"({"type": "object", "properties": {
        "connection": {"type": "string"}, "ok": {"type": "boolean"},
        "checks": {"type": "array", "items": {"type": "object", "properties": {
          "id": {"type": "string"}, "title": {"type": "string"},
          "status": {"type": "string", "enum": ["pass", "fail", "warn", "skip"]},
          "message": {"type": "string"}, "diagnosis": {"type": "string"},
          "fix": {"type": "string"}, "aws_code": {"type": "string"}}}}}})"),
            .error_statuses = {404, 409, 422},
            .outbound = true,
            .handler = [&store, env](RequestContext& ctx) { return RunTest(store, *env, ctx); }});
  AddRotationPrecheckRoute(store,
                           PrecheckAccess{.vendor_credentials = env->vendor_credentials,
                                          .vendor_principal_arn = env->vendor_principal_arn,
                                          .sts_endpoint = env->endpoints.sts,
                                          .transport = env->transport},
                           routes);
  if (options.demo) {
    ServiceState state;
    state.store = &store;
    AddDemoRoutes(state, options.demo, routes);
  }
  return routes;
}

}  // namespace crossdock::server
