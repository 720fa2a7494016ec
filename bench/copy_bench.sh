#!/usr/bin/env bash
# Copy benchmark: FILES files (default 1,000 of 64 KiB) under an S3 prefix, copied
#   1. S3 -> local folder:  aws s3 sync s3://.../in/ DIR   vs  crossdock copy sync to local
#   2. S3 -> S3 prefix:     aws s3 sync s3://.../in/ s3://.../out/  vs  crossdock copy sync
# side by side against the same RGW endpoint with the same keys. crossdock's runs are whole
# sync runs: staging, commit (a rename locally, server-side copies in S3) and the manifest
# are included in its time; aws s3 sync writes the final names directly.
#
# Needs the test peers' variables (eval "$(scripts/peers/start.sh DIR)"), a built crossdock
# binary (CROSSDOCK_BIN, default build/crossdock) and /usr/bin/aws.
# Usage: bench/copy_bench.sh [FILES] [BYTES_PER_FILE]
set -euo pipefail
FILES=${1:-1000}
SIZE=${2:-65536}
BIN=${CROSSDOCK_BIN:-build/crossdock}
: "${RGW_ENDPOINT:?start the peers first}" "${RGW_BUCKET:?}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PREFIX="${RGW_PREFIX:-sync}/copybench-$(date +%s)"
export AWS_ACCESS_KEY_ID=$RGW_CUSTOMER_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_CUSTOMER_SECRET_KEY
export AWS_REGION=${RGW_REGION:-us-east-1} AWS_DEFAULT_REGION=${RGW_REGION:-us-east-1}
AWS=(/usr/bin/aws --endpoint-url "$RGW_ENDPOINT")

echo "uploading $FILES files of $SIZE bytes..." >&2
mkdir -p "$WORK/src"
for i in $(seq 1 "$FILES"); do
  d="$WORK/src/d$((i % 10))"
  mkdir -p "$d"
  head -c "$SIZE" /dev/urandom > "$d/f$i.bin"
done
"${AWS[@]}" s3 cp --recursive --quiet "$WORK/src" "s3://$RGW_BUCKET/$PREFIX/in/"

timed() {  # timed NAME CMD...: seconds on stdout
  local start end
  start=$(date +%s.%N)
  "${@:2}" > "$WORK/$1.out" 2>&1 || { cat "$WORK/$1.out" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

db=(--db "$WORK/db.sqlite" --master-key-file "$WORK/master.key")
spec() {  # spec DEST_JSON
  cat <<JSON
{"source": {"type": "s3", "bucket": "$RGW_BUCKET/$PREFIX", "region": "$AWS_REGION",
            "endpoint": "$RGW_ENDPOINT", "prefix": "in/"},
 "destination": $1, "copy": true}
JSON
}
"$BIN" sync create to-local "${db[@]}" \
  --spec "$(spec "{\"type\": \"local\", \"root\": \"$WORK/cd-local\", \"path\": \"out\"}")" >/dev/null
"$BIN" sync create to-s3 "${db[@]}" --spec "$(spec "{\"type\": \"s3\", \"bucket\": \
\"$RGW_BUCKET/$PREFIX\", \"region\": \"$AWS_REGION\", \"endpoint\": \"$RGW_ENDPOINT\", \
\"path\": \"cd-out\"}")" >/dev/null

aws_local=$(timed aws-local "${AWS[@]}" s3 sync --quiet "s3://$RGW_BUCKET/$PREFIX/in/" "$WORK/aws-local")
cd_local=$(timed cd-local "$BIN" sync run to-local --quiet "${db[@]}")
aws_s3=$(timed aws-s3 "${AWS[@]}" s3 sync --quiet "s3://$RGW_BUCKET/$PREFIX/in/" \
  "s3://$RGW_BUCKET/$PREFIX/aws-out/")
cd_s3=$(timed cd-s3 "$BIN" sync run to-s3 --quiet "${db[@]}")

# Same bytes on every side.
n_aws=$(find "$WORK/aws-local" -type f | wc -l)
n_cd=$(find "$WORK/cd-local/out" -type f -name 'f*.bin' | wc -l)
[ "$n_aws" = "$FILES" ] && [ "$n_cd" = "$FILES" ] || { echo "file counts: aws $n_aws, crossdock $n_cd" >&2; exit 1; }
diff -r "$WORK/aws-local" "$(dirname "$(find "$WORK/cd-local/out" -name manifest.json)")" \
  --exclude manifest.json >/dev/null || { echo "local copies differ" >&2; exit 1; }

mb=$(echo "$FILES * $SIZE / 1000000" | bc -l)
printf '| copy of %d files x %d B | aws s3 sync (s) | crossdock copy sync (s) | crossdock speed-up |\n' "$FILES" "$SIZE"
printf '|---|---|---|---|\n'
printf '| S3 -> local | %.2f | %.2f | %.2fx |\n' "$aws_local" "$cd_local" "$(echo "$aws_local / $cd_local" | bc -l)"
printf '| S3 -> S3 | %.2f | %.2f | %.2fx |\n' "$aws_s3" "$cd_s3" "$(echo "$aws_s3 / $cd_s3" | bc -l)"
printf '(%.1f MB per copy)\n' "$mb"
"${AWS[@]}" s3 rm --recursive --quiet "s3://$RGW_BUCKET/$PREFIX/"
