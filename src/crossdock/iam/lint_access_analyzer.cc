#include "crossdock/iam/lint_access_analyzer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>

#include "crossdock/core/ascii.h"
#include "crossdock/iam/arn.h"
#include "crossdock/iam/checks.h"
#include "crossdock/iam/condition.h"

namespace crossdock::iam {
namespace {

using crossdock::EqualsIgnoreCase;
using crossdock::Lower;

constexpr std::string_view kMultivaluedPage =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-single-vs-multi-valued-context-keys.html";

// Global condition keys that are multivalued (ArrayOfString) in the global condition context
// keys reference; every other aws: key is single-valued.
constexpr std::array<std::string_view, 6> kMultivaluedKeys = {
    "aws:tagkeys",           "aws:principalservicenameslist", "aws:calledvia",
    "aws:principalorgpaths", "aws:resourceorgpaths",          "aws:sourceorgpaths"};

// Service keys documented as single-valued that crossdock's policies use.
constexpr std::array<std::string_view, 7> kSingleValuedServiceKeys = {
    "sts:externalid", "sts:rolesessionname", "sts:sourceidentity", "s3:prefix",
    "s3:x-amz-acl",   "iam:passedtoservice", "kms:viaservice"};

bool IsMultivalued(std::string_view key_lower) {
  return std::find(kMultivaluedKeys.begin(), kMultivaluedKeys.end(), key_lower) !=
         kMultivaluedKeys.end();
}

bool IsSingleValued(std::string_view key_lower) {
  if (IsMultivalued(key_lower)) return false;
  if (key_lower.starts_with("aws:")) return true;
  return std::find(kSingleValuedServiceKeys.begin(), kSingleValuedServiceKeys.end(), key_lower) !=
         kSingleValuedServiceKeys.end();
}

bool IsStringOrArnOp(ConditionOp op) {
  return op <= ConditionOp::kStringNotLike ||
         (op >= ConditionOp::kArnEquals && op <= ConditionOp::kArnNotLike);
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// One policy variable problem in a value, with the value as it should read.
struct VariableProblem {
  std::string_view issue;
  std::string message;
  std::string corrected;
};

bool VariableNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '/' || c == '_' ||
         c == '-' || c == '.' || c == '@' || c == '+' || c == '=';
}

// The first syntax problem of the ${...} variables in `text` ("IAM policy elements:
// Variables and tags"), or nullopt when every variable is well formed.
std::optional<VariableProblem> CheckVariableSyntax(const std::string& text) {
  size_t i = 0;
  while ((i = text.find("${", i)) != std::string::npos) {
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      return VariableProblem{"MISSING_BRACE_IN_VARIABLE",
                             "the policy variable in \"" + text + "\" has no closing '}'",
                             text + "}"};
    }
    std::string inner = text.substr(i + 2, close - i - 2);
    std::string before = text.substr(0, i), after = text.substr(close + 1);
    if (inner.empty()) {
      return VariableProblem{"EMPTY_VARIABLE", "\"" + text + "\" has an empty policy variable ${}",
                             before + after};
    }
    if (inner == "*" || inner == "?" || inner == "$") {
      i = close + 1;
      continue;
    }
    size_t comma = inner.find(',');
    std::string name = inner.substr(0, comma);
    std::string trimmed = name;
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
    if (trimmed.find(' ') != std::string::npos || (!name.empty() && name.front() == ' ')) {
      std::string fixed_name;
      for (char c : name) {
        if (c != ' ') fixed_name.push_back(c);
      }
      std::string rest = comma == std::string::npos ? "" : inner.substr(comma);
      return VariableProblem{"UNSUPPORTED_SPACE_IN_VARIABLE",
                             "the policy variable name \"" + name + "\" contains a space",
                             before + "${" + fixed_name + rest + "}" + after};
    }
    for (char c : trimmed) {
      if (!VariableNameChar(c)) {
        std::string fixed_name;
        for (char d : trimmed) {
          if (VariableNameChar(d)) fixed_name.push_back(d);
        }
        std::string rest = comma == std::string::npos ? "" : inner.substr(comma);
        return VariableProblem{
            "UNSUPPORTED_SYMBOL_IN_VARIABLE",
            "the policy variable name \"" + trimmed + "\" contains '" + std::string(1, c) + "'",
            before + "${" + fixed_name + rest + "}" + after};
      }
    }
    if (comma != std::string::npos) {
      std::string def = inner.substr(comma + 1);
      size_t a = def.find_first_not_of(' ');
      size_t b = def.find_last_not_of(' ');
      std::string value = a == std::string::npos ? "" : def.substr(a, b - a + 1);
      if (value.size() < 2 || value.front() != '\'' || value.back() != '\'') {
        std::string bare = value;
        if (!bare.empty() && bare.front() == '\'') bare.erase(0, 1);
        if (!bare.empty() && bare.back() == '\'') bare.pop_back();
        return VariableProblem{"MISSING_QUOTE_IN_VARIABLE",
                               "the default value of ${" + inner + "} must be in single quotes",
                               before + "${" + trimmed + ", '" + bare + "'}" + after};
      }
    }
    i = close + 1;
  }
  return std::nullopt;
}

bool HasVariable(const std::string& s) { return s.find("${") != std::string::npos; }

// The address of a CIDR with the bits after the prefix cleared, when any was set.
std::optional<std::string> CanonicalCidr(std::string_view cidr) {
  size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string addr(cidr.substr(0, slash));
  int bits = 0;
  std::string_view b = cidr.substr(slash + 1);
  auto [ptr, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
  if (ec != std::errc() || ptr != b.data() + b.size()) return std::nullopt;
  bool v6 = addr.find(':') != std::string::npos;
  std::array<unsigned char, 16> a{};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), a.data()) != 1) return std::nullopt;
  size_t len = v6 ? 16 : 4;
  if (bits < 0 || bits > static_cast<int>(len * 8)) return std::nullopt;
  bool changed = false;
  for (size_t i = 0; i < len; ++i) {
    int keep = std::clamp(bits - static_cast<int>(i * 8), 0, 8);
    unsigned char mask = keep == 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - keep));
    if ((a[i] & ~mask) != 0) changed = true;
    a[i] &= mask;
  }
  if (!changed) return std::nullopt;
  char out[INET6_ADDRSTRLEN];
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, a.data(), out, sizeof out) == nullptr) {
    return std::nullopt;
  }
  return std::string(out) + "/" + std::to_string(bits);
}

