# shellcheck shell=bash
#
# scripts/lib.sh - helpers shared by scripts/demo and scripts/test
#
# Source it from a bash script running with "set -euo pipefail":
#
#     . "$(dirname "$0")/lib.sh"
#
# It targets Debian 12 with PostgreSQL 15 from the distribution and must be
# run as root (pgm_require_root_or_sudo re-executes through sudo): it
# installs packages, installs the extension into the server's directories
# and runs the throwaway cluster as the "postgres" user (initdb refuses
# root).
#
# Functions:
#   pgm_require_root_or_sudo "$@"  re-exec the calling script with sudo unless root
#   pgm_install_deps [PKG...]      apt-get install whatever is missing of
#                                  PGM_DEB_PACKAGES and PKG...
#   pgm_build_install [DIR]        make clean all install with -Werror
#   pgm_start_cluster              initdb + start a private cluster, export PG*
#   pgm_stop_cluster               stop it and remove its directory
#   pgm_as_postgres CMD...         run a command as user postgres from /
#   pgm_find_free_port [START]     first port >= START nobody listens on
#   pgm_on_exit CMD                run CMD (eval'ed) when the script exits
#   pgm_parse_regress_output FILE  count pg_regress "... ok/FAILED" lines

PGM_PG_MAJOR=15
PGM_PGBIN=/usr/lib/postgresql/$PGM_PG_MAJOR/bin
PGM_PG_CONFIG=$PGM_PGBIN/pg_config
PGM_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

PGM_DEB_PACKAGES=(
	build-essential
	"postgresql-$PGM_PG_MAJOR"
	"postgresql-server-dev-$PGM_PG_MAJOR"
	"postgresql-$PGM_PG_MAJOR-postgis-3"
	"postgresql-$PGM_PG_MAJOR-pgtap"
	libtap-parser-sourcehandler-pgtap-perl
	libipc-run-perl
	libpq-dev
	libpg-query-dev
	libssl-dev
)

# What only the test command needs on top: clang, its sanitizer and fuzzer
# runtimes (only recommended by clang-14, so named here) and libFuzzer, for
# the fuzz harnesses (scripts/fuzz); PgBouncer, which
# test/t/026_pgbouncer.pl runs in front of its cluster in transaction mode.
PGM_DEB_TEST_PACKAGES=(
	clang-14
	libclang-rt-14-dev
	libfuzzer-14-dev
	pgbouncer
)

# Set by pgm_start_cluster.
PGM_CLUSTER_DIR=
PGM_CLUSTER_DATA=
PGM_CLUSTER_LOG=
PGM_EXIT_HOOKS=()
PGM_TRAPS_INSTALLED=

pgm_log() { printf '==> %s\n' "$*"; }
pgm_warn() { printf 'warning: %s\n' "$*" >&2; }
pgm_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# pgm_require_root_or_sudo "$@": call first thing, with the script's
# arguments.  Re-executes the calling script through sudo when not root.
pgm_require_root_or_sudo() {
	if [ "$(id -u)" -eq 0 ]; then
		return 0
	fi
	if [ -n "${PGM_SUDO_REEXEC:-}" ]; then
		pgm_die "still not root after re-running through sudo"
	fi
	if ! command -v sudo >/dev/null 2>&1; then
		pgm_die "this script must run as root (it installs packages and the extension), and sudo is not available"
	fi
	local script
	script=$(readlink -f -- "$0")
	pgm_log "not running as root: re-running with sudo"
	exec sudo -- env PGM_SUDO_REEXEC=1 bash "$script" "$@"
}

# True when a Debian package is installed (not just known, or removed with
# its configuration files left behind).
pgm__pkg_installed() {
	local status
	status=$(dpkg -s "$1" 2>/dev/null | sed -n 's/^Status: //p') || true
	[ "$status" = "install ok installed" ]
}

pgm_install_deps() {
	command -v dpkg >/dev/null 2>&1 ||
		pgm_die "dpkg not found: this script supports Debian/Ubuntu; install by hand: ${PGM_DEB_PACKAGES[*]}"

	local missing=() pkg
	for pkg in "${PGM_DEB_PACKAGES[@]}" "$@"; do
		pgm__pkg_installed "$pkg" || missing+=("$pkg")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		pgm_log "dependencies already installed"
		return 0
	fi

	pgm_log "installing missing packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq ||
		pgm_die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
		pgm_die "apt-get install failed for: ${missing[*]}"
	for pkg in "${missing[@]}"; do
		pgm__pkg_installed "$pkg" || pgm_die "package $pkg is still not installed"
	done
}

