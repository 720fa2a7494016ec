// POST /v1/policies/check | simulate | diff | generate: the policy engine over HTTP.
#include <fmt/format.h>

#include "crossdock/connect/policy_spec.h"
#include "crossdock/iam/diff.h"
#include "crossdock/iam/evaluate.h"
#include "crossdock/iam/generate.h"
#include "crossdock/iam/lint.h"
#include "crossdock/iam/policy.h"
#include "crossdock/server/connection_schema.h"
#include "crossdock/server/json_body.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

// A connection's spec when the body names one ("connection_id"), scoped to the caller.
Result<std::optional<iam::ConnectionSpec>> SpecFromBody(store::Store& store,
                                                        const nlohmann::json& body,
                                                        const std::string& org_id,
                                                        bool* bad_request, Error* bad) {
  auto id = OptionalString(body, "connection_id");
  if (!id.ok()) {
    *bad_request = true;
    *bad = id.error();
    return std::optional<iam::ConnectionSpec>();
  }
  if (!*id) return std::optional<iam::ConnectionSpec>();
  ASSIGN_OR_RETURN(auto c, LoadConnection(store, org_id, **id));
  ASSIGN_OR_RETURN(auto vendor, RequireVendorFor(store, c));
  ASSIGN_OR_RETURN(auto ids, ActiveExternalIds(store, org_id));
  ASSIGN_OR_RETURN(auto spec, connect::SpecForConnection(c, vendor, ids));
  return std::optional<iam::ConnectionSpec>(std::move(spec));
}

Reply Check(store::Store& store, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status known =
      RejectUnknownMembers(*body, {"policy", "type", "for", "own_account", "connection_id"});
  if (!known.ok()) return BadRequest(known.error());
  auto text = PolicyText(*body, "policy");
  if (!text.ok()) return BadRequest(text.error());
  iam::LintOptions options;
  auto type = OptionalString(*body, "type");
  if (!type.ok()) return BadRequest(type.error());
  if (*type) {
    auto parsed = iam::ParsePolicyType(**type);
    if (!parsed.ok()) {
      return ErrorReply(422, "invalid_argument", "type must be identity, trust or resource",
                        "type");
    }
    options.type = *parsed;
  }
  auto for_type = OptionalString(*body, "for");
  if (!for_type.ok()) return BadRequest(for_type.error());
  if (*for_type) {
    auto parsed = iam::ParseConnectionType(**for_type);
    if (!parsed.ok()) {
      return ErrorReply(422, "invalid_argument", "for: " + parsed.error().message(), "for");
    }
    options.for_type = *parsed;
  }
  auto own = OptionalString(*body, "own_account");
  if (!own.ok()) return BadRequest(own.error());
  if (*own) options.own_account = **own;
  bool bad_request = false;
  Error bad;
  auto spec = SpecFromBody(store, *body, ctx.org_id, &bad_request, &bad);
  if (bad_request) return BadRequest(bad);
  if (!spec.ok()) return FromError(spec.error());
  if (*spec) {
    options.spec = **spec;
    if (!options.for_type) options.for_type = (*spec)->type;
  }
  iam::LintReport report = iam::LintPolicy(*text, options);
  return JsonReply(iam::ToJson(report));
}

// IAM's limits: an ARN is at most 2,048 characters; context values are held to the same.
constexpr size_t kMaxArnChars = 2048;
constexpr size_t kMaxSimulatedPolicies = 32;

Error TooLong(const std::string& field) {
  return Error(
      ErrorCode::kInvalidArgument,
      fmt::format("{} is longer than {} characters (IAM's limit for an ARN)", field, kMaxArnChars),
      field);
}

