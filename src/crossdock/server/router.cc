#include "crossdock/server/router.h"

#include <algorithm>

namespace crossdock::server {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace

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
  auto p = Split(pattern);
  auto s = Split(path);
  if (p.size() != s.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      if (s[i].empty()) return false;
      found[std::string(p[i].substr(1, p[i].size() - 2))] = std::string(s[i]);
    } else if (p[i] != s[i]) {
      return false;
    }
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