# pgm_build_install [DIR]: build with warnings as errors and install into
# the PostgreSQL 15 directories.  Quiet on success; prints the whole build
# log on failure (and any warnings that did not fail the build).
pgm_build_install() {
	local dir=${1:-$PGM_REPO_ROOT} log rc=0
	[ -x "$PGM_PG_CONFIG" ] || pgm_die "$PGM_PG_CONFIG not found (is postgresql-server-dev-$PGM_PG_MAJOR installed?)"
	log=$(mktemp "${TMPDIR:-/tmp}/pgm-build.XXXXXX")
	pgm_log "building and installing pg_migrate from $dir (COPT=-Werror)"
	make -C "$dir" -s --no-print-directory PG_CONFIG="$PGM_PG_CONFIG" COPT=-Werror \
		clean all install >"$log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		cat "$log" >&2
		rm -f "$log"
		pgm_die "build failed (make exited with status $rc)"
	fi
	if grep -qi 'warning' "$log"; then
		pgm_warn "the build printed warnings:"
		cat "$log" >&2
	fi
	rm -f "$log"
}

# pgm_as_postgres CMD...: run as the postgres user, from a directory it can
# read (the caller's cwd may be /root).
pgm_as_postgres() {
	(cd / && runuser -u postgres -- "$@")
}

# True if something listens on TCP port $1 (any address, v4 or v6) or a
# Unix socket named .s.PGSQL.$1 exists in any directory.  Reads /proc so it
# does not depend on ss/netstat being installed.
pgm__port_in_use() {
	local port=$1 hex
	hex=$(printf '%04X' "$port")
	# /proc/net/tcp{,6}: "sl local_address rem_address st ..."; st 0A = LISTEN
	if awk -v p=":$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 }
						END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
		return 0
	fi
	if grep -q "/\.s\.PGSQL\.$port\$" /proc/net/unix 2>/dev/null; then
		return 0
	fi
	return 1
}

# pgm_find_free_port [START]: print the first port >= START (default 54330)
# nobody listens on.
pgm_find_free_port() {
	local port=${1:-54330} last
	last=$((port + 1000))
	while [ "$port" -le "$last" ]; do
		if ! pgm__port_in_use "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
		port=$((port + 1))
	done
	pgm_die "no free port between ${1:-54330} and $last"
}

# pgm_on_exit CMD: register a command to run (eval'ed, most recent first)
# when the script exits, before the cluster is stopped.
pgm_on_exit() {
	PGM_EXIT_HOOKS+=("$1")
	pgm__install_traps
}

pgm__install_traps() {
	[ -n "$PGM_TRAPS_INSTALLED" ] && return 0
	PGM_TRAPS_INSTALLED=1
	trap 'pgm__on_exit' EXIT
	trap 'pgm__on_signal 129' HUP
	trap 'pgm__on_signal 130' INT
	trap 'pgm__on_signal 143' TERM
}

pgm__on_signal() {
	printf '\ninterrupted, cleaning up\n' >&2
	# exit runs the EXIT trap, which does the cleanup
	exit "$1"
}