// RFC 1918, loopback, link-local, CGNAT and IPv6 unique-local/link-local/loopback ranges:
// addresses aws:SourceIp never carries.
bool IsPrivateRange(std::string_view cidr) {
  static constexpr std::array<std::string_view, 9> kPrivate = {
      "10.0.0.0/8",    "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
      "100.64.0.0/10", "fc00::/7",      "fe80::/10",      "::1/128"};
  std::string addr(cidr.substr(0, cidr.find('/')));
  for (std::string_view p : kPrivate) {
    if (!IpInCidr(p, addr)) continue;
    // The whole range must lie inside the private block: its prefix is at least as long.
    size_t slash = cidr.find('/');
    int bits = addr.find(':') != std::string::npos ? 128 : 32;
    if (slash != std::string_view::npos) {
      std::string_view b = cidr.substr(slash + 1);
      std::from_chars(b.data(), b.data() + b.size(), bits);
    }
    int pbits = 0;
    std::string_view pb = p.substr(p.find('/') + 1);
    std::from_chars(pb.data(), pb.data() + pb.size(), pbits);
    if (bits >= pbits) return true;
  }
  return false;
}

class Rules {
 public:
  Rules(const Policy& policy, PolicyType type, std::vector<Finding>& findings)
      : policy_(policy), type_(type), findings_(findings) {}

