// `crossdock connection test`, `crossdock connection policies` and `crossdock credentials`:
// the commands of the connection flow that reach AWS or the policy generator.
//
// test: runs the connection test (connect/connection_check.h) and prints every check with
// its diagnosis and fix; exit 0 when nothing failed, 1 when a check failed, 2/3 for input or
// I/O errors. policies: the permission and trust policies for the connection, as JSON,
// CloudFormation or Terraform. credentials: the AWS credential_process JSON of the
// connection's (assumed-role) credentials, so the aws CLI and SDKs can use a connection.
// crossdock's own AWS credentials come from the default chain (environment, --profile).
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "crossdock/aws/credentials/container_credentials.h"
#include "crossdock/aws/credentials/credential_process.h"
#include "crossdock/aws/credentials/static_provider.h"
#include "crossdock/cli/commands.h"
#include "crossdock/cli/connection_context.h"
#include "crossdock/cli/credentials_options.h"
#include "crossdock/cli/demo_settings.h"
#include "crossdock/connect/connection_check.h"
#include "crossdock/connect/connection_credentials.h"
#include "crossdock/connect/connection_runtime.h"
#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/redshift_setup.h"
#include "crossdock/connect/vendor_identity.h"
#include "crossdock/http/curl_transport.h"
#include "crossdock/iam/policy_set.h"

