# Copyright (c) pg_migrate contributors
#
# test/t/024_diff_building.pl
#
# "pg_migrate diff" on the building demo, the README's worked example, on a
# PostGIS cluster:
#
#  1. examples/building/schema declares exactly the schema that
#     examples/building/migrations builds: diff prints "no changes", exits
#     0 and writes no file;
#  2. a column and a GiST index added to the rooms file of a copy of the
#     schema: diff writes exactly one new migration (ADD COLUMN, USING
#     gist); push and upgrade deploy it, and the schema is then the one a
#     database built from the edited files has (column positions aside:
#     PostgreSQL adds a column at the end); "downgrade -1" gives back the
#     schema of the unedited files.
#
# Schemas are compared as migrate.schema_snapshot() documents with
# migrate.schema_diff(), which must return no row.

use strict;
use warnings;

use File::Copy;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $example = "$FindBin::RealBin/../../examples/building";

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
my $user = $node->safe_psql('postgres', 'SELECT current_user');
$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql('app', 'CREATE EXTENSION pg_migrate');
pgm_client_setup(node => $node, user => $user, db => 'app');

my $work = PostgreSQL::Test::Utils::tempdir;
chdir $work or die "chdir $work: $!";

# copy_dir(FROM, TO): the .sql files of a directory
sub copy_dir
{
	my ($from, $to) = @_;
	mkdir $to or die "mkdir $to: $!";
	for my $f (grep { /\.sql$/ } ls_dir($from))
	{
		copy("$from/$f", "$to/$f") or die "copy $from/$f: $!";
	}
	return;
}

# A new database with pg_migrate and a project (a snapshot needs one to
# name its scope), built by running the .sql files of $dir in byte order
# of their names, as "diff --schema" runs them.
sub build_from_schema
{
	my ($db, $dir) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION pg_migrate');
	$node->safe_psql($db, q{SELECT migrate.revision(id => 'scope', up => 'SELECT 1')});
	for my $f (grep { /\.sql$/ } ls_dir($dir))
	{
		my ($ret, $out, $err) = $node->psql($db, '', extra_params => [ '-f', "$dir/$f" ]);
		die "$dir/$f: $err" if $ret != 0;
	}
	return;
}

sub snapshot
{
	my ($db) = @_;
	return $node->safe_psql($db, 'SELECT migrate.schema_snapshot()');
}

# The rows of migrate.schema_diff() between two snapshots, as text; with
# $no_positions, each column's "position" is left out of both.
sub schema_differences
{
	my ($a, $b, $no_positions) = @_;
	s/'/''/g for ($a, $b);
	my ($sa, $sb) = ("'$a'::jsonb", "'$b'::jsonb");
	($sa, $sb) = map {
		"$_ || jsonb_build_object('column', (SELECT coalesce(jsonb_object_agg(key, value - 'position'), '{}') "
		  . "FROM jsonb_each(($_) -> 'column')))"
	} ($sa, $sb) if $no_positions;
	return $node->safe_psql('app',
		"SELECT string_agg(format('%s %s: %s', kind, object, change), E'\\n' ORDER BY kind, object) "
		  . "FROM migrate.schema_diff($sa, $sb)");
}

# The up section of a migration file.
sub up_section
{
	my ($text) = @_;
	return $text =~ /^-- migrate:up\n(.*?)(?:^-- migrate:down\n|\z)/ms ? $1 : '';
}

copy_dir("$example/migrations", 'm');
my @files = ls_dir('m');

# 1. the schema files are what the migrations build
my ($rc, $out, $err) = pgm('diff', '--schema', "$example/schema", '--dir', 'm', '-m', 'x');
is($rc, 0, 'diff of the unchanged schema: exit status 0') or diag($err);
is($out, "no changes\n", 'it says "no changes"');
is_deeply([ ls_dir('m') ], \@files, 'and writes no file');

# 2. rooms get an entrance: a point in the SRID of their polygons
copy_dir("$example/schema", 's');
my $rooms = rfile('s/03_rooms.sql');
like($rooms, qr/geom\s+geometry\(Polygon, 3857\)/, 'rooms are polygons in SRID 3857');
$rooms =~ s/^(\tceiling_height_m .*,\n)/$1\tentrance\t\tgeometry(Point, 3857),\n/m
  or die "no ceiling_height_m line in 03_rooms.sql";
$rooms .= "CREATE INDEX rooms_entrance_gist ON rooms USING gist (entrance);\n";
wfile('s/03_rooms.sql', $rooms);

($rc, $out, $err) = pgm('diff', '--schema', 's', '--dir', 'm', '-m', 'Room entrances');
is($rc, 0, 'diff of the edited schema: exit status 0') or diag($err);
my %old = map { $_ => 1 } @files;
my @new = grep { !$old{$_} } ls_dir('m');
is(scalar @new, 1, 'it writes exactly one new file') or diag("new files: @new\n$out$err");
my $text = @new ? rfile("m/$new[0]") : '';
like($text, qr/^-- migrate:parents 0007\n/m, 'on top of the head');
my $up = up_section($text);
like($up, qr/ADD COLUMN entrance/, 'whose up script adds the column');
like($up, qr/USING gist/, 'and builds the GiST index');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgm\\_diff\\_%'"),
	'0', 'diff leaves no scratch database behind');

# deploy the directory on a real database
$node->safe_psql('postgres', 'CREATE DATABASE deployed');
$node->safe_psql('deployed', 'CREATE EXTENSION pg_migrate');
($rc, $out, $err) = pgm({ db => 'deployed' }, '--dir', 'm', 'push');
is($rc, 0, 'push') or diag($err);
($rc, $out, $err) = pgm({ db => 'deployed' }, 'upgrade', 'head');
is($rc, 0, 'upgrade head') or diag($err);

build_from_schema('edited', 's');
is(schema_differences(snapshot('edited'), snapshot('deployed'), 1), '',
	'the deployed schema is the edited files\' (positions aside)');

($rc, $out, $err) = pgm({ db => 'deployed' }, 'downgrade', '-1');
is($rc, 0, 'downgrade -1') or diag($err);
build_from_schema('original', "$example/schema");
is(schema_differences(snapshot('original'), snapshot('deployed')), '',
	'the down script restores the schema of the unedited files');

$node->stop;
done_testing();
