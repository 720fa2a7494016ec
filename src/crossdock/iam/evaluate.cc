#include "crossdock/iam/evaluate.h"

#include <algorithm>
#include <cctype>

#include "crossdock/iam/arn.h"
#include "crossdock/iam/condition.h"

namespace crossdock::iam {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Component `index` (0 = "arn") of an ARN, or "" when `arn` is not one.
std::string_view ArnPart(std::string_view arn, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return {};
    start = colon + 1;
  }
  if (index == 5) return arn.substr(start);
  size_t end = arn.find(':', start);
  if (end == std::string_view::npos) return {};
  return arn.substr(start, end - start);
}

// The account a policy principal value names when it stands for a whole account (an account
// id or an account root ARN); "" otherwise.
std::string_view AccountOf(std::string_view value) {
  if (IsAccountId(value)) return value;
  if (value.starts_with("arn:") && ArnPart(value, 2) == "iam" && ArnPart(value, 5) == "root") {
    return ArnPart(value, 4);
  }
  return {};
}

bool PrincipalEntryMatches(const PrincipalEntry& e, const Request& r) {
  if (e.type == "*" || e.value == "*") return true;
  const std::string& who = r.principal();
  if (e.type == "AWS") {
    std::string_view account = AccountOf(e.value);
    if (!account.empty()) return account == r.principal_account();
    if (e.value == who) return true;
    // A role ARN also matches the sessions of that role: arn:aws:sts::A:assumed-role/NAME/S.
    if (ArnPart(who, 2) == "sts" && ArnPart(e.value, 2) == "iam" &&
        ArnPart(who, 4) == ArnPart(e.value, 4) && ArnPart(who, 1) == ArnPart(e.value, 1)) {
      std::string_view session = ArnPart(who, 5);
      std::string_view role = ArnPart(e.value, 5);
      if (session.starts_with("assumed-role/") && role.starts_with("role/")) {
        session.remove_prefix(13);
        session = session.substr(0, session.find('/'));
        size_t slash = role.rfind('/');
        return role.substr(slash + 1) == session;
      }
    }
    return false;
  }
  if (e.type == "Service") return EqualsIgnoreCase(e.value, who);
  return e.value == who;  // Federated, CanonicalUser
}

bool PatternMatches(const std::string& pattern, const Request& r, bool vars) {
  if (vars && pattern.find("${") != std::string::npos) {
    auto s = SubstituteVariables(pattern, r, /*for_pattern=*/true);
    return s && ArnMatch(*s, r.resource());
  }
  return ArnMatch(pattern, r.resource());
}

bool ActionMatches(const Statement& s, const Request& r) {
  bool any = false;
  for (const std::string& p : s.actions_lower) {
    if (GlobMatch(p, r.action(), true)) {
      any = true;
      break;
    }
  }
  return s.action.negated ? !any : any;
}

bool ResourceMatches(const Statement& s, const Request& r, bool vars) {
  if (!s.resource.present) return true;  // resource and trust policies: the attached resource
  bool any = false;
  for (const std::string& p : s.resource.values) {
    if (PatternMatches(p, r, vars)) {
      any = true;
      break;
    }
  }
  return s.resource.negated ? !any : any;
}

template <typename Pred>
bool Listed(const Statement& s, Pred pred) {
  for (const PrincipalEntry& e : s.principals) {
    if (e.type == "*" || e.value == "*" || pred(e)) return true;
  }
  return false;
}

// NotPrincipal ("IAM JSON policy elements: NotPrincipal"): the requester is excepted only when
// the statement names its own identity exactly: an IAM user or role by its ARN, an
// assumed-role session by its session ARN (naming the role does not except the role's
// sessions, and a wildcard cannot name "all sessions"), an account principal by its account
// id or root ARN (which does not except the account's users and roles), a service or a
// federated identity by its name. An anonymous requester is excepted only by "*".
bool ExceptedByNotPrincipal(const Statement& s, const Request& r) {
  const std::string& who = r.principal();
  if (who.empty() || who == "*") return Listed(s, [](const PrincipalEntry&) { return false; });
  std::string_view account = AccountOf(who);
  if (!account.empty()) {
    return Listed(s, [&](const PrincipalEntry& e) {
      return e.type == "AWS" && AccountOf(e.value) == account;
    });
  }
  if (!who.starts_with("arn:")) {
    return Listed(s, [&](const PrincipalEntry& e) { return EqualsIgnoreCase(e.value, who); });
  }
  return Listed(s, [&](const PrincipalEntry& e) { return e.value == who; });
}