  void Run() {
    for (const Statement& s : policy_.statements) {
      CheckSid(s);
      CheckVariables(s);
      CheckConditionBlocks(s);
      CheckPrincipals(s);
      CheckPrivilegedActions(s, "iam:passrole", FindingType::kSecurityWarning, "PASS_ROLE",
                             "pass-role-wildcard");
      CheckPrivilegedActions(s, "iam:createservicelinkedrole", FindingType::kWarning, "CREATE_SLR",
                             "create-slr-wildcard");
      CheckRedundantValues(s);
      CheckServiceWildcards(s);
    }
    CheckVersionForVariables();
    CheckRedundantStatements();
  }

 private:
  Finding& Add(std::string code, FindingType type, std::string_view issue, Position pos,
               std::string message, std::string fix) {
    findings_.push_back(
        MakeFinding(std::move(code), SeverityFor(type), pos, std::move(message), std::move(fix)));
    Finding& f = findings_.back();
    SetIssue(f, type, issue);  // an empty issue: a check of ours, the caller sets the link
    return f;
  }

  void CheckSid(const Statement& s) {
    if (!s.has_sid) return;
    if (s.sid.empty()) {
      Add("sid-empty", FindingType::kSuggestion, "EMPTY_SID_VALUE", s.sid_position,
          "the Sid is an empty string", "give the statement a Sid or remove the Sid element");
      return;
    }
    // IAM identity and trust policies accept only letters and digits in a Sid; resource
    // policies of other services (S3, SQS) accept more.
    if (type_ == PolicyType::kResource) return;
    std::string fixed;
    for (char c : s.sid) {
      if (std::isalnum(static_cast<unsigned char>(c))) fixed.push_back(c);
    }
    if (fixed.size() == s.sid.size()) return;
    Finding& f = Add("sid-invalid", FindingType::kError, "UNSUPPORTED_SID", s.sid_position,
                     "Sid \"" + s.sid + "\" has characters other than A-Z, a-z and 0-9",
                     "write the Sid with letters and digits only");
    f.corrected = "\"Sid\": " + JsonString(fixed.empty() ? "Statement" : fixed);
  }

  void CheckVariables(const Statement& s) {
    auto syntax = [&](const std::string& v, Position pos, const std::string& where) {
      if (!HasVariable(v)) return;
      uses_variables_ = true;
      if (auto p = CheckVariableSyntax(v)) {
        Finding& f = Add("variable-malformed", FindingType::kError, p->issue, pos,
                         where + ": " + p->message, "write ${key} or ${key, 'default'}");
        f.corrected = JsonString(p->corrected);
      }
    };
    auto unsupported = [&](const std::string& v, Position pos, const char* element) {
      if (!HasVariable(v)) return;
      Add("variable-unsupported-in-element", FindingType::kError, "VARIABLE_UNSUPPORTED_IN_ELEMENT",
          pos,
          std::string(element) + " value \"" + v +
              "\" uses a policy variable; variables work only in Resource and in string and "
              "ARN conditions",
          "write the value literally, or move the test to a Condition");
    };
    for (size_t i = 0; i < s.resource.values.size(); ++i) {
      syntax(s.resource.values[i], s.resource.positions[i],
             s.resource.negated ? "NotResource" : "Resource");
    }
    for (size_t i = 0; i < s.action.values.size(); ++i) {
      unsupported(s.action.values[i], s.action.positions[i],
                  s.action.negated ? "NotAction" : "Action");
    }
    for (const PrincipalEntry& e : s.principals) {
      unsupported(e.value, e.position, s.not_principal ? "NotPrincipal" : "Principal");
    }
    for (const Condition& c : s.conditions) {
      for (const std::string& v : c.values) {
        if (!HasVariable(v)) continue;
        if (c.op.op == ConditionOp::kNull || !IsStringOrArnOp(c.op.op)) {
          Add("variable-invalid-for-operator", FindingType::kError, "INVALID_VARIABLE_FOR_OPERATOR",
              c.position,
              c.op.name + " " + c.key + " value \"" + v +
                  "\" uses a policy variable; variables work only with String and Arn "
                  "operators",
              "compare with a String or Arn operator, or write the value literally");
          uses_variables_ = true;
          continue;
        }
        syntax(v, c.position, "Condition " + c.op.name + " " + c.key);
      }
    }
  }

