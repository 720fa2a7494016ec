#include "crossdock/server/rotation_precheck.h"

#include "crossdock/connect/connection_credentials.h"
#include "crossdock/connect/service.h"
#include "crossdock/iam/connection_types.h"
#include "crossdock/server/reply.h"
#include "crossdock/server/service_state.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

Reply Precheck(store::Store& store, const PrecheckAccess& access, RequestContext& ctx) {
  auto ids = ActiveExternalIds(store, ctx.org_id);
  if (!ids.ok()) return FromError(ids.error());
  if (ids->empty()) {
    return ErrorReply(409, "failed_precondition", "the organization has no External ID");
  }
  connect::ConnectionService service(store);
  auto list = store::CollectPages<connect::Connection>([&](const store::PageRequest& page) {
    return service.ListConnections(ctx.org_id, {}, page);
  });
  if (!list.ok()) return FromError(list.error());
  connect::VendorAccess vendor;
  vendor.credentials = access.vendor_credentials;
  vendor.principal_arn = access.vendor_principal_arn;
  vendor.sts_endpoint = access.sts_endpoint;
  vendor.transport = access.transport;
  vendor.retry.max_attempts = 2;
  ojson rows = ojson::array();
  bool ready = true;
  for (const auto& listed : *list) {
    // Roles only: access keys and database logins (postgres) send no External ID.
    if (listed.auth_method != connect::AuthMethod::kIamRole || !iam::TypeInfo(listed.type).aws) {
      continue;
    }
    auto c = service.GetConnection(ctx.org_id, listed.id, /*with_secrets=*/true);
    if (!c.ok()) return FromError(c.error());
    ojson row = {{"id", c->id}, {"name", c->name}, {"role_arn", c->role_arn}};
    // The new ID alone: what AssumeRole will send once the previous ID is retired.
    auto provider = connect::ConnectionCredentials(*c, {ids->front()}, vendor);
    Result<aws::AwsCredentials> creds = provider.ok()
                                            ? (*provider)->GetCredentials()
                                            : Result<aws::AwsCredentials>(provider.error());
    row["accepts_new_id"] = creds.ok();
    if (!creds.ok()) {
      ready = false;
      row["message"] = creds.error().message();
    }
    rows.push_back(row);
  }
  return JsonReply(ojson{{"external_id", ids->front()},
                         {"rotation_in_progress", ids->size() > 1},
                         {"ready", ready},
                         {"connections", rows}});
}

}  // namespace

void AddRotationPrecheckRoute(store::Store& store, PrecheckAccess access, RouteTable& routes) {
  auto shared = std::make_shared<PrecheckAccess>(std::move(access));
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/organization/external-id/precheck",
      .operation_id = "precheckExternalIdRotation",
      .summary = "Before confirming a rotation: which IAM-role connections' roles already "
                 "accept the new External ID alone (one AssumeRole each; nothing changes)",
      .tag = "identity",
      .response_schema = ojson::parse(R"({"type": "object", "properties": {
        "external_id": {"type": "string"}, "rotation_in_progress": {"type": "boolean"},
        "ready": {"type": "boolean"},
        "connections": {"type": "array", "items": {"type": "object", "properties": {
          "id": {"type": "string"}, "name": {"type": "string"}, "role_arn": {"type": "string"},
          "accepts_new_id": {"type": "boolean"}, "message": {"type": "string"}}}}}})"),
      .error_statuses = {409},
      .outbound = true,
      .handler = [&store, shared](RequestContext& ctx) { return Precheck(store, *shared, ctx); }});
}

}  // namespace crossdock::server
