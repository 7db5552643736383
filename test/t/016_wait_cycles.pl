# Copyright (c) pg_migrate contributors
#
# test/t/016_wait_cycles.pl
#
# Wait cycles through a background worker of CALL migrate.apply(), which
# PostgreSQL's deadlock detector cannot see (the deploying session waits
# for its worker on a latch), and what happens to a worker whose caller
# goes away (src/worker.c).
#
# A "holder" (BEGIN; LOCK TABLE big IN ROW EXCLUSIVE MODE; pg_sleep) keeps
# a CREATE INDEX CONCURRENTLY in its first phase until the other sessions
# are in place; when it is released the build waits for every older
# snapshot.
#
# 1. Two projects.  s1 applies A's a1 (CREATE INDEX CONCURRENTLY); s2, in
#    a transaction, upgrades B to b1 (so holds B's mutex) and then waits
#    for A's mutex; s3 waits for B's mutex in upgrade('b2', 'B') holding a
#    statement snapshot.  The worker waits for s3 (or s2), s3 for s2, s2
#    for s1, s1 for the worker.  The breaker cancels a mutex waiter on the
#    chain with 40P01 naming the deploy, logs the chain, and a1 is applied.
# 2. One project, a row lock in the chain.  s2 holds a row lock and waits
#    in migrate.lock('A'); s3, at REPEATABLE READ with a snapshot, waits
#    for that row.  The worker waits for s3, s3 for s2, s2 for s1: s2 is
#    cancelled (it is the one waiting for a mutex), s3 goes on, a2 applied.
# 3. The deploying client disappears (its psql is killed) while the worker
#    builds: the worker is stopped, a failure event (08006) is recorded,
#    the mutex is free and the revision is not applied.
# 4. pg_migrate.max_workers: deploys beyond it wait for a worker instead of
#    failing, bounded by pg_migrate.lock_wait_timeout; twenty at once.
# 5. A batched backfill: progress while it runs, the application's writes
#    between runs, and the offline script's loop run by psql.
# 6. No cycle through the wait for a worker slot: a deploy waits for one
#    without its mutex and without a snapshot.
# 7. A downgrading apply() stops when another session re-applies a
#    revision it would have to revert under.

use strict;
use warnings;

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
CREATE TABLE big AS SELECT g AS id, g % 100 AS code FROM generate_series(1, 20000) AS g;
CREATE TABLE accounts (id int PRIMARY KEY, balance int);
INSERT INTO accounts VALUES (1, 0);
});

sub query { return $node->safe_psql('postgres', $_[0]); }

sub wait_until { PgMigrateTAP::wait_for_condition($node, 'postgres', $_[0]); return; }

sub waiting_in
{
	my ($appname, $what) = @_;
	wait_until("EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = '$appname' AND $what)");
	return;
}

sub start_holder
{
	my ($appname) = @_;
	my $h = start_psql($node, $appname, 180, 'BEGIN', 'LOCK TABLE big IN ROW EXCLUSIVE MODE',
		'SELECT pg_sleep(170)');
	waiting_in($appname, "wait_event = 'PgSleep'");
	return $h;
}

sub release_holder
{
	my ($h) = @_;
	query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '$h->{name}'");
	ok(wait_exit($h, time + 10), "$h->{name} released its lock");
	return;
}

# pg_migrate.max_workers is set in the server's configuration only
sub set_max_workers
{
	my ($n) = @_;
	$node->append_conf('postgresql.conf', "pg_migrate.max_workers = $n");
	$node->reload;
	wait_until("current_setting('pg_migrate.max_workers') = '$n'");
	return;
}

sub pid_of
{
	return query("SELECT pid FROM pg_stat_activity WHERE application_name = '$_[0]'");
}

# the outcomes of runs ('started' rows left out)
sub events
{
	my ($project) = @_;
	return query(qq{
SELECT string_agg(revision || ':' || direction || ':' || outcome
				  || coalesce(':' || sqlstate, ''), ',' ORDER BY event_id)
FROM migrate.events WHERE project = '$project' AND outcome <> 'started'});
}

