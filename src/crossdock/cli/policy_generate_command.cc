// `crossdock policy generate`: the permission and trust policies a connection type needs, as
// JSON, a CloudFormation template (JSON or YAML) or Terraform. Exit 0, or 2 when a flag is
// missing or invalid (the message names the flag).
#include <iostream>
#include <memory>

#include "crossdock/cli/commands.h"
#include "crossdock/iam/connection_types.h"
#include "crossdock/iam/generate.h"

namespace crossdock::cli {

void PrintPolicyError(const char* command, const Error& error);

namespace {

struct GenerateOptions {
  std::string type;
  std::vector<std::string> buckets;
  std::string region = "us-east-1";
  std::string vendor_account, vendor_role, role_arn, kms_key, stream_arn;
  std::vector<std::string> external_ids;
  std::string databricks_external_id, databricks_principal;
  std::string format = "json";
  std::string which = "both";
};

// Library field names -> the flags that set them, for error messages.
std::string FlagOf(const std::string& field) {
  if (field == "vendor_account") return "--vendor-account";
  if (field == "vendor_role_arn") return "--vendor-role";
  if (field == "external_id") return "--external-id";
  if (field == "role_arn") return "--role-arn";
  if (field == "kms_key_arn") return "--kms-key";
  if (field == "stream_arn") return "--stream-arn";
  if (field == "databricks_external_id") return "--databricks-external-id";
  if (field == "databricks_principal") return "--databricks-principal";
  if (field == "bucket") return "--bucket";
  if (field == "region") return "--region";
  return field;
}

int RunGenerate(const GenerateOptions& o) {
  iam::ConnectionSpec spec;
  spec.type = *iam::ParseConnectionType(o.type);  // validated by CLI11
  for (const std::string& b : o.buckets) {
    auto target = iam::ParseBucketTarget(b);
    if (!target.ok()) {
      PrintPolicyError("generate", target.error());
      return kExitUsage;
    }
    spec.buckets.push_back(*target);
  }
  spec.region = o.region;
  spec.vendor_account = o.vendor_account;
  spec.vendor_role_arn = o.vendor_role;
  spec.external_ids = o.external_ids;
  spec.role_arn = o.role_arn;
  spec.kms_key_arn = o.kms_key;
  spec.stream_arn = o.stream_arn;
  spec.databricks_external_id = o.databricks_external_id;
  spec.databricks_principal = o.databricks_principal;
  if (auto st = iam::ValidateSpec(spec); !st.ok()) {
    Error e(st.error().code(),
            st.error().message() + " (set it with " + FlagOf(st.error().field()) + ")",
            FlagOf(st.error().field()));
    PrintPolicyError("generate", e);
    return kExitUsage;
  }
  if (o.format == "cloudformation" || o.format == "cloudformation-json") {
    auto t = iam::RenderCloudFormation(spec, o.format == "cloudformation");
    std::cout << *t;
    return kExitOk;
  }
  if (o.format == "terraform") {
    std::cout << *iam::RenderTerraform(spec);
    return kExitOk;
  }
  auto policies = iam::GeneratePolicies(spec);
  if (!policies.ok()) {
    PrintPolicyError("generate", policies.error());
    return kExitUsage;
  }
  if (o.which == "permission") {
    std::cout << policies->permission_policy.dump(4, ' ', false,
                                                  nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else if (o.which == "trust") {
    std::cout << policies->trust_policy.dump(4, ' ', false,
                                             nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << iam::ToJson(spec, *policies)
                     .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  }
  for (const std::string& note : policies->notes) std::cerr << "note: " << note << "\n";
  return kExitOk;
}

}  // namespace

void AddPolicyGenerateCommand(CLI::App& policy) {
  auto o = std::make_shared<GenerateOptions>();
  CLI::App* cmd = policy.add_subcommand(
      "generate", "Write the permission and trust policies a connection type needs");
  cmd->add_option("--type", o->type,
                  "The connection type: one of the names of `crossdock policy operations`")
      ->required()
      ->check(CLI::IsMember(iam::ConnectionTypeNames()));
  cmd->add_option("--bucket", o->buckets,
                  "Bucket, optionally with a path: NAME or NAME/PATH (repeatable; the staging "
                  "bucket for databricks and redshift-serverless)");
  cmd->add_option("--region", o->region, "Region of the bucket; selects aws, aws-cn, aws-us-gov")
      ->capture_default_str();
  cmd->add_option("--vendor-account", o->vendor_account, "12-digit AWS account crossdock runs in")
      ->envname("CROSSDOCK_VENDOR_ACCOUNT");
  cmd->add_option("--vendor-role", o->vendor_role,
                  "Trust only this crossdock role instead of the whole vendor account")
      ->envname("CROSSDOCK_VENDOR_ROLE_ARN");
  cmd->add_option("--external-id", o->external_ids,
                  "The organization's External ID (repeat for the old and new during rotation)");
  cmd->add_option("--role-arn", o->role_arn,
                  "The customer's role ARN (required for databricks self-assume)");
  cmd->add_option("--kms-key", o->kms_key,
                  "KMS key ARN of the bucket's (kinesis: the stream's) SSE-KMS encryption");
  cmd->add_option("--stream-arn", o->stream_arn,
                  "kinesis: the stream read, arn:aws:kinesis:REGION:ACCOUNT:stream/NAME");
  cmd->add_option("--databricks-external-id", o->databricks_external_id,
                  "External ID of the Databricks storage credential");
  cmd->add_option("--databricks-principal", o->databricks_principal,
                  "Databricks Unity Catalog role (default: the partition's UC master role)");
  cmd->add_option("--format", o->format,
                  "json, cloudformation (YAML), cloudformation-json or "
                  "terraform")
      ->check(CLI::IsMember({"json", "cloudformation", "cloudformation-json", "terraform"}))
      ->capture_default_str();
  cmd->add_option("--policy", o->which, "With json: both, permission or trust")
      ->check(CLI::IsMember({"both", "permission", "trust"}))
      ->capture_default_str();
  cmd->callback([o] { ExitWith(RunGenerate(*o)); });
}

}  // namespace crossdock::cli
