#include "crossdock/iam/lint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "crossdock/iam/arn.h"
#include "crossdock/iam/catalog.h"
#include "crossdock/iam/checks.h"
#include "crossdock/iam/condition.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/lint_access_analyzer.h"
#include "crossdock/iam/operations.h"

namespace crossdock::iam {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ActionCovers(const Statement& s, std::string_view action) {
  bool any = false;
  for (const std::string& p : s.actions_lower) any = any || GlobMatch(p, action, true);
  return s.action.negated ? !any : any;
}

// "; without it these fail: s3:ListObjectsV2, s3:HeadBucket" (the operation table's APIs).
std::string FailingApis(ConnectionType type, const std::string& action) {
  std::vector<std::string> apis = ApisNeeding(type, action);
  if (apis.empty()) return "";
  std::string out = "; without it these fail: ";
  for (size_t i = 0; i < apis.size(); ++i) out += (i ? ", " : "") + apis[i];
  return out;
}

class Linter {
 public:
  Linter(const Policy& policy, const LintOptions& options, std::vector<Finding>& findings)
      : policy_(policy), options_(options), findings_(findings) {}

  void Run() {
    for (const Statement& s : policy_.statements) {
      CheckPlacement(s);
      CheckActions(s);
      CheckResources(s);
      CheckS3ResourceTypes(s);
      CheckPrincipals(s);
      CheckTrust(s);
      CheckDestructive(s);
      CheckConditions(s);
    }
    CheckAccessAnalyzerRules(policy_, options_.type, findings_);
    if (options_.for_type) CheckNeeds(*options_.for_type);
  }

 private:
  Finding& Add(std::string code, Severity severity, Position pos, std::string message,
               std::string fix) {
    findings_.push_back(
        MakeFinding(std::move(code), severity, pos, std::move(message), std::move(fix)));
    return findings_.back();
  }

  void CheckPlacement(const Statement& s) {
    PolicyType t = options_.type;
    if (t == PolicyType::kIdentity && s.has_principal) {
      Add("principal-in-identity-policy", Severity::kError, s.principal_position,
          "an identity (permission) policy must not name a Principal: it applies to the role "
          "it is attached to",
          "remove Principal; name principals in the role's trust policy instead");
    }
    if (t != PolicyType::kIdentity && !s.has_principal) {
      Add("principal-missing", Severity::kError, s.position,
          std::string("a ") + PolicyTypeName(t) + " policy statement must name a Principal",
          t == PolicyType::kTrust
              ? "add \"Principal\": {\"AWS\": \"arn:aws:iam::VENDOR-ACCOUNT:root\"}"
              : "add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:role/NAME\"}");
    }
    if (t == PolicyType::kIdentity && !s.resource.present) {
      Add("resource-missing", Severity::kError, s.position,
          "the statement has neither Resource nor NotResource",
          "add \"Resource\" with the ARNs it applies to (\"*\" only for actions without "
          "resource types)");
    }
    if (t == PolicyType::kResource && !s.resource.present) {
      Add("resource-missing", Severity::kError, s.position,
          "a resource policy statement needs Resource (e.g. arn:aws:s3:::bucket/*)",
          "add \"Resource\"");
    }
    if (t == PolicyType::kTrust && s.resource.present) {
      Add("trust-has-resource", Severity::kError, s.resource.position,
          "a trust policy has no Resource element: it applies to the role it is attached to "
          "(IAM rejects it as MalformedPolicyDocument)",
          "remove the " + std::string(s.resource.negated ? "NotResource" : "Resource") +
              " element");
    }
    if (s.not_principal && s.effect == Effect::kAllow && s.has_effect) {
      Add("notprincipal-with-allow", Severity::kWarning, s.principal_position,
          "NotPrincipal with \"Effect\": \"Allow\" allows every principal except those listed, "
          "including anonymous users",
          "use Principal to list who is allowed");
    }
    if (s.action.negated && s.effect == Effect::kAllow && s.has_effect) {
      Add("allow-with-notaction", Severity::kSuggestion, s.action.position,
          "Allow with NotAction allows every action not listed, including actions AWS adds "
          "later",
          "list the allowed actions with Action");
    }
  }

