# Copyright (c) pg_migrate contributors
#
# test/t/017_interruptions.pl
#
# Fault injection on the worker path (CALL migrate.apply() with CREATE
# INDEX CONCURRENTLY), under write load.  Each trial registers a revision
# that creates a table (IF NOT EXISTS, so a rerun finds it) and builds two
# indexes on it concurrently, the second with IF NOT EXISTS; starts
# apply(); once the run has begun (its 'started' event is committed),
# waits a random 0-1200 ms (a clean run takes about a second) and then
# injects one of eight faults:
#
#   kill -9 of the worker, kill -9 of the deploying backend, an immediate
#   stop of the server, pg_terminate_backend() of the deploying backend or
#   of the worker, pg_cancel_backend() of either, and the deploying client
#   killed (its connection gone).
#
# After the fault (and a restart when the server went down) it asserts:
#   - the interruption left an event row for the revision (its 'started'
#     row at least), and classifies the trial by the last row: interrupted
#     ('started' only), failed (a failure row), or completed before the
#     fault hit;
#   - a rerun of apply() succeeds; then the revision is applied exactly
#     once (one successful 'up' row), both its indexes exist and are
#     valid, no INVALID index is left in the database, and status() shows
#     nothing interrupted.
# The counts per fault and outcome are printed at the end.  The random
# seed is fixed (PGM_FAULT_SEED overrides it, PGM_FAULT_TRIALS the number
# of trials).

use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(time usleep);
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateTAP qw(start_psql wait_exit);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PGM_FAULT_SEED} // 20261203;
my $trials = $ENV{PGM_FAULT_TRIALS} // 48;
srand($seed);
note("seed $seed, $trials trials");

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', qq{
pg_migrate.on_drift = ignore
log_statement = none
restart_after_crash = on
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION pg_migrate;
CREATE TABLE load (id bigserial PRIMARY KEY, at timestamptz DEFAULT now());
});

sub query { return $node->safe_psql('postgres', $_[0]); }

# the write load: pgbench inserting rows, one transaction each, started
# again whenever a fault took the server down
my $load_script = $node->basedir . '/load.sql';
open(my $fh, '>', $load_script) or die $!;
print $fh "INSERT INTO load (at) VALUES (now());\n";
close($fh);
my $load;

sub start_load
{
	my ($out, $err) = ('', '');
	$load = IPC::Run::start(
		[ 'pgbench', '-n', '-c', '1', '-T', '3600', '-f', $load_script,
		  '-h', $node->host, '-p', $node->port, 'postgres' ],
		'>', \$out, '2>', \$err);
	return;
}

sub ensure_load
{
	eval { $load->pump_nb if $load->pumpable; 1 };
	start_load() unless $load->pumpable;
	return;
}

# Wait, for at most 60 s, until the server accepts connections.
sub wait_for_server
{
	my $deadline = time + 60;
	while (time < $deadline)
	{
		my ($ret) = $node->psql('postgres', 'SELECT 1', timeout => 5);
		return if $ret == 0;
		usleep(100_000);
	}
	die 'the server did not come back';
}

sub value
{
	my ($sql) = @_;
	my ($ret, $out) = $node->psql('postgres', $sql, timeout => 30);
	return $ret == 0 ? $out : undef;
}