  void CheckVersionForVariables() {
    if (!uses_variables_ || policy_.version == kPolicyVersion) return;
    Position pos = policy_.version_position;
    if (pos.line == 0) {
      pos.line = 1;
      pos.column = 1;
    }
    Finding& f =
        Add("variable-unsupported-in-version", FindingType::kError,
            "VARIABLE_UNSUPPORTED_IN_VERSION", pos,
            policy_.version.empty()
                ? "the policy uses policy variables but has no Version, so IAM reads them as "
                  "literal text"
                : "the policy uses policy variables but Version " + policy_.version +
                      " reads them as literal text",
            "set \"Version\": \"2012-10-17\"");
    f.corrected = "\"Version\": \"2012-10-17\"";
  }

  void CheckConditionBlocks(const Statement& s) {
    bool has_vpc = false, has_vpc_ip = false;
    Position vpc_ip_pos;
    for (size_t i = 0; i < s.conditions.size(); ++i) {
      const Condition& c = s.conditions[i];
      const ConditionOperator& op = c.op;
      if (c.key_lower == "aws:sourcevpc" || c.key_lower == "aws:sourcevpce") has_vpc = true;
      if (c.key_lower == "aws:vpcsourceip") {
        has_vpc_ip = true;
        vpc_ip_pos = c.position;
      }
      for (size_t j = 0; j < i; ++j) {
        const Condition& d = s.conditions[j];
        if (d.op.name == op.name && d.key_lower == c.key_lower && d.key != c.key) {
          Finding& f = Add("condition-key-duplicate-case", FindingType::kError,
                           "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", c.position,
                           "condition key " + c.key + " repeats " + d.key +
                               " with another case "
                               "in " +
                               op.name,
                           "keep one of them and merge their values");
          f.corrected = JsonString(d.key);
        }
      }
      if (op.op == ConditionOp::kBool && c.values.size() > 1) {
        Add("condition-multiple-boolean", FindingType::kError, "INVALID_CONDITION_MULTIPLE_BOOLEAN",
            c.position, op.name + " " + c.key + " lists several Boolean values", "give one value");
      }
      if (op.op == ConditionOp::kNull && op.set != SetQualifier::kNone) {
        Finding& f = Add("condition-null-qualifier", FindingType::kSuggestion,
                         "NULL_WITH_QUALIFIER", c.position,
                         op.name + " always returns " +
                             (op.set == SetQualifier::kForAllValues ? "true" : "false"),
                         "use Null without ForAllValues:/ForAnyValue:");
        f.corrected = "\"Null\"";
      }
      if (c.key_lower == "aws:resourcetag" || c.key_lower == "aws:requesttag" ||
          c.key_lower == "aws:principaltag") {
        Add("condition-tag-key-missing", FindingType::kError, "MISSING_TAG_KEY_IN_CONDITION",
            c.position, "condition key " + c.key + " names no tag key",
            "write " + c.key + "/TAG-KEY, e.g. " + c.key + "/owner");
      }
      if (c.key_lower == "aws:arn") {
        Finding& f =
            Add("condition-global-key", FindingType::kError, "UNSUPPORTED_GLOBAL_CONDITION_KEY",
                c.position, "condition key aws:ARN is not supported",
                "use aws:PrincipalArn (the caller) or aws:SourceArn (the calling "
                "resource)");
        f.corrected = "\"aws:PrincipalArn\"";
      }
      CheckSetOperators(s, c);
      CheckIpValues(c);
      CheckDateValues(c);
      CheckRedundantNumbers(c);
    }
    if (has_vpc_ip && !has_vpc) {
      Add("condition-missing-paired-key", FindingType::kSecurityWarning,
          "MISSING_PAIRED_CONDITION_KEYS", vpc_ip_pos,
          "aws:VpcSourceIp without aws:SourceVpc matches the address in any VPC",
          "add aws:SourceVpc (or aws:SourceVpce) to the same condition block");
    }
  }

