#!/bin/bash
#
# bench/lint.sh - what linting costs
#
# Three measurements, each against a baseline taken in the same run:
#
#   offline   "pg_migrate lint --offline --dir D" over FILES generated
#             migration files (bench/lib.sh's gen_migrations: tables,
#             seeds, columns, defaults, indexes, foreign keys), against
#             "pg_migrate plan --offline --dir D", which reads and parses
#             the same files.  The target: 1,000 files in at most 1 s.
#   register  registering REVS revisions through migrate.revision() in one
#             psql session, pg_migrate.lint_level = warn (the default)
#             against off, each in a fresh database, median of RUNS runs.
#             The target: warn within 1.2 times off.
#   huge      the time per statement of linting a 10 MB script (160,000
#             statements) against a 100 KB one (1,600 statements), both
#             through migrate.lint() in the server and "pg_migrate lint
#             --offline" in the client.  The target: the same time per
#             statement.
#
# A measurement, not a test: it prints a markdown table and passes or
# fails on nothing.
#
#     bench/lint.sh                   # 1000 files, 1000 revisions, 3 runs
#     bench/lint.sh -n 300 -r 1 --no-build
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-n COUNT] [-r RUNS] [--no-build] [--keep DIR]

	  -n COUNT     migration files linted and revisions registered (default 1000)
	  -r RUNS      runs of each measurement (default 3); the median is shown
	  --no-build   use the installed extension and client instead of building this tree
	  --keep DIR   keep the generated files in DIR
	EOF
}

COUNT=1000
RUNS=3
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-n) COUNT=${2:?}; shift 2 ;;
	-r) RUNS=${2:?}; shift 2 ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in $COUNT $RUNS; do
	case $v in
	'' | *[!0-9]* | 0) pgm_die "-n and -r take positive integers" ;;
	esac
done

pgm_require_root_or_sudo "${ARGS[@]}"
bench_setup "generated files"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_BUILD=$(build_fingerprint)

pgm_log "generating $COUNT migrations"
gen_migrations "$COUNT" "$WORK"
chmod -R a+rX "$WORK"

# runs NAME CMD...: the median wall-clock ms of RUNS runs of a command
runs() {
	local r
	shift
	for ((r = 1; r <= RUNS; r++)); do
		time_cmd "$WORK/out" "$@"
	done | median
}

# --- offline -----------------------------------------------------------------
pgm_log "offline: lint and plan over $COUNT files, $RUNS runs each"
off_lint=$(runs lint env -u PGHOST -u PGPORT "$PGM_CLIENT" --dir "$WORK/migrations" --offline lint)
grep -q "^$COUNT files linted offline" "$WORK/out" || { cat "$WORK/out" >&2; pgm_die "lint did not lint $COUNT files"; }
off_summary=$(tail -n 1 "$WORK/out")
off_plan=$(runs plan env -u PGHOST -u PGPORT "$PGM_CLIENT" --dir "$WORK/migrations" --offline plan)

# --- register ----------------------------------------------------------------
# register LEVEL: ms to register the generated revisions in a fresh database
register() {
	local level=$1 db=lint_reg_$1 t
	q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
	q postgres "CREATE DATABASE $db" >/dev/null
	q "$db" "CREATE EXTENSION pg_migrate" >/dev/null
	t=$(time_cmd "$WORK/reg_$level.out" "${PSQL[@]}" -d "$db" \
		-c "SET pg_migrate.lint_level = $level" -c "SET client_min_messages = warning" \
		-f "$WORK/register.sql")
	[ "$(q "$db" "SELECT count(*) FROM migrate.revisions")" = "$COUNT" ] ||
		pgm_die "registration with lint_level = $level did not register $COUNT revisions"
	q postgres "DROP DATABASE $db" >/dev/null
	echo "$t"
}
pgm_log "register: $COUNT revisions, lint off and on, $RUNS runs each (alternating)"
: >"$WORK/reg_off.ms"
: >"$WORK/reg_warn.ms"
for ((r = 1; r <= RUNS; r++)); do
	register off >>"$WORK/reg_off.ms"
	register warn >>"$WORK/reg_warn.ms"
done
reg_off=$(median <"$WORK/reg_off.ms")
reg_warn=$(median <"$WORK/reg_warn.ms")
warnings=$(grep -c '^WARNING' "$WORK/reg_warn.out.err" || true)