namespace crossdock::cli {
namespace {

struct Options {
  GlobalOptions global;  // filled from the connection group's options
  std::string name;
  std::vector<std::string> permissions_files;
  std::string trust_file;
  std::string output = "json";
  std::string profile;
  std::string endpoint_url;
  std::string vendor_principal;
  std::string serve;                  // credentials --serve HOST:PORT
  std::string db_role = "crossdock";  // setup --db-role
  std::vector<std::string> schemas;   // setup --schema
};

}  // namespace

// The connection group's global options (--db, --org, --format, --master-key-file) are
// bound to the group's own variables; read them back from the parsed group.
GlobalOptions ReadGlobal(CLI::App* group) {
  GlobalOptions g;
  auto get = [&](const char* name, std::string& into) {
    CLI::Option* o = group->get_option_no_throw(name);
    if (o != nullptr && o->count() > 0) into = o->as<std::string>();
  };
  get("--db", g.db);
  get("--org", g.org);
  get("--format", g.format);
  get("--master-key-file", g.master_key_file);
  return g;
}

namespace {

Result<std::string> ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("cannot read ") + path + "; give a readable file to " + flag, flag);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The vendor identity of `region`'s partition, or the error naming region and the command
// that sets it.
Result<store::VendorIdentity> VendorFor(const Context& ctx, const std::string& region) {
  ASSIGN_OR_RETURN(auto identities, ctx.store->ListVendorIdentities());
  return connect::VendorIdentityForRegion(identities, region);
}

// crossdock's own credentials, endpoint and principal.
Result<connect::VendorAccess> Vendor(const Options& o, const Context& ctx,
                                     std::shared_ptr<http::HttpTransport> transport,
                                     const std::string& region) {
  connect::VendorAccess v;
  CredentialsOptions co;
  co.profile = o.profile;
  co.endpoint_url = o.endpoint_url;
  // While `crossdock serve --demo` runs on this store and nothing names other credentials:
  // the pretend vendor's keys and the demo's STS endpoint.
  auto demo = FindDemoSettings(ctx.store_location);
  if (demo && o.profile.empty() && o.endpoint_url.empty() && !std::getenv("AWS_ACCESS_KEY_ID") &&
      !std::getenv("AWS_PROFILE")) {
    aws::AwsCredentials creds;
    creds.access_key_id = demo->vendor_access_key_id;
    creds.secret_access_key = demo->vendor_secret_access_key;
    v.credentials = std::make_shared<aws::StaticCredentialsProvider>(creds);
    co.endpoint_url = demo->sts_endpoint;
  } else {
    ASSIGN_OR_RETURN(v.credentials,
                     MakeCredentialsProvider(co, transport, SystemClock::Instance()));
  }
  v.sts_endpoint = co.endpoint_url;
  v.transport = std::move(transport);
  v.principal_arn = o.vendor_principal;
  if (v.principal_arn.empty()) {
    connect::VendorContext vendor;
    ASSIGN_OR_RETURN(vendor.identities, ctx.store->ListVendorIdentities());
    v.principal_arn = vendor.PrincipalArn(region);
  }
  return v;
}

int RunTest(const Options& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("connection test", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, o.name, /*with_secrets=*/true);
  if (!c.ok()) return ReportError("connection test", c.error());
  auto ids = ctx->service->GetExternalIds(ctx->org.id);
  if (!ids.ok()) return ReportError("connection test", ids.error());
  connect::CheckInput in;
  in.connection = *c;
  in.external_ids = ids->All();
  // Several permission policies are read together, as IAM evaluates a role's policies.
  std::vector<std::string> permission_texts;
  for (const std::string& file : o.permissions_files) {
    auto text = ReadFile(file, "--permissions");
    if (!text.ok()) return ReportError("connection test", text.error());
    permission_texts.push_back(std::move(text).value());
  }
  if (permission_texts.size() == 1) {
    in.permission_policy = permission_texts.front();
  } else if (permission_texts.size() > 1) {
    auto combined = iam::CombinePolicyDocuments(permission_texts);
    if (!combined.ok()) return ReportError("connection test", combined.error());
    in.permission_policy = *combined;
  }
  if (!o.trust_file.empty()) {
    auto text = ReadFile(o.trust_file, "--trust");
    if (!text.ok()) return ReportError("connection test", text.error());
    in.trust_policy = *text;
  }
  auto transport = std::make_shared<http::CurlTransport>();
  connect::CheckEnvironment env;
  env.transport = transport;
  connect::Endpoints flags;
  flags.s3 = o.endpoint_url;
  flags.sts = o.endpoint_url;
  connect::Endpoints::FromFlagsAndEnvironment(flags).ApplyTo(env);
  if (env.sts_endpoint.empty()) env.sts_endpoint = env.s3_endpoint;  // one peer for both
  if (!iam::TypeInfo(c->type).aws) {
    // The operator's own test: any address (tenants' tests through the API use the server's
    // outbound policy).
    env.outbound = std::make_shared<const http::OutboundPolicy>(std::vector<http::IpNetwork>{
        http::ParseNetwork("0.0.0.0/0").value(), http::ParseNetwork("::/0").value()});
  } else if (c->auth_method == connect::AuthMethod::kIamRole) {
    // Assumed as the vendor identity of the connection's partition, or refused naming it.
    auto identity = VendorFor(*ctx, c->region);
    if (!identity.ok()) return ReportError("connection test", identity.error());
    env.vendor_account = identity->account_id;
    auto vendor = Vendor(o, *ctx, transport, c->region);
    if (!vendor.ok()) return ReportError("connection test", vendor.error());
    env.vendor_credentials = vendor->credentials;
    env.vendor_principal_arn = vendor->principal_arn;
    if (env.sts_endpoint.empty()) env.s3_endpoint = env.sts_endpoint = vendor->sts_endpoint;
  }
  auto report = connect::RunConnectionCheck(in, env);
  if (!report.ok()) return ReportError("connection test", report.error());
  if (ctx->json) {
    std::cout << connect::ToJson(*report).dump(2) << "\n";
  } else {
    std::cout << connect::FormatReport(*report);
  }
  return report->ok() ? kExitOk : kExitFinding;
}

// Seed 004's database set-up for a Redshift Serverless connection.
int RunSetup(const Options& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("connection setup", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, o.name);
  if (!c.ok()) return ReportError("connection setup", c.error());
  auto ids = ctx->service->GetExternalIds(ctx->org.id);
  if (!ids.ok()) return ReportError("connection setup", ids.error());
  auto identity = VendorFor(*ctx, c->region);
  if (!identity.ok()) return ReportError("connection setup", identity.error());
  auto spec = connect::SpecForConnection(*c, *identity, ids->All());
  if (!spec.ok()) return ReportError("connection setup", spec.error());
  auto policies = iam::GeneratePolicies(*spec);
  if (!policies.ok()) return ReportError("connection setup", policies.error());
  auto setup = connect::RedshiftSetupFor(*c, *policies, o.db_role, o.schemas);
  if (!setup.ok()) return ReportError("connection setup", setup.error());
  if (ctx->json) {
    std::cout << connect::ToJson(*setup).dump(2) << "\n";
  } else {
    std::cout << connect::FormatSetup(*setup);
  }
  return kExitOk;
}

int RunPolicies(const Options& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("connection policies", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, o.name);
  if (!c.ok()) return ReportError("connection policies", c.error());
  if (!iam::TypeInfo(c->type).aws) {
    std::cout << "connection " << c->name << " (" << connect::ConnectionTypeName(c->type)
              << ") needs no IAM policies: crossdock logs in with the connection's own user and "
                 "password\n";
    return kExitOk;
  }
  auto ids = ctx->service->GetExternalIds(ctx->org.id);
  if (!ids.ok()) return ReportError("connection policies", ids.error());
  auto identity = VendorFor(*ctx, c->region);
  if (!identity.ok()) return ReportError("connection policies", identity.error());
  auto spec = connect::SpecForConnection(*c, *identity, ids->All());
  if (!spec.ok()) return ReportError("connection policies", spec.error());
  if (o.output == "cloudformation" || o.output == "cloudformation-yaml") {
    auto text = iam::RenderCloudFormation(*spec, o.output == "cloudformation-yaml");
    if (!text.ok()) return ReportError("connection policies", text.error());
    std::cout << *text << "\n";
    return kExitOk;
  }
  if (o.output == "terraform") {
    auto text = iam::RenderTerraform(*spec);
    if (!text.ok()) return ReportError("connection policies", text.error());
    std::cout << *text << "\n";
    return kExitOk;
  }
  auto policies = iam::GeneratePolicies(*spec);
  if (!policies.ok()) return ReportError("connection policies", policies.error());
  if (ctx->json) {
    std::cout << iam::ToJson(*spec, *policies).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "External ID: " << ids->current << "\n";
  if (ids->previous)
    std::cout << "Previous External ID (during rotation): " << *ids->previous << "\n";
  std::cout << "\nPermission policy (attach to " << (c->role_arn.empty() ? "the role" : c->role_arn)
            << "):\n"
            << policies->permission_policy.dump(4) << "\n\nTrust policy:\n"
            << policies->trust_policy.dump(4) << "\n";
  for (const auto& note : policies->notes) std::cout << "\nNote: " << note << "\n";
  return kExitOk;
}

// The container credentials protocol on HOST:PORT until the process is stopped. The
// bearer token comes from CROSSDOCK_CONTAINER_TOKEN (never from a flag: the process list
// would show it); SDKs send it from AWS_CONTAINER_AUTHORIZATION_TOKEN.
int ServeContainerCredentials(const std::string& address, aws::CredentialsProviderPtr provider) {
  const char* token_env = std::getenv("CROSSDOCK_CONTAINER_TOKEN");
  std::string token = token_env ? token_env : "";
  if (token.size() < 16) {
    return ReportError("credentials",
                       Error(ErrorCode::kInvalidArgument,
                             "--serve needs a bearer token of at least 16 characters in "
                             "CROSSDOCK_CONTAINER_TOKEN (give the same value to the SDK as "
                             "AWS_CONTAINER_AUTHORIZATION_TOKEN)",
                             "CROSSDOCK_CONTAINER_TOKEN"));
  }
  auto colon = address.rfind(':');
  int port = colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
  if (colon == std::string::npos || port <= 0 || port > 65535) {
    return ReportError("credentials",
                       Error(ErrorCode::kInvalidArgument,
                             "--serve takes HOST:PORT, e.g. 127.0.0.1:9911", "serve"));
  }
  std::string host = address.substr(0, colon);
  httplib::Server server;
  server.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    if (!aws::ContainerTokenMatches(req.get_header_value("Authorization"), token)) {
      res.status = 401;
      res.set_content(R"({"message":"missing or wrong Authorization token"})", "application/json");
      return;
    }
    auto creds = provider->GetCredentials();
    if (!creds.ok()) {
      res.status = 503;
      res.set_content(nlohmann::json({{"message", creds.error().message()}}).dump(),
                      "application/json");
      return;
    }
    res.set_content(aws::ContainerCredentialsJson(*creds), "application/json");
  });
  if (!server.bind_to_port(host.c_str(), port)) {
    return ReportError("credentials",
                       Error(ErrorCode::kFailedPrecondition,
                             "cannot listen on " + address + "; choose a free port", "serve"));
  }
  std::cerr << "crossdock: serving container credentials on http://" << address
            << "/ (set AWS_CONTAINER_CREDENTIALS_FULL_URI to it and "
               "AWS_CONTAINER_AUTHORIZATION_TOKEN to the token)\n";
  server.listen_after_bind();
  return kExitOk;
}

