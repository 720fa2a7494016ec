#!/usr/bin/env bash
# scripts/peers/start-warehouses.sh [DIR] — start the warehouse test peers on 127.0.0.1:
#   * redshift_fake.py: the Redshift Data API and Redshift Serverless GetCredentials (SigV4,
#     JSON 1.1), SQL on the peers' PostgreSQL, UNLOAD/COPY against Ceph RGW
#   * databricks_fake.py: the Databricks SQL Statement Execution API and Unity Catalog storage
#     credentials (bearer token), SQL on PostgreSQL, COPY INTO from Ceph RGW
# Needs the variables scripts/peers/start.sh exports (RGW_*, CROSSDOCK_STS_ENDPOINT,
# CROSSDOCK_PG_URL, CROSSDOCK_PEERS_DIR):
#
#   eval "$(scripts/peers/start.sh)"; eval "$(scripts/peers/start-warehouses.sh)"
#   scripts/peers/stop-warehouses.sh [DIR]
#
# DIR defaults to $CROSSDOCK_PEERS_DIR/warehouses. Only `export ...` lines go to stdout.
# Idempotent: fakes already running from DIR are kept. Ports (environment, defaults):
# CROSSDOCK_REDSHIFT_DATA_PORT 7490, CROSSDOCK_REDSHIFT_SERVERLESS_PORT 7491,
# CROSSDOCK_DATABRICKS_PORT 7492. See scripts/peers/README-warehouses.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3
log() { echo "[warehouses] $*" >&2; }

for v in RGW_ENDPOINT RGW_REGION RGW_DATA_DIR RGW_CUSTOMER_ACCOUNT RGW_CUSTOMER_ACCESS_KEY \
  RGW_CUSTOMER_SECRET_KEY RGW_VENDOR_ARN RGW_EXTERNAL_ID RGW_BUCKET RGW_PREFIX \
  CROSSDOCK_STS_ENDPOINT CROSSDOCK_PG_URL CROSSDOCK_PEERS_DIR; do
  if [ -z "${!v:-}" ]; then
    log "$v is unset: run eval \"\$(scripts/peers/start.sh)\" first"
    exit 1
  fi
done

DIR="${1:-$CROSSDOCK_PEERS_DIR/warehouses}"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DATA_PORT="${CROSSDOCK_REDSHIFT_DATA_PORT:-7490}"
SLS_PORT="${CROSSDOCK_REDSHIFT_SERVERLESS_PORT:-7491}"
DBX_PORT="${CROSSDOCK_DATABRICKS_PORT:-7492}"
mkdir -p "$DIR/pids" "$DIR/log"

if ! dpkg-query -W -f='${Status}' python3-psycopg2 2>/dev/null | grep -q "ok installed"; then
  if [ "$(id -u)" != 0 ]; then log "install python3-psycopg2 first"; exit 1; fi
  log "installing python3-psycopg2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3-psycopg2 </dev/null >&2
fi

# Fixed, test-only identities of the service stand-ins (RGW tenants named like accounts).
REDSHIFT_ACCT=222233334444
REDSHIFT_AK=REDSHIFTSTANDIN00001 REDSHIFT_SK=redshiftStandinSecret00000000000000001
REDSHIFT_ARN="arn:aws:iam::$REDSHIFT_ACCT:user/redshift-service"
UC_ACCT=414351767826
UC_AK=UNITYCATALOGSTANDIN1 UC_SK=unityCatalogStandinSecret000000000000001
UC_USER_ARN="arn:aws:iam::$UC_ACCT:user/unity-catalog"
UC_ROLE_ARN="arn:aws:iam::$UC_ACCT:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL"
WORKGROUP=crossdock
DATABASE=dev
WAREHOUSE_ID=5a1f0c2d9e8b7a61
CREDENTIAL=crossdock-staging

[ -s "$DIR/databricks-token" ] || echo "dapi$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$DIR/databricks-token"
[ -s "$DIR/databricks-external-id" ] || cat /proc/sys/kernel/random/uuid >"$DIR/databricks-external-id"
chmod 600 "$DIR/databricks-token"
TOKEN="$(cat "$DIR/databricks-token")"
DBX_EXTID="$(cat "$DIR/databricks-external-id")"

# ------------------------------------------------------------ stand-in users in RGW
adm=(radosgw-admin -c "$RGW_DATA_DIR/ceph.conf")
mkuser() { # tenant uid access secret [extra]
  local t="$1" u="$2" ak="$3" sk="$4"
  shift 4
  "${adm[@]}" user info --tenant="$t" --uid="$u" </dev/null >/dev/null 2>&1 && return 0
  "${adm[@]}" user create --tenant="$t" --uid="$u" --display-name="$u@$t" \
    --access-key="$ak" --secret-key="$sk" "$@" </dev/null >/dev/null
}
mkuser "$REDSHIFT_ACCT" redshift-service "$REDSHIFT_AK" "$REDSHIFT_SK"
mkuser "$UC_ACCT" unity-catalog "$UC_AK" "$UC_SK" --caps="roles=*"

W_REDSHIFT_STANDIN_ARN="$REDSHIFT_ARN" W_UC_ACCESS_KEY="$UC_AK" W_UC_SECRET_KEY="$UC_SK" \
W_UC_USER_ARN="$UC_USER_ARN" W_UC_ROLE_ARN="$UC_ROLE_ARN" W_DATABRICKS_EXTERNAL_ID="$DBX_EXTID" \
  "$PY" "$HERE/warehouse_provision.py" </dev/null >&2

