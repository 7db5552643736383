#!/bin/bash
#
# bench/graph_scale.sh - do the read-only functions stay fast as the
# revision graph grows?
#
# For each graph shape (a long chain; a trunk with many branches, merges
# and open heads; branches with many dependencies, see gen_graph in
# bench/lib.sh) and each size (default 1,000 to 100,000 revisions), builds
# the graph with about half of it applied and times, server-side,
#
#   SELECT count(*) FROM migrate.status()
#   SELECT count(*) FROM migrate.heads()
#   SELECT count(*) FROM migrate.plan('heads')
#   SELECT count(*) FROM migrate.history()
#
# the first call in a new session and warm calls (median), with the
# backend's memory growth over the first call (VmHWM and RssAnon from
# /proc).  It prints one table per shape (ms per size, and the exponent of
# a least-squares fit time ~ size^k) and a summary against the targets in
# bench/README.md.  It is a measurement, not a test: it stops with an
# error only when a call returns the wrong number of rows.
#
#     bench/graph_scale.sh                       # sizes 1000 ... 100000
#     bench/graph_scale.sh -s "1000 10000" --shapes chain
#     bench/graph_scale.sh -s "10000 100000 300000" --max-call 60
#
# A call whose time, extrapolated from the two sizes below it, would exceed
# --max-call seconds (default 15) is not run at that size or above (the
# table says "skip"): some calls grow much faster than linearly and would
# otherwise run for hours.
#
# The graphs are inserted directly into migrate.revisions (bench/lib.sh:
# load_graph; registering 100,000 revisions through migrate.revision()
# takes far too long, since each registration costs time proportional to
# the graph), except the last 100 of each, which go through
# migrate.revision() to measure what a registration costs at that size.
# The applied half is inserted into migrate.applied directly too
# (mark_applied: the same rows as migrate.stamp(), which takes minutes on
# some of these graphs).
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-s SIZES] [--shapes SHAPES] [-w WARM] [--max-call SECONDS] [--no-build] [--keep DIR]

	  -s SIZES            graph sizes, ascending (default "1000 3000 10000 30000 100000")
	  --shapes SHAPES     any of chain, branches, deps (default all three)
	  -w WARM             warm calls per function and size (default 5; fewer
	                      when calls are predicted to take seconds)
	  --max-call SECONDS  skip a call predicted to take longer (default 15)
	  --no-build          use the installed extension instead of building this tree
	  --keep DIR          keep the generated graphs and raw results in DIR
	EOF
}

SIZES="1000 3000 10000 30000 100000"
SHAPES="chain branches deps"
WARM=5
MAX_CALL=15
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-s) SIZES=${2:?}; shift 2 ;;
	--shapes) SHAPES=${2:?}; shift 2 ;;
	-w) WARM=${2:?}; shift 2 ;;
	--max-call) MAX_CALL=${2:?}; shift 2 ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
prev=0
for v in $SIZES; do
	case $v in
	'' | *[!0-9]*) pgm_die "-s takes positive integers" ;;
	esac
	[ "$v" -gt "$prev" ] || pgm_die "-s takes ascending sizes"
	prev=$v
done
for v in "$WARM" "$MAX_CALL"; do
	case $v in
	'' | *[!0-9]* | 0) pgm_die "-w and --max-call take positive integers" ;;
	esac
done
for v in $SHAPES; do
	case $v in
	chain | branches | deps) ;;
	*) pgm_die "unknown shape \"$v\" (chain, branches, deps)" ;;
	esac
done

pgm_require_root_or_sudo "${ARGS[@]}"

FUNCS=(status heads plan history)
declare -A CALL=(
	[status]="SELECT count(*) FROM migrate.status()"
	[heads]="SELECT count(*) FROM migrate.heads()"
	[plan]="SELECT count(*) FROM migrate.plan('heads')"
	[history]="SELECT count(*) FROM migrate.history()"
)
# the warm calls of one function and size should take about this long at
# most (by the extrapolation; at least one runs)
WARM_BUDGET_MS=10000
# registrations through migrate.revision() at each size
PROBE=100

# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------

bench_setup "generated graphs and raw results"

q postgres "CREATE DATABASE bench_t_ext TEMPLATE template0" >/dev/null
q bench_t_ext "CREATE EXTENSION pg_migrate" >/dev/null

