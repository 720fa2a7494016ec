// Offline evaluation of IAM policies for one request, with an explanation of the decision.
//
// Decide() and Explain() implement AWS's policy evaluation logic for the policies crossdock
// deals with: an explicit Deny in any statement wins, otherwise any Allow allows, otherwise
// the request is implicitly denied. Identity policies (no Principal) apply to the requester;
// resource policies and trust policies (with Principal) apply when the principal matches, and
// a statement without Resource/NotResource applies to the resource it is attached to, which
// is how a role's trust policy governs sts:AssumeRole on that role. Matching covers
// Action/NotAction (case-insensitive), Resource/NotResource (ARN components, `*` and `?`),
// Principal/NotPrincipal (account ids and account roots, role and user ARNs, assumed-role
// sessions of a role, service principals, `*`), every condition operator family with
// ...IfExists and ForAnyValue:/ForAllValues:, several keys in one block (AND), several values
// (OR), and policy variables (${aws:username}, ${aws:PrincipalAccount}, ${*}, defaults).
// Policies from the same account are combined as a union (a role's own permission policy, a
// trust policy, a resource policy naming a principal of its account). When the principal's
// account and the resource's account are both known (aws:ResourceAccount or the resource
// ARN's account) and differ, an identity statement and a resource statement must both allow,
// except for role assumption, whose trust policy crossdock simulates on its own. No policy at
// all is an implicit deny. It deliberately does not model permission boundaries, SCPs, RCPs
// or session policies.
// Decide() is the allocation-free fast path; Explain() records, for every statement, which
// element matched and which did not. Both are pure and thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/iam/policy.h"

namespace crossdock::iam {

// A request to authorize: who, what, on which resource, with which condition keys.
class Request {
 public:
  Request() = default;
  // principal: an ARN (role, user, account root, assumed-role session), a 12-digit account
  // id, a service principal ("redshift.amazonaws.com") or "*". resource: an ARN, or "*" for
  // actions that have no resource type. Adds the global keys AWS derives from the principal
  // (aws:PrincipalArn, aws:PrincipalAccount, aws:username for IAM users,
  // aws:PrincipalServiceName for services) unless set later.
  Request(std::string principal, std::string action, std::string resource);

  // Sets a condition key (case-insensitive) to one or more values, replacing earlier ones.
  Request& Set(std::string_view key, std::vector<std::string> values);
  Request& Set(std::string_view key, std::string value);
  // Values of a key, or nullptr; `key_lower` must already be lower-case.
  const std::vector<std::string>* Find(std::string_view key_lower) const;

  const std::string& principal() const { return principal_; }
  const std::string& action() const { return action_; }
  const std::string& resource() const { return resource_; }
  const std::string& principal_account() const { return principal_account_; }

  struct Entry {
    std::string key;        // as given
    std::string key_lower;  // for lookup
    std::vector<std::string> values;
  };
  const std::vector<Entry>& context() const { return context_; }

 private:
  std::string principal_, action_, resource_, principal_account_;
  std::vector<Entry> context_;
};

// Builds a Request with condition keys from a JSON object of key -> string | array of
// strings (numbers and booleans are taken as their text). Errors name the key.
Result<Request> MakeRequest(std::string principal, std::string action, std::string resource,
                            const nlohmann::json& context);

// A policy with the name it is reported under (usually its file name).
struct NamedPolicy {
  std::string name;
  Policy policy;
};

enum class Decision { kAllow, kExplicitDeny, kImplicitDeny };
const char* DecisionName(Decision decision);  // "Allow", "ExplicitDeny", "ImplicitDeny"

// The decision alone, without explanation. No allocation unless policy variables are used.
Decision Decide(const std::vector<NamedPolicy>& policies, const Request& request);

struct ConditionTrace {
  std::string op;                     // as written, e.g. "StringEquals"
  std::string key;                    // as written, e.g. "sts:ExternalId"
  std::vector<std::string> expected;  // the policy's values (after variable substitution)
  std::vector<std::string> actual;    // the request's values (empty when absent)
  bool present = false;               // the request had the key
  bool matched = false;
  std::string text;  // "Condition StringEquals sts:ExternalId expected \"X\", request had \"Y\""
};

struct StatementTrace {
  std::string policy;
  int index = 0;  // 0-based position in the policy's Statement list
  std::string sid;
  Effect effect = Effect::kAllow;
  bool principal_matched = true;
  bool action_matched = false;
  bool resource_matched = false;
  bool conditions_matched = false;
  bool applies = false;         // every element matched
  bool resource_based = false;  // the statement names a Principal (resource or trust policy)
  std::vector<ConditionTrace> conditions;
  // "Principal matched, Action matched, Resource matched, Condition StringEquals
  // sts:ExternalId expected "X", request had "Y"": each element in order up to and including
  // the first that did not match.
  std::string explanation;
  int score = 0;  // number of matched elements; ranks the nearest statements of a denial
};

struct Evaluation {
  Decision decision = Decision::kImplicitDeny;
  // Allow: the Allow statements that apply. ExplicitDeny: the Deny statements that apply.
  std::vector<StatementTrace> deciding;
  // For a denial without explicit Deny: the Allow statements that came closest (highest
  // score, at most three), each saying which element did not match.
  std::vector<StatementTrace> nearest;
  std::string summary;  // one sentence
};

Evaluation Explain(const std::vector<NamedPolicy>& policies, const Request& request);

// {"decision", "summary", "request": {...}, "deciding": [...], "nearest": [...]}; each
// statement as {"policy", "index", "sid", "effect", "explanation", "matched": {...},
// "conditions": [...]}.
nlohmann::ordered_json ToJson(const Evaluation& evaluation, const Request& request);
std::string FormatEvaluation(const Evaluation& evaluation);

}  // namespace crossdock::iam
