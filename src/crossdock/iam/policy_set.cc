#include "crossdock/iam/policy_set.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "crossdock/iam/policy.h"

namespace crossdock::iam {

Result<std::string> CombinePolicyDocuments(const std::vector<std::string>& texts) {
  nlohmann::ordered_json statements = nlohmann::ordered_json::array();
  for (size_t i = 0; i < texts.size(); ++i) {
    PolicyRead read = ReadPolicy(texts[i]);
    const std::string& text = read.corrected.empty() ? texts[i] : read.corrected;
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, false);
    if (!read.policy || doc.is_discarded() || !doc.is_object() || !doc.contains("Statement")) {
      return Error(ErrorCode::kInvalidArgument,
                   fmt::format("policy {} is not a readable policy document; fix it first "
                               "(crossdock policy check shows each problem)",
                               i + 1),
                   fmt::format("policy {}", i + 1));
    }
    const auto& st = doc["Statement"];
    if (st.is_array()) {
      for (const auto& s : st) statements.push_back(s);
    } else {
      statements.push_back(st);
    }
  }
  nlohmann::ordered_json combined = {{"Version", "2012-10-17"}, {"Statement", statements}};
  return combined.dump(2);
}

bool LintSetReport::has_errors() const {
  for (const auto& d : documents) {
    if (d.has_errors()) return true;
  }
  return together.has_errors();
}

LintSetReport LintPolicySet(const std::vector<std::string>& texts, const LintOptions& options) {
  LintSetReport out;
  LintOptions alone = options;
  alone.for_type.reset();
  for (const auto& text : texts) out.documents.push_back(LintPolicy(text, alone));
  if (!options.for_type) return out;
  auto combined = CombinePolicyDocuments(texts);
  if (!combined.ok()) return out;  // each unreadable document already has its findings
  LintReport all = LintPolicy(*combined, options);
  // Keep what only the whole set can say: the needs of the connection type.
  LintReport without = LintPolicy(*combined, alone);
  for (const Finding& f : all.findings) {
    bool per_statement = false;
    for (const Finding& g : without.findings) {
      if (g.code == f.code && g.message == f.message && g.position.line == f.position.line &&
          g.position.column == f.position.column) {
        per_statement = true;
        break;
      }
    }
    if (!per_statement) out.together.findings.push_back(f);
  }
  return out;
}

}  // namespace crossdock::iam