  void CheckSetOperators(const Statement& s, const Condition& c) {
    const ConditionOperator& op = c.op;
    if (op.op == ConditionOp::kNull) return;
    if (op.set == SetQualifier::kNone) {
      if (IsMultivalued(c.key_lower)) {
        Finding& f =
            Add("condition-missing-qualifier", FindingType::kError, "MISSING_QUALIFIER", c.position,
                c.key + " is a multivalued key; " + op.name +
                    " without ForAllValues: or ForAnyValue: does not say how its "
                    "values are compared",
                "write ForAnyValue:" + op.name + " (any value) or ForAllValues:" + op.name +
                    " (every value)");
        f.corrected = JsonString("ForAnyValue:" + op.name);
      }
      return;
    }
    std::string bare = op.name.substr(op.name.find(':') + 1);
    if (IsSingleValued(c.key_lower)) {
      if (op.set == SetQualifier::kForAllValues) {
        Finding& f = Add("condition-set-operator", FindingType::kSecurityWarning,
                         "FORALLVALUES_WITH_SINGLE_VALUED_KEY", c.position,
                         "ForAllValues: with the single-valued key " + c.key +
                             " is true when the key is absent, which can be overly permissive",
                         "remove ForAllValues: and write " + bare);
        f.corrected = JsonString(bare);
      } else {
        Finding& f =
            Add("condition-set-operator", FindingType::kWarning, "", c.position,
                "ForAnyValue: with the single-valued key " + c.key + " behaves like " + bare +
                    " except that a negated operator no longer matches an absent key",
                "remove ForAnyValue: and write " + bare);
        f.link = std::string(kMultivaluedPage);
        f.corrected = JsonString(bare);
      }
      return;
    }
    if (op.set == SetQualifier::kForAllValues && s.effect == Effect::kAllow && s.has_effect &&
        !HasNullFalse(s, c.key_lower)) {
      Finding& f = Add("condition-set-operator", FindingType::kSecurityWarning, "", c.position,
                       "ForAllValues: in an Allow statement is true when the request has no " +
                           c.key + " at all, so the statement allows requests without it",
                       "add \"Null\": {\"" + c.key +
                           "\": \"false\"} to the condition block, or use ForAnyValue:");
      f.link = std::string(kMultivaluedPage);
      f.corrected = "\"Null\": {" + JsonString(c.key) + ": \"false\"}";
    }
  }

  static bool HasNullFalse(const Statement& s, const std::string& key_lower) {
    for (const Condition& c : s.conditions) {
      if (c.op.op != ConditionOp::kNull || c.key_lower != key_lower) continue;
      for (const std::string& v : c.values) {
        if (EqualsIgnoreCase(v, "false")) return true;
      }
    }
    return false;
  }