Reply Simulate(RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status known = RejectUnknownMembers(
      *body, {"policy", "policies", "principal", "action", "resource", "context"});
  if (!known.ok()) return BadRequest(known.error());
  std::vector<iam::NamedPolicy> policies;
  auto add = [&](const std::string& text, const std::string& name,
                 const std::string& field) -> std::optional<Reply> {
    auto policy = iam::ParsePolicy(text);
    if (!policy.ok()) {
      return ErrorReply(422, "invalid_argument",
                        fmt::format("{}: {}", field, policy.error().message()), field);
    }
    policies.push_back(iam::NamedPolicy{name, std::move(*policy)});
    return std::nullopt;
  };
  if (body->contains("policies")) {
    const auto& list = (*body)["policies"];
    if (!list.is_array()) {
      return BadRequest(Error(ErrorCode::kInvalidArgument,
                              "policies must be an array of {\"name\", \"document\"}", "policies"));
    }
    if (list.size() > kMaxSimulatedPolicies) {
      return BadRequest(Error(ErrorCode::kInvalidArgument,
                              fmt::format("policies has {} documents; simulate at most {} (IAM "
                                          "attaches at most 20 managed policies to a role)",
                                          list.size(), kMaxSimulatedPolicies),
                              "policies"));
    }
    for (size_t i = 0; i < list.size(); ++i) {
      std::string prefix = fmt::format("policies[{}]", i);
      if (!list[i].is_object()) {
        return BadRequest(Error(ErrorCode::kInvalidArgument,
                                prefix + " must be an object {\"name\", \"document\"}", prefix));
      }
      auto name = OptionalString(list[i], "name", prefix);
      if (!name.ok()) return BadRequest(name.error());
      auto text = PolicyText(list[i], "document", prefix);
      if (!text.ok()) return BadRequest(text.error());
      if (auto r = add(*text, name->value_or(prefix), prefix + ".document")) return *r;
    }
  }
  if (body->contains("policy")) {
    auto text = PolicyText(*body, "policy");
    if (!text.ok()) return BadRequest(text.error());
    if (auto r = add(*text, "policy", "policy")) return *r;
  }
  if (policies.empty()) {
    return BadRequest(Error(ErrorCode::kInvalidArgument,
                            "give the policy to simulate as \"policy\" or \"policies\"", "policy"));
  }
  auto principal = OptionalString(*body, "principal");
  if (!principal.ok()) return BadRequest(principal.error());
  auto action = RequiredString(*body, "action");
  if (!action.ok()) return BadRequest(action.error());
  auto resource = OptionalString(*body, "resource");
  if (!resource.ok()) return BadRequest(resource.error());
  for (const auto& [field, value] :
       {std::pair<const char*, const std::optional<std::string>*>{"principal", &*principal},
        {"resource", &*resource}}) {
    if (*value && (*value)->size() > kMaxArnChars) return BadRequest(TooLong(field));
  }
  if (action->size() > kMaxArnChars) return BadRequest(TooLong("action"));
  nlohmann::json context = nlohmann::json::object();
  if (body->contains("context") && !(*body)["context"].is_null()) {
    context = (*body)["context"];
    if (!context.is_object()) {
      return BadRequest(Error(ErrorCode::kInvalidArgument,
                              "context must be an object of condition key -> string or array "
                              "of strings",
                              "context"));
    }
    for (const auto& [key, value] : context.items()) {
      bool too_long =
          key.size() > kMaxArnChars ||
          (value.is_string() && value.get_ref<const std::string&>().size() > kMaxArnChars) ||
          (value.is_array() && value.size() > 1000);
      for (const auto& v : value.is_array() ? value : nlohmann::json::array()) {
        too_long =
            too_long || (v.is_string() && v.get_ref<const std::string&>().size() > kMaxArnChars);
      }
      if (too_long) return BadRequest(TooLong("context." + key));
    }
  }
  auto request =
      iam::MakeRequest(principal->value_or(""), *action, resource->value_or("*"), context);
  if (!request.ok()) {
    Error e = request.error();
    std::string field = e.field().empty() ? "context" : e.field();
    return BadRequest(Error(ErrorCode::kInvalidArgument, e.message(), field));
  }
  iam::Evaluation evaluation = iam::Explain(policies, *request);
  return JsonReply(iam::ToJson(evaluation, *request));
}

