// The IAM policy document model and its reader.
//
// ReadPolicy turns JSON text into a Policy, accepting AWS's shorthand forms (Statement as an
// object or an array; Action, Resource, Principal values and condition values as a string or
// an array; Principal as "*" or {"AWS"|"Service"|"Federated"|"CanonicalUser": ...}) and
// recording every element's line:column. Whatever is wrong with the text or the grammar
// (JSON syntax, missing commas, trailing commas, duplicate keys, unknown or misspelt
// elements, missing or wrong-case Effect, Action with NotAction, unknown condition
// operators, wrong value types) becomes a Finding, and the model is still built as far as
// possible so the linter can look further. Condition operators are parsed once into a
// ConditionOperator so evaluation never re-parses text. It deliberately does not judge the
// meaning of a policy (unknown actions, ARNs, confused deputies: lint.h) or evaluate it
// (evaluate.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/core/result.h"
#include "crossdock/iam/finding.h"
#include "crossdock/iam/json_doc.h"

namespace crossdock::iam {

inline constexpr const char* kPolicyVersion = "2012-10-17";
inline constexpr const char* kPolicyVersionOld = "2008-10-17";

enum class Effect { kAllow, kDeny };
const char* EffectName(Effect effect);  // "Allow" / "Deny"

// The condition operator families of the IAM JSON policy reference.
enum class ConditionOp : uint8_t {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

enum class SetQualifier : uint8_t { kNone, kForAnyValue, kForAllValues };

struct ConditionOperator {
  ConditionOp op = ConditionOp::kStringEquals;
  SetQualifier set = SetQualifier::kNone;
  bool if_exists = false;
  std::string name;  // as written, e.g. "ForAnyValue:StringLikeIfExists"

  // True for the negated operators (StringNotEquals, NotIpAddress, ArnNotLike...).
  bool negated() const;
};

// Parses an operator name (case-sensitive, as AWS). Errors name the operator and suggest the
// closest known one.
Result<ConditionOperator> ParseConditionOperator(std::string_view name);

struct Condition {
  ConditionOperator op;
  std::string key;        // as written, e.g. "sts:ExternalId"
  std::string key_lower;  // condition keys are case-insensitive
  std::vector<std::string> values;
  Position position;  // of the key
};

struct PrincipalEntry {
  std::string type;   // "*" (for "Principal": "*"), "AWS", "Service", "Federated", "CanonicalUser"
  std::string value;  // "*", an ARN, a 12-digit account id, a service name...
  Position position;
};

// A list element (Action, Resource): values as written plus where the element is.
struct ValueList {
  bool present = false;
  bool negated = false;  // NotAction / NotResource / NotPrincipal
  std::vector<std::string> values;
  std::vector<Position> positions;  // one per value
  Position position;                // of the element name
};

struct Statement {
  std::string sid;
  bool has_sid = false;  // a Sid element is present (possibly "")
  Position sid_position;
  Effect effect = Effect::kAllow;
  bool has_effect = false;
  Position position;   // of the statement object
  ValueList action;    // Action or NotAction
  ValueList resource;  // Resource or NotResource
  bool has_principal = false;
  bool not_principal = false;
  Position principal_position;
  std::vector<PrincipalEntry> principals;
  std::vector<Condition> conditions;
  Position condition_position;

  // Action patterns lower-cased, for case-insensitive matching.
  std::vector<std::string> actions_lower;
  // Resource or condition values contain ${...} (only honoured with Version 2012-10-17).
  bool uses_variables = false;
};

struct Policy {
  std::string version;  // empty when missing
  std::string id;
  std::vector<Statement> statements;
  Position version_position;

  bool variables_enabled() const { return version == kPolicyVersion; }
};

// Everything reading found: the model (absent only when the JSON could not be read at all),
// the findings, and the corrected text when the JSON reader repaired missing or trailing
// commas.
struct PolicyRead {
  std::optional<Policy> policy;
  std::vector<Finding> findings;
  std::string corrected;  // empty unless repairs were made and made the text readable JSON
};

PolicyRead ReadPolicy(std::string_view text);

// Strict form for evaluation: the Policy, or kInvalidArgument naming the first error
// finding as "line L, column C: message Fix: fix" (field "policy").
Result<Policy> ParsePolicy(std::string_view text);

}  // namespace crossdock::iam
