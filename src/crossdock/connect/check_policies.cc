#include "crossdock/connect/check_policies.h"

#include <fmt/format.h>

#include "crossdock/connect/policy_spec.h"
#include "crossdock/connect/vendor_identity.h"
#include "crossdock/iam/diff.h"
#include "crossdock/iam/evaluate.h"

namespace crossdock::connect {
namespace {

CheckResult Simulated(const char* id, std::string title, const iam::Policy& policy,
                      const char* policy_name, iam::Request request, std::string diagnosis,
                      std::string fix) {
  CheckResult r;
  r.id = id;
  r.title = std::move(title);
  std::vector<iam::NamedPolicy> policies = {{policy_name, policy}};
  iam::Evaluation e = iam::Explain(policies, request);
  r.explanation = iam::FormatEvaluation(e);
  if (e.decision == iam::Decision::kAllow) {
    r.status = CheckStatus::kPass;
    r.message = e.summary;
  } else {
    r.status = CheckStatus::kFail;
    r.message = e.summary;
    r.diagnosis = std::move(diagnosis);
    r.fix = std::move(fix);
  }
  return r;
}

CheckResult NeedsDocument(const char* id, std::string title, const char* flag) {
  CheckResult r;
  r.id = id;
  r.title = std::move(title);
  r.status = CheckStatus::kSkip;
  r.message = fmt::format(
      "not testable from crossdock's side; supply the document the role has ({} FILE) to "
      "check it",
      flag);
  return r;
}

void DatabricksChecks(const CheckInput& in, const DiagnosisContext& ctx,
                      std::vector<CheckResult>& checks) {
  const Connection& c = in.connection;
  const std::string& ext = c.databricks.external_id;
  // The deployment the connection names (GovCloud DoD has a principal of its own), else the
  // region's default.
  std::string uc = DatabricksUnityCatalogPrincipal(c);
  if (ctx.trust_policy) {
    checks.push_back(Simulated(
        "trust_databricks_principal",
        "The trust policy lets Databricks' Unity Catalog role assume the role", *ctx.trust_policy,
        "trust policy", iam::Request(uc, "sts:AssumeRole", c.role_arn).Set("sts:ExternalId", ext),
        "Databricks cannot validate the storage credential: its Unity Catalog principal (with "
        "the Databricks External ID) is not trusted.",
        fmt::format("Add \"{}\" to the trust policy's Principal AWS list and \"{}\" to its "
                    "sts:ExternalId values.",
                    uc, ext.empty() ? "<DATABRICKS-EXTERNAL-ID>" : ext)));
    checks.push_back(
        Simulated("trust_self_assume", "The trust policy lets the role assume itself",
                  *ctx.trust_policy, "trust policy",
                  iam::Request(c.role_arn, "sts:AssumeRole", c.role_arn).Set("sts:ExternalId", ext),
                  "The role is not self-assuming: Databricks blocks such storage credentials.",
                  fmt::format("Add \"{}\" to the trust policy's Principal AWS list.", c.role_arn)));
  } else {
    checks.push_back(NeedsDocument("trust_databricks_principal",
                                   "The trust policy lets Databricks' Unity Catalog role "
                                   "assume the role",
                                   "--trust"));
  }
  if (ctx.permission_policy) {
    checks.push_back(Simulated(
        "permission_self_assume", "The permission policy allows the role to assume itself",
        *ctx.permission_policy, "permission policy",
        iam::Request(c.role_arn, "sts:AssumeRole", c.role_arn),
        "The permission policy lacks the AllowSelfAssume statement Databricks requires.",
        fmt::format("Add {{\"Sid\": \"AllowSelfAssume\", \"Effect\": \"Allow\", \"Action\": "
                    "\"sts:AssumeRole\", \"Resource\": \"{}\"}} to the permission policy.",
                    c.role_arn)));
  }
}

void RedshiftChecks(const CheckInput& in, const DiagnosisContext& ctx,
                    std::vector<CheckResult>& checks) {
  const Connection& c = in.connection;
  if (!ctx.trust_policy) {
    checks.push_back(NeedsDocument("trust_redshift_principal",
                                   "The trust policy lets Redshift assume the role for UNLOAD "
                                   "and COPY",
                                   "--trust"));
    return;
  }
  checks.push_back(Simulated(
      "trust_redshift_principal",
      "The trust policy lets Redshift assume the role for UNLOAD and COPY", *ctx.trust_policy,
      "trust policy", iam::Request("redshift.amazonaws.com", "sts:AssumeRole", c.role_arn),
      "Redshift cannot assume the role, so UNLOAD to and COPY from the staging bucket fail.",
      "Add a statement {\"Effect\": \"Allow\", \"Principal\": {\"Service\": "
      "\"redshift.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"} to the trust policy."));
}

void DiffCheck(const char* id, const char* title, const nlohmann::ordered_json& required,
               const iam::Policy& actual, std::vector<CheckResult>& checks) {
  auto required_policy = iam::ParsePolicy(required.dump());
  if (!required_policy.ok()) return;
  iam::PolicyDiff diff = iam::DiffPolicies(*required_policy, actual);
  CheckResult r;
  r.id = id;
  r.title = title;
  if (diff.same()) {
    r.status = CheckStatus::kPass;
    r.message = "grants what the connection needs and nothing more";
  } else {
    r.status = diff.missing.empty() ? CheckStatus::kWarn : CheckStatus::kFail;
    r.message = fmt::format("{} missing, {} beyond what is needed", diff.missing.size(),
                            diff.excess.size());
    r.explanation = iam::FormatDiff(diff);
    r.diagnosis = diff.missing.empty() ? "The document grants more than the connection needs."
                                       : "The document lacks permissions the connection needs.";
    r.fix =
        "Apply the differences listed (crossdock connection policies prints the exact "
        "document to paste).";
  }
  checks.push_back(std::move(r));
}

}  // namespace

void AddDocumentChecks(const CheckInput& in, const DiagnosisContext& ctx,
                       const std::string& vendor_account, std::vector<CheckResult>& checks) {
  const Connection& c = in.connection;
  if (c.auth_method != AuthMethod::kIamRole) return;
  if (c.type == ConnectionType::kDatabricks) DatabricksChecks(in, ctx, checks);
  if (c.type == ConnectionType::kRedshiftServerless) RedshiftChecks(in, ctx, checks);
  if (!ctx.permission_policy && !ctx.trust_policy) return;
  store::VendorIdentity vendor;
  vendor.account_id = vendor_account;
  // The check environment's account is the identity of the connection's partition.
  auto partition = PartitionOfRegion(c.region);
  if (!partition.ok()) return;
  vendor.partition = *partition;
  if (ctx.vendor_principal.find(":role/") != std::string::npos) {
    vendor.role_arn = ctx.vendor_principal;
  }
  auto spec = SpecForConnection(c, vendor, in.external_ids);
  if (!spec.ok()) return;
  auto generated = iam::GeneratePolicies(*spec);
  if (!generated.ok()) return;
  if (ctx.permission_policy) {
    DiffCheck("permission_policy_diff", "Compare the permission policy with what is needed",
              generated->permission_policy, *ctx.permission_policy, checks);
  }
  if (ctx.trust_policy) {
    DiffCheck("trust_policy_diff", "Compare the trust policy with what is needed",
              generated->trust_policy, *ctx.trust_policy, checks);
  }
}

}  // namespace crossdock::connect
