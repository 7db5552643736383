
# Copyright (c) pg_migrate contributors
#
# test/t/002_concurrent_deployers.pl
#
# Many application replicas deploy at once: 50 sessions run
# SELECT count(*) FROM migrate.upgrade('heads') at the same moment, round
# after round, each round with one or two freshly registered revisions:
# 20 rounds at READ COMMITTED, 20 at REPEATABLE READ, 5 at SERIALIZABLE.
#
# - READ COMMITTED: no session gets an error, exactly one session per round
#   applies the new revisions and the other 49 return zero rows.
# - REPEATABLE READ and SERIALIZABLE: a session either succeeds or gets
#   SQLSTATE 40001 (never 23505 or anything else); retrying on 40001 until
#   success leaves every revision applied exactly once.
#
# Every revision writes a row to a plain (non-unique) log table and creates
# or alters a table, so a double application would show up as a second log
# row or as an error (42P07, 42701) in some session.  The CREATE revision
# sleeps 0.1 s while it holds the mutex, so the other sessions really queue
# behind it.
#
# The 50 psql processes stay connected for the whole test.  A round starts
# all of them at the same moment: each first waits for a shared advisory
# lock that a gate session holds, and the gate is released only once all 50
# are queued behind it.  Every wait is bounded, so a hang fails the test
# instead of blocking CI.

use strict;
use warnings;

use IPC::Run;
use Time::HiRes qw(time usleep);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $NSESSIONS     = 50;
my $ROUND_TIMEOUT = 120;	# seconds for one round (all tries) to finish
my $MAX_TRIES     = 30;		# tries per session and round at RR/SERIALIZABLE
my $GATE_KEY      = 4242;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', qq{
max_connections = 80
log_statement = none
log_min_messages = warning
});
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION pg_migrate;
-- one row per execution of a revision's up script; no unique key, so a
-- second execution leaves a second row
CREATE TABLE applied_log (revision text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid());
-- every ALTER revision adds a column here: running one twice fails (42701)
CREATE TABLE shared (id int);
});

# ---------------------------------------------------------------------------
# Background psql sessions driven through IPC::Run, many at a time.

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
			'-d', $node->connstr('postgres') . " application_name=$name",
			'-f', '-'
		],
		'<', \$s->{in}, '>', \$s->{out}, '2>', \$s->{err});
	return $s;
}

sub pump_all
{
	my (@sessions) = @_;
	foreach my $s (@sessions)
	{
		next unless $s->{h}->pumpable;
		eval { $s->{h}->pump_nb; 1 }
		  or diag("pump of $s->{name} failed: $@");
	}
}

