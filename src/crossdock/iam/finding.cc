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

nlohmann::ordered_json ToJson(const Finding& finding) {
  return nlohmann::ordered_json{
      {"code", finding.code},          {"severity", SeverityName(finding.severity)},
      {"line", finding.position.line}, {"column", finding.position.column},
      {"message", finding.message},    {"fix", finding.fix}};
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
  return out;
}

bool HasErrors(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace crossdock::iam