  void CheckActions(const Statement& s) {
    for (size_t i = 0; i < s.action.values.size(); ++i) {
      const std::string& a = s.action.values[i];
      size_t colon = a.find(':');
      if (a == "*" || colon == std::string::npos) continue;
      std::string service = Lower(a.substr(0, colon));
      if (!IsCataloguedService(service)) continue;
      std::string name = a.substr(colon + 1);
      if (a.find_first_of("*?") != std::string::npos) {
        if (MatchActions(a).empty()) {
          Add("action-unknown", Severity::kError, s.action.positions[i],
              "\"" + a + "\" matches no " + service + " action",
              "check the spelling against AWS's Service Authorization Reference for " + service);
        }
        continue;
      }
      if (FindAction(a) == nullptr) {
        std::string suggestion = SuggestAction(service, name);
        Add("action-unknown", Severity::kError, s.action.positions[i],
            "\"" + a + "\" is not a " + service + " action",
            suggestion.empty() ? "check the spelling against AWS's Service Authorization "
                                 "Reference for " +
                                     service
                               : "did you mean " + suggestion + "?");
      }
    }
  }

  void CheckArn(const std::string& value, Position pos, const std::string& where) {
    if (value == "*" || value.find("${") != std::string::npos) return;
    auto arn = ParseArnPattern(value);
    if (!arn.ok()) {
      Finding& f = Add("arn-malformed", Severity::kError, pos, where + ": " + arn.error().message(),
                       "write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE");
      SetIssue(f, FindingType::kError, ArnIssue(arn.error()));
    }
  }

  // The Access Analyzer check an ARN error corresponds to, by the component it names.
  static std::string_view ArnIssue(const Error& e) {
    const std::string& field = e.field();
    const std::string& m = e.message();
    if (field == "arn.prefix") return "INVALID_ARN_PREFIX";
    if (field == "arn.partition") return "INVALID_PARTITION";
    if (field == "arn.service") return "INVALID_ARN_SERVICE_CASE";
    if (field == "arn.account") return "INVALID_ARN_ACCOUNT";
    if (field == "arn.region") {
      if (m.find("need the key's region") != std::string::npos) return "MISSING_ARN_REGION";
      if (m.find("empty region") != std::string::npos) return "ARN_REGION_NOT_ALLOWED";
      return "INVALID_ARN_REGION";
    }
    if (m.find("fewer than six") != std::string::npos) return "MISSING_ARN_FIELD";
    return "INVALID_ARN_RESOURCE";
  }

  void CheckResources(const Statement& s) {
    for (size_t i = 0; i < s.resource.values.size(); ++i) {
      CheckArn(s.resource.values[i], s.resource.positions[i],
               s.resource.negated ? "NotResource" : "Resource");
    }
  }

  void CheckS3ResourceTypes(const Statement& s) {
    if (s.action.negated || !s.resource.present || s.resource.negated) return;
    bool any_bucket = false, any_object = false, any_s3 = false;
    for (const std::string& r : s.resource.values) {
      if (r == "*") {
        any_bucket = any_object = true;
        continue;
      }
      auto arn = ParseArnPattern(r);
      if (!arn.ok() || (arn->service != "s3" && arn->service != "*")) continue;
      if (!arn->region.empty() || !arn->account.empty()) {  // access points and jobs
        any_bucket = any_object = true;
        continue;
      }
      any_s3 = true;
      if (arn->resource.find('/') == std::string::npos) {
        any_bucket = true;
        if (arn->resource.find('*') != std::string::npos) any_object = true;  // "arn:..:::*"
      } else {
        any_object = true;
      }
    }
    if (!any_s3) return;
    for (size_t i = 0; i < s.action.values.size(); ++i) {
      const ActionInfo* a = FindAction(s.action.values[i]);
      if (!a || a->service != "s3") continue;
      if (a->resource_type == "object" && !any_object) {
        Add("s3-object-action-on-bucket", Severity::kError, s.action.positions[i],
            s.action.values[i] +
                " acts on objects, but the statement lists only bucket ARNs, "
                "so it never applies",
            "add the object ARN, e.g. arn:aws:s3:::BUCKET/* (or BUCKET/PATH/*)");
      } else if (a->resource_type == "bucket" && !any_bucket) {
        Add("s3-bucket-action-on-object", Severity::kError, s.action.positions[i],
            s.action.values[i] +
                " acts on the bucket, but the statement lists only object "
                "ARNs (bucket/*), so it never applies",
            "add the bucket ARN itself, e.g. arn:aws:s3:::BUCKET");
      }
    }
  }

