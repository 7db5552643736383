# Copyright (c) pg_migrate contributors
#
# test/t/006_nontransactional.pl
#
# Nontransactional revisions (CREATE INDEX CONCURRENTLY and friends) run by
# CALL migrate.apply() in a background worker, with other sessions around
# (docs/design.md section 4, docs/postgres-facts.md "The concurrent-index deadlock",
# src/worker.c).  sql/nontransactional.sql covers the single-session side.
#
# To hold a CREATE INDEX CONCURRENTLY in its first phase for as long as a
# scenario needs, a "holder" session keeps a ROW EXCLUSIVE lock on the table
# in an open transaction (BEGIN; LOCK TABLE; pg_sleep): the build waits for
# that transaction.  Cancelling the holder's pg_sleep aborts its transaction
# and lets the build go on.
#
# 0. upgrade('heads') refuses a pending nontransactional revision before
#    waiting for the mutex (25001 at once while another session holds it);
#    upgrade('<explicit target>') queues for the mutex.
# 1. Deadlock breaker: a session waiting for the mutex in SELECT
#    migrate.upgrade('i1') while holding a snapshot (BEGIN; SELECT 1; then
#    the upgrade) is not touched while the build waits for the holder, and
#    is cancelled (40P01, naming the deploy) within about a second once the
#    build waits for its snapshot, with a LOG line naming the wait chain;
#    the build then completes.  (Longer chains: 016_wait_cycles.pl.)
# 2. A session waiting in CALL migrate.apply() holds no snapshot: it is not
#    cancelled, waits, and finds the revision applied.
# 3. The worker runs as the caller's current role: SET ROLE to a deploy
#    role (migrate.grant_deploy) that owns the table; a deploy role logged
#    in as itself; a deploy role that does not own the table gets 42501
#    from the worker.
# 4. pg_cancel_backend() of the apply session stops its worker; the
#    revision is not applied and a 'failure' event (57014) is recorded.
# 5. pg_terminate_backend() of the apply session stops its worker too
#    (none left within a few seconds); the revision is not applied.
# 6. A crash (immediate stop) while the worker runs: after the restart the
#    revision is not applied (only its 'started' row, status() says
#    interrupted), nobody holds the mutex, and a rerun drops the INVALID
#    index the build left, builds it again and records what it did.
#    (017_interruptions.pl repeats this with random faults.)

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
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION pg_migrate;
CREATE TABLE big AS SELECT g AS id, g % 100 AS code FROM generate_series(1, 20000) AS g;
});

# Is a background psql still running (after pumping its output)?
sub running
{
	my ($s) = @_;
	eval { $s->{h}->pump_nb; 1 } if $s->{h}->pumpable;
	return $s->{h}->pumpable ? 1 : 0;
}

# Run a condition every 10 ms, for at most 60 s, until it is true; on
# timeout show what every process does and die.
sub wait_for_condition
{
	my ($condition) = @_;
	my ($ret, $out, $err) = $node->psql(
		'postgres', qq{
DO \$\$
BEGIN
	FOR i IN 1 .. 6000 LOOP
		IF ($condition) THEN
			RETURN;
		END IF;
		PERFORM pg_sleep(0.01);
		-- pg_stat_activity is read once per transaction unless cleared
		PERFORM pg_stat_clear_snapshot();
	END LOOP;
	RAISE EXCEPTION 'timed out waiting for: %', \$c\$$condition\$c\$;
END
\$\$;});
	return if $ret == 0;
	diag($err);
	diag($node->safe_psql('postgres',
		q{SELECT pid, application_name, backend_type, state, wait_event_type, wait_event, backend_xmin, query
		  FROM pg_stat_activity WHERE backend_type <> 'checkpointer'}));
	die "timed out waiting for: $condition";
}

sub query { return $node->safe_psql('postgres', $_[0]); }

sub pid_of
{
	my ($appname) = @_;
	return query(
		"SELECT pid FROM pg_stat_activity WHERE application_name = '$appname'");
}

# The holder: a ROW EXCLUSIVE lock on big in an open transaction.
sub start_holder
{
	my ($appname) = @_;
	my $h = start_psql($node, $appname, 180, 'BEGIN', 'LOCK TABLE big IN ROW EXCLUSIVE MODE',
		'SELECT pg_sleep(170)');
	wait_for_condition(
		"EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = '$appname' AND wait_event = 'PgSleep')"
	);
	return $h;
}

