# Copyright (c) pg_migrate contributors
#
# test/t/026_pgbouncer.pl
#
# pg_migrate behind PgBouncer in transaction pooling mode (README "Behind a
# connection pooler").  A PgBouncer (Debian's package, scripts/lib.sh
# installs it for the test command) runs as the test's OS user in front of
# the node: pool_mode = transaction, 10 server connections for up to 200
# clients, trust authentication through an auth_file, its socket, config,
# pid file and log in the test's temporary directory; it is stopped (by its
# pid file) at the end, or when the test dies.  Everything under test goes
# through PgBouncer; only the gate of section 1 (a session-level advisory
# lock, which transaction pooling could not keep) connects directly.
#
# 1. 50 psql processes connected through PgBouncer, 5 rounds: each round
#    every process registers the same new revision (migrate.revision(),
#    identical arguments) and runs SELECT * FROM migrate.upgrade('heads'),
#    each statement in its own transaction, so each may run on another
#    server connection.  All 50 are started at the same moment behind a
#    gate: 10 wait at the gate on the 10 server connections, 40 wait in
#    PgBouncer for a server connection.  No process gets an error, exactly
#    one applies the revision, migrate.applied and the 'up' success events
#    have exactly one row per revision, the up script ran once, and 50
#    clients were served by at most 10 server connections.
# 2. CALL migrate.apply() of a nontransactional revision (CREATE INDEX
#    CONCURRENTLY, run in a background worker) through PgBouncer works in
#    transaction mode: PgBouncer gives a server connection back to the pool
#    only when the server reports ReadyForQuery outside a transaction, and
#    the commits inside one CALL send none, so the whole CALL keeps one
#    server connection.
# 3. The client through PgBouncer: pull, push --dir, upgrade --dir,
#    status --check (exit 0), upgrade --dir --per-revision of a CREATE
#    INDEX CONCURRENTLY revision: all work.  The client's progress lines
#    need the session setting pg_migrate.step_notices, which it SETs in a
#    statement of its own (client/cmd_run.c): they appear here only because
#    an otherwise idle PgBouncer gives each next transaction the server
#    connection released last, and the setting then stays on that server
#    connection for the next clients (no reset in transaction mode).
#    3b. When the SET does not reach the later statements (made certain
#    with server_reset_query_always = 1, which runs DISCARD ALL after every
#    transaction; under load another client may take the connection in
#    between, as section 4 shows): the deploys still work and exit 0, but
#    upgrade prints no progress line, only its summary, and
#    upgrade --per-revision prints apply()'s plain NOTICE on stderr and
#    says from the project's state that it upgraded, naming the pooler.
# 4. pg_migrate.step_notices under transaction pooling: SET LOCAL in the
#    upgrade's own transaction (BEGIN; SET LOCAL; upgrade; COMMIT) gets
#    the step notices.  A plain SET outside a transaction is bound to the
#    server connection that ran it, not to the client: while another
#    client holds that connection (in a transaction), the SET client's
#    next upgrade runs on another server connection, with the setting off
#    and no notices, and the other client sees the setting on although it
#    never set it.  Once the connection is free again the SET client gets
#    it back (the most recently released one) and the notices with it.
#    A server connection that has not loaded pg_migrate does not know the
#    setting at all (SHOW fails; current_setting(..., true) is NULL).

use strict;
use warnings;

use IPC::Run;
use File::Path qw(make_path);
use Time::HiRes qw(time usleep);
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# A psql session through PgBouncer with the helpers of BackgroundPsql (whose
# constructor only Cluster and its subclasses may call).
package PgbouncerPsql
{
	use parent -norequire, 'PostgreSQL::Test::Cluster';

	sub start
	{
		my ($conn) = @_;
		return PostgreSQL::Test::BackgroundPsql->new(0,
			[ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', $conn, '-f', '-' ], 60, 1);
	}
}

my $NSESSIONS = 50;
my $NROUNDS   = 5;
my $POOL_SIZE = 10;
my $GATE_KEY  = 2626;

my ($pgbouncer) = grep { -x $_ } '/usr/sbin/pgbouncer',
  map { "$_/pgbouncer" } split /:/, $ENV{PATH};
BAIL_OUT('pgbouncer not found: apt-get install pgbouncer (scripts/test installs it)')
  unless $pgbouncer;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', qq{
max_connections = 40
log_min_messages = warning
});
$node->start;

