
# Copyright (c) pg_migrate contributors
#
# test/t/003_crash.pl
#
# Crash safety.  A deploy is running when the server goes down hard
# (pg_ctl stop -m immediate: no shutdown checkpoint, crash recovery at the
# next start).  After the restart:
#
# - the version state and the schema agree: every applied revision's table
#   exists with all its rows and its index, no table of an unapplied
#   revision exists, and migrate.events has no row for an unapplied revision;
# - nobody holds the project's mutex (no object lock on migrate.projects in
#   pg_locks), and a new deploy with pg_migrate.lock_wait_timeout = 5000
#   completes and applies exactly what is left.
#
# Atomic path, SELECT migrate.upgrade('heads'): a crash anywhere before the
# commit leaves nothing applied.  Per-revision path, CALL migrate.apply():
# the revisions committed before the crash stay applied, the interrupted one
# is not applied and has no table.
#
# The crash points are anchored on what the deploy reports: "revision k is
# running" (migrate.progress() shows step k) plus a delay, or "k revisions
# are committed" (migrate.applied has k rows).  They cover the start, the
# middle (the big INSERT) and the end of the first revision, the boundary
# between revisions, and the inside of the last one.
#
# Each revision sleeps between its statements (0.25 s, 0.25 s, 0.5 s, times
# pgm_test.slow); the deploy that is crashed sets pgm_test.slow = 1, the
# deploys that complete the work afterwards leave it unset (no sleeping), to
# keep the test short.
# Every crash runs in a fresh database cloned from a template.

use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(time usleep);
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateTAP qw(start_psql wait_exit wait_for_condition);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @REVS = map { "crash_$_" } 1 .. 4;
my $ROWS = 200000;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', qq{
log_statement = none
});
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE crash_template');
$node->safe_psql('crash_template', 'CREATE EXTENSION pg_migrate');

sub sleep_sql
{
	my ($seconds) = @_;
	return "SELECT pg_sleep($seconds * coalesce(current_setting('pgm_test.slow', true), '0')::float8);";
}
my $parent;
foreach my $rev (@REVS)
{
	# with pgm_test.slow = 1, on a 2-core machine: sleep 0-0.25 s, INSERT
	# until about 0.55 s, sleep, CREATE INDEX, sleep from about 0.85 to
	# 1.35 s, commit (atomic path: after the last revision)
	my $up = qq{CREATE TABLE $rev (id int NOT NULL, payload text NOT NULL);
@{[ sleep_sql(0.25) ]}
INSERT INTO $rev SELECT g, md5(g::text) FROM generate_series(1, $ROWS) AS g;
@{[ sleep_sql(0.25) ]}
CREATE INDEX ${rev}_id ON $rev (id);
@{[ sleep_sql(0.5) ]}};
	$node->safe_psql(
		'crash_template', qq{
SELECT migrate.revision(id => '$rev', message => 'slow revision $rev',
	parents => @{[ defined $parent ? "ARRAY['$parent']" : "'{}'" ]},
	up => \$up\$$up\$up\$, down => 'DROP TABLE $rev');});
	$parent = $rev;
}
is( $node->safe_psql(
		'crash_template',
		q{SELECT string_agg(revision || ':' || direction || ':' || statements, ',' ORDER BY step)
		  FROM migrate.plan('heads')}),
	join(',', map { "$_:up:6" } @REVS),
	'four pending revisions of six statements each');

# The deploy that gets crashed, as a background psql.
sub start_deploy
{
	my ($db, $command) = @_;
	my $s = { out => '', err => '' };
	$s->{h} = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
			'-v', 'VERBOSITY=verbose', '-d', $node->connstr($db),
			'-c', 'SET pgm_test.slow = 1',
			'-c', $command
		],
		'<', '/dev/null', '>', \$s->{out}, '2>', \$s->{err},
		IPC::Run::timeout(60));
	return $s;
}

sub list_or_empty { return join(',', @_); }

# One crash: path 'upgrade' or 'apply'; anchor ['step', k, delay] (revision
# k is running, then wait delay seconds) or ['applied', k] (k revisions are
# committed).  @expected: the revisions that must be applied after the
# restart.
my $iteration = 0;

