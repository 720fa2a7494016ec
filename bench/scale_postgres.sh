#!/usr/bin/env bash
# bench/scale.sh's measurements on PostgreSQL: the same store contents (the organization
# "acme" with up to 1,000 connections, the rest spread over 999 others; SYNCS syncs and RUNS
# finished runs), the same list and create latencies (first page, REQUESTS GETs each on a new
# connection; CREATES POSTs), claims per second with 1, 2 and 4 workers
# (bench/claim_throughput, each worker its own session, QUEUED queued runs), and the schema's
# size on disk (pg_total_relation_size of its tables, indexes included).
#
# Everything lives in one fresh schema of the database at PG_URL (a libpq URL without query
# parameters), dropped at the end. The sizes grow in one store: connections are added up to
# each size in turn (so SIZES must be ascending). The server runs with the default
# --db-pool-size. Usage: PG_URL=postgresql://... bench/scale_postgres.sh [BUILD_DIR]; needs
# psql, curl and sha256sum. Not a test and not in CI.
set -euo pipefail

build=${1:-build}
bin=$build/crossdock
claim=$build/bench/claim_throughput
: "${PG_URL:?set PG_URL to a PostgreSQL URL (postgresql://user:password@host:port/db)}"
SIZES=${SIZES:-"100 10000 100000"}
RUNS=${RUNS:-1000000}
SYNCS=${SYNCS:-2000}
QUEUED=${QUEUED:-2000}
REQUESTS=${REQUESTS:-200}
CREATES=${CREATES:-100}
PORT=${PORT:-$((20000 + $$ % 20000))}
schema=bench_scale_$$
db="$PG_URL?options=-csearch_path%3D$schema"
work=$(mktemp -d)
server_pid=
psql_bench() { psql "$PG_URL" -v ON_ERROR_STOP=1 -qAt -c "SET search_path TO $schema" "$@"; }
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

token="cdx_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | cut -c1-43)"
token_hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
base=http://127.0.0.1:$PORT
head -c 32 /dev/urandom | base64 >"$work/master.key"
chmod 600 "$work/master.key"
serve_store=(--db "$db" --data-dir "$work/data" --master-key-file "$work/master.key")

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/scale_lib.sh
. "$here/scale_lib.sh"

psql "$PG_URL" -qc "CREATE SCHEMA $schema" >/dev/null
start_server "${serve_store[@]}"
psql_bench -c "INSERT INTO api_tokens (id, org_id, name, token_hash, hint, created_at)
  SELECT 'tok_bench', id, 'bench', '$token_hash', 'cdx_benc', 0 FROM organizations WHERE name = 'acme';" >/dev/null
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -X POST "$base/v1/connections" -d '{"type":"s3","name":"exports","auth_method":"iam-role","role_arn":"arn:aws:iam::111122223333:role/crossdock","region":"us-west-1","bucket":"output"}'
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -X POST "$base/v1/syncs" -d '{"name":"sync-template","source":{"type":"postgres","url":"postgresql://app@db.example:5432/shop","table":"public.orders"},"destination":{"type":"s3","connection":"exports","path":"orders"},"format":"jsonl"}'
stop_server
t0=$(date +%s.%N)
psql_bench -f - >/dev/null <<SQL
BEGIN;
INSERT INTO organizations (id, name, role_only, created_at, updated_at)
  SELECT format('org_bench%s', lpad(i::text, 4, '0')), format('customer-%s', lpad(i::text, 4, '0')), 0, 0, 0
  FROM generate_series(1, 999) i;
INSERT INTO external_ids (value, org_id, state, created_at)
  SELECT 'cdx-bench-' || id, id, 'current', 0 FROM organizations WHERE id LIKE 'org_bench%';
INSERT INTO sync_definitions (id, org_id, name, spec, cursor_value, created_at, updated_at)
  SELECT format('sync_bench%s', lpad(i::text, 6, '0')), t.org_id, format('sync-%s', lpad(i::text, 6, '0')), t.spec, NULL, 0, 0
  FROM generate_series(1, $SYNCS) i, (SELECT org_id, spec FROM sync_definitions WHERE name = 'sync-template') t;
