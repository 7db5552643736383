# Copyright (c) pg_migrate contributors
#
# test/t/027_fleet.pl
#
# pg_migrate fleet (client/cmd_fleet.c): one command run against many
# databases, each target a child process of the client.
#
#  1. 20 databases, one of them failing the second of three revisions:
#     fleet --targets FILE -j 4 upgrade --dir D reports 19 ok at the head
#     and the one failure with its error (exit 1); the 19 really are at the
#     head; progress lines on stderr; the failed target's stderr after the
#     table
#  2. --json: its shape
#  3. --canary 1 with the failing target first: only it ran
#  4. --stop-on-error -j 1: nothing started after the failure
#  5. --projects 'tenant_*': exactly the two matching projects;
#     --service-group 'prod-*' over a PGSERVICEFILE
#  6. refusals: a bad targets line (exit 5, naming the line), a command
#     fleet does not run, fleet's options on other commands (exit 2)
#  7. SIGINT to the fleet's process group (as Ctrl-C sends it): the running
#     children are interrupted, the rest skipped, the report printed, 130
#
# The client is the one built in the tree under test ($TESTDIR) when there
# is one, else the one on PATH.

use strict;
use warnings;

use Cwd;
use File::Temp;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $client =
  defined $ENV{TESTDIR} && -x "$ENV{TESTDIR}/client/pg_migrate"
  ? "$ENV{TESTDIR}/client/pg_migrate"
  : 'pg_migrate';
note "client: $client";