  void CheckPrincipals(const Statement& s) {
    for (const PrincipalEntry& e : s.principals) {
      if (e.type == "AWS" && e.value != "*" && !IsAccountId(e.value)) {
        auto arn = ParseArn(e.value);
        if (e.value.find_first_of("*?") != std::string::npos || IsUniqueId(e.value)) {
          // Reported by the Access Analyzer rules (wildcard, unique id).
        } else if (!arn.ok()) {
          Finding& f = Add("arn-malformed", Severity::kError, e.position,
                           "Principal: " + arn.error().message(),
                           "write arn:aws:iam::ACCOUNT:root or arn:aws:iam::ACCOUNT:role/NAME");
          SetIssue(f, FindingType::kError,
                   ArnIssue(arn.error()) == "INVALID_ARN_RESOURCE" ? "INVALID_PRINCIPAL_FORMAT"
                                                                   : ArnIssue(arn.error()));
        } else if (arn->service != "iam" && arn->service != "sts") {
          Add("arn-malformed", Severity::kError, e.position,
              "Principal \"" + e.value + "\" is not an IAM or STS principal",
              "name an account (arn:aws:iam::ACCOUNT:root), a role or a user");
        }
      }
      if (e.type == "Service" && e.value.find('.') == std::string::npos) {
        Add("principal-malformed", Severity::kError, e.position,
            "service principal \"" + e.value + "\" is not a service name",
            "write the service's principal, e.g. redshift.amazonaws.com");
      }
    }
  }

  bool HasExternalIdCondition(const Statement& s) {
    for (const Condition& c : s.conditions) {
      if (c.key_lower != "sts:externalid" || c.op.negated() || c.op.if_exists) continue;
      switch (c.op.op) {
        case ConditionOp::kStringEquals:
        case ConditionOp::kStringEqualsIgnoreCase:
        case ConditionOp::kStringLike:
          return true;
        default:
          break;
      }
    }
    return false;
  }

  // Whether a condition of `s` restricts who the caller is (its ARN, account, organization,
  // or the resource or network it comes from), not merely what it sends.
  static bool NamesCaller(const Statement& s) {
    static constexpr std::array<std::string_view, 11> kKeys = {
        "aws:principalarn",  "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths",
        "aws:sourceaccount", "aws:sourcearn",        "aws:sourceorgid",    "aws:sourceorgpaths",
        "aws:sourcevpc",     "aws:sourcevpce",       "aws:userid"};
    for (const Condition& c : s.conditions) {
      if (c.op.negated() || c.op.if_exists) continue;
      if (std::find(kKeys.begin(), kKeys.end(), c.key_lower) != kKeys.end()) return true;
    }
    return false;
  }

  void CheckTrust(const Statement& s) {
    if (options_.type != PolicyType::kTrust || s.effect != Effect::kAllow || !s.has_effect ||
        s.not_principal) {
      return;
    }
    bool assume = ActionCovers(s, "sts:assumerole");
    for (const PrincipalEntry& e : s.principals) {
      // A condition on who the caller is (aws:PrincipalOrgID, aws:PrincipalArn...) narrows
      // the wildcard; without one (an sts:ExternalId is no secret) anyone may assume the role.
      if (e.value == "*" && !NamesCaller(s)) {
        Add("trust-principal-wildcard", Severity::kError, e.position,
            "\"Principal\": \"*\" in a trust policy without a condition on the caller's "
            "identity lets anyone in any AWS account assume the role",
            "name the vendor's account or role, e.g. {\"AWS\": "
            "\"arn:aws:iam::VENDOR-ACCOUNT:root\"}, or add a Condition that names who may "
            "assume it (aws:PrincipalOrgID, aws:PrincipalArn, sts:ExternalId)");
      }
    }
    if (!assume || HasExternalIdCondition(s)) return;
    for (const PrincipalEntry& e : s.principals) {
      if (e.type != "AWS" || e.value == "*") continue;
      std::string account = IsAccountId(e.value) ? e.value : "";
      if (account.empty()) {
        auto arn = ParseArn(e.value);
        if (arn.ok()) account = arn->account;
      }
      if (!options_.own_account.empty() && account == options_.own_account) continue;
      Add("trust-missing-external-id", Severity::kError, e.position,
          "principal " + e.value +
              " (another account) may assume the role without an sts:ExternalId condition: "
              "any customer of that account's owner could point it at this role (confused "
              "deputy)",
          "add \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"YOUR-EXTERNAL-ID\"}} "
          "to this statement");
      return;  // once per statement
    }
  }