int RunCredentials(const Options& o) {
  auto ctx = OpenContext(o.global);
  if (!ctx.ok()) return ReportError("credentials", ctx.error());
  auto c = ctx->service->GetConnection(ctx->org.id, o.name, /*with_secrets=*/true);
  if (!c.ok()) return ReportError("credentials", c.error());
  auto ids = ctx->service->GetExternalIds(ctx->org.id);
  if (!ids.ok()) return ReportError("credentials", ids.error());
  auto transport = std::make_shared<http::CurlTransport>();
  connect::VendorAccess vendor;
  if (connect::AssumesVendorRole(*c)) {
    auto identity = VendorFor(*ctx, c->region);
    if (!identity.ok()) return ReportError("credentials", identity.error());
    auto v = Vendor(o, *ctx, transport, c->region);
    if (!v.ok()) return ReportError("credentials", v.error());
    vendor = std::move(v).value();
  }
  auto provider = connect::ConnectionCredentials(*c, ids->All(), vendor);
  if (!provider.ok()) return ReportError("credentials", provider.error());
  auto creds = (*provider)->GetCredentials();
  if (!creds.ok()) return ReportError("credentials", creds.error());
  if (o.serve.empty()) {
    std::cout << aws::CredentialProcessJson(*creds) << "\n";
    return kExitOk;
  }
  return ServeContainerCredentials(o.serve, *provider);
}

