#!/usr/bin/env bash
# Configures and builds crossdock with CMake + Ninja into BUILD_DIR (default build/).
# Extra arguments go to cmake (e.g. -DCROSSDOCK_SANITIZE=ON). Uses Debian's python3 so
# that tests find python3-botocore whatever python3 comes first on PATH.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 "$@" >&2
ninja -C "$build_dir" >&2