my $node = PostgreSQL::Test::Cluster->new('fleet');
$node->init;
$node->append_conf('postgresql.conf', "max_connections = 100\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE tmpl');
$node->safe_psql('tmpl', 'CREATE EXTENSION pg_migrate');
my @dbs = map { sprintf 'fleet_%02d', $_ } 1 .. 20;
$node->safe_psql('postgres', "CREATE DATABASE $_ TEMPLATE tmpl") for @dbs;
# the second revision creates t2, which fleet_07 already has
$node->safe_psql('fleet_07', 'CREATE TABLE t2 (id int)');

my $dir = File::Temp::tempdir(CLEANUP => 1);
chdir $dir or die "chdir $dir: $!";
mkdir 'm';
wfile('m/001_r1.sql', mig(id => 'r1', up => 'CREATE TABLE t1 (id int);', down => 'DROP TABLE t1;'));
wfile('m/002_r2.sql', mig(id => 'r2', parents => 'r1', up => 'CREATE TABLE t2 (id int);', down => 'DROP TABLE t2;'));
wfile('m/003_r3.sql', mig(id => 'r3', parents => 'r2', up => 'CREATE TABLE t3 (id int);', down => 'DROP TABLE t3;'));

my ($host, $port) = ($node->host, $node->port);
sub ci { return "host=$host port=$port dbname=$_[0]"; }

# Run the client; returns (exit status, stdout, stderr).
sub fleet
{
	my @args = @_;
	local $ENV{PGHOST} = $host;
	local $ENV{PGPORT} = $port;
	local $ENV{PGDATABASE} = 'postgres';
	my ($out, $err) = ('', '');
	IPC::Run::run([ $client, @args ], '<', \'', '>', \$out, '2>', \$err,
		IPC::Run::timeout(60));
	return ($? >> 8, $out, $err);
}

# The rows of the table on stdout (up to the first empty line), as
# { target => [result, current, duration, error] }.
sub table_rows
{
	my ($out) = @_;
	my ($table) = split /\n\n/, $out, 2;
	my @lines = split /\n/, $table;
	my $header = shift @lines;
	my @cols = ($header =~ /^(target\s+)(result\s+)(current\s+)(duration\s+)error$/);
	my @w = map { length } @cols;
	my %rows;
	foreach my $l (@lines)
	{
		my @f;
		my $pos = 0;
		foreach my $w (@w)
		{
			push @f, $pos < length $l ? substr($l, $pos, $w) : '';
			$pos += $w;
		}
		push @f, $pos < length $l ? substr($l, $pos) : '';
		s/\s+$// for @f;
		my $target = shift @f;
		$rows{$target} = [@f];
	}
	return \%rows;
}

# ---- 1. 20 databases, one failing ----
{
	my $t = "# the fleet\n\n";
	foreach my $db (@dbs)
	{
		# both forms of a line: NAME = CONNINFO, and a connection string or
		# URI alone (named after its database)
		if ($db eq 'fleet_03')
		{
			$t .= "fleet_03 = " . ci($db) . "\n";
		}
		elsif ($db eq 'fleet_04')
		{
			$t .= "postgresql:///$db?host=" . ($host =~ s{/}{%2F}gr) . "&port=$port\n";
		}
		else
		{
			$t .= ci($db) . "\n";
		}
	}
	wfile('targets.txt', $t);
}

my $t0 = time;
my ($rc, $out, $err) = fleet('fleet', '--targets', 'targets.txt', '-j', '4', 'upgrade', '--dir', 'm');
is($rc, 1, 'upgrade with one failing target: exit 1');
note "stdout:\n$out\nstderr:\n$err";
my $rows = table_rows($out);
is(scalar(keys %$rows), 20, 'table: 20 targets');
my @ok = grep { $rows->{$_}[0] eq 'ok' } sort keys %$rows;
is(scalar @ok, 19, 'table: 19 ok');
is_deeply([ grep { $rows->{$_}[1] ne 'r3' } @ok ], [], 'table: the 19 are at r3');
is($rows->{fleet_07}[0], 'failed', 'table: fleet_07 failed');
like($rows->{fleet_07}[3], qr/relation "t2" already exists/, 'table: its error');
unlike($rows->{fleet_07}[3], qr/pg_migrate: error:/, 'table: the error without its prefix');
is($rows->{fleet_07}[1], '', 'table: no current for a failed target');
like($rows->{fleet_01}[2], qr/^\d+\.\d s$/, 'table: a duration');
like($out, qr/\n--- fleet_07: failed \(exit status \d+\) ---\npg_migrate: error: .*relation "t2" already exists/,
	'the failed target\'s stderr after the table');
my @progress = ($err =~ /^fleet: \[(\d+)\/20\] (\S+): (ok|failed) \(\d+\.\d s\)$/mg);
is(scalar(@progress), 60, 'a progress line per target on stderr (not a terminal)');
foreach my $db (@dbs)
{
	next if $db eq 'fleet_07';
	is($node->safe_psql($db, 'SELECT string_agg(c, \',\') FROM migrate.current() c'),
		'r3', "$db is at the head");
}
is($node->safe_psql('fleet_07', 'SELECT count(*) FROM migrate.current()'), '0',
	'fleet_07 has nothing applied (the upgrade rolled back)');

# ---- 2. --json ----
($rc, $out, $err) = fleet('fleet', '--json', '--targets', 'targets.txt', 'upgrade', '--dir', 'm');
is($rc, 1, '--json: exit 1');
my $j = eval { decode_json($out) };
ok($j, '--json: stdout is one JSON object') or diag $out;
is_deeply([ sort keys %$j ], [qw(ok targets)], '--json: keys');
ok(!$j->{ok}, '--json: ok false');
is(scalar @{ $j->{targets} }, 20, '--json: 20 targets');
is_deeply([ sort keys %{ $j->{targets}[0] } ],
	[qw(current duration_s error exit_status name result)], '--json: target keys');
my ($j7) = grep { $_->{name} eq 'fleet_07' } @{ $j->{targets} };
is($j7->{result}, 'failed', '--json: fleet_07 failed');
ok($j7->{exit_status} > 0, '--json: its exit status');
like($j7->{error}, qr/^relation "t2" already exists/, '--json: its error');
is($j7->{current}, undef, '--json: its current null');
my ($j1) = grep { $_->{name} eq 'fleet_01' } @{ $j->{targets} };
is_deeply([ $j1->{result}, $j1->{current}, $j1->{exit_status}, $j1->{error} ],
	[ 'ok', 'r3', 0, undef ], '--json: an ok target');
ok($j1->{duration_s} >= 0, '--json: a duration');

# ---- 3. --canary 1 with the failing target first ----
wfile('canary.txt', join('', map { ci($_) . "\n" } qw(fleet_07 fleet_08 fleet_09 fleet_10)));
($rc, $out, $err) = fleet('fleet', '--targets', 'canary.txt', '--canary', '1', '--json', 'upgrade', '--dir', 'm');
is($rc, 1, '--canary: exit 1');
$j = decode_json($out);
is_deeply([ map { "$_->{name}:$_->{result}" } @{ $j->{targets} } ],
	[qw(fleet_07:failed fleet_08:skipped fleet_09:skipped fleet_10:skipped)],
	'--canary: the canary failed, the rest skipped');
is_deeply([ $err =~ /^fleet: \[\d+\/4\] (\S+):/mg ], ['fleet_07'], '--canary: only the canary ran');
my ($j8) = grep { $_->{name} eq 'fleet_08' } @{ $j->{targets} };
is_deeply([ $j8->{exit_status}, $j8->{duration_s}, $j8->{error} ], [ undef, undef, undef ],
	'--canary: a skipped target has no status');

# a canary that succeeds lets the rest run
wfile('canary2.txt', join('', map { ci($_) . "\n" } qw(fleet_08 fleet_09 fleet_10)));
($rc, $out, $err) = fleet('fleet', '--targets', 'canary2.txt', '--canary', '1', 'upgrade', '--dir', 'm');
is($rc, 0, '--canary: all ok, exit 0');

# ---- 4. --stop-on-error -j 1 ----
wfile('stop.txt', join('', map { ci($_) . "\n" } qw(fleet_01 fleet_07 fleet_02 fleet_03)));
($rc, $out, $err) = fleet('fleet', '--targets', 'stop.txt', '--stop-on-error', '-j', '1', 'upgrade', '--dir', 'm');
is($rc, 1, '--stop-on-error: exit 1');
$rows = table_rows($out);
is_deeply({ map { $_ => $rows->{$_}[0] } keys %$rows },
	{ fleet_01 => 'ok', fleet_07 => 'failed', fleet_02 => 'skipped', fleet_03 => 'skipped' },
	'--stop-on-error: nothing started after the failure');

# ---- 5. --projects ----
$node->safe_psql('fleet_01', q{
	SELECT migrate.revision('a1', 'CREATE TABLE ta (id int)', project => 'tenant_a');
	SELECT migrate.revision('b1', 'CREATE TABLE tb (id int)', project => 'tenant_b');
	SELECT migrate.revision('o1', 'CREATE TABLE tother (id int)', project => 'other');
});
($rc, $out, $err) = fleet('-d', 'fleet_01', 'fleet', '--projects', 'tenant_*', 'status', '--check');
is($rc, 1, '--projects status --check, not up to date: exit 1');
$rows = table_rows($out);
is_deeply({ map { $_ => $rows->{$_}[0] } keys %$rows },
	{ tenant_a => 'failed', tenant_b => 'failed' }, '--projects: exactly the two projects ran');
($rc, $out, $err) = fleet('-d', 'fleet_01', 'fleet', '--projects', 'tenant_*', 'upgrade');
is($rc, 0, '--projects upgrade: exit 0');
$rows = table_rows($out);
is_deeply($rows->{tenant_a}[0] . ' ' . $rows->{tenant_a}[1] . ' ' . $rows->{tenant_b}[1],
	'ok a1 b1', '--projects: each at its own head');
($rc, $out, $err) = fleet('-d', 'fleet_01', 'fleet', '--projects', 'tenant_*', '--json', 'status', '--check');
is($rc, 0, '--projects status --check, up to date: exit 0');
$j = decode_json($out);
is_deeply([ map { "$_->{name}:$_->{result}" } @{ $j->{targets} } ],
	[qw(tenant_a:ok tenant_b:ok)], '--projects: tenant_a and tenant_b, not other');
is($node->safe_psql('fleet_01', q{SELECT count(*) FROM migrate.current('other')}), '0',
	'--projects: other untouched');
($rc, $out, $err) = fleet('-d', 'fleet_01', 'fleet', '--projects', 'nothing_*', 'status', '--check');
is($rc, 2, '--projects matching nothing: usage error');
like($err, qr/no target matched/, '--projects matching nothing: message');

# ---- 5b. --service-group ----
wfile('services.conf', "# services\n[prod-a]\nhost=$host\nport=$port\ndbname=fleet_01\n\n"
	  . "[prod-b]\nhost=$host\nport=$port\ndbname=fleet_02\n\n[staging]\nhost=$host\nport=$port\ndbname=fleet_07\n");
{
	local $ENV{PGSERVICEFILE} = "$dir/services.conf";
	local $ENV{PGSYSCONFDIR} = "$dir/nonexistent";
	($rc, $out, $err) = fleet('fleet', '--service-group', 'prod-*', '--json', 'status', '--check');
}
is($rc, 0, '--service-group: exit 0');
$j = decode_json($out);
is_deeply([ map { "$_->{name}:$_->{result}:" . ($_->{current} // '') } @{ $j->{targets} } ],
	[qw(prod-a:ok:r3 prod-b:ok:r3)], '--service-group: the two matching services, not staging');

# ---- 6. refusals ----
wfile('bad.txt', "# c\n" . ci('fleet_01') . "\nthis is not a conninfo\n");
($rc, $out, $err) = fleet('fleet', '--targets', 'bad.txt', 'upgrade', '--dir', 'm');
is($rc, 5, 'a bad targets line: exit 5');
like($err, qr/^pg_migrate: error: bad\.txt:3: not a connection string/, 'a bad targets line: named');
is($out, '', 'a bad targets line: nothing ran');
is($node->safe_psql('fleet_01', 'SELECT count(*) FROM migrate.projects'), '4', 'nothing ran');

($rc, $out, $err) = fleet('fleet', '--targets', 'targets.txt', 'stamp', 'r1');
is($rc, 2, 'a command fleet does not run: exit 2');
like($err, qr/fleet runs upgrade, status --check, check, push, downgrade or verify, not "stamp"/,
	'a command fleet does not run: message');
($rc, $out, $err) = fleet('fleet', '--targets', 'targets.txt', 'frobnicate');
is($rc, 2, 'an unknown command: exit 2');
($rc, $out, $err) = fleet('--canary', '1', 'upgrade', '--dir', 'm');
is($rc, 2, '--canary on another command: exit 2');
like($err, qr/apply to fleet only/, '--canary on another command: message');
($rc, $out, $err) = fleet('fleet', '--targets', 'targets.txt', '--projects', 'x', 'upgrade');
is($rc, 2, 'two target sources: exit 2');
($rc, $out, $err) = fleet('fleet', 'upgrade');
is($rc, 2, 'no target source: exit 2');

# ---- 7. Ctrl-C: the children get SIGINT too, the fleet waits and reports ----
mkdir 's';
wfile('s/001_slow.sql', mig(id => 'slow1', up => 'SELECT pg_sleep(30);'));
wfile('slow.txt', join('', map { ci($_) . "\n" } qw(fleet_11 fleet_12 fleet_13 fleet_14)));
{
	local $ENV{PGHOST} = $host;
	local $ENV{PGPORT} = $port;
	my ($sout, $serr) = ('', '');
	# a session of its own (setsid), so that the signal can go to the
	# fleet's process group as a terminal's Ctrl-C does
	my $h = IPC::Run::start([ 'setsid', $client, 'fleet', '--targets', 'slow.txt', '-j', '2', '--json',
			'upgrade', '--project', 'slow', '--dir', 's' ],
		'<', \'', '>', \$sout, '2>', \$serr, IPC::Run::timeout(60));
	my $pid = $h->{KIDS}[0]{PID};
	# wait until both children are in pg_sleep
	my $sleeping = 0;
	foreach (1 .. 100)
	{
		$sleeping = $node->safe_psql('postgres',
			q{SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'});
		last if $sleeping == 2 || !$h->pumpable;
		select undef, undef, undef, 0.1;
	}
	is($sleeping, 2, 'SIGINT: two targets running') or diag "stdout: $sout\nstderr: $serr";
	my $t1 = time;
	kill 'INT', -$pid;
	$h->finish;
	my $src = $? >> 8;
	cmp_ok(time - $t1, '<', 20, 'SIGINT: the fleet ended without waiting for the sleeps');
	is($src, 130, 'SIGINT: exit 130');
	my $sj = eval { decode_json($sout) };
	ok($sj, 'SIGINT: the report is printed') or diag "stdout: $sout\nstderr: $serr";
	is_deeply([ map { $_->{result} } @{ $sj->{targets} } ], [qw(failed failed skipped skipped)],
		'SIGINT: the running ones failed, the others skipped');
	like($serr, qr/fleet interrupted by signal 2/, 'SIGINT: said');
	is($node->safe_psql('fleet_11', q{SELECT count(*) FROM migrate.current('slow')}), '0',
		'SIGINT: nothing of the interrupted upgrade stays');
}

cmp_ok(time - $t0, '<', 60, 'the fleet runs took under a minute');

chdir '/';
done_testing();
