#!/bin/bash
#
# bench/concurrent_deployers.sh - what does it cost when many application
# replicas deploy at once?
#
# Generates M small, realistic migrations (create table, seed rows, add a
# column without and with a default, create an index, add a foreign key,
# update a few rows; each with an exact down script), registers them as a
# linear chain, and measures, on fresh databases holding the same
# registrations:
#
#   (a) one deployer running   SELECT count(*) FROM migrate.upgrade('heads')
#   (b) N deployers (default 50) running that statement at the same moment
#
# over R runs (default 5), and prints the medians and the ratio (b)/(a).
# For context it also times the raw SQL of the same migrations with
# "psql -1 -f" on a database without pg_migrate.  It is a measurement,
# not a test: it does not fail when the ratio misses the goal in
# bench/README.md (it does exit non-zero if a deployer fails or a revision
# is not applied exactly once, since the numbers would then be meaningless).
#
# On a fresh Debian 12 machine, from anywhere:
#
#     bench/concurrent_deployers.sh            # M=200, R=5, N=50
#     bench/concurrent_deployers.sh -m 500 -r 3 -n 20
#
# Like scripts/test it installs what is missing (apt-get), builds the
# extension from this repository with warnings as errors and installs it
# (skip with --no-build to use the installed one), and runs a throwaway
# cluster as user postgres in /tmp, removed at the end.  Needs root (or
# sudo).
#
# How (a) and (b) are timed: every deployer is a psql session that connects
# first, then waits for a shared advisory lock that a gate session holds.
# Once all deployers are queued behind the gate, the gate session is
# terminated (its server clock is the start time) and they all run the
# statement at once; each then reports the server clock after its
# statement has committed.  The time of a run is the last report minus the
# start time, so connection set-up is not counted and (a) and (b) are
# measured the same way.  The raw baseline is timed around the psql
# process (start-up and connection included; the "psql -1 -c 'SELECT 1'"
# line shows how much that is).
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-m MIGRATIONS] [-r RUNS] [-n DEPLOYERS] [--no-build] [--keep DIR]

	  -m MIGRATIONS  number of generated migrations (default 200)
	  -r RUNS        runs of each measurement (default 5)
	  -n DEPLOYERS   concurrent deployers in (b) (default 50, at most 90)
	  --no-build     use the installed extension instead of building this tree
	  --keep DIR     keep the generated SQL and the raw results in DIR
	EOF
}

MIGRATIONS=200
RUNS=5
DEPLOYERS=50
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-m) MIGRATIONS=${2:?}; shift 2 ;;
	-r) RUNS=${2:?}; shift 2 ;;
	-n) DEPLOYERS=${2:?}; shift 2 ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in "$MIGRATIONS" "$RUNS" "$DEPLOYERS"; do
	case $v in
	'' | *[!0-9]*) pgm_die "-m, -r and -n take positive integers" ;;
	esac
	[ "$v" -ge 1 ] || pgm_die "-m, -r and -n take positive integers"
done
[ "$DEPLOYERS" -le 90 ] || pgm_die "at most 90 deployers (the cluster has max_connections = 100)"

pgm_require_root_or_sudo "${ARGS[@]}"

GATE_KEY=804242

# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------

bench_setup "generated SQL and raw results"

# The migrations are gen_migrations' (bench/lib.sh), shared with
# bench/speed.sh; PSQL, q, time_psql and median/minimum/maximum come from
# there too.

# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------

# The statement every deployer runs, between the gate and the clock.
cat >"$WORK/deployer.sql" <<EOF
\\o /dev/null
SELECT pg_advisory_lock_shared($GATE_KEY);
SELECT pg_advisory_unlock_shared($GATE_KEY);
\\o
SELECT count(*) FROM migrate.upgrade('heads');
SELECT round(extract(epoch FROM clock_timestamp()) * 1000, 3);
EOF

# wait_for DB SQL WANT SECONDS: poll until SQL returns WANT.
wait_for() {
	local deadline=$((SECONDS + $4)) got
	while :; do
		got=$(q "$1" "$2")
		[ "$got" = "$3" ] && return 0
		[ "$SECONDS" -lt "$deadline" ] || pgm_die "timed out waiting for \"$2\" to return $3 (last: $got)"
		sleep 0.05
	done
}

