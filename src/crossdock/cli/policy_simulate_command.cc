// `crossdock policy simulate`: evaluate one request against policies offline and explain the
// decision. Any number of policies, none included (an implicit deny). Exit 0 for Allow, 1 for
// ExplicitDeny or ImplicitDeny, 2 for usage errors.
#include <iostream>
#include <memory>

#include "crossdock/cli/commands.h"
#include "crossdock/iam/evaluate.h"

namespace crossdock::cli {

Result<std::string> ReadPolicyFile(const std::string& path, const char* flag);
void PrintPolicyError(const char* command, const Error& error);

namespace {

struct SimulateOptions {
  std::vector<std::string> policies;
  std::vector<std::string> resource_policies;
  std::string principal, action, resource, context_file;
  std::vector<std::string> context_pairs;
  std::string format = "text";
};

Result<std::vector<iam::NamedPolicy>> LoadPolicies(const SimulateOptions& o) {
  std::vector<iam::NamedPolicy> out;
  auto load = [&](const std::string& path, const char* flag) -> Status {
    ASSIGN_OR_RETURN(std::string text, ReadPolicyFile(path, flag));
    auto policy = iam::ParsePolicy(text);
    if (!policy.ok()) {
      return Error(ErrorCode::kInvalidArgument,
                   std::string(flag) + " " + path + ": " + policy.error().message() +
                       " (run `crossdock policy check " + path + "` for every finding)",
                   flag);
    }
    out.push_back({path, std::move(*policy)});
    return OkStatus();
  };
  for (const std::string& p : o.policies) RETURN_IF_ERROR(load(p, "--policy"));
  for (const std::string& p : o.resource_policies) RETURN_IF_ERROR(load(p, "--resource-policy"));
  // No policy at all is a valid simulation: nothing allows the request, so it is implicitly
  // denied (as AWS decides for a principal without policies).
  return out;
}

Result<nlohmann::json> LoadContext(const SimulateOptions& o) {
  nlohmann::json ctx = nlohmann::json::object();
  if (!o.context_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadPolicyFile(o.context_file, "--context-file"));
    try {
      ctx = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      return Error(ErrorCode::kInvalidArgument,
                   "--context-file " + o.context_file + " is not valid JSON (" + e.what() +
                       "); write an object such as {\"sts:ExternalId\": \"abc\"}",
                   "--context-file");
    }
  }
  for (const std::string& pair : o.context_pairs) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error(ErrorCode::kInvalidArgument,
                   "--context \"" + pair + "\" must be KEY=VALUE, e.g. sts:ExternalId=abc",
                   "--context");
    }
    std::string key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (ctx.is_object() && ctx.contains(key)) {
      if (!ctx[key].is_array()) ctx[key] = nlohmann::json::array({ctx[key]});
      ctx[key].push_back(value);
    } else if (ctx.is_object()) {
      ctx[key] = value;
    }
  }
  return ctx;
}

int RunSimulate(const SimulateOptions& o) {
  auto policies = LoadPolicies(o);
  if (!policies.ok()) {
    PrintPolicyError("simulate", policies.error());
    return kExitUsage;
  }
  auto ctx = LoadContext(o);
  if (!ctx.ok()) {
    PrintPolicyError("simulate", ctx.error());
    return kExitUsage;
  }
  auto request = iam::MakeRequest(o.principal, o.action, o.resource, *ctx);
  if (!request.ok()) {
    PrintPolicyError("simulate", request.error());
    return kExitUsage;
  }
  iam::Evaluation ev = iam::Explain(*policies, *request);
  if (o.format == "json") {
    std::cout << iam::ToJson(ev, *request)
                     .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << iam::FormatEvaluation(ev);
  }
  return ev.decision == iam::Decision::kAllow ? kExitOk : kExitFinding;
}

}  // namespace

void AddPolicySimulateCommand(CLI::App& policy) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* cmd =
      policy.add_subcommand("simulate",
                            "Evaluate a request against policies with AWS's logic and explain it. "
                            "Exit 0 for Allow, 1 for a denial.");
  cmd->add_option("--policy", o->policies, "Identity or trust policy file (repeatable)");
  cmd->add_option("--resource-policy", o->resource_policies,
                  "Resource policy file, e.g. a bucket policy (repeatable)");
  cmd->add_option("--principal", o->principal,
                  "Who asks: role/user ARN, account id, or service (redshift.amazonaws.com)")
      ->required();
  cmd->add_option("--action", o->action, "e.g. s3:GetObject or sts:AssumeRole")->required();
  cmd->add_option("--resource", o->resource,
                  "Resource ARN (for sts:AssumeRole the role's ARN); * for none")
      ->required();
  cmd->add_option("--context-file", o->context_file,
                  "JSON object of condition keys to a string or an array of strings");
  cmd->add_option("--context", o->context_pairs, "KEY=VALUE condition key (repeatable)");
  cmd->add_option("--format", o->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([o] { ExitWith(RunSimulate(*o)); });
}

}  // namespace crossdock::cli
