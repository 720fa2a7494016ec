// `crossdock policy check|simulate|generate|diff`: the IAM policy engine (crossdock/iam) on
// the command line. check and diff live here; simulate and generate in their own files.
//
// Exit codes (commands.h): check exits 1 when any finding is an error (warnings and
// suggestions alone exit 0); simulate exits 0 for Allow and 1 for ExplicitDeny or
// ImplicitDeny; diff exits 1 when anything is missing or in excess; generate exits 0. Every
// command exits 2 for usage errors, unreadable files and documents that cannot be read as
// policies (simulate, diff), with the field and the fix on stderr.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "crossdock/cli/commands.h"
#include "crossdock/iam/connection_types.h"
#include "crossdock/iam/diff.h"
#include "crossdock/iam/lint.h"
#include "crossdock/iam/operations.h"
#include "crossdock/iam/policy_set.h"
#include "crossdock/iam/trust_context.h"

namespace crossdock::cli {

// Shared with policy_simulate_command.cc and policy_generate_command.cc.
void AddPolicySimulateCommand(CLI::App& policy);
void AddPolicyGenerateCommand(CLI::App& policy);
Result<std::string> ReadPolicyFile(const std::string& path, const char* flag);
void PrintPolicyError(const char* command, const Error& error);

Result<std::string> ReadPolicyFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string(flag) + " " + path + ": cannot open the file; check the path", flag);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void PrintPolicyError(const char* command, const Error& error) {
  std::cerr << "crossdock policy " << command << ": " << error.message();
  if (!error.field().empty()) std::cerr << " [field: " << error.field() << "]";
  std::cerr << "\n";
}

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string type = "identity";
  std::string for_type;
  std::string account;
  std::string format = "text";
  // Trust checks with context.
  std::string vendor_principal;
  std::vector<std::string> external_ids;
  std::string role_arn;
};

// Several documents: each linted alone, then the --for needs against all of them together
// (the permission policies attached to one role).
int RunCheckSet(const CheckOptions& o, const std::vector<std::string>& texts,
                const iam::LintOptions& options) {
  iam::LintSetReport set = iam::LintPolicySet(texts, options);
  if (o.format == "json") {
    nlohmann::ordered_json docs = nlohmann::ordered_json::array();
    for (size_t i = 0; i < texts.size(); ++i) {
      nlohmann::ordered_json d = {{"file", o.files[i]}};
      d.update(iam::ToJson(set.documents[i]));
      docs.push_back(std::move(d));
    }
    nlohmann::ordered_json out = {{"files", o.files},
                                  {"type", o.type},
                                  {"ok", !set.has_errors()},
                                  {"documents", docs},
                                  {"together", iam::ToJson(set.together)}};
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    for (size_t i = 0; i < texts.size(); ++i) {
      std::cout << iam::FormatLintReport(set.documents[i], o.files[i]);
    }
    if (options.for_type) {
      std::cout << "\nTogether (" << texts.size() << " policies, as IAM evaluates a role's "
                << "policies):\n"
                << iam::FormatLintReport(set.together, "all");
    }
  }
  return set.has_errors() ? kExitFinding : kExitOk;
}

int RunCheck(const CheckOptions& o) {
  std::vector<std::string> texts;
  for (const std::string& file : o.files) {
    auto text = ReadPolicyFile(file, "FILE");
    if (!text.ok()) {
      PrintPolicyError("check", text.error());
      return kExitUsage;
    }
    texts.push_back(std::move(text).value());
  }
  iam::LintOptions options;
  options.type = *iam::ParsePolicyType(o.type);  // validated by CLI11
  if (!o.for_type.empty()) options.for_type = *iam::ParseConnectionType(o.for_type);
  options.own_account = o.account;
  if (texts.size() > 1) return RunCheckSet(o, texts, options);
  iam::LintReport report = iam::LintPolicy(texts.front(), options);
  if (options.type == iam::PolicyType::kTrust &&
      (!o.vendor_principal.empty() || !o.role_arn.empty())) {
    iam::PolicyRead read = iam::ReadPolicy(texts.front());
    if (read.policy) {
      iam::TrustContext context;
      context.vendor_principal = o.vendor_principal;
      context.external_ids = o.external_ids;
      context.role_arn = o.role_arn;
      context.for_type = options.for_type;
      for (auto& f : iam::CheckTrustContext(*read.policy, context)) {
        report.findings.push_back(std::move(f));
      }
    }
  }
  if (o.format == "json") {
    nlohmann::ordered_json out = {{"file", o.files.front()}, {"type", o.type}};
    out.update(iam::ToJson(report));
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    std::cout << iam::FormatLintReport(report, o.files.front());
  }
  return report.has_errors() ? kExitFinding : kExitOk;
}