# deploy DB N OUTDIR: N deployers at once against DB.  Prints the time in
# ms from the gate opening to the last deployer's commit.  Leaves each
# deployer's output in OUTDIR/deployer.I.{out,err}.
deploy() {
	local db=$1 n=$2 dir=$3 sql=${4:-$WORK/deployer.sql} i gate_pid start end
	local pids=()
	mkdir -p "$dir"

	"${PSQL[@]}" -At -d "$db" \
		-c "SET application_name = pgm_bench_gate" \
		-c "SELECT pg_advisory_lock($GATE_KEY)" \
		-c "SELECT pg_sleep(3600)" >/dev/null 2>&1 &
	gate_pid=$!
	wait_for "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $GATE_KEY AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())" 1 60

	for ((i = 1; i <= n; i++)); do
		PGAPPNAME=pgm_bench_deployer_$i "${PSQL[@]}" -At -d "$db" -f "$sql" \
			>"$dir/deployer.$i.out" 2>"$dir/deployer.$i.err" &
		pids+=($!)
	done
	wait_for "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $GATE_KEY AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())" "$n" 120

	# not timed: start every run from the same point
	q "$db" "CHECKPOINT" >/dev/null
	start=$(q "$db" "SELECT round(extract(epoch FROM clock_timestamp()) * 1000, 3), pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgm_bench_gate' AND datname = current_database()" | cut -d'|' -f1)
	wait "$gate_pid" 2>/dev/null || true

	local failed=0
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || failed=$((failed + 1))
	done
	if [ "$failed" -gt 0 ]; then
		cat "$dir"/deployer.*.err >&2
		pgm_die "$failed deployer(s) failed (see above)"
	fi
	end=$(for ((i = 1; i <= n; i++)); do sed -n 2p "$dir/deployer.$i.out"; done | sort -n | tail -n 1)
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", e - s }'
}