sub pid_of_worker
{
	return value(q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'}) // '';
}

my @faults = qw(kill9_worker kill9_caller immediate_stop terminate_caller
  terminate_worker cancel_caller cancel_worker client_gone);
my %count;
my $parent;

start_load();
for my $n (1 .. $trials)
{
	my $fault = $faults[ ($n - 1) % @faults ];
	my $rev = "t$n";
	my $up = qq{CREATE TABLE IF NOT EXISTS tab_$n AS SELECT g AS a, g % 1000 AS b, md5(g::text) AS c FROM generate_series(1, 300000) AS g;
CREATE INDEX CONCURRENTLY tab_${n}_a ON tab_$n (a);
CREATE INDEX CONCURRENTLY IF NOT EXISTS tab_${n}_bc ON tab_$n (b, c);};
	query(qq{SELECT migrate.revision('$rev', \$up\$$up\$up\$, 'DROP TABLE tab_$n',
		@{[ defined $parent ? "'{$parent}'" : "'{}'" ]}, project => 'faults')});
	$parent = $rev;
	ensure_load();

	my $caller = start_psql($node, "deploy_$n", 120, q{CALL migrate.apply('heads', 'faults')});
	# the run has begun once its 'started' row is committed
	my $deadline = time + 30;
	my $begun = 0;
	while (time < $deadline)
	{
		my $v = value(qq{SELECT count(*) FROM migrate.events WHERE project = 'faults' AND revision = '$rev'});
		if (defined $v && $v > 0) { $begun = 1; last; }
		usleep(2_000);
	}
	ok($begun, "trial $n: the run of $rev began");
	usleep(int(rand(1_200_000)));

	my $caller_pid = value(qq{SELECT pid FROM pg_stat_activity WHERE application_name = 'deploy_$n'}) // '';
	my $worker_pid = pid_of_worker();
	my $hit = 1;
	if ($fault eq 'kill9_worker' || $fault eq 'terminate_worker' || $fault eq 'cancel_worker')
	{
		$hit = 0 if $worker_pid eq '';
		if ($fault eq 'kill9_worker') { kill 'KILL', $worker_pid if $worker_pid ne ''; }
		else
		{
			my $fn = $fault eq 'terminate_worker' ? 'pg_terminate_backend' : 'pg_cancel_backend';
			value("SELECT $fn($worker_pid)") if $worker_pid ne '';
		}
	}
	elsif ($fault eq 'kill9_caller')
	{
		$hit = 0 if $caller_pid eq '';
		kill 'KILL', $caller_pid if $caller_pid ne '';
	}
	elsif ($fault eq 'immediate_stop')
	{
		$node->stop('immediate');
		$node->start;
	}
	elsif ($fault eq 'terminate_caller' || $fault eq 'cancel_caller')
	{
		$hit = 0 if $caller_pid eq '';
		my $fn = $fault eq 'terminate_caller' ? 'pg_terminate_backend' : 'pg_cancel_backend';
		value("SELECT $fn($caller_pid)") if $caller_pid ne '';
	}
	elsif ($fault eq 'client_gone')
	{
		$caller->{h}->kill_kill;
	}
	wait_exit($caller, time + 60);
	wait_for_server();
	# the deploying backend notices a vanished client within a second:
	# the run is over when it and its worker are gone
	$deadline = time + 30;
	while (time < $deadline
		&& (value(qq{SELECT count(*) FROM pg_stat_activity WHERE application_name = 'deploy_$n'}) // '1') ne '0')
	{
		usleep(20_000);
	}
	# no worker of the interrupted run may be left
	$deadline = time + 30;
	while (time < $deadline && pid_of_worker() ne '') { usleep(20_000); }
	is(pid_of_worker(), '', "trial $n ($fault): no worker is left");

	my $last = value(qq{SELECT outcome FROM migrate.events WHERE project = 'faults' AND revision = '$rev'
		AND direction = 'up' ORDER BY event_id DESC LIMIT 1}) // '';
	ok($last ne '', "trial $n ($fault): the interruption left an event row for $rev");
	my $outcome = $last eq 'started' ? 'interrupted' : $last eq 'failure' ? 'failure recorded'
	  : 'completed before the fault';
	$outcome .= ' (fault came too late to hit a process)' unless $hit;
	$count{$fault}{$outcome}++;
	if ($last eq 'started')
	{
		is(value(qq{SELECT state FROM migrate.status('faults') WHERE revision = '$rev'}), 'interrupted',
			"trial $n: status() shows $rev as interrupted");
	}

	ensure_load();
	my ($ret, $out, $err) = $node->psql('postgres', q{CALL migrate.apply('heads', 'faults')},
		timeout => 120);
	is($ret, 0, "trial $n ($fault, $outcome): the rerun succeeded") or diag($err);
	is(value(qq{SELECT count(*) FROM migrate.events WHERE project = 'faults' AND revision = '$rev'
		AND direction = 'up' AND outcome = 'success'}), '1', "trial $n: $rev applied exactly once");
	is(value(qq{SELECT string_agg(indexrelid::regclass::text || ':' || indisvalid, ','
		ORDER BY indexrelid::regclass::text)
		FROM pg_index WHERE indrelid = 'tab_$n'::regclass}), "tab_${n}_a:true,tab_${n}_bc:true",
		"trial $n: both indexes exist and are valid");
	is(value(q{SELECT count(*) FROM pg_index WHERE NOT indisvalid}), '0',
		"trial $n: no INVALID index is left");
	is(value(q{SELECT count(*) FROM migrate.status('faults') WHERE state <> 'applied'}), '0',
		"trial $n: status() shows everything applied, nothing interrupted");
}

$load->kill_kill;
my $summary = '';
for my $fault (@faults)
{
	$summary .= sprintf("%-17s %s\n", $fault,
		join(', ', map { "$count{$fault}{$_} $_" } sort keys %{ $count{$fault} }));
}
diag("fault injection, seed $seed, $trials trials:\n$summary");
is(value(q{SELECT count(*) FROM migrate.applied WHERE project = 'faults'}), $trials,
	'every revision is applied');
is(value(q{SELECT count(*) FROM (SELECT revision FROM migrate.events WHERE project = 'faults'
	AND direction = 'up' AND outcome = 'success' GROUP BY revision HAVING count(*) > 1) s}), '0',
	'none twice');

done_testing();
