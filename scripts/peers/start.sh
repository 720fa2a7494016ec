#!/usr/bin/env bash
# scripts/peers/start.sh [DATA_DIR] — start crossdock's real test peers on 127.0.0.1:
#   * Ceph RADOS Gateway (S3 + STS + IAM with trust/permission policy enforcement):
#     1 monitor, 1 memstore OSD, 1 radosgw, no cephx (Debian 12, Ceph 16.2)
#   * the External ID STS front (sts_front.py), a transparent proxy in front of RGW
#     that enforces sts:ExternalId trust-policy conditions as AWS does
#   * the fault-injecting proxy (fault_proxy.py) in front of the front
#   * a private PostgreSQL 15 cluster
#
#   eval "$(scripts/peers/start.sh [DATA_DIR])"     start and import the variables
#   scripts/peers/stop.sh [--wipe] [DATA_DIR]        stop what this started
#
# Only `export ...` lines go to stdout; progress goes to stderr. Idempotent: components
# already running in DATA_DIR are kept, missing ones are (re)started. Missing Debian
# packages are installed with apt-get (as root). See scripts/peers/README.md.
#
# Knobs (environment): CROSSDOCK_PEERS_DIR (default DATA_DIR, /tmp/crossdock-peers),
# RGW_PORT (7480), RGW_MON_PORT (40000; msgr1 uses +1), CROSSDOCK_FRONT_PORT (7481),
# CROSSDOCK_FAULT_PORT (7482), CROSSDOCK_FAULT_CONTROL_PORT (7483), CROSSDOCK_PG_PORT
# (55432), RGW_REGION (us-east-1), RGW_OSD_STORE (memstore | bluestore), RGW_STORE_BYTES
# (4 GiB), CROSSDOCK_PEERS_NO_PG=1 (skip PostgreSQL).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3
log() { echo "[peers] $*" >&2; }

DATA="${1:-${CROSSDOCK_PEERS_DIR:-/tmp/crossdock-peers}}"
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac
RGW_PORT="${RGW_PORT:-7480}"
MON_PORT="${RGW_MON_PORT:-40000}"
MON_PORT1=$((MON_PORT + 1))
FRONT_PORT="${CROSSDOCK_FRONT_PORT:-7481}"
FAULT_PORT="${CROSSDOCK_FAULT_PORT:-7482}"
CONTROL_PORT="${CROSSDOCK_FAULT_CONTROL_PORT:-7483}"
PG_PORT="${CROSSDOCK_PG_PORT:-55432}"
NO_PG="${CROSSDOCK_PEERS_NO_PG:-0}"
STORE="${RGW_OSD_STORE:-memstore}"
STORE_BYTES="${RGW_STORE_BYTES:-4294967296}"
REGION="${RGW_REGION:-us-east-1}"
# SSE-KMS: RGW's "testing" KMS backend holds this one key in its configuration (no KMS
# server); requests name it by this ARN in x-amz-server-side-encryption-aws-kms-key-id.
KMS_KEY_ARN="arn:aws:kms:$REGION:111122223333:key/crossdock-test-key"
KMS_KEY_B64=Y3Jvc3Nkb2NrLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc= # 32 bytes, AES-256
RGW_EP="http://127.0.0.1:${RGW_PORT}"
FRONT_EP="http://127.0.0.1:${FRONT_PORT}"
FAULT_EP="http://127.0.0.1:${FAULT_PORT}"
CONTROL_EP="http://127.0.0.1:${CONTROL_PORT}"
CEPH_DIR="$DATA/rgw"
CONF="$CEPH_DIR/ceph.conf"
PIDS="$DATA/pids"

# Fixed, test-only identities (RGW tenants named like AWS account ids).
CUSTOMER_ACCT=111122223333
VENDOR_ACCT=444455556666
INTRUDER_ACCT=777788889999
CUSTOMER_AK=CUSTOMERACCESSKEY001 CUSTOMER_SK=customerSecretKey0000000000000000000001
VENDOR_AK=VENDORACCESSKEY00001 VENDOR_SK=vendorSecretKey000000000000000000000001
INTRUDER_AK=INTRUDERACCESSKEY001 INTRUDER_SK=intruderSecretKey0000000000000000000001
BUCKET=customer-bucket
PREFIX=sync
EXTERNAL_ID=ext-id-1234567890
STS_KEY=abcdefghijklmnop # rgw_sts_key: exactly 16 bytes (AES-128)

T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

