
# Copyright (c) pg_migrate contributors
#
# test/t/005_standby.pl
#
# On a streaming hot standby, the read-only functions work and show the
# primary's state; every state-changing function fails with SQLSTATE 25006
# and "cannot run migrate.<name>() on a server in recovery", before doing
# anything.  After a further upgrade on the primary, the standby shows it.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->backup('backup');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;

$primary->safe_psql('postgres', 'CREATE EXTENSION pg_migrate');

# A branch (two heads, so that merge() has something to merge) and a line.
$primary->safe_psql(
	'postgres', q{
SELECT migrate.revision(id => 's1', message => 'users',
	up => 'CREATE TABLE users (id int PRIMARY KEY)', down => 'DROP TABLE users');
SELECT migrate.revision(id => 's2', parents => ARRAY['s1'], message => 'rooms',
	up => 'CREATE TABLE rooms (id int PRIMARY KEY)', down => 'DROP TABLE rooms');
SELECT migrate.revision(id => 's3', parents => ARRAY['s2'], message => 'walls',
	up => 'CREATE TABLE walls (id int PRIMARY KEY)', down => 'DROP TABLE walls');
SELECT migrate.revision(id => 'iot1', parents => ARRAY['s1'], message => 'devices',
	branch_labels => ARRAY['iot'],
	up => 'CREATE TABLE devices (id int PRIMARY KEY)', down => 'DROP TABLE devices');
});
is( $primary->safe_psql(
		'postgres',
		q{SELECT string_agg(revision || ':' || direction, ',' ORDER BY step) FROM migrate.upgrade('s2')}),
	's1:up,s2:up',
	'primary: upgrade to s2');

$primary->wait_for_catchup($standby);

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');

# The read-only functions, each printed in a fixed order so that the
# standby's answer can be compared with the primary's, byte for byte.
my %readers = (
	'status()' => q{SELECT revision, message, state, applied_at, applied_by, is_head, is_current
					FROM migrate.status()},
	'current()' => q{SELECT string_agg(c, ',') FROM migrate.current() AS c},
	'heads()'   => q{SELECT string_agg(h, ',') FROM migrate.heads() AS h},
	'history()' => q{SELECT id, parents, branch_labels, depends_on, message, flags, applied, applied_at
					 FROM migrate.history()},
	'status_json()'   => q{SELECT migrate.status_json()},
	'plan()'          => q{SELECT step, revision, direction, execution, statements, message
						   FROM migrate.plan('heads')},
	'is_up_to_date()' => q{SELECT migrate.is_up_to_date()},
	'progress()'      => q{SELECT count(*) FROM migrate.progress()},
	'events' => q{SELECT event_id, revision, direction, outcome, started_at FROM migrate.events
				  ORDER BY event_id});

sub compare_readers
{
	my ($when) = @_;
	foreach my $name (sort keys %readers)
	{
		is( $standby->safe_psql('postgres', $readers{$name}),
			$primary->safe_psql('postgres', $readers{$name}),
			"$when: standby $name is the primary's");
	}
}

compare_readers('after upgrade to s2');

# The state itself, spelled out.
is($standby->safe_psql('postgres', $readers{'current()'}), 's2', 'standby: current() is s2');
is($standby->safe_psql('postgres', $readers{'heads()'}), 's3,iot1', 'standby: heads() are s3 and iot1');
is( $standby->safe_psql(
		'postgres',
		q{SELECT string_agg(revision || ':' || state, ',') FROM migrate.status()}),
	's1:applied,s2:applied,s3:pending,iot1:pending',
	'standby: status()');
is( $standby->safe_psql(
		'postgres',
		q{SELECT string_agg(id || ':' || applied, ',') FROM migrate.history()}),
	$primary->safe_psql('postgres',
		q{SELECT string_agg(id || ':' || applied, ',') FROM migrate.history()}),
	'standby: history()');
is( $standby->safe_psql(
		'postgres',
		q{SELECT string_agg(revision || ':' || direction, ',' ORDER BY step) FROM migrate.plan('heads')}),
	$primary->safe_psql('postgres',
		q{SELECT string_agg(revision || ':' || direction, ',' ORDER BY step) FROM migrate.plan('heads')}),
	'standby: plan(heads)');
is($standby->safe_psql('postgres', $readers{'is_up_to_date()'}), 'f', 'standby: not up to date');
is( $standby->safe_psql(
		'postgres',
		q{SELECT j->>'up_to_date' || ' ' || (j->'current')::text || ' ' || (j->'lock')::text
		  FROM migrate.status_json() AS j}),
	'false ["s2"] null',
	'standby: status_json()');
is($standby->safe_psql('postgres', $readers{'progress()'}), '0', 'standby: progress() is empty');

# Every state-changing function fails with 25006 and says why.
my %writers = (
	'revision' => q{SELECT migrate.revision(id => 'x1', up => 'CREATE TABLE x1 (id int)')},
	'upgrade'   => q{SELECT * FROM migrate.upgrade('heads')},
	'downgrade' => q{SELECT * FROM migrate.downgrade('base')},
	'stamp'     => q{SELECT * FROM migrate.stamp('heads')},
	'merge'     => q{SELECT migrate.merge(ARRAY['s3', 'iot1'])},
	'apply'     => q{CALL migrate.apply('heads')});

foreach my $name (sort keys %writers)
{
	my ($ret, $stdout, $stderr) = $standby->psql(
		'postgres', $writers{$name},
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	my ($sqlstate, $message) = $stderr =~ /ERROR:  ([0-9A-Z]{5}): ([^\n]*)/;
	is( ($sqlstate // '') . ' ' . ($message // ''),
		"25006 cannot run migrate.$name() on a server in recovery",
		"standby: $name fails with 25006")
	  or diag($stderr);
	is($stdout, '', "standby: $name returns nothing");
}

# Nothing changed anywhere.
compare_readers('after the refused calls');
is($primary->safe_psql('postgres', q{SELECT string_agg(c, ',') FROM migrate.current() AS c}),
	's2', 'primary: still at s2');

# A further upgrade on the primary reaches the standby.
is( $primary->safe_psql(
		'postgres',
		q{SELECT string_agg(revision || ':' || direction, ',' ORDER BY step) FROM migrate.upgrade('heads')}),
	'iot1:up,s3:up',
	'primary: upgrade to heads');
$primary->wait_for_catchup($standby);

compare_readers('after upgrade to heads');
is($standby->safe_psql('postgres', $readers{'current()'}), 's3,iot1', 'standby: current() is s3 and iot1');
is($standby->safe_psql('postgres', $readers{'is_up_to_date()'}), 't', 'standby: up to date');
is( $standby->safe_psql(
		'postgres',
		q{SELECT string_agg(revision, ',' ORDER BY event_id) FROM migrate.events}),
	's1,s2,iot1,s3',
	'standby: the events of both upgrades');
is( $standby->safe_psql(
		'postgres',
		q{SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
		  WHERE relname IN ('users', 'rooms', 'walls', 'devices') AND relkind = 'r'}),
	'devices,rooms,users,walls',
	'standby: the tables of both upgrades');
is($standby->safe_psql('postgres', q{SELECT count(*) FROM migrate.plan('heads')}),
	'0', 'standby: nothing left to plan');

$standby->stop;
$primary->stop;

done_testing();