# Release the holder's lock (cancel its pg_sleep: the transaction aborts).
sub release_holder
{
	my ($h) = @_;
	query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '$h->{name}'");
	ok(wait_exit($h, time + 10), "$h->{name} released its lock");
	return;
}

my $worker_waits = q{EXISTS (SELECT 1 FROM pg_stat_activity
	WHERE backend_type = 'pg_migrate worker' AND wait_event_type = 'Lock')};
my $workers = q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'};
my $mutex_holders = q{SELECT count(*) FROM pg_locks
	WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass};

sub index_state
{
	my ($name) = @_;
	return query(
		"SELECT coalesce((SELECT CASE WHEN indisvalid THEN 'valid' ELSE 'invalid' END
		  FROM pg_index WHERE indexrelid = to_regclass('$name')), 'missing')");
}

# the outcomes of runs ('started' rows and 'reconcile' notes left out)
sub events
{
	my ($project) = @_;
	return query(qq{
SELECT string_agg(revision || ':' || direction || ':' || outcome
				  || coalesce(':' || sqlstate || ':' || statement, ''), ',' ORDER BY event_id)
FROM migrate.events WHERE project = '$project' AND outcome <> 'started'
	AND direction <> 'reconcile'});
}

sub current
{
	my ($project) = @_;
	return query("SELECT coalesce(string_agg(c, ','), '') FROM migrate.current('$project') AS c");
}

# ---------------------------------------------------------------------------
# 0. upgrade() refuses before waiting for the mutex, whatever the target.

query(q{
SELECT migrate.revision('r1', 'CREATE TABLE rf_r1 (id int)', 'DROP TABLE rf_r1', project => 'rf');
SELECT migrate.revision('r2', 'CREATE INDEX CONCURRENTLY rf_idx ON rf_r1 (id)',
	'DROP INDEX CONCURRENTLY rf_idx', '{r1}', project => 'rf');});
my $locker = start_psql($node, 'locker', 180, 'BEGIN', q{SELECT migrate.lock('rf')}, 'SELECT pg_sleep(170)');
wait_for_condition(
	q{EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'locker' AND wait_event = 'PgSleep')});

my $t0 = time;
my ($ret, $out, $err) = $node->psql(
	'postgres', q{
SET pg_migrate.lock_wait_timeout = 5000;
SELECT * FROM migrate.upgrade('heads', 'rf');},
	extra_params => [ '-v', 'VERBOSITY=verbose' ],
	timeout      => 30);
my $elapsed = time - $t0;
like($err, qr/ERROR:  25001: revision "r2" \(project "rf"\) cannot run inside a transaction/,
	"upgrade('heads') refuses the nontransactional revision with 25001");
like($err, qr/HINT:  Nothing was run\. Apply it with CALL migrate\.apply\(\), which runs such revisions in a session of their own\./,
	'... with the hint to use apply()');
ok($elapsed < 3, "upgrade('heads') did not wait for the mutex held by another session")
  or diag("it took $elapsed s");

$t0 = time;
($ret, $out, $err) = $node->psql(
	'postgres', q{
SET pg_migrate.lock_wait_timeout = 5000;
SELECT * FROM migrate.upgrade('r2', 'rf');},
	extra_params => [ '-v', 'VERBOSITY=verbose' ],
	timeout      => 30);
$elapsed = time - $t0;
like($err, qr/ERROR:  25001: revision "r2" \(project "rf"\) cannot run inside a transaction/,
	"upgrade('r2') (an explicit target) refuses it too");
ok($elapsed < 3, "upgrade('r2') did not wait for the mutex either")
  or diag("it took $elapsed s");
