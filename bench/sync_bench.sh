#!/usr/bin/env bash
# Sync engine benchmark: a PostgreSQL table of ROWS rows (bigint, int, text, numeric,
# timestamptz) to S3 as CSV + zstd level 1, crossdock vs the pipeline a user would script:
#   psql -c "\copy (SELECT ...) to stdout csv" | zstd -1 | aws s3 cp - s3://...
# Both write to the same RGW endpoint with the same keys; each is timed end to end and its
# peak RSS measured with /usr/bin/time (the pipeline: the largest of its three processes).
#
# Needs the test peers' variables (eval "$(scripts/peers/start.sh DIR)"), a built crossdock
# binary (CROSSDOCK_BIN, default build/crossdock), psql, zstd and /usr/bin/aws.
# Usage: bench/sync_bench.sh [ROWS]       (default 10000000)
set -euo pipefail
ROWS=${1:-10000000}
BIN=${CROSSDOCK_BIN:-build/crossdock}
: "${CROSSDOCK_PG_URL:?start the peers first}" "${RGW_ENDPOINT:?}" "${RGW_BUCKET:?}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SCHEMA=bench_sync
PREFIX="${RGW_PREFIX:-sync}/bench-$(date +%s)"

# The source table (kept between runs of the same size).
have=$(psql "$CROSSDOCK_PG_URL" -Atc "SELECT count(*) FROM $SCHEMA.orders" 2>/dev/null || echo 0)
if [ "$have" != "$ROWS" ]; then
  echo "creating $SCHEMA.orders with $ROWS rows..." >&2
  psql -q "$CROSSDOCK_PG_URL" <<SQL
DROP SCHEMA IF EXISTS $SCHEMA CASCADE;
CREATE SCHEMA $SCHEMA;
CREATE UNLOGGED TABLE $SCHEMA.orders (id bigint, customer_id int, name text,
  amount numeric(12,2), created_at timestamptz);
INSERT INTO $SCHEMA.orders SELECT i, i % 100000, 'customer ' || (i % 100000),
  (i % 100000) / 7.0, timestamptz '2024-01-01' + i * interval '1 second'
  FROM generate_series(1, $ROWS) i;
ANALYZE $SCHEMA.orders;
SQL
fi

export AWS_ACCESS_KEY_ID=$RGW_CUSTOMER_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_CUSTOMER_SECRET_KEY
export AWS_REGION=${RGW_REGION:-us-east-1} AWS_DEFAULT_REGION=${RGW_REGION:-us-east-1}
pw=$(sed -E 's|^[a-z]+://[^:]+:([^@]*)@.*|\1|' <<<"$CROSSDOCK_PG_URL")
url=$(sed -E 's|^([a-z]+://[^:]+):[^@]*@|\1@|' <<<"$CROSSDOCK_PG_URL")
export PGPASSWORD=$pw

# 1. The scripted pipeline.
start=$(date +%s.%N)
psql "$CROSSDOCK_PG_URL" -c "\\copy (SELECT * FROM $SCHEMA.orders) to stdout csv header" \
  | /usr/bin/time -f "%M" -o "$WORK/zstd.rss" zstd -1 -q \
  | /usr/bin/time -f "%M" -o "$WORK/aws.rss" /usr/bin/aws s3 cp - \
      "s3://$RGW_BUCKET/$PREFIX/pipeline/orders.csv.zst" --endpoint-url "$RGW_ENDPOINT" --quiet
end=$(date +%s.%N)
pipe_s=$(echo "$end - $start" | bc)
pipe_rss=$(sort -n "$WORK/zstd.rss" "$WORK/aws.rss" | tail -1)

# 2. crossdock (SQLite store, one inline run).
spec=$(cat <<JSON
{"source": {"type": "postgres", "url": "$url", "table": "$SCHEMA.orders"},
 "destination": {"type": "s3", "bucket": "$RGW_BUCKET/$PREFIX", "region": "$AWS_REGION",
                 "endpoint": "$RGW_ENDPOINT", "path": "crossdock"},
 "format": "csv", "compression": "zstd", "compression_level": 1, "file_size": 268435456}
JSON
)
db=(--db "$WORK/db.sqlite" --master-key-file "$WORK/master.key")
"$BIN" sync create bench --spec "$spec" "${db[@]}" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/crossdock.rss" "$BIN" sync run bench --quiet "${db[@]}" \
  > "$WORK/run.txt"
end=$(date +%s.%N)
cd_s=$(echo "$end - $start" | bc)
cd_rss=$(cat "$WORK/crossdock.rss")
cat "$WORK/run.txt" >&2

printf '| tool | rows | seconds | rows/s | peak RSS |\n|---|---|---|---|---|\n'
printf '| psql \\copy csv \\| zstd -1 \\| aws s3 cp - | %d | %.1f | %.0f | %d MiB (largest process) |\n' \
  "$ROWS" "$pipe_s" "$(echo "$ROWS / $pipe_s" | bc -l)" "$((pipe_rss / 1024))"
printf '| crossdock sync run (CSV, zstd 1) | %d | %.1f | %.0f | %d MiB |\n' \
  "$ROWS" "$cd_s" "$(echo "$ROWS / $cd_s" | bc -l)" "$((cd_rss / 1024))"
printf 'speed-up: %.2fx\n' "$(echo "$pipe_s / $cd_s" | bc -l)"
