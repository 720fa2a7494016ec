#include "crossdock/server/instance_admin.h"

#include <fmt/format.h>

#include "crossdock/connect/service.h"
#include "crossdock/core/text.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/token_hash.h"
#include "crossdock/server/json_body.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::string_view kScope = "instance";
constexpr std::string_view kHashSetting = "admin_token_hash";

Error NeedsAdmin() {
  return Error(ErrorCode::kUnauthenticated,
               "this route needs the instance-admin token (printed when crossdock serve first "
               "started; crossdock org rotate-admin-token issues a new one), sent as "
               "\"Authorization: Bearer cdx_...\"",
               "Authorization");
}

Reply CreateOrganization(store::Store& store, RequestContext& ctx) {
  auto body = ParseJsonObject(ctx.body);
  if (!body.ok()) return BadRequest(body.error());
  Status known = RejectUnknownMembers(*body, {"name", "role_only"});
  if (!known.ok()) return BadRequest(known.error());
  auto name = RequiredString(*body, "name");
  if (!name.ok()) return BadRequest(name.error());
  Status printable = CheckDisplayName(*name, "name");
  if (!printable.ok()) return FromError(printable.error());
  auto role_only = OptionalBool(*body, "role_only");
  if (!role_only.ok()) return BadRequest(role_only.error());
  connect::ConnectionService service(store);
  auto org = service.CreateOrganization(*name, role_only->value_or(false));
  if (!org.ok()) return FromError(org.error());
  // The organization's first token, returned this once (the store keeps its hash).
  auto token = service.IssueApiToken(org->id, "admin");
  if (!token.ok()) return FromError(token.error());
  auto ids = service.GetExternalIds(org->id);
  if (!ids.ok()) return FromError(ids.error());
  ojson out = {{"organization",
                {{"id", org->id},
                 {"name", org->name},
                 {"role_only", org->role_only},
                 {"external_id", ids->current},
                 {"created_at", FormatIso8601(org->created_at)}}},
               {"token", {{"id", token->record.id}, {"name", "admin"}, {"token", token->token}}}};
  return JsonReply(out, 201);  // Cache-Control: no-store, as every API answer
}

}  // namespace

Result<std::string> RotateInstanceAdminToken(store::Store& store) {
  crypto::IssuedToken issued = crypto::IssueToken();
  RETURN_IF_ERROR(store.PutSetting(kScope, kHashSetting, issued.hash));
  return issued.token;
}

Result<std::optional<std::string>> EnsureInstanceAdminToken(store::Store& store) {
  ASSIGN_OR_RETURN(auto stored, store.GetSetting(kScope, kHashSetting));
  if (stored && !stored->empty()) return std::optional<std::string>();
  // Nodes starting at once on one database: only the one whose hash is stored prints a token.
  crypto::IssuedToken issued = crypto::IssueToken();
  ASSIGN_OR_RETURN(bool mine, store.PutSettingIfAbsent(kScope, kHashSetting, issued.hash));
  if (!mine) return std::optional<std::string>();
  return std::optional<std::string>(std::move(issued.token));
}

Status CheckInstanceAdmin(store::Store& store, std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (!authorization.starts_with(kScheme)) return NeedsAdmin();
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (!token.starts_with("cdx_") || token.size() > 256) return NeedsAdmin();
  ASSIGN_OR_RETURN(auto stored, store.GetSetting(kScope, kHashSetting));
  if (!stored || stored->empty() || !crypto::VerifyToken(token, *stored)) return NeedsAdmin();
  return OkStatus();
}

void AddAdminRoutes(store::Store& store, RouteTable& routes) {
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/admin/organizations",
      .operation_id = "adminCreateOrganization",
      .summary = "Instance admin only: create an organization and its first admin API token "
                 "(returned once; not cacheable)",
      .tag = "admin",
      .access = Access::kInstanceAdmin,
      .request_schema = ojson::parse(R"({"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "description": "unique; letters, digits, '-', '_', '.'"},
        "role_only": {"type": "boolean", "default": false,
          "description": "refuse access-key connections"}}})"),
      .response_schema = ojson::parse(R"({"type": "object", "properties": {
        "organization": {"type": "object", "properties": {"id": {"type": "string"},
          "name": {"type": "string"}, "role_only": {"type": "boolean"},
          "external_id": {"type": "string"}, "created_at": {"type": "string"}}},
        "token": {"type": "object", "properties": {"id": {"type": "string"},
          "name": {"type": "string"}, "token": {"type": "string",
          "description": "the organization's first token; shown this once"}}}}})"),
      .success_status = 201,
      .error_statuses = {403, 409, 422},
      .handler = [&store](RequestContext& ctx) { return CreateOrganization(store, ctx); }});
}

}  // namespace crossdock::server
