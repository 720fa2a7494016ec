#include "crossdock/server/reply.h"

namespace crossdock::server {

Reply JsonReply(const nlohmann::ordered_json& body, int status) {
  Reply r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Reply JsonReply(const nlohmann::json& body, int status) {
  Reply r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Reply TextReply(std::string body, std::string content_type, int status) {
  Reply r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Reply NoContent() {
  Reply r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Reply ErrorReply(int status, std::string_view code, std::string_view message,
                 std::string_view field) {
  nlohmann::ordered_json error;
  error["code"] = code;
  error["message"] = message;
  error["field"] = field.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(field);
  nlohmann::ordered_json body;
  body["error"] = std::move(error);
  return JsonReply(body, status);
}

Reply BadRequest(const Error& error) {
  return ErrorReply(400, "invalid_request", error.message(), error.field());
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 422;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kAccessDenied:
      return 403;
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kExpiredToken:
      return 401;
    case ErrorCode::kThrottled:
      return 429;
    case ErrorCode::kUnavailable:
    case ErrorCode::kTransport:
    case ErrorCode::kTimeout:
      return 503;
    default:
      return 500;
  }
}

Reply FromError(const Error& error) {
  int status = HttpStatusFor(error.code());
  // Internal errors may describe implementation details; keep the message, it names no
  // secret, but mark the code generically.
  return ErrorReply(status, ErrorCodeName(error.code()), error.message(), error.field());
}

}  // namespace crossdock::server
