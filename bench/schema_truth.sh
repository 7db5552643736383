#!/bin/bash
#
# bench/schema_truth.sh - what do schema snapshots and fingerprints cost?
#
#   snapshot    migrate.schema_snapshot() on schemas of 100, 1,000 and
#               5,000 tables, each with a bigint primary key, a text column
#               with a default, a CHECK constraint, a PostGIS point column
#               with a GiST index, a btree index and a foreign key to the
#               table before it (PostGIS installed, so its own objects are
#               there to be left out).  First call in a new session (the
#               query is planned) and warm calls in one session.
#   no-op       upgrade('heads') with nothing to do, on the 1,000-table
#               database: the fingerprint is not computed again (the
#               recorded snapshot_at does not move), so this stays what
#               it was before fingerprints.
#   apply       upgrade('heads') of 1,000 generated revisions (bench/lib.sh's
#               gen_migrations, as bench/speed.sh) against the same SQL by
#               psql -1 -f, and against the same upgrade without snapshots
#               (pg_migrate.schema_fingerprints off, on_drift ignore: what
#               0.3.0 did); with a snapshot recorded beforehand, the upgrade
#               takes two: the drift check before and the fingerprint after.
#
# Ratios are measured in the same run; it is a measurement, not a test.
#
#     bench/schema_truth.sh                 # sizes 100 1000 5000, 5 runs
#     bench/schema_truth.sh --quick         # sizes 100 1000, 3 runs
#     bench/schema_truth.sh -s "100 2000" -r 7 --no-build --keep /tmp/s
#
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 [-s "SIZES"] [-r RUNS] [-m MIGRATIONS] [--quick] [--no-build] [--keep DIR]

	  -s SIZES       table counts of the snapshot databases (default "100 1000 5000")
	  -r RUNS        warm snapshot calls and apply runs (default 5); medians shown
	  -m MIGRATIONS  revisions of the apply measurement (default 1000)
	  --quick        sizes "100 1000", 3 runs
	  --no-build     use the installed extension instead of building this tree
	  --keep DIR     keep the generated SQL and raw timings in DIR
	EOF
}

SIZES="100 1000 5000"
RUNS=5
MIGRATIONS=1000
BUILD=1
KEEP=
ARGS=("$@")

while [ $# -gt 0 ]; do
	case $1 in
	-s) SIZES=${2:?}; shift 2 ;;
	-r) RUNS=${2:?}; shift 2 ;;
	-m) MIGRATIONS=${2:?}; shift 2 ;;
	--quick) SIZES="100 1000"; RUNS=3; shift ;;
	--no-build) BUILD=; shift ;;
	--keep) KEEP=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for v in $SIZES $RUNS $MIGRATIONS; do
	case $v in
	'' | *[!0-9]*) pgm_die "-s, -r and -m take positive integers" ;;
	esac
done

pgm_require_root_or_sudo "${ARGS[@]}"
bench_setup "generated SQL and raw timings"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_BUILD=$(build_fingerprint)

# make_schema DB N: N tables as described above, 250 to a transaction
# (one transaction would run out of lock table entries at 5,000).
make_schema() {
	local from to
	for ((from = 1; from <= $2; from += 250)); do
		to=$((from + 249 < $2 ? from + 249 : $2))
		"${PSQL[@]}" -d "$1" <<-EOF >/dev/null
		DO \$\$
		BEGIN
			FOR i IN $from..$to LOOP
				EXECUTE format('CREATE TABLE place_%s (id bigint PRIMARY KEY, '
							   'name text NOT NULL DEFAULT %L, prev_id bigint%s, '
							   'geom geometry(Point, 4326), CHECK (id > 0))',
							   i, 'unnamed',
							   CASE WHEN i > 1 THEN format(' REFERENCES place_%s (id)', i - 1) ELSE '' END);
				EXECUTE format('CREATE INDEX place_%s_geom ON place_%s USING gist (geom)', i, i);
				EXECUTE format('CREATE INDEX place_%s_name ON place_%s (name)', i, i);
			END LOOP;
		END;
		\$\$;
		EOF
	done
}

