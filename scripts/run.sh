#!/usr/bin/env bash
# The main job: installs every Debian package, builds crossdock in release mode and runs it.
# With no arguments it starts `crossdock serve` (SQLite under ~/.crossdock); arguments are
# passed to the crossdock binary instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build-release.sh"
bin="$root/build-release/crossdock"
if [ "$#" -gt 0 ]; then exec "$bin" "$@"; fi
exec "$bin" serve