  static bool BroadResource(const std::string& r) {
    if (r == "*") return true;
    auto arn = ParseArnPattern(r);
    return arn.ok() && (arn->resource == "*" || arn->resource.starts_with("*"));
  }

  void CheckDestructive(const Statement& s) {
    if (s.effect != Effect::kAllow || !s.resource.present || s.resource.negated) return;
    bool broad = false;
    for (const std::string& r : s.resource.values) broad = broad || BroadResource(r);
    if (!broad) return;
    std::vector<std::string> destructive;
    std::set<std::string> seen;
    for (const std::string& a : s.action.values) {
      if (s.action.negated) break;
      for (const ActionInfo* info : MatchActions(a)) {
        if (IsDestructive(*info) && seen.insert(info->FullName()).second) {
          destructive.push_back(info->FullName());
        }
      }
    }
    if (destructive.empty()) return;
    std::string list;
    for (size_t i = 0; i < destructive.size() && i < 3; ++i) {
      list += (i ? ", " : "") + destructive[i];
    }
    if (destructive.size() > 3) list += " and " + std::to_string(destructive.size() - 3) + " more";
    Add("wildcard-resource-destructive", Severity::kWarning, s.resource.position,
        "destructive actions (" + list + ") are allowed on every resource",
        "scope Resource to the bucket, path or key the connection uses");
  }

  void CheckConditions(const Statement& s) {
    for (const Condition& c : s.conditions) {
      ConditionOp op = c.op.op;
      for (const std::string& v : c.values) {
        if (v.find("${") != std::string::npos) continue;
        bool string_equals = op == ConditionOp::kStringEquals ||
                             op == ConditionOp::kStringNotEquals ||
                             op == ConditionOp::kStringEqualsIgnoreCase ||
                             op == ConditionOp::kStringNotEqualsIgnoreCase;
        if (string_equals && v.find_first_of("*?") != std::string::npos) {
          Finding& f = Add("condition-wildcard-non-like", Severity::kWarning, c.position,
                           c.op.name + " compares \"" + v +
                               "\" literally: '*' and '?' are wildcards only "
                               "under StringLike/StringNotLike",
                           "use StringLike (or remove the wildcard)");
          std::string like = c.op.name;
          size_t at = like.find("Equals");
          like.replace(at, 6, "Like");
          size_t ic = like.find("IgnoreCase");
          if (ic != std::string::npos) like.erase(ic, 10);
          f.corrected = "\"" + like + "\": {\"" + c.key + "\": \"" + v + "\"}";
        }
        bool bad = false;
        std::string expect, issue;
        if (op >= ConditionOp::kNumericEquals && op <= ConditionOp::kNumericGreaterThanEquals) {
          bad = !ParseNumber(v);
          expect = "a number";
          issue = "TYPE_MISMATCH_NUMBER";
        } else if (op >= ConditionOp::kDateEquals && op <= ConditionOp::kDateGreaterThanEquals) {
          bad = !ParseDate(v);
          expect = "an ISO 8601 date such as 2025-01-31T00:00:00Z or epoch seconds";
          issue = "TYPE_MISMATCH_DATE";
        } else if (op == ConditionOp::kBool) {
          bad = Lower(v) != "true" && Lower(v) != "false";
          expect = "true or false";
          issue = "TYPE_MISMATCH_BOOLEAN";
        } else if (op == ConditionOp::kBinaryEquals) {
          bad = !IsBase64(v);
          expect = "a base64-encoded value";
          issue = "TYPE_MISMATCH_STRING";
        } else if (op == ConditionOp::kIpAddress || op == ConditionOp::kNotIpAddress) {
          std::string addr = v.substr(0, v.find('/'));
          bad = !IpInCidr(v, addr);
          expect = "an IPv4 or IPv6 address or CIDR such as 203.0.113.0/24";
          issue = "TYPE_MISMATCH_IP_RANGE";
        } else if (op >= ConditionOp::kArnEquals && op <= ConditionOp::kArnNotLike) {
          CheckArn(v, c.position, "Condition " + c.op.name + " " + c.key);
        }
        if (bad) {
          Finding& f = Add("condition-value-invalid", Severity::kWarning, c.position,
                           c.op.name + " " + c.key + " value \"" + v + "\" is not " + expect +
                               ", so it never matches",
                           "write " + expect);
          SetIssue(f, FindingType::kWarning, issue);
        }
      }
    }
  }

