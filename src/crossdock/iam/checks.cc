#include "crossdock/iam/checks.h"

namespace crossdock::iam {
namespace {

constexpr std::string_view kDocs = "https://docs.aws.amazon.com/IAM/latest/UserGuide/";

constexpr FindingType E = FindingType::kError;
constexpr FindingType S = FindingType::kSecurityWarning;
constexpr FindingType W = FindingType::kWarning;
constexpr FindingType G = FindingType::kSuggestion;

// Looked up linearly: a few dozen entries, consulted once per finding.
constexpr CheckInfo kChecks[] = {
    // Reading (policy.cc).
    {"json-syntax", E, "JSON_SYNTAX_ERROR", ""},
    {"json-missing-comma", E, "JSON_SYNTAX_ERROR", ""},
    {"json-trailing-comma", E, "JSON_SYNTAX_ERROR", ""},
    {"json-duplicate-key", E, "JSON_SYNTAX_ERROR", ""},
    {"policy-not-object", E, "DATA_TYPE_MISMATCH", ""},
    {"element-type", E, "DATA_TYPE_MISMATCH", ""},
    {"version-unknown", E, "INVALID_VERSION", ""},
    {"version-missing", W, "MISSING_VERSION", ""},
    {"version-old", W, "", "reference_policies_elements_version.html"},
    {"statement-missing", E, "MISSING_STATEMENT", ""},
    {"element-unknown", E, "INVALID_POLICY_ELEMENT", ""},
    {"action-and-notaction", E, "UNSUPPORTED_ELEMENT_COMBINATION", ""},
    {"resource-and-notresource", E, "UNSUPPORTED_ELEMENT_COMBINATION", ""},
    {"principal-and-notprincipal", E, "UNSUPPORTED_ELEMENT_COMBINATION", ""},
    {"principal-malformed", E, "INVALID_PRINCIPAL_FORMAT", ""},
    {"condition-malformed", E, "DATA_TYPE_MISMATCH", ""},
    {"condition-operator-unknown", E, "INVALID_CONDITION_OPERATOR", ""},
    {"effect-missing", E, "MISSING_EFFECT", ""},
    {"effect-invalid", E, "INVALID_EFFECT", ""},
    {"action-missing", E, "MISSING_ACTION", ""},
    {"action-malformed", E, "INVALID_ACTION", ""},
    {"sid-duplicate", E, "UNIQUE_SIDS_REQUIRED", ""},
    {"empty-array-action", G, "EMPTY_ARRAY_ACTION", ""},
    {"empty-array-resource", G, "EMPTY_ARRAY_RESOURCE", ""},
    {"empty-array-principal", G, "EMPTY_ARRAY_PRINCIPAL", ""},
    {"empty-object-principal", G, "EMPTY_OBJECT_PRINCIPAL", ""},
    {"empty-object-condition", G, "EMPTY_OBJECT_CONDITION", ""},
    {"empty-array-condition", G, "EMPTY_ARRAY_CONDITION", ""},
    // Linting (lint.cc).
    {"principal-in-identity-policy", E, "UNSUPPORTED_PRINCIPAL", ""},
    {"principal-missing", E, "MISSING_PRINCIPAL", ""},
    {"resource-missing", E, "MISSING_RESOURCE", ""},
    {"trust-has-resource", E, "", "reference_policies_elements_resource.html"},
    {"notprincipal-with-allow", S, "ALLOW_WITH_NOT_PRINCIPAL", ""},
    {"allow-with-notaction", G, "", "reference_policies_elements_notaction.html"},
    {"action-unknown", E, "INVALID_ACTION", ""},
    {"arn-malformed", E, "INVALID_ARN_RESOURCE", ""},
    {"s3-object-action-on-bucket", E, "", "reference_policies_elements_resource.html"},
    {"s3-bucket-action-on-object", E, "", "reference_policies_elements_resource.html"},
    {"trust-principal-wildcard", S, "", "reference_policies_elements_principal.html"},
    {"trust-missing-external-id", S, "", "id_roles_common-scenarios_third-party.html"},
    {"wildcard-resource-destructive", W, "", "best-practices.html"},
    {"condition-wildcard-non-like", W, "WILDCARD_WITHOUT_LIKE_OPERATOR", ""},
    {"condition-value-invalid", W, "TYPE_MISMATCH", ""},
    {"missing-permission", E, "", "reference_policies_evaluation-logic.html"},
    {"sid-invalid", E, "UNSUPPORTED_SID", ""},
    {"sid-empty", G, "EMPTY_SID_VALUE", ""},
    {"variable-malformed", E, "MISSING_BRACE_IN_VARIABLE", ""},
    {"variable-unsupported-in-element", E, "VARIABLE_UNSUPPORTED_IN_ELEMENT", ""},
    {"variable-unsupported-in-version", E, "VARIABLE_UNSUPPORTED_IN_VERSION", ""},
    {"variable-invalid-for-operator", E, "INVALID_VARIABLE_FOR_OPERATOR", ""},
    {"condition-key-duplicate-case", E, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", ""},
    {"condition-multiple-boolean", E, "INVALID_CONDITION_MULTIPLE_BOOLEAN", ""},
    {"condition-null-qualifier", G, "NULL_WITH_QUALIFIER", ""},
    {"condition-tag-key-missing", E, "MISSING_TAG_KEY_IN_CONDITION", ""},
    {"condition-missing-qualifier", E, "MISSING_QUALIFIER", ""},
    {"condition-set-operator", S, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", ""},
    {"condition-date-epoch", W, "INVALID_DATE_VALUE", ""},
    {"condition-global-key", E, "UNSUPPORTED_GLOBAL_CONDITION_KEY", ""},
    {"principal-wildcard", E, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", ""},
    {"condition-ip-host-bits", G, "IMPROVE_IP_RANGE", ""},
    {"condition-ip-private", E, "PRIVATE_IP_ADDRESS", ""},
    {"condition-redundant-value", G, "REDUNDANT_CONDITION_VALUE_NUM", ""},
    {"condition-missing-paired-key", S, "MISSING_PAIRED_CONDITION_KEYS", ""},
    {"principal-unique-id", W, "INVALID_ROLE_REFERENCE", ""},
    {"pass-role-wildcard", S, "PASS_ROLE_WITH_STAR_IN_RESOURCE", ""},
    {"create-slr-wildcard", W, "CREATE_SLR_WITH_STAR_IN_RESOURCE", ""},
    {"action-redundant", G, "REDUNDANT_ACTION", ""},
    {"resource-redundant", G, "REDUNDANT_RESOURCE", ""},
    {"statement-redundant", G, "REDUNDANT_STATEMENT", ""},
    {"wildcard-in-service-name", G, "WILDCARD_IN_SERVICE_NAME", ""},
    {"policy-size", W, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", ""},
};

}  // namespace

const CheckInfo* FindCheck(std::string_view code) {
  for (const CheckInfo& c : kChecks) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

void SetIssue(Finding& finding, FindingType type, std::string_view issue_code) {
  finding.type = type;
  finding.issue_code = std::string(issue_code);
  finding.link = issue_code.empty() ? std::string() : AccessAnalyzerLink(type, issue_code);
}

Finding MakeFinding(std::string code, Severity severity, Position position, std::string message,
                    std::string fix) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.position = position;
  f.message = std::move(message);
  f.fix = std::move(fix);
  if (const CheckInfo* c = FindCheck(f.code)) {
    f.type = c->type;
    if (!c->issue_code.empty()) {
      SetIssue(f, c->type, c->issue_code);
    } else {
      f.link = std::string(kDocs) + std::string(c->link);
    }
  }
  return f;
}

}  // namespace crossdock::iam
