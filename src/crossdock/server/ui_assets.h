// The web UI's files (server/ui/*.html, *.js, *.css), compiled into the binary by a build
// step (server/ui/embed.cmake) so `crossdock serve` needs nothing on disk at run time.
//
// Lookup is by file name ("index.html", "app.js"); the content type follows the extension.
// It does not template or minify anything: the files are served byte for byte.
#pragma once

#include <span>
#include <string_view>

namespace crossdock::server {

struct UiAsset {
  std::string_view name;          // "app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

// Every embedded file (defined in the generated ui_assets.cc).
std::span<const UiAsset> UiAssets();

// The asset called `name`, or nullptr.
const UiAsset* FindUiAsset(std::string_view name);

}  // namespace crossdock::server
