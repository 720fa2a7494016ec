#!/usr/bin/env bash
# Kinesis source benchmark: one stream in kinesalite (RECORDS JSON records of about 200 bytes
# over SHARDS shards) read to S3 as JSON Lines + zstd (level 3), crossdock (`crossdock sync run`,
# one run, SQLite store) vs a consumer written with the AWS SDK for JavaScript v3
# (bench/kinesis-js/consumer.mjs: the same columns, the zstd program, a multipart upload; the
# SDK pinned in bench/kinesis-js/package-lock.json). Both read the same stream from the same
# kinesalite and write to the same RGW with the same keys; each is timed end to end with its
# peak RSS and CPU time from /usr/bin/time (for the JS consumer: the largest RSS of node and
# its zstd child, their CPU summed). kinesalite's own CPU is in neither.
#
# Needs the test peers' variables (eval "$(scripts/peers/start.sh DIR)" and
# eval "$(scripts/peers/start-kinesis.sh DIR/kinesis)"), a built crossdock binary (CROSSDOCK_BIN,
# default build/crossdock), node and npm, zstd.
# Usage: bench/kinesis_source.sh [RECORDS] [SHARDS]       (default 200000 4)
set -euo pipefail
RECORDS=${1:-200000}
SHARDS=${2:-4}
BIN=${CROSSDOCK_BIN:-build/crossdock}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${CROSSDOCK_KINESIS_ENDPOINT:?start the kinesis peer first}" "${RGW_ENDPOINT:?}" "${RGW_BUCKET:?}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PREFIX="${RGW_PREFIX:-sync}/bench-kinesis-$(date +%s)"
STREAM="bench-$(date +%s)"
[ -d "$HERE/kinesis-js/node_modules/@aws-sdk/client-kinesis" ] ||
  (cd "$HERE/kinesis-js" && npm ci --no-audit --no-fund --loglevel=error >&2)

# kinesalite checks that requests are signed, not by whom: the customer's keys serve both.
export AWS_ACCESS_KEY_ID=$RGW_CUSTOMER_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_CUSTOMER_SECRET_KEY
export AWS_REGION=${RGW_REGION:-us-east-1} AWS_DEFAULT_REGION=${RGW_REGION:-us-east-1}
echo "putting $RECORDS records on $SHARDS shards of $STREAM..." >&2
node "$HERE/kinesis-js/producer.mjs" "$STREAM" "$CROSSDOCK_KINESIS_ENDPOINT" "$RECORDS" "$SHARDS"

# 1. The AWS SDK for JavaScript v3 consumer.
start=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$WORK/js.rss" node "$HERE/kinesis-js/consumer.mjs" "$STREAM" \
  "$CROSSDOCK_KINESIS_ENDPOINT" "$RGW_ENDPOINT" "$RGW_BUCKET" "$PREFIX/js/records.jsonl.zst" 8 \
  >"$WORK/js.out"
end=$(date +%s.%N)
js_s=$(echo "$end - $start" | bc)
js_rows=$(sed -E 's/.*"rows":([0-9]+).*/\1/' "$WORK/js.out")
read -r js_rss js_user js_sys <"$WORK/js.rss"

# 2. crossdock: one run of a sync with the same stream, S3 destination, format and level.
spec=$(cat <<JSON
{"source": {"type": "kinesis", "stream_arn": "arn:aws:kinesis:$AWS_REGION:111122223333:stream/$STREAM",
            "endpoint": "$CROSSDOCK_KINESIS_ENDPOINT", "max_parallel_shards": 8},
 "destination": {"type": "s3", "bucket": "$RGW_BUCKET/$PREFIX", "region": "$AWS_REGION",
                 "endpoint": "$RGW_ENDPOINT", "path": "crossdock"},
 "format": "jsonl", "compression": "zstd", "compression_level": 3}
JSON
)
db=(--db "$WORK/db.sqlite" --master-key-file "$WORK/master.key")
"$BIN" sync create bench "${db[@]}" --init --spec "$spec" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$WORK/cd.rss" "$BIN" sync run bench "${db[@]}" --quiet --format json >"$WORK/cd.json"
end=$(date +%s.%N)
cd_s=$(echo "$end - $start" | bc)
cd_rows=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$WORK/cd.json")
read -r cd_rss cd_user cd_sys <"$WORK/cd.rss"

[ "$js_rows" = "$RECORDS" ] || { echo "the JS consumer read $js_rows of $RECORDS records" >&2; exit 1; }
[ "$cd_rows" = "$RECORDS" ] || { echo "crossdock read $cd_rows of $RECORDS records" >&2; exit 1; }
printf '%-26s %10s %14s %14s %10s\n' tool seconds records/s "peak RSS MiB" "CPU s"
printf '%-26s %10.2f %14.0f %14.1f %10.2f\n' "crossdock sync run" "$cd_s" \
  "$(echo "$RECORDS / $cd_s" | bc -l)" "$(echo "$cd_rss / 1024" | bc -l)" "$(echo "$cd_user + $cd_sys" | bc -l)"
printf '%-26s %10.2f %14.0f %14.1f %10.2f\n' "AWS SDK for JS v3" "$js_s" \
  "$(echo "$RECORDS / $js_s" | bc -l)" "$(echo "$js_rss / 1024" | bc -l)" "$(echo "$js_user + $js_sys" | bc -l)"
printf 'crossdock vs the JS consumer: %.2fx records/s, %.2fx less memory\n' \
  "$(echo "$js_s / $cd_s" | bc -l)" "$(echo "$js_rss / $cd_rss" | bc -l)"
