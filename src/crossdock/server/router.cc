#include "crossdock/server/router.h"

#include <algorithm>

namespace crossdock::server {

const std::string& RequestContext::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = path_params.find(name);
  return it == path_params.end() ? kEmpty : it->second;
}

std::string RequestContext::Query(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

Router::Router(RouteTable routes) : routes_(std::move(routes)) {}

bool Router::MatchTemplate(std::string_view pattern, std::string_view path,
                           std::map<std::string, std::string>* params) {
  // Segment by segment, in step (every route is tried for every request: no allocation
  // until a placeholder matches).
  std::map<std::string, std::string> found;
  size_t pi = 0;
  size_t si = 0;
  while (true) {
    size_t pe = std::min(pattern.find('/', pi), pattern.size());
    size_t se = std::min(path.find('/', si), path.size());
    std::string_view p = pattern.substr(pi, pe - pi);
    std::string_view seg = path.substr(si, se - si);
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (seg.empty()) return false;
      found[std::string(p.substr(1, p.size() - 2))] = std::string(seg);
    } else if (p != seg) {
      return false;
    }
    bool pattern_done = pe == pattern.size();
    bool path_done = se == path.size();
    if (pattern_done || path_done) {
      if (pattern_done != path_done) return false;
      break;
    }
    pi = pe + 1;
    si = se + 1;
  }
  if (params) *params = std::move(found);
  return true;
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch match;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchTemplate(r.path, path, &params)) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      if (!match.route) {
        match.route = &r;
        match.params = std::move(params);
      }
    } else if (std::find(match.allowed_methods.begin(), match.allowed_methods.end(), r.method) ==
               match.allowed_methods.end()) {
      match.allowed_methods.push_back(r.method);
    }
  }
  return match;
}

}  // namespace crossdock::server
