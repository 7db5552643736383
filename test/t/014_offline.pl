# Copyright (c) pg_migrate contributors
#
# test/t/014_offline.pl
#
# Offline plan and script ("pg_migrate plan/script --offline --dir D
# [--from REV,...]") against the server: for every example graph of
# docs/revision-graph.md (and one with nontransactional, multi-statement
# and irreversible scripts), the directory is pushed into its own
# project, and for every state (nothing applied, each revision with what
# lies below it, all heads) and every target of a list that covers the
# target language, the offline command must print exactly what the
# online command prints after the database was stamped to that state:
# the same exit status, the same stdout (table, JSON, SQL) and the same
# stderr (refusals: message, detail, hint, SQLSTATE).  Offline and online
# share the core (src/core), so any difference is a bug in how the client
# builds the graph, classifies scripts or prints results.
#
# Then: offline works with no server at all, picks itself when no
# connection is configured, and refuses what it cannot do.

use strict;
use warnings;

use File::Path;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_migrate');
pgm_client_setup(node => $node, user => $node->safe_psql('postgres', 'SELECT current_user'),
	db => 'postgres');

my $work = PostgreSQL::Test::Utils::tempdir;
chdir $work or die "chdir $work: $!";

# [id, parents, labels, deps], in registration order
my %graphs = (
	lin => [ [qw(r1)], [ 'r2', 'r1' ], [ 'r3', 'r2' ], [ 'r4', 'r3' ] ],
	fork => [
		['a'], [ 'b', 'a' ], [ 'c1', 'b', 'c1branch' ], [ 'd1', 'c1' ],
		[ 'c2', 'b', 'c2branch' ], [ 'd2', 'c2' ]
	],
	diam => [ ['a'], [ 'b1', 'a' ], [ 'b2', 'a' ], [ 'm', 'b1,b2' ] ],
	forest => [ ['a1'], [ 'b1', 'a1' ], ['a2'], [ 'b2', 'a2' ] ],
	dep => [
		[ 'l1', undef, 'lib' ], [ 'l2', 'l1' ], [ 'p1', undef, 'app' ],
		[ 'p2', 'p1', undef, 'l2' ]
	],
	chain => [ ['x1'], [ 'x2', 'x1' ], [ 'x3', 'x2' ], [ 'y', 'x3', 'ylab' ], [ 'z', 'x3' ] ],
	cross => [
		['a1'], [ 'b1', 'a1' ], [ 'c1', 'b1' ], [ 'd1', 'c1' ],
		['a2'], [ 'b2', 'a2' ], [ 'c2', 'b2', undef, 'c1' ]
	],
	basedep => [ ['a1'], [ 'b1', undef, undef, 'a1' ], [ 'm', 'a1,b1' ] ],
	# scripts of every class: nontransactional, several statements, no
	# down script (irreversible), an empty merge, quotes and backslashes
	mixed => [ ['s1'], [ 's2', 's1' ], [ 's3', 's1' ], [ 's4', 's2,s3' ], [ 's5', 's4', 'tail' ] ],
);

my %scripts = (
	s2 => {
		up => "CREATE INDEX CONCURRENTLY mixed_i ON mixed_s1 (x);\nSELECT 'it''s \\ odd';",
		down => 'DROP INDEX CONCURRENTLY mixed_i;'
	},
	s3 => { up => "CREATE TABLE mixed_s3 (x int);\nINSERT INTO mixed_s3 VALUES (1);\n-- done", down => undef },
	s4 => { up => '', down => '' },
	s5 => { up => 'VACUUM mixed_s1', down => "SELECT 1;\nSELECT 2" },
);

# write the directory of a graph; returns its revisions and labels
sub write_graph
{
	my ($name) = @_;
	my $dir = "g_$name";
	File::Path::rmtree($dir);
	mkdir $dir or die "mkdir $dir: $!";
	my (@ids, @labels);
	my $n = 0;
	foreach my $r (@{ $graphs{$name} })
	{
		my ($id, $parents, $labels, $deps) = @$r;
		my $s = $scripts{$id} // { up => "CREATE TABLE ${name}_$id (x int);", down => "DROP TABLE ${name}_$id;" };
		wfile(sprintf('%s/%03d_%s.sql', $dir, ++$n, $id),
			mig(
				id => $id,
				parents => defined $parents ? join(', ', split /,/, $parents) : undef,
				labels => $labels,
				deps => $deps,
				message => "add $id",
				up => $s->{up},
				down => $s->{down}));
		push @ids, $id;
		push @labels, $labels if defined $labels;
	}
	return (\@ids, \@labels);
}