# snapshot_ms DB: one line per call, "first" in a new session, then RUNS
# warm calls in one session; each the server-side time in ms.
snapshot_times() {
	"${PSQL[@]}" -At -d "$1" <<-EOF
	DO \$\$
	DECLARE
		t0 timestamptz;
		s jsonb;
	BEGIN
		FOR i IN 0..$RUNS LOOP
			t0 := clock_timestamp();
			s := migrate.schema_snapshot();
			RAISE NOTICE 'ms %', round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1);
		END LOOP;
	END;
	\$\$;
	EOF
}

declare -A R
for n in $SIZES; do
	db=snap_$n
	pgm_log "building a schema of $n tables"
	q postgres "CREATE DATABASE $db" >/dev/null
	q "$db" "CREATE EXTENSION postgis" >/dev/null
	make_schema "$db" "$n"
	q "$db" "CREATE EXTENSION pg_migrate" >/dev/null
	q "$db" "SELECT migrate.revision('r1', 'SELECT 1')" >/dev/null
	q "$db" "SELECT count(*) FROM migrate.upgrade('heads')" >/dev/null
	# the catalogs' statistics, as autovacuum keeps them in a database that
	# has had its tables for a while (the time before is shown too)
	R[unanalyzed_$n]=$(snapshot_times "$db" 2>&1 | sed -n 's/.*NOTICE:  ms //p' | tail -n +2 | median)
	q "$db" "ANALYZE" >/dev/null
	times=$(snapshot_times "$db" 2>&1 | sed -n 's/.*NOTICE:  ms //p')
	printf '%s\n' "$times" >"$WORK/snapshot_$n.txt"
	R[first_$n]=$(printf '%s\n' "$times" | head -n 1)
	R[warm_$n]=$(printf '%s\n' "$times" | tail -n +2 | median)
	R[size_$n]=$(q "$db" "SELECT round(length(migrate.schema_snapshot()::text) / 1024.0)")
	R[objects_$n]=$(q "$db" "SELECT sum((SELECT count(*) FROM jsonb_object_keys(v))) FROM jsonb_each(migrate.schema_snapshot()) AS k(key, v) WHERE jsonb_typeof(v) = 'object'")
done

# the no-op deploy on the 1,000-table database (or the largest below it)
noop_db=
for n in $SIZES; do
	[ "$n" -le 1000 ] && noop_db=snap_$n
done
[ -n "$noop_db" ] || noop_db=snap_$(printf '%s\n' $SIZES | sort -n | head -n 1)
pgm_log "no-op deploys on $noop_db"
before=$(q "$noop_db" "SELECT snapshot_at FROM migrate.projects WHERE project = 'default'")
noop=$("${PSQL[@]}" -At -d "$noop_db" <<-EOF 2>&1 | sed -n 's/.*NOTICE:  ms //p'
	DO \$\$
	DECLARE
		t0 timestamptz;
		n bigint;
	BEGIN
		FOR i IN 1..$((RUNS * 20)) LOOP
			t0 := clock_timestamp();
			SELECT count(*) INTO n FROM migrate.upgrade('heads');
			RAISE NOTICE 'ms %', round(extract(epoch FROM clock_timestamp() - t0) * 1000, 3);
		END LOOP;
	END;
	\$\$;
	EOF
)
R[noop]=$(printf '%s\n' "$noop" | median_exact)
after=$(q "$noop_db" "SELECT snapshot_at FROM migrate.projects WHERE project = 'default'")
R[noop_recorded]=$([ "$before" = "$after" ] && echo "no" || echo "yes")

