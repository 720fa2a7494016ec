#include "crossdock/iam/trust_context.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "crossdock/iam/arn.h"
#include "crossdock/iam/evaluate.h"

namespace crossdock::iam {
namespace {

Position Top() {
  Position p;
  p.line = 1;
  p.column = 1;
  return p;
}

// The 12-digit account of a principal ARN (or the id itself).
std::string AccountOf(const std::string& principal) {
  if (principal.size() == 12 && principal.find_first_not_of("0123456789") == std::string::npos) {
    return principal;
  }
  auto arn = ParseArnPattern(principal);
  return arn.ok() ? arn->account : "";
}

}  // namespace

std::vector<Finding> CheckTrustContext(const Policy& trust, const TrustContext& ctx) {
  std::vector<Finding> out;
  const std::vector<NamedPolicy> policies = {{"trust", trust}};
  const std::string resource = ctx.role_arn.empty() ? "*" : ctx.role_arn;
  auto allowed = [&](const std::string& principal, const std::string* external_id) {
    Request req(principal, "sts:AssumeRole", resource);
    if (external_id != nullptr) req.Set("sts:ExternalId", *external_id);
    return Decide(policies, req) == Decision::kAllow;
  };
  std::set<std::string> aws_principals;
  std::set<std::string> external_id_values;
  for (const Statement& s : trust.statements) {
    if (s.effect != Effect::kAllow || s.not_principal) continue;
    for (const PrincipalEntry& e : s.principals) {
      if (e.type == "AWS" || e.type == "*") aws_principals.insert(e.value);
    }
    for (const Condition& c : s.conditions) {
      if (c.key_lower == "sts:externalid") {
        external_id_values.insert(c.values.begin(), c.values.end());
      }
    }
  }
  if (!ctx.vendor_principal.empty()) {
    const std::string& vendor = ctx.vendor_principal;
    const std::string vendor_account = AccountOf(vendor);
    bool names_vendor = false;
    for (const std::string& p : aws_principals) {
      names_vendor = names_vendor || p == "*" || p == vendor ||
                     (!vendor_account.empty() && AccountOf(p) == vendor_account);
    }
    bool any_allowed = false;
    for (const std::string& id : ctx.external_ids) {
      if (allowed(vendor, &id)) {
        any_allowed = true;
        continue;
      }
      if (!names_vendor) continue;  // reported once below
      out.push_back({"trust-external-id-mismatch", Severity::kError, Top(),
                     fmt::format("crossdock ({}) cannot assume the role with the organization's "
                                 "External ID {}: the sts:ExternalId condition names {}",
                                 vendor, id,
                                 external_id_values.empty()
                                     ? std::string("no value")
                                     : fmt::format("{}", fmt::join(external_id_values, ", "))),
                     fmt::format("set the condition to \"StringEquals\": {{\"sts:ExternalId\": "
                                 "\"{}\"}} in the statement that names the vendor",
                                 id),
                     FindingType::kError, "", "", ""});
    }
    if (!names_vendor) {
      out.push_back(
          {"trust-wrong-vendor", Severity::kError, Top(),
           fmt::format("no statement lets crossdock ({}) assume the role; it trusts {}", vendor,
                       aws_principals.empty() ? std::string("no AWS principal")
                                              : fmt::format("{}", fmt::join(aws_principals, ", "))),
           fmt::format("name \"{}\" in Principal.AWS of the statement with the sts:ExternalId "
                       "condition (account id {})",
                       vendor, vendor_account),
           FindingType::kError, "", "", ""});
    }
    const std::string wrong = "crossdock-wrong-external-id";
    if (any_allowed && (allowed(vendor, nullptr) || allowed(vendor, &wrong))) {
      out.push_back(
          {"trust-external-id-missing", Severity::kError, Top(),
           fmt::format("crossdock ({}) can assume the role without the External ID "
                       "(the confused deputy problem)",
                       vendor),
           fmt::format("add \"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": "
                       "\"{}\"}}}} to the statement that names the vendor",
                       ctx.external_ids.empty() ? "EXTERNAL-ID" : ctx.external_ids.front()),
           FindingType::kSecurityWarning, "", "", ""});
    }
  }
  if (ctx.for_type == ConnectionType::kDatabricks && !ctx.role_arn.empty() &&
      aws_principals.count(ctx.role_arn) == 0) {
    out.push_back({"trust-missing-self", Severity::kError, Top(),
                   fmt::format("the role {} does not trust itself: Databricks refuses storage "
                               "credentials on roles that cannot assume themselves (since "
                               "January 2025); other role principals do not count",
                               ctx.role_arn),
                   fmt::format("add \"{}\" to Principal.AWS of the statement with the "
                               "Databricks External ID",
                               ctx.role_arn),
                   FindingType::kError, "", "", ""});
  }
  return out;
}

}  // namespace crossdock::iam