# ------------------------------------------------------------------------- packages
need=()
pkgs=(ceph-mon ceph-osd radosgw ceph-common curl python3-boto3 python3-botocore)
[ "$NO_PG" = 1 ] || pkgs+=(postgresql postgresql-client)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" != 0 ]; then log "not root: install them first (apt-get install ${need[*]})"; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >&2
  log "packages installed [$(elapsed)s]"
fi

mkdir -p "$DATA" "$PIDS" "$DATA/log"
chmod 755 "$DATA"

# -------------------------------------------------------------------------- helpers
# alive NAME PATTERN: the saved PID runs and its command line contains PATTERN
alive() {
  local f="$PIDS/$1.pid" pid
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # URL seconds
  for _ in $(seq 1 $(($2 * 10))); do
    curl -s -o /dev/null --max-time 2 "$1" && return 0
    sleep 0.1
  done
  return 1
}

STARTED=()
cleanup_on_failure() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    log "FAILED (rc=$rc); logs in $DATA/log and $CEPH_DIR/log"
    if [ -n "${PG_JOB:-}" ]; then wait "$PG_JOB" 2>/dev/null || true; fi # then stop it too
    if [ "${#STARTED[@]}" -gt 0 ]; then "$HERE/stop.sh" --only "${STARTED[*]}" "$DATA" || true; fi
  fi
}
trap cleanup_on_failure EXIT

# ---------------------------------------------------------------------- PostgreSQL
# Runs in the background while Ceph starts (it is independent of it).
PG_DIR="$DATA/pg"
PG_SOCK="$DATA/pgsock"
PG_BIN=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_alive() { alive pg "$PG_DIR"; }
pg_start() {
  if pg_alive; then log "postgresql already running"; return 0; fi
  if port_busy "$PG_PORT"; then log "port $PG_PORT is already in use"; return 1; fi
  if [ ! -s "$PG_DIR/PG_VERSION" ] || [ ! -s "$DATA/pg-password" ]; then
    rm -rf "$PG_DIR" "$PG_SOCK" "$DATA/pg-provisioned"
    mkdir -p "$PG_DIR" "$PG_SOCK"
    head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DATA/pg-password"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR" "$PG_SOCK" "$DATA/pg-password"
    chmod 700 "$PG_DIR"
    chmod 600 "$DATA/pg-password"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$DATA/log/pg-initdb.log" 2>&1 \
      || { cat "$DATA/log/pg-initdb.log" >&2; return 1; }
    # demo_reader (no password, read-only grants given by the demo's seeding) is what the
    # demo's tenant syncs log in as: syncs created over the API carry no password.
    { echo "host all demo_reader 127.0.0.1/32 trust"; cat "$PG_DIR/pg_hba.conf"; } \
      >"$PG_DIR/pg_hba.conf.new" && mv "$PG_DIR/pg_hba.conf.new" "$PG_DIR/pg_hba.conf"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR/pg_hba.conf"
    cat >>"$PG_DIR/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  mkdir -p "$PG_SOCK"
  touch "$DATA/log/postgresql.log"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_SOCK" "$DATA/log/postgresql.log"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$DATA/log/postgresql.log" -w -t 60 start >/dev/null
  head -1 "$PG_DIR/postmaster.pid" >"$PIDS/pg.pid"
  if [ ! -f "$DATA/pg-provisioned" ]; then
    local pw
    pw="$(cat "$DATA/pg-password")"
    as_pg "$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -qAt \
      -v ON_ERROR_STOP=1 >/dev/null <<EOF
SELECT 'CREATE ROLE crossdock' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crossdock')\\gexec
ALTER ROLE crossdock LOGIN CREATEDB PASSWORD '$pw';
SELECT 'CREATE ROLE demo_reader LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'demo_reader')\\gexec
SELECT 'CREATE DATABASE crossdock OWNER crossdock'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'crossdock')\\gexec
EOF
    touch "$DATA/pg-provisioned"
  fi
  log "postgresql up on 127.0.0.1:$PG_PORT [$(elapsed)s]"
}

PG_JOB=
if [ "$NO_PG" != 1 ]; then
  if pg_alive; then
    log "postgresql already running"
  else
    STARTED+=(pg)
    pg_start >"$DATA/log/pg-start.log" 2>&1 &
    PG_JOB=$!
  fi
fi