# ---------------------------------------------------------------------------
# Measuring one call
# ---------------------------------------------------------------------------

# explain_rows: from EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) output on
# stdin, "ms rows" per statement: planning + execution time (the server's
# own time for the statement, executor start-up included, where a first
# call loads the library) and the rows the function scan returned.
explain_rows() {
	awk '/Function Scan/ && match($0, /actual rows=[0-9]+/) { rows = substr($0, RSTART + 12, RLENGTH - 12) }
		/^Planning Time:/ { p = $3 }
		/^Execution Time:/ { printf "%.3f %s\n", p + $3, rows }'
}

# session DB OUT: one new psql session running the script on stdin, its
# stdout to OUT; a statement_timeout well above --max-call is the safety
# net under the extrapolation.  Returns psql's status.
session() {
	PGOPTIONS="-c statement_timeout=$((MAX_CALL * 4))s" "${PSQL[@]}" -At -d "$1" -f - >"$2" 2>"$2.err"
}

# measure DB FUNC ROWS NWARM: prints "first warm hwm anon shmem file",
# the times in ms and the memory growths in MB, or "timeout".  One new
# session: a trivial warm-up query, the backend's /proc status (read by
# root: the backend runs as postgres), the first call, the status again,
# then NWARM warm calls (their median).
measure() {
	local db=$1 f=$2 want=$3 nwarm=$4 out=$WORK/call mem=$WORK/mem first i
	local explain="EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) ${CALL[$2]};"
	local probe="'/^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem):/ { print tag, \$1, \$2 }' /proc/\$BENCH_PID/status >>$mem"
	: >"$mem"
	if ! {
		cat <<-EOF
		SELECT 1;
		SELECT pg_backend_pid() AS bench_pid \gset
		\setenv BENCH_PID :bench_pid
		\! awk -v tag=before $probe
		$explain
		\! awk -v tag=after $probe
		EOF
		for ((i = 0; i < nwarm; i++)); do
			echo "$explain"
		done
	} | session "$db" "$out"; then
		grep -q 'statement timeout' "$out.err" && { echo timeout; return 0; }
		cat "$out.err" >&2
		pgm_die "$f() failed on $db"
	fi
	explain_rows <"$out" | awk -v want="$want" -v f="$f" \
		'$2 != want { print f "() returned " $2 " rows, expected " want >"/dev/stderr"; exit 1 }' ||
		pgm_die "wrong number of rows on $db"
	first=$(explain_rows <"$out" | head -n 1 | cut -d' ' -f1)
	echo "$first $(explain_rows <"$out" | tail -n +2 | cut -d' ' -f1 | median_exact) $(awk '
		{ v[$1 " " $2] = $3 }
		function d(k) { return (v["after " k ":"] - v["before " k ":"]) / 1024 }
		END { printf "%.1f %.1f %.1f %.1f", d("VmHWM"), d("RssAnon"), d("RssShmem"), d("RssFile") }' "$mem")"
}

# predict F N: the first-call ms of F at size N extrapolated from the two
# largest sizes measured so far (exponent at least 1), or 0 if unknown.
predict() {
	awk -F'\t' -v shape="$SHAPE" -v f="$1" -v n="$2" '
		$1 == shape && $3 == f && $4 == "first" && $5 ~ /^[0-9.]+$/ { s[++k] = $2; t[k] = $5 }
		END {
			if (k == 0) { print 0; exit }
			e = 1
			if (k >= 2 && t[k - 1] > 0 && t[k] > 0 && s[k] > s[k - 1]) {
				e = log(t[k] / t[k - 1]) / log(s[k] / s[k - 1])
				if (e < 1) e = 1
			}
			printf "%.0f\n", t[k] * (n / s[k]) ^ e
		}' "$WORK/results.tsv"
}

# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------

printf 'shape\tsize\tfunction\tmetric\tvalue\n' >"$WORK/results.tsv"
# long format: one line per shape, size, function (or "build") and metric
res() { printf '%s\t%s\t%s\t%s\t%s\n' "$SHAPE" "$1" "$2" "$3" "$4" >>"$WORK/results.tsv"; }

