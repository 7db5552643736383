
# Copyright (c) pg_migrate contributors
#
# test/t/004_client_killed.pl
#
# A deployer goes away in the middle of CALL migrate.apply():
#
# 1. Its client is killed (SIGKILL of psql) while a revision sleeps for
#    3 s.  The backend notices the lost client at the latest when the
#    running revision ends, and the mutex goes with its transaction: a second
#    deployer (SELECT migrate.upgrade('heads') with
#    pg_migrate.lock_wait_timeout = 20000) proceeds and applies what is
#    left.  Every revision is applied exactly once, whichever of the two
#    applied the interrupted one.
#
# 2. The backend is terminated (pg_terminate_backend()) while a revision
#    sleeps for 30 s, with a deployer waiting for the mutex.  The mutex is
#    released at once: the waiter finishes within a few seconds (without
#    the release it would wait 20 s and fail with 55P03), and it applies the
#    interrupted revision, which the terminated session did not apply.
#
# A revision sleeps for pgm_test.sleep seconds (0 when unset): only the
# session that is killed sets it.

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

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION pg_migrate;
CREATE TABLE applied_log (revision text NOT NULL, app text NOT NULL DEFAULT current_setting('application_name'));
});

my $sleep =
  q{SELECT pg_sleep(coalesce(current_setting('pgm_test.sleep', true), '0')::float8);};
my $previous;

sub register
{
	my ($id, $sleeps) = @_;
	my $up = "CREATE TABLE tbl_$id (id int);\n"
	  . ($sleeps ? "$sleep\n" : '')
	  . "INSERT INTO applied_log (revision) VALUES ('$id');";
	$node->safe_psql(
		'postgres', qq{
SELECT migrate.revision(id => '$id', message => 'revision $id',
	parents => @{[ defined $previous ? "ARRAY['$previous']" : "'{}'" ]},
	up => \$up\$$up\$up\$, down => 'DROP TABLE tbl_$id');});
	$previous = $id;
	return;
}

my $no_mutex = q{
SELECT count(*) FROM pg_locks
WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass};

# ---------------------------------------------------------------------------
# 1. The client is killed.

register('k1', 0);
register('k2', 1);
register('k3', 0);

my $victim = start_psql($node, 'victim', 90, 'SET pgm_test.sleep = 3', q{CALL migrate.apply('heads')});
wait_for_condition($node, 'postgres',
	q{EXISTS (SELECT 1 FROM migrate.progress()
			  WHERE revision = 'k2' AND state = 'running' AND application_name = 'victim')});
my $victim_pid = $node->safe_psql('postgres',
	q{SELECT pid FROM migrate.progress() WHERE application_name = 'victim'});
is( $node->safe_psql(
		'postgres', q{
SELECT l.pid FROM pg_locks l
WHERE l.locktype = 'object' AND l.classid = 'migrate.projects'::regclass AND l.granted}),
	$victim_pid,
	'the victim holds the mutex while revision k2 runs');
is($node->safe_psql('postgres', q{SELECT string_agg(revision, ',') FROM migrate.applied}),
	'k1', 'k1 is committed, k2 is running');

$victim->{h}->signal('KILL');
ok(wait_exit($victim, time + 10), 'the victim psql is gone');

my $t0 = time;
my ($ret, $second, $second_err) = $node->psql(
	'postgres', q{
SET application_name = 'second';
SET pg_migrate.lock_wait_timeout = 20000;
SELECT string_agg(revision, ',' ORDER BY step) FROM migrate.upgrade('heads');},
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ],
	timeout      => 60);
my $elapsed = time - $t0;
is($ret, 0, 'the second deployer succeeds');
is($second_err, '', 'the second deployer got no error');
note(sprintf('the second deployer finished after %.2f s and applied "%s"', $elapsed, $second));
ok($elapsed < 15, 'the second deployer got the mutex well before its 20 s limit')
  or diag("it took $elapsed s");
ok(
	(grep { $_ eq $second } ('k2,k3', 'k3')),
	'the second deployer applied what was left (k2,k3 or k3)')
  or diag("it applied '$second'");

# whoever applied k2, every revision ran once
my %by = map { $_ => 'victim' } qw(k1 k2 k3);
$by{$_} = 'second' for split /,/, $second;
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(revision || ':' || direction || ':' || outcome || ':' || application_name,
				  ',' ORDER BY event_id)
