#!/usr/bin/env bash
# scripts/peers/stop-warehouses.sh [--wipe] [DIR] — stop the warehouse fakes that
# start-warehouses.sh started from DIR (default $CROSSDOCK_PEERS_DIR/warehouses). Signals
# only the saved PIDs, and only while they still run the command started; --wipe then
# deletes DIR (the Databricks token, External ID and catalog registry).
set -euo pipefail
WIPE=0
if [ "${1:-}" = "--wipe" ]; then WIPE=1; shift; fi
DIR="${1:-${CROSSDOCK_PEERS_DIR:?pass DIR or set CROSSDOCK_PEERS_DIR}/warehouses}"
for pair in redshift:redshift_fake.py databricks:databricks_fake.py; do
  name="${pair%%:*}" pattern="${pair#*:}" f="$DIR/pids/${pair%%:*}.pid"
  [ -s "$f" ] || continue
  pid="$(cat "$f")"
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    [ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null || true
    echo "[warehouses] stopped $name ($pid)" >&2
  fi
  rm -f "$f"
done
if [ "$WIPE" = 1 ]; then rm -rf "$DIR"; fi