bool PrincipalMatches(const Statement& s, const Request& r) {
  if (!s.has_principal) return true;  // identity policy: applies to its own principal
  if (s.not_principal) return !ExceptedByNotPrincipal(s, r);
  for (const PrincipalEntry& e : s.principals) {
    if (PrincipalEntryMatches(e, r)) return true;
  }
  return false;
}

bool Applies(const Statement& s, const Request& r, bool vars) {
  if (!ActionMatches(s, r) || !ResourceMatches(s, r, vars) || !PrincipalMatches(s, r)) {
    return false;
  }
  for (const Condition& c : s.conditions) {
    if (!ConditionHolds(c, r, vars, nullptr)) return false;
  }
  return true;
}

// The account that owns the requested resource, when the request tells: aws:ResourceAccount,
// else the ARN's account component (empty for S3 buckets and objects).
std::string ResourceAccount(const Request& r) {
  if (const std::vector<std::string>* v = r.Find("aws:resourceaccount"); v && !v->empty()) {
    return v->front();
  }
  if (!r.resource().starts_with("arn:")) return {};
  return std::string(ArnPart(r.resource(), 4));
}

// A request whose principal and resource belong to different known accounts ("Cross-account
// policy evaluation logic"). Role assumption is left out: crossdock simulates a role's trust
// policy on its own, which is the resource side of sts:AssumeRole.
bool IsCrossAccount(const Request& r) {
  if (r.principal_account().empty()) return false;
  std::string lower = Lower(r.action());
  if (lower.starts_with("sts:assumerole") || lower == "sts:tagsession" ||
      lower == "sts:setsourceidentity") {
    return false;
  }
  std::string account = ResourceAccount(r);
  return IsAccountId(account) && account != r.principal_account();
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out;
}

StatementTrace Trace(const NamedPolicy& np, int index, const Request& r) {
  const Statement& s = np.policy.statements[static_cast<size_t>(index)];
  bool vars = np.policy.variables_enabled();
  StatementTrace t;
  t.resource_based = s.has_principal;
  t.policy = np.name;
  t.index = index;
  t.sid = s.sid;
  t.effect = s.effect;
  std::vector<std::string> parts;
  bool stop = false;
  auto step = [&](bool matched, std::string yes, std::string no) {
    if (matched) {
      ++t.score;
    }
    if (!stop) parts.push_back(matched ? std::move(yes) : std::move(no));
    if (!matched) stop = true;
  };
  if (s.has_principal) {
    t.principal_matched = PrincipalMatches(s, r);
    std::vector<std::string> listed;
    for (const PrincipalEntry& e : s.principals) listed.push_back(e.type + ":" + e.value);
    std::string elem = s.not_principal ? "NotPrincipal" : "Principal";
    step(t.principal_matched, elem + " matched",
         elem + " did not match: request principal \"" + r.principal() + "\", statement " +
             (s.not_principal ? "excludes " : "names ") + Join(listed));
  }
  t.action_matched = ActionMatches(s, r);
  std::string aelem = s.action.negated ? "NotAction" : "Action";
  step(t.action_matched, aelem + " matched",
       aelem + " did not match: request action \"" + r.action() + "\", statement " +
           (s.action.negated ? "excludes " : "lists ") + Join(s.action.values));
  t.resource_matched = ResourceMatches(s, r, vars);
  if (s.resource.present) {
    std::string relem = s.resource.negated ? "NotResource" : "Resource";
    step(t.resource_matched, relem + " matched",
         relem + " did not match: request resource \"" + r.resource() + "\", statement " +
             (s.resource.negated ? "excludes " : "lists ") + Join(s.resource.values));
  } else {
    step(true, "no Resource (applies to the resource it is attached to)", "");
  }
  t.conditions_matched = true;
  for (const Condition& c : s.conditions) {
    ConditionTrace ct;
    bool ok = ConditionHolds(c, r, vars, &ct);
    t.conditions_matched = t.conditions_matched && ok;
    step(ok, ct.text, ct.text);
    t.conditions.push_back(std::move(ct));
  }
  t.applies = t.principal_matched && t.action_matched && t.resource_matched && t.conditions_matched;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) t.explanation += ", ";
    t.explanation += parts[i];
  }
  return t;
}

