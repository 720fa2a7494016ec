#include "crossdock/iam/diff.h"

#include <set>

#include "crossdock/iam/arn.h"
#include "crossdock/iam/catalog.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/generate.h"

namespace crossdock::iam {
namespace {

// The principal used for identity-policy probes (no Principal element).
constexpr const char* kProbePrincipal = "arn:aws:iam::000000000000:role/crossdock-diff";

struct Probe {
  std::string principal, action, resource;
  std::vector<std::pair<std::string, std::string>> context;
};

// A concrete resource under a pattern: each wildcard run becomes a plain name.
std::string Concrete(const std::string& pattern) {
  if (pattern == "*") return "*";
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*') {
      out += kProbeObjectName;
    } else if (c == '?') {
      out += 'x';
    } else {
      out += c;
    }
  }
  return out;
}

std::string ConcreteValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c != '*' && c != '?') out += c;
  }
  return out;
}

std::vector<std::string> ExpandActions(const Statement& s) {
  std::vector<std::string> out;
  for (const std::string& a : s.action.values) {
    if (a.find_first_of("*?") == std::string::npos) {
      out.push_back(a);
      continue;
    }
    for (const ActionInfo* info : MatchActions(a)) out.push_back(info->FullName());
  }
  return out;
}

std::vector<Probe> ProbesOf(const Policy& required) {
  std::vector<Probe> probes;
  for (const Statement& s : required.statements) {
    if (s.effect != Effect::kAllow || s.action.negated || s.resource.negated || s.not_principal) {
      continue;
    }
    std::vector<std::string> principals;
    for (const PrincipalEntry& e : s.principals) {
      principals.push_back(e.value == "*" ? "arn:aws:iam::000000000000:root" : e.value);
    }
    if (principals.empty()) principals.push_back(kProbePrincipal);
    std::vector<std::string> resources;
    if (!s.resource.present) {
      resources.push_back("*");
    } else {
      for (const std::string& r : s.resource.values) resources.push_back(Concrete(r));
    }
    // Condition values: the first multi-valued key is enumerated, others take their first.
    std::vector<std::vector<std::pair<std::string, std::string>>> contexts(1);
    bool enumerated = false;
    for (const Condition& c : s.conditions) {
      if (c.op.negated() || c.op.op == ConditionOp::kNull || c.values.empty()) continue;
      if (c.values.size() > 1 && !enumerated) {
        enumerated = true;
        std::vector<std::vector<std::pair<std::string, std::string>>> next;
        for (const auto& ctx : contexts) {
          for (const std::string& v : c.values) {
            auto copy = ctx;
            copy.push_back({c.key, ConcreteValue(v)});
            next.push_back(std::move(copy));
          }
        }
        contexts = std::move(next);
      } else {
        for (auto& ctx : contexts) ctx.push_back({c.key, ConcreteValue(c.values.front())});
      }
    }
    for (const std::string& p : principals) {
      for (const std::string& a : ExpandActions(s)) {
        for (const std::string& r : resources) {
          for (const auto& ctx : contexts) probes.push_back({p, a, r, ctx});
        }
      }
    }
  }
  return probes;
}

Request MakeProbe(const Probe& p, bool with_context) {
  Request r(p.principal, p.action, p.resource);
  if (with_context) {
    for (const auto& [k, v] : p.context) r.Set(k, v);
  }
  return r;
}

bool StatementCoversAction(const Statement& s, const std::string& action) {
  bool any = false;
  for (const std::string& p : s.actions_lower) any = any || GlobMatch(p, action, true);
  return s.action.negated ? !any : any;
}

bool RequiredCoversAction(const Policy& required, const std::string& action) {
  for (const Statement& s : required.statements) {
    if (s.effect == Effect::kAllow && StatementCoversAction(s, action)) return true;
  }
  return false;
}

bool RequiredCoversResource(const Policy& required, const std::string& r) {
  for (const Statement& s : required.statements) {
    if (s.effect != Effect::kAllow) continue;
    if (!s.resource.present) return true;
    for (const std::string& q : s.resource.values) {
      if (q == r || ArnMatch(q, r)) return true;
    }
  }
  return false;
}

bool RequiredCoversPrincipal(const Policy& required, const PrincipalEntry& e) {
  for (const Statement& s : required.statements) {
    if (s.effect != Effect::kAllow) continue;
    for (const PrincipalEntry& q : s.principals) {
      if (q.type == e.type && q.value == e.value) return true;
    }
  }
  return false;
}

}  // namespace

