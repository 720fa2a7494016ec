// API tokens of the caller's organization: list (hints only), issue (the token is shown once),
// revoke.
#include "crossdock/core/text.h"
#include "crossdock/core/time_format.h"
#include "crossdock/crypto/token_hash.h"
#include "crossdock/server/json_body.h"
#include "crossdock/server/paging.h"
#include "crossdock/server/routes.h"

namespace crossdock::server {
namespace {

using ojson = nlohmann::ordered_json;

ojson TokenJson(const store::ApiToken& t) {
  ojson j;
  j["id"] = t.id;
  j["name"] = t.name;
  j["hint"] = t.hint;
  j["created_at"] = FormatIso8601(t.created_at);
  j["last_used_at"] = t.last_used_at ? ojson(FormatIso8601(*t.last_used_at)) : ojson(nullptr);
  return j;
}

ojson TokenSchema() {
  return ojson::parse(R"({"type": "object", "properties": {"id": {"type": "string"},
    "name": {"type": "string"}, "hint": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"},
    "last_used_at": {"type": "string", "nullable": true},
    "token": {"type": "string", "description": "only in the answer to POST, shown once"}}})");
}

}  // namespace

void AddTokenRoutes(ServiceState& state, RouteTable& routes) {
  store::Store& store = *state.store;
  Authenticator* auth = state.auth;
  routes.push_back(
      Route{.method = "GET",
            .path = "/v1/tokens",
            .operation_id = "listTokens",
            .summary = "The organization's active API tokens by name, a page at a time (hints, "
                       "never the tokens)",
            .tag = "tokens",
            .query = PageParameters(),
            .response_schema = PagedListSchema("tokens", TokenSchema()),
            .error_statuses = {422},
            .handler = [&store](RequestContext& ctx) {
              auto page = PageFromQuery(ctx);
              if (!page.ok()) return FromError(page.error());
              auto tokens = store.ListApiTokens(ctx.org_id, *page);
              if (!tokens.ok()) return FromError(tokens.error());
              ojson list = ojson::array();
              for (const auto& t : tokens->items) list.push_back(TokenJson(t));
              ojson body = {{"tokens", list}, {"next_cursor", nullptr}};
              if (tokens->next_cursor) body["next_cursor"] = *tokens->next_cursor;
              return JsonReply(body);
            }});
  routes.push_back(Route{
      .method = "POST",
      .path = "/v1/tokens",
      .operation_id = "createToken",
      .summary = "Issue another API token for the organization; the token is in this answer "
                 "only",
      .tag = "tokens",
      .request_schema = ojson::parse(
          R"({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}})"),
      .response_schema = TokenSchema(),
      .success_status = 201,
      .error_statuses = {409, 422},
      .handler = [&store](RequestContext& ctx) {
        auto body = ParseJsonObject(ctx.body);
        if (!body.ok()) return BadRequest(body.error());
        Status known = RejectUnknownMembers(*body, {"name"});
        if (!known.ok()) return BadRequest(known.error());
        auto name = RequiredString(*body, "name");
        if (!name.ok()) return BadRequest(name.error());
        if (name->size() > 100) {
          return ErrorReply(422, "invalid_argument", "name must be at most 100 characters", "name");
        }
        if (Status printable = CheckDisplayName(*name, "name"); !printable.ok()) {
          return FromError(printable.error());
        }
        crypto::IssuedToken issued = crypto::IssueToken();
        store::ApiToken token;
        token.org_id = ctx.org_id;
        token.name = *name;
        token.token_hash = issued.hash;
        token.hint = issued.hint;
        auto stored = store.CreateApiToken(token);
        if (!stored.ok()) return FromError(stored.error());
        ojson j = TokenJson(*stored);
        j["token"] = issued.token;
        return JsonReply(j, 201);
      }});
  routes.push_back(Route{.method = "DELETE",
                         .path = "/v1/tokens/{id}",
                         .operation_id = "revokeToken",
                         .summary = "Revoke an API token of the organization",
                         .tag = "tokens",
                         .success_status = 204,
                         .error_statuses = {404},
                         .handler = [&store, auth](RequestContext& ctx) {
                           Status st = store.RevokeApiToken(ctx.org_id, ctx.Param("id"));
                           if (!st.ok()) return FromError(st.error());
                           if (auth) auth->Forget(ctx.Param("id"));
                           return NoContent();
                         }});
}

}  // namespace crossdock::server