FROM migrate.events}),
	join(',', map { "$_:up:success:$by{$_}" } qw(k1 k2 k3)),
	'one successful event per revision, by the session that applied it');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(revision || ':' || app, ',' ORDER BY revision) FROM applied_log}),
	join(',', map { "$_:$by{$_}" } qw(k1 k2 k3)),
	'every up script ran exactly once');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM migrate.events WHERE backend_pid = } . $victim_pid),
	scalar(grep { $by{$_} eq 'victim' } qw(k1 k2 k3)),
	'the events of the killed session are those of the revisions it committed');
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
WHERE relname LIKE 'tbl\_%' AND relkind = 'r'}),
	'tbl_k1,tbl_k2,tbl_k3',
	'every table exists');
is($node->safe_psql('postgres', q{SELECT string_agg(c, ',') FROM migrate.current() AS c}),
	'k3', 'current is k3');
wait_for_condition($node, 'postgres', "NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $victim_pid)");
pass('the backend of the killed client has exited');
is($node->safe_psql('postgres', $no_mutex), '0', 'nobody holds the mutex');

# ---------------------------------------------------------------------------
# 2. The backend is terminated while a deployer waits for the mutex.

register('t1', 1);
register('t2', 0);

my $victim2 = start_psql($node, 'victim2', 90, 'SET pgm_test.sleep = 30', q{CALL migrate.apply('heads')});
wait_for_condition($node, 'postgres',
	q{EXISTS (SELECT 1 FROM migrate.progress()
			  WHERE revision = 't1' AND state = 'running' AND application_name = 'victim2')});
my $victim2_pid = $node->safe_psql('postgres',
	q{SELECT pid FROM migrate.progress() WHERE application_name = 'victim2'});

my $waiter = start_psql($node,
	'waiter', 90,
	'SET pg_migrate.lock_wait_timeout = 20000',
	q{SELECT string_agg(revision, ',' ORDER BY step) FROM migrate.upgrade('heads')});
wait_for_condition($node, 'postgres',
	q{EXISTS (SELECT 1 FROM migrate.progress()
			  WHERE application_name = 'waiter' AND state = 'waiting')});
is( $node->safe_psql(
		'postgres',
		q{SELECT (j->'lock'->>'pid') || ' ' || (j->'lock'->>'revision') || ' ' || (j->>'waiting')
		  FROM migrate.status_json() AS j}),
	"$victim2_pid t1 1",
	'status_json: victim2 holds the mutex running t1, one session waits');

$t0 = time;
is($node->safe_psql('postgres', "SELECT pg_terminate_backend($victim2_pid)"),
	't', 'pg_terminate_backend() of the session inside CALL migrate.apply()');
ok(wait_exit($waiter, time + 25), 'the waiter finished');
$elapsed = time - $t0;
note(sprintf('the waiter finished %.2f s after the termination', $elapsed));
ok($elapsed < 3, 'the waiter got the mutex at once, not after the revision or its time limit')
  or diag("it took $elapsed s");
is($waiter->{err}, '', 'the waiter got no error');
is($waiter->{out}, "t1,t2\n", 'the waiter applied t1 (not applied by the terminated session) and t2');

ok(wait_exit($victim2, time + 10), 'the terminated session\'s psql exited');
my @victim2_errors = $victim2->{err} =~ /(FATAL|ERROR):  ([0-9A-Z]{5}): ([^\n]*)/g;
is( join(' ', @victim2_errors[ 0 .. 2 ]),
	'FATAL 57P01 terminating connection due to administrator command',
	'the terminated session was told why');

is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(revision || ':' || direction || ':' || outcome || ':' || application_name,
				  ',' ORDER BY event_id)
FROM migrate.events WHERE revision IN ('t1', 't2')}),
	't1:up:success:waiter,t2:up:success:waiter',
	'one successful event for t1 and t2, by the waiter');
is($node->safe_psql('postgres', "SELECT count(*) FROM migrate.events WHERE backend_pid = $victim2_pid"),
	'0', 'no event from the terminated session');
is( $node->safe_psql(
		'postgres',
		q{SELECT revision, count(*) FROM migrate.events GROUP BY 1 HAVING count(*) <> 1}),
	'',
	'every revision has exactly one event');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(revision || ':' || app, ',' ORDER BY revision) FROM applied_log WHERE revision LIKE 't%'}),
	't1:waiter,t2:waiter',
	'the up scripts of t1 and t2 ran once, in the waiter');
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
WHERE relname LIKE 'tbl\_%' AND relkind = 'r'}),
	'tbl_k1,tbl_k2,tbl_k3,tbl_t1,tbl_t2',
	'every table exists');
is($node->safe_psql('postgres', 'SELECT migrate.is_up_to_date()'), 't', 'up to date');
is($node->safe_psql('postgres', $no_mutex), '0', 'nobody holds the mutex');

$node->stop;

done_testing();
