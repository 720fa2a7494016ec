#!/usr/bin/env bash
# The scheduler tick at a vendor's scale (issue 18), on SQLite or PostgreSQL: for each size in
# SIZES, that many syncs whose schedules fall due at the same instant are queued by 1, 2 and 4
# schedulers racing (bench/schedule_enqueue: threads, each with its own store connection as
# separate `crossdock worker` processes have, calling ScheduleStore::EnqueueDue back to back).
# Every call gets a fresh store: a new SQLite file, or a new schema of the database at PG_URL
# (a libpq URL without query parameters), dropped afterwards. Prints a table: the seconds
# until every due schedule is queued, enqueues per second, the runs queued and the syncs with
# more than one queued run (must be 0); exits 1 if any call queued other than one run per sync.
# Usage: bench/schedule_enqueue.sh sqlite|postgres [BUILD_DIR]; postgres needs psql and PG_URL.
# Not a test and not in CI.
set -euo pipefail

usage="usage: [PG_URL=postgresql://...] bench/schedule_enqueue.sh sqlite|postgres [BUILD_DIR]"
kind=${1:?$usage}
build=${2:-build}
bench=$build/bench/schedule_enqueue
SIZES=${SIZES:-"1000 10000"}
SCHEDULERS=${SCHEDULERS:-"1 2 4"}
case $kind in
  sqlite) store=SQLite ;;
  postgres) store=PostgreSQL; : "${PG_URL:?set PG_URL to a PostgreSQL URL (postgresql://user:password@host:port/db)}" ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
work=$(mktemp -d)
schema=
drop_schema() {
  if [[ -n $schema ]]; then psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
  schema=
}
cleanup() {
  drop_schema
  rm -rf "$work"
}
trap cleanup EXIT

# The value of NAME=value in $line.
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$line"; }

failed=0
printf '| store | syncs | schedulers | seconds | enqueues/s | runs queued | duplicates |\n'
printf '|---|---|---|---|---|---|---|\n'
for size in $SIZES; do
  for n in $SCHEDULERS; do
    if [[ $kind == sqlite ]]; then
      db=$work/sched-$size-$n.db
    else
      schema=bench_sched_$$_${size}_$n
      psql "$PG_URL" -qc "CREATE SCHEMA $schema" >/dev/null
      db="$PG_URL?options=-csearch_path%3D$schema"
    fi
    line=$("$bench" "$db" "$n" "$size") || failed=1
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$store" "$size" "$n" "$(field seconds)" \
      "$(field enqueues_per_s)" "$(field runs)" "$(field duplicates)"
    if [[ $kind == sqlite ]]; then rm -f "$db"*; else drop_schema; fi
  done
done
exit "$failed"
