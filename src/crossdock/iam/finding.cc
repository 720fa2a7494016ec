#include "crossdock/iam/finding.h"

namespace crossdock::iam {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kSuggestion:
      return "suggestion";
  }
  return "error";
}

const char* FindingTypeName(FindingType type) {
  switch (type) {
    case FindingType::kError:
      return "ERROR";
    case FindingType::kSecurityWarning:
      return "SECURITY_WARNING";
    case FindingType::kWarning:
      return "WARNING";
    case FindingType::kSuggestion:
      return "SUGGESTION";
  }
  return "ERROR";
}

Severity SeverityFor(FindingType type) {
  switch (type) {
    case FindingType::kError:
      return Severity::kError;
    case FindingType::kSecurityWarning:
    case FindingType::kWarning:
      return Severity::kWarning;
    case FindingType::kSuggestion:
      return Severity::kSuggestion;
  }
  return Severity::kError;
}

std::string AccessAnalyzerLink(FindingType type, std::string_view issue_code) {
  std::string anchor;
  switch (type) {
    case FindingType::kError:
      anchor = "error-";
      break;
    case FindingType::kSecurityWarning:
      anchor = "security-warning-";
      break;
    case FindingType::kWarning:
      anchor = "general-warning-";
      break;
    case FindingType::kSuggestion:
      anchor = "suggestion-";
      break;
  }
  for (char c : issue_code) {
    anchor += c == '_' ? '-' : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
         "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-" +
         anchor;
}

nlohmann::ordered_json ToJson(const Finding& finding) {
  nlohmann::ordered_json out{{"code", finding.code},
                             {"severity", SeverityName(finding.severity)},
                             {"line", finding.position.line},
                             {"column", finding.position.column},
                             {"message", finding.message},
                             {"fix", finding.fix},
                             {"finding_type", FindingTypeName(finding.type)}};
  out["issue_code"] = finding.issue_code;
  out["learn_more_link"] = finding.link;
  if (!finding.corrected.empty()) out["corrected"] = finding.corrected;
  // The same three under the names Access Analyzer's ValidatePolicy uses, so that its output
  // and ours compare key by key, and the grade under the short name the text output shows.
  out["findingType"] = FindingTypeName(finding.type);
  out["issueCode"] = finding.issue_code;
  out["learnMoreLink"] = finding.link;
  out["category"] = FindingTypeName(finding.type);
  return out;
}

nlohmann::ordered_json ToJson(const std::vector<Finding>& findings) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Finding& f : findings) out.push_back(ToJson(f));
  return out;
}

std::string FormatFinding(const Finding& finding) {
  std::string out = std::to_string(finding.position.line) + ":" +
                    std::to_string(finding.position.column) + " " + SeverityName(finding.severity) +
                    " " + finding.code + ": " + finding.message;
  if (!finding.fix.empty()) out += " Fix: " + finding.fix;
  if (!finding.corrected.empty()) out += " Corrected: " + finding.corrected;
  out += std::string(" [") + FindingTypeName(finding.type);
  if (!finding.issue_code.empty()) out += " " + finding.issue_code;
  if (!finding.link.empty()) out += " " + finding.link;
  out += "]";
  return out;
}

bool HasErrors(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace crossdock::iam