sub crash_at
{
	my ($path, $anchor, $what) = @_;
	$iteration++;
	my $db   = "crash_$iteration";
	my $name = "$path, $what";

	my @expected;
	if ($path eq 'apply')
	{
		my $k = $anchor->[1];
		@expected = @REVS[ 0 .. ($anchor->[0] eq 'step' ? $k - 2 : $k - 1) ];
	}
	my @rest = grep {
		my $r = $_;
		!grep { $_ eq $r } @expected
	} @REVS;

	$node->safe_psql('postgres', "CREATE DATABASE $db TEMPLATE crash_template");

	my $deploy = start_deploy($db,
		$path eq 'upgrade'
		? q{SELECT string_agg(revision, ',' ORDER BY step) FROM migrate.upgrade('heads')}
		: q{CALL migrate.apply('heads')});

	my $started = time;
	if ($anchor->[0] eq 'step')
	{
		wait_for_condition($node, $db,
			"EXISTS (SELECT 1 FROM migrate.progress() WHERE state = 'running' AND step >= $anchor->[1])"
		);
		usleep($anchor->[2] * 1_000_000) if $anchor->[2] > 0;
	}
	else
	{
		wait_for_condition($node, $db, "(SELECT count(*) FROM migrate.applied) >= $anchor->[1]");
	}
	my $crashed_after = time - $started;

	my $log_offset = -s $node->logfile;
	$node->stop('immediate');
	eval { $deploy->{h}->finish; 1 } or diag("$name: finishing psql: $@");
	note(sprintf("%s: crashed after %.2f s; psql said: %s", $name, $crashed_after, $deploy->{err}));
	is($deploy->{out}, '', "$name: the crashed deploy returned nothing to its client");

	$node->start;
	ok( $node->log_contains(qr/database system was not properly shut down; automatic recovery in progress/,
			$log_offset),
		"$name: crash recovery ran");

	# The mutex is free and the state is consistent.
	is( $node->safe_psql(
			$db, q{
SELECT count(*) FROM pg_locks
WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass}),
		'0',
		"$name: no lock on migrate.projects after the restart");
	is($node->safe_psql($db, q{SELECT string_agg(revision, ',' ORDER BY revision) FROM migrate.applied}),
		list_or_empty(@expected), "$name: applied revisions");
	is( $node->safe_psql(
			$db, q{SELECT string_agg(revision || ':' || state, ',' ORDER BY revision) FROM migrate.status()}),
		join(',',
			map { my $r = $_; $r . ':' . ((grep { $_ eq $r } @expected) ? 'applied' : 'pending') } @REVS),
		"$name: status()");
	is($node->safe_psql($db, q{SELECT string_agg(c, ',') FROM migrate.current() AS c}),
		@expected ? $expected[-1] : '', "$name: current()");
	is( $node->safe_psql(
			$db, q{
SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
WHERE relname LIKE 'crash\_%' AND relnamespace = 'public'::regnamespace}),
		join(',', map { ($_, "${_}_id") } @expected),
		"$name: exactly the applied revisions' tables and indexes exist");
	if (@expected)
	{
		is( $node->safe_psql(
				$db,
				'SELECT ' . join(" || ',' || ", map { "(SELECT count(*) FROM $_)" } @expected)),
			join(',', map { $ROWS } @expected),
			"$name: the applied revisions' tables have all their rows");
	}
	is( $node->safe_psql(
			$db, q{
SELECT string_agg(revision || ':' || direction || ':' || outcome, ',' ORDER BY event_id)
FROM migrate.events}),
		join(',', map { "$_:up:success" } @expected),
		"$name: one event per committed revision");
	is( $node->safe_psql(
			$db, q{
SELECT count(*) FROM migrate.events e
WHERE NOT EXISTS (SELECT 1 FROM migrate.applied a
				  WHERE a.project = e.project AND a.revision = e.revision)}),
		'0',
		"$name: no event for an unapplied revision");

	# A new deploy gets the mutex at once and applies what is left.
	if ($path eq 'upgrade')
	{
		is( $node->safe_psql(
				$db, q{
SET pg_migrate.lock_wait_timeout = 5000;
SELECT string_agg(revision, ',' ORDER BY step) FROM migrate.upgrade('heads');}),
			join(',', @rest),
			"$name: upgrade after the restart applies the rest");
	}
	else
	{
		my ($ret, $stdout, $stderr) = $node->psql(
			$db, q{
SET pg_migrate.lock_wait_timeout = 5000;
CALL migrate.apply('heads');},
			extra_params => [ '-v', 'VERBOSITY=verbose' ]);
		is($ret, 0, "$name: apply after the restart succeeds");
		my @notices = $stderr =~ /NOTICE:  PM002: applied revision "([^"]+)"/g;
		is(join(',', @notices), join(',', @rest),
			"$name: apply after the restart applies the rest");
	}
	is( $node->safe_psql(
			$db, q{
SELECT string_agg(revision || ':' || direction || ':' || outcome, ',' ORDER BY revision)
FROM migrate.events}),
		join(',', map { "$_:up:success" } @REVS),
		"$name: in the end, every revision has exactly one event");
	is( $node->safe_psql(
			$db, q{
SELECT count(*) FROM pg_class
WHERE relname LIKE 'crash\_%' AND relkind = 'r' AND relnamespace = 'public'::regnamespace}),
		scalar(@REVS),
		"$name: in the end, every table exists");
	is($node->safe_psql($db, 'SELECT migrate.is_up_to_date()'),
		't', "$name: in the end, up to date");

	$node->safe_psql('postgres', "DROP DATABASE $db");
	return;
}

# ---------------------------------------------------------------------------
# Atomic path: nothing is applied, wherever the crash hits.

crash_at('upgrade', [ 'step', 1, 0 ],    'first revision, at its start');
crash_at('upgrade', [ 'step', 1, 0.38 ], 'first revision, during its INSERT');
crash_at('upgrade', [ 'step', 1, 1.0 ],  'first revision, at its end');
crash_at('upgrade', [ 'step', 2, 0 ],    'between the first and second revisions');
crash_at('upgrade', [ 'step', 2, 0.65 ], 'second revision, after its INSERT');
crash_at('upgrade', [ 'step', 3, 0.4 ],  'third revision, during its INSERT');
crash_at('upgrade', [ 'step', 4, 0 ],    'last revision, at its start');
crash_at('upgrade', [ 'step', 4, 1.0 ],  'last revision, at its end');

# Per-revision path: what was committed stays.

crash_at('apply', [ 'step', 1, 0.1 ],  'first revision, at its start');
crash_at('apply', [ 'step', 1, 0.4 ],  'first revision, during its INSERT');
crash_at('apply', [ 'applied', 1 ],    'right after the first revision committed');
crash_at('apply', [ 'step', 2, 0.4 ],  'second revision, during its INSERT');
crash_at('apply', [ 'applied', 2 ],    'right after the second revision committed');
crash_at('apply', [ 'step', 3, 1.0 ],  'third revision, at its end');
crash_at('apply', [ 'step', 4, 0 ],    'last revision, at its start');
crash_at('apply', [ 'step', 4, 1.0 ],  'last revision, at its end');

$node->stop;

done_testing();
