// GET /v1/identity and the organization's External ID rotation.
#include <fmt/format.h>

#include "crossdock/core/time_format.h"
#include "crossdock/iam/arn.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

Result<ojson> IdentityJson(store::Store& store, const std::string& org_id) {
  ASSIGN_OR_RETURN(auto org, store.GetOrganization(org_id));
  ASSIGN_OR_RETURN(auto ids, store.ListExternalIds(org_id, false));
  ASSIGN_OR_RETURN(auto vendors, store.ListVendorIdentities());
  ASSIGN_OR_RETURN(auto active, ActiveExternalIds(store, org_id));
  ojson j;
  j["organization"] = {{"id", org.id}, {"name", org.name}, {"role_only", org.role_only}};
  ojson ext = ojson::array();
  bool rotating = false;
  for (const auto& r : ids) {
    if (r.state == store::ExternalIdState::kPrevious) rotating = true;
    ext.push_back({{"value", r.value},
                   {"state", store::ExternalIdStateName(r.state)},
                   {"created_at", FormatIso8601(r.created_at)}});
  }
  j["external_id"] = active.empty() ? "" : active.front();
  j["external_ids"] = ext;
  j["rotation_in_progress"] = rotating;
  ojson values = active.size() == 1 ? ojson(active.front()) : ojson(active);
  auto example = [&](const std::string& principal) {
    return ojson{
        {"Version", "2012-10-17"},
        {"Statement",
         ojson::array({{{"Effect", "Allow"},
                        {"Principal", {{"AWS", principal}}},
                        {"Action", "sts:AssumeRole"},
                        {"Condition", {{"StringEquals", {{"sts:ExternalId", values}}}}}}})}};
  };
  // "vendor" and "example_trust_policy" are the aws partition's (as before partitions);
  // "vendors" lists every partition's, each with its own principal.
  j["vendor"] = nullptr;
  j["example_trust_policy"] = nullptr;
  ojson list = ojson::array();
  for (const store::VendorIdentity& v : vendors) {
    std::string principal = VendorPrincipal(v);
    list.push_back({{"partition", v.partition},
                    {"account_id", v.account_id},
                    {"role_arn", v.role_arn},
                    {"principal", principal},
                    {"updated_at", FormatIso8601(v.updated_at)}});
    if (v.partition == "aws") {
      j["vendor"] = {
          {"account_id", v.account_id}, {"role_arn", v.role_arn}, {"principal", principal}};
      j["example_trust_policy"] = example(principal);
    }
  }
  j["vendors"] = list;
  return j;
}

ojson IdentitySchema() {
  return ojson::parse(R"({"type": "object", "properties": {
    "organization": {"type": "object", "properties": {"id": {"type": "string"},
      "name": {"type": "string"}, "role_only": {"type": "boolean"}}},
    "external_id": {"type": "string", "description": "the current External ID"},
    "external_ids": {"type": "array", "items": {"type": "object", "properties": {
      "value": {"type": "string"}, "state": {"type": "string", "enum": ["current", "previous"]},
      "created_at": {"type": "string", "format": "date-time"}}}},
    "rotation_in_progress": {"type": "boolean"},
    "vendor": {"type": "object", "nullable": true,
      "description": "the aws (commercial) partition's identity"},
    "vendors": {"type": "array", "description": "the vendor identity of every configured partition",
      "items": {"type": "object", "properties": {
        "partition": {"type": "string", "enum": ["aws", "aws-us-gov", "aws-cn"]},
        "account_id": {"type": "string"}, "role_arn": {"type": "string"},
        "principal": {"type": "string", "description": "what trust policies in that partition name"},
        "updated_at": {"type": "string", "format": "date-time"}}}},
    "example_trust_policy": {"type": "object", "nullable": true}}})");
}

}  // namespace

void AddIdentityRoutes(ServiceState& state, RouteTable& routes) {
  store::Store& store = *state.store;
  connect::ConnectionService& service = *state.connections;
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/identity",
            .operation_id = "getIdentity",
            .summary = "The vendor principal, the organization's External IDs and an example trust "
                       "policy",
            .tag = "identity",
            .response_schema = IdentitySchema(),
            .handler = [&store](RequestContext& ctx) {
              auto j = IdentityJson(store, ctx.org_id);
              return j.ok() ? JsonReply(*j) : FromError(j.error());
            }});
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/organization/external-id/rotate",
      .operation_id = "beginExternalIdRotation",
      .summary = "Issue a new External ID; the old one stays valid until the rotation is "
                 "confirmed (trust policies list both meanwhile)",
      .tag = "identity",
      .response_schema = IdentitySchema(),
      .error_statuses = {409},
      .handler = [&store, &service](RequestContext& ctx) {
        auto st = service.RotateExternalId(ctx.org_id);
        if (!st.ok()) {
          if (st.error().code() == ErrorCode::kFailedPrecondition) {
            return ErrorReply(409, "rotation_in_progress",
                              "an External ID rotation is already in progress; update the trust "
                              "policies to the new ID, then confirm it with POST "
                              "/v1/organization/external-id/confirm");
          }
          return FromError(st.error());
        }
        auto j = IdentityJson(store, ctx.org_id);
        return j.ok() ? JsonReply(*j) : FromError(j.error());
      }});
  routes.push_back(
      Route{.method = "POST",
            .path = "/v1/organization/external-id/confirm",
            .operation_id = "confirmExternalIdRotation",
            .summary = "Retire the previous External ID once every trust policy uses the new one",
            .tag = "identity",
            .response_schema = IdentitySchema(),
            .error_statuses = {409},
            .handler = [&store, &service](RequestContext& ctx) {
              auto st = service.ConfirmExternalIdRotation(ctx.org_id);
              if (!st.ok()) {
                if (st.error().code() == ErrorCode::kFailedPrecondition) {
                  return ErrorReply(409, "no_rotation",
                                    "no External ID rotation is in progress; start one with POST "
                                    "/v1/organization/external-id/rotate");
                }
                return FromError(st.error());
              }
              auto j = IdentityJson(store, ctx.org_id);
              return j.ok() ? JsonReply(*j) : FromError(j.error());
            }});
}

}  // namespace crossdock::server
