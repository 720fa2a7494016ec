#!/usr/bin/env bash
# crossdock at a vendor's scale, on SQLite: for each size in SIZES connections (one
# organization "acme" holds up to 1,000 of them, the rest are spread over 999 others) and a
# run history of RUNS runs over SYNCS syncs, it measures
#   - list latency p50/p99 (first page, default limit 100) of GET /v1/connections,
#     /v1/syncs, /v1/syncs/{id}/runs and /v1/tokens, REQUESTS requests each (curl's
#     time_total);
#   - create latency p50/p99 of POST /v1/connections (CREATES requests);
#   - the worker queue's claims per second with 1, 2 and 4 workers (bench/claim_throughput,
#     QUEUED queued runs, each claimed and finished at once);
#   - the store's size on disk.
# The store is filled with SQL (sqlite3) for speed, from one connection and one sync created
# through the API. Usage: bench/scale.sh [BUILD_DIR]; needs sqlite3, curl and sha256sum.
# Not a test and not in CI: a few minutes on a 2-core machine.
set -euo pipefail

build=${1:-build}
bin=$build/crossdock
claim=$build/bench/claim_throughput
SIZES=${SIZES:-"100 10000 100000"}
RUNS=${RUNS:-1000000}
SYNCS=${SYNCS:-2000}
QUEUED=${QUEUED:-2000}
REQUESTS=${REQUESTS:-200}
CREATES=${CREATES:-100}
PORT=${PORT:-$((20000 + $$ % 20000))}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

token="cdx_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | cut -c1-43)"
token_hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
base=http://127.0.0.1:$PORT

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/scale_lib.sh
. "$here/scale_lib.sh"

# A template store: migrations, the acme organization, one connection and one sync made by
# the API (their stored config and spec are copied below), the token, the other
# organizations, SYNCS syncs and RUNS finished runs.
template=$work/template.db
start_server --db "$template"
sqlite3 "$template" "INSERT INTO api_tokens (id, org_id, name, token_hash, hint, created_at)
  SELECT 'tok_bench', id, 'bench', '$token_hash', 'cdx_benc', 0 FROM organizations WHERE name = 'acme';"
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -X POST "$base/v1/connections" -d '{"type":"s3","name":"exports","auth_method":"iam-role","role_arn":"arn:aws:iam::111122223333:role/crossdock","region":"us-west-1","bucket":"output"}'
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -X POST "$base/v1/syncs" -d '{"name":"sync-template","source":{"type":"postgres","url":"postgresql://app@db.example:5432/shop","table":"public.orders"},"destination":{"type":"s3","connection":"exports","path":"orders"},"format":"jsonl"}'
stop_server
t0=$(date +%s.%N)
sqlite3 "$template" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO organizations (id, name, role_only, created_at, updated_at)
  SELECT printf('org_bench%04d', i), printf('customer-%04d', i), 0, 0, 0 FROM n;
INSERT INTO external_ids (value, org_id, state, created_at)
  SELECT 'cdx-bench-' || id, id, 'current', 0 FROM organizations WHERE id LIKE 'org_bench%';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $SYNCS)
INSERT INTO sync_definitions (id, org_id, name, spec, cursor_value, created_at, updated_at)
  SELECT printf('sync_bench%06d', i), t.org_id, printf('sync-%06d', i), t.spec, NULL, 0, 0
  FROM n, (SELECT org_id, spec FROM sync_definitions WHERE name = 'sync-template') t;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $RUNS)
INSERT INTO sync_runs (id, sync_id, org_id, status, attempt, worker_id, heartbeat_at,
                       rows_count, bytes, files, created_at, started_at, finished_at, manifest)
  SELECT printf('run_bench%08d', i), printf('sync_bench%06d', 1 + i % $SYNCS), t.org_id,
         CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'succeeded' END, 1, 'w', 1700000000000 + i,
         1000, 100000, 1, 1700000000000 + i, 1700000000000 + i, 1700000000000 + i, 'm'
  FROM n, (SELECT org_id FROM sync_definitions WHERE name = 'sync-template') t;
COMMIT;
ANALYZE;
SQL
echo "template: $RUNS runs over $SYNCS syncs in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s" >&2

printf '| connections | GET /v1/connections p50/p99 ms | GET /v1/syncs p50/p99 | GET /v1/syncs/{id}/runs p50/p99 | GET /v1/tokens p50/p99 | POST /v1/connections p50/p99 | claims/s 1/2/4 workers | store MB |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for size in $SIZES; do
  db=$work/n$size.db
  cp "$template" "$db"
  in_acme=$((size < 1000 ? size : 1000))
  sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $in_acme - 1)
INSERT INTO connections (id, org_id, type, name, config, secret_names, secrets, created_at, updated_at)
  SELECT printf('conn_bench%07d', i), t.org_id, t.type, printf('conn-%07d', i), t.config, '', NULL, i, i
  FROM n, (SELECT org_id, type, config FROM connections WHERE name = 'exports') t;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $size - $in_acme)
INSERT INTO connections (id, org_id, type, name, config, secret_names, secrets, created_at, updated_at)
  SELECT printf('conn_spread%07d', i), printf('org_bench%04d', 1 + i % 999), t.type,
         printf('conn-%07d', i), t.config, '', NULL, i, i
  FROM n, (SELECT type, config FROM connections WHERE name = 'exports') t
  WHERE $size > $in_acme;
COMMIT;
SQL
  start_server --db "$db"
  conns=$(list_latency /v1/connections)
  syncs=$(list_latency /v1/syncs)
  runs=$(list_latency /v1/syncs/sync_bench000001/runs)
  tokens=$(list_latency /v1/tokens)
  creates=$(create_latency created-)
  stop_server
  claims=(n/a n/a n/a)
  [[ -x $claim ]] && claims=()
  for w in 1 2 4; do
    [[ -x $claim ]] || break
    sqlite3 "$db" "DELETE FROM sync_runs WHERE id LIKE 'run_queued%';
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $QUEUED)
      INSERT INTO sync_runs (id, sync_id, org_id, status, created_at)
        SELECT printf('run_queued%06d', i), printf('sync_bench%06d', i), org_id, 'queued', i
        FROM n, (SELECT org_id FROM sync_definitions WHERE name = 'sync-template');"
    claims+=("$("$claim" "$db" "$w" 10 | sed 's/.*claims_per_s=//')")
  done
  mb=$(du -cm "$db"* | tail -1 | cut -f1)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$size" "${conns/ / \/ }" "${syncs/ / \/ }" \
    "${runs/ / \/ }" "${tokens/ / \/ }" "${creates/ / \/ }" "${claims[0]} / ${claims[1]} / ${claims[2]}" "$mb"
  rm -f "$db"*
done