nlohmann::ordered_json ToJson(const StatementTrace& t) {
  nlohmann::ordered_json conds = nlohmann::ordered_json::array();
  for (const ConditionTrace& c : t.conditions) {
    conds.push_back({{"operator", c.op},
                     {"key", c.key},
                     {"expected", c.expected},
                     {"actual", c.actual},
                     {"present", c.present},
                     {"matched", c.matched},
                     {"text", c.text}});
  }
  return {{"policy", t.policy},
          {"index", t.index},
          {"sid", t.sid},
          {"effect", EffectName(t.effect)},
          {"applies", t.applies},
          {"matched",
           {{"principal", t.principal_matched},
            {"action", t.action_matched},
            {"resource", t.resource_matched},
            {"condition", t.conditions_matched}}},
          {"explanation", t.explanation},
          {"conditions", conds}};
}

std::string Label(const StatementTrace& t) {
  std::string out = t.policy + " statement " + std::to_string(t.index);
  if (!t.sid.empty()) out += " (Sid " + t.sid + ")";
  return out;
}

}  // namespace

Request::Request(std::string principal, std::string action, std::string resource)
    : principal_(std::move(principal)), action_(std::move(action)), resource_(std::move(resource)) {
  if (IsAccountId(principal_)) {
    principal_account_ = principal_;
    Set("aws:PrincipalAccount", principal_account_);
    Set("aws:PrincipalArn", "arn:aws:iam::" + principal_ + ":root");
    Set("aws:PrincipalType", "Account");
  } else if (principal_.starts_with("arn:")) {
    principal_account_ = std::string(ArnPart(principal_, 4));
    std::string_view service = ArnPart(principal_, 2);
    std::string_view res = ArnPart(principal_, 5);
    if (service == "sts" && res.starts_with("assumed-role/")) {
      // A role session's aws:PrincipalArn is the role's ARN, not the session's.
      std::string_view role = res.substr(13);
      role = role.substr(0, role.find('/'));
      Set("aws:PrincipalArn", "arn:" + std::string(ArnPart(principal_, 1)) +
                                  ":iam::" + principal_account_ + ":role/" + std::string(role));
      Set("aws:PrincipalType", "AssumedRole");
    } else {
      Set("aws:PrincipalArn", principal_);
      if (service == "sts" && res.starts_with("federated-user/")) {
        Set("aws:PrincipalType", "FederatedUser");
      } else if (service == "iam" && res == "root") {
        Set("aws:PrincipalType", "Account");
      } else if (service == "iam" && res.starts_with("user/")) {
        Set("aws:PrincipalType", "User");
      }
    }
    if (!principal_account_.empty()) Set("aws:PrincipalAccount", principal_account_);
    if (service == "iam" && res.starts_with("user/")) {
      Set("aws:username", std::string(res.substr(res.rfind('/') + 1)));
    }
  } else if (principal_.find('.') != std::string::npos) {
    Set("aws:PrincipalServiceName", principal_);
    Set("aws:PrincipalIsAWSService", "true");
  }
}

Request& Request::Set(std::string_view key, std::vector<std::string> values) {
  std::string lower = Lower(key);
  for (Entry& e : context_) {
    if (e.key_lower == lower) {
      e.key = std::string(key);
      e.values = std::move(values);
      return *this;
    }
  }
  context_.push_back({std::string(key), std::move(lower), std::move(values)});
  return *this;
}

Request& Request::Set(std::string_view key, std::string value) {
  return Set(key, std::vector<std::string>{std::move(value)});
}