void AddAwsAccessFlags(CLI::App* cmd, Options& o) {
  cmd->add_option("--profile", o.profile,
                  "Profile of crossdock's own AWS credentials (default: the chain: "
                  "environment keys, then AWS_PROFILE or the default profile)");
  cmd->add_option("--endpoint-url", o.endpoint_url,
                  "STS and S3 endpoint instead of AWS's (a VPC endpoint, a local RGW)")
      ->envname("AWS_ENDPOINT_URL");
  cmd->add_option("--vendor-principal", o.vendor_principal,
                  "crossdock's principal ARN, for messages and policy simulation (default: the "
                  "vendor role or account root of `crossdock identity`)")
      ->envname("CROSSDOCK_VENDOR_PRINCIPAL");
}

}  // namespace

void RegisterConnectionTestCommands(CLI::App& app) {
  CLI::App* group = nullptr;
  try {
    group = app.get_subcommand("connection");
  } catch (const CLI::OptionNotFound&) {
    return;  // RegisterConnectionCommands was not called
  }
  auto o = std::make_shared<Options>();

  CLI::App* test = Leaf(group->add_subcommand(
      "test",
      "Assume the role (right, no and wrong External ID) and probe every S3 operation "
      "syncs use; say what to fix"));
  test->add_option("NAME", o->name, "Connection name or id")->required();
  test->add_option("--permissions", o->permissions_files,
                   "A permission policy attached to the role (JSON file; repeatable: all "
                   "are evaluated together), to name the statement at fault");
  test->add_option("--trust", o->trust_file,
                   "The role's trust policy (JSON file), to explain AssumeRole denials");
  AddAwsAccessFlags(test, *o);
  test->callback([o, group] {
    o->global = ReadGlobal(group);
    ExitWith(RunTest(*o));
  });

  CLI::App* policies = Leaf(group->add_subcommand(
      "policies", "Print the permission and trust policies this connection needs"));
  policies->add_option("NAME", o->name, "Connection name or id")->required();
  policies
      ->add_option("--as", o->output,
                   "json (default), cloudformation, cloudformation-yaml or terraform")
      ->check(CLI::IsMember({"json", "cloudformation", "cloudformation-yaml", "terraform"}));
  policies->callback([o, group] {
    o->global = ReadGlobal(group);
    ExitWith(RunPolicies(*o));
  });

  CLI::App* setup = Leaf(group->add_subcommand(
      "setup",
      "Print a Redshift Serverless connection's database set-up: CREATE ROLE and GRANTs, the "
      "RedshiftDbRoles tag and the trust policy"));
  setup->add_option("NAME", o->name, "Connection name or id")->required();
  setup->add_option("--db-role", o->db_role, "The Redshift role to create (default crossdock)");
  setup->add_option("--schema", o->schemas, "A schema syncs write to (repeatable; default public)");
  setup->callback([o, group] {
    o->global = ReadGlobal(group);
    ExitWith(RunSetup(*o));
  });

  auto co = std::make_shared<Options>();
  CLI::App* credentials = app.add_subcommand(
      "credentials",
      "Print AWS credential_process JSON for a connection (for the aws CLI and SDKs)");
  AddGlobalOptions(*credentials, co->global);
  credentials->add_option("--connection", co->name, "Connection name or id")->required();
  AddAwsAccessFlags(credentials, *co);
  credentials->add_option("--serve", co->serve,
                          "Serve the AWS container credentials protocol on HOST:PORT instead of "
                          "printing once (token in CROSSDOCK_CONTAINER_TOKEN)");
  credentials->callback([co] { ExitWith(RunCredentials(*co)); });
}

}  // namespace crossdock::cli
