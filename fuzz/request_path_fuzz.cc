// Fuzzes the server's request path without a network: the router (method and path against a
// route table shaped like the real one, with path parameters) and the JSON body reader
// (nesting check, object parse, unknown members, typed optional members). The input's first
// line is "METHOD PATH", the rest the body. A matched route's parameters must be non-empty
// and contain no '/'; a body that parses must be an object within the nesting limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crossdock/server/json_body.h"
#include "crossdock/server/router.h"

namespace {

using crossdock::server::Route;
using crossdock::server::Router;

const Router& Routes() {
  static const Router* router = [] {
    crossdock::server::RouteTable t;
    auto add = [&t](const char* method, const char* path) {
      Route r;
      r.method = method;
      r.path = path;
      r.handler = [](crossdock::server::RequestContext&) { return crossdock::server::Reply{}; };
      t.push_back(std::move(r));
    };
    add("GET", "/healthz");
    add("GET", "/v1/connections");
    add("POST", "/v1/connections");
    add("GET", "/v1/connections/{id}");
    add("PATCH", "/v1/connections/{id}");
    add("DELETE", "/v1/connections/{id}");
    add("POST", "/v1/connections/{id}/test");
    add("GET", "/v1/connections/{id}/policies");
    add("POST", "/v1/syncs/{id}/runs");
    add("GET", "/v1/syncs/{id}/runs/{run}");
    add("POST", "/v1/admin/organizations");
    add("GET", "/ui/{path}");
    return new Router(std::move(t));
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t eol = text.find('\n');
  std::string_view line = text.substr(0, eol);
  std::string_view body = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
  size_t space = line.find(' ');
  std::string_view method = line.substr(0, space);
  std::string_view path = space == std::string_view::npos ? line : line.substr(space + 1);
  auto match = Routes().Match(method, path);
  if (match.route != nullptr) {
    for (const auto& [name, value] : match.params) {
      if (value.empty() || value.find('/') != std::string::npos) abort();
    }
  }
  namespace s = crossdock::server;
  auto object = s::ParseJsonObject(body);
  if (object.ok()) {
    if (!object->is_object()) abort();
    if (!s::CheckJsonNesting(body).ok()) abort();
    (void)s::RejectUnknownMembers(*object, {"name", "type", "postgres", "source"});
    (void)s::OptionalString(*object, "name");
    (void)s::OptionalBool(*object, "role_only");
    (void)s::OptionalInteger(*object, "port", "postgres");
    (void)s::OptionalObject(*object, "source");
    (void)s::RequiredString(*object, "type");
  }
  return 0;
}
