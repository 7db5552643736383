# Copyright (c) pg_migrate contributors
#
# test/t/013_large_inputs.pl
#
# Large inputs that are bad only by their size, taken out of the badinput
# regression file so that the SQL suites stay quick to run one by one:
#
#   - a 10 MB up script of 1,165,085 statements: registered, planned,
#     applied and reverted; registering it again is a no-op;
#   - a chain of 5,000 revisions registered in one DO block, applied and
#     reverted in one call each, in order.
#
# Every answer is compared exactly.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_migrate');

sub sq { return $node->safe_psql('postgres', $_[0]); }

# 1. A 10 MB script
my $big = q{repeat('SELECT 1;', 1165085), repeat('SELECT 2;', 3), project => 'bi_big'};
is(sq("SELECT migrate.revision('big1', $big)"), 'big1', '10 MB: registered');
is(sq(q{SELECT id, length(up_script), up_statements, down_statements
	FROM migrate.revisions WHERE project = 'bi_big'}),
	'big1|10485765|1165085|3', '10 MB: stored whole, every statement counted');
is(sq(q{SELECT step, revision, direction, execution, statements FROM migrate.plan('heads', 'bi_big')}),
	'1|big1|up|transactional|1165085', '10 MB: plan');
is(sq(q{SELECT step, revision, direction FROM migrate.upgrade('heads', 'bi_big')}),
	'1|big1|up', '10 MB: applied');
is(sq(q{SELECT * FROM migrate.current('bi_big')}), 'big1', '10 MB: current');
my $seq = sq(q{SELECT seq || ':' || checksum FROM migrate.revisions WHERE project = 'bi_big'});
is(sq("SELECT migrate.revision('big1', $big)"), 'big1', '10 MB: registering it again ...');
is(sq(q{SELECT seq || ':' || checksum FROM migrate.revisions WHERE project = 'bi_big'}), $seq,
	'... is a no-op');
is(sq(q{SELECT step, revision, direction FROM migrate.downgrade('base', 'bi_big')}),
	'1|big1|down', '10 MB: reverted');

# 2. A chain of 5,000 revisions
sq(q{DO $$
BEGIN
	PERFORM migrate.revision('c1', 'SELECT 1', 'SELECT 1', project => 'bi_chain');
	FOR i IN 2..5000 LOOP
		PERFORM migrate.revision('c' || i, 'SELECT ' || i, 'SELECT ' || i,
								 parents => ARRAY['c' || (i - 1)], project => 'bi_chain');
	END LOOP;
END;
$$});
is(sq(q{SELECT count(*) FROM migrate.revisions WHERE project = 'bi_chain'}), '5000',
	'chain: 5,000 registered in one block');
is(sq(q{SELECT * FROM migrate.heads('bi_chain')}), 'c5000', 'chain: one head');
is(sq(q{SELECT count(*) FROM migrate.plan('heads', 'bi_chain')}), '5000', 'chain: plan');
is(sq(q{SELECT count(*), bool_and(revision = 'c' || n AND direction = 'up')
	FROM (SELECT revision, direction, row_number() OVER (ORDER BY step) AS n
	        FROM migrate.upgrade('heads', 'bi_chain')) AS u}),
	'5000|t', 'chain: applied in one call, in order');
is(sq(q{SELECT * FROM migrate.current('bi_chain')}), 'c5000', 'chain: current');
is(sq(q{SELECT count(*) FROM migrate.applied WHERE project = 'bi_chain'}), '5000',
	'chain: all applied');
is(sq(q{SELECT migrate.is_up_to_date('bi_chain')}), 't', 'chain: up to date');
is(sq(q{SELECT count(*), bool_and(revision = 'c' || (5001 - n) AND direction = 'down')
	FROM (SELECT revision, direction, row_number() OVER (ORDER BY step) AS n
	        FROM migrate.downgrade('base', 'bi_chain')) AS d}),
	'5000|t', 'chain: reverted in one call, in reverse order');
is(sq(q{SELECT count(*) FROM migrate.current('bi_chain')}), '0', 'chain: nothing current');
is(sq(q{SELECT * FROM migrate.heads('bi_chain')}), 'c5000', 'chain: the head is still registered');
is(sq(q{SELECT count(*) FROM migrate.applied WHERE project = 'bi_chain'}), '0',
	'chain: nothing applied');

$node->stop;
done_testing();
