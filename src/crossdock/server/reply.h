// What a route handler answers, and the one error shape every route uses:
// `{"error": {"code", "message", "field"}}`.
//
// A Reply is a status, a content type, a body and extra headers. Error replies are built
// either directly (BadRequest for bodies that are not the JSON the route expects, 400) or from
// a module's Error (FromError maps ErrorCode to the HTTP status: invalid input 422, not found
// 404, conflicts 409, access denied 403, unauthenticated 401, unavailable 503, the rest 500).
// Messages come from the modules and name the field and the fix; they never carry secrets
// because no module puts secrets into errors. It does not log: the server's access log does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crossdock/core/result.h"

namespace crossdock::server {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  bool ok() const { return status < 400; }
};

// 200 (or `status`) with `body` serialized.
Reply JsonReply(const nlohmann::ordered_json& body, int status = 200);
Reply JsonReply(const nlohmann::json& body, int status = 200);
Reply TextReply(std::string body, std::string content_type, int status = 200);
// 204 No Content.
Reply NoContent();

// {"error": {"code": code, "message": message, "field": field or null}}.
Reply ErrorReply(int status, std::string_view code, std::string_view message,
                 std::string_view field = {});

// 400 "invalid_request": the body or a parameter is not what the route accepts (malformed
// JSON, a wrong type, a missing required member). Keeps the error's field.
Reply BadRequest(const Error& error);

// Maps a module's Error to its HTTP status and code (see the header comment).
Reply FromError(const Error& error);
int HttpStatusFor(ErrorCode code);

}  // namespace crossdock::server
