#!/bin/bash
#
# bench/speed.sh - is a deploy through pg_migrate as fast as the same SQL
# run by psql?
#
# Generates N realistic migrations (bench/lib.sh: gen_migrations, the same
# ones as bench/concurrent_deployers.sh) and times, over R runs, each on a
# fresh database copied from a prepared template:
#
#   raw up      psql -1 -f raw.sql           (the up scripts, no pg_migrate)
#   raw down    psql -1 -f raw_down.sql      (the down scripts, reversed)
#   apply       psql -c "SELECT count(*) FROM migrate.upgrade('heads')"
#               with the N revisions registered, nothing applied
#   first deploy, SQL      psql -1 -f of N migrate.revision() calls and
#                          the upgrade, on a database with only the extension
#   first deploy, client   pg_migrate upgrade --dir DIR, same database
#   no-op deploy, client   pg_migrate upgrade --dir DIR when all is applied
#   no-op deploy, SQL      the SQL first deploy again when all is applied
#   downgrade   psql -c "SELECT count(*) FROM migrate.downgrade('base')"
#   baselines   psql -c 'SELECT 1', and the "bytes floor": one psql
#               process sending one statement that holds the bytes of all
#               N migration files
#
# and the server-side time of upgrade('heads') with nothing to do, at N
# and at 10,000 revisions (--big): warm (100 calls in one DO block, each
# timed with clock_timestamp()), warm as separate statements, and the
# first call in a new session (both from EXPLAIN ANALYZE's planning plus
# execution time).  It prints medians, minimums, maximums and the ratios
# to the baselines measured in the same run, as a markdown table (the
# targets are in bench/README.md).  It is a measurement, not a test: it
# does not fail on a number, but it stops with an error if a run did not
# do what it should (wrong counts, tables left behind).
#
#     bench/speed.sh                  # N=1000, R=5, --big 10000
#     bench/speed.sh -n 200 -r 3 --big ''
#     bench/speed.sh --no-build --keep /tmp/s
#
# Like the other scripts it installs what is missing, builds and installs
# this tree unless --no-build, and runs a throwaway cluster as postgres.
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-n MIGRATIONS] [-r RUNS] [--big SIZES] [--no-build] [--keep DIR]

	  -n MIGRATIONS  number of generated migrations (default 1000)
	  -r RUNS        runs of each measurement (default 5), after one
	                 warm-up run that is not counted
	  --big SIZES    sizes (space-separated) of the trivial chains on which the
	                 no-op upgrade is also timed (default "10000"; "" for none)
	  --no-build     use the installed extension instead of building this tree
	  --keep DIR     keep the generated SQL, files and raw results in DIR
	EOF
}

MIGRATIONS=1000
RUNS=5
BIG="10000"
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-n) MIGRATIONS=${2:?}; shift 2 ;;
	-r) RUNS=${2:?}; shift 2 ;;
	--big) BIG=${2?}; shift 2 ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in "$MIGRATIONS" "$RUNS" $BIG; do
	case $v in
	'' | *[!0-9]*) pgm_die "-n, -r and --big take positive integers" ;;
	esac
	[ "$v" -ge 1 ] || pgm_die "-n, -r and --big take positive integers"
done
# N itself is always measured (on the realistic migrations)
BIG=$(for v in $BIG; do [ "$v" -eq "$MIGRATIONS" ] || echo "$v"; done | sort -nu | tr '\n' ' ')

pgm_require_root_or_sudo "${ARGS[@]}"

# the statement a warm call, a first call and the DO block time
NOOP="SELECT count(*) FROM migrate.upgrade('heads')"
# calls in the DO block, and warm statements in one session
DO_CALLS=100
WARM_STATEMENTS=20

# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------

bench_setup "generated SQL and raw results"
[ -x "$PGM_CLIENT" ] || pgm_die "$PGM_CLIENT not found (make install installs it)"

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

TABLES=$(((MIGRATIONS + 6) / 7))

