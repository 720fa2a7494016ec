// Several permission policies attached to one role, read as IAM reads them: a request is
// allowed when any statement of any of them allows it and none denies it, which is exactly
// the evaluation of one document holding all their statements. CombinePolicyDocuments makes
// that document (each input repaired first when ReadPolicy could repair its commas), so that
// `policy check --for`, `policy simulate` and the connection test judge what a role needs
// against everything attached to it (seed 004 has customers attach two policies; either
// alone lacks actions the other grants). LintPolicySet lints each document on its own and
// the needs of a connection type against all of them together. Pure; no I/O.
#pragma once

#include <string>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/iam/lint.h"

namespace crossdock::iam {

// One document whose Statement array holds every statement of `texts`, in order.
// kInvalidArgument naming "policy N" (1-based) when a document cannot be read even after
// repairs.
Result<std::string> CombinePolicyDocuments(const std::vector<std::string>& texts);

struct LintSetReport {
  std::vector<LintReport> documents;  // each document alone, without the --for needs
  LintReport together;                // the --for needs against all documents (findings only)
  bool has_errors() const;
};

LintSetReport LintPolicySet(const std::vector<std::string>& texts, const LintOptions& options);

}  // namespace crossdock::iam
