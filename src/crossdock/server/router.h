// Matching a request's method and path against the route table.
//
// Templates are compared segment by segment: literal segments exactly, "{name}" segments
// against any one non-empty segment (captured as a path parameter). When the path matches a
// route only under another method the result says so, so the server can answer 405 with an
// Allow header instead of 404. Routes are tried in table order; the first match wins. The
// router is immutable after construction and safe to share between threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crossdock/server/route.h"

namespace crossdock::server {

struct RouteMatch {
  const Route* route = nullptr;  // null when nothing matched the method and path
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;  // for a path that matched under other methods
};

class Router {
 public:
  explicit Router(RouteTable routes);

  RouteMatch Match(std::string_view method, std::string_view path) const;
  const RouteTable& routes() const { return routes_; }

  // True when `path` fits template `pattern`; fills `params` when not null.
  static bool MatchTemplate(std::string_view pattern, std::string_view path,
                            std::map<std::string, std::string>* params);

 private:
  RouteTable routes_;
};

}  // namespace crossdock::server