  // A spec reconstructed from the policy when the caller has none: the buckets and the
  // self-assume role the policy itself names.
  ConnectionSpec InferSpec(ConnectionType type) {
    ConnectionSpec spec;
    spec.type = type;
    spec.vendor_account = "000000000000";
    spec.external_ids = {"lint-placeholder"};
    spec.databricks_external_id = "lint-placeholder";
    std::string partition = "aws";
    std::string stream_region;
    std::set<std::string> seen;
    for (const Statement& s : policy_.statements) {
      if (s.effect != Effect::kAllow || s.resource.negated) continue;
      for (const std::string& r : s.resource.values) {
        auto arn = ParseArnPattern(r);
        if (!arn.ok()) continue;
        if (arn->service == "s3" && arn->region.empty() && arn->account.empty()) {
          partition = arn->partition;
          std::string res = arn->resource;
          std::string bucket = res.substr(0, res.find('/'));
          std::string prefix;
          if (res.find('/') != std::string::npos) {
            prefix = res.substr(res.find('/') + 1);
            if (prefix.ends_with("*")) prefix.pop_back();
            while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
          }
          if (bucket.find_first_of("*?") != std::string::npos ||
              prefix.find_first_of("*?$") != std::string::npos) {
            continue;
          }
          // A bucket ARN alone says nothing about the path; prefer the object ARN's path.
          if (res.find('/') == std::string::npos) {
            if (seen.count(bucket)) continue;
          } else {
            for (auto it = spec.buckets.begin(); it != spec.buckets.end(); ++it) {
              if (it->name == bucket && it->prefix.empty()) {
                spec.buckets.erase(it);
                seen.erase(bucket);
                break;
              }
            }
            if (seen.count(bucket)) continue;
          }
          seen.insert(bucket);
          spec.buckets.push_back({bucket, prefix});
        }
        if (arn->service == "kinesis" && arn->resource.starts_with("stream/") &&
            r.find_first_of("*?") == std::string::npos) {
          spec.stream_arn = r;
          partition = arn->partition;
          stream_region = arn->region;
        }
        if (arn->service == "iam" && arn->resource.starts_with("role/") &&
            ActionCovers(s, "sts:assumerole") && r.find_first_of("*?") == std::string::npos) {
          spec.role_arn = r;
          partition = arn->partition;
        }
      }
    }
    spec.region = partition == "aws-us-gov" ? "us-gov-west-1"
                  : partition == "aws-cn"   ? "cn-north-1"
                                            : "us-east-1";
    if (!stream_region.empty()) spec.region = stream_region;
    if (type == ConnectionType::kDatabricks && spec.role_arn.empty()) {
      missing_self_assume_ = true;
      spec.role_arn = "arn:" + partition + ":iam::000000000000:role/THIS-ROLE";
    }
    return spec;
  }

