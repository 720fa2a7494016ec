#!/usr/bin/env bash
# Installs every Debian package crossdock needs to build, test and benchmark.
# Idempotent; safe to run as root on a fresh Debian 12 machine.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config clang-format clang python3-psycopg2
  libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev
  nlohmann-json3-dev libpugixml-dev libcpp-httplib-dev libcli11-dev
  libfmt-dev libspdlog-dev libsodium-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-botocore python3-boto3 awscli curl
  postgresql postgresql-client
  ceph-mon ceph-osd radosgw ceph-common
)
PKGS+=(chromium nodejs wrk); command -v npm >/dev/null 2>&1 || PKGS+=(npm)  # UI tests (tests/ui), bench/server_load.sh
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[install-deps] installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
