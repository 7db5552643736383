#!/bin/bash
#
# bench/batch.sh - how long does a backfill hold the application's rows?
#
# A table of ROWS orders gets a new column filled from an old one, by a
# revision applied with CALL migrate.apply(), two ways:
#
#   one transaction   UPDATE orders SET total_cents = ... (every row at once)
#   batched           the same UPDATE, LIMIT BATCH rows per run, after the
#                     line "-- migrate:batch": one transaction per run, with
#                     pg_migrate.batch_pause between runs
#
# While each runs, an "application" (pgbench, 50 transactions a second)
# updates one random order at a time.  When it picks a row the backfill
# has locked, it waits until the backfill's transaction ends: its longest
# wait is the longest lock hold it saw.  Printed for both: the backfill's
# duration, the application's waits (max, p99, median) and how many of its
# updates waited longer than 1 s, and the ratios batched / one
# transaction, measured in the same run.  It is a measurement, not a test.
#
#     bench/batch.sh                      # 1,000,000 rows, 10,000 per run
#     bench/batch.sh --quick              # 200,000 rows, 5,000 per run
#     bench/batch.sh -n 500000 -b 2000 -p 20 --no-build --keep /tmp/b
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-n ROWS] [-b BATCH] [-p PAUSE_MS] [--quick] [--no-build] [--keep DIR]

	  -n ROWS      rows of the table (default 1000000)
	  -b BATCH     rows per run of the batched backfill (default 10000)
	  -p PAUSE_MS  pg_migrate.batch_pause (default 50)
	  --quick      200000 rows, 5000 per run
	  --no-build   use the installed extension instead of building this tree
	  --keep DIR   keep the application's latency logs in DIR
	EOF
}

ROWS=1000000
BATCH=10000
PAUSE=50
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-n) ROWS=${2:?}; shift 2 ;;
	-b) BATCH=${2:?}; shift 2 ;;
	-p) PAUSE=${2:?}; shift 2 ;;
	--quick) ROWS=200000; BATCH=5000; shift ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in $ROWS $BATCH $PAUSE; do
	case $v in
	'' | *[!0-9]*) pgm_die "-n, -b and -p take non-negative integers" ;;
	esac
done

pgm_require_root_or_sudo "${ARGS[@]}"
bench_setup "latency logs"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_BUILD=$(build_fingerprint)

cat >"$WORK/app.sql" <<EOF
\\set id random(1, $ROWS)
UPDATE orders SET touched = touched + 1 WHERE id = :id;
EOF

# run NAME SCRIPT: a fresh database, the application running, the revision
# applied; prints "duration_ms max_ms p99_ms median_ms over_1s count"
run() {
	local name=$1 script=$2 db=batch_$1 app t0 t1
	q postgres "CREATE DATABASE $db" >/dev/null
	q "$db" "CREATE EXTENSION pg_migrate" >/dev/null
	q "$db" "SET pg_migrate.on_drift = ignore" >/dev/null
	"${PSQL[@]}" -d "$db" >/dev/null <<-EOF
	CREATE TABLE orders (id integer PRIMARY KEY, total numeric(12, 2) NOT NULL,
	                     touched integer NOT NULL DEFAULT 0, total_cents bigint);
	INSERT INTO orders (id, total) SELECT g, (g % 10000) / 100.0 FROM generate_series(1, $ROWS) AS g;
	VACUUM ANALYZE orders;
	EOF
	q "$db" "SELECT migrate.revision('fill', \$s\$$script\$s\$, 'SELECT 1')" >/dev/null
	(cd "$WORK" && exec "$PGM_PGBIN/pgbench" -n -c 1 -R 50 -T 3600 -l --log-prefix="app_$name" \
		-f "$WORK/app.sql" "$db" >"$WORK/pgbench_$name.out" 2>&1) &
	app=$!
	sleep 2
	t0=$(now_ns)
	"${PSQL[@]}" -d "$db" -c "SET pg_migrate.batch_pause = $PAUSE" \
		-c "SET pg_migrate.on_drift = ignore" -c "CALL migrate.apply('heads')" \
		>"$WORK/apply_$name.out" 2>&1 || { cat "$WORK/apply_$name.out" >&2; pgm_die "the $name backfill failed"; }
	t1=$(now_ns)
	sleep 2
	kill "$app" 2>/dev/null || true
	wait "$app" 2>/dev/null || true
	[ "$(q "$db" "SELECT count(*) FROM orders WHERE total_cents IS NULL")" = 0 ] ||
		pgm_die "the $name backfill left rows unfilled"
	# pgbench's log: the 3rd field is the latency in microseconds
	cat "$WORK"/app_"$name".* | awk '{ print $3 / 1000 }' >"$WORK/lat_$name.txt"
	printf '%s %s\n' \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')" \
		"$(latency_stats "$WORK/lat_$name.txt")"
	q postgres "DROP DATABASE $db WITH (FORCE)" >/dev/null
}

pgm_log "one transaction: $ROWS rows"
read -r one_ms one_max one_p99 one_med one_over one_n <<<"$(run one \
	"UPDATE orders SET total_cents = round(total * 100)")"
pgm_log "batched: $ROWS rows, $BATCH per run, ${PAUSE} ms between runs"
read -r bat_ms bat_max bat_p99 bat_med bat_over bat_n <<<"$(run batched \
	"-- migrate:batch
UPDATE orders SET total_cents = round(total * 100)
 WHERE id IN (SELECT id FROM orders WHERE total_cents IS NULL LIMIT $BATCH)")"

check_fingerprint "$START_BUILD"

echo
echo "## bench/batch.sh"
echo
machine_info postgres
echo "- load average at start: $LOAD_START; $ROWS rows; batched: $BATCH rows per run, pause $PAUSE ms"
echo "- the application: one UPDATE of a random row, 50 a second (pgbench -R 50)"
echo
md_row "measurement" "one transaction" "batched" "batched / one transaction"
md_sep 3
md_row "backfill duration, ms" "$one_ms" "$bat_ms" "$(ratio "$bat_ms" "$one_ms")"
md_row "application's longest wait (longest lock hold seen), ms" "$one_max" "$bat_max" "$(ratio "$bat_max" "$one_max")"
md_row "application's p99 wait, ms" "$one_p99" "$bat_p99" "$(ratio "$bat_p99" "$one_p99")"
md_row "application's median wait, ms" "$one_med" "$bat_med" "$(ratio "$bat_med" "$one_med")"
md_row "application updates waiting over 1 s" "$one_over of $one_n" "$bat_over of $bat_n" ""