  void CheckNeeds(ConnectionType type) {
    Position top;
    top.line = 1;
    top.column = 1;
    const char* tname = ConnectionTypeName(type);
    if (options_.type == PolicyType::kTrust) {
      CheckTrustNeeds(type, top);
      return;
    }
    if (options_.type != PolicyType::kIdentity) return;
    ConnectionSpec spec = options_.spec ? *options_.spec : InferSpec(type);
    if (!options_.spec && type == ConnectionType::kKinesis && spec.stream_arn.empty()) {
      Add("missing-permission", Severity::kError, top,
          "the kinesis connection type reads one stream, but no statement allows any Kinesis "
          "stream ARN",
          "add the statements `crossdock policy generate --type kinesis` prints");
      return;
    }
    if (!options_.spec && spec.buckets.empty() && TypeInfo(type).bucket_required) {
      Add("missing-permission", Severity::kError, top,
          std::string("the ") + tname +
              " connection type needs S3 access to its bucket, but no "
              "statement allows any S3 bucket",
          "add the statements `crossdock policy generate --type " + std::string(tname) +
              "` prints");
      return;
    }
    if (missing_self_assume_) {
      Add("missing-permission", Severity::kError, top,
          "Databricks needs the role to assume itself, but no statement allows sts:AssumeRole "
          "on a role ARN",
          "add {\"Sid\": \"AllowSelfAssume\", \"Effect\": \"Allow\", \"Action\": "
          "\"sts:AssumeRole\", \"Resource\": \"arn:aws:iam::ACCOUNT:role/THIS-ROLE\"}");
    }
    auto ops = RequiredOperations(spec);
    if (!ops.ok()) {
      Add("missing-permission", Severity::kError, top,
          "cannot work out what this connection needs: " + ops.error().message(),
          "pass the connection's details");
      return;
    }
    std::vector<NamedPolicy> policies = {{"policy", policy_}};
    for (const Operation& op : *ops) {
      if (missing_self_assume_ && op.action == "sts:AssumeRole") continue;
      // The role lives in the account of the resources it uses (a KMS key of another account
      // would need that key's policy too, which this check does not see).
      std::string account = "000000000000";
      if (auto arn = ParseArnPattern(op.resource); arn.ok() && IsAccountId(arn->account)) {
        account = arn->account;
      }
      Request req("arn:aws:iam::" + account + ":role/crossdock", op.action, op.resource);
      for (const auto& [k, v] : op.context) req.Set(k, v);
      Decision d = Decide(policies, req);
      if (d == Decision::kAllow) continue;
      Add("missing-permission", Severity::kError, top,
          std::string("the ") + tname + " connection type needs " + op.action + " on " +
              op.resource + " (" + op.purpose + "), which this policy " +
              (d == Decision::kExplicitDeny ? "explicitly denies" : "does not allow") +
              FailingApis(type, op.action),
          "add " + op.action + " to a statement whose Resource covers " + op.grant);
    }
  }

  void CheckTrustNeeds(ConnectionType type, Position top) {
    if (options_.spec) {
      auto ops = RequiredTrustOperations(*options_.spec);
      if (!ops.ok()) return;
      std::vector<NamedPolicy> policies = {{"trust", policy_}};
      for (const Operation& op : *ops) {
        Request req(op.principal, op.action, op.resource);
        for (const auto& [k, v] : op.context) req.Set(k, v);
        if (Decide(policies, req) == Decision::kAllow) continue;
        Add("missing-permission", Severity::kError, top,
            op.principal + " cannot assume the role (" + op.purpose + ")",
            "add the principal and its External ID to the trust policy");
      }
      return;
    }
    auto has = [&](std::string_view type_name, auto pred) {
      for (const Statement& s : policy_.statements) {
        if (s.effect != Effect::kAllow || s.not_principal) continue;
        for (const PrincipalEntry& e : s.principals) {
          if (e.type == type_name && pred(e.value)) return true;
        }
      }
      return false;
    };
    if (type == ConnectionType::kDatabricks) {
      bool uc = has("AWS", [](const std::string& v) {
        return v == kDatabricksPrincipalAws || v == kDatabricksPrincipalGovCloud ||
               v == kDatabricksPrincipalGovCloudDod ||
               v.find(":role/unity-catalog-") != std::string::npos;
      });
      if (!uc) {
        Add("missing-permission", Severity::kError, top,
            "Databricks Unity Catalog cannot assume the role: its principal is not in the trust "
            "policy",
            std::string("add \"") + kDatabricksPrincipalAws +
                "\" (GovCloud: the Databricks GovCloud role) to Principal.AWS");
      }
      bool self = has("AWS", [](const std::string& v) {
        return v.find(":role/") != std::string::npos &&
               v.find(":role/unity-catalog-") == std::string::npos;
      });
      if (!self) {
        Add("missing-permission", Severity::kError, top,
            "no role principal besides Databricks': Databricks requires the role to trust "
            "itself (self-assume)",
            "add \"arn:aws:iam::YOUR-ACCOUNT:role/THIS-ROLE\" to Principal.AWS");
      }
    }
    if (type == ConnectionType::kRedshiftServerless &&
        !has("Service", [](const std::string& v) { return v == "redshift.amazonaws.com"; })) {
      Add("missing-permission", Severity::kWarning, top,
          "redshift.amazonaws.com cannot assume the role, so UNLOAD to and COPY from the "
          "staging bucket will fail",
          "add a statement {\"Effect\": \"Allow\", \"Principal\": {\"Service\": "
          "\"redshift.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}");
    }
  }

