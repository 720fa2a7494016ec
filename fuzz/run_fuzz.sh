#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for N seconds
# (default 60). CI runs it briefly; the documented long run is 600 seconds per target:
#   fuzz/run_fuzz.sh 600
# Crashes are written to build-fuzz/crashes/ and make the script exit non-zero.
set -eu
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CROSSDOCK_FUZZ_BUILD:-$root/build-fuzz}"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCROSSDOCK_FUZZ=ON \
    -DCROSSDOCK_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
targets="policy_parser_fuzz arn_parser_fuzz request_path_fuzz s3_xml_fuzz sts_xml_fuzz sync_spec_fuzz"
# shellcheck disable=SC2086
ninja -C "$build" -j2 $targets
mkdir -p "$build/crashes" "$build/corpus/policy" "$build/corpus/arn"
cp "$root"/tests/data/iam/seeds/*.json "$build/corpus/policy/"
printf 'arn:aws:iam::123456789012:role/demo-role' > "$build/corpus/arn/role"
printf 'arn:aws:iam:::123456789012:role/demo-role' > "$build/corpus/arn/extra-colon"
printf 'arn:aws:s3:::bkt/*\narn:aws:s3:::bkt/a/b' > "$build/corpus/arn/match"
"$build/fuzz/policy_parser_fuzz" -max_total_time="$seconds" -max_len=4096 \
  -dict="$root/fuzz/policy.dict" -artifact_prefix="$build/crashes/" "$build/corpus/policy"
"$build/fuzz/arn_parser_fuzz" -max_total_time="$seconds" -max_len=512 \
  -artifact_prefix="$build/crashes/" "$build/corpus/arn"
# The seed corpora in fuzz/corpus/TARGET are copied so that the runs' finds stay in build-fuzz.
for target in request_path s3_xml sts_xml sync_spec; do
  mkdir -p "$build/corpus/$target"
  cp "$root/fuzz/corpus/$target/"* "$build/corpus/$target/"
  "$build/fuzz/${target}_fuzz" -max_total_time="$seconds" -max_len=8192 \
    -artifact_prefix="$build/crashes/" "$build/corpus/$target"
done
