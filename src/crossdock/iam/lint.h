// The policy linter behind `crossdock policy check`: every mistake we know customers make in
// the policies they paste, found offline, each with a stable code, a line:column and a fix.
//
// LintPolicy reads the document (all reading findings of policy.h, including JSON defects
// with the corrected document) and then checks its meaning for the kind of policy it is:
// malformed ARNs (resources, principals, Arn* condition values), unknown actions of the
// catalogued services, S3 object actions given only bucket ARNs and bucket actions given
// only object ARNs, a Principal in an identity policy or none in a trust/resource policy,
// Resource in a trust policy, confused-deputy trust policies (another account may assume the
// role without an sts:ExternalId condition), "Principal": "*" in a trust policy, NotPrincipal
// with Allow, wildcard resources with destructive actions, wildcards under non-Like string
// operators and condition values their operator cannot read. With a connection type it also
// simulates every operation that type needs (generate.h) and reports what is not allowed.
// The codes are listed in docs/policy-engine.md. It does not call AWS's Access Analyzer, and
// it only judges actions of the services in catalog.h.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/iam/finding.h"
#include "crossdock/iam/generate.h"

namespace crossdock::iam {

// identity: attached to the role (permission policy); trust: the role's trust policy;
// resource: a resource-based policy such as a bucket policy.
enum class PolicyType { kIdentity, kTrust, kResource };
const char* PolicyTypeName(PolicyType type);
Result<PolicyType> ParsePolicyType(std::string_view name);

struct LintOptions {
  PolicyType type = PolicyType::kIdentity;
  // Check that what this connection type needs is allowed.
  std::optional<ConnectionType> for_type;
  // The actual connection, when known (connection test, REST API): its operations are
  // simulated exactly. Without it, buckets and the self-assume role are taken from the
  // policy itself.
  std::optional<ConnectionSpec> spec;
  // The account that owns the role, when known: principals of this account are not "another
  // account" for the confused-deputy check.
  std::string own_account;
};

struct LintReport {
  std::vector<Finding> findings;  // in document order, then --for findings
  std::string corrected;          // the repaired document when JSON commas were fixed

  bool has_errors() const { return HasErrors(findings); }
  size_t count(Severity severity) const;
};

LintReport LintPolicy(std::string_view text, const LintOptions& options);

// {"ok", "errors", "warnings", "suggestions", "findings": [...], "corrected"?}.
nlohmann::ordered_json ToJson(const LintReport& report);
// One finding per line prefixed by `file`, then a summary, then the corrected document.
std::string FormatLintReport(const LintReport& report, std::string_view file);

}  // namespace crossdock::iam