# ------------------------------------------------------------------------ Ceph RGW
rgw_up() { curl -s -o /dev/null --max-time 2 "$RGW_EP/"; }
ceph_ready() {
  [ -f "$CEPH_DIR/ready" ] && alive mon "$CONF" && alive osd "$CONF" && alive rgw "$CONF" && rgw_up
}

start_ceph() {
  mkdir -p "$CEPH_DIR"/{mon,osd,run,log,crash}
  local port
  for port in "$RGW_PORT" "$MON_PORT" "$MON_PORT1"; do
    if port_busy "$port"; then log "port $port on 127.0.0.1 is already in use"; return 1; fi
  done
  local fsid
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:${MON_PORT},v1:127.0.0.1:${MON_PORT1}]
public addr = 127.0.0.1
ms bind ipv4 = true
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
keyring = $CEPH_DIR/keyring
run dir = $CEPH_DIR/run
log file = $CEPH_DIR/log/\$name.log
pid file = $CEPH_DIR/run/\$name.pid
crash dir = $CEPH_DIR/crash
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 1
osd pool default pgp num = 1
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd crush chooseleaf type = 0
# commit monitor map changes (pool creations) quickly: about twice as fast a start
paxos propose interval = 0.01
paxos min wait = 0.001

[client]
# radosgw and radosgw-admin default to cephx and a "secure" mon connection, which
# with auth=none retries forever ("get_initial_auth_request returned -13")
auth client required = none
ms mon client mode = crc

[mon]
admin socket = $CEPH_DIR/run/\$name.asok
mon data = $CEPH_DIR/mon/\$name

[osd]
admin socket = $CEPH_DIR/run/\$name.asok
osd data = $CEPH_DIR/osd/\$name
osd objectstore = $STORE
memstore device bytes = $STORE_BYTES
bluestore block path = $CEPH_DIR/osd/\$name/block.file
bluestore block create = true
bluestore block size = $STORE_BYTES
bluestore fsck on mount = false
bluestore cache size = 134217728
osd memory target = 939524096
osd op num shards = 2
osd op num threads per shard = 1

[client.rgw.local]
admin socket = $CEPH_DIR/run/\$name.asok
rgw frontends = beast endpoint=127.0.0.1:${RGW_PORT}
rgw thread pool size = 64
rgw enable apis = s3, s3website, admin, sts, iam
rgw s3 auth use sts = true
rgw sts key = $STS_KEY
rgw data log backing = omap
# reclaim overwritten/deleted tails after ~30 s instead of 2 h (memstore keeps them in RAM)
rgw gc obj min wait = 30
rgw gc processor period = 30
# SSE-KMS over plain http with the testing backend's one key (KMS_KEY_ARN)
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = $KMS_KEY_ARN=$KMS_KEY_B64
rgw crypt require ssl = false
EOF

  log "ceph mon: mkfs + start [$(elapsed)s]"
  ceph-authtool --create-keyring "$CEPH_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" \
    --addv a "[v2:127.0.0.1:${MON_PORT},v1:127.0.0.1:${MON_PORT1}]" "$CEPH_DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" --keyring "$CEPH_DIR/keyring"
  ceph-mon -c "$CONF" -i a </dev/null # daemonizes
  for _ in $(seq 1 100); do [ -s "$CEPH_DIR/run/mon.a.pid" ] && break; sleep 0.1; done
  cp "$CEPH_DIR/run/mon.a.pid" "$PIDS/mon.pid"
  local ceph=(ceph -c "$CONF" --connect-timeout 30)

  log "ceph osd ($STORE): mkfs + start [$(elapsed)s]"
  local osd_uuid osd_id
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  osd_id="$("${ceph[@]}" osd new "$osd_uuid" </dev/null)"
  mkdir -p "$CEPH_DIR/osd/osd.$osd_id"
  ceph-osd -c "$CONF" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" </dev/null 2>"$CEPH_DIR/log/osd-mkfs.err" \
    || { cat "$CEPH_DIR/log/osd-mkfs.err" >&2; return 1; }
  ceph-osd -c "$CONF" -i "$osd_id" </dev/null 2>>"$CEPH_DIR/log/osd-stderr.log"
  for _ in $(seq 1 100); do [ -s "$CEPH_DIR/run/osd.$osd_id.pid" ] && break; sleep 0.1; done
  cp "$CEPH_DIR/run/osd.$osd_id.pid" "$PIDS/osd.pid"
  for _ in $(seq 1 300); do
    "${ceph[@]}" osd dump </dev/null 2>/dev/null | grep -q "^osd.$osd_id up" && break
    sleep 0.2
  done

  log "rgw: zone setup + start [$(elapsed)s]"
  local adm=(radosgw-admin -c "$CONF")
  "${adm[@]}" user list </dev/null >/dev/null # full init: default zonegroup/zone and pools
  # name the zonegroup after an AWS region: GetBucketLocation returns it and SDKs sign with it
  "${adm[@]}" zonegroup modify --rgw-zonegroup=default --api-name="$REGION" </dev/null >/dev/null
  radosgw -c "$CONF" -n client.rgw.local </dev/null 2>>"$CEPH_DIR/log/rgw-stderr.log"
  for _ in $(seq 1 100); do [ -s "$CEPH_DIR/run/client.rgw.local.pid" ] && break; sleep 0.1; done
  cp "$CEPH_DIR/run/client.rgw.local.pid" "$PIDS/rgw.pid"
  for _ in $(seq 1 600); do rgw_up && break; sleep 0.1; done
  rgw_up || { log "rgw did not come up; see $CEPH_DIR/log"; return 1; }
  log "rgw answering on $RGW_EP [$(elapsed)s]"

  mkuser() { # tenant uid access secret [extra args]
    local t="$1" u="$2" ak="$3" sk="$4"
    shift 4
    "${adm[@]}" user create --tenant="$t" --uid="$u" --display-name="$u@$t" \
      --access-key="$ak" --secret-key="$sk" "$@" </dev/null >/dev/null
  }
  mkuser "$CUSTOMER_ACCT" customer "$CUSTOMER_AK" "$CUSTOMER_SK" --caps="roles=*"
  mkuser "$VENDOR_ACCT" vendor "$VENDOR_AK" "$VENDOR_SK"
  mkuser "$INTRUDER_ACCT" intruder "$INTRUDER_AK" "$INTRUDER_SK"
}