my $user = $node->safe_psql('postgres', 'SELECT current_user');

# ---------------------------------------------------------------------------
# PgBouncer

my $bdir  = PostgreSQL::Test::Utils::tempdir();
my $bport = PostgreSQL::Test::Cluster::get_free_port();
my $bpid_file = "$bdir/pgbouncer.pid";
my $host = $node->host;
my $port = $node->port;

open my $uf, '>', "$bdir/userlist.txt" or die $!;
print $uf qq{"$user" ""\n};
close $uf;
open my $cf, '>', "$bdir/pgbouncer.ini" or die $!;
print $cf qq{[databases]
postgres = host=$host port=$port dbname=postgres

[pgbouncer]
pool_mode = transaction
listen_addr =
listen_port = $bport
unix_socket_dir = $bdir
auth_type = trust
auth_file = $bdir/userlist.txt
admin_users = $user
max_client_conn = 200
default_pool_size = $POOL_SIZE
min_pool_size = 0
reserve_pool_size = 0
max_db_connections = $POOL_SIZE
logfile = $bdir/pgbouncer.log
pidfile = $bpid_file
};
close $cf;

sub stop_pgbouncer
{
	return unless -f $bpid_file;
	open my $fh, '<', $bpid_file or return;
	my $pid = <$fh>;
	close $fh;
	chomp $pid;
	return unless $pid =~ /^\d+$/;
	kill 'INT', $pid;    # SIGINT: safe shutdown
	for (1 .. 100)
	{
		return unless kill 0, $pid;
		usleep(50_000);
	}
	kill 'KILL', $pid;
	return;
}
END { stop_pgbouncer(); }

system($pgbouncer, '-d', "$bdir/pgbouncer.ini") == 0
  or BAIL_OUT("could not start pgbouncer: $?");

# The connection string through PgBouncer.
my $bconn = "host=$bdir port=$bport dbname=postgres user=$user";

# Run SQL through PgBouncer with psql; returns (exit status, stdout, stderr).
sub bpsql
{
	my ($sql, $db) = @_;
	my ($out, $err) = ('', '');
	my $conn = $db ? "host=$bdir port=$bport dbname=$db user=$user" : $bconn;
	IPC::Run::run(
		[ 'psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $conn, '-c', $sql ],
		'<', \'', '>', \$out, '2>', \$err, IPC::Run::timeout(60));
	chomp $out;
	return ($? >> 8, $out, $err);
}

sub bsafe
{
	my ($sql) = @_;
	my ($rc, $out, $err) = bpsql($sql);
	die "psql through pgbouncer failed ($rc): $err" if $rc;
	return $out;
}

my $up = 0;
for (1 .. 100)
{
	my ($rc) = bpsql('SELECT 1');
	if ($rc == 0) { $up = 1; last }
	usleep(100_000);
}
ok($up, 'pgbouncer accepts connections') or BAIL_OUT('pgbouncer did not start');
my $bouncer_pid = PgMigrateClient::rfile($bpid_file) =~ s/\s+//gr;
my ($rc, $cfg) = bpsql('SHOW CONFIG', 'pgbouncer');
like($cfg, qr/^pool_mode\|transaction\|/m, 'pgbouncer runs in transaction mode');

bsafe(q{
CREATE EXTENSION pg_migrate;
CREATE TABLE applied_log (revision text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid());
CREATE TABLE big AS SELECT g AS id, g % 100 AS code FROM generate_series(1, 20000) AS g;
});

# ---------------------------------------------------------------------------
# 1. 50 concurrent deployers through PgBouncer.

sub start_session
{
	my ($name) = @_;
	my $s = { name => $name, in => '', out => '', err => '' };
	local %ENV = %ENV;
	delete $ENV{$_} for qw(PGAPPNAME PGOPTIONS PGDATABASE PGUSER);
	$s->{h} = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-q',
			'-v', 'VERBOSITY=verbose',
			'-d', "$bconn application_name=$name",
			'-f', '-'
		],
		'<', \$s->{in}, '>', \$s->{out}, '2>', \$s->{err});
	return $s;
}

