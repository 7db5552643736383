# test/t/PgMigrateTAP.pm - helpers shared by pg_migrate's TAP tests
#
# Background psql sessions driven with IPC::Run: start one with a list of
# commands (one -c each, in one session), then pump it until it exits.
# wait_for_condition (exported on request) polls an SQL condition.

package PgMigrateTAP;

use strict;
use warnings;

use Exporter 'import';
use IPC::Run;
use Test::More;
use Time::HiRes qw(time usleep);

our @EXPORT = qw(start_psql wait_exit);
our @EXPORT_OK = qw(wait_for_condition);

# A psql in the background on $node's database postgres, running the given
# commands with ON_ERROR_STOP and SQLSTATEs in its error output.  Returns a
# hash with the IPC::Run handle (h) and the output collected so far (out,
# err).
sub start_psql
{
	my ($node, $appname, $timeout, @commands) = @_;
	my $s = { name => $appname, out => '', err => '' };
	$s->{h} = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1',
			'-v', 'VERBOSITY=verbose',
			'-d', $node->connstr('postgres') . " application_name=$appname",
			map { ('-c', $_) } @commands
		],
		'<', '/dev/null', '>', \$s->{out}, '2>', \$s->{err},
		IPC::Run::timeout($timeout));
	return $s;
}

# Pump a background psql until it exits or the deadline (a time()) passes;
# returns true when it exited.
sub wait_exit
{
	my ($s, $deadline) = @_;
	while (time < $deadline)
	{
		last unless $s->{h}->pumpable;
		eval { $s->{h}->pump_nb; 1 } or last;
		usleep(5_000);
	}
	return 0 if $s->{h}->pumpable;
	eval { $s->{h}->finish; 1 } or diag("$s->{name}: $@");
	return 1;
}

# Wait until an SQL condition is true on $node's database $db, checking it
# every 10 ms inside the server for at most 60 s (poll_query_until checks
# every 100 ms, too coarse for the crash points of 003_crash.pl).
sub wait_for_condition
{
	my ($node, $db, $condition) = @_;
	$node->safe_psql(
		$db, qq{
DO \$\$
BEGIN
	FOR i IN 1 .. 6000 LOOP
		IF ($condition) THEN
			RETURN;
		END IF;
		PERFORM pg_stat_clear_snapshot();
		PERFORM pg_sleep(0.01);
	END LOOP;
	RAISE EXCEPTION 'timed out waiting for: %', \$c\$$condition\$c\$;
END
\$\$;});
	return;
}

1;
