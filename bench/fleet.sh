#!/bin/bash
#
# bench/fleet.sh - what "pg_migrate fleet" gains over one upgrade at a time
#
# DBS databases on one cluster (default 100), each with the extension and
# nothing applied, are brought to the head of MIGS generated migrations
# (bench/lib.sh's gen_migrations, default 20) in four ways, each from
# fresh databases:
#
#   sequential  DBS runs of "pg_migrate -d DB upgrade --dir D", one after
#               the other (the baseline)
#   fleet -j N  one "pg_migrate fleet --targets FILE -j N upgrade --dir D",
#               for N = 1, 4 and 8
#
# and the wall-clock time of each is printed with its ratio to the
# sequential runs.  Every way is checked to leave every database at the
# head.  -j 1 shows what the fleet itself costs (a process per target, as
# the sequential runs have, plus the report); -j 4 and -j 8 what running
# targets side by side gains on this machine's cores.
#
# A measurement, not a test: it prints a markdown table and passes or
# fails on nothing.
#
#     bench/fleet.sh                            # 100 databases, 20 migrations
#     bench/fleet.sh -n 20 -m 5 --no-build --client client/pg_migrate
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-n DBS] [-m MIGS] [--no-build] [--client PATH] [--keep DIR]

	  -n DBS         databases (default 100)
	  -m MIGS        generated migrations applied to each (default 20)
	  --no-build     use the installed extension and client instead of building this tree
	  --client PATH  the pg_migrate client to measure (default: the installed one)
	  --keep DIR     keep the generated files and the fleet reports in DIR
	EOF
}

DBS=100
MIGS=20
BUILD=1
KEEP=
CLIENT=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-n) DBS=${2:?}; shift 2 ;;
	-m) MIGS=${2:?}; shift 2 ;;
	--no-build) BUILD=; shift ;;
	--client) CLIENT=$(readlink -f -- "${2:?}"); shift 2 ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in $DBS $MIGS; do
	case $v in
	'' | *[!0-9]* | 0) pgm_die "-n and -m take positive integers" ;;
	esac
done
[ "$DBS" -le 999 ] || pgm_die "-n: at most 999 databases"

pgm_require_root_or_sudo "${ARGS[@]}"
bench_setup "generated files and fleet reports"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_BUILD=$(build_fingerprint)
[ -z "$CLIENT" ] || PGM_CLIENT=$CLIENT
[ -x "$PGM_CLIENT" ] || pgm_die "no client at $PGM_CLIENT"
"$PGM_CLIENT" --help | grep -q '^  fleet ' || pgm_die "$PGM_CLIENT has no fleet command (give --client)"

pgm_log "generating $MIGS migrations"
gen_migrations "$MIGS" "$WORK"
chmod -R a+rX "$WORK"
HEAD=$(sed -n 's/^-- migrate:revision //p' "$(find "$WORK/migrations" -name '*.sql' | sort | tail -n 1)")
[ -n "$HEAD" ] || pgm_die "could not find the head of the generated migrations"

q postgres "CREATE DATABASE fleet_tmpl" >/dev/null
q fleet_tmpl "CREATE EXTENSION pg_migrate" >/dev/null
db_name() { printf 'fleet_%03d' "$1"; }

: >"$WORK/targets.txt"
for ((i = 1; i <= DBS; i++)); do
	echo "dbname=$(db_name "$i")" >>"$WORK/targets.txt"
done

# fresh: every database dropped and made again from the template
fresh() {
	local i
	{
		echo "SET client_min_messages = warning;"
		for ((i = 1; i <= DBS; i++)); do
			echo "DROP DATABASE IF EXISTS $(db_name "$i");"
			echo "CREATE DATABASE $(db_name "$i") TEMPLATE fleet_tmpl;"
		done
	} | "${PSQL[@]}" -d postgres >/dev/null
}

# at_head WHAT: every database at the head, or die
at_head() {
	local i n=0
	for ((i = 1; i <= DBS; i++)); do
		[ "$(q "$(db_name "$i")" "SELECT string_agg(c, ',') FROM migrate.current() c")" = "$HEAD" ] || n=$((n + 1))
	done
	[ "$n" -eq 0 ] || pgm_die "$1: $n of $DBS databases are not at $HEAD"
}

sequential() {
	local i
	for ((i = 1; i <= DBS; i++)); do
		"$PGM_CLIENT" -d "dbname=$(db_name "$i")" upgrade --dir "$WORK/migrations" >/dev/null
	done
}

pgm_log "sequential: $DBS upgrades of $MIGS migrations, one at a time"
fresh
seq_ms=$(time_cmd "$WORK/seq.out" sequential)
at_head sequential

declare -A fleet_ms
for j in 1 4 8; do
	pgm_log "fleet -j $j: $DBS targets"
	fresh
	fleet_ms[$j]=$(time_cmd "$WORK/fleet_j$j.out" "$PGM_CLIENT" fleet --targets "$WORK/targets.txt" -j "$j" \
		upgrade --dir "$WORK/migrations")
	at_head "fleet -j $j"
	[ "$(grep -c "^fleet_[0-9]* *ok *$HEAD " "$WORK/fleet_j$j.out")" = "$DBS" ] ||
		pgm_die "fleet -j $j: the report does not show $DBS targets ok at $HEAD"
done

for ((i = 1; i <= DBS; i++)); do
	echo "DROP DATABASE $(db_name "$i");"
done | "${PSQL[@]}" -d postgres >/dev/null
q postgres "DROP DATABASE fleet_tmpl" >/dev/null

check_fingerprint "$START_BUILD"

echo
echo "## bench/fleet.sh"
echo
machine_info postgres
echo "- load average at start: $LOAD_START; one run of each"
echo "- $DBS databases on one cluster, each from nothing to the head of $MIGS generated migrations (bench/lib.sh)"
echo "- client: $PGM_CLIENT"
echo
md_row "way" "ms" "ratio"
md_sep 2
md_row "$DBS x pg_migrate upgrade, one after the other (baseline)" "$seq_ms" "1.00"
for j in 1 4 8; do
	md_row "pg_migrate fleet -j $j upgrade" "${fleet_ms[$j]}" "$(ratio "${fleet_ms[$j]}" "$seq_ms")"
done