BUILD_START=$(build_fingerprint)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$SECONDS
declare -A SKIP=()
for SHAPE in $SHAPES; do
	for n in $SIZES; do
		pgm_log "$SHAPE, $n revisions"
		file=$WORK/$SHAPE.$n.tsv
		gen_graph "$SHAPE" "$n" "$file"
		{ read -r stamp; read -r heads; } <"$file.info"
		merges=$(awk -F'\t' '$3 ~ /,/' "$file" | wc -l)
		db=bench_g
		q postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
		q postgres "CREATE DATABASE $db TEMPLATE bench_t_ext" >/dev/null

		probe=$((n / 10 < PROBE ? n / 10 : PROBE))
		t0=$(now_ns)
		load_graph "$db" "$file" "$((n - probe))" >/dev/null
		t1=$(now_ns)
		per_rev=$(register_rest "$db")
		mark_applied "$db" "$stamp" >/dev/null
		q "$db" "VACUUM ANALYZE" >/dev/null
		q "$db" "CHECKPOINT" >/dev/null
		applied=$(q "$db" "SELECT count(*) FROM migrate.applied")
		[ "$(q "$db" "SELECT count(*) FROM migrate.revisions")" = "$n" ] ||
			pgm_die "$db does not hold $n revisions"
		res "$n" build heads "$heads"
		res "$n" build merges "$merges"
		res "$n" build applied "$applied"
		res "$n" build load_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
		res "$n" build register_ms "$per_rev"

		for f in "${FUNCS[@]}"; do
			case $f in
			status | history) want=$n ;;
			heads) want=$heads ;;
			plan) want=$((n - applied)) ;;
			esac
			key=$SHAPE.$f
			p=0
			if [ -z "${SKIP[$key]:-}" ]; then
				p=$(predict "$f" "$n")
				if [ "$p" -gt $((MAX_CALL * 1000)) ]; then
					SKIP[$key]=1
					pgm_log "  $f(): skipped from $n on (first call predicted at $((p / 1000)) s)"
				fi
			fi
			if [ -n "${SKIP[$key]:-}" ]; then
				res "$n" "$f" first skip
				continue
			fi
			# warm calls: as many as fit in WARM_BUDGET_MS by the prediction,
			# at most WARM, at least 1
			nwarm=$(awk -v p="$p" -v w="$WARM" -v b="$WARM_BUDGET_MS" \
				'BEGIN { n = p > 0 ? int(b / p) : w; if (n > w) n = w; if (n < 1) n = 1; print n }')
			m=$(measure "$db" "$f" "$want" "$nwarm")
			if [ "$m" = timeout ]; then
				SKIP[$key]=1
				res "$n" "$f" first timeout
				pgm_log "  $f(): statement timeout ($((MAX_CALL * 4)) s); skipped from $n on"
				continue
			fi
			read -r first warm hwm anon shmem rfile <<<"$m"
			private=$(awk -v h="$hwm" -v s="$shmem" -v f="$rfile" 'BEGIN { printf "%.1f", h - s - f }')
			res "$n" "$f" first "$first"
			res "$n" "$f" warm "$warm"
			res "$n" "$f" hwm_mb "$hwm"
			res "$n" "$f" anon_mb "$anon"
			res "$n" "$f" shmem_mb "$shmem"
			res "$n" "$f" file_mb "$rfile"
			res "$n" "$f" private_mb "$private"
			res "$n" "$f" nwarm "$nwarm"
			printf '    %-10s first %10s ms   warm %10s ms (median of %d)   VmHWM +%s MB (shared +%s, private +%s), RssAnon +%s MB\n' \
				"$f()" "$first" "$warm" "$nwarm" "$hwm" "$shmem" "$private" "$anon"
		done
		q postgres "DROP DATABASE $db" >/dev/null
	done
done

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

# get SHAPE SIZE FUNCTION METRIC: one value, "-" if none
get() {
	awk -F'\t' -v s="$1" -v n="$2" -v f="$3" -v m="$4" \
		'$1 == s && $2 == n && $3 == f && $4 == m { v = $5 } END { print (v == "" ? "-" : v) }' "$WORK/results.tsv"
}

# exponent SHAPE FUNCTION METRIC [LAST]: fitted over the sizes measured (the
# LAST largest of them only, if given)
exponent() {
	local n v
	for n in $SIZES; do
		v=$(get "$1" "$n" "$2" "$3")
		case $v in
		- | skip | timeout) ;;
		*) echo "$n $v" ;;
		esac
	done | tail -n "${4:-1000}" | fit_exponent
}

