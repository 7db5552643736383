#!/bin/bash
#
# bench/memory.sh - how much memory does a backend need to apply many
# large revisions, on the atomic path and on the per-revision path?
#
# Registers N revisions (default 40) of about KB kB each (default 1024: a
# script of short statements, "SELECT 1;" about 105,000 times), a chain
# r01 <- r02 <- ... <- rN in project "memproj", and measures the peak
# memory of the backend that applies them, in a new session each time:
#
#   atomic     SELECT * FROM migrate.upgrade('heads', 'memproj')
#              (every revision in the caller's one transaction)
#   apply      CALL migrate.apply('heads', 'memproj')
#              (a transaction per revision)
#   baseline   psql -1 -f raw.sql: the same up scripts, in order, sent by
#              psql statement by statement in one transaction (no
#              pg_migrate)
#
# Each runs on a fresh copy of a template database (the extension and a
# table t (v integer), for statements such as "INSERT INTO t VALUES (1);"),
# the two pg_migrate paths after registering the N revisions there through
# migrate.revision() in a session of their own.  The baseline, by far the
# longest (psql sends its millions of statements one at a time), runs
# alongside the two pg_migrate paths, which run one after the other
# (--sequential: after them); each backend's memory is its own either
# way.  The measured session reads its backend's /proc/PID/status (VmHWM,
# VmRSS, RssAnon, RssFile, RssShmem) through psql's \! before the command
# and after it (as graph_scale.sh does); VmHWM is the backend's peak
# resident size, so reading it after the command gives the command's
# peak.  It prints the peaks, the growth
# over the command and the ratio atomic/apply (the issue's target: <= 1.5)
# as a markdown table.  It is a measurement, not a test: it does not fail
# on a number, but it stops with an error if a path did not apply all N
# revisions.
#
#     bench/memory.sh                          # 40 revisions of 1 MB, 1 run
#     bench/memory.sh -n 10 -k 256 -r 3
#     bench/memory.sh --statement 'INSERT INTO t VALUES (1);'
#     bench/memory.sh --sequential
#     bench/memory.sh --no-build --keep /tmp/m
#
# Like the other scripts it installs what is missing, builds and installs
# this tree unless --no-build, and runs a throwaway cluster as postgres.
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-n REVISIONS] [-k KB] [-r RUNS] [--statement SQL] [--sequential] [--no-build] [--keep DIR]

	  -n REVISIONS     revisions in the chain (default 40)
	  -k KB            size of each up script in kB (default 1024)
	  -r RUNS          runs of each path (default 1); the table shows medians
	  --statement SQL  the statement the scripts repeat (default "SELECT 1;";
	                   a table t (v integer) exists)
	  --sequential     run the baseline after the two pg_migrate paths, not
	                   alongside them (their seconds then measured alone; the
	                   run takes longer by the time of the two paths)
	  --no-build       use the installed extension instead of building this tree
	  --keep DIR       keep the generated SQL, the /proc readings and raw results in DIR
	EOF
}

REVISIONS=40
KB=1024
RUNS=1
STATEMENT="SELECT 1;"
SEQUENTIAL=
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-n) REVISIONS=${2:?}; shift 2 ;;
	-k) KB=${2:?}; shift 2 ;;
	-r) RUNS=${2:?}; shift 2 ;;
	--statement) STATEMENT=${2:?}; shift 2 ;;
	--sequential) SEQUENTIAL=1; shift ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in "$REVISIONS" "$KB" "$RUNS"; do
	case $v in
	'' | *[!0-9]* | 0) pgm_die "-n, -k and -r take positive integers" ;;
	esac
done
case $STATEMENT in
*$'\n'*) pgm_die "--statement takes one line" ;;
esac

pgm_require_root_or_sudo "${ARGS[@]}"

