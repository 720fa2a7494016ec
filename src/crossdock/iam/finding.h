// Findings: what the policy reader and the linter report about a policy document.
//
// A finding has a stable code (kebab-case, never renamed: scripts and the REST API key on it),
// a severity (error, warning, suggestion: `policy check` exits 1 on an error), the
// line:column it points at, a message saying what is wrong and a fix saying what to write
// instead. Findings that correspond to a check of IAM Access Analyzer's policy validation
// also carry that check's finding type (ERROR, SECURITY_WARNING, WARNING, SUGGESTION), its
// issue code and the link to its entry in the policy check reference, and, where the fix is
// mechanical, the corrected text of the element. This header only defines the record and its
// JSON form; the checks live in policy.cc (reading) and lint.cc (everything else).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/iam/json_doc.h"

namespace crossdock::iam {

enum class Severity { kError, kWarning, kSuggestion };

// "error", "warning", "suggestion".
const char* SeverityName(Severity severity);

// IAM Access Analyzer's finding types, in its order of gravity.
enum class FindingType { kError, kSecurityWarning, kWarning, kSuggestion };

// "ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION".
const char* FindingTypeName(FindingType type);

// The severity a finding type maps to: ERROR -> error, SECURITY_WARNING and WARNING ->
// warning, SUGGESTION -> suggestion.
Severity SeverityFor(FindingType type);

// The policy check reference entry of an Access Analyzer check, e.g. for
// (kSecurityWarning, "PASS_ROLE_WITH_STAR_IN_RESOURCE"):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
// #access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource
std::string AccessAnalyzerLink(FindingType type, std::string_view issue_code);

struct Finding {
  std::string code;  // stable, e.g. "effect-invalid"; see docs/policy-engine.md for the list
  Severity severity = Severity::kError;
  Position position;    // line 0 when the finding is about the whole document
  std::string message;  // what is wrong, naming the element
  std::string fix;      // what to do about it
  // Access Analyzer's grade of the finding; for crossdock's own checks, the grade Access
  // Analyzer gives comparable findings.
  FindingType type = FindingType::kError;
  std::string issue_code;  // Access Analyzer's issue code, e.g. "MISSING_VERSION"; may be empty
  std::string link;        // documentation of the rule
  std::string corrected;   // the element as it should read, when that is mechanical
};

// {"code", "severity", "line", "column", "message", "fix", "finding_type", "issue_code",
// "learn_more_link", "corrected"?, "findingType", "issueCode", "learnMoreLink", "category"}:
// the first six as before; the grade, issue code and link also under Access Analyzer's
// ValidatePolicy names, and the grade as "category".
nlohmann::ordered_json ToJson(const Finding& finding);
nlohmann::ordered_json ToJson(const std::vector<Finding>& findings);

// "12:5 error effect-invalid: <message> Fix: <fix> [ERROR INVALID_EFFECT <link>]"
std::string FormatFinding(const Finding& finding);

bool HasErrors(const std::vector<Finding>& findings);

}  // namespace crossdock::iam