my $worker_waits = q{EXISTS (SELECT 1 FROM pg_stat_activity
	WHERE backend_type = 'pg_migrate worker' AND wait_event_type = 'Lock')};
my $workers = q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'};
my $mutex_holders = q{SELECT count(*) FROM pg_locks
	WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass};
my $cancel_error = qr/ERROR:  40P01: wait for the migration mutex of project "(\w+)" cancelled to break a wait cycle/;

# ---------------------------------------------------------------------------
# 1. A chain across two projects.

query(q{
SELECT migrate.revision('a1', 'CREATE INDEX CONCURRENTLY big_id ON big (id)',
	'DROP INDEX CONCURRENTLY big_id', project => 'A');
SELECT migrate.revision('b1', 'CREATE TABLE b1 (x int)', 'DROP TABLE b1', project => 'B');
SELECT migrate.revision('b2', 'CREATE TABLE b2 (x int)', 'DROP TABLE b2', '{b1}', project => 'B');
});

my $offset = -s $node->logfile;
my $holder = start_holder('holder1');
my $s1 = start_psql($node, 's1', 180, q{CALL migrate.apply('heads', 'A')});
wait_until($worker_waits);
my $s2 = start_psql($node, 's2', 180, 'BEGIN', q{SELECT step FROM migrate.upgrade('b1', 'B')},
	q{SELECT migrate.lock('A')}, 'COMMIT');
waiting_in('s2', "query LIKE 'pg_migrate project=A %waiting=%'");
my $s3 = start_psql($node, 's3', 180, q{SELECT step FROM migrate.upgrade('b2', 'B')});
waiting_in('s3', "query LIKE 'pg_migrate project=B %waiting=%'");
my ($s2_pid, $s3_pid) = (pid_of('s2'), pid_of('s3'));
my $t0 = time;
release_holder($holder);

ok(wait_exit($s1, time + 30), 'apply() of A finished');
my $elapsed = time - $t0;
ok($elapsed < 10, 'within a few seconds of the build waiting for the chain')
  or diag("it took $elapsed s");
unlike($s1->{err}, qr/ERROR/, 'apply() of A succeeded') or diag($s1->{err});
ok(wait_exit($s2, time + 30), 's2 ended');
ok(wait_exit($s3, time + 30), 's3 ended');
like($s2->{err}, $cancel_error, 's2 (waiting for A\'s mutex, holding B\'s) was cancelled with 40P01')
  or diag($s2->{err});
like($s2->{err}, qr/DETAIL:  Process \d+ \(application "s1"\) runs revision "a1" of project "A" in a background worker/,
	'... naming the deploy it was blocking');
ok($s3->{err} eq '' || $s3->{err} =~ /40P01: wait for the migration mutex of project "B" cancelled/,
	's3 either upgraded B after s2 was gone, or was cancelled the same way') or diag($s3->{err});
is(query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_id'::regclass"), 't',
	'the index of a1 is valid');
is(events('A'), 'a1:up:success', 'a1 applied once');
my $log = slurp_file($node->logfile, $offset);
like($log, qr/LOG:  pg_migrate: cancelling process ($s2_pid|$s3_pid) to break a wait cycle through the background worker of revision "a1" \(project "A"\)/,
	'the LOG line names the cancelled process');
if ($log =~ /pg_migrate: cancelling process $s3_pid .*\n.*DETAIL:  (Wait chain: .*)/)
{
	like($1, qr/^Wait chain: background worker \d+ waits for process $s3_pid waits for the mutex of project "B" held by process $s2_pid waits for the mutex of project "A" held by its deploying process \d+\.$/,
		'the chain through s3 and s2 is logged link by link');
}
else
{
	like($log, qr/DETAIL:  Wait chain: background worker \d+ waits for process $s2_pid waits for the mutex of project "A" held by its deploying process \d+\./,
		'the chain through s2 is logged');
}
is(query($workers), '0', 'no worker is left');
is(query($mutex_holders), '0', 'nobody holds a mutex');