PROJECT=memproj
ATOMIC="SELECT * FROM migrate.upgrade('heads', '$PROJECT')"
APPLY="CALL migrate.apply('heads', '$PROJECT')"
# statements per script: KB kB of "STATEMENT\n"
LINE_BYTES=$((${#STATEMENT} + 1))
COUNT=$(((KB * 1024 + LINE_BYTES - 1) / LINE_BYTES))
SCRIPT_BYTES=$((COUNT * LINE_BYTES))
WIDTH=${#REVISIONS}
[ "$WIDTH" -ge 2 ] || WIDTH=2

# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------

bench_setup "generated SQL and /proc readings"

q postgres "CREATE DATABASE bench_t_mem TEMPLATE template0" >/dev/null
q bench_t_mem "CREATE EXTENSION pg_migrate" >/dev/null
q bench_t_mem "CREATE TABLE t (v integer)" >/dev/null

BUILD_START=$(build_fingerprint)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
pgm_log "generating $REVISIONS scripts of $COUNT statements ($SCRIPT_BYTES bytes each)"

# register.sql: one migrate.revision() per revision, the script built on
# the server by repeat() (the same bytes as in raw.sql); psql passes the
# statement as :'stmt'
awk -v n="$REVISIONS" -v w="$WIDTH" -v count="$COUNT" -v project="$PROJECT" '
	BEGIN {
		print "-- generated by bench/memory.sh: the chain, registered in one transaction"
		for (i = 1; i <= n; i++) {
			id = sprintf("r%0" w "d", i)
			parents = i == 1 ? "{}" : sprintf("{r%0" w "d}", i - 1)
			printf "SELECT migrate.revision(id => \047%s\047, up => repeat(:\047stmt\047 || E\047\\n\047, %d),\n" \
				"\tdown => \047SELECT 1;\047, parents => \047%s\047, message => \047memory bench %s\047,\n" \
				"\tproject => \047%s\047);\n", id, count, parents, id, project
		}
	}' >"$WORK/register.sql"

# raw.sql: the up scripts in order, what psql -1 -f runs without pg_migrate
awk -v n="$REVISIONS" -v count="$COUNT" -v stmt="$STATEMENT" '
	BEGIN {
		for (i = 1; i <= n; i++)
			for (j = 0; j < count; j++)
				print stmt
	}' >"$WORK/raw.sql"
RAW_BYTES=$(wc -c <"$WORK/raw.sql")
[ "$RAW_BYTES" -eq $((REVISIONS * SCRIPT_BYTES)) ] ||
	pgm_die "raw.sql holds $RAW_BYTES bytes, expected $((REVISIONS * SCRIPT_BYTES))"

# the /proc reading: one line "TAG KEY KB" per field, and the wall clock;
# BENCH_PID is the backend's pid, set in the session by \setenv
PROC_FIELDS='^(VmHWM|VmRSS|RssAnon|RssFile|RssShmem):'
probe() {
	printf "\\\\! awk -v tag=%s '/%s/ { print tag, \$1, \$2 }' /proc/\$BENCH_PID/status >>%s && echo %s ns: \$(date +%%s%%N) >>%s\n" \
		"$1" "$PROC_FIELDS" "$2" "$1" "$2"
}

# ---------------------------------------------------------------------------
# Measuring one path
# ---------------------------------------------------------------------------

expect() {
	[ "$2" = "$3" ] || pgm_die "run check failed: $1 is \"$2\", expected \"$3\""
}

# fresh DB: a new database DB copied from the template
fresh() {
	q postgres "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1
	q postgres "CREATE DATABASE $1 TEMPLATE bench_t_mem" >/dev/null
}

# register DB: the N revisions, in a session of their own
register() {
	"${PSQL[@]}" -d "$1" -1 -v stmt="$STATEMENT" -f "$WORK/register.sql" >/dev/null
	expect "revisions registered" \
		"$(q "$1" "SELECT count(*) FROM migrate.revisions WHERE project = '$PROJECT'")" "$REVISIONS"
	q "$1" "VACUUM ANALYZE" >/dev/null
	q "$1" "CHECKPOINT" >/dev/null
}

# check_applied DB PATH: all N applied, N successful up events
check_applied() {
	expect "applied revisions and successful up events after $2" \
		"$(q "$1" "SELECT (SELECT count(*) FROM migrate.applied WHERE project = '$PROJECT') || ' ' ||
			(SELECT count(*) FROM migrate.events WHERE project = '$PROJECT' AND direction = 'up' AND outcome = 'success')")" \
		"$REVISIONS $REVISIONS"
}

# memory FILE: from the readings of FILE, "hwm growth rss anon private
# seconds": the peak (VmHWM) after the command, its growth over the
# command, VmRSS and RssAnon after it, the peak less what is shared or
# file-backed after it (RssShmem, RssFile: an estimate of the private
# peak), in MB, and the seconds between the two readings
memory() {
	awk '
		/ ns: / { t[$1] = $3; next }
		{ v[$1 " " $2] = $3 }
		function mb(k) { return v[k] / 1024 }
		END {
			printf "%.1f %.1f %.1f %.1f %.1f %.1f\n",
				mb("after VmHWM:"), mb("after VmHWM:") - mb("before VmHWM:"),
				mb("after VmRSS:"), mb("after RssAnon:"),
				mb("after VmHWM:") - mb("after RssShmem:") - mb("after RssFile:"),
				(t["after"] - t["before"]) / 1e9
		}' "$1"
}

printf 'run\tpath\thwm_mb\tgrowth_mb\trss_mb\tanon_mb\tprivate_mb\tseconds\tbuild\n' >"$WORK/results.tsv"

# measure RUN PATH: one measurement of PATH (atomic, apply, baseline) on a
# database of its own, bench_mem_PATH; its readings in $WORK/proc.RUN.PATH
measure() {
	local r=$1 path=$2 db=bench_mem_$2 mem=$WORK/proc.$1.$2 out=$WORK/out.$1.$2
	: >"$mem"
	echo - >"$mem.build"
	fresh "$db"
	case $path in
	atomic | apply)
		register "$db"
		# the library the measured session loads (it may be reinstalled
		# while this script runs; a session keeps the one it loaded)
		build_fingerprint | cut -d' ' -f2 >"$mem.build"
		{
			echo "SELECT pg_backend_pid() AS bench_pid \\gset"
			echo "\\setenv BENCH_PID :bench_pid"
			probe before "$mem"
			if [ "$path" = atomic ]; then
				echo "$ATOMIC;"
			else
				echo "$APPLY;"
			fi
			probe after "$mem"
		} | "${PSQL[@]}" -At -d "$db" -f - >"$out" 2>"$out.err" || {
			cat "$out.err" >&2
			pgm_die "the $path path failed"
		}
		if [ "$path" = atomic ]; then
			expect "rows returned by upgrade()" "$(grep -c '^[0-9][0-9]*|r[0-9]*|up|' "$out")" "$REVISIONS"
		fi
		check_applied "$db" "$path"
		;;
	baseline)
		{
			echo "SELECT pg_backend_pid() AS bench_pid \\gset"
			echo "\\setenv BENCH_PID :bench_pid"
			probe before "$mem"
		} >"$WORK/before.sql"
		probe after "$mem" >"$WORK/after.sql"
		# PostgreSQL 15's psql -1 wraps every -f in one transaction: the
		# readings run inside it, the last one just before psql's COMMIT
		"${PSQL[@]}" -At -d "$db" -1 -f "$WORK/before.sql" -f "$WORK/raw.sql" -f "$WORK/after.sql" \
			>"$out" 2>"$out.err" || {
			cat "$out.err" >&2
			pgm_die "the baseline failed"
		}
		;;
	esac
	grep -q '^after VmHWM:' "$mem" || pgm_die "no /proc reading for the $path path"
	q postgres "DROP DATABASE $db" >/dev/null
}

# report RUN PATH: the readings of one measurement into results.tsv, and a
# line of progress
report() {
	local mem=$WORK/proc.$1.$2 m build hwm growth rss anon private secs
	m=$(memory "$mem")
	build=$(cat "$mem.build")
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$(tr ' ' '\t' <<<"$m")" "$build" >>"$WORK/results.tsv"
	read -r hwm growth rss anon private secs <<<"$m"
	[ "$build" = - ] && build="not loaded"
	printf '    %-9s VmHWM %8s MB (+%s over the command), VmRSS after %s MB, RssAnon after %s MB, private peak (est.) %s MB, %s s (pg_migrate.so %s)\n' \
		"$2" "$hwm" "$growth" "$rss" "$anon" "$private" "$secs" "$build"
}

T0=$SECONDS
PATHS=(atomic apply baseline)
BASELINE_PID=
# shellcheck disable=SC2016  # expanded when the hook runs
pgm_on_exit '[ -z "$BASELINE_PID" ] || kill "$BASELINE_PID" 2>/dev/null'
for ((r = 1; r <= RUNS; r++)); do
	pgm_log "run $r of $RUNS"
	if [ -n "$SEQUENTIAL" ]; then
		for p in "${PATHS[@]}"; do
			measure "$r" "$p"
			report "$r" "$p"
		done
	else
		# the baseline (psql sends its statements one at a time: the
		# longest part by far) alongside the two pg_migrate paths, one
		# after the other; a failure in it ends the script at the wait
		measure "$r" baseline &
		BASELINE_PID=$!
		measure "$r" atomic
		report "$r" atomic
		measure "$r" apply
		report "$r" apply
		wait "$BASELINE_PID"
		BASELINE_PID=
		report "$r" baseline
	fi
done

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

# med PATH COLUMN: the median over the runs
med() {
	awk -F'\t' -v p="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		$2 == p { print $k }' "$WORK/results.tsv" | median_exact | awk '{ printf "%.1f\n", $1 }'
}

label() {
	case $1 in
	atomic) echo "atomic: \`SELECT * FROM migrate.upgrade(...)\`" ;;
	apply) echo "per revision: \`CALL migrate.apply(...)\`" ;;
	baseline) echo "baseline: \`psql -1 -f raw.sql\` (no pg_migrate)" ;;
	esac
}

