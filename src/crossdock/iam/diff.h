// Compares a policy the customer has with the policy crossdock requires, both ways.
//
// Missing: every (principal, action, resource, condition values) the required policy allows
// is simulated against the actual one; each that is not allowed is reported with the
// explanation of the denial. Excess: what the actual policy grants beyond the requirement:
// wildcard actions such as s3:* (with how many and which catalogued actions they add),
// actions the requirement does not need, resources broader than any required one
// (Resource "*", arn:aws:s3:::*), principals the requirement does not name, and requests the
// requirement only allows under a condition (sts:ExternalId, s3:prefix) that the actual
// policy allows without it. Wildcards in the required policy are expanded with the action
// catalogue and resource patterns are probed with a concrete name under them. It
// deliberately does not prove equivalence of arbitrary policies (IAM's Zelkova does that);
// it checks the requests that matter for a connection.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/iam/json_doc.h"
#include "crossdock/iam/policy.h"

namespace crossdock::iam {

struct MissingGrant {
  std::string principal;  // empty for identity policies
  std::string action;
  std::string resource;
  std::vector<std::pair<std::string, std::string>> context;
  std::string decision;     // "ImplicitDeny" or "ExplicitDeny"
  std::string explanation;  // why the actual policy does not allow it
};

struct ExcessGrant {
  int statement = 0;  // index in the actual policy
  std::string sid;
  std::string element;  // "Action", "NotAction", "Resource", "Principal", "Condition"
  std::string value;    // e.g. "s3:*", "*", the principal
  std::string message;  // what it grants beyond the requirement
  Position position;
};

struct PolicyDiff {
  std::vector<MissingGrant> missing;
  std::vector<ExcessGrant> excess;
  bool same() const { return missing.empty() && excess.empty(); }
};

PolicyDiff DiffPolicies(const Policy& required, const Policy& actual);
// Reads both documents strictly; errors name which one ("required" or "actual") is wrong.
Result<PolicyDiff> DiffPolicyText(std::string_view required, std::string_view actual);

// {"same", "missing": [...], "excess": [...]}
nlohmann::ordered_json ToJson(const PolicyDiff& diff);
std::string FormatDiff(const PolicyDiff& diff);

}  // namespace crossdock::iam