const std::vector<std::string>* Request::Find(std::string_view key_lower) const {
  for (const Entry& e : context_) {
    if (e.key_lower == key_lower) return &e.values;
  }
  return nullptr;
}

Result<Request> MakeRequest(std::string principal, std::string action, std::string resource,
                            const nlohmann::json& context) {
  if (principal.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "principal is empty; give an ARN such as arn:aws:iam::123456789012:role/name, "
                 "an account id or a service such as redshift.amazonaws.com",
                 "principal");
  }
  if (principal.starts_with("arn:")) {
    auto parsed = ParseArn(principal);
    if (!parsed.ok()) {
      return Error(ErrorCode::kInvalidArgument, "principal: " + parsed.error().message(),
                   "principal");
    }
  }
  size_t colon = action.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == action.size()) {
    return Error(ErrorCode::kInvalidArgument,
                 "action \"" + action + "\" is not service:Name, e.g. s3:GetObject", "action");
  }
  // The resource is matched as text, component by component, as IAM does: only its shape is
  // checked, so that the documentation's example ARNs (arn:aws:s3:::BUCKETNAME) are simulated
  // rather than refused for service naming rules.
  if (resource != "*") {
    size_t colons = static_cast<size_t>(std::count(resource.begin(), resource.end(), ':'));
    if (!resource.starts_with("arn:") || colons < 5) {
      return Error(ErrorCode::kInvalidArgument,
                   "resource \"" + resource +
                       "\" is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); give "
                       "* for actions without a resource",
                   "resource");
    }
    if (resource.find_first_of("*?") != std::string::npos) {
      return Error(ErrorCode::kInvalidArgument,
                   "resource \"" + resource +
                       "\" is a pattern; a request names one resource, e.g. "
                       "arn:aws:s3:::bucket/key",
                   "resource");
    }
  }
  Request r(std::move(principal), std::move(action), std::move(resource));
  if (context.is_null()) return r;
  if (!context.is_object()) {
    return Error(ErrorCode::kInvalidArgument,
                 "the context must be a JSON object of condition keys to a string or an array "
                 "of strings, e.g. {\"sts:ExternalId\": \"abc\"}",
                 "context");
  }
  for (auto it = context.begin(); it != context.end(); ++it) {
    std::vector<std::string> values;
    auto take = [&](const nlohmann::json& v) -> bool {
      if (v.is_string()) {
        values.push_back(v.get<std::string>());
      } else if (v.is_boolean()) {
        values.push_back(v.get<bool>() ? "true" : "false");
      } else if (v.is_number()) {
        values.push_back(v.dump());
      } else {
        return false;
      }
      return true;
    };
    bool ok = true;
    if (it.value().is_array()) {
      for (const auto& v : it.value()) ok = ok && take(v);
    } else {
      ok = take(it.value());
    }
    if (!ok) {
      return Error(ErrorCode::kInvalidArgument,
                   "context key \"" + it.key() +
                       "\" must be a string or an array of strings (numbers and booleans are "
                       "taken as text)",
                   "context." + it.key());
    }
    r.Set(it.key(), std::move(values));
  }
  return r;
}

const char* DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

