#!/usr/bin/env bash
# scripts/peers/stop-kinesis.sh [DIR] — stop the kinesalite that start-kinesis.sh started from
# DIR (default $CROSSDOCK_KINESIS_DIR). Signals only the saved PID, and only while it still
# runs kinesis/server.js.
set -euo pipefail
DIR="${1:-${CROSSDOCK_KINESIS_DIR:?pass DIR or set CROSSDOCK_KINESIS_DIR}}"
f="$DIR/kinesalite.pid"
[ -s "$f" ] || exit 0
pid="$(cat "$f")"
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kinesis/server.js"; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  echo "[kinesis] stopped kinesalite ($pid)" >&2
fi
rm -f "$f"
