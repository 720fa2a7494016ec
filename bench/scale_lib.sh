# Shared by bench/scale.sh (SQLite) and bench/scale_postgres.sh (PostgreSQL), sourced after
# they set bin, PORT, base, token, work and server_pid: start and stop `crossdock serve` on
# the store being measured, and the latency percentiles of REQUESTS GETs or CREATES POSTs.

# start_server SERVE_ARGS...: the store's own arguments (--db ..., key, data dir).
start_server() {
  "$bin" serve "$@" --port "$PORT" --vendor-account-id 123456789012 --org acme \
    --allow-postgres-host db.example >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    kill -0 "$server_pid" 2>/dev/null || break  # e.g. the port is taken: set PORT
    curl -sf "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# p50 and p99 in milliseconds of the seconds on stdin.
percentiles() {
  sort -n | awk '{v[NR]=$1} END {
    p50=v[int(NR*0.50)>0?int(NR*0.50):1]; p99=v[int(NR*0.99)>0?int(NR*0.99):1];
    printf "%.2f %.2f", p50*1000, p99*1000}'
}

# REQUESTS GETs of $1, each on a new connection (reusing one adds the client's delayed-ACK
# wait of 40 ms to every answer, which measures the TCP stack, not crossdock).
list_latency() {
  for _ in $(seq "$REQUESTS"); do
    curl -s -o /dev/null -H "Authorization: Bearer $token" -w '%{time_total}\n' "$base$1"
  done | percentiles
}

# CREATES connections named $1<i>.
create_latency() {
  for i in $(seq "$CREATES"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -X POST "$base/v1/connections" \
      -d "{\"type\":\"s3\",\"name\":\"$1$i\",\"auth_method\":\"iam-role\",\"role_arn\":\"arn:aws:iam::111122223333:role/crossdock\",\"region\":\"us-west-1\",\"bucket\":\"output\"}"
  done | percentiles
}
