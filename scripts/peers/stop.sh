#!/usr/bin/env bash
# scripts/peers/stop.sh [--wipe] [DATA_DIR] — stop the test peers that start.sh started in
# DATA_DIR (default /tmp/crossdock-peers), signalling only the PIDs saved in DATA_DIR/pids
# and only while they still run the command start.sh gave them. --wipe deletes DATA_DIR.
# (--only "NAMES" limits it to some of: fault front rgw osd mon pg; used by start.sh.)
set -euo pipefail
log() { echo "[peers] $*" >&2; }

wipe=0
only="fault front rgw osd mon pg"
while [ $# -gt 0 ]; do
  case "$1" in
    --wipe) wipe=1; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
DATA="${1:-${CROSSDOCK_PEERS_DIR:-/tmp/crossdock-peers}}"
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac
PIDS="$DATA/pids"

# pattern each saved PID's command line must contain
pattern() {
  case "$1" in
    fault) echo "fault_proxy.py" ;;
    front) echo "sts_front.py" ;;
    rgw|osd|mon) echo "$DATA/rgw/ceph.conf" ;;
    pg) echo "$DATA/pg" ;;
  esac
}

stop_one() {
  local name="$1" f="$PIDS/$1.pid" pid pat
  [ -s "$f" ] || return 0
  pid="$(cat "$f")"
  pat="$(pattern "$name")"
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] \
     && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pat"; then
    if [ "$name" = pg ]; then
      local as=()
      [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
      "${as[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$DATA/pg" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || kill -TERM "$pid" 2>/dev/null || true
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

if [ -d "$PIDS" ]; then
  for n in fault front rgw osd mon pg; do # reverse start order
    case " $only " in *" $n "*) stop_one "$n" ;; esac
  done
fi
case " $only " in *" rgw "*) rm -f "$DATA/rgw/ready" ;; esac

if [ "$wipe" = 1 ] && [ -d "$DATA" ]; then
  # only a directory that start.sh made
  if [ "$DATA" = / ] || { [ ! -d "$DATA/pids" ] && [ ! -d "$DATA/rgw" ]; }; then
    log "refusing to wipe $DATA: not a peers data directory"; exit 1
  fi
  rm -rf "$DATA"
  log "wiped $DATA"
fi