INSERT INTO sync_runs (id, sync_id, org_id, status, attempt, worker_id, heartbeat_at,
                       rows_count, bytes, files, created_at, started_at, finished_at, manifest)
  SELECT format('run_bench%s', lpad(i::text, 8, '0')), format('sync_bench%s', lpad((1 + i % $SYNCS)::text, 6, '0')), t.org_id,
         CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'succeeded' END, 1, 'w', 1700000000000 + i,
         1000, 100000, 1, 1700000000000 + i, 1700000000000 + i, 1700000000000 + i, 'm'
  FROM generate_series(1, $RUNS) i, (SELECT org_id FROM sync_definitions WHERE name = 'sync-template') t;
COMMIT;
ANALYZE organizations; ANALYZE external_ids; ANALYZE sync_definitions; ANALYZE sync_runs;
SQL
echo "template: $RUNS runs over $SYNCS syncs in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s" >&2

printf '| connections | GET /v1/connections p50/p99 ms | GET /v1/syncs p50/p99 | GET /v1/syncs/{id}/runs p50/p99 | GET /v1/tokens p50/p99 | POST /v1/connections p50/p99 | claims/s 1/2/4 workers | store MB |\n'
printf '|---|---|---|---|---|---|---|---|\n'
have_acme=1    # "exports"
have_spread=0
for size in $SIZES; do
  in_acme=$((size < 1000 ? size : 1000))
  spread=$((size - in_acme))
  t0=$(date +%s.%N)
  psql_bench -f - >/dev/null <<SQL
BEGIN;
INSERT INTO connections (id, org_id, type, name, config, secret_names, secrets, created_at, updated_at)
  SELECT format('conn_bench%s', lpad(i::text, 7, '0')), t.org_id, t.type, format('conn-%s', lpad(i::text, 7, '0')), t.config, '', NULL, i, i
  FROM generate_series($have_acme, $in_acme - 1) i, (SELECT org_id, type, config FROM connections WHERE name = 'exports') t;
INSERT INTO connections (id, org_id, type, name, config, secret_names, secrets, created_at, updated_at)
  SELECT format('conn_spread%s', lpad(i::text, 7, '0')), format('org_bench%s', lpad((1 + i % 999)::text, 4, '0')), t.type,
         format('conn-%s', lpad(i::text, 7, '0')), t.config, '', NULL, i, i
  FROM generate_series($have_spread + 1, $spread) i, (SELECT type, config FROM connections WHERE name = 'exports') t;
COMMIT;
ANALYZE connections;
SQL
  have_acme=$in_acme
  have_spread=$spread
  echo "size $size: connections added in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s" >&2
  start_server "${serve_store[@]}"
  conns=$(list_latency /v1/connections)
  syncs=$(list_latency /v1/syncs)
  runs=$(list_latency /v1/syncs/sync_bench000001/runs)
  tokens=$(list_latency /v1/tokens)
  creates=$(create_latency "created-$size-")
  stop_server
  psql_bench -c "DELETE FROM connections WHERE name LIKE 'created-$size-%'" >/dev/null
  claims=(n/a n/a n/a)
  [[ -x $claim ]] && claims=()
  for w in 1 2 4; do
    [[ -x $claim ]] || break
    psql_bench >/dev/null -c "DELETE FROM sync_runs WHERE id LIKE 'run_queued%';
      INSERT INTO sync_runs (id, sync_id, org_id, status, created_at)
        SELECT format('run_queued%s', lpad(i::text, 6, '0')), format('sync_bench%s', lpad(i::text, 6, '0')), org_id, 'queued', i
        FROM generate_series(1, $QUEUED) i, (SELECT org_id FROM sync_definitions WHERE name = 'sync-template') t;
      ANALYZE sync_runs;"
    claims+=("$("$claim" "$db" "$w" 10 | sed 's/.*claims_per_s=//')")
  done
  mb=$(psql_bench -c "SELECT (sum(pg_total_relation_size(c.oid)) / 1048576)::bigint FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind = 'r'")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$size" "${conns/ / \/ }" "${syncs/ / \/ }" \
    "${runs/ / \/ }" "${tokens/ / \/ }" "${creates/ / \/ }" "${claims[0]} / ${claims[1]} / ${claims[2]}" "$mb"
done
