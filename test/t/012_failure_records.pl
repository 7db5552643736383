# Copyright (c) pg_migrate contributors
#
# test/t/012_failure_records.pl
#
# Failures on the atomic path are on record.  A failed
# SELECT migrate.upgrade() rolls back with its caller's transaction, yet its
# failure row (revision, statement number, SQLSTATE, message, who, where) is
# in migrate.events afterwards, written and committed by a background
# worker; the command itself stays atomic and its error is the original
# one.  With no background worker slot free (max_worker_processes taken by
# the logical replication launcher), the command's error is unchanged and a
# WARNING says that the record is missing.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('failures');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_migrate');
$node->safe_psql(
	'postgres', q{
SELECT migrate.revision('f1', 'CREATE TABLE f1 (id int)', 'DROP TABLE f1', project => 'fr');
SELECT migrate.revision('f2', 'CREATE TABLE f2 (id int); INSERT INTO nosuch VALUES (1)',
						'DROP TABLE f2', parents => '{f1}', project => 'fr');
});

# psql with SQLSTATEs in its error output; returns (exit code, stdout, stderr)
sub run_sql
{
	my ($sql) = @_;
	my ($stdout, $stderr);
	my $rc = $node->psql(
		'postgres', $sql,
		stdout => \$stdout,
		stderr => \$stderr,
		extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
	return ($rc, $stdout, $stderr);
}

# 1. A failure inside an explicit transaction that the caller rolls back.
my ($rc, $out, $err) = run_sql(q{
BEGIN;
SET application_name = 'deploy-42';
SELECT * FROM migrate.upgrade('heads', 'fr');
ROLLBACK;
});
is($rc, 3, 'failing upgrade: psql stops at the error');
like($err, qr/ERROR:  42P01: relation "nosuch" does not exist/,
	'failing upgrade: the original error and SQLSTATE');
unlike($err, qr/WARNING/, 'failing upgrade: no warning');
is( $node->safe_psql(
		'postgres', q{
SELECT revision, direction, outcome, sqlstate, error_message, statement,
       current_user_name, session_user_name, application_name,
       backend_pid > 0, transaction_id IS NULL, started_at <= now()
  FROM migrate.events WHERE project = 'fr' ORDER BY event_id}),
	'f2|up|failure|42P01|relation "nosuch" does not exist|2|postgres|postgres|deploy-42|t|t|t',
	'failing upgrade: one failure row, committed, naming revision, statement, error, who and where');
is($node->safe_psql('postgres', q{SELECT count(*) FROM migrate.applied WHERE project = 'fr'}),
	'0', 'failing upgrade: nothing applied (the command stayed atomic)');
is($node->safe_psql('postgres', q{SELECT to_regclass('f1') IS NULL AND to_regclass('f2') IS NULL}),
	't', 'failing upgrade: no table of it survives');

# 2. Downgrade and stamp failures are recorded the same way.
$node->safe_psql('postgres', q{
SELECT migrate.revision('g1', 'CREATE TABLE g1 (id int)', 'DROP TABLE nosuch_g1', project => 'fr2');
SELECT * FROM migrate.upgrade('heads', 'fr2');
});
($rc, $out, $err) = run_sql(q{SELECT * FROM migrate.downgrade('base', 'fr2')});
like($err, qr/ERROR:  42P01: table "nosuch_g1" does not exist/, 'failing downgrade: the original error');
is( $node->safe_psql(
		'postgres', q{
SELECT revision, direction, outcome, sqlstate, statement
  FROM migrate.events WHERE project = 'fr2' ORDER BY event_id}),
	"g1|up|success||\ng1|down|failure|42P01|1",
	'failing downgrade: the failure row');

# 2b. The role's own settings cannot keep the record from being written:
# the worker connects as the session's role, whose settings it overrides.
$node->safe_psql('postgres', q{
CREATE ROLE fr_deployer LOGIN;
SELECT migrate.grant_deploy('fr_deployer', 'fr3');
ALTER ROLE fr_deployer SET default_transaction_read_only = on;
ALTER ROLE fr_deployer SET statement_timeout = '1ms';
});
{
	my ($stdout, $stderr);
	$node->psql(
		'postgres', q{
SET default_transaction_read_only = off;
SET statement_timeout = 0;
SELECT migrate.revision('h1', 'SELECT 1/0', project => 'fr3');
SELECT * FROM migrate.upgrade('heads', 'fr3');
},
		stdout => \$stdout,
		stderr => \$stderr,
		extra_params => [ '-U', 'fr_deployer', '-v', 'VERBOSITY=verbose' ]);
	like($stderr, qr/ERROR:  22012: division by zero/, 'read-only role: the original error');
	unlike($stderr, qr/WARNING/, 'read-only role: no warning');
}
is($node->safe_psql('postgres',
		q{SELECT revision, outcome, sqlstate, current_user_name FROM migrate.events WHERE project = 'fr3'}),
	'h1|failure|22012|fr_deployer',
	'read-only role: the failure row is written all the same');

# 3. Turned off (superuser setting): no row, the same error.
($rc, $out, $err) = run_sql(q{
SET pg_migrate.record_failures = off;
SELECT * FROM migrate.upgrade('heads', 'fr');
});
like($err, qr/ERROR:  42P01: relation "nosuch" does not exist/, 'record_failures off: the original error');
is($node->safe_psql('postgres', q{SELECT count(*) FROM migrate.events WHERE project = 'fr'}),
	'1', 'record_failures off: no new row');

# 4. No background worker slot: the error is unchanged, a WARNING says the
# record is missing.
$node->append_conf('postgresql.conf', "max_worker_processes = 1\n");
$node->restart;
($rc, $out, $err) = run_sql(q{SELECT * FROM migrate.upgrade('heads', 'fr')});
is($rc, 3, 'no worker slot: psql stops at the error');
like(
	$err,
	qr/WARNING:  01000: could not record the failure of revision "f2" \(project "fr"\) in migrate.events\nDETAIL:  No background worker slot is free; see max_worker_processes\.\n.*ERROR:  42P01: relation "nosuch" does not exist/s,
	'no worker slot: a WARNING, then the original error');
is($node->safe_psql('postgres', q{SELECT count(*) FROM migrate.events WHERE project = 'fr'}),
	'1', 'no worker slot: no new row');
is($node->safe_psql('postgres', q{SELECT count(*) FROM migrate.applied WHERE project = 'fr'}),
	'0', 'no worker slot: nothing applied');

# The server survived all of it.
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal/, 'no backend crashed');

$node->stop;
done_testing();