  const Policy& policy_;
  const LintOptions& options_;
  std::vector<Finding>& findings_;
  bool missing_self_assume_ = false;
};

}  // namespace

const char* PolicyTypeName(PolicyType type) {
  switch (type) {
    case PolicyType::kIdentity:
      return "identity";
    case PolicyType::kTrust:
      return "trust";
    case PolicyType::kResource:
      return "resource";
  }
  return "identity";
}

Result<PolicyType> ParsePolicyType(std::string_view name) {
  if (name == "identity" || name == "permission") return PolicyType::kIdentity;
  if (name == "trust") return PolicyType::kTrust;
  if (name == "resource") return PolicyType::kResource;
  return Error(ErrorCode::kInvalidArgument,
               "unknown policy type \"" + std::string(name) +
                   "\"; use identity (permission policy), trust or resource",
               "type");
}

size_t LintReport::count(Severity severity) const {
  return static_cast<size_t>(std::count_if(
      findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == severity; }));
}

LintReport LintPolicy(std::string_view text, const LintOptions& options) {
  LintReport report;
  PolicyRead read = ReadPolicy(text);
  report.findings = std::move(read.findings);
  report.corrected = std::move(read.corrected);
  // IAM rejects duplicate Sids in identity and trust policies; resource policies (S3, SQS...)
  // accept them, so there it is only Access Analyzer's general warning.
  for (Finding& f : report.findings) {
    if (f.code != "sid-duplicate") continue;
    if (options.type == PolicyType::kResource) {
      f.severity = Severity::kWarning;
      SetIssue(f, FindingType::kWarning, "UNIQUE_SIDS_RECOMMENDED");
    } else {
      f.severity = Severity::kError;
      SetIssue(f, FindingType::kError, "UNIQUE_SIDS_REQUIRED");
    }
  }
  if (read.policy) {
    Linter linter(*read.policy, options, report.findings);
    linter.Run();
    CheckPolicySize(text, options.type, report.findings);
  }
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.position.line != b.position.line) {
                       return a.position.line < b.position.line;
                     }
                     return a.position.column < b.position.column;
                   });
  return report;
}

nlohmann::ordered_json ToJson(const LintReport& report) {
  auto of_type = [&](FindingType t) {
    return std::count_if(report.findings.begin(), report.findings.end(),
                         [&](const Finding& f) { return f.type == t; });
  };
  nlohmann::ordered_json out = {{"ok", !report.has_errors()},
                                {"errors", report.count(Severity::kError)},
                                {"warnings", report.count(Severity::kWarning)},
                                {"suggestions", report.count(Severity::kSuggestion)},
                                {"finding_types",
                                 {{"ERROR", of_type(FindingType::kError)},
                                  {"SECURITY_WARNING", of_type(FindingType::kSecurityWarning)},
                                  {"WARNING", of_type(FindingType::kWarning)},
                                  {"SUGGESTION", of_type(FindingType::kSuggestion)}}},
                                {"findings", ToJson(report.findings)}};
  if (!report.corrected.empty()) out["corrected"] = report.corrected;
  return out;
}

std::string FormatLintReport(const LintReport& report, std::string_view file) {
  std::string out;
  for (const Finding& f : report.findings) out += std::string(file) + ":" + FormatFinding(f) + "\n";
  out += std::to_string(report.count(Severity::kError)) + " error(s), " +
         std::to_string(report.count(Severity::kWarning)) + " warning(s), " +
         std::to_string(report.count(Severity::kSuggestion)) + " suggestion(s)\n";
  if (!report.corrected.empty()) {
    out += "\nCorrected document (commas repaired; check it before use):\n" + report.corrected;
    if (!report.corrected.ends_with("\n")) out += "\n";
  }
  return out;
}

}  // namespace crossdock::iam
