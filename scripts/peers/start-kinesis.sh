#!/usr/bin/env bash
# scripts/peers/start-kinesis.sh [DIR] — start kinesalite (Kinesis Data Streams, from npm,
# pinned in scripts/peers/kinesis/package-lock.json) on 127.0.0.1 for the Kinesis tests.
#
#   eval "$(scripts/peers/start-kinesis.sh)"; scripts/peers/stop-kinesis.sh [DIR]
#
# DIR defaults to $CROSSDOCK_PEERS_DIR/kinesis (or a temporary folder's). Port:
# CROSSDOCK_KINESIS_PORT (default 4567). Only `export ...` lines go to stdout. Idempotent: a
# kinesalite already running from DIR is kept. Clients reach it with any SigV4 credentials;
# the tests use those the External ID front's STS hands out for the customer's role.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[kinesis] $*" >&2; }

DIR="${1:-${CROSSDOCK_PEERS_DIR:-${TMPDIR:-/tmp}/crossdock-peers}/kinesis}"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
PORT="${CROSSDOCK_KINESIS_PORT:-4567}"
mkdir -p "$DIR"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "node and npm are needed (Debian: apt-get install nodejs npm)"
  exit 1
fi
if [ ! -d "$HERE/kinesis/node_modules/kinesalite" ]; then
  log "npm ci (kinesalite)"
  (cd "$HERE/kinesis" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

running() {
  local f="$DIR/kinesalite.pid" pid
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kinesis/server.js"
}

if ! running; then
  log "starting kinesalite on 127.0.0.1:$PORT"
  nohup node "$HERE/kinesis/server.js" "$PORT" >"$DIR/kinesalite.log" 2>&1 &
  echo $! >"$DIR/kinesalite.pid"
fi
for _ in $(seq 1 100); do
  if curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/" \
    -H 'X-Amz-Target: Kinesis_20131202.ListStreams' -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=PROBE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0' \
    -H 'X-Amz-Date: 20260101T000000Z' -d '{}'; then
    echo "export CROSSDOCK_KINESIS_ENDPOINT=http://127.0.0.1:$PORT"
    echo "export CROSSDOCK_KINESIS_DIR=$DIR"
    exit 0
  fi
  sleep 0.1
done
log "kinesalite did not answer on port $PORT; see $DIR/kinesalite.log"
exit 1