Reply Diff(store::Store& store, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status known = RejectUnknownMembers(*body, {"required", "actual", "connection_id", "kind"});
  if (!known.ok()) return BadRequest(known.error());
  auto actual = PolicyText(*body, "actual");
  if (!actual.ok()) return BadRequest(actual.error());
  std::string required;
  if (body->contains("connection_id")) {
    bool bad_request = false;
    Error bad;
    auto spec = SpecFromBody(store, *body, ctx.org_id, &bad_request, &bad);
    if (bad_request) return BadRequest(bad);
    if (!spec.ok()) return FromError(spec.error());
    auto kind = OptionalString(*body, "kind");
    if (!kind.ok()) return BadRequest(kind.error());
    std::string k = kind->value_or("permission");
    if (k != "permission" && k != "trust") {
      return ErrorReply(422, "invalid_argument", "kind must be permission or trust", "kind");
    }
    auto generated = iam::GeneratePolicies(**spec);
    if (!generated.ok()) return FromError(generated.error());
    required = (k == "trust" ? generated->trust_policy : generated->permission_policy).dump(2);
  } else {
    auto text = PolicyText(*body, "required");
    if (!text.ok()) return BadRequest(text.error());
    required = *text;
  }
  auto diff = iam::DiffPolicyText(required, *actual);
  if (!diff.ok()) {
    Error e = diff.error();
    return ErrorReply(422, "invalid_argument", e.message(),
                      e.field().empty() ? "actual" : e.field());
  }
  return JsonReply(iam::ToJson(*diff));
}

Reply Generate(store::Store& store, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status known =
      RejectUnknownMembers(*body, {"type", "buckets", "region", "role_arn", "kms_key_arn",
                                   "stream_arn", "databricks_external_id", "format"});
  if (!known.ok()) return BadRequest(known.error());
  iam::ConnectionSpec spec;
  auto type = RequiredString(*body, "type");
  if (!type.ok()) return BadRequest(type.error());
  auto parsed = iam::ParseConnectionType(*type);
  if (!parsed.ok()) {
    return ErrorReply(422, "invalid_argument", "type: " + parsed.error().message(), "type");
  }
  spec.type = *parsed;
  if (body->contains("buckets")) {
    const auto& list = (*body)["buckets"];
    if (!list.is_array()) {
      return BadRequest(Error(ErrorCode::kInvalidArgument,
                              "buckets must be an array of \"bucket\" or \"bucket/path\"",
                              "buckets"));
    }
    for (size_t i = 0; i < list.size(); ++i) {
      std::string field = fmt::format("buckets[{}]", i);
      if (!list[i].is_string()) {
        return BadRequest(Error(ErrorCode::kInvalidArgument, field + " must be a string", field));
      }
      auto target = iam::ParseBucketTarget(list[i].get<std::string>());
      if (!target.ok()) {
        return ErrorReply(422, "invalid_argument", target.error().message(), field);
      }
      spec.buckets.push_back(*target);
    }
  }
  for (auto [key, out] : {std::pair<const char*, std::string*>{"region", &spec.region},
                          {"role_arn", &spec.role_arn},
                          {"kms_key_arn", &spec.kms_key_arn},
                          {"stream_arn", &spec.stream_arn},
                          {"databricks_external_id", &spec.databricks_external_id}}) {
    auto v = OptionalString(*body, key);
    if (!v.ok()) return BadRequest(v.error());
    if (*v) *out = **v;
  }
  auto format = OptionalString(*body, "format");
  if (!format.ok()) return BadRequest(format.error());
  std::string fmt_name = format->value_or("json");
  if (fmt_name != "json" && fmt_name != "cloudformation" && fmt_name != "terraform") {
    return ErrorReply(422, "invalid_argument", "format must be json, cloudformation or terraform",
                      "format");
  }
  auto vendor = RequireVendor(store, spec.region);
  if (!vendor.ok()) return FromError(vendor.error());
  spec.vendor_account = vendor->account_id;
  spec.vendor_role_arn = vendor->role_arn;
  auto ids = ActiveExternalIds(store, ctx.org_id);
  if (!ids.ok()) return FromError(ids.error());
  spec.external_ids = *ids;
  Status valid = iam::ValidateSpec(spec);
  if (!valid.ok()) return FromError(valid.error());
  if (fmt_name == "cloudformation") {
    auto text = iam::RenderCloudFormation(spec, true);
    return text.ok() ? TextReply(*text, "application/yaml") : FromError(text.error());
  }
  if (fmt_name == "terraform") {
    auto text = iam::RenderTerraform(spec);
    return text.ok() ? TextReply(*text, "text/plain; charset=utf-8") : FromError(text.error());
  }
  auto policies = iam::GeneratePolicies(spec);
  if (!policies.ok()) return FromError(policies.error());
  return JsonReply(iam::ToJson(spec, *policies));
}

