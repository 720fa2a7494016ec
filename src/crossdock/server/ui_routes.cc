// The web UI: "/" is the single page, "/ui/{file}" its scripts and styles.
#include "crossdock/server/routes.h"
#include "crossdock/server/ui_assets.h"

namespace crossdock::server {
namespace {

Reply Serve(std::string_view name) {
  const UiAsset* asset = FindUiAsset(name);
  if (!asset) {
    return ErrorReply(404, "not_found", "no such file in the web UI: " + std::string(name));
  }
  Reply r = TextReply(std::string(asset->body), std::string(asset->content_type));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                         "frame-ancestors 'none'");
  return r;
}

}  // namespace

const UiAsset* FindUiAsset(std::string_view name) {
  for (const UiAsset& a : UiAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

void AddUiRoutes(RouteTable& routes) {
  routes.push_back(Route{.method = "GET",
                         .path = "/",
                         .operation_id = "webUi",
                         .summary = "The web UI (HTML)",
                         .tag = "ui",
                         .access = Access::kPublic,
                         .response_content_type = "text/html",
                         .handler = [](RequestContext&) { return Serve("index.html"); }});
  routes.push_back(Route{.method = "GET",
                         .path = "/ui/{file}",
                         .operation_id = "webUiAsset",
                         .summary = "A script or style sheet of the web UI",
                         .tag = "ui",
                         .access = Access::kPublic,
                         .response_content_type = "text/plain",
                         .error_statuses = {404},
                         .handler = [](RequestContext& ctx) { return Serve(ctx.Param("file")); }});
}

}  // namespace crossdock::server
