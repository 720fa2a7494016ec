// Findings: what the policy reader and the linter report about a policy document.
//
// A finding has a stable code (kebab-case, never renamed: scripts and the REST API key on it),
// a severity, the line:column it points at, a message saying what is wrong and a fix saying
// what to write instead. This header only defines the record and its JSON form; the checks
// live in policy.cc (reading) and lint.cc (everything else).
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

struct Finding {
  std::string code;  // stable, e.g. "effect-invalid"; see docs/policy-engine.md for the list
  Severity severity = Severity::kError;
  Position position;    // line 0 when the finding is about the whole document
  std::string message;  // what is wrong, naming the element
  std::string fix;      // what to do about it
};

// {"code", "severity", "line", "column", "message", "fix"}.
nlohmann::ordered_json ToJson(const Finding& finding);
nlohmann::ordered_json ToJson(const std::vector<Finding>& findings);

// "12:5 error effect-invalid: <message> Fix: <fix>"
std::string FormatFinding(const Finding& finding);

bool HasErrors(const std::vector<Finding>& findings);

}  // namespace crossdock::iam