# check_exactly_once DB N DIR: every revision applied once, by one deployer.
# Prints "K" = how many deployers applied something.
check_exactly_once() {
	local db=$1 n=$2 dir=$3 counts appliers total events applied
	counts=$(for ((i = 1; i <= n; i++)); do sed -n 1p "$dir/deployer.$i.out"; done)
	appliers=$(printf '%s\n' "$counts" | awk '$1 > 0 { k++ } END { print k + 0 }')
	total=$(printf '%s\n' "$counts" | awk '{ s += $1 } END { print s + 0 }')
	applied=$(q "$db" "SELECT count(*) FROM migrate.applied")
	events=$(q "$db" "SELECT count(*) FROM migrate.events WHERE direction = 'up'")
	if [ "$appliers" -ne 1 ] || [ "$total" -ne "$MIGRATIONS" ] ||
		[ "$applied" -ne "$MIGRATIONS" ] || [ "$events" -ne "$MIGRATIONS" ]; then
		pgm_die "not exactly once in $db: $appliers deployer(s) applied revisions, $total steps reported, $applied applied, $events events (expected 1, $MIGRATIONS, $MIGRATIONS, $MIGRATIONS)"
	fi
	echo "$appliers"
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
pgm_log "generating $MIGRATIONS migrations"
gen_migrations "$MIGRATIONS" "$WORK"

pgm_log "registering them in a template database"
q postgres "CREATE DATABASE bench_template TEMPLATE template0" >/dev/null
q bench_template "CREATE EXTENSION pg_migrate" >/dev/null
"${PSQL[@]}" -d bench_template -f "$WORK/register.sql" >/dev/null
[ "$(q bench_template "SELECT count(*) FROM migrate.revisions")" -eq "$MIGRATIONS" ] ||
	pgm_die "registration did not register $MIGRATIONS revisions"

# a warm-up deploy, not counted: loads the library, fills the OS cache
q postgres "CREATE DATABASE bench_warmup TEMPLATE bench_template" >/dev/null
deploy bench_warmup 1 "$WORK/warmup" >/dev/null
q postgres "DROP DATABASE bench_warmup" >/dev/null

# the control: the same gate and sessions running a trivial statement,
# which measures what N sessions cost on this machine without pg_migrate
sed 's/^SELECT count(\*) FROM migrate.upgrade.*/SELECT 0;/' "$WORK/deployer.sql" >"$WORK/control.sql"
q postgres "CREATE DATABASE bench_control TEMPLATE template0" >/dev/null

: >"$WORK/results.tsv"
printf 'run\traw_ms\tconnect_ms\tsingle_ms\tmulti_ms\tctl1_ms\tctln_ms\n' >>"$WORK/results.tsv"
for ((r = 1; r <= RUNS; r++)); do
	pgm_log "run $r of $RUNS"

	q postgres "CREATE DATABASE bench_raw_$r TEMPLATE template0" >/dev/null
	q "bench_raw_$r" "CHECKPOINT" >/dev/null
	raw=$(time_psql "bench_raw_$r" -1 -f "$WORK/raw.sql")
	connect=$(time_psql "bench_raw_$r" -1 -c "SELECT 1")
	q postgres "DROP DATABASE bench_raw_$r" >/dev/null

	q postgres "CREATE DATABASE bench_single_$r TEMPLATE bench_template" >/dev/null
	single=$(deploy "bench_single_$r" 1 "$WORK/run$r/single")
	check_exactly_once "bench_single_$r" 1 "$WORK/run$r/single" >/dev/null
	q postgres "DROP DATABASE bench_single_$r" >/dev/null

	q postgres "CREATE DATABASE bench_multi_$r TEMPLATE bench_template" >/dev/null
	multi=$(deploy "bench_multi_$r" "$DEPLOYERS" "$WORK/run$r/multi")
	check_exactly_once "bench_multi_$r" "$DEPLOYERS" "$WORK/run$r/multi" >/dev/null
	q postgres "DROP DATABASE bench_multi_$r" >/dev/null

	ctl1=$(deploy bench_control 1 "$WORK/run$r/ctl1" "$WORK/control.sql")
	ctln=$(deploy bench_control "$DEPLOYERS" "$WORK/run$r/ctln" "$WORK/control.sql")

	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$raw" "$connect" "$single" "$multi" "$ctl1" "$ctln" >>"$WORK/results.tsv"
	printf '    raw psql -1 -f %8s ms   (a) 1 deployer %8s ms   (b) %d deployers %8s ms\n' \
		"$raw" "$single" "$DEPLOYERS" "$multi"
done

col() { awk -F'\t' -v c="$1" 'NR > 1 { print $c }' "$WORK/results.tsv"; }
row() {
	local label=$1 c=$2
	printf '%-52s %9s %9s %9s\n' "$label" "$(col "$c" | median)" "$(col "$c" | minimum)" "$(col "$c" | maximum)"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
pgver=$(q postgres "SHOW server_version")
extver=$(q bench_template "SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'")
a=$(col 4 | median)
b=$(col 5 | median)

echo
echo "pg_migrate $extver, PostgreSQL $pgver, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores (${cpu:-unknown CPU}), $mem RAM, $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "load average (1, 5, 15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$MIGRATIONS migrations, $RUNS runs, $DEPLOYERS concurrent deployers; times in ms"
echo
printf '%-52s %9s %9s %9s\n' "" median min max
row "raw SQL: psql -1 -f (no pg_migrate)" 2
row "  of which psql start-up + connection (psql -1 -c)" 3
row "(a) 1 deployer: SELECT count(*) FROM migrate.upgrade" 4
row "(b) $DEPLOYERS deployers, the same statement at once" 5
row "(c1) control: 1 session, SELECT 0 through the gate" 6
row "(cN) control: $DEPLOYERS sessions, SELECT 0 through the gate" 7
c1=$(col 6 | median)
cn=$(col 7 | median)
echo
awk -v a="$a" -v b="$b" -v c1="$c1" -v cn="$cn" -v n="$DEPLOYERS" 'BEGIN {
	printf "ratio (b)/(a) of the medians: %.2f   (goal in bench/README.md: <= 1.2)\n", b / a
	if (n > 1)
		printf "(b) - (a) per additional deployer: %.1f ms\n", (b - a) / (n - 1)
	printf "without the cost of %d sessions on this machine, ((b) - (cN)) / ((a) - (c1)): %.2f\n", n, (b - cn) / (a - c1)
}'