# fresh NAME TEMPLATE: a new database copied from TEMPLATE, checkpointed so
# that every timed step starts with no dirty buffers (not timed).
fresh() {
	q postgres "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1
	q postgres "CREATE DATABASE $1 TEMPLATE $2" >/dev/null
	q "$1" "CHECKPOINT" >/dev/null
}

drop() { q postgres "DROP DATABASE $1" >/dev/null; }

# expect WHAT GOT WANT: stop unless GOT = WANT.
expect() {
	[ "$2" = "$3" ] || pgm_die "run check failed: $1 is \"$2\", expected \"$3\""
}

# check_state DB REVISIONS APPLIED UP_EVENTS DOWN_EVENTS TABLES
check_state() {
	local got
	got=$(q "$1" "SELECT (SELECT count(*) FROM migrate.revisions) || ' ' ||
		(SELECT count(*) FROM migrate.applied) || ' ' ||
		(SELECT count(*) FROM migrate.events WHERE direction = 'up' AND outcome = 'success') || ' ' ||
		(SELECT count(*) FROM migrate.events WHERE direction = 'down' AND outcome = 'success')")
	expect "revisions, applied, up and down events in $1" "$got" "$2 $3 $4 $5"
	expect "bench tables in $1" "$(bench_tables "$1")" "$6"
}

state_version() { q "$1" "SELECT state_version FROM migrate.projects WHERE project = 'default'"; }

# explain_ms DB SQL...: one psql session (a new backend) that runs SELECT 1
# and then each SQL under EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON); prints
# planning + execution time in ms of each, one a line.  That is the
# server's own time for the statement: no client, no network, no parsing
# of the EXPLAIN wrapper; the executor's start-up (where the library is
# loaded on a first call) is included.
explain_ms() {
	local db=$1 s args=(-c "SELECT 1")
	shift
	for s in "$@"; do
		args+=(-c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $s")
	done
	"${PSQL[@]}" -At -d "$db" "${args[@]}" |
		awk '/^Planning Time:/ { p = $3 } /^Execution Time:/ { printf "%.3f\n", p + $3 }'
}

# noop_server DB: the four server-side timings of a no-op upgrade('heads')
# on DB, in ms, as "first first_preloaded warm_statements warm_do".
noop_server() {
	local db=$1 first pre warm do_ms i stmts=()
	# a new session: its first call (library load, caches, plans included)
	first=$(explain_ms "$db" "$NOOP")
	# the same with the library loaded when the session starts, as
	# shared_preload_libraries = 'pg_migrate' does for every session
	pre=$(PGOPTIONS="-c session_preload_libraries=pg_migrate" explain_ms "$db" "$NOOP")
	# one session, WARM_STATEMENTS + 1 statements, the first not counted
	for ((i = 0; i <= WARM_STATEMENTS; i++)); do
		stmts+=("$NOOP")
	done
	warm=$(explain_ms "$db" "${stmts[@]}" | tail -n +2 | median_exact)
	# one session, one warm-up call, then DO_CALLS calls in a DO block
	do_ms=$("${PSQL[@]}" -At -d "$db" -c "$NOOP" -c "
		DO \$\$
		DECLARE
			t0 timestamptz;
			ms float8[] := '{}';
			n bigint;
		BEGIN
			FOR i IN 1..$DO_CALLS LOOP
				t0 := clock_timestamp();
				SELECT count(*) INTO n FROM migrate.upgrade('heads');
				ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000)::float8;
				IF n <> 0 THEN
					RAISE EXCEPTION 'upgrade(''heads'') was not a no-op: % steps', n;
				END IF;
			END LOOP;
			PERFORM set_config('bench.median_ms',
				(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) AS x)::text, false);
		END
		\$\$" -c "SELECT round(current_setting('bench.median_ms')::numeric, 3)" | tail -n 1)
	if [ -z "$first" ] || [ -z "$pre" ] || [ -z "$warm" ] || [ -z "$do_ms" ]; then
		pgm_die "no timing from EXPLAIN ANALYZE on $db"
	fi
	echo "$first $pre $warm $do_ms"
}

# ---------------------------------------------------------------------------
# The migrations and the templates
# ---------------------------------------------------------------------------

BUILD_START=$(build_fingerprint)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
pgm_log "generating $MIGRATIONS migrations"
gen_migrations "$MIGRATIONS" "$WORK"
FILES=$WORK/migrations

# The first deploy as one SQL file: every registration, then the upgrade.
{
	cat "$WORK/register.sql"
	echo "SELECT count(*) FROM migrate.upgrade('heads');"
} >"$WORK/deploy.sql"

# The bytes floor: one statement carrying the bytes of all N files, in a
# dollar quote whose tag cannot occur in them.  Its result (the length)
# is checked, so the server really received them all.
TAG=pgm_bench_bytes
if cat "$FILES"/*.sql | grep -qF "\$$TAG\$"; then
	pgm_die "the dollar-quote tag \$$TAG\$ occurs in the migration files"
fi
BYTES=$(cat "$FILES"/*.sql | wc -c)
{
	printf 'SELECT length($%s$' "$TAG"
	cat "$FILES"/*.sql
	printf '$%s$);\n' "$TAG"
} >"$WORK/bytes.sql"

pgm_log "preparing the template databases"
# bench_t_raw: raw.sql applied, for the raw down
q postgres "CREATE DATABASE bench_t_raw TEMPLATE template0" >/dev/null
"${PSQL[@]}" -d bench_t_raw -1 -f "$WORK/raw.sql" >/dev/null
# bench_t_ext: only the extension, for the first deploys
q postgres "CREATE DATABASE bench_t_ext TEMPLATE template0" >/dev/null
q bench_t_ext "CREATE EXTENSION pg_migrate" >/dev/null
# bench_t_reg: the N revisions registered, nothing applied, for apply
q postgres "CREATE DATABASE bench_t_reg TEMPLATE bench_t_ext" >/dev/null
"${PSQL[@]}" -d bench_t_reg -f "$WORK/register.sql" >/dev/null
# bench_t_done: all N applied, for the no-op deploys and the downgrade
q postgres "CREATE DATABASE bench_t_done TEMPLATE bench_t_reg" >/dev/null
q bench_t_done "$NOOP" >/dev/null
check_state bench_t_done "$MIGRATIONS" "$MIGRATIONS" "$MIGRATIONS" 0 "$TABLES"
# bench_t_big_K: a chain of K trivial revisions, all applied (stamped)
for k in $BIG; do
	pgm_log "a chain of $k trivial revisions"
	gen_graph chain "$k" "$WORK/chain_$k.tsv"
	q postgres "CREATE DATABASE bench_t_big_$k TEMPLATE bench_t_ext" >/dev/null
	load_graph "bench_t_big_$k" "$WORK/chain_$k.tsv" >/dev/null
	q "bench_t_big_$k" "DROP TABLE bench_graph" >/dev/null
	q "bench_t_big_$k" "SELECT count(*) FROM migrate.stamp('heads')" >/dev/null
	expect "applied revisions in bench_t_big_$k" "$(q "bench_t_big_$k" "SELECT count(*) FROM migrate.applied")" "$k"
done
# statistics as autovacuum would have them by the time of the next deploy;
# the same for every copy
for t in bench_t_raw bench_t_ext bench_t_reg bench_t_done; do
	q "$t" "VACUUM ANALYZE" >/dev/null
done
for k in $BIG; do
	q "bench_t_big_$k" "VACUUM ANALYZE" >/dev/null
done

# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------

COLS=(raw_up raw_down connect bytes apply first_sql first_client noop_client noop_sql downgrade)
read -r -a NOOP_SIZES <<<"$MIGRATIONS $BIG"
for k in "${NOOP_SIZES[@]}"; do
	COLS+=("noop_first_$k" "noop_pre_$k" "noop_warm_$k" "noop_do_$k")
done
(
	IFS=$'\t'
	echo "run	${COLS[*]}"
) >"$WORK/results.tsv"

# run R: one round of every measurement.  Run 0 is the warm-up (loads the
# library and the client, fills the OS cache) and is not counted.
run() {
	local r=$1 db=bench_run out=$WORK/out v sv vals=()
	declare -A t

	# raw up, then the two baselines on the same database (not changed by them)
	fresh "$db" template0
	t[raw_up]=$(time_cmd "$out" "${PSQL[@]}" -d "$db" -1 -f "$WORK/raw.sql")
	expect "bench tables after raw up" "$(bench_tables "$db")" "$TABLES"
	t[connect]=$(time_cmd "$out" "${PSQL[@]}" -d "$db" -c "SELECT 1")
	q "$db" "CHECKPOINT" >/dev/null
	t[bytes]=$(time_cmd "$out" "${PSQL[@]}" -At -d "$db" -f "$WORK/bytes.sql")
	expect "length received by the bytes floor" "$(cat "$out")" "$BYTES"
	drop "$db"

	fresh "$db" bench_t_raw
	t[raw_down]=$(time_cmd "$out" "${PSQL[@]}" -d "$db" -1 -f "$WORK/raw_down.sql")
	expect "bench tables after raw down" "$(bench_tables "$db")" 0
	drop "$db"

	fresh "$db" bench_t_reg
	t[apply]=$(time_cmd "$out" "${PSQL[@]}" -At -d "$db" -c "$NOOP")
	expect "steps of apply" "$(cat "$out")" "$MIGRATIONS"
	check_state "$db" "$MIGRATIONS" "$MIGRATIONS" "$MIGRATIONS" 0 "$TABLES"
	drop "$db"

	fresh "$db" bench_t_ext
	t[first_sql]=$(time_cmd "$out" "${PSQL[@]}" -At -d "$db" -1 -f "$WORK/deploy.sql")
	expect "steps of the SQL first deploy" "$(tail -n 1 "$out")" "$MIGRATIONS"
	check_state "$db" "$MIGRATIONS" "$MIGRATIONS" "$MIGRATIONS" 0 "$TABLES"
	drop "$db"

	fresh "$db" bench_t_ext
	t[first_client]=$(PGDATABASE=$db time_cmd "$out" "$PGM_CLIENT" upgrade --dir "$FILES")
	grep -q "^upgraded: $MIGRATIONS steps" "$out" ||
		pgm_die "the client first deploy did not report $MIGRATIONS revisions: $(tail -n 3 "$out")"
	check_state "$db" "$MIGRATIONS" "$MIGRATIONS" "$MIGRATIONS" 0 "$TABLES"
	drop "$db"

	# no-op deploys: nothing may be registered again (state_version unchanged)
	fresh "$db" bench_t_done
	sv=$(state_version "$db")
	t[noop_client]=$(PGDATABASE=$db time_cmd "$out" "$PGM_CLIENT" upgrade --dir "$FILES")
	grep -qx "nothing to do" "$out" ||
		pgm_die "the client no-op deploy did something: $(head -n 3 "$out")"
	expect "state_version after the client no-op deploy" "$(state_version "$db")" "$sv"
	check_state "$db" "$MIGRATIONS" "$MIGRATIONS" "$MIGRATIONS" 0 "$TABLES"
	drop "$db"

	fresh "$db" bench_t_done
	t[noop_sql]=$(time_cmd "$out" "${PSQL[@]}" -At -d "$db" -1 -f "$WORK/deploy.sql")
	expect "steps of the SQL no-op deploy" "$(tail -n 1 "$out")" 0
	expect "state_version after the SQL no-op deploy" "$(state_version "$db")" "$sv"
	check_state "$db" "$MIGRATIONS" "$MIGRATIONS" "$MIGRATIONS" 0 "$TABLES"
	drop "$db"

	fresh "$db" bench_t_done
	t[downgrade]=$(time_cmd "$out" "${PSQL[@]}" -At -d "$db" -c "SELECT count(*) FROM migrate.downgrade('base')")
	expect "steps of the downgrade" "$(cat "$out")" "$MIGRATIONS"
	check_state "$db" "$MIGRATIONS" 0 "$MIGRATIONS" "$MIGRATIONS" 0
	drop "$db"

	for k in "${NOOP_SIZES[@]}"; do
		if [ "$k" = "$MIGRATIONS" ]; then
			fresh "$db" bench_t_done
		else
			fresh "$db" "bench_t_big_$k"
		fi
		read -r "t[noop_first_$k]" "t[noop_pre_$k]" "t[noop_warm_$k]" "t[noop_do_$k]" <<<"$(noop_server "$db")"
		drop "$db"
	done

	[ "$r" -eq 0 ] && return 0
	for v in "${COLS[@]}"; do
		vals+=("${t[$v]}")
	done
	(
		IFS=$'\t'
		echo "$r	${vals[*]}"
	) >>"$WORK/results.tsv"
	printf '    raw up %8s ms   apply %8s ms   first deploy (client) %8s ms   no-op (client) %7s ms   downgrade %8s ms\n' \
		"${t[raw_up]}" "${t[apply]}" "${t[first_client]}" "${t[noop_client]}" "${t[downgrade]}"
}

T0=$SECONDS
for ((r = 0; r <= RUNS; r++)); do
	if [ "$r" -eq 0 ]; then
		pgm_log "warm-up run (not counted)"
	else
		pgm_log "run $r of $RUNS"
	fi
	run "$r"
done

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

# col NAME: the values of one measurement, one a line
col() {
	awk -F'\t' -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }' \
		"$WORK/results.tsv"
}
med() { col "$1" | median_exact; }
# row LABEL NAME [BASE TARGET [DECIMALS]]: median, min, max (with DECIMALS
# digits, default 1), ratio of the medians to BASE
row() {
	local r=- f="%.${5:-1}f"
	[ -n "${3:-}" ] && r=$(ratio "$(med "$2")" "$(med "$3")")
	# shellcheck disable=SC2046,SC2059  # three numbers in the format $f
	md_row "$1" $(printf "$f " "$(med "$2")" "$(col "$2" | sort -g | head -n 1)" "$(col "$2" | sort -g | tail -n 1)") \
		"$r" "${4:-}"
}

echo
machine_info bench_t_ext
check_fingerprint "$BUILD_START"
echo "- load average (1, 5, 15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $MIGRATIONS migrations ($BYTES bytes of files), $RUNS runs (+1 warm-up), $((SECONDS - T0)) s; times in ms, wall clock around the process unless \"server\""
echo
md_row "" median min max ratio target
md_sep 5
row "raw up: \`psql -1 -f raw.sql\` (no pg_migrate)" raw_up
row "raw down: \`psql -1 -f raw_down.sql\`" raw_down
row "\`psql -c 'SELECT 1'\` (start-up + connection)" connect
row "bytes floor: \`psql\`, one SELECT of the files' bytes" bytes
row "apply: \`psql -c\` upgrade('heads'), N registered" apply raw_up "<= 1.05"
row "first deploy, SQL: \`psql -1 -f\` N revision() + upgrade" first_sql raw_up "<= 1.15"
row "first deploy, client: \`pg_migrate upgrade --dir\`" first_client raw_up "<= 1.15"
row "no-op deploy, client: \`pg_migrate upgrade --dir\`" noop_client bytes "<= 1.2"
row "no-op deploy, SQL: \`psql -1 -f\` N revision() + upgrade" noop_sql bytes ""
row "downgrade: \`psql -c\` downgrade('base')" downgrade raw_down "<= 1.05"
for k in "${NOOP_SIZES[@]}"; do
	row "no-op upgrade('heads'), $k revs, server: first call" "noop_first_$k" "" "<= 1 ms" 3
	row "no-op upgrade('heads'), $k revs, server: first call, library preloaded" "noop_pre_$k" "" "<= 1 ms" 3
	row "no-op upgrade('heads'), $k revs, server: warm statement" "noop_warm_$k" "" "<= 1 ms" 3
	row "no-op upgrade('heads'), $k revs, server: warm, DO loop" "noop_do_$k" "" "<= 1 ms" 3
done
echo
echo "ratios are of the medians: apply and first deploys to raw up, no-op deploys to the bytes floor, downgrade to raw down"