void AddCheck(CLI::App& policy) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = policy.add_subcommand(
      "check",
      "Lint a policy document offline: syntax, grammar, ARNs, actions, confused "
      "deputy, and with --for what a connection type needs. Exit 1 on any error.");
  cmd->add_option("FILE", o->files,
                  "Policy document (JSON); several: the policies attached to one role, "
                  "checked together")
      ->required();
  cmd->add_option("--type", o->type, "identity (permission policy), trust or resource")
      ->check(CLI::IsMember({"identity", "trust", "resource"}))
      ->capture_default_str();
  cmd->add_option("--for", o->for_type, "Also check what this connection type needs")
      ->check(CLI::IsMember(iam::ConnectionTypeNames()));
  cmd->add_option("--vendor-principal", o->vendor_principal,
                  "With --type trust: the principal crossdock assumes roles as (e.g. "
                  "arn:aws:iam::568237466542:root); reports a trust naming another vendor");
  cmd->add_option("--external-id", o->external_ids,
                  "With --type trust: the organization's External ID (repeatable during a "
                  "rotation); reports a missing or different sts:ExternalId");
  cmd->add_option("--role-arn", o->role_arn,
                  "With --type trust: the role the policy is attached to (Databricks: it must "
                  "trust exactly itself)");
  cmd->add_option("--account", o->account,
                  "Account that owns the role (its principals are not 'another account')");
  cmd->add_option("--format", o->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([o] { ExitWith(RunCheck(*o)); });
}

struct DiffOptions {
  std::string required, actual, format = "text";
};

int RunDiff(const DiffOptions& o) {
  auto required = ReadPolicyFile(o.required, "--required");
  if (!required.ok()) {
    PrintPolicyError("diff", required.error());
    return kExitUsage;
  }
  auto actual = ReadPolicyFile(o.actual, "--actual");
  if (!actual.ok()) {
    PrintPolicyError("diff", actual.error());
    return kExitUsage;
  }
  auto diff = iam::DiffPolicyText(*required, *actual);
  if (!diff.ok()) {
    PrintPolicyError("diff", diff.error());
    return kExitUsage;
  }
  if (o.format == "json") {
    std::cout << iam::ToJson(*diff).dump(2, ' ', false,
                                         nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << iam::FormatDiff(*diff);
  }
  return diff->same() ? kExitOk : kExitFinding;
}

void AddDiff(CLI::App& policy) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd = policy.add_subcommand(
      "diff",
      "Compare an actual policy with the required one: what it lacks (action x "
      "resource) and what it grants beyond. Exit 1 when they differ.");
  cmd->add_option("--required", o->required, "The policy crossdock requires (e.g. generated)")
      ->required();
  cmd->add_option("--actual", o->actual, "The policy the customer has")->required();
  cmd->add_option("--format", o->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([o] { ExitWith(RunDiff(*o)); });
}

// The operation table (iam/operations.h): what each connection type does in the customer's
// account and the IAM action each operation needs. docs/operations.md is this output.
void AddOperations(CLI::App& policy) {
  auto format = std::make_shared<std::string>("markdown");
  CLI::App* cmd = policy.add_subcommand(
      "operations",
      "Every AWS operation crossdock issues per connection type, with the IAM action, the "
      "resource and the condition keys it needs (the table the generated policies come from)");
  cmd->add_option("--format", *format, "markdown or json")
      ->check(CLI::IsMember({"markdown", "json"}))
      ->capture_default_str();
  cmd->callback([format] {
    if (*format == "markdown") {
      std::cout << "# What crossdock does in a customer's account\n\n"
                << "Generated by `crossdock policy operations`: the permission policies, "
                   "`policy check --for`, the connection test's probes and this page come "
                   "from one table (src/crossdock/iam/operations.cc).\n\n"
                << iam::OperationTableMarkdown();
      return;
    }
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const iam::OperationDef& op : iam::OperationTable()) {
      nlohmann::ordered_json types = nlohmann::ordered_json::array();
      for (const iam::ConnectionTypeInfo& t : iam::ConnectionTypes()) {
        if ((op.types & iam::TypeBit(t.type)) != 0) types.push_back(t.name);
      }
      nlohmann::ordered_json reqs = nlohmann::ordered_json::array();
      for (const iam::Requirement& r : op.requirements) {
        reqs.push_back({{"action", r.action}, {"resource", iam::ResourceKindName(r.resource)}});
      }
      out.push_back({{"api", op.api},
                     {"requirements", reqs},
                     {"condition_keys", op.condition_keys},
                     {"types", types},
                     {"purpose", op.purpose}});
    }
    std::cout << out.dump(2) << "\n";
  });
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app) {
  CLI::App* policy = app.add_subcommand(
      "policy",
      "IAM policies offline: check (lint), simulate (evaluate and explain), generate, "
      "diff");
  policy->require_subcommand(1);
  AddCheck(*policy);
  AddPolicySimulateCommand(*policy);
  AddPolicyGenerateCommand(*policy);
  AddDiff(*policy);
  AddOperations(*policy);
}

}  // namespace crossdock::cli