  void CheckIpValues(const Condition& c) {
    if (c.op.op != ConditionOp::kIpAddress && c.op.op != ConditionOp::kNotIpAddress) return;
    bool negated = c.op.op == ConditionOp::kNotIpAddress;
    size_t valid = 0, priv = 0;
    for (const std::string& v : c.values) {
      std::string addr = v.substr(0, v.find('/'));
      if (HasVariable(v) || !IpInCidr(v, addr)) continue;  // reported elsewhere
      ++valid;
      if (IsPrivateRange(v)) ++priv;
      if (auto canonical = CanonicalCidr(v)) {
        Finding& f =
            Add("condition-ip-host-bits", FindingType::kSuggestion, "IMPROVE_IP_RANGE", c.position,
                c.op.name + " " + c.key + " value \"" + v +
                    "\" has bits set after the prefix; they are ignored",
                "write " + *canonical);
        f.corrected = JsonString(*canonical);
      }
    }
    if (c.key_lower != "aws:sourceip" || priv == 0) return;
    if (priv == valid) {
      Add("condition-ip-private", FindingType::kError,
          negated ? "PRIVATE_NOT_IP_ADDRESS" : "PRIVATE_IP_ADDRESS", c.position,
          std::string("aws:SourceIp holds only public addresses, and every value of this ") +
              c.op.name + " is a private range, so it " +
              (negated ? "always matches" : "never matches"),
          "use aws:VpcSourceIp for private addresses");
    } else {
      Add("condition-ip-private", FindingType::kSuggestion,
          negated ? "PRIVATE_NOT_IP_ADDRESS_SUBSET" : "PRIVATE_IP_ADDRESS_SUBSET", c.position,
          "aws:SourceIp holds only public addresses; the private ranges in this " + c.op.name +
              " have no effect",
          "move the private ranges to aws:VpcSourceIp");
    }
  }