# ---------------------------------------------------------------------------
# 2. One project, a row lock in the chain.

query(q{SELECT migrate.revision('a2', 'CREATE INDEX CONCURRENTLY big_code ON big (code)',
	'DROP INDEX CONCURRENTLY big_code', '{a1}', project => 'A')});
$offset = -s $node->logfile;
$holder = start_holder('holder2');
$s1 = start_psql($node, 's1b', 180, q{CALL migrate.apply('heads', 'A')});
wait_until($worker_waits);
$s2 = start_psql($node, 's2b', 180, 'BEGIN', 'UPDATE accounts SET balance = balance + 1 WHERE id = 1',
	q{SELECT migrate.lock('A')}, 'COMMIT');
waiting_in('s2b', "query LIKE 'pg_migrate project=A %waiting=%'");
$s3 = start_psql($node, 's3b', 180, 'BEGIN ISOLATION LEVEL REPEATABLE READ', 'SELECT count(*) FROM big',
	'UPDATE accounts SET balance = balance + 10 WHERE id = 1', 'COMMIT');
waiting_in('s3b', "wait_event = 'transactionid'");
$s2_pid = pid_of('s2b');
$t0 = time;
release_holder($holder);
ok(wait_exit($s1, time + 30), 'apply() of A finished');
$elapsed = time - $t0;
ok($elapsed < 10, 'within a few seconds') or diag("it took $elapsed s");
unlike($s1->{err}, qr/ERROR/, 'apply() succeeded') or diag($s1->{err});
ok(wait_exit($s2, time + 30), 's2 ended');
ok(wait_exit($s3, time + 30), 's3 ended');
like($s2->{err}, $cancel_error, 's2, the session waiting for the mutex, was cancelled with 40P01');
is($s3->{err}, '', 's3 (the snapshot holder waiting for the row) was left alone and committed');
is(query('SELECT balance FROM accounts'), '10', 's3\'s update is the only one that counts');
is(events('A'), 'a1:up:success,a2:up:success', 'a2 applied once');
$log = slurp_file($node->logfile, $offset);
like($log, qr/LOG:  pg_migrate: cancelling process $s2_pid to break a wait cycle/,
	'the LOG line names s2');
my $cancels = () = $log =~ /pg_migrate: cancelling process/g;
is($cancels, 1, 'exactly one session was cancelled');
is(query($workers), '0', 'no worker is left');

# ---------------------------------------------------------------------------
# 3. The client goes away while the worker builds.

query(q{SELECT migrate.revision('c1', 'CREATE INDEX CONCURRENTLY big_c1 ON big (id, code)',
	'DROP INDEX CONCURRENTLY big_c1', project => 'C')});
$holder = start_holder('holder3');
my $client = start_psql($node, 'gone', 180, q{CALL migrate.apply('heads', 'C')});
wait_until($worker_waits);
$client->{h}->kill_kill;
eval { $client->{h}->finish; 1 };
wait_until(q{NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'gone')});
is(query($workers), '0', 'the worker was stopped with its caller');
is(events('C'), 'c1:up:failure:08006', 'the revision is recorded as failed (08006)');
is(query(q{SELECT count(*) FROM migrate.applied WHERE project = 'C'}), '0', 'c1 is not applied');
is(query($mutex_holders), '0', 'the mutex is free');
release_holder($holder);

# ---------------------------------------------------------------------------
# 4. A bounded worker pool.  With pg_migrate.max_workers = 1, a second and
# a third deploy wait for the busy worker (progress: "waiting for worker")
# instead of failing; one bounded by pg_migrate.lock_wait_timeout gives up
# with 55P03 having run nothing.  Then twenty deploys at once, with the
# default of 2: every one succeeds and never more than two workers run.