# --------------------------------------------------------------------- the fakes
alive() { # NAME PATTERN
  local f="$DIR/pids/$1.pid" pid
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local i
  for i in $(seq 1 100); do port_busy "$1" && return 0; sleep 0.1; done
  return 1
}
export CROSSDOCK_REDSHIFT_STANDIN_ARN="$REDSHIFT_ARN"
export CROSSDOCK_REDSHIFT_STANDIN_ACCESS_KEY="$REDSHIFT_AK"
export CROSSDOCK_REDSHIFT_STANDIN_SECRET_KEY="$REDSHIFT_SK"
export CROSSDOCK_DATABRICKS_UC_ACCESS_KEY="$UC_AK" CROSSDOCK_DATABRICKS_UC_SECRET_KEY="$UC_SK"
export CROSSDOCK_DATABRICKS_UC_ROLE_ARN="$UC_ROLE_ARN" CROSSDOCK_DATABRICKS_EXTERNAL_ID="$DBX_EXTID"

if alive redshift redshift_fake.py; then
  log "redshift fake already running"
else
  for p in "$DATA_PORT" "$SLS_PORT"; do
    if port_busy "$p"; then log "port $p is already in use"; exit 1; fi
  done
  setsid "$PY" "$HERE/redshift_fake.py" --data-listen "127.0.0.1:$DATA_PORT" \
    --serverless-listen "127.0.0.1:$SLS_PORT" --workgroup "$WORKGROUP" --database "$DATABASE" \
    --restricted-role redshift-nogrants </dev/null >>"$DIR/log/redshift.log" 2>&1 &
  echo $! >"$DIR/pids/redshift.pid"
  wait_port "$DATA_PORT" && wait_port "$SLS_PORT" \
    || { log "redshift fake did not come up; see $DIR/log/redshift.log"; exit 1; }
  log "redshift data API on 127.0.0.1:$DATA_PORT, serverless on 127.0.0.1:$SLS_PORT"
fi

if alive databricks databricks_fake.py; then
  log "databricks fake already running"
else
  if port_busy "$DBX_PORT"; then log "port $DBX_PORT is already in use"; exit 1; fi
  CROSSDOCK_DATABRICKS_TOKEN="$TOKEN" setsid "$PY" "$HERE/databricks_fake.py" \
    --listen "127.0.0.1:$DBX_PORT" --warehouse-id "$WAREHOUSE_ID" \
    --state "$DIR/databricks-catalog.json" </dev/null >>"$DIR/log/databricks.log" 2>&1 &
  echo $! >"$DIR/pids/databricks.pid"
  wait_port "$DBX_PORT" || { log "databricks fake did not come up; see $DIR/log/databricks.log"; exit 1; }
  log "databricks on 127.0.0.1:$DBX_PORT"
fi

# the storage credential crossdock's tests use (Unity Catalog API, as a workspace admin would)
DBX="http://127.0.0.1:$DBX_PORT"
if ! curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" \
  "$DBX/api/2.1/unity-catalog/storage-credentials/$CREDENTIAL"; then
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -X POST \
    "$DBX/api/2.1/unity-catalog/storage-credentials" \
    -d "{\"name\":\"$CREDENTIAL\",\"aws_iam_role\":{\"role_arn\":\"arn:aws:iam::$RGW_CUSTOMER_ACCOUNT:role/databricks-staging\"}}" \
    || { log "could not register the storage credential"; exit 1; }
fi

PGHOSTPORT="${CROSSDOCK_PG_URL##*@}"
PGHOSTPORT="${PGHOSTPORT%%/*}"
cat <<EOF
export CROSSDOCK_WAREHOUSES_DIR=$DIR
export CROSSDOCK_REDSHIFT_DATA_ENDPOINT=http://127.0.0.1:$DATA_PORT
export CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT=http://127.0.0.1:$SLS_PORT
export CROSSDOCK_REDSHIFT_WORKGROUP=$WORKGROUP
export CROSSDOCK_REDSHIFT_DATABASE=$DATABASE
export CROSSDOCK_REDSHIFT_ROLE_ARN=arn:aws:iam::$RGW_CUSTOMER_ACCOUNT:role/redshift-staging
export CROSSDOCK_REDSHIFT_RO_ROLE_ARN=arn:aws:iam::$RGW_CUSTOMER_ACCOUNT:role/redshift-staging-ro
export CROSSDOCK_REDSHIFT_NOTRUST_ROLE_ARN=arn:aws:iam::$RGW_CUSTOMER_ACCOUNT:role/redshift-notrust
export CROSSDOCK_REDSHIFT_NOGRANTS_ROLE_ARN=arn:aws:iam::$RGW_CUSTOMER_ACCOUNT:role/redshift-nogrants
export CROSSDOCK_REDSHIFT_STANDIN_ARN=$REDSHIFT_ARN
export CROSSDOCK_REDSHIFT_PG_HOST=${PGHOSTPORT%%:*}
export CROSSDOCK_REDSHIFT_PG_PORT=${PGHOSTPORT##*:}
export CROSSDOCK_REDSHIFT_PG_DATABASE=redshift_$WORKGROUP
export CROSSDOCK_DATABRICKS_HOST=$DBX
export CROSSDOCK_DATABRICKS_TOKEN=$TOKEN
export CROSSDOCK_DATABRICKS_WAREHOUSE_ID=$WAREHOUSE_ID
export CROSSDOCK_DATABRICKS_CREDENTIAL=$CREDENTIAL
export CROSSDOCK_DATABRICKS_ROLE_ARN=arn:aws:iam::$RGW_CUSTOMER_ACCOUNT:role/databricks-staging
export CROSSDOCK_DATABRICKS_EXTERNAL_ID=$DBX_EXTID
export CROSSDOCK_DATABRICKS_UC_ROLE_ARN=$UC_ROLE_ARN
EOF