# The proxies start first (they reach their upstream per request), so that their
# interpreters load while Ceph starts. A Ceph rebuild recreates the roles: the front then
# restarts too, forgetting the trust policies it remembered.
CEPH_UP=0
if ceph_ready; then
  CEPH_UP=1
else
  "$HERE/stop.sh" --only "front rgw osd mon" "$DATA" 2>/dev/null || true
  rm -rf "$CEPH_DIR" "$DATA/front"
fi

# ------------------------------------------------------------------ External ID front
FRONT_USERS="$(cat <<EOF
[{"access_key":"$CUSTOMER_AK","secret_key":"$CUSTOMER_SK","arn":"arn:aws:iam::$CUSTOMER_ACCT:user/customer"},
 {"access_key":"$VENDOR_AK","secret_key":"$VENDOR_SK","arn":"arn:aws:iam::$VENDOR_ACCT:user/vendor"},
 {"access_key":"$INTRUDER_AK","secret_key":"$INTRUDER_SK","arn":"arn:aws:iam::$INTRUDER_ACCT:user/intruder"}]
EOF
)"
WAIT_FRONT=0
front_up() { curl -s -o /dev/null --max-time 2 "$FRONT_EP/"; }
if alive front "sts_front.py" && front_up; then
  log "sts front already running"
else
  "$HERE/stop.sh" --only front "$DATA" 2>/dev/null || true
  if port_busy "$FRONT_PORT"; then log "port $FRONT_PORT is already in use"; exit 1; fi
  mkdir -p "$DATA/front"
  STARTED+=(front)
  STS_FRONT_USERS="$FRONT_USERS" setsid "$PY" "$HERE/sts_front.py" \
    --listen "127.0.0.1:$FRONT_PORT" --upstream "127.0.0.1:$RGW_PORT" \
    --state "$DATA/front/trust-policies.json" </dev/null >>"$DATA/log/sts_front.log" 2>&1 &
  echo $! >"$PIDS/front.pid"
  WAIT_FRONT=1
fi

# ------------------------------------------------------------------- fault proxy
WAIT_FAULT=0
fault_up() { curl -s -o /dev/null --max-time 2 "$CONTROL_EP/stats"; }
if alive fault "fault_proxy.py" && fault_up; then
  log "fault proxy already running"
else
  "$HERE/stop.sh" --only fault "$DATA" 2>/dev/null || true
  for port in "$FAULT_PORT" "$CONTROL_PORT"; do
    if port_busy "$port"; then log "port $port is already in use"; exit 1; fi
  done
  STARTED+=(fault)
  setsid "$PY" "$HERE/fault_proxy.py" --listen "127.0.0.1:$FAULT_PORT" \
    --control "127.0.0.1:$CONTROL_PORT" --upstream "127.0.0.1:$FRONT_PORT" \
    </dev/null >>"$DATA/log/fault_proxy.log" 2>&1 &
  echo $! >"$PIDS/fault.pid"
  WAIT_FAULT=1