set_max_workers(1);
query(q{
SELECT migrate.revision('p1', 'CREATE INDEX CONCURRENTLY big_p1 ON big (code, id)',
	'DROP INDEX CONCURRENTLY big_p1', project => 'P1');
SELECT migrate.revision('p2', 'CREATE TABLE p2 (x int); CREATE INDEX CONCURRENTLY p2_x ON p2 (x)',
	'DROP TABLE p2', project => 'P2');
SELECT migrate.revision('p3', 'CREATE TABLE p3 (x int); CREATE INDEX CONCURRENTLY p3_x ON p3 (x)',
	'DROP TABLE p3', project => 'P3');
SELECT migrate.revision('p4', 'CREATE TABLE p4 (x int); CREATE INDEX CONCURRENTLY p4_x ON p4 (x)',
	'DROP TABLE p4', project => 'P4');
});
$holder = start_holder('holder4');
my $d1 = start_psql($node, 'd1', 180, q{CALL migrate.apply('heads', 'P1')});
wait_until($worker_waits);
my $d2 = start_psql($node, 'd2', 180, q{CALL migrate.apply('heads', 'P2')});
my $d3 = start_psql($node, 'd3', 180, q{CALL migrate.apply('heads', 'P3')});
wait_until(q{(SELECT count(*) FROM migrate.progress() WHERE state = 'waiting for worker') = 2});
is(query(q{SELECT string_agg(project || ':' || revision || ':' || state, ',' ORDER BY project)
	FROM migrate.progress()}),
	'P1:p1:running,P2:p2:waiting for worker,P3:p3:waiting for worker',
	'progress: one revision runs, two wait for a worker');
is(query(q{SELECT (migrate.status_json('P2')->'lock')::text || ' ' || (migrate.status_json('P2')->>'waiting')}),
	'null 1', 'status_json: P2 waits, without holding its mutex');
is(query(q{SELECT count(*) FROM pg_locks WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass
	AND granted}), '1', 'only the running deploy holds a mutex');
my ($ret, $out, $err) = $node->psql('postgres', q{
SET pg_migrate.lock_wait_timeout = 500;
CALL migrate.apply('heads', 'P4');}, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/ERROR:  55P03: no background worker became free for revision "p4" \(project "P4"\) within 500 ms/,
	'a deploy bounded by lock_wait_timeout gives up with 55P03');
like($err, qr/DETAIL:  All 1 of pg_migrate's workers \(pg_migrate.max_workers\) are running other revisions\./,
	'... saying why');
is(query(q{SELECT to_regclass('p4') IS NULL}), 't', '... having run nothing of p4');
is(events('P4'), 'p4:up:failure:55P03', 'and its failure is recorded');
release_holder($holder);
for my $d ($d1, $d2, $d3)
{
	ok(wait_exit($d, time + 60), "$d->{name} finished");
	unlike($d->{err}, qr/ERROR/, "$d->{name} succeeded without an error");
}
is(query(q{SELECT string_agg(project, ',' ORDER BY project) FROM migrate.applied
	WHERE project IN ('P1', 'P2', 'P3')}), 'P1,P2,P3', 'all three were applied');

set_max_workers(2);
for my $i (1 .. 20)
{
	query(qq{SELECT migrate.revision('q1', 'CREATE TABLE q$i (x int); INSERT INTO q$i SELECT generate_series(1, 20000); CREATE INDEX CONCURRENTLY q${i}_x ON q$i (x); VACUUM q$i',
		'DROP TABLE q$i', project => 'Q$i')});
}
my $sampler = start_psql($node, 'sampler', 180, q{
CREATE TEMP TABLE samples (n int);
DO $$
BEGIN
	FOR i IN 1 .. 3000 LOOP
		INSERT INTO samples SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker';
		EXIT WHEN (SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'q%') = 0 AND i > 20;
		PERFORM pg_stat_clear_snapshot();
		PERFORM pg_sleep(0.005);
	END LOOP;
END $$;
SELECT max(n) FROM samples;});
my @deployers = map { start_psql($node, "q$_", 180, qq{CALL migrate.apply('heads', 'Q$_')}) } (1 .. 20);
my $failed = 0;
for my $d (@deployers)
{
	$failed++ unless wait_exit($d, time + 120) && $d->{err} !~ /ERROR/;
}
is($failed, 0, 'twenty simultaneous deploys in twenty projects all succeeded');
is(query(q{SELECT count(*) FROM migrate.applied WHERE project LIKE 'Q%'}), '20', 'twenty revisions applied');
ok(wait_exit($sampler, time + 60), 'the sampler finished');
ok($sampler->{out} =~ /^(\d+)$/m && $1 <= 2 && $1 >= 1,
	'at most two pg_migrate workers ran at any moment') or diag($sampler->{out});

