# Copyright (c) pg_migrate contributors
#
# test/t/019_restore_points.pl
#
# pg_migrate.restore_points: a named restore point before each revision of
# CALL migrate.apply() and before each atomic command, its LSN in the
# events (restore_lsn), and a point-in-time recovery to just before a
# revision with recovery_target_name, from a base backup and the WAL
# archive of the test cluster.  A role that may not create restore points
# gets one WARNING per command and its migration goes on.

use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('primary');
$node->init(has_archiving => 1, allows_streaming => 1);
$node->append_conf('postgresql.conf', 'pg_migrate.on_drift = ignore');
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_migrate');
$node->backup('before');

sub query { return $node->safe_psql('postgres', $_[0]); }

query(q{
SELECT migrate.revision('r1', 'CREATE TABLE r1 (x int)', 'DROP TABLE r1');
SELECT migrate.revision('r2', 'CREATE TABLE r2 (x int)', 'DROP TABLE r2', '{r1}');
SELECT migrate.revision('r3', 'CREATE TABLE r3 (x int)', 'DROP TABLE r3', '{r2}');
});

# apply(): one restore point per revision
my ($ret, $out, $err) = $node->psql('postgres', q{
SET pg_migrate.restore_points = on;
CALL migrate.apply('r2');});
is($ret, 0, 'apply() with restore points') or diag($err);
is(query(q{SELECT string_agg(revision || ':' || (restore_lsn IS NOT NULL), ',' ORDER BY event_id)
	FROM migrate.events WHERE direction = 'up'}), 'r1:true,r2:true',
	'each revision of apply() has its restore point in the events');
ok(query(q{SELECT bool_and(restore_lsn < wal_lsn) FROM migrate.events}) eq 't',
	'... before the revision\'s own change');

# the atomic path: one per command, named after its first revision
($ret, $out, $err) = $node->psql('postgres', q{
SET pg_migrate.restore_points = on;
SELECT count(*) FROM migrate.upgrade('heads');});
is($ret, 0, 'upgrade() with restore points') or diag($err);
is(query(q{SELECT restore_lsn IS NOT NULL FROM migrate.events WHERE revision = 'r3'}), 't',
	'the atomic command has its restore point');

# without the privilege: a WARNING, and the migration goes on
query(q{
CREATE ROLE deployer LOGIN;
SELECT migrate.grant_deploy('deployer', NULL);
GRANT CREATE ON SCHEMA public TO deployer;
SELECT migrate.revision('r4', 'CREATE TABLE r4 (x int)', 'DROP TABLE r4', '{r3}');
SELECT migrate.revision('r5', 'CREATE TABLE r5 (x int)', 'DROP TABLE r5', '{r4}');
});
($ret, $out, $err) = $node->psql('postgres', q{
SET pg_migrate.restore_points = on;
CALL migrate.apply('heads');},
	connstr => $node->connstr('postgres') . ' user=deployer');
is($ret, 0, 'a deploy role without the privilege still migrates') or diag($err);
my @warnings = $err =~ /WARNING:  no restore point was created/g;
is(scalar @warnings, 1, 'with one WARNING for the command');
like($err, qr/DETAIL:  Role "deployer" may not execute pg_create_restore_point\(\)\./, '... saying why');
is(query(q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'r5', 'r4 and r5 applied');

# point-in-time recovery to just before r2
query(q{SELECT pg_switch_wal()});
$node->poll_query_until('postgres',
	q{SELECT last_archived_wal IS NOT NULL AND last_archived_wal >= (SELECT pg_walfile_name(restore_lsn) FROM migrate.events WHERE revision = 'r2' AND direction = 'up')
	  FROM pg_stat_archiver})
  or die 'the WAL with the restore point was not archived';
my $restored = PostgreSQL::Test::Cluster->new('restored');
$restored->init_from_backup($node, 'before', has_restoring => 1);
$restored->append_conf('postgresql.conf', qq{
recovery_target_name = 'pg_migrate:default:r2'
recovery_target_action = 'promote'
});
$restored->start;
$restored->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()')
  or die 'the restored cluster did not finish recovery';
is($restored->safe_psql('postgres', q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'r1',
	'recovered to just before r2: r1 is applied');
is($restored->safe_psql('postgres', q{SELECT to_regclass('r1') IS NOT NULL, to_regclass('r2') IS NULL}),
	't|t', 'r1\'s table exists, r2\'s does not');
$restored->stop;
$node->stop;

done_testing();