// A request schema; `type_member` (if any) is the enum of connection types from the one table.
ojson PolicyInput(const char* extra, const char* type_member = nullptr) {
  ojson s = ojson::parse(R"({"type": "object", "properties": {}})");
  s["properties"] = ojson::parse(extra);
  if (type_member != nullptr) s["properties"][type_member] = ConnectionTypeEnum();
  return s;
}

}  // namespace

void AddPolicyRoutes(ServiceState& state, RouteTable& routes) {
  store::Store& store = *state.store;
  const char* doc =
      R"({"oneOf": [{"type": "object"}, {"type": "string"}], "description": "a policy document, as JSON or as its text"})";
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/policies/check",
      .operation_id = "checkPolicy",
      .summary = "Lint a policy: every finding with its stable code, line:column and fix",
      .tag = "policies",
      .request_schema = PolicyInput(
          fmt::format(
              R"({{"policy": {}, "type": {{"type": "string", "enum": ["identity", "trust", "resource"]}}, "for": {{}}, "own_account": {{"type": "string"}}, "connection_id": {{"type": "string"}}}})",
              doc)
              .c_str(),
          "for"),
      .response_schema = ojson::parse(
          R"({"type": "object", "properties": {"ok": {"type": "boolean"}, "findings": {"type": "array"}}})"),
      .error_statuses = {404, 422},
      .handler = [&store](RequestContext& ctx) { return Check(store, ctx); }});
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/policies/simulate",
      .operation_id = "simulatePolicy",
      .summary = "Evaluate one request against policies and explain the decision statement by "
                 "statement",
      .tag = "policies",
      .request_schema = PolicyInput(
          fmt::format(
              R"({{"policy": {0}, "policies": {{"type": "array", "items": {{"type": "object", "properties": {{"name": {{"type": "string"}}, "document": {0}}}}}}}, "principal": {{"type": "string"}}, "action": {{"type": "string"}}, "resource": {{"type": "string"}}, "context": {{"type": "object"}}}})",
              doc)
              .c_str()),
      .response_schema = ojson::parse(
          R"({"type": "object", "properties": {"decision": {"type": "string", "enum": ["Allow", "ExplicitDeny", "ImplicitDeny"]}, "summary": {"type": "string"}}})"),
      .error_statuses = {422},
      .handler = [](RequestContext& ctx) { return Simulate(ctx); }});
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/policies/diff",
      .operation_id = "diffPolicies",
      .summary = "Compare a policy with the required one (given, or a connection's): what is "
                 "missing and what is granted beyond it",
      .tag = "policies",
      .request_schema = PolicyInput(
          fmt::format(
              R"({{"actual": {0}, "required": {0}, "connection_id": {{"type": "string"}}, "kind": {{"type": "string", "enum": ["permission", "trust"]}}}})",
              doc)
              .c_str()),
      .response_schema = ojson::parse(
          R"({"type": "object", "properties": {"same": {"type": "boolean"}, "missing": {"type": "array"}, "excess": {"type": "array"}}})"),
      .error_statuses = {404, 409, 422},
      .handler = [&store](RequestContext& ctx) { return Diff(store, ctx); }});
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/policies/generate",
      .operation_id = "generatePolicies",
      .summary = "Generate the permission and trust policies for a connection type, with the "
                 "organization's External IDs",
      .tag = "policies",
      .request_schema = PolicyInput(
          R"({"type": {}, "buckets": {"type": "array", "items": {"type": "string"}}, "region": {"type": "string"}, "role_arn": {"type": "string"}, "kms_key_arn": {"type": "string"}, "stream_arn": {"type": "string", "description": "kinesis: the stream read"}, "databricks_external_id": {"type": "string"}, "format": {"type": "string", "enum": ["json", "cloudformation", "terraform"]}})",
          "type"),
      .response_schema = ojson::parse(
          R"({"type": "object", "properties": {"permission_policy": {"type": "object"}, "trust_policy": {"type": "object"}}})"),
      .error_statuses = {409, 422},
      .handler = [&store](RequestContext& ctx) { return Generate(store, ctx); }});
}

}  // namespace crossdock::server