# what the online command printed, and the offline one for the same state
sub compare
{
	my ($name, $state, $online, $offline, $desc) = @_;
	my @on = pgm(@$online);
	my @off = pgm(@$offline);
	my $same = $on[0] == $off[0] && $on[1] eq $off[1] && $on[2] eq $off[2];
	if (!$same)
	{
		# show the difference in full for the first few only
		is_deeply(\@off, \@on, "$name {$state} $desc: offline = online");
		return 0;
	}
	return 1;
}

my ($total, $agreed, $refused) = (0, 0, 0);
foreach my $name (sort keys %graphs)
{
	my ($ids, $labels) = write_graph($name);
	my $dir = "g_$name";
	my ($rc, $out, $err) = pgm('--project', $name, '--dir', $dir, 'push');
	is($rc, 0, "$name: push") or diag($err);

	# heads of the graph: revisions that are no one's parent or dependency
	my %used;
	foreach my $r (@{ $graphs{$name} })
	{
		$used{$_} = 1 for split /,/, ($r->[1] // '');
		$used{$_} = 1 for split /,/, ($r->[3] // '');
	}
	my @heads = grep { !$used{$_} } @$ids;

	my @targets = (qw(heads head base current +1 -1 -2 head-1 base+1 nosuch));
	push @targets, $_, "$_+1" foreach @$ids;
	push @targets, "$_\@head", "$_\@base", "$_\@+1", "$_\@-1" foreach (@$labels, $ids->[0]);
	my @script_targets = (qw(heads head base -1), @$ids, 'base:heads', ':', 'current:',
		"$ids->[0]:", "$ids->[-1]:$ids->[0]");

	my @states = ([ 'base', undef ], (map { [ $_, $_ ] } @$ids), [ 'heads', join(',', @heads) ]);
	foreach my $st (@states)
	{
		my ($sname, $from) = @$st;
		$node->safe_psql('postgres',
			"SELECT count(*) FROM migrate.stamp('base', '$name', purge => true)");
		$node->safe_psql('postgres', "SELECT count(*) FROM migrate.stamp('$_', '$name')")
		  for split /,/, ($from // '');
		my @from = defined $from ? ('--from', $from) : ();
		foreach my $t (@targets)
		{
			# JSON: from nothing applied and from the heads
			foreach my $json ([], $sname =~ /^(base|heads)$/ ? (['--json']) : ())
			{
				$total++;
				$agreed += compare($name, $sname,
					[ '--project', $name, @$json, 'plan', '--', $t ],
					[ '--project', $name, '--dir', $dir, '--offline', @from, @$json, 'plan', '--', $t ],
					"plan @$json $t");
			}
		}
		foreach my $t (@script_targets)
		{
			$total++;
			my @on = ('--project', $name, 'script', '--', $t);
			$agreed += compare($name, $sname, \@on,
				[ '--project', $name, '--dir', $dir, '--offline', @from, 'script', '--', $t ],
				"script $t");
		}
	}
}
note("$total comparisons");
is($agreed, $total, "offline and online agree on every plan and script output");

# A refusal is printed as the server's, and exits as the server's (4).
check('unknown target, offline',
	[ '--dir', 'g_lin', '--project', 'lin', '--offline', 'plan', 'r9' ], 4, '',
	qq{pg_migrate: error: revision "r9" is not registered in project "lin"\nHINT:  Perhaps you meant "r1", "r2" or "r3".\nSQLSTATE:  42704\n});

# push registers files after their parents, otherwise in name order: an
# independent file keeps its place before one that had to wait
mkdir 'g_order' or die "mkdir g_order: $!";
wfile('g_order/001_x.sql', mig(id => 'x', parents => 'z', up => 'SELECT 1;'));
wfile('g_order/002_y.sql', mig(id => 'y', up => 'SELECT 2;'));
wfile('g_order/003_z.sql', mig(id => 'z', up => 'SELECT 3;'));
my ($rc, $out, $err) = pgm('--dir', 'g_order', '--project', 'ord', 'push');
is($rc, 0, 'push of an out-of-order directory') or diag($err);
is($node->safe_psql('postgres', "SELECT string_agg(id, ',' ORDER BY seq) FROM migrate.revisions WHERE project = 'ord'"),
	'y,z,x', 'registration order: parents first, otherwise name order');

# a project name that could break the script's header comment
check('offline: a bad project name',
	[ '--dir', 'g_lin', '--project', "lin\nCOMMIT;", '--offline', 'script' ], 2, '',
	qq{pg_migrate: error: project name "lin\\nCOMMIT;" contains an invalid character\nDETAIL:  Only letters, digits, "_", "-" and "." are allowed.\nSQLSTATE:  22023\n});

# With no server at all: offline is chosen by itself when nothing names
# a database, and plans files that were never pushed.
wfile('g_lin/005_r5.sql', mig(id => 'r5', parents => 'r4', up => 'ALTER TABLE t ADD COLUMN y int;', down => 'ALTER TABLE t DROP COLUMN y;'));
$node->stop;
{
	local $ENV{PGHOST};
	local $ENV{PGPORT};
	local $ENV{PGDATABASE};
	delete $ENV{PGHOST};
	delete $ENV{PGPORT};
	delete $ENV{PGDATABASE};
	my ($rc2, $out2, $err2);
	IPC::Run::run([ 'pg_migrate', '--dir', 'g_lin', '--from', 'r4', 'plan' ],
		'<', \'', '>', \$out2, '2>', \$err2);
	is($? >> 8, 0, 'no server: plan --from r4');
	is($out2, "step  revision  direction  execution      statements  message\n1     r5        up         transactional  1\n",
		'no server: the unpushed file is planned');
	IPC::Run::run([ 'pg_migrate', '--dir', 'g_lin', 'plan', 'r2' ],
		'<', \'', '>', \$out2, '2>', \$err2);
	is($out2, "step  revision  direction  execution      statements  message\n1     r1        up         transactional  1           add r1\n2     r2        up         transactional  1           add r2\n",
		'no connection configured: offline by itself');
	is($err2, qq{pg_migrate: note: no database given: plan reads the directory "g_lin" only (as with --offline)\n},
		'offline by itself: a note says so');
	IPC::Run::run([ 'pg_migrate', '--dir', 'g_lin', '--from', 'r4', 'script', 'r3' ],
		'<', \'', '>', \$out2, '2>', \$err2);
	like($out2, qr/^-- pg_migrate script for project "default", target "r3": 1 revision\n.*\n-- downgrade r4: add r4\nDROP TABLE lin_r4;\nSELECT migrate.record_step\('default', 'r4', 'down', 'sha256:[0-9a-f]{64}'\);\nCOMMIT;\n\z/s,
		'no server: script of a downgrade');
}
check('--from needs plan or script', [ '--from', 'r1', 'status' ], 2, '',
	"pg_migrate: error: --from applies to plan and script only\n");
check('--offline with -d', [ '-d', 'dbname=x', '--offline', 'plan' ], 2, '',
	"pg_migrate: error: --offline and --from read the migrations directory, not a database: drop -d\n");
wfile('g_lin/006_bad.sql', mig(id => 'r6', parents => 'r5', up => 'BEGIN; SELECT 1;'));
check('offline refuses what registration refuses',
	[ '--dir', 'g_lin', '--offline', 'plan' ], 5, '',
	qq{pg_migrate: error: up script of revision "r6" contains transaction control (statement 1)\nDETAIL:  Every revision runs inside a transaction that pg_migrate manages.\nHINT:  Remove BEGIN, COMMIT, ROLLBACK and similar statements from the script.\n(in file "006_bad.sql")\n});
wfile('g_lin/006_bad.sql', mig(id => 'r6', parents => 'r5', up => "SELECT 1;\nSELEC 2;"));
check('offline: a syntax error',
	[ '--dir', 'g_lin', '--offline', 'plan' ], 5, '',
	qq{pg_migrate: error: syntax error at or near "SELEC"\nCONTEXT:  up script of revision "r6", line 2\n(in file "006_bad.sql")\n});
# the parser counts characters: line numbers hold with multibyte text
wfile('g_lin/006_bad.sql', mig(id => 'r6', parents => 'r5', up => "SELECT '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9';\nSELEC 2;"));
check('offline: a syntax error after multibyte text',
	[ '--dir', 'g_lin', '--offline', 'plan' ], 5, '',
	qq{pg_migrate: error: syntax error at or near "SELEC"\nCONTEXT:  up script of revision "r6", line 2\n(in file "006_bad.sql")\n});
wfile('g_lin/006_bad.sql', mig(id => 'r6', parents => 'r9', up => 'SELECT 1;'));
check('offline: a parent no file defines',
	[ '--dir', 'g_lin', '--offline', 'plan' ], 5, '',
	qq{pg_migrate: error: parent "r9" of revision "r6" is not registered\nHINT:  Register the parent revision first.\nSQLSTATE:  42P17\n});

done_testing();
