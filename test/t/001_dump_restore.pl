
# Copyright (c) pg_migrate contributors
#
# test/t/001_dump_restore.pl
#
# The extension's catalog is dumped with the database
# (pg_extension_config_dump): after pg_dump + pg_restore into a new
# database, the revision graph, the version state and the audit trail are
# the same, and upgrading the restored database applies only what was
# pending before the dump.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION pg_migrate');

# Three revisions in a line, registered by separate calls.
$node->safe_psql(
	'src', q{
SELECT migrate.revision(id => 'rev_one', parents => '{}', message => 'first',
	up => 'CREATE TABLE t1 (id int PRIMARY KEY);',
	down => 'DROP TABLE t1;');
SELECT migrate.revision(id => 'rev_two', parents => ARRAY['rev_one'], message => 'second',
	up => 'CREATE TABLE t2 (id int PRIMARY KEY, t1_id int REFERENCES t1);',
	down => 'DROP TABLE t2;');
SELECT migrate.revision(id => 'rev_three', parents => ARRAY['rev_two'], message => 'third',
	up => 'CREATE TABLE t3 (id int PRIMARY KEY, note text NOT NULL);',
	down => 'DROP TABLE t3;');
});

is( $node->safe_psql(
		'src',
		q{SELECT string_agg(revision || ':' || direction, ',' ORDER BY step)
		  FROM migrate.upgrade('rev_two')}),
	'rev_one:up,rev_two:up',
	'upgrade to the second revision applies two revisions');

# Some data in the migrated tables, so the dump carries user rows too.
$node->safe_psql('src',
	'INSERT INTO t1 VALUES (1), (2); INSERT INTO t2 VALUES (10, 1)');

# Everything compared is printed with a fixed order so that is() can
# compare the text exactly.
my %queries = (
	current =>
	  q{SELECT string_agg(c, ',' ORDER BY c) FROM migrate.current() AS c},
	status => q{SELECT revision, message, state, applied_at, applied_by,
					   is_head, is_current
				FROM migrate.status()},
	events =>
	  q{SELECT count(*) FROM migrate.events},
	event_rows => q{SELECT event_id, project, revision, direction, outcome,
						   started_at, current_user_name
					FROM migrate.events ORDER BY event_id},
	revisions => q{SELECT id, parents, message, checksum
				   FROM migrate.revisions ORDER BY seq},
	user_data =>
	  q{SELECT (SELECT count(*) FROM t1) || '/' || (SELECT count(*) FROM t2)});

my %before;
$before{$_} = $node->safe_psql('src', $queries{$_}) for keys %queries;

is($before{current}, 'rev_two', 'source: current is the second revision');
is($before{events}, '2', 'source: two events recorded');

my $dumpfile = $node->basedir . '/src.dump';
$node->command_ok(
	[ 'pg_dump', '--format=custom', '--file', $dumpfile, '--dbname', $node->connstr('src') ],
	'pg_dump of the source database');

$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(
	[
		'pg_restore', '--exit-on-error', '--dbname', $node->connstr('restored'),
		$dumpfile
	],
	'pg_restore into a new database');

foreach my $name (sort keys %queries)
{
	is($node->safe_psql('restored', $queries{$name}),
		$before{$name}, "restored: $name identical to the source");
}

# The restored database knows what was applied: only the third revision is
# pending.
is( $node->safe_psql(
		'restored',
		q{SELECT string_agg(revision || ':' || direction, ',' ORDER BY step)
		  FROM migrate.upgrade('heads')}),
	'rev_three:up',
	'restored: upgrade(heads) applies only the third revision');
is($node->safe_psql('restored', q{SELECT to_regclass('t3') IS NOT NULL}),
	't', 'restored: the third revision created its table');
is( $node->safe_psql(
		'restored',
		q{SELECT string_agg(c, ',' ORDER BY c) FROM migrate.current() AS c}),
	'rev_three',
	'restored: current is the third revision');
is($node->safe_psql('restored', q{SELECT count(*) FROM migrate.events}),
	'3', 'restored: the new event follows the restored ones');

# The source database is untouched by what happened in the copy.
is( $node->safe_psql(
		'src', q{SELECT string_agg(c, ',' ORDER BY c) FROM migrate.current() AS c}),
	'rev_two',
	'source: still at the second revision');

$node->stop;

done_testing();
