#!/usr/bin/env bash
# Load benchmark of `crossdock serve` (not a test): wrk with 64 connections for 30 s against
# GET /healthz, GET /v1/connections (10 connections stored, SQLite) and POST
# /v1/policies/simulate (a trust policy with an External ID condition), then /healthz's
# latency while 1,000 idle keep-alive and 64 trickling clients hold connections
# (bench/slow_clients.py). Prints wrk's report with latency percentiles; any non-2xx answer
# is reported by wrk as "Non-2xx or 3xx responses".
#
# usage: bench/server_load.sh [CROSSDOCK_BINARY]     (default: build/crossdock)
# knobs: DURATION (30s), CONNECTIONS (64), WRK_THREADS (2), SERVER_THREADS (serve's default:
# two per core)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-build/crossdock}
duration=${DURATION:-30s}
conns=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
threads_flag=()
[ -n "${SERVER_THREADS:-}" ] && threads_flag=(--threads "$SERVER_THREADS")
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

dir=$(mktemp -d)
"$bin" serve --port 0 --data-dir "$dir/data" --vendor-account-id 123456789012 \
  "${threads_flag[@]}" >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do
  port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$dir/err" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "${port:-}" ] || { echo "crossdock serve did not start:" >&2; cat "$dir/err" >&2; exit 1; }
token=$(grep -o 'cdx_[A-Za-z0-9_-]*' "$dir/out" | head -1)
base=http://127.0.0.1:$port
for i in $(seq 1 10); do
  curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"type\":\"s3\",\"name\":\"bench-$i\",\"role_arn\":\"arn:aws:iam::111122223333:role/r$i\",\"region\":\"us-east-1\",\"bucket\":\"bench-bucket-$i/exports\"}" \
    "$base/v1/connections"
done

echo "== GET /healthz ($conns connections, $duration)"
wrk -t"$wrk_threads" -c"$conns" -d"$duration" --latency "$base/healthz"
echo
echo "== GET /v1/connections ($conns connections, $duration)"
wrk -t"$wrk_threads" -c"$conns" -d"$duration" --latency \
  -H "Authorization: Bearer $token" "$base/v1/connections"
echo
echo "== POST /v1/policies/simulate ($conns connections, $duration)"
TOKEN=$token wrk -t"$wrk_threads" -c"$conns" -d"$duration" --latency \
  -s "$here/server_simulate.lua" "$base/v1/policies/simulate"
echo
echo "== GET /healthz under slow clients"
python3 "$here/slow_clients.py" "$port" 1000 64 200
