#!/bin/bash
#
# bench/lint_compare.sh - pg_migrate's linter and squawk on the same files
#
# Runs squawk (the npm package squawk-cli) with "--reporter json" and
# "pg_migrate lint --offline --json" on every file of the lint corpus
# (test/lint/corpus, or the files or directories given), and prints a
# markdown table with one row per hazard: the rule names of both tools
# (mapped where they mean the same hazard), how many files each tool
# flags with it, how many both flag, and how many only one of them flags.
# Then, for every row where the tools disagree, which files.  A
# measurement, not a test: it passes or fails on nothing
# (test/lint/SQUAWK.md explains the differences).
#
# squawk: "squawk" on PATH, or $SQUAWK, or else it is installed with npm
# (squawk-cli@$SQUAWK_VERSION, default 2.66.0) into a cache directory
# ($XDG_CACHE_HOME/pg_migrate-squawk, else /tmp/pgm-squawk); without npm
# the comparison is skipped with a message.  squawk runs with
# --assume-in-transaction (pg_migrate runs each revision in a transaction;
# SQUAWK_ASSUME_IN_TRANSACTION=0 turns that off) and --pg-version=15.0.
#
# pg_migrate: $PG_MIGRATE, else "pg_migrate" on PATH, else the client built
# in client/.  It runs offline, with no PG* variable set.
#
# Usage: bench/lint_compare.sh [FILE or DIR...]

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SQUAWK_VERSION=${SQUAWK_VERSION:-2.66.0}
ASSUME_TX=${SQUAWK_ASSUME_IN_TRANSACTION:-1}

