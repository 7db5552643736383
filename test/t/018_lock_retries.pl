# Copyright (c) pg_migrate contributors
#
# test/t/018_lock_retries.pl
#
# Lock timeouts with retries (pg_migrate.ddl_lock_timeout, default 500 ms,
# and pg_migrate.ddl_lock_retries, default 10; src/lock.c).  A "reader"
# keeps table t open (BEGIN; SELECT ...; pg_sleep) while a revision runs
# ALTER TABLE t, and an "application" reads t 20 times a second.
#
# 1. Atomic path (SELECT migrate.upgrade): the ALTER times out, the
#    revision is rolled back and tried again until the reader is gone; the
#    application never waits much longer than the lock timeout (loose
#    bound: 1.5 s, against the reader's 2.5 s); the tries are 'retry'
#    events naming the reader.
# 2. The same through CALL migrate.apply(), and in a background worker (a
#    nontransactional revision): the tries are committed events.
# 3. A reader that outlasts every try: one error (55P03) naming it,
#    nothing of the revision applied, the failure recorded.
# 4. A NOWAIT failure is not tried again; a blocker that waits for the
#    command itself stops it at once (40P01).

use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(time usleep);
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateTAP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', 'pg_migrate.on_drift = ignore');
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION pg_migrate;
CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) AS g;
});

sub query { return $node->safe_psql('postgres', $_[0]); }

sub wait_until { PgMigrateTAP::wait_for_condition($node, 'postgres', $_[0]); return; }

# the reader: t open for $seconds
sub start_reader
{
	my ($seconds) = @_;
	my $r = start_psql($node, 'reader', 60, 'BEGIN', 'SELECT count(*) FROM t',
		"SELECT pg_sleep($seconds)", 'COMMIT');
	wait_until(q{EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'reader' AND wait_event = 'PgSleep')});
	return $r;
}

# the application: SELECT count(*) FROM t, 20 times a second, latencies logged
my $app_script = $node->basedir . '/app.sql';
open(my $fh, '>', $app_script) or die $!;
print $fh "SELECT count(*) FROM t;\n";
close($fh);

sub start_app
{
	my ($name, $seconds) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'pgbench', '-n', '-c', '1', '-R', '20', '-T', $seconds, '-l',
		  "--log-prefix=" . $node->basedir . "/app_$name", '-f', $app_script,
		  '-h', $node->host, '-p', $node->port, 'postgres' ],
		'>', \$out, '2>', \$err);
	return $h;
}

# the longest wait of the application, in ms
sub app_max_ms
{
	my ($name) = @_;
	my $max = 0;
	for my $f (glob($node->basedir . "/app_$name.*"))
	{
		open(my $log, '<', $f) or die $!;
		while (<$log>)
		{
			my @f = split;
			$max = $f[2] / 1000 if $f[2] / 1000 > $max;
		}
	}
	return $max;
}

sub events
{
	my ($project) = @_;
	return query(qq{SELECT string_agg(outcome, ',' ORDER BY event_id) FROM migrate.events
		WHERE project = '$project' AND direction = 'up'});
}

# ---------------------------------------------------------------------------
# 1. The atomic path.

query(q{SELECT migrate.revision('a1', 'ALTER TABLE t ADD COLUMN a int', 'ALTER TABLE t DROP COLUMN a',
	project => 'A')});
my $reader = start_reader(2.5);
my $reader_pid = query(q{SELECT pid FROM pg_stat_activity WHERE application_name = 'reader'});
my $app = start_app('atomic', 5);
usleep(300_000);
my $t0 = time;
my ($ret, $out, $err) = $node->psql('postgres', q{SELECT step, revision FROM migrate.upgrade('heads', 'A')},
	extra_params => [ '-v', 'VERBOSITY=verbose' ], timeout => 60);
my $took = time - $t0;
is($ret, 0, 'the upgrade succeeded once the reader was gone') or diag($err);
ok($took > 1.5, sprintf('it waited for the reader (%.1f s)', $took));
ok(wait_exit($reader, time + 30), 'the reader finished');
$app->finish;
my $max = app_max_ms('atomic');
ok($max < 1500, sprintf('the application waited at most %.0f ms (the reader held t for 2.5 s)', $max));
is(query(q{SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'a'}),
	'1', 'the column was added');
like(events('A'), qr/^(retry,)+success$/, 'the tries are retry events, then the success');
like(query(q{SELECT note FROM migrate.events WHERE project = 'A' AND outcome = 'retry' ORDER BY event_id LIMIT 1}),
	qr/^try 1 of 11 timed out after 500 ms waiting for a lock at statement 1, held by process $reader_pid \(application "reader"\), whose transaction has been open since .*; next try in \d+ ms$/,
	'a retry event names the reader');

# ---------------------------------------------------------------------------
# 2. CALL migrate.apply(), and a background worker.