fmt() {
	case $1 in
	- | skip | timeout) echo "$1" ;;
	*) awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f\n", d, v }' ;;
	esac
}

read -r -a SIZE_LIST <<<"$SIZES"
NS=${#SIZE_LIST[@]}

echo
machine_info bench_t_ext
check_fingerprint "$BUILD_START"
echo "- load average (1, 5, 15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- sizes: $SIZES; up to $WARM warm calls; calls predicted over $MAX_CALL s skipped; $((SECONDS - T0)) s"
echo "- times: server-side ms (EXPLAIN ANALYZE planning + execution) of \`SELECT count(*) FROM migrate.f(...)\`"
echo "- memory: growth over the first call in a new session, MB: VmHWM (peak RSS, includes the shared buffers touched and the library's pages),"
echo "  peak private (est.) = VmHWM growth - RssShmem growth - RssFile growth, RssAnon (private memory still held after the call)"
echo "- exponent k: least-squares fit of time ~ size^k over all sizes measured, and over the largest 3"

for SHAPE in $SHAPES; do
	echo
	echo "#### $SHAPE"
	echo
	hdr=("${SIZE_LIST[@]}")
	md_row "graph" "${hdr[@]}"
	md_sep "$NS"
	for m in heads merges applied load_s register_ms; do
		case $m in
		heads) label="heads" ;;
		merges) label="merge revisions" ;;
		applied) label="applied (the rest pending)" ;;
		load_s) label="build by INSERT, s (not the real path)" ;;
		register_ms) label="migrate.revision() at this size, ms per revision" ;;
		esac
		vals=()
		for n in $SIZES; do
			vals+=("$(get "$SHAPE" "$n" build "$m")")
		done
		md_row "$label" "${vals[@]}"
	done
	echo
	md_row "call" "${hdr[@]}" "k (all)" "k (top 3)"
	md_sep $((NS + 2))
	for f in "${FUNCS[@]}"; do
		for m in warm first hwm_mb private_mb anon_mb; do
			case $m in
			warm) label="$f(): warm, ms" ;;
			first) label="$f(): first call in a session, ms" ;;
			hwm_mb) label="$f(): VmHWM growth, MB" ;;
			private_mb) label="$f(): peak private growth (est.), MB" ;;
			anon_mb) label="$f(): RssAnon growth, MB" ;;
			esac
			vals=()
			for n in $SIZES; do
				v=$(get "$SHAPE" "$n" "$f" "$m")
				[ "$v" = - ] && v=$(get "$SHAPE" "$n" "$f" first)
				vals+=("$(fmt "$v" 1)")
			done
			md_row "$label" "${vals[@]}" "$(exponent "$SHAPE" "$f" "$m")" "$(exponent "$SHAPE" "$f" "$m" 3)"
		done
	done
done

# the summary against the targets: warm time at 10,000 (<= 50 ms) and
# growth (linear: k close to 1)
AT=10000
case " $SIZES " in
*" $AT "*) ;;
*) AT=${SIZE_LIST[NS - 1]} ;;
esac
echo
echo "#### summary: warm and first-call ms at $AT revisions (target <= 50 ms at 10,000), exponents (target: linear), and at the largest size measured"
echo
md_row "call" "warm ms" "first ms" "k warm" "k top 3" "largest" "warm ms" "VmHWM MB" "private"
md_sep 8
for f in "${FUNCS[@]}"; do
	for SHAPE in $SHAPES; do
		last=-
		for n in $SIZES; do
			case $(get "$SHAPE" "$n" "$f" warm) in
			- | skip | timeout) ;;
			*) last=$n ;;
			esac
		done
		w=$(get "$SHAPE" "$AT" "$f" warm)
		[ "$w" = - ] && w=$(get "$SHAPE" "$AT" "$f" first)
		md_row "$f(), $SHAPE" "$(fmt "$w" 1)" "$(fmt "$(get "$SHAPE" "$AT" "$f" first)" 1)" \
			"$(exponent "$SHAPE" "$f" warm)" "$(exponent "$SHAPE" "$f" warm 3)" "$last" \
			"$(fmt "$(get "$SHAPE" "$last" "$f" warm)" 1)" "$(fmt "$(get "$SHAPE" "$last" "$f" hwm_mb)" 1)" \
			"$(fmt "$(get "$SHAPE" "$last" "$f" private_mb)" 1)"
	done
done
