#include "crossdock/iam/policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "crossdock/core/ascii.h"
#include "crossdock/iam/checks.h"

namespace crossdock::iam {
namespace {

struct OpName {
  std::string_view name;
  ConditionOp op;
};

constexpr std::array<OpName, 27> kOps = {{
    {"StringEquals", ConditionOp::kStringEquals},
    {"StringNotEquals", ConditionOp::kStringNotEquals},
    {"StringEqualsIgnoreCase", ConditionOp::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", ConditionOp::kStringNotEqualsIgnoreCase},
    {"StringLike", ConditionOp::kStringLike},
    {"StringNotLike", ConditionOp::kStringNotLike},
    {"NumericEquals", ConditionOp::kNumericEquals},
    {"NumericNotEquals", ConditionOp::kNumericNotEquals},
    {"NumericLessThan", ConditionOp::kNumericLessThan},
    {"NumericLessThanEquals", ConditionOp::kNumericLessThanEquals},
    {"NumericGreaterThan", ConditionOp::kNumericGreaterThan},
    {"NumericGreaterThanEquals", ConditionOp::kNumericGreaterThanEquals},
    {"DateEquals", ConditionOp::kDateEquals},
    {"DateNotEquals", ConditionOp::kDateNotEquals},
    {"DateLessThan", ConditionOp::kDateLessThan},
    {"DateLessThanEquals", ConditionOp::kDateLessThanEquals},
    {"DateGreaterThan", ConditionOp::kDateGreaterThan},
    {"DateGreaterThanEquals", ConditionOp::kDateGreaterThanEquals},
    {"Bool", ConditionOp::kBool},
    {"BinaryEquals", ConditionOp::kBinaryEquals},
    {"IpAddress", ConditionOp::kIpAddress},
    {"NotIpAddress", ConditionOp::kNotIpAddress},
    {"ArnEquals", ConditionOp::kArnEquals},
    {"ArnLike", ConditionOp::kArnLike},
    {"ArnNotEquals", ConditionOp::kArnNotEquals},
    {"ArnNotLike", ConditionOp::kArnNotLike},
    {"Null", ConditionOp::kNull},
}};

using crossdock::EqualsIgnoreCase;
using crossdock::Lower;

class Builder {
 public:
  explicit Builder(std::vector<Finding>& findings) : findings_(findings) {}

  Policy Build(const JsonValue& root) {
    Policy policy;
    if (root.kind != JsonValue::Kind::kObject) {
      Add("policy-not-object", Severity::kError, root.position,
          "a policy document must be a JSON object",
          "wrap it as {\"Version\": \"2012-10-17\", "
          "\"Statement\": [...]}");
      return policy;
    }
    static constexpr std::array<std::string_view, 3> kTop = {"Version", "Id", "Statement"};
    CheckElements(root, kTop, "a policy has Version, Id and Statement");
    if (const JsonValue* v = root.Find("Version")) {
      policy.version_position = v->position;
      if (v->kind != JsonValue::Kind::kString) {
        Add("version-unknown", Severity::kError, v->position, "Version must be a string",
            "write \"Version\": \"2012-10-17\"");
      } else {
        policy.version = v->text;
        if (v->text == kPolicyVersionOld) {
          Add("version-old", Severity::kWarning, v->position,
              "Version 2008-10-17 disables policy variables such as ${aws:username}",
              "write \"Version\": \"2012-10-17\"");
        } else if (v->text != kPolicyVersion) {
          Add("version-unknown", Severity::kError, v->position,
              "unknown Version \"" + v->text +
                  "\"; IAM knows only 2012-10-17 and 2008-10-17 "
                  "(it is a grammar version, not a date you choose)",
              "write \"Version\": \"2012-10-17\"");
        }
      }
    } else {
      Add("version-missing", Severity::kWarning, root.position,
          "Version is missing, so IAM reads the policy with the 2008-10-17 grammar (no policy "
          "variables)",
          "add \"Version\": \"2012-10-17\" as the first member");
    }
    if (const JsonValue* id = root.Find("Id")) {
      if (id->kind == JsonValue::Kind::kString) {
        policy.id = id->text;
      } else {
        Add("element-type", Severity::kError, id->position, "Id must be a string",
            "write the Id in double quotes or remove it");
      }
    }
    const JsonValue* st = root.Find("Statement");
    if (st == nullptr) {
      Add("statement-missing", Severity::kError, root.position, "Statement is missing",
          "add \"Statement\": [{\"Effect\": \"Allow\", \"Action\": ..., \"Resource\": ...}]");
      return policy;
    }
    if (st->kind == JsonValue::Kind::kObject) {
      BuildStatement(*st, policy);
    } else if (st->kind == JsonValue::Kind::kArray) {
      if (st->items.empty()) {
        Add("statement-missing", Severity::kError, st->position, "Statement is an empty array",
            "add at least one statement");
      }
      for (const JsonValue& item : st->items) {
        if (item.kind != JsonValue::Kind::kObject) {
          Add("element-type", Severity::kError, item.position,
              "each Statement entry must be an object", "write {\"Effect\": ..., ...}");
          continue;
        }
        BuildStatement(item, policy);
      }
    } else {
      Add("element-type", Severity::kError, st->position,
          "Statement must be an object or an array of objects", "write \"Statement\": [{...}]");
    }
    CheckSids(policy);
    return policy;
  }

 private:
  void Add(std::string code, Severity severity, Position pos, std::string message,
           std::string fix) {
    findings_.push_back(
        MakeFinding(std::move(code), severity, pos, std::move(message), std::move(fix)));
  }

  template <size_t N>
  void CheckElements(const JsonValue& obj, const std::array<std::string_view, N>& known,
                     const char* what) {
    for (const JsonMember& m : obj.members) {
      if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
      std::string fix = std::string(what) + "; remove \"" + m.key + "\"";
      for (std::string_view k : known) {
        if (EqualsIgnoreCase(k, m.key)) {
          fix = "element names are case-sensitive: write \"" + std::string(k) + "\"";
        }
      }
      Add("element-unknown", Severity::kError, m.key_position, "unknown element \"" + m.key + "\"",
          fix);
    }
  }

  // A string or an array of strings (numbers and booleans accepted as their text when
  // `scalars` is set, as IAM does for condition values). An empty array is valid (IAM
  // accepts it; the element then matches nothing): reported under `empty_code` as a
  // suggestion, or as an error when `empty_code` is null.
  bool ReadStrings(const JsonValue& v, const std::string& element, bool scalars,
                   std::vector<std::string>& out, std::vector<Position>* positions,
                   const char* empty_code = nullptr) {
    auto one = [&](const JsonValue& x) {
      if (x.kind == JsonValue::Kind::kString || (scalars && x.kind == JsonValue::Kind::kNumber)) {
        out.push_back(x.text);
      } else if (scalars && x.kind == JsonValue::Kind::kBool) {
        out.push_back(x.boolean ? "true" : "false");
      } else {
        Add("element-type", Severity::kError, x.position, element + " values must be strings",
            "write the value in double quotes");
        return false;
      }
      if (positions) positions->push_back(x.position);
      return true;
    };
    if (v.kind == JsonValue::Kind::kArray) {
      if (v.items.empty()) {
        if (empty_code != nullptr) {
          Add(empty_code, Severity::kSuggestion, v.position,
              element +
                  " is an empty array, so it matches nothing and the statement has no "
                  "effect",
              "list at least one value or remove " + element);
          return true;
        }
        Add("element-type", Severity::kError, v.position, element + " is an empty array",
            "list at least one value or remove " + element);
        return false;
      }
      bool ok = true;
      for (const JsonValue& x : v.items) ok = one(x) && ok;
      return ok;
    }
    return one(v);
  }

  void ReadList(const JsonValue& st, const char* positive, const char* negative, ValueList& list) {
    const JsonValue* p = st.Find(positive);
    const JsonValue* n = st.Find(negative);
    if (p && n) {
      std::string code =
          std::string(positive) == "Action" ? "action-and-notaction" : "resource-and-notresource";
      Add(code, Severity::kError, n->position,
          std::string("a statement has either ") + positive + " or " + negative + ", not both",
          std::string("keep one of them; split the statement in two if you need both"));
    }
    const JsonValue* v = p ? p : n;
    if (!v) return;
    list.present = true;
    list.negated = (p == nullptr);
    for (const JsonMember& m : st.members) {
      if (m.value.get() == v) list.position = m.key_position;
    }
    ReadStrings(*v, list.negated ? negative : positive, false, list.values, &list.positions,
                std::string(positive) == "Action" ? "empty-array-action" : "empty-array-resource");
  }

  void ReadPrincipal(const JsonValue& st, Statement& s) {
    const JsonValue* p = st.Find("Principal");
    const JsonValue* n = st.Find("NotPrincipal");
    if (p && n) {
      Add("principal-and-notprincipal", Severity::kError, n->position,
          "a statement has either Principal or NotPrincipal, not both", "keep one of them");
    }
    const JsonValue* v = p ? p : n;
    if (!v) return;
    s.has_principal = true;
    s.not_principal = (p == nullptr);
    s.principal_position = v->position;
    const char* name = s.not_principal ? "NotPrincipal" : "Principal";
    if (v->kind == JsonValue::Kind::kString) {
      if (v->text == "*") {
        s.principals.push_back({"*", "*", v->position});
      } else {
        Add("principal-malformed", Severity::kError, v->position,
            std::string(name) + " as a string may only be \"*\"",
            std::string("write \"") + name + "\": {\"AWS\": \"" + v->text +
                "\"} (or "
                "\"Service\" for a service such as redshift.amazonaws.com)");
      }
      return;
    }
    if (v->kind != JsonValue::Kind::kObject) {
      Add("principal-malformed", Severity::kError, v->position,
          std::string(name) + " must be \"*\" or an object such as {\"AWS\": \"ARN\"}",
          "write {\"AWS\": \"arn:aws:iam::123456789012:root\"}");
      return;
    }
    static constexpr std::array<std::string_view, 4> kTypes = {"AWS", "Service", "Federated",
                                                               "CanonicalUser"};
    for (const JsonMember& m : v->members) {
      if (std::find(kTypes.begin(), kTypes.end(), m.key) == kTypes.end()) {
        std::string fix = "use AWS, Service, Federated or CanonicalUser";
        for (std::string_view k : kTypes) {
          if (EqualsIgnoreCase(k, m.key))
            fix = "principal types are case-sensitive: write \"" + std::string(k) + "\"";
        }
        Add("principal-malformed", Severity::kError, m.key_position,
            "unknown principal type \"" + m.key + "\"", fix);
        SetIssue(findings_.back(), FindingType::kError, "INVALID_PRINCIPAL_KEY");
        continue;
      }
      std::vector<std::string> values;
      std::vector<Position> positions;
      ReadStrings(*m.value, std::string(name) + "." + m.key, false, values, &positions,
                  "empty-array-principal");
      for (size_t i = 0; i < values.size(); ++i) {
        s.principals.push_back({m.key, values[i], positions[i]});
      }
    }
    if (v->members.empty()) {
      Add("empty-object-principal", Severity::kSuggestion, v->position,
          std::string(name) + " is an empty object, so the statement has no effect",
          "name at least one principal, e.g. {\"AWS\": \"arn:aws:iam::123456789012:root\"}");
    }
  }

  void ReadConditions(const JsonValue& st, Statement& s) {
    const JsonValue* c = st.Find("Condition");
    if (!c) return;
    s.condition_position = c->position;
    if (c->kind != JsonValue::Kind::kObject) {
      Add("condition-malformed", Severity::kError, c->position,
          "Condition must be an object of operators, e.g. {\"StringEquals\": {\"key\": "
          "\"value\"}}",
          "rewrite Condition as an object");
      return;
    }
    if (c->members.empty()) {
      Add("empty-object-condition", Severity::kSuggestion, c->position,
          "the Condition block is empty and does not affect the statement",
          "remove Condition or add an operator, e.g. {\"StringEquals\": {\"key\": \"value\"}}");
    }
    for (const JsonMember& opm : c->members) {
      auto op = ParseConditionOperator(opm.key);
      if (!op.ok()) {
        Add("condition-operator-unknown", Severity::kError, opm.key_position, op.error().message(),
            "use one of the operators of the IAM JSON policy reference");
        if (opm.key.starts_with("Null") || opm.key.find(":Null") != std::string::npos) {
          SetIssue(findings_.back(), FindingType::kError, "NULL_WITH_IF_EXISTS");
        }
        continue;
      }
      if (opm.value->kind == JsonValue::Kind::kObject && opm.value->members.empty()) {
        Add("empty-object-condition", Severity::kSuggestion, opm.value->position,
            "operator " + opm.key + " lists no condition keys and does not affect the statement",
            "remove " + opm.key + " or add a key, e.g. \"" + opm.key +
                "\": {\"aws:SourceIp\": \"203.0.113.0/24\"}");
        continue;
      }
      if (opm.value->kind != JsonValue::Kind::kObject) {
        Add("condition-malformed", Severity::kError, opm.value->position,
            "operator " + opm.key + " must map condition keys to values",
            "write \"" + opm.key + "\": {\"aws:SourceIp\": \"203.0.113.0/24\"}");
        continue;
      }
      for (const JsonMember& km : opm.value->members) {
        Condition cond;
        cond.op = *op;
        cond.key = km.key;
        cond.key_lower = Lower(km.key);
        cond.position = km.key_position;
        if (!ReadStrings(*km.value, opm.key + " " + km.key, true, cond.values, nullptr,
                         "empty-array-condition")) {
          continue;
        }
        if (cond.values.empty()) {
          // Which Access Analyzer check depends on the qualifier.
          Finding& f = findings_.back();
          if (cond.op.set == SetQualifier::kForAllValues) {
            SetIssue(f, FindingType::kSuggestion, "EMPTY_ARRAY_CONDITION_FORALLVALUES");
          } else if (cond.op.set == SetQualifier::kForAnyValue) {
            SetIssue(f, FindingType::kSuggestion, "EMPTY_ARRAY_CONDITION_FORANYVALUE");
          } else if (cond.op.if_exists) {
            SetIssue(f, FindingType::kSuggestion, "EMPTY_ARRAY_CONDITION_IFEXISTS");
          }
        }
        if (cond.op.op == ConditionOp::kNull) {
          for (const std::string& val : cond.values) {
            if (!EqualsIgnoreCase(val, "true") && !EqualsIgnoreCase(val, "false")) {
              Add("condition-malformed", Severity::kError, km.value->position,
                  "Null takes true (key absent) or false (key present), not \"" + val + "\"",
                  "write true or false");
            }
          }
        }
        for (const std::string& val : cond.values) {
          if (val.find("${") != std::string::npos) s.uses_variables = true;
        }
        s.conditions.push_back(std::move(cond));
      }
    }
  }

  void BuildStatement(const JsonValue& st, Policy& policy) {
    static constexpr std::array<std::string_view, 9> kElems = {
        "Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
        "NotAction", "Resource", "NotResource", "Condition"};
    CheckElements(st, kElems,
                  "a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, "
                  "Resource, NotResource and Condition");
    Statement s;
    s.position = st.position;
    if (const JsonValue* sid = st.Find("Sid")) {
      s.sid_position = sid->position;
      if (sid->kind == JsonValue::Kind::kString) {
        s.has_sid = true;
        s.sid = sid->text;
      } else {
        Add("element-type", Severity::kError, sid->position, "Sid must be a string",
            "write the Sid in double quotes");
      }
    }
    const JsonValue* effect = st.Find("Effect");
    if (!effect) {
      Add("effect-missing", Severity::kError, st.position, "the statement has no Effect",
          "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
    } else if (effect->kind == JsonValue::Kind::kString && effect->text == "Allow") {
      s.effect = Effect::kAllow;
      s.has_effect = true;
    } else if (effect->kind == JsonValue::Kind::kString && effect->text == "Deny") {
      s.effect = Effect::kDeny;
      s.has_effect = true;
    } else {
      std::string text = effect->kind == JsonValue::Kind::kString ? effect->text : "";
      std::string fix = "write \"Allow\" or \"Deny\"";
      if (EqualsIgnoreCase(text, "allow")) fix = "Effect is case-sensitive: write \"Allow\"";
      if (EqualsIgnoreCase(text, "deny")) fix = "Effect is case-sensitive: write \"Deny\"";
      Add("effect-invalid", Severity::kError, effect->position,
          "Effect must be exactly \"Allow\" or \"Deny\"" +
              (text.empty() ? std::string() : ", not \"" + text + "\""),
          fix);
    }
    ReadList(st, "Action", "NotAction", s.action);
    if (!s.action.present) {
      Add("action-missing", Severity::kError, st.position,
          "the statement has neither Action nor NotAction", "add \"Action\": [\"service:Name\"]");
    }
    for (size_t i = 0; i < s.action.values.size(); ++i) {
      const std::string& a = s.action.values[i];
      s.actions_lower.push_back(Lower(a));
      if (a == "*") continue;
      size_t colon = a.find(':');
      bool ok = colon != std::string::npos && colon > 0 && colon + 1 < a.size() &&
                a.find(':', colon + 1) == std::string::npos;
      for (size_t j = 0; ok && j < colon; ++j) {
        char c = a[j];
        ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '*' || c == '?';
      }
      if (!ok) {
        Add("action-malformed", Severity::kError, s.action.positions[i],
            "\"" + a + "\" is not an action: actions are service:Name, e.g. s3:GetObject",
            "write the service prefix, a colon and the action name");
      }
    }
    ReadList(st, "Resource", "NotResource", s.resource);
    for (const std::string& r : s.resource.values) {
      if (r.find("${") != std::string::npos) s.uses_variables = true;
    }
    ReadPrincipal(st, s);
    ReadConditions(st, s);
    policy.statements.push_back(std::move(s));
  }

  void CheckSids(const Policy& policy) {
    for (size_t i = 0; i < policy.statements.size(); ++i) {
      const std::string& sid = policy.statements[i].sid;
      if (sid.empty()) continue;
      for (size_t j = 0; j < i; ++j) {
        if (policy.statements[j].sid == sid) {
          Add("sid-duplicate", Severity::kWarning, policy.statements[i].position,
              "Sid \"" + sid + "\" is used by more than one statement",
              "give every statement its own Sid");
        }
      }
    }
  }

  std::vector<Finding>& findings_;
};

std::string JsonFix(const JsonDiagnostic& d) {
  switch (d.kind) {
    case JsonDiagnostic::Kind::kMissingComma:
      return "add ',' at line " + std::to_string(d.position.line) + ", column " +
             std::to_string(d.position.column);
    case JsonDiagnostic::Kind::kTrailingComma:
      return "delete the ',' at line " + std::to_string(d.position.line) + ", column " +
             std::to_string(d.position.column);
    case JsonDiagnostic::Kind::kDuplicateKey:
      return "keep one member of that name";
    case JsonDiagnostic::Kind::kSyntax:
      break;
  }
  return "correct the JSON at this position";
}

const char* JsonCode(JsonDiagnostic::Kind kind) {
  switch (kind) {
    case JsonDiagnostic::Kind::kMissingComma:
      return "json-missing-comma";
    case JsonDiagnostic::Kind::kTrailingComma:
      return "json-trailing-comma";
    case JsonDiagnostic::Kind::kDuplicateKey:
      return "json-duplicate-key";
    case JsonDiagnostic::Kind::kSyntax:
      break;
  }
  return "json-syntax";
}

}  // namespace

const char* EffectName(Effect effect) { return effect == Effect::kAllow ? "Allow" : "Deny"; }

bool ConditionOperator::negated() const {
  switch (op) {
    case ConditionOp::kStringNotEquals:
    case ConditionOp::kStringNotEqualsIgnoreCase:
    case ConditionOp::kStringNotLike:
    case ConditionOp::kNumericNotEquals:
    case ConditionOp::kDateNotEquals:
    case ConditionOp::kNotIpAddress:
    case ConditionOp::kArnNotEquals:
    case ConditionOp::kArnNotLike:
      return true;
    default:
      return false;
  }
}

Result<ConditionOperator> ParseConditionOperator(std::string_view name) {
  ConditionOperator out;
  out.name = std::string(name);
  std::string_view rest = name;
  if (rest.starts_with("ForAnyValue:")) {
    out.set = SetQualifier::kForAnyValue;
    rest.remove_prefix(12);
  } else if (rest.starts_with("ForAllValues:")) {
    out.set = SetQualifier::kForAllValues;
    rest.remove_prefix(13);
  }
  if (rest.ends_with("IfExists")) {
    out.if_exists = true;
    rest.remove_suffix(8);
  }
  for (const OpName& o : kOps) {
    if (o.name == rest) {
      out.op = o.op;
      if (o.op == ConditionOp::kNull && out.if_exists) {
        return Error(ErrorCode::kInvalidArgument,
                     "NullIfExists is not an operator: Null already tests whether the key exists",
                     "Condition");
      }
      return out;
    }
  }
  std::string hint;
  for (const OpName& o : kOps) {
    if (EqualsIgnoreCase(o.name, rest)) {
      hint = "; operators are case-sensitive: write " + std::string(o.name);
    }
  }
  if (hint.empty() &&
      (name.starts_with("ForAnyValues:") || name.starts_with("ForAllValue:") ||
       EqualsIgnoreCase(name.substr(0, std::min<size_t>(name.size(), 11)), "foranyvalue"))) {
    hint = "; the set qualifiers are ForAnyValue: and ForAllValues:";
  }
  if (hint.empty()) {
    hint =
        "; known families are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, "
        "NotIpAddress, Arn*, Null, each optionally ...IfExists and ForAnyValue:/ForAllValues:";
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown condition operator \"" + std::string(name) + "\"" + hint, "Condition");
}

PolicyRead ReadPolicy(std::string_view text) {
  PolicyRead out;
  JsonDocument doc = ReadJson(text);
  for (const JsonDiagnostic& d : doc.diagnostics) {
    out.findings.push_back(
        MakeFinding(JsonCode(d.kind), Severity::kError, d.position, d.message, JsonFix(d)));
  }
  // Offer the repaired text only when the repairs made it readable JSON.
  if (!doc.edits.empty() && doc.root) out.corrected = doc.Corrected(text);
  if (!doc.root) return out;
  Builder builder(out.findings);
  out.policy = builder.Build(*doc.root);
  return out;
}

Result<Policy> ParsePolicy(std::string_view text) {
  PolicyRead read = ReadPolicy(text);
  for (const Finding& f : read.findings) {
    if (f.severity != Severity::kError) continue;
    return Error(ErrorCode::kInvalidArgument,
                 FormatPosition(f.position) + ": " + f.message + ". Fix: " + f.fix, "policy");
  }
  if (!read.policy) {
    return Error(ErrorCode::kInvalidArgument, "the policy could not be read", "policy");
  }
  return std::move(*read.policy);
}

}  // namespace crossdock::iam