  void CheckDateValues(const Condition& c) {
    if (c.op.op < ConditionOp::kDateEquals || c.op.op > ConditionOp::kDateGreaterThanEquals) {
      return;
    }
    for (const std::string& v : c.values) {
      bool epoch = !v.empty() && std::all_of(v.begin(), v.end(), [](char ch) {
        return std::isdigit(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-';
      }) && v.find('-', 1) == std::string::npos;
      if (!epoch || !ParseDate(v)) continue;
      Add("condition-date-epoch", FindingType::kWarning, "INVALID_DATE_VALUE", c.position,
          c.op.name + " " + c.key + " value \"" + v +
              "\" is epoch time, which might not resolve to the time you expect",
          "write a W3C date such as 2025-01-31 or 2025-01-31T00:00:00Z");
    }
  }

  void CheckRedundantNumbers(const Condition& c) {
    ConditionOp op = c.op.op;
    bool less = op == ConditionOp::kNumericLessThan || op == ConditionOp::kNumericLessThanEquals;
    bool greater =
        op == ConditionOp::kNumericGreaterThan || op == ConditionOp::kNumericGreaterThanEquals;
    if ((!less && !greater) || c.values.size() < 2 || c.op.set != SetQualifier::kNone) return;
    const std::string* best = nullptr;
    for (const std::string& v : c.values) {
      bool ok = true;
      if (best == nullptr) {
        if (ParseNumber(v)) best = &v;
        continue;
      }
      int cmp = CompareNumbers(v, *best, &ok);
      if (!ok) return;
      if ((less && cmp > 0) || (greater && cmp < 0)) best = &v;
    }
    if (best == nullptr) return;
    Finding& f = Add("condition-redundant-value", FindingType::kSuggestion,
                     "REDUNDANT_CONDITION_VALUE_NUM", c.position,
                     c.op.name + " " + c.key + " lists several values; only the " +
                         (less ? "greatest" : "least") + " one matters",
                     "keep only " + *best);
    f.corrected = JsonString(*best);
  }

  void CheckPrincipals(const Statement& s) {
    for (const PrincipalEntry& e : s.principals) {
      if (e.type == "*" || e.value == "*") continue;
      if (e.type == "AWS" && e.value.find_first_of("*?") != std::string::npos) {
        Add("principal-wildcard", FindingType::kError, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            e.position,
            "principal \"" + e.value +
                "\" uses a wildcard; only \"*\" on its own may stand for every principal",
            "name the principals, or use \"*\" with a condition on aws:PrincipalArn "
            "(ArnLike)");
      }
      if (e.type == "AWS" && IsUniqueId(e.value)) {
        bool role = e.value.starts_with("AROA");
        Add("principal-unique-id", FindingType::kWarning,
            role ? "INVALID_ROLE_REFERENCE" : "INVALID_USER_REFERENCE", e.position,
            "principal \"" + e.value + "\" is the unique id of an IAM " + (role ? "role" : "user") +
                ", which stops matching if it is recreated",
            std::string("name the ") + (role ? "role" : "user") + " by its ARN");
      }
    }
  }

  // iam:PassRole (Security Warning) and iam:CreateServiceLinkedRole (General Warning) allowed
  // on a wildcard resource or with NotResource, the six variants of each check.
  void CheckPrivilegedActions(const Statement& s, std::string_view action, FindingType type,
                              std::string_view prefix, const char* code) {
    if (s.effect != Effect::kAllow || !s.has_effect || !s.resource.present) return;
    bool any = false, named = false;
    for (const std::string& p : s.actions_lower) {
      if (GlobMatch(p, action, true)) {
        any = true;
        named = named || p == action;
      }
    }
    if (s.action.negated ? any : !any) return;
    if (action == "iam:passrole") {
      for (const Condition& c : s.conditions) {
        if (c.key_lower == "iam:passedtoservice" && !c.op.negated()) return;
      }
    }
    std::string issue(prefix);
    std::string what;
    if (s.resource.negated) {
      if (s.action.negated) {
        issue += "_WITH_NOT_ACTION_AND_NOT_RESOURCE";
      } else if (named) {
        issue += "_WITH_NOT_RESOURCE";
      } else {
        issue += "_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE";
      }
      what = "NotResource";
    } else {
      bool star = false;
      for (const std::string& r : s.resource.values)
        star = star || r.find('*') != std::string::npos;
      if (!star) return;
      if (s.action.negated) {
        issue += "_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION";
      } else if (named) {
        issue += "_WITH_STAR_IN_RESOURCE";
      } else {
        issue += "_WITH_STAR_IN_ACTION_AND_RESOURCE";
      }
      what = "a wildcard (*) in Resource";
    }
    std::string name = action == "iam:passrole" ? "iam:PassRole" : "iam:CreateServiceLinkedRole";
    Add(code, type, issue, s.resource.position,
        "the statement allows " + name + " with " + what +
            ", so it applies to more roles than intended",
        action == "iam:passrole"
            ? "list the role ARNs that may be passed, or add an iam:PassedToService condition"
            : "list the service-linked role ARNs in Resource");
  }

  void CheckRedundantValues(const Statement& s) {
    auto redundant = [&](const ValueList& list, bool actions) {
      for (size_t i = 0; i < list.values.size(); ++i) {
        const std::string& v = list.values[i];
        if (v.find_first_of("*?") != std::string::npos || HasVariable(v)) continue;
        for (size_t j = 0; j < list.values.size(); ++j) {
          const std::string& p = list.values[j];
          if (i == j || p.find_first_of("*?") == std::string::npos) continue;
          bool covered = actions ? GlobMatch(Lower(p), Lower(v), true) : ArnMatch(p, v);
          if (!covered) continue;
          Add(actions ? "action-redundant" : "resource-redundant", FindingType::kSuggestion,
              actions ? "REDUNDANT_ACTION" : "REDUNDANT_RESOURCE", list.positions[i],
              "\"" + v + "\" is already covered by \"" + p + "\"", "remove \"" + v + "\"");
          break;
        }
      }
    };
    redundant(s.action, true);
    redundant(s.resource, false);
  }

  void CheckServiceWildcards(const Statement& s) {
    auto partial = [](std::string_view service) {
      return service != "*" && service.find_first_of("*?") != std::string_view::npos;
    };
    for (size_t i = 0; i < s.action.values.size(); ++i) {
      const std::string& a = s.action.values[i];
      size_t colon = a.find(':');
      if (colon == std::string::npos || !partial(std::string_view(a).substr(0, colon))) continue;
      Add("wildcard-in-service-name", FindingType::kSuggestion, "WILDCARD_IN_SERVICE_NAME",
          s.action.positions[i],
          "action \"" + a +
              "\" has a wildcard in its service name, which can match services "
              "you did not intend",
          "name the service");
    }
    for (size_t i = 0; i < s.resource.values.size(); ++i) {
      const std::string& r = s.resource.values[i];
      if (!r.starts_with("arn:")) continue;
      size_t a = r.find(':', 4);
      if (a == std::string::npos) continue;
      size_t b = r.find(':', a + 1);
      if (b == std::string::npos || !partial(std::string_view(r).substr(a + 1, b - a - 1))) {
        continue;
      }
      Add("wildcard-in-service-name", FindingType::kSuggestion, "WILDCARD_IN_SERVICE_NAME",
          s.resource.positions[i],
          "resource \"" + r +
              "\" has a wildcard in its service name, which can match services "
              "you did not intend",
          "name the service");
    }
  }

  static std::string Canonical(const Statement& s) {
    std::string out = EffectName(s.effect);
    auto list = [&](const ValueList& l) {
      std::vector<std::string> v = l.values;
      std::sort(v.begin(), v.end());
      out += l.negated ? "|N" : "|";
      for (const std::string& x : v) out += x + ",";
    };
    list(s.action);
    list(s.resource);
    std::vector<std::string> p;
    for (const PrincipalEntry& e : s.principals) p.push_back(e.type + "=" + e.value);
    std::sort(p.begin(), p.end());
    out += s.not_principal ? "|NP" : "|P";
    for (const std::string& x : p) out += x + ",";
    std::vector<std::string> c;
    for (const Condition& x : s.conditions) {
      std::vector<std::string> v = x.values;
      std::sort(v.begin(), v.end());
      std::string one = x.op.name + "/" + x.key_lower + "=";
      for (const std::string& y : v) one += y + ",";
      c.push_back(one);
    }
    std::sort(c.begin(), c.end());
    for (const std::string& x : c) out += "|" + x;
    return out;
  }

  void CheckRedundantStatements() {
    std::vector<std::string> seen;
    for (const Statement& s : policy_.statements) {
      std::string key = Canonical(s);
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        Add("statement-redundant", FindingType::kSuggestion, "REDUNDANT_STATEMENT", s.position,
            "this statement repeats an earlier one (Sid aside)", "remove one of them");
      }
      seen.push_back(std::move(key));
    }
  }