# --- huge --------------------------------------------------------------------
# gen_script GROUPS FILE: 4 statements a group (a table, a column with a
# default, an index, a foreign key to the previous table)
gen_script() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			p = i > 0 ? i - 1 : 0
			printf "CREATE TABLE h_%d (id bigint PRIMARY KEY, v text, w bigint);\n", i
			printf "ALTER TABLE h_%d ADD COLUMN x integer NOT NULL DEFAULT 0;\n", i
			printf "CREATE INDEX h_%d_v ON h_%d (v);\n", i, i
			printf "ALTER TABLE h_%d ADD CONSTRAINT h_%d_fk FOREIGN KEY (w) REFERENCES h_%d (id);\n", i, i, p
		}
	}' >"$2"
	{ echo '-- migrate:up'; cat "$2"; } >"$2.migration"
	chmod a+r "$2" "$2.migration"
}
gen_script 400 "$WORK/small.sql"
gen_script 40000 "$WORK/huge.sql"
q postgres "CREATE DATABASE lint_huge" >/dev/null
q lint_huge "CREATE EXTENSION pg_migrate" >/dev/null
# server_ms FILE: ms of migrate.lint() of the file, as the server measures it
server_ms() {
	local r
	for ((r = 1; r <= RUNS; r++)); do
		"${PSQL[@]}" -At -d lint_huge -c "
			DO \$\$
			DECLARE t0 timestamptz := clock_timestamp(); n bigint;
			BEGIN
				SELECT count(*) INTO n FROM migrate.lint(pg_catalog.pg_read_file('$1'));
				RAISE NOTICE '%', extract(epoch FROM clock_timestamp() - t0) * 1000;
			END \$\$" 2>&1 | sed -n 's/^NOTICE:  //p'
	done | median
}
pgm_log "huge: the server"
srv_small=$(server_ms "$WORK/small.sql")
srv_huge=$(server_ms "$WORK/huge.sql")
pgm_log "huge: the client"
cli_small=$(runs small env -u PGHOST -u PGPORT "$PGM_CLIENT" lint --offline "$WORK/small.sql.migration")
cli_huge=$(runs huge env -u PGHOST -u PGPORT "$PGM_CLIENT" lint --offline "$WORK/huge.sql.migration")
q postgres "DROP DATABASE lint_huge" >/dev/null
small_size=$(stat -c %s "$WORK/small.sql")
huge_size=$(stat -c %s "$WORK/huge.sql")

check_fingerprint "$START_BUILD"

per() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.2f", t * 1000 / n }'; }

echo
echo "## bench/lint.sh"
echo
machine_info postgres
echo "- load average at start: $LOAD_START; median of $RUNS runs"
echo "- offline: $COUNT generated migration files; lint found: ${off_summary#*: }"
echo "- register: $COUNT revisions through migrate.revision() in one session, each run in a fresh database ($warnings WARNING lines with lint on)"
echo "- huge: $((huge_size / 1024)) kB (160,000 statements) and $((small_size / 1024)) kB (1,600 statements) of CREATE TABLE, ADD COLUMN, CREATE INDEX and FOREIGN KEY"
echo
md_row "measurement" "value" "baseline" "ratio"
md_sep 3
md_row "lint --offline of $COUNT files, ms (baseline: plan --offline)" "$off_lint" "$off_plan" "$(ratio "$off_lint" "$off_plan")"
md_row "target: $COUNT files in at most 1000 ms" "$(awk -v t="$off_lint" -v n="$COUNT" 'BEGIN { print (t * 1000 / n <= 1000 ? "met" : "not met") }')" "" ""
md_row "register $COUNT revisions, lint on, ms (baseline: lint off)" "$reg_warn" "$reg_off" "$(ratio "$reg_warn" "$reg_off")"
md_row "target: on / off at most 1.2" "$(awk -v a="$reg_warn" -v b="$reg_off" 'BEGIN { print (a <= 1.2 * b ? "met" : "not met") }')" "" ""
md_row "server, us per statement: 10 MB (baseline: 100 kB)" "$(per "$srv_huge" 160000)" "$(per "$srv_small" 1600)" "$(ratio "$(per "$srv_huge" 160000)" "$(per "$srv_small" 1600)")"
md_row "client, us per statement: 10 MB (baseline: 100 kB)" "$(per "$cli_huge" 160000)" "$(per "$cli_small" 1600)" "$(ratio "$(per "$cli_huge" 160000)" "$(per "$cli_small" 1600)")"
