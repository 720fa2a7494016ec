#!/usr/bin/env bash
# The release build: `crossdock` optimised (-O2, no debug information) into build-release/.
# scripts/run.sh builds with it; scripts/test.sh builds the test suite with these very flags
# (plus -Werror and every target, into build/), so that CI compiles exactly what the README's
# main command compiles. Arguments go to cmake; CROSSDOCK_TARGETS names the ninja targets
# (default: crossdock only, which is all run.sh needs).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-release}
read -r -a targets <<<"${CROSSDOCK_TARGETS:-crossdock}"
cmake -S "$root" -B "$build_dir" -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DCROSSDOCK_BENCH=OFF -DCROSSDOCK_WERROR=OFF "$@" >&2
ninja -C "$build_dir" "${targets[@]}" >&2
