#!/usr/bin/env bash
# `crossdock credentials --connection NAME` as the aws CLI's credential_process, against the
# real peers: a connection to the vendor-sync role is created in a throwaway database, an AWS
# config profile runs crossdock for its credentials, and the aws CLI (Debian awscli) writes,
# lists, reads and deletes inside the role's prefix with them. Also: the JSON has the
# credential_process shape, and the aws CLI is refused outside the prefix.
# Usage: credential_process_itest.sh CROSSDOCK_BINARY. Exit 77 (skip) without the peers
# unless CROSSDOCK_REQUIRE_PEERS=1.
set -euo pipefail
bin=$1
for v in RGW_ENDPOINT CROSSDOCK_STS_ENDPOINT RGW_VENDOR_ACCESS_KEY RGW_VENDOR_SECRET_KEY \
  RGW_ROLE_ARN RGW_BUCKET RGW_PREFIX RGW_REGION RGW_VENDOR_ACCOUNT; do
  if [ -z "${!v:-}" ]; then
    [ "${CROSSDOCK_REQUIRE_PEERS:-}" = 1 ] && { echo "peer not configured: $v unset"; exit 1; }
    echo "skipped: $v unset"; exit 77
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CROSSDOCK_DB="$work/crossdock.db" CROSSDOCK_MASTER_KEY_FILE="$work/master.key"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" identity set --init --account-id "$RGW_VENDOR_ACCOUNT" >/dev/null
"$bin" connection create --type s3 --name cp-test --auth iam-role --role-arn "$RGW_ROLE_ARN" \
  --region "$RGW_REGION" --bucket "$RGW_BUCKET/$RGW_PREFIX" >/dev/null

# crossdock's own credentials: the vendor's keys, only in crossdock's environment.
cat >"$work/crossdock-creds.sh" <<SH
#!/bin/sh
exec env -u AWS_PROFILE -u AWS_CONFIG_FILE AWS_ACCESS_KEY_ID=$RGW_VENDOR_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_VENDOR_SECRET_KEY \
  CROSSDOCK_DB=$CROSSDOCK_DB CROSSDOCK_MASTER_KEY_FILE=$CROSSDOCK_MASTER_KEY_FILE \
  "$bin" credentials --connection cp-test --endpoint-url $CROSSDOCK_STS_ENDPOINT
SH
chmod +x "$work/crossdock-creds.sh"

json=$("$work/crossdock-creds.sh")
/usr/bin/python3 - "$json" <<'PY' || fail "credential_process JSON has the wrong shape: $json"
import json, sys
d = json.loads(sys.argv[1])
assert d["Version"] == 1, d
for k in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
    assert isinstance(d[k], str) and d[k], k
assert d["Expiration"].endswith("Z"), d["Expiration"]
PY

cat >"$work/config" <<CFG
[profile crossdock]
region = $RGW_REGION
credential_process = $work/crossdock-creds.sh
CFG
export AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/none" AWS_PROFILE=crossdock
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
aws=(/usr/bin/aws --endpoint-url "$RGW_ENDPOINT")
key="$RGW_PREFIX/credential-process-$$-$RANDOM.txt"
echo "written by the aws CLI with crossdock credentials" >"$work/up.txt"
"${aws[@]}" s3 cp "$work/up.txt" "s3://$RGW_BUCKET/$key" >/dev/null || fail "aws s3 cp upload"
"${aws[@]}" s3 ls "s3://$RGW_BUCKET/$RGW_PREFIX/" | grep -q "$(basename "$key")" || fail "aws s3 ls"
"${aws[@]}" s3 cp "s3://$RGW_BUCKET/$key" "$work/down.txt" >/dev/null || fail "aws s3 cp download"
cmp "$work/up.txt" "$work/down.txt" || fail "downloaded bytes differ"
"${aws[@]}" s3 rm "s3://$RGW_BUCKET/$key" >/dev/null || fail "aws s3 rm"
if "${aws[@]}" s3 cp "$work/up.txt" "s3://$RGW_BUCKET/outside-the-prefix-$$.txt" 2>/dev/null; then
  fail "the role's credentials wrote outside its prefix"
fi

# The container credentials protocol: crossdock serves, the aws CLI fetches with the token.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
env -u AWS_PROFILE -u AWS_CONFIG_FILE AWS_ACCESS_KEY_ID="$RGW_VENDOR_ACCESS_KEY" \
  AWS_SECRET_ACCESS_KEY="$RGW_VENDOR_SECRET_KEY" CROSSDOCK_CONTAINER_TOKEN="$token" \
  "$bin" credentials --connection cp-test --endpoint-url "$CROSSDOCK_STS_ENDPOINT" \
  --serve "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
kill -0 $server 2>/dev/null || fail "crossdock credentials --serve exited: $(cat "$work/serve.log")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: wrong-token-000000000" \
  "http://127.0.0.1:$port/creds" || true)
[ "$code" = 401 ] || fail "a wrong container token got HTTP $code"
unset AWS_PROFILE
export AWS_CONFIG_FILE="$work/none" AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$port/creds"
export AWS_CONTAINER_AUTHORIZATION_TOKEN="$token" AWS_DEFAULT_REGION="$RGW_REGION"
"${aws[@]}" s3 cp "$work/up.txt" "s3://$RGW_BUCKET/$key" >/dev/null || fail "container credentials: upload"
"${aws[@]}" s3 rm "s3://$RGW_BUCKET/$key" >/dev/null || fail "container credentials: delete"
echo "credential_process and container credentials: 2 passed, 0 failed"
