#!/bin/bash
#
# bench/stall.sh - does a queued migration stall the application?
#
# A reader holds table t for READER seconds (BEGIN; SELECT; pg_sleep).
# Half a second later a revision runs ALTER TABLE t ADD COLUMN through
# SELECT migrate.upgrade(); it queues behind the reader for an ACCESS
# EXCLUSIVE lock, and every plain read of t that arrives meanwhile queues
# behind it.  An application reads t every 50 ms (pgbench -R 20).  Two
# runs, in the same session of this script:
#
#   off        pg_migrate.ddl_lock_timeout = 0 (what 0.3.0 did)
#   defaults   pg_migrate.ddl_lock_timeout = 500 ms, 10 retries
#
# Printed for both: the application's waits (max, p99, median), reads that
# waited over 1 s, and how long the migration took (it must finish after
# the reader ends), with the ratios defaults / off.  The target: no read
# waits longer than ddl_lock_timeout + 100 ms.  A measurement, not a test.
#
#     bench/stall.sh                  # reader 4 s, 3 runs of each
#     bench/stall.sh -t 8 -r 1 --no-build
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-t READER_SECONDS] [-r RUNS] [--no-build] [--keep DIR]

	  -t SECONDS   how long the reader holds the table (default 4)
	  -r RUNS      runs of each setting (default 3); the worst run is shown
	  --no-build   use the installed extension instead of building this tree
	  --keep DIR   keep the application's latency logs in DIR
	EOF
}

READER=4
RUNS=3
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-t) READER=${2:?}; shift 2 ;;
	-r) RUNS=${2:?}; shift 2 ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in $READER $RUNS; do
	case $v in
	'' | *[!0-9]*) pgm_die "-t and -r take positive integers" ;;
	esac
done

pgm_require_root_or_sudo "${ARGS[@]}"
bench_setup "latency logs"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_BUILD=$(build_fingerprint)

echo 'SELECT count(*) FROM t;' >"$WORK/app.sql"

# run NAME DDL_TIMEOUT: prints "migration_ms max_ms p99_ms median_ms over_1s count"
run() {
	local name=$1 timeout=$2 db=stall_$1 app reader t0 t1
	q postgres "CREATE DATABASE $db" >/dev/null
	q "$db" "CREATE EXTENSION pg_migrate" >/dev/null
	q "$db" "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10000) AS g" >/dev/null
	q "$db" "SELECT migrate.revision('c1', 'ALTER TABLE t ADD COLUMN c int', 'ALTER TABLE t DROP COLUMN c')" >/dev/null
	(cd "$WORK" && exec "$PGM_PGBIN/pgbench" -n -c 1 -R 20 -T $((READER + 4)) -l \
		--log-prefix="app_$name" -f "$WORK/app.sql" "$db" >"$WORK/pgbench_$name.out" 2>&1) &
	app=$!
	sleep 1
	"${PSQL[@]}" -d "$db" -c "BEGIN" -c "SELECT count(*) FROM t" -c "SELECT pg_sleep($READER)" \
		-c "COMMIT" >/dev/null &
	reader=$!
	sleep 0.5
	t0=$(now_ns)
	"${PSQL[@]}" -d "$db" -c "SET pg_migrate.on_drift = ignore" \
		-c "SET pg_migrate.ddl_lock_timeout = $timeout" \
		-c "SELECT count(*) FROM migrate.upgrade('heads')" >"$WORK/migrate_$name.out" 2>&1 ||
		{ cat "$WORK/migrate_$name.out" >&2; pgm_die "the $name migration failed"; }
	t1=$(now_ns)
	wait "$reader"
	wait "$app" || true
	cat "$WORK"/app_"$name".* | awk '{ print $3 / 1000 }' >"$WORK/lat_$name.txt"
	rm -f "$WORK"/app_"$name".*
	printf '%s %s\n' \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')" \
		"$(latency_stats "$WORK/lat_$name.txt")"
	q postgres "DROP DATABASE $db WITH (FORCE)" >/dev/null
}

# the worst of RUNS runs (by the longest wait)
worst() {
	local name=$1 timeout=$2 r line best=
	for ((r = 1; r <= RUNS; r++)); do
		line=$(run "${name}_$r" "$timeout")
		if [ -z "$best" ] || awk -v a="${line#* }" -v b="${best#* }" 'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] > y[1]) }'; then
			best=$line
		fi
	done
	echo "$best"
}

pgm_log "feature off: $RUNS runs, reader $READER s"
read -r off_ms off_max off_p99 off_med off_over off_n <<<"$(worst off 0)"
pgm_log "defaults: $RUNS runs, reader $READER s"
read -r def_ms def_max def_p99 def_med def_over def_n <<<"$(worst defaults 500)"

check_fingerprint "$START_BUILD"

echo
echo "## bench/stall.sh"
echo
machine_info postgres
echo "- load average at start: $LOAD_START; the reader holds t for $READER s; the migration starts 0.5 s after it; worst of $RUNS runs"
echo "- the application: SELECT count(*) FROM t, 20 a second (pgbench -R 20)"
echo
md_row "measurement" "off (0.3.0)" "defaults (500 ms, 10 retries)" "defaults / off"
md_sep 3
md_row "application's longest wait, ms" "$off_max" "$def_max" "$(ratio "$def_max" "$off_max")"
md_row "application's p99 wait, ms" "$off_p99" "$def_p99" "$(ratio "$def_p99" "$off_p99")"
md_row "application's median wait, ms" "$off_med" "$def_med" "$(ratio "$def_med" "$off_med")"
md_row "reads waiting over 1 s" "$off_over of $off_n" "$def_over of $def_n" ""
md_row "migration done after, ms (the reader ends at about $(((READER * 1000) - 500)))" "$off_ms" "$def_ms" "$(ratio "$def_ms" "$off_ms")"
md_row "target: longest wait <= 600 ms" "" "$(awk -v m="$def_max" 'BEGIN { print (m <= 600 ? "met" : "not met") }')" ""