pgm__on_exit() {
	local rc=$? i
	set +e
	for ((i = ${#PGM_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${PGM_EXIT_HOOKS[$i]}"
	done
	PGM_EXIT_HOOKS=()
	pgm_stop_cluster
	exit $rc
}

# pgm_start_cluster: a private cluster for this run.  Data directory and
# socket live in a fresh directory under /tmp (short enough for a socket
# path, and reachable by postgres whatever root's TMPDIR is); no TCP
# listener.  Exports PGHOST, PGPORT, PGUSER.  Stopped and removed on exit,
# error or interrupt.
pgm_start_cluster() {
	[ -z "$PGM_CLUSTER_DIR" ] || pgm_die "a cluster is already running in $PGM_CLUSTER_DIR"
	[ -x "$PGM_PGBIN/initdb" ] || pgm_die "$PGM_PGBIN/initdb not found (is postgresql-$PGM_PG_MAJOR installed?)"
	id postgres >/dev/null 2>&1 || pgm_die "user postgres does not exist (is postgresql-$PGM_PG_MAJOR installed?)"

	pgm__install_traps
	PGM_CLUSTER_DIR=$(mktemp -d /tmp/pgm-cluster.XXXXXX)
	PGM_CLUSTER_DATA=$PGM_CLUSTER_DIR/data
	PGM_CLUSTER_LOG=$PGM_CLUSTER_DIR/server.log
	chown postgres:postgres "$PGM_CLUSTER_DIR"
	chmod 0755 "$PGM_CLUSTER_DIR"

	# C.UTF-8 (built into glibc, so present on any Debian 12): code-point
	# sorting and untranslated messages for the regression outputs whatever
	# the caller's LANG, and UTF8 so that any text can be stored.
	if ! pgm_as_postgres "$PGM_PGBIN/initdb" -D "$PGM_CLUSTER_DATA" -U postgres \
		-A trust -E UTF8 --locale=C.UTF-8 >"$PGM_CLUSTER_DIR/initdb.log" 2>&1; then
		cat "$PGM_CLUSTER_DIR/initdb.log" >&2
		pgm_die "initdb failed"
	fi

	local port
	port=$(pgm_find_free_port 54330)
	cat >>"$PGM_CLUSTER_DATA/postgresql.conf" <<-EOF

	# added by scripts/lib.sh (pgm_start_cluster)
	listen_addresses = ''
	port = $port
	unix_socket_directories = '$PGM_CLUSTER_DIR'
	fsync = on
	max_connections = 100
	max_prepared_transactions = 10
	log_line_prefix = '%m [%p] %q%a '
	EOF

	if ! pgm_as_postgres "$PGM_PGBIN/pg_ctl" -D "$PGM_CLUSTER_DATA" -l "$PGM_CLUSTER_LOG" \
		-w -t 120 start >/dev/null; then
		tail -n 50 "$PGM_CLUSTER_LOG" >&2 || true
		pgm_die "could not start the cluster in $PGM_CLUSTER_DATA"
	fi

	# Nothing from the caller's environment may redirect our connections.
	unset PGHOSTADDR PGDATABASE PGSERVICE PGSERVICEFILE PGPASSWORD PGPASSFILE \
		PGOPTIONS PGSSLMODE PGTARGETSESSIONATTRS PGREQUIRESSL PGCONNECT_TIMEOUT PGDATA
	export PGHOST=$PGM_CLUSTER_DIR
	export PGPORT=$port
	export PGUSER=postgres
	pgm_log "started a throwaway PostgreSQL $PGM_PG_MAJOR cluster (socket $PGHOST, port $PGPORT)"
}

# pgm_stop_cluster: stop the cluster by its data directory and remove its
# directory.  Safe to call several times.
pgm_stop_cluster() {
	[ -n "$PGM_CLUSTER_DIR" ] || return 0
	local dir=$PGM_CLUSTER_DIR
	if [ -f "$PGM_CLUSTER_DATA/postmaster.pid" ]; then
		if ! pgm_as_postgres "$PGM_PGBIN/pg_ctl" -D "$PGM_CLUSTER_DATA" -m fast -w -t 60 \
			stop >/dev/null 2>&1; then
			pgm_as_postgres "$PGM_PGBIN/pg_ctl" -D "$PGM_CLUSTER_DATA" -m immediate -w -t 30 \
				stop >/dev/null 2>&1 || pgm_warn "could not stop the cluster in $PGM_CLUSTER_DATA"
		fi
	fi
	PGM_CLUSTER_DIR=
	PGM_CLUSTER_DATA=
	PGM_CLUSTER_LOG=
	case $dir in
	/tmp/pgm-cluster.*) rm -rf -- "$dir" ;;
	esac
}

# pgm_parse_regress_output FILE: count pg_regress / pg_isolation_regress
# result lines ("test name ... ok 12 ms", "     name ... FAILED 30 ms",
# "name ... failed (ignored)") and print "PASSED FAILED" followed by one
# line per test "ok|FAILED name".  Lines are matched anywhere in the
# output, so make's chatter around them does not matter.
pgm_parse_regress_output() {
	awk '
	{
		line = $0
		sub(/\r$/, "", line)
		# optional "test " or leading blanks (parallel groups), the name, " ... ", a status
		if (match(line, /^(test[ \t]+|[ \t]+)?[^ \t]+[ \t]+\.\.\.[ \t]+(ok|FAILED|failed)/)) {
			n = line
			sub(/^(test[ \t]+|[ \t]+)/, "", n)
			name = n
			sub(/[ \t].*$/, "", name)
			status = n
			sub(/^[^ \t]+[ \t]+\.\.\.[ \t]+/, "", status)
			if (status ~ /^ok/) { pass++; res[++k] = "ok " name }
			else { fail++; res[++k] = "FAILED " name }
		}
	}
	END {
		printf "%d %d\n", pass, fail
		for (i = 1; i <= k; i++) print res[i]
	}' "$1"
}