# ---------------------------------------------------------------------------
# 5. A batched backfill in progress: progress() and status_json() count the
# runs and rows as they commit; the application's writes to other rows of
# the table go on between runs; the offline script (pg_migrate script)
# runs the same loop with psql.

query(q{
CREATE TABLE fill (id int PRIMARY KEY, v int);
INSERT INTO fill SELECT g, NULL FROM generate_series(1, 1000) AS g;
SELECT migrate.revision('f1', $$
-- migrate:batch
UPDATE fill SET v = id WHERE id IN (SELECT id FROM fill WHERE v IS NULL ORDER BY id LIMIT 100)
$$, 'UPDATE fill SET v = NULL', project => 'F');
});
my $filler = start_psql($node, 'filler', 120, 'SET pg_migrate.batch_pause = 400',
	q{CALL migrate.apply('heads', 'F')});
wait_until(q{EXISTS (SELECT 1 FROM migrate.progress() WHERE project = 'F' AND batches >= 2)});
my ($batches, $rows) = split /\|/,
  query(q{SELECT batches, rows FROM migrate.progress() WHERE project = 'F'});
ok($rows % 100 == 0 && $rows >= $batches * 100 && $rows <= ($batches + 1) * 100,
	"progress(): $batches runs and $rows rows so far") or diag("$batches $rows");
like(query(q{SELECT (migrate.status_json('F')->'lock'->>'batches')::int >= 2}), qr/^t$/,
	'status_json shows the runs too');