PolicyDiff DiffPolicies(const Policy& required, const Policy& actual) {
  PolicyDiff diff;
  std::vector<NamedPolicy> req_set = {{"required", required}};
  std::vector<NamedPolicy> act_set = {{"actual", actual}};
  std::vector<Probe> probes = ProbesOf(required);
  std::set<std::string> reported_conditions;
  for (const Probe& p : probes) {
    Request with = MakeProbe(p, true);
    Decision d = Decide(act_set, with);
    if (d != Decision::kAllow) {
      Evaluation ev = Explain(act_set, with);
      MissingGrant m{p.principal == kProbePrincipal ? "" : p.principal,
                     p.action,
                     p.resource,
                     p.context,
                     DecisionName(d),
                     ev.summary};
      diff.missing.push_back(std::move(m));
    }
    // A request the requirement allows only under its conditions, allowed here without them.
    if (!p.context.empty()) {
      Request without = MakeProbe(p, false);
      if (Decide(req_set, without) != Decision::kAllow &&
          Decide(act_set, without) == Decision::kAllow) {
        std::string keys;
        for (const auto& [k, v] : p.context) keys += (keys.empty() ? "" : ", ") + k;
        std::string id = p.principal + "|" + p.action + "|" + keys;
        if (!reported_conditions.insert(id).second) continue;
        Evaluation ev = Explain(act_set, without);
        ExcessGrant g;
        g.element = "Condition";
        g.value = keys;
        if (!ev.deciding.empty()) {
          g.statement = ev.deciding.front().index;
          g.sid = ev.deciding.front().sid;
          g.position = actual.statements[static_cast<size_t>(g.statement)].position;
        }
        g.message = p.action + (p.principal == kProbePrincipal ? "" : " by " + p.principal) +
                    " is allowed without the condition on " + keys +
                    " that the requirement "
                    "sets";
        diff.excess.push_back(std::move(g));
      }
    }
  }
  for (size_t i = 0; i < actual.statements.size(); ++i) {
    const Statement& s = actual.statements[i];
    if (s.effect != Effect::kAllow) continue;
    int index = static_cast<int>(i);
    if (s.action.negated) {
      diff.excess.push_back({index, s.sid, "NotAction", "",
                             "Allow with NotAction grants every "
                             "action not listed",
                             s.action.position});
    } else {
      for (size_t k = 0; k < s.action.values.size(); ++k) {
        const std::string& a = s.action.values[k];
        std::vector<std::string> extra;
        if (a.find_first_of("*?") != std::string::npos) {
          for (const ActionInfo* info : MatchActions(a)) {
            if (!RequiredCoversAction(required, info->FullName())) {
              extra.push_back(info->FullName());
            }
          }
          if (a == "*" || MatchActions(a).empty()) {
            if (!RequiredCoversAction(required, a)) extra.push_back(a);
          }
        } else if (!RequiredCoversAction(required, a)) {
          extra.push_back(a);
        }
        if (extra.empty()) continue;
        std::string msg;
        if (extra.size() == 1 && extra.front() == a) {
          msg = "grants " + a + ", which the requirement does not need";
        } else {
          msg = "grants " + std::to_string(extra.size()) +
                " action(s) beyond the requirement, "
                "e.g. ";
          for (size_t j = 0; j < extra.size() && j < 4; ++j) msg += (j ? ", " : "") + extra[j];
        }
        diff.excess.push_back({index, s.sid, "Action", a, msg, s.action.positions[k]});
      }
    }
    if (s.resource.present && !s.resource.negated) {
      for (size_t k = 0; k < s.resource.values.size(); ++k) {
        const std::string& r = s.resource.values[k];
        if (RequiredCoversResource(required, r)) continue;
        diff.excess.push_back({index, s.sid, "Resource", r,
                               "Resource " + r +
                                   " is broader than (or outside) every required "
                                   "resource",
                               s.resource.positions[k]});
      }
    } else if (s.resource.negated) {
      diff.excess.push_back({index, s.sid, "NotResource", "",
                             "Allow with NotResource grants every resource not listed",
                             s.resource.position});
    }
    for (const PrincipalEntry& e : s.principals) {
      if (RequiredCoversPrincipal(required, e)) continue;
      diff.excess.push_back(
          {index, s.sid, "Principal", e.value,
           "principal " + e.type + " " + e.value + " is not one the requirement names",
           e.position});
    }
  }
  return diff;
}

Result<PolicyDiff> DiffPolicyText(std::string_view required, std::string_view actual) {
  auto r = ParsePolicy(required);
  if (!r.ok()) {
    return Error(ErrorCode::kInvalidArgument, "required policy: " + r.error().message(),
                 "required");
  }
  auto a = ParsePolicy(actual);
  if (!a.ok()) {
    return Error(ErrorCode::kInvalidArgument, "actual policy: " + a.error().message(), "actual");
  }
  return DiffPolicies(*r, *a);
}

nlohmann::ordered_json ToJson(const PolicyDiff& diff) {
  nlohmann::ordered_json missing = nlohmann::ordered_json::array();
  for (const MissingGrant& m : diff.missing) {
    nlohmann::ordered_json ctx = nlohmann::ordered_json::object();
    for (const auto& [k, v] : m.context) ctx[k] = v;
    nlohmann::ordered_json j = {{"action", m.action}, {"resource", m.resource}};
    if (!m.principal.empty()) j["principal"] = m.principal;
    j["context"] = ctx;
    j["decision"] = m.decision;
    j["explanation"] = m.explanation;
    missing.push_back(std::move(j));
  }
  nlohmann::ordered_json excess = nlohmann::ordered_json::array();
  for (const ExcessGrant& g : diff.excess) {
    excess.push_back({{"statement", g.statement},
                      {"sid", g.sid},
                      {"element", g.element},
                      {"value", g.value},
                      {"message", g.message},
                      {"line", g.position.line},
                      {"column", g.position.column}});
  }
  return {{"same", diff.same()}, {"missing", missing}, {"excess", excess}};
}

std::string FormatDiff(const PolicyDiff& diff) {
  std::string out;
  if (diff.same()) return "The actual policy grants exactly what is required.\n";
  if (!diff.missing.empty()) out += "Missing (required but not allowed):\n";
  for (const MissingGrant& m : diff.missing) {
    out += "  - " + m.action + " on " + m.resource;
    if (!m.principal.empty()) out += " by " + m.principal;
    for (const auto& [k, v] : m.context) out += " [" + k + "=" + v + "]";
    out += "\n      " + m.explanation + "\n";
  }
  if (!diff.excess.empty()) out += "Excess (granted beyond the requirement):\n";
  for (const ExcessGrant& g : diff.excess) {
    out += "  - " + std::to_string(g.position.line) + ":" + std::to_string(g.position.column) +
           " statement " + std::to_string(g.statement) +
           (g.sid.empty() ? "" : " (Sid " + g.sid + ")") + " " + g.element + ": " + g.message +
           "\n";
  }
  return out;
}

}  // namespace crossdock::iam