  const Policy& policy_;
  PolicyType type_;
  std::vector<Finding>& findings_;
  bool uses_variables_ = false;
};

}  // namespace

bool IsUniqueId(std::string_view value) {
  if (value.size() < 16 || value.size() > 32) return false;
  if (!value.starts_with("AROA") && !value.starts_with("AIDA")) return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool IsBase64(std::string_view value) {
  size_t pad = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return false;  // data after padding
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  }
  return !value.empty() && pad <= 2 && (pad == 0 || value.size() % 4 == 0);
}

void CheckAccessAnalyzerRules(const Policy& policy, PolicyType type,
                              std::vector<Finding>& findings) {
  Rules(policy, type, findings).Run();
}

void CheckPolicySize(std::string_view text, PolicyType type, std::vector<Finding>& findings) {
  if (type != PolicyType::kIdentity) return;
  size_t size = static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return c != ' ' && c != '\t' && c != '\n' && c != '\r';
  }));
  constexpr size_t kQuota = 6144;
  if (size <= kQuota) return;
  Position top;
  top.line = 1;
  top.column = 1;
  Finding f = MakeFinding("policy-size", Severity::kWarning, top,
                          "the policy has " + std::to_string(size) +
                              " characters without white space, over the 6,144 IAM allows a "
                              "managed policy",
                          "split it into several policies");
  SetIssue(f, FindingType::kWarning, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA");
  findings.push_back(std::move(f));
}

}  // namespace crossdock::iam