query(q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker'});
ok(wait_exit($locker, time + 10), 'the locker is gone');
is(current('rf'), '', 'nothing of project rf was applied');

# ---------------------------------------------------------------------------
# 1. The deadlock breaker.

query(q{SELECT migrate.revision('i1', 'CREATE INDEX CONCURRENTLY big_i1_idx ON big (id)',
	'DROP INDEX CONCURRENTLY big_i1_idx', project => 'dl')});

my $offset = -s $node->logfile;
my $holder = start_holder('holder1');
my $applier = start_psql($node, 'applier1', 180, q{CALL migrate.apply('heads', 'dl')});
wait_for_condition($worker_waits);
is(index_state('big_i1_idx'), 'invalid', 'the build has begun: the index exists, not yet valid');

# (an upgrade of i1 would be refused before it waits: the waiter takes the
# mutex for manual work)
my $snap = start_psql($node, 'snapwaiter', 180, 'BEGIN', 'SELECT 1', q{SELECT migrate.lock('dl')});
wait_for_condition(
	q{EXISTS (SELECT 1 FROM migrate.progress() WHERE application_name = 'snapwaiter' AND state = 'waiting')});
my $snap_pid = pid_of('snapwaiter');

# the build waits for the holder, not for the waiter: two rounds of the
# breaker must leave the waiter alone
sleep(2.5);
ok(running($snap), 'the snapshot-holding waiter is not cancelled while the build waits for the holder');

$t0 = time;
release_holder($holder);
ok(wait_exit($snap, time + 20), 'the snapshot-holding waiter ended');
$elapsed = time - $t0;
note(sprintf('the waiter ended %.2f s after the holder released its lock', $elapsed));
ok($elapsed < 5, 'the waiter was cancelled within about a second of the build waiting for it')
  or diag("it took $elapsed s");
like($snap->{err}, qr/ERROR:  40P01: wait for the migration mutex of project "dl" cancelled to break a wait cycle/,
	'the waiter was cancelled, with an error that says why (40P01)');
like($snap->{err}, qr/DETAIL:  Process \d+ \(application "applier1"\) runs revision "i1" of project "dl" in a background worker \(process \d+\), which was waiting for this session/,
	'... naming the deploy it was blocking');
ok(wait_exit($applier, time + 20), 'apply() finished');
unlike($applier->{err}, qr/ERROR/, 'apply() succeeded') or diag($applier->{err});
like($applier->{err}, qr/NOTICE:  PM002: applied revision "i1" \(1 of 1\) in /, 'apply() applied i1');
is(index_state('big_i1_idx'), 'valid', 'the index build completed: the index is valid');
is(current('dl'), 'i1', 'i1 is applied');
is(events('dl'), 'i1:up:success', 'one successful up event');
my $log = slurp_file($node->logfile, $offset);
like($log,
	qr/LOG:  pg_migrate: cancelling process $snap_pid to break a wait cycle through the background worker of revision "i1" \(project "dl"\)\n.*DETAIL:  Wait chain: background worker \d+ waits for process $snap_pid waits for the mutex of project "dl" held by its deploying process \d+\./,
	'the LOG line names the cancelled process, the revision and the chain');
my $holder_pid_seen = () = $log =~ /pg_migrate: cancelling process/g;
is($holder_pid_seen, 1, 'exactly one session was cancelled');
is(query($workers), '0', 'no worker is left');
is(query($mutex_holders), '0', 'nobody holds the mutex');

# ---------------------------------------------------------------------------
# 2. A waiter in CALL migrate.apply() is not cancelled.

query(q{SELECT migrate.revision('j1', 'CREATE INDEX CONCURRENTLY big_j1_idx ON big (code)',
	'DROP INDEX CONCURRENTLY big_j1_idx', project => 'aw')});

$offset = -s $node->logfile;
$holder = start_holder('holder2');
$applier = start_psql($node, 'applier2', 180, q{CALL migrate.apply('heads', 'aw')});
wait_for_condition($worker_waits);
my $waiter = start_psql($node, 'applywaiter', 180, q{CALL migrate.apply('heads', 'aw')});
wait_for_condition(
	q{EXISTS (SELECT 1 FROM migrate.progress() WHERE application_name = 'applywaiter' AND state = 'waiting')});
is( query(q{SELECT (j->'lock'->>'revision') || ' ' || (j->>'waiting') FROM migrate.status_json('aw') AS j}),
	'j1 1', 'status_json: the mutex holder runs j1, one session waits');
release_holder($holder);
ok(wait_exit($applier, time + 20), 'the first apply() finished');
ok(wait_exit($waiter, time + 20), 'the waiting apply() finished');
unlike($applier->{err}, qr/ERROR/, 'the first apply() succeeded') or diag($applier->{err});
is($waiter->{err}, '', 'the waiting apply() got no error and had nothing to apply');
is(index_state('big_j1_idx'), 'valid', 'the index is valid');
is(events('aw'), 'j1:up:success', 'j1 applied once');
unlike(slurp_file($node->logfile, $offset), qr/pg_migrate: cancelling process/,
	'nobody was cancelled');
is(query($workers), '0', 'no worker is left');

# ---------------------------------------------------------------------------
# 3. The worker runs as the caller's current role.

query(q{
CREATE ROLE app_deployer LOGIN;
CREATE ROLE other_deployer LOGIN;
SELECT migrate.grant_deploy('app_deployer', NULL);
SELECT migrate.grant_deploy('other_deployer', NULL);
CREATE SCHEMA app AUTHORIZATION app_deployer;
CREATE TABLE app.orders (id int, customer int);
ALTER TABLE app.orders OWNER TO app_deployer;
CREATE TABLE app.seen (revision text, role name DEFAULT current_user, session_role name DEFAULT session_user);
GRANT INSERT ON app.seen TO app_deployer, other_deployer;
GRANT USAGE ON SCHEMA app TO other_deployer;
SELECT migrate.revision('o1', $$
CREATE INDEX CONCURRENTLY orders_id_idx ON app.orders (id);
CREATE TABLE app.customers (id int);
CREATE INDEX CONCURRENTLY customers_id_idx ON app.customers (id);
INSERT INTO app.seen (revision) VALUES ('o1');
$$, 'SELECT 1', project => 'roles');
SELECT migrate.revision('o2', $$
INSERT INTO app.seen (revision) VALUES ('o2');
CREATE INDEX CONCURRENTLY orders_customer_idx ON app.orders (customer);
$$, 'SELECT 1', '{o1}', project => 'roles');
SELECT migrate.revision('o3', $$
INSERT INTO app.seen (revision) VALUES ('o3');
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON app.orders (customer, id);
$$, 'SELECT 1', '{o2}', project => 'roles');
});

($ret, $out, $err) = $node->psql(
	'postgres', q{SET ROLE app_deployer; CALL migrate.apply('o1', 'roles');},
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
is($ret, 0, 'SET ROLE app_deployer: apply() of o1 succeeds') or diag($err);
is( query(q{
SELECT string_agg(c.relname || ':' || c.relowner::regrole, ',' ORDER BY c.relname)
FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace AND c.relname <> 'seen'}),
	'customers:app_deployer,customers_id_idx:app_deployer,orders:app_deployer,orders_id_idx:app_deployer',
	'the table and the indexes the worker created belong to app_deployer');
is(query(q{SELECT role || ',' || (session_role = 'app_deployer') FROM app.seen WHERE revision = 'o1'}),
	'app_deployer,false', 'the worker ran as app_deployer (role), in the session of the caller\'s user');

# a deploy role that does not own the table: 42501 from the worker
($ret, $out, $err) = $node->psql(
	'postgres', q{CALL migrate.apply('o2', 'roles');},
	connstr      => $node->connstr('postgres') . ' user=other_deployer',
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
like($err, qr/ERROR:  42501: must be owner of table orders/,
	'other_deployer (logged in) gets 42501 from the worker');
like($err,
	qr/CONTEXT:  revision "o2" \(project "roles"\), statement 2, run in a background worker; statements before it stay done/,
	'... at statement 2, with the context line');
is(query(q{SELECT role || ',' || session_role FROM app.seen WHERE revision = 'o2'}),
	'other_deployer,other_deployer', 'statement 1 ran as other_deployer, and stays done');
is(index_state('app.orders_customer_idx'), 'missing', 'no index was created');
is(current('roles'), 'o1', 'o2 is not applied');

# app_deployer logged in as itself applies the rest
($ret, $out, $err) = $node->psql(
	'postgres', q{CALL migrate.apply('heads', 'roles');},
	connstr      => $node->connstr('postgres') . ' user=app_deployer',
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
is($ret, 0, 'app_deployer (logged in) applies o2 and o3') or diag($err);
is( query(q{SELECT string_agg(revision || ':' || role || ':' || session_role, ',' ORDER BY revision)
	FROM app.seen WHERE role = 'app_deployer' AND revision IN ('o2', 'o3')}),
	'o2:app_deployer:app_deployer,o3:app_deployer:app_deployer',
	'the worker ran as app_deployer, in a session of app_deployer');
is(current('roles'), 'o3', 'o3 is applied');
is(index_state('app.orders_customer_idx'), 'valid', 'the index is valid');
is( query(q{SELECT string_agg(revision || ':' || outcome || ':' || current_user_name
	|| coalesce(':' || sqlstate || ':' || statement, ''), ',' ORDER BY event_id)
	FROM migrate.events WHERE project = 'roles' AND outcome <> 'started'}),
	'o1:success:app_deployer,o2:failure:other_deployer:42501:2,o2:success:app_deployer,o3:success:app_deployer',
	'events name the roles');
is(query($workers), '0', 'no worker is left');

# In the worker too, a script cannot change identity: app_deployer's script
# run by a superuser session under SET ROLE app_deployer cannot RESET ROLE
# back to the superuser.
query(q{
SET ROLE app_deployer;
SELECT migrate.revision('o4', $$
RESET ROLE;
CREATE INDEX CONCURRENTLY orders_id_customer_idx ON app.orders (id, customer);
$$, 'SELECT 1', '{o3}', project => 'roles');
});
($ret, $out, $err) = $node->psql(
	'postgres', q{SET ROLE app_deployer; CALL migrate.apply('o4', 'roles');},
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
like($err, qr/ERROR:  42501: cannot set parameter "role" within security-definer function/,
	'RESET ROLE in a worker script: refused with 42501');
like($err,
	qr/CONTEXT:  revision "o4" \(project "roles"\), statement 1, run in a background worker/,
	'... at statement 1');
is(index_state('app.orders_id_customer_idx'), 'missing', 'nothing after it ran');
is(current('roles'), 'o3', 'o4 is not applied');
is(query($workers), '0', 'no worker is left');
# (stamped, so that the project counts as up to date below)
query(q{SELECT count(*) FROM migrate.stamp('o4', 'roles')});

# ---------------------------------------------------------------------------
# 4. pg_cancel_backend() of the apply session stops its worker.

query(q{SELECT migrate.revision('c1', 'CREATE INDEX CONCURRENTLY big_c1_idx ON big (id)',
	'DROP INDEX CONCURRENTLY big_c1_idx', project => 'cn')});
$holder = start_holder('holder4');
$applier = start_psql($node, 'applier4', 180, q{CALL migrate.apply('heads', 'cn')});
wait_for_condition($worker_waits);
$t0 = time;
query(q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'applier4'});
ok(wait_exit($applier, time + 20), 'the cancelled apply() ended');
like($applier->{err}, qr/ERROR:  57014: canceling statement due to user request/,
	'apply() was cancelled (57014)');
wait_for_condition("NOT $worker_waits AND ($workers) = 0");
$elapsed = time - $t0;
ok($elapsed < 5, 'its worker stopped within a few seconds') or diag("it took $elapsed s");
release_holder($holder);
is(current('cn'), '', 'c1 is not applied');
is(events('cn'), 'c1:up:failure:57014:1', 'a failure event for statement 1 (57014)');
is(index_state('big_c1_idx'), 'invalid', 'the interrupted build left an INVALID index');

# ---------------------------------------------------------------------------
# 5. pg_terminate_backend() of the apply session stops its worker.

query(q{SELECT migrate.revision('k1', 'CREATE INDEX CONCURRENTLY big_k1_idx ON big (id)',
	'DROP INDEX CONCURRENTLY big_k1_idx', project => 'tk')});
$holder = start_holder('holder5');
$applier = start_psql($node, 'applier5', 180, q{CALL migrate.apply('heads', 'tk')});
wait_for_condition($worker_waits);
my $applier_pid = pid_of('applier5');
my $worker_pid = query(q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'});
$t0 = time;
is(query("SELECT pg_terminate_backend($applier_pid)"), 't',
	'pg_terminate_backend() of the session inside CALL migrate.apply()');
ok(wait_exit($applier, time + 20), 'the terminated session\'s psql exited');
like($applier->{err}, qr/FATAL:  57P01: terminating connection due to administrator command/,
	'the session was terminated');
my $gone = 0;
while (time < $t0 + 5)
{
	if (query($workers) eq '0')
	{
		$gone = 1;
		last;
	}
	usleep(50_000);
}
ok($gone, 'no pg_migrate worker is left within 5 s of the termination')
  or diag(
	"worker $worker_pid still runs: "
	  . query("SELECT application_name || ' ' || wait_event || ' ' || query FROM pg_stat_activity WHERE pid = $worker_pid"));
# a leaked worker would go on with the build once the holder lets it:
# stop it here so that the rest of the test does not depend on it
query("SELECT pg_terminate_backend($worker_pid)") unless $gone;
release_holder($holder);
wait_for_condition("($workers) = 0");
is(current('tk'), '', 'k1 is not applied');
is(query($mutex_holders), '0', 'nobody holds the mutex');

# ---------------------------------------------------------------------------
# 6. A crash while the worker runs.

query(q{SELECT migrate.revision('x1', 'CREATE INDEX CONCURRENTLY big_x1_idx ON big (code)',
	'DROP INDEX CONCURRENTLY big_x1_idx', project => 'cr')});
$holder = start_holder('holder6');
$applier = start_psql($node, 'applier6', 180, q{CALL migrate.apply('heads', 'cr')});
wait_for_condition($worker_waits);
wait_for_condition(
	q{EXISTS (SELECT 1 FROM migrate.progress() WHERE project = 'cr' AND revision = 'x1' AND state = 'running')});
$node->stop('immediate');
ok(wait_exit($applier, time + 20), 'the apply session is gone with the server');
ok(wait_exit($holder, time + 20), 'the holder session is gone with the server');
$node->start;

is(current('cr'), '', 'after the restart x1 is not applied');
is(events('cr'), '', 'and has no outcome');
is(query(q{SELECT string_agg(revision || ':' || direction || ':' || outcome, ',')
	FROM migrate.events WHERE project = 'cr'}), 'x1:up:started', 'only its started row');
is(query(q{SELECT state FROM migrate.status('cr') WHERE revision = 'x1'}), 'interrupted',
	'status() shows it interrupted');
is(query(q{SELECT count(*) FROM migrate.applied WHERE project = 'cr'}), '0', 'no applied row');
is(query($mutex_holders), '0', 'nobody holds the mutex');
is(query(q{SELECT count(*) FROM migrate.progress()}), '0', 'no progress rows');
is(query(q{SELECT migrate.status_json('cr') -> 'lock'}), 'null', 'status_json: no lock holder');
is(query($workers), '0', 'no worker');
is(query(q{SELECT migrate.is_up_to_date('cr')}), 'f', 'project cr is not up to date');
is(index_state('big_x1_idx'), 'invalid', 'the interrupted build left an INVALID index');

($ret, $out, $err) = $node->psql(
	'postgres', q{CALL migrate.apply('heads', 'cr');},
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
is($ret, 0, 'the same script again succeeds: the INVALID index is dropped and built again')
  or diag($err);
is(index_state('big_x1_idx'), 'valid', 'the index is valid');
is(current('cr'), 'x1', 'x1 is applied');
is(events('cr'), 'x1:up:success', 'events: the success');
is( query(q{SELECT string_agg(direction || ':' || note, ',' ORDER BY event_id) FROM migrate.events
	WHERE project = 'cr' AND direction = 'reconcile'}),
	'reconcile:dropped the invalid index public.big_x1_idx, left by an interrupted or failed run, to build it again',
	'what the rerun did about the interrupted build is recorded');

# the revisions of the earlier scenarios, now that nothing blocks them
($ret, $out, $err) = $node->psql(
	'postgres', q{
CALL migrate.apply('heads', 'tk');
CALL migrate.apply('heads', 'cn');
CALL migrate.apply('heads', 'rf');},
	extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
is($ret, 0, 'the revisions interrupted earlier apply now, their INVALID indexes rebuilt') or diag($err);
is( query(q{SELECT string_agg(project || ':' || migrate.is_up_to_date(project), ',' ORDER BY project)
	FROM migrate.projects}),
	'aw:true,cn:true,cr:true,dl:true,rf:true,roles:true,tk:true',
	'every project is up to date');
is( query(q{SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
	WHERE c.relname = 'big' AND NOT i.indisvalid}),
	'0', 'no INVALID index is left');
is(query($workers), '0', 'no worker is left');

$node->stop;

done_testing();
