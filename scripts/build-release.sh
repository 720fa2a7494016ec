#!/usr/bin/env bash
# The user's build: `crossdock` in release mode (-O3, the compiler's warnings stay warnings)
# into build-release/. scripts/run.sh builds with it and scripts/test.sh runs it too, so that
# CI builds exactly what the README's main command builds. Extra arguments are ninja targets
# (default: crossdock only, which is all run.sh needs).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-release}
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(crossdock)
cmake -S "$root" -B "$build_dir" -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 \
  -DCMAKE_BUILD_TYPE=Release -DCROSSDOCK_BENCH=OFF -DCROSSDOCK_WERROR=OFF >&2
ninja -C "$build_dir" "${targets[@]}" >&2