sub pump_all
{
	foreach my $s (@_)
	{
		next unless $s->{h}->pumpable;
		eval { $s->{h}->pump_nb; 1 } or diag("pump of $s->{name} failed: $@");
	}
}

sub wait_sessions
{
	my ($sessions, $want, $deadline) = @_;
	my @pending = @$sessions;
	while (1)
	{
		pump_all(@pending);
		@pending = grep { $_->{out} !~ $want } @pending;
		last if !@pending || time > $deadline;
		usleep(5_000);
	}
	return @pending;
}

sub describe_stuck
{
	my (@stuck) = @_;
	return join("\n",
		map { "$_->{name}: out=[$_->{out}] err=[$_->{err}]" }
		  @stuck[ 0 .. ($#stuck < 4 ? $#stuck : 4) ]);
}

my @deployers = map { start_session(sprintf('deployer_%02d', $_)) } 1 .. $NSESSIONS;
$_->{in} .= "SELECT 'READY';\n" for @deployers;
my @stuck = wait_sessions(\@deployers, qr/^READY\n/m, time + 60);
is(scalar(@stuck), 0, "$NSESSIONS deployer sessions connected through pgbouncer")
  or die "deployers did not connect:\n" . describe_stuck(@stuck);
$_->{out} = '' for @deployers;

# The gate connects directly: it holds a session-level advisory lock across
# statements, which only a session of its own can.
my $gate = $node->background_psql('postgres', timeout => 60);

sub pool_stat
{
	my ($rc, $out) = bpsql('SHOW POOLS', 'pgbouncer');
	# database|user|cl_active|cl_waiting|...|sv_active|sv_idle|sv_used|...
	my ($line) = grep { /^postgres\|/ } split /\n/, $out;
	my @f = split /\|/, $line // '';
	return { cl_active => $f[2], cl_waiting => $f[3] };
}

my $previous;
my @all_revisions;
my $max_servers = 0;

for my $round (1 .. $NROUNDS)
{
	my $id = sprintf('pgb%02d', $round);
	my $parents = defined $previous ? "ARRAY['$previous']" : "'{}'";
	my $register = qq{SELECT migrate.revision(id => '$id', parents => $parents, message => 'round $round',
up => \$up\$CREATE TABLE round_$round (id int PRIMARY KEY);
SELECT pg_sleep(0.1);
INSERT INTO applied_log (revision) VALUES ('$id');\$up\$,
down => 'DROP TABLE round_$round') AS r \\gset\n};
	$previous = $id;
	push @all_revisions, $id;

	$gate->query_safe("SELECT pg_advisory_lock($GATE_KEY)");
	foreach my $s (@deployers)
	{
		$s->{in} .= "SELECT pg_advisory_xact_lock_shared($GATE_KEY) AS gate \\gset\n"
		  . $register
		  . "\\unset n\n"
		  . "SELECT count(*) AS n FROM (SELECT * FROM migrate.upgrade('heads')) u \\gset\n"
		  . "\\echo 'RESULT $id' :SQLSTATE :n\n";
	}

	# 10 sessions wait at the gate on the 10 server connections, the other
	# 40 wait in PgBouncer for one
	my ($queued, $pool) = (0, {});
	my $deadline = time + 60;
	while (time < $deadline)
	{
		pump_all(@deployers);
		$queued = $gate->query_safe(
			"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
			  . "AND objid = $GATE_KEY AND NOT granted");
		$pool = pool_stat();
		last if $queued == $POOL_SIZE && $pool->{cl_waiting} == $NSESSIONS - $POOL_SIZE;
		usleep(20_000);
	}
	is("$queued $pool->{cl_waiting}", "$POOL_SIZE " . ($NSESSIONS - $POOL_SIZE),
		"$id: $POOL_SIZE sessions wait at the gate, "
		  . ($NSESSIONS - $POOL_SIZE) . ' wait in pgbouncer for a server');
	$gate->query_safe("SELECT pg_advisory_unlock($GATE_KEY)");

	my @stuck = wait_sessions(\@deployers, qr/^RESULT \Q$id\E (.*)\n/m, time + 60);
	is(scalar(@stuck), 0, "$id: every session finished") or diag(describe_stuck(@stuck));
	my ($sum, $appliers, @bad) = (0, 0);
	foreach my $s (@deployers)
	{
		my ($sqlstate, $n) = $s->{out} =~ /^RESULT \Q$id\E (\S+) (\S*)\n/m;
		$sqlstate //= '(none)';
		push @bad, "$s->{name}: $sqlstate, stderr: $s->{err}"
		  if $sqlstate ne '00000' || $s->{err} =~ /ERROR/;
		$sum += $n // 0;
		$appliers++ if ($n // 0) > 0;
		$s->{out} = '';
		$s->{err} = '';
	}
	is(join("\n", @bad), '', "$id: no session got an error");
	is("$sum $appliers", '1 1', "$id: exactly one session applied the revision");
	is( bsafe(qq{
SELECT (SELECT count(*) FROM migrate.applied WHERE revision = '$id') || ' '
	|| (SELECT count(*) FROM migrate.events
		WHERE revision = '$id' AND direction = 'up' AND outcome = 'success') || ' '
	|| (SELECT count(*) FROM applied_log WHERE revision = '$id')}),
		'1 1 1', "$id: applied once, one 'up' success event, the script ran once");
	# every revision so far: still exactly once
	is( bsafe(q{
SELECT count(*) FILTER (WHERE n <> 1) || ' ' || count(*)
FROM (SELECT revision, count(*) AS n FROM migrate.events
	  WHERE direction = 'up' AND outcome = 'success' GROUP BY 1) e}),
		'0 ' . scalar(@all_revisions),
		"$id: every revision so far has exactly one 'up' success event");
	my $servers = $gate->query_safe(
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
		  . "AND pid <> pg_backend_pid()");
	$max_servers = $servers if $servers > $max_servers;
}
ok($max_servers <= $POOL_SIZE,
	"$NSESSIONS clients were served by at most $POOL_SIZE server connections")
  or diag("saw $max_servers client backends");
is( bsafe(q{SELECT string_agg(revision, ',' ORDER BY revision) FROM migrate.applied}),
	join(',', @all_revisions), 'every revision is applied');
is(bsafe('SELECT migrate.is_up_to_date()'), 't', 'up to date');

$_->{in} .= "\\q\n" for @deployers;
foreach my $s (@deployers)
{
	eval { $s->{h}->finish; 1 } or diag("finish $s->{name}: $@");
}
$gate->quit;

# ---------------------------------------------------------------------------
# 2. CALL migrate.apply() of a nontransactional revision.

bsafe(qq{SELECT migrate.revision(id => 'cic1', parents => ARRAY['$previous'],
	up => 'CREATE INDEX CONCURRENTLY big_code_idx ON big (code)',
	down => 'DROP INDEX CONCURRENTLY big_code_idx')});
($rc, my $out, my $err) = bpsql(q{CALL migrate.apply('heads')});
is($rc, 0, 'CALL migrate.apply() of CREATE INDEX CONCURRENTLY through pgbouncer succeeds')
  or diag($err);
like($err, qr/applied revision "cic1"/, 'apply() reported the revision');
is( bsafe(q{
SELECT i.indisvalid || ' ' || (SELECT count(*) FROM migrate.applied WHERE revision = 'cic1')
	|| ' ' || (SELECT count(*) FROM migrate.events
			   WHERE revision = 'cic1' AND direction = 'up' AND outcome = 'success')
FROM pg_index i WHERE i.indexrelid = 'big_code_idx'::regclass}),
	'true 1 1', 'the index is valid, cic1 applied once with one success event');

# ---------------------------------------------------------------------------
# 3. The client through PgBouncer.

pgm_client_setup(node => $node, user => $user, db => 'postgres');
my %via = (env => { PGHOST => $bdir, PGPORT => $bport });
my $dir = PostgreSQL::Test::Utils::tempdir() . '/migrations';
make_path($dir);

# the directory gets the history so far as files
my ($crc, $cout, $cerr) = pgm(\%via, 'pull', '--dir', $dir);
is($crc, 0, 'pull through pgbouncer') or diag($cerr);

wfile("$dir/9001_t1.sql",
	mig(id => 'c1', parents => 'cic1', up => 'CREATE TABLE client_t1 (id int);', down => 'DROP TABLE client_t1;'));
wfile("$dir/9002_t2.sql",
	mig(id => 'c2', parents => 'c1', up => 'CREATE TABLE client_t2 (id int);', down => 'DROP TABLE client_t2;'));

($crc, $cout, $cerr) = pgm(\%via, 'push', '--dir', $dir);
is($crc, 0, 'push --dir through pgbouncer: exit 0') or diag($cerr);
like($cout, qr/^new\s+c1 .*\nnew\s+c2 /m, 'push registered c1 and c2');

($crc, $cout, $cerr) = pgm(\%via, 'upgrade', '--dir', $dir);
is($crc, 0, 'upgrade --dir through pgbouncer: exit 0') or diag($cerr);
# The progress lines come from NOTICEs that need pg_migrate.step_notices,
# which the client SETs in a statement of its own.  PgBouncer gives the
# next transaction of an otherwise idle pool the server connection released
# last, so here they arrive; see section 4 for when they do not.
is( mask($cout),
	"[1/2] up      c1 (X ms)\n[2/2] up      c2 (X ms)\nupgraded: 2 steps in X ms\ncurrent: c2\n",
	'upgrade --dir: progress lines, summary, current');
is($cerr, '', 'upgrade --dir: nothing on stderr');
# ... and the SET stays on that server connection for the next client
is(bsafe('SHOW pg_migrate.step_notices'), 'on',
	"the client's SET pg_migrate.step_notices stays on the pooled server connection");

($crc, $cout, $cerr) = pgm(\%via, 'status', '--check');
is($crc, 0, 'status --check through pgbouncer: exit 0') or diag("$cout$cerr");

wfile("$dir/9003_cic2.sql",
	mig(id => 'cic2', parents => 'c2',
		up => 'CREATE INDEX CONCURRENTLY big_id_idx ON big (id);',
		down => 'DROP INDEX CONCURRENTLY big_id_idx;'));
($crc, $cout, $cerr) = pgm(\%via, 'upgrade', '--dir', $dir, '--per-revision');
is($crc, 0, 'upgrade --per-revision (CREATE INDEX CONCURRENTLY) through pgbouncer: exit 0')
  or diag($cerr);
is(mask($cout),
	"pushed 1 revision: 1 new, 0 changed, 0 message only\n"
	  . "[1/1] up      cic2 (X ms, committed)\nupgraded: 1 revision in X ms\ncurrent: cic2\n",
	'upgrade --per-revision: output');
is( bsafe(q{
SELECT i.indisvalid || ' ' || (SELECT count(*) FROM migrate.applied WHERE revision = 'cic2')
FROM pg_index i WHERE i.indexrelid = 'big_id_idx'::regclass}),
	'true 1', 'cic2: the index is valid and the revision applied');
($crc, $cout, $cerr) = pgm(\%via, 'status', '--check');
is($crc, 0, 'status --check after the per-revision upgrade: exit 0') or diag("$cout$cerr");

# 3b. When the SET does not reach the statements after it.  Made
# deterministic here with server_reset_query_always = 1 (PgBouncer then
# runs DISCARD ALL after every transaction, so that no session state leaks
# from one client to the next; without it the same happens whenever
# another client takes the server connection between the client's SET and
# its next statement, see section 4).  The deploys still work and exit 0,
# but the client shows no progress: the atomic upgrade prints only its
# summary, and upgrade --per-revision prints apply()'s plain NOTICEs on
# stderr: it counts the revisions it applied from the NOTICEs' DETAIL,
# which apply() only adds with pg_migrate.step_notices on, so it compares
# the project's state before and after the call instead
# (client/cmd_run.c).
sub reconfigure
{
	my ($extra) = @_;
	my $ini = PgMigrateClient::rfile("$bdir/pgbouncer.ini");
	$ini =~ s/\n# test: extra\n.*//s;
	wfile("$bdir/pgbouncer.ini", $ini . "\n# test: extra\n$extra");
	my ($rc, $out, $err) = bpsql('RELOAD', 'pgbouncer');
	is($rc, 0, 'RELOAD ' . ($extra eq '' ? 'with the base config' : 'with: ' . ($extra =~ s/\n/ /gr)))
	  or diag($err);
	return;
}
reconfigure("server_reset_query = DISCARD ALL\nserver_reset_query_always = 1\n");
# (the reset runs when a server connection is released: the SET below
# itself ends on a clean connection, whatever the last one left)
bsafe('SET pg_migrate.step_notices = on');
is(bsafe(q{SELECT coalesce(current_setting('pg_migrate.step_notices', true), 'unset')}),
	'off', 'with server_reset_query_always, a SET does not outlive its transaction');

wfile("$dir/9004_t4.sql",
	mig(id => 'c4', parents => 'cic2', up => 'CREATE TABLE client_t4 (id int);', down => 'DROP TABLE client_t4;'));
($crc, $cout, $cerr) = pgm(\%via, 'upgrade', '--dir', $dir);
is($crc, 0, 'upgrade --dir, SET discarded: exit 0') or diag($cerr);
is( mask($cout),
	"pushed 1 revision: 1 new, 0 changed, 0 message only\nupgraded: 1 step in X ms\ncurrent: c4\n",
	'upgrade --dir, SET discarded: no progress line, only the summary');
is($cerr, '', 'upgrade --dir, SET discarded: nothing on stderr');

wfile("$dir/9005_cic5.sql",
	mig(id => 'cic5', parents => 'c4',
		up => 'CREATE INDEX CONCURRENTLY big_code_id_idx ON big (code, id);',
		down => 'DROP INDEX CONCURRENTLY big_code_id_idx;'));
($crc, $cout, $cerr) = pgm(\%via, 'upgrade', '--dir', $dir, '--per-revision');
is($crc, 0, 'upgrade --per-revision, SET discarded: exit 0') or diag($cerr);
is( mask($cout),
	"pushed 1 revision: 1 new, 0 changed, 0 message only\nupgraded (no progress was received: a connection pooler in transaction mode? connect directly for it)\ncurrent: cic5\n",
	'upgrade --per-revision, SET discarded: says it upgraded, from the state, and why there is no progress');
like($cerr, qr/^NOTICE:  applied revision "cic5"/m,
	"upgrade --per-revision, SET discarded: apply()'s NOTICE is shown as it is");
is( bsafe(q{
SELECT i.indisvalid || ' ' || (SELECT count(*) FROM migrate.applied WHERE revision = 'cic5')
FROM pg_index i WHERE i.indexrelid = 'big_code_id_idx'::regclass}),
	'true 1', 'cic5 was applied all the same');
reconfigure('');

# ---------------------------------------------------------------------------
# 4. pg_migrate.step_notices under transaction pooling.

# Start from fresh server connections, without the setting that section 3
# left behind: KILL closes every connection of the pool, RESUME reopens it.
($rc, $out, $err) = bpsql('KILL postgres', 'pgbouncer');
is($rc, 0, 'KILL postgres (admin console)') or diag($err);
($rc, $out, $err) = bpsql('RESUME postgres', 'pgbouncer');
is($rc, 0, 'RESUME postgres (admin console)') or diag($err);
# (a server connection that has not loaded pg_migrate yet does not know the
# setting: SHOW would fail, current_setting(..., true) is NULL)
is(bsafe(q{SELECT coalesce(current_setting('pg_migrate.step_notices', true), 'unset')}),
	'unset', 'the fresh server connection has no pg_migrate.step_notices');
bsafe(q{SELECT migrate.revision(id => 's1', parents => ARRAY['cic5'], up => 'CREATE TABLE s1 (id int)')});
bsafe(q{SELECT migrate.revision(id => 's2', parents => ARRAY['s1'], up => 'CREATE TABLE s2 (id int)')});
bsafe(q{SELECT migrate.revision(id => 's3', parents => ARRAY['s2'], up => 'CREATE TABLE s3 (id int)')});

# 4a. SET LOCAL inside the upgrade's transaction: the notices arrive.
($rc, $out, $err) = bpsql(q{BEGIN;
SET LOCAL pg_migrate.step_notices = on;
SELECT count(*) FROM migrate.upgrade('s1');
COMMIT;});
is($rc, 0, 'BEGIN; SET LOCAL; upgrade; COMMIT through pgbouncer');
like($err, qr/NOTICE:  step 1\/1: up s1 done in /, 'SET LOCAL in the transaction: step notice');

# 4b. A plain SET is bound to the server connection that ran it.
my $x = PgbouncerPsql::start("$bconn application_name=x");
my $y = PgbouncerPsql::start("$bconn application_name=y");
# one Query message (psql's \;), so one transaction: the pid is that of the
# server connection the SET ran on
my $set_pid = $x->query_safe(
	q{SET pg_migrate.step_notices = on \; SELECT pg_backend_pid()});
# y opens a transaction: pgbouncer gives it the server connection released
# last, the one x's SET ran on, and keeps it for y until y's COMMIT
my $yres = $y->query_safe(
	q{BEGIN; SELECT pg_backend_pid() || ' ' || current_setting('pg_migrate.step_notices')});
is($yres, "$set_pid on",
	"another client gets the server connection with x's SET: the setting is on for it");
# x's next statement runs on another server connection, without the setting
$x->{stderr} = '';
my $xres = $x->query(
	q{SELECT pg_backend_pid() <> } . $set_pid
	  . q{, coalesce(current_setting('pg_migrate.step_notices', true), 'unset'),}
	  . q{ (SELECT count(*) FROM migrate.upgrade('s2'))});
# (off, not unset: the scan of upgrade() loads pg_migrate, which defines
# the setting, before the select list is computed)
is($xres, 't|off|1', "x's upgrade ran on another server connection, where step_notices is off");
unlike($x->{stderr}, qr/step 1\/1/, 'so x got no step notice for s2');
$y->query_safe('COMMIT');
# Once y is done the connection is free again and x may get it back: then
# the upgrade has the notices (which is what a sequential client sees).
$x->{stderr} = '';
$xres = $x->query(
	q{SELECT pg_backend_pid() = } . $set_pid . q{, count(*) FROM migrate.upgrade('s3')});
is($xres, 't|1', 'with the pool idle, x gets the server connection of its SET back');
like($x->{stderr}, qr/NOTICE:  step 1\/1: up s3 done in /, 'and the step notice arrives');
$x->quit;
$y->quit;

is( bsafe(q{
SELECT count(*) FILTER (WHERE n <> 1) || ' ' || count(*)
FROM (SELECT revision, count(*) AS n FROM migrate.events
	  WHERE direction = 'up' AND outcome = 'success' GROUP BY 1) e}),
	'0 ' . (scalar(@all_revisions) + 9),
	"in the end every revision has exactly one 'up' success event");

stop_pgbouncer();
ok(!kill(0, $bouncer_pid), "pgbouncer (pid $bouncer_pid) stopped");
$node->stop;

done_testing();