Decision Decide(const std::vector<NamedPolicy>& policies, const Request& request) {
  const bool cross = IsCrossAccount(request);
  bool identity_allow = false, resource_allow = false;
  for (const NamedPolicy& np : policies) {
    bool vars = np.policy.variables_enabled();
    for (const Statement& s : np.policy.statements) {
      if (s.effect == Effect::kAllow && (s.has_principal ? resource_allow : identity_allow)) {
        continue;  // this side already allows: only a Deny can change it now
      }
      if (!Applies(s, request, vars)) continue;
      if (s.effect == Effect::kDeny) return Decision::kExplicitDeny;
      (s.has_principal ? resource_allow : identity_allow) = true;
    }
  }
  bool allowed = cross ? identity_allow && resource_allow : identity_allow || resource_allow;
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

Evaluation Explain(const std::vector<NamedPolicy>& policies, const Request& request) {
  Evaluation ev;
  std::vector<StatementTrace> allows, denies, misses;
  for (const NamedPolicy& np : policies) {
    for (size_t i = 0; i < np.policy.statements.size(); ++i) {
      StatementTrace t = Trace(np, static_cast<int>(i), request);
      if (t.applies) {
        (t.effect == Effect::kDeny ? denies : allows).push_back(std::move(t));
      } else if (t.effect == Effect::kAllow) {
        misses.push_back(std::move(t));
      }
    }
  }
  std::string req = request.principal() + " " + request.action() + " on " + request.resource();
  // Across accounts both sides must allow: an identity statement (the principal's account)
  // and a resource statement (the resource's account).
  bool one_sided = false;
  if (IsCrossAccount(request) && !allows.empty()) {
    bool identity = false, resource = false;
    for (const StatementTrace& t : allows) (t.resource_based ? resource : identity) = true;
    one_sided = !(identity && resource);
  }
  if (!denies.empty()) {
    ev.decision = Decision::kExplicitDeny;
    ev.deciding = std::move(denies);
    ev.summary = "ExplicitDeny: " + Label(ev.deciding.front()) + " denies " + req +
                 " (an explicit Deny overrides every Allow)";
  } else if (one_sided) {
    ev.decision = Decision::kImplicitDeny;
    bool resource = allows.front().resource_based;
    ev.nearest = std::move(allows);
    ev.summary =
        "ImplicitDeny: " + Label(ev.nearest.front()) + " allows " + req +
        ", but the principal's account and the resource's account differ, so " +
        (resource ? "an identity policy of the principal's account" : "the resource's policy") +
        " must allow it too";
  } else if (!allows.empty()) {
    ev.decision = Decision::kAllow;
    ev.deciding = std::move(allows);
    ev.summary = "Allow: " + Label(ev.deciding.front()) + " allows " + req;
  } else {
    ev.decision = Decision::kImplicitDeny;
    std::stable_sort(
        misses.begin(), misses.end(),
        [](const StatementTrace& a, const StatementTrace& b) { return a.score > b.score; });
    if (misses.size() > 3) misses.resize(3);
    ev.nearest = std::move(misses);
    if (ev.nearest.empty()) {
      ev.summary = "ImplicitDeny: no Allow statement exists for " + req;
    } else {
      ev.summary = "ImplicitDeny: no statement allows " + req + "; nearest is " +
                   Label(ev.nearest.front()) + ": " + ev.nearest.front().explanation;
    }
  }
  return ev;
}

nlohmann::ordered_json ToJson(const Evaluation& evaluation, const Request& request) {
  nlohmann::ordered_json ctx = nlohmann::ordered_json::object();
  for (const Request::Entry& e : request.context()) ctx[e.key] = e.values;
  nlohmann::ordered_json deciding = nlohmann::ordered_json::array(),
                         nearest = nlohmann::ordered_json::array();
  for (const StatementTrace& t : evaluation.deciding) deciding.push_back(ToJson(t));
  for (const StatementTrace& t : evaluation.nearest) nearest.push_back(ToJson(t));
  return {{"decision", DecisionName(evaluation.decision)},
          {"summary", evaluation.summary},
          {"request",
           {{"principal", request.principal()},
            {"action", request.action()},
            {"resource", request.resource()},
            {"context", ctx}}},
          {"deciding", deciding},
          {"nearest", nearest}};
}

std::string FormatEvaluation(const Evaluation& evaluation) {
  std::string out = std::string("Decision: ") + DecisionName(evaluation.decision) + "\n" +
                    evaluation.summary + "\n";
  if (!evaluation.deciding.empty()) out += "Deciding statements:\n";
  for (const StatementTrace& t : evaluation.deciding) {
    out += "  " + Label(t) + ": " + t.explanation + "\n";
  }
  if (!evaluation.nearest.empty()) out += "Nearest statements:\n";
  for (const StatementTrace& t : evaluation.nearest) {
    out += "  " + Label(t) + ": " + t.explanation + "\n";
  }
  return out;
}

}  // namespace crossdock::iam