# Pump until every session's stdout has a line matching its pattern (a
# regexp built by $want->($session)), or until the deadline.  Returns the
# sessions that did not get there.
sub wait_sessions
{
	my ($sessions, $want, $deadline) = @_;
	my @pending = @$sessions;
	while (1)
	{
		pump_all(@pending);
		@pending = grep { $_->{out} !~ $want->($_) } @pending;
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
foreach my $s (@deployers)
{
	$s->{in} .= "\\echo 'READY'\n";
}
my @stuck = wait_sessions(\@deployers, sub { qr/^READY\n/m }, time + 60);
is(scalar(@stuck), 0, "$NSESSIONS deployer sessions connected")
  or die "deployers did not connect:\n" . describe_stuck(@stuck);
$_->{out} = '' for @deployers;

# The gate: a session that holds an exclusive advisory lock while the
# deployers queue for a shared one.
my $gate = $node->background_psql('postgres', timeout => 60);
$gate->set_query_timer_restart();

# Set the isolation level in every deployer session, and check it.
sub set_isolation
{
	my ($level) = @_;
	foreach my $s (@deployers)
	{
		$s->{in} .= "SET default_transaction_isolation = '$level';\n"
		  . "SELECT current_setting('transaction_isolation') AS iso \\gset\n"
		  . "\\echo 'ISO' :iso\n";
	}
	my @stuck = wait_sessions(\@deployers, sub { qr/^ISO .*\n/m }, time + 60);
	die "sessions did not answer:\n" . describe_stuck(@stuck) if @stuck;
	my %seen;
	foreach my $s (@deployers)
	{
		my ($iso) = $s->{out} =~ /^ISO (.*)\n/m;
		$seen{$iso}++;
		$s->{out} = '';
		$s->{err} = '';
	}
	is_deeply(\%seen, { $level => $NSESSIONS },
		"all $NSESSIONS sessions run at $level");
}

# ---------------------------------------------------------------------------
# Registration: one or two new revisions per round, in one line of history.

my $previous;    # the current head
my @all_revisions;

sub register_round
{
	my ($tag, $round) = @_;
	my @ids = ("${tag}_create");
	my $sql = sprintf(
		q{SELECT migrate.revision(id => '%s', parents => %s, message => 'round %s',
			up => $up$CREATE TABLE round_%s (id int PRIMARY KEY);
SELECT pg_sleep(0.1);
INSERT INTO applied_log (revision) VALUES ('%s');$up$,
			down => 'DROP TABLE round_%s');},
		$ids[0], defined $previous ? "ARRAY['$previous']" : "'{}'",
		$tag, $tag, $ids[0], $tag);
	# every other round also alters the new table and a shared one
	if ($round % 2 == 0)
	{
		push @ids, "${tag}_alter";
		$sql .= sprintf(
			q{SELECT migrate.revision(id => '%s', parents => ARRAY['%s'], message => 'round %s alter',
			up => $up$ALTER TABLE round_%s ADD COLUMN note text NOT NULL DEFAULT '';
ALTER TABLE shared ADD COLUMN col_%s int;
INSERT INTO applied_log (revision) VALUES ('%s');$up$,
			down => 'ALTER TABLE shared DROP COLUMN col_%s; ALTER TABLE round_%s DROP COLUMN note');},
			$ids[1], $ids[0], $tag, $tag, $tag, $ids[1], $tag, $tag);
	}
	$node->safe_psql('postgres', $sql);
	$previous = $ids[-1];
	push @all_revisions, @ids;
	return @ids;
}

# ---------------------------------------------------------------------------
# One round: register, queue all sessions behind the gate, open it, collect.
# At REPEATABLE READ / SERIALIZABLE a session that got 40001 runs the
# upgrade again (no gate), until it succeeds.

my %round_stats;

sub run_round
{
	my ($tag, $round, $level) = @_;
	my @ids       = register_round($tag, $round);
	my $nnew      = scalar @ids;
	my $deadline  = time + $ROUND_TIMEOUT;
	my $retryable = $level ne 'read committed';

	$gate->query_safe("SELECT pg_advisory_lock($GATE_KEY)");

	my $upgrade = sub {
		my ($try) = @_;
		return "\\unset n\n"
		  . "SELECT count(*) AS n FROM migrate.upgrade('heads') \\gset\n"
		  . "\\echo 'RESULT $tag $try' :SQLSTATE :n\n";
	};
	foreach my $s (@deployers)
	{
		$s->{in} .= "SELECT pg_advisory_xact_lock_shared($GATE_KEY) AS gate \\gset\n"
		  . $upgrade->(1);
	}

	# wait until every session waits at the gate
	my $queued = 0;
	while (time < $deadline)
	{
		pump_all(@deployers);
		$queued = $gate->query_safe(
			"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
			  . "AND objid = $GATE_KEY AND NOT granted");
		last if $queued == $NSESSIONS;
		usleep(20_000);
	}
	is($queued, $NSESSIONS, "$tag: all sessions queued at the gate")
	  or die "sessions did not reach the gate";
	$gate->query_safe("SELECT pg_advisory_unlock($GATE_KEY)");

	# while the first session runs the revisions, the others wait
	my $waiting = $gate->query_safe(
		"SELECT count(*) FROM migrate.progress() WHERE state = 'waiting'");
	$round_stats{$level}{max_waiting} = $waiting
	  if $waiting > ($round_stats{$level}{max_waiting} // 0);

	my (%applied_by, @failures, @bad, $try);
	my $sum = 0;
	my @todo = @deployers;
	for ($try = 1; @todo && $try <= $MAX_TRIES; $try++)
	{
		if ($try > 1)
		{
			$_->{in} .= $upgrade->($try) for @todo;
		}
		my $want = qr/^RESULT \Q$tag\E $try (.*)\n/m;
		my @stuck = wait_sessions(\@todo, sub { $want }, $deadline);
		if (@stuck)
		{
			fail("$tag: try $try finished in time");
			diag(describe_stuck(@stuck));
			die "a round did not finish within $ROUND_TIMEOUT s";
		}
		my @again;
		foreach my $s (@todo)
		{
			my ($result) = $s->{out} =~ $want;
			my ($sqlstate, $n) = split / /, $result;
			# the error as psql printed it (VERBOSITY verbose: "ERROR:  40001: ...")
			my @errors = $s->{err} =~ /ERROR:  ([0-9A-Z]{5}): ([^\n]*)/g;
			if ($sqlstate eq '00000')
			{
				push @bad, "$s->{name}: succeeded but printed an error: $s->{err}"
				  if $s->{err} =~ /ERROR/;
				$sum += $n;
				$applied_by{ $s->{name} } = $n if $n > 0;
			}
			else
			{
				push @failures, $sqlstate;
				push @bad, "$s->{name}: $sqlstate, stderr: $s->{err}"
				  unless $retryable
				  && $sqlstate eq '40001'
				  && @errors == 2
				  && $errors[0] eq '40001';
				push @again, $s if $retryable;
			}
			$s->{out} = '';
			$s->{err} = '';
		}
		@todo = @again;
	}
	$round_stats{$level}{tries} += $try - 1;
	$round_stats{$level}{failures} += scalar @failures;

	is(join("\n", @bad), '', "$tag ($level): no error other than 40001 retries")
	  if $retryable;
	is(join("\n", @bad), '', "$tag ($level): no session got an error")
	  unless $retryable;
	is(scalar @todo, 0, "$tag ($level): every session succeeded in the end");
	is($sum, $nnew, "$tag ($level): the counts add up to $nnew new revisions");
	is(scalar(keys %applied_by), 1, "$tag ($level): exactly one session applied them");

	# the database agrees: each revision ran once, by that one session
	my ($who) = keys %applied_by;
	$who //= '(nobody)';
	is( $node->safe_psql(
			'postgres', qq{
SELECT string_agg(e.revision || ' ' || e.direction || ' ' || e.outcome || ' '
				  || e.application_name || ' ' || l.n, ', ' ORDER BY e.event_id)
FROM migrate.events e
JOIN (SELECT revision, count(*) AS n FROM applied_log GROUP BY 1) l USING (revision)
WHERE e.revision LIKE '${tag}\\_%'}),
		join(', ', map { "$_ up success $who 1" } @ids),
		"$tag ($level): one event and one execution per revision, by $who");
}

# ---------------------------------------------------------------------------

my $round = 0;

set_isolation('read committed');
for my $i (1 .. 20)
{
	$round++;
	run_round(sprintf('rc%02d', $i), $round, 'read committed');
}

set_isolation('repeatable read');
for my $i (1 .. 20)
{
	$round++;
	run_round(sprintf('rr%02d', $i), $round, 'repeatable read');
}

set_isolation('serializable');
for my $i (1 .. 5)
{
	$round++;
	run_round(sprintf('sr%02d', $i), $round, 'serializable');
}

foreach my $level (sort keys %round_stats)
{
	note(
		sprintf('%s: %d failed tries (40001), %d tries in all, up to %d sessions seen waiting',
			$level, $round_stats{$level}{failures}, $round_stats{$level}{tries},
			$round_stats{$level}{max_waiting} // 0));
	ok($round_stats{$level}{max_waiting} > 0,
		"$level: sessions were seen waiting for the mutex");
}
ok($round_stats{'repeatable read'}{failures} > 0,
	'repeatable read: some sessions got 40001 and retried');

# ---------------------------------------------------------------------------
# Everything is applied exactly once.

my $total = scalar @all_revisions;

is( $node->safe_psql(
		'postgres',
		q{SELECT revision, count(*) FROM migrate.events GROUP BY 1 HAVING count(*) <> 1}),
	'',
	'every revision has exactly one event');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FILTER (WHERE direction = 'up' AND outcome = 'success')
	   || ' ' || count(*) || ' ' || count(DISTINCT revision)
FROM migrate.events}),
	"$total $total $total",
	"$total events, all successful 'up' events of distinct revisions");
is( $node->safe_psql(
		'postgres',
		q{SELECT revision, count(*) FROM applied_log GROUP BY 1 HAVING count(*) <> 1}),
	'',
	'every up script ran exactly once');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(revision, ',' ORDER BY revision) FROM applied_log}),
	join(',', sort @all_revisions),
	'the log has every revision');
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(revision, ',' ORDER BY revision) FROM migrate.applied}),
	join(',', sort @all_revisions),
	'every revision is applied');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_class
WHERE relkind = 'r' AND relname LIKE 'round\_%' AND relnamespace = 'public'::regnamespace}),
	$round,
	"$round round tables exist");
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_attribute
WHERE attrelid = 'shared'::regclass AND attname LIKE 'col\_%' AND NOT attisdropped}),
	int($round / 2),
	'the shared table got one column per ALTER revision');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(c, ',') FROM migrate.current() AS c}),
	$previous, 'current is the last revision');
is($node->safe_psql('postgres', 'SELECT migrate.is_up_to_date()'),
	't', 'up to date');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_locks
WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass}),
	'0', 'nobody holds the mutex');

# ---------------------------------------------------------------------------

foreach my $s (@deployers)
{
	$s->{in} .= "\\q\n";
}
foreach my $s (@deployers)
{
	eval { $s->{h}->finish; 1 } or diag("finish $s->{name}: $@");
}
$gate->quit;
$node->stop;

done_testing();