echo
machine_info bench_t_mem
check_fingerprint "$BUILD_START"
echo "- load average (1, 5, 15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $REVISIONS revisions of $COUNT x \`$STATEMENT\` ($SCRIPT_BYTES bytes each, $RAW_BYTES in all), $RUNS run(s), $((SECONDS - T0)) s"
echo "- atomic: \`$ATOMIC\`; per revision: \`$APPLY\`; baseline: the same up scripts by \`psql -1 -f\`"
if [ -n "$SEQUENTIAL" ]; then
	echo "- the three ran one after the other"
else
	echo "- the baseline ran alongside the two pg_migrate paths (which ran one after the other): their seconds are under that load"
fi
echo "- pg_migrate.so loaded by the measured sessions: $(awk -F'\t' 'NR > 1 && $9 != "-" { print $2 " " $9 }' "$WORK/results.tsv" | sort -u | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
echo "- memory of the backend running the command, MB, from /proc/PID/status after it (median of the runs): VmHWM (peak RSS),"
echo "  its growth over the command, VmRSS and RssAnon after it, private peak (est.) = VmHWM - RssShmem - RssFile after it;"
echo "  ratios of VmHWM and of its growth to apply()'s; seconds between the readings"
echo
md_row path "VmHWM" growth "VmRSS" RssAnon private "VmHWM/ap" "grow/ap" seconds
md_sep 8
for p in "${PATHS[@]}"; do
	md_row "$(label "$p")" "$(med "$p" hwm_mb)" "$(med "$p" growth_mb)" "$(med "$p" rss_mb)" \
		"$(med "$p" anon_mb)" "$(med "$p" private_mb)" \
		"$(ratio "$(med "$p" hwm_mb)" "$(med apply hwm_mb)")" \
		"$(ratio "$(med "$p" growth_mb)" "$(med apply growth_mb)")" "$(med "$p" seconds)"
done
echo
echo "ratio atomic/apply of peak VmHWM: $(ratio "$(med atomic hwm_mb)" "$(med apply hwm_mb)") (issue target: <= 1.5); of its growth over the command: $(ratio "$(med atomic growth_mb)" "$(med apply growth_mb)")"