# the files: *.sql of the directories given, or the files themselves
FILES=()
[ $# -gt 0 ] || set -- "$ROOT/test/lint/corpus"
for a in "$@"; do
	if [ -d "$a" ]; then
		for f in "$a"/*.sql; do
			[ -e "$f" ] && FILES+=("$f")
		done
	elif [ -f "$a" ]; then
		FILES+=("$a")
	else
		echo "lint_compare: no such file or directory: $a" >&2
		exit 2
	fi
done
if [ ${#FILES[@]} -eq 0 ]; then
	echo "lint_compare: no .sql files to compare" >&2
	exit 2
fi

# --- squawk --------------------------------------------------------------
if [ -n "${SQUAWK:-}" ]; then
	:
elif command -v squawk >/dev/null 2>&1; then
	SQUAWK=$(command -v squawk)
else
	CACHE=${XDG_CACHE_HOME:+$XDG_CACHE_HOME/pg_migrate-squawk}
	CACHE=${CACHE:-/tmp/pgm-squawk}
	SQUAWK=$CACHE/node_modules/.bin/squawk
	if [ ! -x "$SQUAWK" ] || ! "$SQUAWK" --version 2>/dev/null | grep -qF "$SQUAWK_VERSION"; then
		if ! command -v npm >/dev/null 2>&1; then
			echo "lint_compare: skipped: squawk is not installed and npm is not available to install squawk-cli"
			exit 0
		fi
		echo "lint_compare: installing squawk-cli@$SQUAWK_VERSION into $CACHE" >&2
		mkdir -p "$CACHE"
		if ! npm install --prefix "$CACHE" --no-audit --no-fund --silent \
			"squawk-cli@$SQUAWK_VERSION" >&2; then
			echo "lint_compare: skipped: npm could not install squawk-cli@$SQUAWK_VERSION"
			exit 0
		fi
	fi
fi
if ! "$SQUAWK" --version >/dev/null 2>&1; then
	echo "lint_compare: skipped: $SQUAWK does not run"
	exit 0
fi

# --- pg_migrate ----------------------------------------------------------
if [ -n "${PG_MIGRATE:-}" ]; then
	PGM=$PG_MIGRATE
elif command -v pg_migrate >/dev/null 2>&1; then
	PGM=$(command -v pg_migrate)
elif [ -x "$ROOT/client/pg_migrate" ]; then
	PGM=$ROOT/client/pg_migrate
else
	echo "lint_compare: pg_migrate not found: install it, build client/, or set PG_MIGRATE" >&2
	exit 2
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

SQ_ARGS=(--pg-version=15.0 --reporter json)
[ "$ASSUME_TX" = 0 ] || SQ_ARGS+=(--assume-in-transaction)
# exit status 1 means "found something"; anything else is a failure
rc=0
"$SQUAWK" "${SQ_ARGS[@]}" "${FILES[@]}" >"$TMP/squawk.json" 2>"$TMP/squawk.err" || rc=$?
if [ "$rc" -gt 1 ]; then
	echo "lint_compare: squawk failed (exit status $rc):" >&2
	cat "$TMP/squawk.err" >&2
	exit 1
fi

# offline, with nothing that names a server
PGM_ENV=(env)
while IFS= read -r v; do
	PGM_ENV+=(-u "$v")
done < <(env | sed -n 's/^\(PG[A-Za-z0-9_]*\)=.*/\1/p')
rc=0
"${PGM_ENV[@]}" "$PGM" lint --offline --json "${FILES[@]}" >"$TMP/pgm.json" 2>"$TMP/pgm.err" || rc=$?
if [ "$rc" -gt 1 ]; then
	echo "lint_compare: pg_migrate lint failed (exit status $rc):" >&2
	cat "$TMP/pgm.err" >&2
	exit 1
fi

echo "squawk: $("$SQUAWK" --version) (${SQ_ARGS[*]})"
echo "pg_migrate: $PGM lint --offline --json"
echo "files: ${#FILES[@]}"
echo

perl -MJSON::PP -MFile::Basename -e '
use strict;
use warnings;

my ($sqfile, $pgmfile, @files) = @ARGV;
sub slurp { open my $fh, "<", $_[0] or die "$_[0]: $!\n"; local $/; return <$fh> }

# pg_migrate rule => the squawk rules that flag the same hazard
my @map = (
	[ "require-concurrent-index-creation", "require-concurrent-index-creation" ],
	[ "require-concurrent-index-deletion", "require-concurrent-index-deletion" ],
	[ "require-concurrent-reindex", "require-concurrent-reindex" ],
	[ "adding-field-with-default", "adding-field-with-default" ],
	[ "changing-column-type", "changing-column-type" ],
	[ "adding-foreign-key-constraint", "adding-foreign-key-constraint" ],
	[ "constraint-missing-not-valid", "constraint-missing-not-valid" ],
	[ "disallowed-unique-constraint", "disallowed-unique-constraint" ],
	[ "adding-primary-key-constraint", "adding-serial-primary-key-field" ],
	[ "adding-not-nullable-field", "adding-not-nullable-field" ],
	[ "adding-required-field", "adding-required-field" ],
	[ "ban-drop-column", "ban-drop-column" ],
	[ "ban-drop-table", "ban-drop-table" ],
	[ "ban-drop-database", "ban-drop-database" ],
	[ "ban-drop-not-null", "ban-drop-not-null" ],
	[ "ban-truncate-cascade", "ban-truncate-cascade" ],
	[ "renaming-column", "renaming-column" ],
	[ "renaming-table", "renaming-table" ],
	[ "ban-alter-domain-with-add-constraint", "ban-alter-domain-with-add-constraint" ],
	[ "ban-create-domain-with-constraint", "ban-create-domain-with-constraint" ],
	[ "ban-char-field", "ban-char-field" ],
	[ "prefer-text-field", "prefer-text-field" ],
	[ "prefer-bigint-over-int", "prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-big-int" ],
	[ "prefer-timestamptz", "prefer-timestamp-tz" ],
	[ "prefer-identity", "prefer-identity" ],
	[ "transaction-nesting", "transaction-nesting" ],
	[ "require-lock-timeout", "require-lock-timeout" ],
	[ "unknown-object" ],
	[ "duplicate-index" ],
	[ "unindexed-foreign-key" ],
);

# rule => { file => 1 }, files by base name
my (%sq, %pgm);
my $s = JSON::PP->new->decode(slurp($sqfile) || "[]");
die "squawk: unexpected JSON\n" unless ref $s eq "ARRAY";
$sq{ $_->{rule_name} }{ basename($_->{file}) } = 1 foreach @$s;
my $p = JSON::PP->new->decode(slurp($pgmfile));
die "pg_migrate: unexpected JSON\n" unless ref $p eq "HASH" && ref $p->{files} eq "ARRAY";
foreach my $f (@{ $p->{files} })
{
	$pgm{ $_->{rule} }{ basename($f->{file}) } = 1 foreach @{ $f->{findings} // [] };
}

# rules of either tool that the map does not name get rows of their own
my (%mapped_pgm, %mapped_sq);
foreach my $m (@map)
{
	my ($r, @q) = @$m;
	$mapped_pgm{$r} = 1;
	$mapped_sq{$_} = 1 foreach @q;
}
push @map, [ $_ ] foreach sort grep { !$mapped_pgm{$_} } keys %pgm;
push @map, [ undef, $_ ] foreach sort grep { !$mapped_sq{$_} } keys %sq;

my @order = map { basename($_) } @files;
sub num { my @n = map { /^(\d+)_/ ? $1 : $_ } @_; return join(" ", @n) }

print "| pg_migrate rule | squawk rule | squawk | pg_migrate | both | squawk only | pg_migrate only |\n";
print "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
my @notes;
foreach my $m (@map)
{
	my ($r, @q) = @$m;
	my %a = map { %{ $sq{$_} // {} } } @q;
	my %b = defined $r ? %{ $pgm{$r} // {} } : ();
	my @both = grep { $a{$_} && $b{$_} } @order;
	my @sqo = grep { $a{$_} && !$b{$_} } @order;
	my @pgo = grep { !$a{$_} && $b{$_} } @order;
	my @qshown = grep { $sq{$_} || $_ eq $q[0] } @q;
	printf "| %s | %s | %d | %d | %d | %d | %d |\n",
	  defined $r ? "`$r`" : "-",
	  @q ? join(", ", map { "`$_`" } @qshown) : "-",
	  scalar(keys %a), scalar(keys %b), scalar @both, scalar @sqo, scalar @pgo;
	my $name = defined $r ? $r : $q[0];
	push @notes, "- `$name`: squawk only: " . num(@sqo) if @sqo;
	push @notes, "- `$name`: pg_migrate only: " . num(@pgo) if @pgo;
}
my %any_sq = map { %$_ } values %sq;
my %any_pgm = map { %$_ } values %pgm;
printf "\nfiles flagged by squawk: %d, by pg_migrate: %d, by neither: %d (of %d)\n",
  scalar(keys %any_sq), scalar(keys %any_pgm),
  scalar(grep { !$any_sq{$_} && !$any_pgm{$_} } @order), scalar @order;
printf "pg_migrate summary: %d errors, %d warnings, %d advice\n",
  $p->{errors} // 0, $p->{warnings} // 0, $p->{advice} // 0;
print "\nDisagreements (file numbers):\n\n", join("\n", @notes), "\n" if @notes;
' "$TMP/squawk.json" "$TMP/pgm.json" "${FILES[@]}"
