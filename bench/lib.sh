# shellcheck shell=bash
#
# bench/lib.sh - helpers shared by the bench/ scripts
#
# Source it from a bash script running with "set -euo pipefail":
#
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It sources scripts/lib.sh (packages, build, the throwaway cluster, exit
# hooks) and adds:
#
#   PSQL                        psql with -X -q and ON_ERROR_STOP, as an array
#   PGM_CLIENT                  the installed pg_migrate client
#   q DB SQL                    run one statement, print the unaligned result
#   now_ns                      wall clock in ns
#   time_cmd OUT CMD...         wall-clock ms of a command, its stdout in OUT
#   time_psql DB ARGS...        wall-clock ms of one psql process
#   median, minimum, maximum    of numbers on stdin, one a line
#   median_exact                median without rounding
#   ratio A B                   A / B with two decimals ("-" if B is 0)
#   latency_stats FILE          "max p99 median over_1s count" of ms, one a line
#   fit_exponent                least-squares slope of log(y) on log(x) of
#                               "x y" lines on stdin
#   md_row CELL..., md_sep N    markdown table rows, cells padded
#   build_fingerprint           which pg_migrate build is installed
#   check_fingerprint START     warn if it changed since START
#   machine_info [DB]           what ran the benchmark, for the result header
#   gen_migrations M DIR        the generated migrations (see below)
#   bench_tables DB             how many of their tables exist
#   gen_graph SHAPE N FILE      a large revision graph as COPY data
#   load_graph DB FILE [FIRST]  insert such a graph into migrate.revisions
#   register_rest DB            register the rest through migrate.revision()
#   mark_applied DB REVISION    mark it and what it needs applied

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

PSQL=("$PGM_PGBIN/psql" -X -q -v ON_ERROR_STOP=1)
# shellcheck disable=SC2034  # used by the scripts that source this file
PGM_CLIENT=$PGM_PGBIN/pg_migrate

# q DB SQL: run one statement, print the unaligned result.
q() {
	"${PSQL[@]}" -At -d "$1" -c "$2"
}

now_ns() { date +%s%N; }

# time_cmd OUT CMD...: wall-clock ms of one command (process start-up
# included), its stdout in OUT.  A failing command stops the script with
# its stderr shown: a timing of a failed run means nothing.
time_cmd() {
	local out=$1 t0 t1 rc=0
	shift
	t0=$(now_ns)
	"$@" >"$out" 2>"$out.err" || rc=$?
	t1=$(now_ns)
	if [ $rc -ne 0 ]; then
		cat "$out.err" >&2
		pgm_die "command failed with status $rc: $*"
	fi
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'
}

# time_psql DB ARGS...: wall-clock ms of one psql process.
time_psql() {
	local db=$1 t0 t1
	shift
	t0=$(now_ns)
	"${PSQL[@]}" -d "$db" "$@" >/dev/null
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# median_exact: the same without rounding an even count's mean to 0.1
median_exact() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { sort -n | head -n 1; }
maximum() { sort -n | tail -n 1; }

# latency_stats FILE: of latencies in ms, one a line: the maximum, the
# 99th percentile, the median, how many exceed 1 s, and how many there are.
latency_stats() {
	printf '%s %s %s %s %s\n' \
		"$(maximum <"$1")" \
		"$(sort -g "$1" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }')" \
		"$(median_exact <"$1")" \
		"$(awk '$1 > 1000 { n++ } END { print n + 0 }' "$1")" \
		"$(wc -l <"$1")"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'
}

# fit_exponent: reads "x y" lines and prints the slope of the least-squares
# line through (log x, log y): time ~ size^slope.  Lines with y <= 0 are
# skipped; fewer than two points print "-".
fit_exponent() {
	awk '$1 > 0 && $2 > 0 { x = log($1); y = log($2); n++; sx += x; sy += y; sxx += x * x; sxy += x * y }
	END {
		if (n < 2 || n * sxx - sx * sx == 0) { print "-"; exit }
		printf "%.2f\n", (n * sxy - sx * sy) / (n * sxx - sx * sx)
	}'
}

# md_row CELL...: a markdown table row.  The first cell is left-aligned in
# 58 columns, the others right-aligned in 9, so that the printed table is
# readable as text and pastes into bench/README.md as it is.
md_row() {
	local first=$1 c
	shift
	printf '| %-58s |' "$first"
	for c in "$@"; do
		printf ' %9s |' "$c"
	done
	printf '\n'
}

# md_sep NCOLS: the separator row under a header of md_row with NCOLS cells
# after the first.
md_sep() {
	local i
	printf '| %s |' "$(printf '%058d' 0 | tr 0 -)"
	for ((i = 0; i < $1; i++)); do
		printf ' %s: |' "$(printf '%08d' 0 | tr 0 -)"
	done
	printf '\n'
}

# build_fingerprint: which build of pg_migrate is installed (the start of
# the SHA-256 of the library and of the client, and the library's mtime).
# The engine may be reinstalled while a benchmark runs; the scripts compare
# this at the start and the end and warn when it changed.
build_fingerprint() {
	local lib
	lib=$("$PGM_PG_CONFIG" --pkglibdir)/pg_migrate.so
	printf 'pg_migrate.so %s (%s), client %s\n' \
		"$(sha256sum "$lib" 2>/dev/null | cut -c1-12)" \
		"$(date -u -r "$lib" '+%Y-%m-%d %H:%M UTC' 2>/dev/null)" \
		"$(sha256sum "$PGM_CLIENT" 2>/dev/null | cut -c1-12)"
}

# check_fingerprint START: warn if the installed build is not START.
check_fingerprint() {
	if [ "$(build_fingerprint)" != "$1" ]; then
		pgm_warn "pg_migrate was reinstalled during this run: the results mix two builds"
		echo "- **WARNING**: pg_migrate was reinstalled during this run (was: $1; now: $(build_fingerprint))"
	fi
}

# machine_info [DB]: lines describing the run, for the head of a result
# (as a markdown list, like the lines the scripts add after it).
machine_info() {
	local cpu mem pgver extver=
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	mem=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
	pgver="PostgreSQL $(q postgres "SHOW server_version")"
	if [ -n "${1:-}" ]; then
		extver=$(q "$1" "SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'")
	fi
	echo "- pg_migrate ${extver:-?} ($(build_fingerprint)), $pgver"
	echo "- $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores (${cpu:-unknown CPU}), $mem RAM, $(. /etc/os-release && echo "$PRETTY_NAME")"
}

# ---------------------------------------------------------------------------
# The realistic migrations
# ---------------------------------------------------------------------------

# gen_migrations M DIR: M revisions m0001..mM as a linear chain, as
#
#   DIR/register.sql   one "SELECT migrate.revision(...)" per revision
#   DIR/raw.sql        their up scripts in order (what psql -1 -f would run
#                      without pg_migrate)
#   DIR/raw_down.sql   their down scripts in downgrade order (mM first)
#   DIR/migrations/    one file per revision in the client's format
#                      (README "Migration files"), named
#                      0001_create_table_bench_t000.sql ..., so that name
#                      order is chain order; "pg_migrate push/upgrade --dir"
#                      registers exactly what register.sql registers (same
#                      checksums, same messages)
#
# Every 7 revisions work on a new table bench_tNNN:
#   0 create the table            4 create an index
#   1 insert 50 rows              5 add a foreign key to the previous table
#   2 add a column, no default    6 update 10 rows
#   3 add a column with default
# Each down script undoes exactly what its up script did.  The content is
# fixed, so every run and every machine gets the same SQL.
gen_migrations() {
	mkdir -p "$2/migrations"
	awk -v m="$1" -v reg="$2/register.sql" -v raw="$2/raw.sql" \
		-v rawdown="$2/raw_down.sql" -v files="$2/migrations" '
	function emit(id, parent, msg, up, down,    f) {
		printf "SELECT migrate.revision(id => %s, parents => %s, message => %s,\n" \
			"\tup => $up$%s$up$,\n\tdown => $down$%s$down$);\n",
			q(id), q("{" parent "}"), q(msg), up, down > reg
		printf "-- %s: %s\n%s\n", id, msg, up > raw
		downs[++ndowns] = sprintf("-- %s: undo %s\n%s\n", id, msg, down)
		# the file: a script is every byte between its marker line and the
		# next marker, less one final newline (client/files.c)
		f = sprintf("%s/%0" width "d_%s.sql", files, i, slug(msg))
		printf "-- migrate:revision %s\n", id > f
		if (parent != "")
			printf "-- migrate:parents %s\n", parent > f
		printf "-- migrate:message %s\n-- migrate:up\n%s\n-- migrate:down\n%s\n", msg, up, down > f
		close(f)
	}
	function q(s) { gsub(/\047/, "\047\047", s); return "\047" s "\047" }
	function slug(s) { s = tolower(s); gsub(/[^a-z0-9]+/, "_", s); gsub(/^_|_$/, "", s); return s }
	BEGIN {
		width = length(m "") < 4 ? 4 : length(m "")
		print "-- generated by bench/lib.sh (gen_migrations)" > reg
		print "-- generated by bench/lib.sh (gen_migrations): the up scripts, in order" > raw
		print "-- generated by bench/lib.sh (gen_migrations): the down scripts, in downgrade order" > rawdown
		parent = ""
		for (i = 1; i <= m; i++) {
			id = sprintf("m%04d", i)
			k = (i - 1) % 7
			g = int((i - 1) / 7)
			t = sprintf("bench_t%03d", g)
			p = g == 0 ? t : sprintf("bench_t%03d", g - 1)
			if (k == 0) {
				msg = "create table " t
				up = "CREATE TABLE " t " (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());"
				down = "DROP TABLE " t ";"
			} else if (k == 1) {
				msg = "seed " t
				up = "INSERT INTO " t " (id, name) SELECT g, \047item \047 || g FROM generate_series(1, 50) AS g;"
				down = "DELETE FROM " t " WHERE id BETWEEN 1 AND 50;"
			} else if (k == 2) {
				msg = "add " t ".note"
				up = "ALTER TABLE " t " ADD COLUMN note text;"
				down = "ALTER TABLE " t " DROP COLUMN note;"
			} else if (k == 3) {
				msg = "add " t ".active with a default"
				up = "ALTER TABLE " t " ADD COLUMN active boolean NOT NULL DEFAULT true;"
				down = "ALTER TABLE " t " DROP COLUMN active;"
			} else if (k == 4) {
				msg = "index " t ".name"
				up = "CREATE INDEX " t "_name_idx ON " t " (name);"
				down = "DROP INDEX " t "_name_idx;"
			} else if (k == 5) {
				msg = "reference " p " from " t
				up = "ALTER TABLE " t " ADD COLUMN parent_id bigint;\n" \
					"ALTER TABLE " t " ADD CONSTRAINT " t "_parent_fk FOREIGN KEY (parent_id) REFERENCES " p " (id);"
				down = "ALTER TABLE " t " DROP CONSTRAINT " t "_parent_fk;\n" \
					"ALTER TABLE " t " DROP COLUMN parent_id;"
			} else {
				msg = "fill " t ".note and parent_id"
				up = "UPDATE " t " SET note = \047note \047 || id, parent_id = id WHERE id <= 10;"
				down = "UPDATE " t " SET note = NULL, parent_id = NULL WHERE id <= 10;"
			}
			emit(id, parent, msg, up, down)
			parent = id
		}
		for (i = ndowns; i >= 1; i--)
			printf "%s", downs[i] > rawdown
	}'
}

# bench_tables DB: how many bench_tNNN tables exist (for the checks).
bench_tables() {
	q "$1" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'bench\_t%'"
}

# ---------------------------------------------------------------------------
# Large revision graphs (bench/graph_scale.sh, and the 10,000-revision
# no-op upgrade in bench/speed.sh)
# ---------------------------------------------------------------------------

# gen_graph SHAPE N FILE: N revisions with trivial scripts ("SELECT 1" up
# and down), as tab-separated COPY data "seq id parents depends_on message"
# (arrays as array literals) in registration order, every revision after
# the revisions it refers to.  FILE.info holds a revision to stamp so that
# about half the graph is applied, and then the number of heads.  Shapes:
#
#   chain     r000001 <- r000002 <- ... <- rN
#   branches  a trunk; every 20 trunk revisions a branch of 10 revisions
#             forks from the 10th of them; 3 branches in 4 are merged back
#             into the trunk by a merge revision with two parents (trunk
#             tip, branch tip), the 4th stays open as a head.  At 100,000:
#             about 3,200 branches, 2,400 merges, 800 heads.
#   deps      4 branches from one root, registered in turn; every revision
#             also depends on 1 to 3 revisions of the other branches among
#             the 100 registered before it (fixed pseudo-random choice)
#
# The content is fixed (the choices come from a small LCG, not awk's
# rand()), so every run gets the same graph.
gen_graph() {
	awk -v shape="$1" -v n="$2" -v out="$3" -v info="$3.info" '
	# Park-Miller: exact in the doubles of awk (16807 * 2^31 < 2^53)
	function lcg() { seed = (seed * 16807) % 2147483647; return seed }
	function emit(id, parents, deps, msg) {
		seq++
		ids[seq] = id
		np = split(parents, ps, ",")
		for (pi = 1; pi <= np; pi++)
			isparent[ps[pi]] = 1
		printf "%d\t%s\t{%s}\t{%s}\t%s\n", seq, id, parents, deps, msg > out
	}
	function rid(k) { return sprintf("r%06d", k) }
	BEGIN {
		seed = 42
		seq = 0
		if (shape == "chain") {
			for (k = 1; k <= n; k++)
				emit(rid(k), k == 1 ? "" : rid(k - 1), "", "chain " k)
			stamp = rid(int(n / 2))
		} else if (shape == "branches") {
			# trunk tip, branch tip, counters
			k = 0; trunk = ""; nb = 0
			while (seq < n) {
				# one block: 20 trunk revisions, a branch of 10 forking at
				# the 10th, then (3 blocks in 4) a merge
				nb++
				branch = ""
				for (j = 1; j <= 20 && seq < n; j++) {
					k++
					emit(rid(k), trunk, "", "trunk " k)
					trunk = rid(k)
					if (j == 10)
						branch = trunk
					if (j > 10 && seq < n) {
						k++
						emit(rid(k), branch, "", "branch " nb " step " j - 10)
						branch = rid(k)
					}
					if (stamp == "" && seq >= n / 2)
						stamp = trunk
				}
				if (nb % 4 != 0 && branch != "" && seq < n) {
					k++
					emit(rid(k), trunk "," branch, "", "merge branch " nb)
					trunk = rid(k)
				}
			}
		} else if (shape == "deps") {
			k = 1
			emit(rid(1), "", "", "root")
			for (b = 0; b < 4; b++)
				tip[b] = rid(1)
			while (seq < n) {
				k++
				b = (k - 2) % 4
				deps = ""
				nd = 1 + lcg() % 3
				delete used
				for (tries = 0; nd > 0 && tries < 20 && seq > 4; tries++) {
					# a revision of another branch among the last 100
					j = seq + 1 - (1 + lcg() % (seq < 100 ? seq - 1 : 100))
					if (j < 2 || (j - 2) % 4 == b || (j in used))
						continue
					used[j] = 1
					nd--
					deps = deps (deps == "" ? "" : ",") ids[j]
				}
				emit(rid(k), tip[b], deps, "branch " b " step " int((k - 2) / 4) + 1)
				tip[b] = rid(k)
				if (stamp == "" && seq >= n / 2)
					stamp = rid(k)
			}
		} else {
			print "unknown shape " shape > "/dev/stderr"
			exit 2
		}
		# heads: revisions nobody names as a parent
		for (i = 1; i <= seq; i++)
			heads += !(ids[i] in isparent)
		print stamp > info
		print heads > info
	}'
}

# load_graph DB FILE [FIRST]: insert the revisions of FILE (gen_graph)
# with seq <= FIRST (default: all) directly into migrate.revisions of
# project "default", with the values migrate.revision() would store (same
# checksum, classes and statement counts), and bump the project's
# state_version as registration does.  Fast (seconds for 100,000), unlike
# migrate.revision(), but it skips the graph validation: only for the
# generated graphs, which are valid by construction.  The rest, if any,
# stays in the table bench_graph for the caller to register through the
# real path (see register_rest).
load_graph() {
	local db=$1 file=$2 first=${3:-2147483647}
	"${PSQL[@]}" -d "$db" <<-EOF
	BEGIN;
	CREATE TABLE bench_graph (seq integer PRIMARY KEY, id text NOT NULL,
		parents text[] NOT NULL, depends_on text[] NOT NULL, message text NOT NULL);
	\\copy bench_graph FROM '$file'
	-- the checksum of src/core/checksum.c (pgm_revision_checksum): SHA-256 over each
	-- field as a little-endian uint32 length and its bytes
	CREATE FUNCTION pg_temp.field(b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS
	\$\$ SELECT substring(int4send(length(b)) FROM 4 FOR 1) || substring(int4send(length(b)) FROM 3 FOR 1)
		|| substring(int4send(length(b)) FROM 2 FOR 1) || substring(int4send(length(b)) FROM 1 FOR 1) || b \$\$;
	CREATE FUNCTION pg_temp.fields(a text[]) RETURNS bytea LANGUAGE sql IMMUTABLE AS
	\$\$ SELECT pg_temp.field('\\xff6172726179'::bytea)
		|| coalesce((SELECT string_agg(pg_temp.field(convert_to(x, 'UTF8')), ''::bytea ORDER BY o)
					 FROM unnest(a) WITH ORDINALITY AS u(x, o)), ''::bytea) \$\$;
	INSERT INTO migrate.projects (project) VALUES ('default') ON CONFLICT DO NOTHING;
	INSERT INTO migrate.revisions (project, id, seq, parents, branch_labels, depends_on, message,
		up_script, down_script, up_class, down_class, up_statements, down_statements, checksum,
		registered_by)
	SELECT 'default', id, seq, parents, '{}', depends_on, message,
		'SELECT 1', 'SELECT 1', 'transactional', 'transactional', 1, 1,
		'sha256:' || encode(sha256(pg_temp.field('SELECT 1') || pg_temp.field('SELECT 1')
			|| pg_temp.fields(parents) || pg_temp.fields('{}') || pg_temp.fields(depends_on)), 'hex'),
		current_user
	FROM bench_graph WHERE seq <= $first ORDER BY seq;
	UPDATE migrate.projects SET state_version = state_version + 1, changed_at = now()
	WHERE project = 'default';
	COMMIT;
	EOF
}

# register_rest DB: register the revisions left in bench_graph by
# load_graph through migrate.revision(), in order, in one transaction (as
# "pg_migrate push" does), and drop bench_graph.  Prints the server-side
# time in ms per revision ("-" if none was left).
register_rest() {
	"${PSQL[@]}" -At -d "$1" <<-'EOF'
	DO $$
	DECLARE
		r record;
		t0 timestamptz := clock_timestamp();
		k integer := 0;
	BEGIN
		FOR r IN SELECT g.* FROM bench_graph g
				 WHERE NOT EXISTS (SELECT FROM migrate.revisions v WHERE v.project = 'default' AND v.id = g.id)
				 ORDER BY seq LOOP
			PERFORM migrate.revision(id => r.id, up => 'SELECT 1', down => 'SELECT 1',
									 parents => r.parents, depends_on => r.depends_on,
									 message => r.message);
			k := k + 1;
		END LOOP;
		PERFORM set_config('bench.per_revision_ms',
			CASE WHEN k = 0 THEN '-'
				 ELSE round((extract(epoch FROM clock_timestamp() - t0) * 1000 / k)::numeric, 3)::text END,
			false);
	END
	$$;
	DROP TABLE bench_graph;
	SELECT current_setting('bench.per_revision_ms');
	EOF
}

# mark_applied DB REVISION: mark REVISION and everything it needs (its
# ancestors through parents and depends_on) as applied, as
# migrate.stamp(REVISION) would on a database with nothing applied
# (applied_via 'stamp', state_version bumped), by direct INSERT: stamp()
# itself takes minutes on some of the large graphs, and what is measured
# is the read functions on the resulting state.  It writes no events rows
# (the read functions do not read migrate.events).
mark_applied() {
	"${PSQL[@]}" -d "$1" <<-EOF
	BEGIN;
	INSERT INTO migrate.applied (project, revision, applied_via)
	WITH RECURSIVE c(id) AS (
		SELECT '$2'::text
		UNION
		SELECT unnest(r.parents || r.depends_on)
		FROM c JOIN migrate.revisions r ON r.project = 'default' AND r.id = c.id
	)
	SELECT 'default', id, 'stamp' FROM c;
	UPDATE migrate.projects SET state_version = state_version + 1, changed_at = now()
	WHERE project = 'default';
	COMMIT;
	EOF
}

# bench_setup WHAT: what every benchmark starts with: the packages, the
# build of this tree unless --no-build (BUILD empty), a throwaway cluster,
# and a work directory $WORK, removed at the end or copied to $KEEP when
# set (WHAT names its content in the log line).
bench_setup() {
	pgm_install_deps
	if [ -n "$BUILD" ]; then
		pgm_build_install "$PGM_REPO_ROOT"
	fi
	pgm_start_cluster

	WORK=$(mktemp -d /tmp/pgm-bench.XXXXXX)
	chmod 0755 "$WORK"
	# exit hooks run most recent first: copy, then remove
	pgm_on_exit "rm -rf '$WORK'"
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP"
		pgm_on_exit "cp -a '$WORK'/. '$KEEP'/ && pgm_log '$1 kept in $KEEP'"
	fi
}