fi

if [ "$CEPH_UP" = 1 ]; then
  log "rgw already running"
else
  STARTED+=(rgw osd mon)
  start_ceph
fi

if [ "$WAIT_FRONT" = 1 ]; then
  wait_http "$FRONT_EP/" 20 || { log "sts front did not come up; see $DATA/log/sts_front.log"; exit 1; }
  log "sts front on $FRONT_EP [$(elapsed)s]"
fi
if [ "$WAIT_FAULT" = 1 ]; then
  wait_http "$CONTROL_EP/stats" 20 || { log "fault proxy did not come up; see $DATA/log/fault_proxy.log"; exit 1; }
  log "fault proxy on $FAULT_EP, control on $CONTROL_EP [$(elapsed)s]"
fi

# ------------------------------------------------ provisioning (through the front)
if [ ! -f "$CEPH_DIR/provisioned" ] || [ ! -s "$DATA/front/trust-policies.json" ]; then
  ENDPOINT="$FRONT_EP" REGION="$REGION" AK="$CUSTOMER_AK" SK="$CUSTOMER_SK" \
  BUCKET="$BUCKET" PREFIX="$PREFIX" VENDOR_ARN="arn:aws:iam::$VENDOR_ACCT:user/vendor" \
  EXTERNAL_ID="$EXTERNAL_ID" "$PY" "$HERE/provision.py" </dev/null >&2
  touch "$CEPH_DIR/provisioned" "$CEPH_DIR/ready"
  log "provisioned bucket and roles [$(elapsed)s]"
fi

if [ -n "$PG_JOB" ]; then
  if ! wait "$PG_JOB"; then cat "$DATA/log/pg-start.log" >&2; log "postgresql failed"; exit 1; fi
  cat "$DATA/log/pg-start.log" >&2
fi

trap - EXIT
log "ready after $(elapsed)s (data dir $DATA)"

cat <<EOF
export RGW_ENDPOINT=$RGW_EP
export RGW_REGION=$REGION
export RGW_KMS_KEY_ARN=$KMS_KEY_ARN
export RGW_DATA_DIR=$CEPH_DIR
export RGW_CUSTOMER_ACCOUNT=$CUSTOMER_ACCT
export RGW_CUSTOMER_ACCESS_KEY=$CUSTOMER_AK
export RGW_CUSTOMER_SECRET_KEY=$CUSTOMER_SK
export RGW_VENDOR_ACCOUNT=$VENDOR_ACCT
export RGW_VENDOR_ARN=arn:aws:iam::$VENDOR_ACCT:user/vendor
export RGW_VENDOR_ACCESS_KEY=$VENDOR_AK
export RGW_VENDOR_SECRET_KEY=$VENDOR_SK
export RGW_INTRUDER_ACCOUNT=$INTRUDER_ACCT
export RGW_INTRUDER_ARN=arn:aws:iam::$INTRUDER_ACCT:user/intruder
export RGW_INTRUDER_ACCESS_KEY=$INTRUDER_AK
export RGW_INTRUDER_SECRET_KEY=$INTRUDER_SK
export RGW_BUCKET=$BUCKET
export RGW_PREFIX=$PREFIX
export RGW_ROLE_ARN=arn:aws:iam::$CUSTOMER_ACCT:role/vendor-sync
export RGW_RO_ROLE_ARN=arn:aws:iam::$CUSTOMER_ACCT:role/vendor-readonly
export RGW_EXTID_ROLE_ARN=arn:aws:iam::$CUSTOMER_ACCT:role/vendor-sync-extid
export RGW_EXTERNAL_ID=$EXTERNAL_ID
export CROSSDOCK_PEERS_DIR=$DATA
export CROSSDOCK_STS_ENDPOINT=$FRONT_EP
export CROSSDOCK_FAULT_PROXY=$FAULT_EP
export CROSSDOCK_FAULT_CONTROL=$CONTROL_EP
EOF
if [ "$NO_PG" != 1 ]; then
  echo "export CROSSDOCK_PG_URL=postgresql://crossdock:$(cat "$DATA/pg-password")@127.0.0.1:$PG_PORT/crossdock"
fi