# 1,000 revisions: upgrade('heads') against psql -1 -f, and one snapshot
pgm_log "generating $MIGRATIONS migrations"
gen_migrations "$MIGRATIONS" "$WORK"
q postgres "CREATE DATABASE apply_template TEMPLATE template0" >/dev/null
q apply_template "CREATE EXTENSION pg_migrate" >/dev/null
"${PSQL[@]}" -d apply_template -f "$WORK/register.sql" >/dev/null
# a snapshot is recorded, as in any database that has had a deploy: the
# upgrade then checks for drift before it runs (a second snapshot)
q apply_template "SELECT migrate.accept_schema()" >/dev/null
q postgres "CREATE DATABASE raw_template TEMPLATE template0" >/dev/null
up_times=()
off_times=()
raw_times=()
fp_times=()
for ((r = 1; r <= RUNS; r++)); do
	q postgres "CREATE DATABASE apply_$r TEMPLATE apply_template" >/dev/null
	q postgres "CREATE DATABASE off_$r TEMPLATE apply_template" >/dev/null
	q postgres "CREATE DATABASE raw_$r TEMPLATE raw_template" >/dev/null
	raw_times+=("$(time_cmd "$WORK/raw_$r.out" "${PSQL[@]}" -d "raw_$r" -1 -f "$WORK/raw.sql")")
	# what 0.3.0 did: no snapshot before or after
	off_times+=("$(time_cmd "$WORK/off_$r.out" "${PSQL[@]}" -d "off_$r" \
		-c "SET pg_migrate.schema_fingerprints = off" -c "SET pg_migrate.on_drift = ignore" \
		-c "SELECT count(*) FROM migrate.upgrade('heads')")")
	up_times+=("$(time_cmd "$WORK/apply_$r.out" "${PSQL[@]}" -d "apply_$r" \
		-c "SELECT count(*) FROM migrate.upgrade('heads')")")
	[ "$(bench_tables "apply_$r")" -eq "$(bench_tables "raw_$r")" ] ||
		pgm_die "the upgrade did not create the tables the raw SQL did"
	fp_times+=("$("${PSQL[@]}" -At -d "apply_$r" <<-EOF 2>&1 | sed -n 's/.*NOTICE:  ms //p' | tail -n 1
		DO \$\$
		DECLARE t0 timestamptz; s jsonb;
		BEGIN
			s := migrate.schema_snapshot();
			t0 := clock_timestamp();
			s := migrate.schema_snapshot();
			RAISE NOTICE 'ms %', round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1);
		END;
		\$\$;
		EOF
	)")
	q postgres "DROP DATABASE apply_$r" >/dev/null
	q postgres "DROP DATABASE off_$r" >/dev/null
	q postgres "DROP DATABASE raw_$r" >/dev/null
done
R[raw]=$(printf '%s\n' "${raw_times[@]}" | median)
R[up]=$(printf '%s\n' "${up_times[@]}" | median)
R[off]=$(printf '%s\n' "${off_times[@]}" | median)
R[fp]=$(printf '%s\n' "${fp_times[@]}" | median)

check_fingerprint "$START_BUILD"

echo
echo "## bench/schema_truth.sh"
echo
machine_info postgres
echo "- load average at start: $LOAD_START; runs: $RUNS"
echo
echo "### Snapshot of the schema (server-side ms)"
echo
md_row "tables" "objects in the snapshot" "snapshot size (kB)" "first call" "warm (median)" "warm, catalogs never analyzed" "target"
md_sep 6
for n in $SIZES; do
	md_row "$n" "${R[objects_$n]}" "${R[size_$n]}" "${R[first_$n]}" "${R[warm_$n]}" "${R[unanalyzed_$n]}" \
		"$([ "$n" -eq 1000 ] && echo "<= 250 ms" || echo "")"
done
echo
echo "### Deploys"
echo
md_row "measurement" "value" "target"
md_sep 2
md_row "no-op upgrade('heads') on $noop_db, server ms (median of $((RUNS * 20)))" "${R[noop]}" "unchanged"
md_row "snapshot recorded again by the no-op deploys" "${R[noop_recorded]}" "no"
md_row "psql -1 -f of $MIGRATIONS revisions' SQL, ms" "${R[raw]}" ""
md_row "upgrade('heads') of $MIGRATIONS revisions without snapshots (as 0.3.0), ms" "${R[off]}" ""
md_row "upgrade('heads') of $MIGRATIONS revisions (drift check before, fingerprint after), ms" "${R[up]}" ""
md_row "ratio upgrade / psql" "$(ratio "${R[up]}" "${R[raw]}")" ""
md_row "ratio upgrade / upgrade without snapshots" "$(ratio "${R[up]}" "${R[off]}")" "<= 1.10"
md_row "one snapshot of the resulting schema, ms" "${R[fp]}" ""
md_row "two snapshots' share of the upgrade" "$(awk -v a="${R[fp]}" -v b="${R[up]}" 'BEGIN { printf "%.1f %%", 200 * a / b }')" "<= 10 %"