like(query(q{SELECT query FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'}),
	qr/^pg_migrate batch: statement 1, run \d+, \d+ rows so far$/,
	"the worker's activity says which run it is on");
# a row of a run already committed is free at once, while the backfill goes
# on (in one transaction it would stay locked until the end)
is( query(q{SET lock_timeout = '1s';
UPDATE fill SET v = v WHERE id = (SELECT min(id) FROM fill WHERE v IS NOT NULL) RETURNING 1}),
	'1', 'the application updates a row of a committed run without waiting');
ok(wait_exit($filler, time + 60), 'the backfill finished');
unlike($filler->{err}, qr/ERROR/, 'without an error') or diag($filler->{err});
is(query(q{SELECT count(*) FROM fill WHERE v IS NULL}), '0', 'every row was filled');
ok(query(q{SELECT count(DISTINCT xmin::text) FROM fill}) >= 10, 'in ten transactions at least');
is(query(q{SELECT count(*) FROM migrate.progress() WHERE project = 'F'}), '0', 'and progress is empty');

# the offline script of the same revision, from the server and run by psql
query(q{SELECT step FROM migrate.stamp('base', 'F'); UPDATE fill SET v = NULL});
my $script = query(q{SELECT migrate.script('heads', 'F')});
like($script, qr/DO \$pgm_batch\$/, 'the offline script has the loop');
($ret, $out, $err) = $node->psql('postgres', $script,
	extra_params => [ '-v', 'ON_ERROR_STOP=1' ], on_error_stop => 0);
is($ret, 0, 'psql runs it') or diag($err);
is(query(q{SELECT count(*) FROM fill WHERE v IS NULL}), '0', 'every row was filled by psql');
is(query(q{SELECT string_agg(c, ',') FROM migrate.current('F') c}), 'f1', 'and f1 recorded');

# ---------------------------------------------------------------------------
# 6. No cycle through the wait for a worker slot.  With pg_migrate.max_workers
# = 1, deploy B's worker builds an index (held back by a holder) and deploy
# A waits for B's slot.  A waits without its project's mutex and in a
# transaction without a snapshot, so S, holding a snapshot, takes PA's
# mutex at once, and B's build, which waits for S, never waits for A.

set_max_workers(1);
query(q{
SELECT migrate.revision('pb1', 'CREATE INDEX CONCURRENTLY big_pb1 ON big (code, id DESC)',
	'DROP INDEX CONCURRENTLY big_pb1', project => 'PB');
SELECT migrate.revision('pa1', 'CREATE TABLE pa1 (x int); CREATE INDEX CONCURRENTLY pa1_x ON pa1 (x)',
	'DROP TABLE pa1', project => 'PA');
});
$offset = -s $node->logfile;
$holder = start_holder('holder6');
my $db = start_psql($node, 'deploy_b', 120, q{CALL migrate.apply('heads', 'PB')});
wait_until($worker_waits);
my $da = start_psql($node, 'deploy_a', 120, q{CALL migrate.apply('heads', 'PA')});
wait_until(q{EXISTS (SELECT 1 FROM migrate.progress() WHERE project = 'PA' AND state = 'waiting for worker')});
is(query(q{SELECT backend_xmin IS NULL FROM pg_stat_activity WHERE application_name = 'deploy_a'}), 't',
	'deploy A waits for the slot holding no snapshot');
my $sw = start_psql($node, 'snap_s', 120, 'BEGIN', 'SELECT 1', q{SELECT migrate.lock('PA')},
	'SELECT pg_sleep(1.5)', 'COMMIT');
waiting_in('snap_s', "wait_event = 'PgSleep'");
release_holder($holder);
ok(wait_exit($sw, time + 30), 'S took the mutex of PA at once and finished');
is($sw->{err}, '', 'S was not cancelled');
ok(wait_exit($db, time + 30), 'deploy B finished');
ok(wait_exit($da, time + 30), 'deploy A finished');
unlike($db->{err}, qr/ERROR/, 'deploy B succeeded') or diag($db->{err});
unlike($da->{err}, qr/ERROR/, 'deploy A succeeded') or diag($da->{err});
unlike(slurp_file($node->logfile, $offset), qr/pg_migrate: cancelling process/, 'nobody was cancelled');
is(events('PA') . ' ' . events('PB'), 'pa1:up:success pb1:up:success', 'both revisions applied once');

# ---------------------------------------------------------------------------
# 7. A downgrading apply() decides its revisions once; when another session
# applies one of them again between two of its revisions (the mutex is
# free in between), it stops instead of reverting what that one needs.

query(q{
SELECT migrate.revision('d1', 'CREATE TABLE d1 (x int)', 'DROP TABLE d1', project => 'D');
SELECT migrate.revision('d2', 'CREATE TABLE d2 (x int)', 'SELECT pg_sleep(1.5); DROP TABLE d2',
	'{d1}', project => 'D');
SELECT count(*) FROM migrate.upgrade('heads', 'D');
});
my $down = start_psql($node, 'down_d', 60, q{CALL migrate.apply('base', 'D')});
wait_until(q{EXISTS (SELECT 1 FROM migrate.progress() WHERE project = 'D' AND revision = 'd2' AND direction = 'down')});
my $up = start_psql($node, 'up_d', 60, q{SELECT count(*) FROM migrate.upgrade('d2', 'D')});
ok(wait_exit($up, time + 30), 'the upgrade finished');
is($up->{err}, '', 'it applied d2 again once apply() had reverted it');
ok(wait_exit($down, time + 30), 'the downgrading apply() finished');
like($down->{err}, qr/ERROR:  55000: revision "d1" of project "D" can no longer be reverted/,
	'apply() refuses to revert d1 under the re-applied d2 (55000)');
like($down->{err}, qr/DETAIL:  Revision "d2", applied by another session while migrate.apply\(\) ran, needs it\./,
	'... naming d2');
is(query(q{SELECT string_agg(c, ',') FROM migrate.current('D') c}), 'd2', 'd1 and d2 stay applied');
is(query(q{SELECT string_agg(revision || ':' || state, ',') FROM migrate.status('D') WHERE revision IS NOT NULL}), 'd1:applied,d2:applied', 'and the state is readable');

done_testing();