query(q{
SELECT migrate.revision('b1', 'ALTER TABLE t ADD COLUMN b int', 'ALTER TABLE t DROP COLUMN b', project => 'B');
SELECT migrate.revision('c1', 'VACUUM t; ALTER TABLE t ADD COLUMN c int', 'ALTER TABLE t DROP COLUMN c',
	project => 'C');
});
for my $p ([ 'B', 'b' ], [ 'C', 'c' ])
{
	my ($project, $column) = @$p;
	$reader = start_reader(2);
	($ret, $out, $err) = $node->psql('postgres', qq{CALL migrate.apply('heads', '$project')},
		extra_params => [ '-v', 'VERBOSITY=verbose' ], timeout => 60);
	is($ret, 0, "apply() of $project succeeded once the reader was gone") or diag($err);
	ok(wait_exit($reader, time + 30), 'the reader finished');
	like(events($project), qr/^(started,)?(retry,)+success$/, "$project: retry events, then the success");
	is(query(qq{SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = '$column'}),
		'1', "$project: the column was added");
}

# ---------------------------------------------------------------------------
# 3. A reader that outlasts every try.

query(q{SELECT migrate.revision('d1', 'CREATE TABLE d1 (x int); ALTER TABLE t ADD COLUMN d int',
	'ALTER TABLE t DROP COLUMN d; DROP TABLE d1', project => 'D')});
$reader = start_reader(8);
$reader_pid = query(q{SELECT pid FROM pg_stat_activity WHERE application_name = 'reader'});
($ret, $out, $err) = $node->psql('postgres', q{
SET pg_migrate.ddl_lock_timeout = 100;
SET pg_migrate.ddl_lock_retries = 2;
SELECT step, revision FROM migrate.upgrade('heads', 'D')},
	extra_params => [ '-v', 'VERBOSITY=verbose' ], timeout => 60);
like($err, qr/ERROR:  55P03: revision "d1" \(project "D"\) could not take its locks in 3 tries/,
	'after the last try: 55P03');
like($err, qr/DETAIL:  Statement 2 waited 200 ms for a lock held by process $reader_pid \(application "reader"\)/,
	'... naming the reader (the last try waited twice the timeout)');
is(query(q{SELECT to_regclass('d1') IS NULL}), 't', 'nothing of the revision stays applied');
is(query(q{SELECT count(*) FROM migrate.applied WHERE project = 'D'}), '0', 'd1 is not applied');
is(query(q{SELECT sqlstate FROM migrate.events WHERE project = 'D' AND outcome = 'failure'}), '55P03',
	'the failure is recorded');
query("SELECT pg_cancel_backend($reader_pid)");
wait_exit($reader, time + 30);

# ---------------------------------------------------------------------------
# 4. Not a lock timeout of pg_migrate's: a NOWAIT that fails is not tried
# again.  A blocker that waits for a lock this command took in an earlier
# revision (a deadlock the detector would not see within a short lock
# timeout) stops the command at once with 40P01 naming it.

query(q{
CREATE TABLE u (x int);
SELECT migrate.revision('e1', 'LOCK TABLE t IN ACCESS EXCLUSIVE MODE NOWAIT', 'SELECT 1', project => 'E');
SELECT migrate.revision('f1', 'ALTER TABLE u ADD COLUMN f int', 'ALTER TABLE u DROP COLUMN f', project => 'F');
SELECT migrate.revision('f2', 'ALTER TABLE t ADD COLUMN f int', 'ALTER TABLE t DROP COLUMN f', '{f1}',
	project => 'F');
});
$reader = start_reader(3);
($ret, $out, $err) = $node->psql('postgres', q{SELECT count(*) FROM migrate.upgrade('heads', 'E')},
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/ERROR:  55P03: could not obtain lock on relation "t"/, 'NOWAIT fails as it is');
is(query(q{SELECT count(*) FROM migrate.events WHERE project = 'E' AND outcome = 'retry'}), '0',
	'and is not tried again');
wait_exit($reader, time + 30);

my $blocker = start_psql($node, 'blocker', 60, q{SET deadlock_timeout = '20s'}, 'BEGIN',
	'SELECT count(*) FROM t', 'SELECT pg_sleep(1)', 'SELECT count(*) FROM u', 'COMMIT');
wait_until(q{EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'blocker' AND wait_event = 'PgSleep')});
my $blocker_pid = query(q{SELECT pid FROM pg_stat_activity WHERE application_name = 'blocker'});
$t0 = time;
($ret, $out, $err) = $node->psql('postgres', q{SELECT count(*) FROM migrate.upgrade('heads', 'F')},
	extra_params => [ '-v', 'VERBOSITY=verbose' ], timeout => 60);
$took = time - $t0;
like($err, qr/ERROR:  40P01: revision "f2" \(project "F"\) waits for a session that waits for this command/,
	'a blocker waiting for the command itself: 40P01');
like($err, qr/DETAIL:  Statement 1 waited \d+ ms for a lock held by process $blocker_pid/, '... naming it');
ok($took < 8, sprintf('without waiting through every try (%.1f s)', $took));
ok(wait_exit($blocker, time + 30), 'the blocker went on');
is(query(q{SELECT count(*) FROM migrate.applied WHERE project = 'F'}), '0', 'nothing of F applied');

done_testing();
