# Copyright (c) pg_migrate contributors
#
# test/t/008_import.pl
#
# "pg_migrate import" and "pg_migrate adopt" against the migration sets of
# other tools, kept in test/fixtures/ in each tool's own layout (see
# test/fixtures/README.md for where each came from).  For every tool:
#
#  (a) import into a fresh directory: the ids are the tool's own (and for
#      alembic the parents, merge parents, branch labels, dependencies and
#      messages are alembic's);
#  (b) push + upgrade in database <tool>_a;
#  (c) the same SQL run directly, the way the tool runs it, in <tool>_b;
#  (d) the schemas of <tool>_a and <tool>_b are identical (pg_dump without
#      pg_migrate's catalog and the tools' own bookkeeping);
#  (e) downgrade to base in <tool>_a leaves the empty schema (flyway: its
#      undo files cover only part of the set, so base is refused and a
#      partial downgrade is compared instead);
#  (f) adoption: in <tool>_c the tool itself applied the first K migrations
#      and recorded them in its history table; "pg_migrate adopt" records
#      exactly those as applied without running anything, and "pg_migrate
#      upgrade" applies the rest and ends with the schema of <tool>_b;
#  (g) refusals: a dirty golang-migrate version, a failed flyway migration,
#      flyway repeatable migrations, a reworked sqitch change, and tool
#      histories naming migrations that are not in the files.
#
# The pg_migrate client must be in PATH.

use strict;
use warnings;

use Compress::Zlib ();
use Cwd qw(abs_path);
use File::Basename qw(basename dirname);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $fixtures = abs_path(dirname(__FILE__) . '/../fixtures');
my $tmp = PostgreSQL::Test::Utils::tempdir;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

# ---------------------------------------------------------------------------
# Helpers

# Run a command; returns (exit code, stdout, stderr).  A command that cannot
# be started counts as exit code 127.
sub run_cmd
{
	my @cmd = @_;
	my ($out, $err) = ('', '');
	my $ok = eval { IPC::Run::run(\@cmd, '<', \undef, '>', \$out, '2>', \$err); 1 };
	return (127, '', $@) unless $ok;
	return ($? >> 8, $out, $err);
}

# Run the client against database $db (connection from PGHOST, PGPORT and
# PGDATABASE, as a deploy script would set them).
sub pgm
{
	my ($db, @args) = @_;
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGDATABASE} = $db // 'postgres';
	return run_cmd('pg_migrate', @args);
}

# The client succeeds; returns its stdout.
sub pgm_ok
{
	my ($db, $args, $name) = @_;
	my ($rc, $out, $err) = pgm($db, @$args);
	is($rc, 0, $name)
	  or diag("pg_migrate @$args\nstdout:\n$out\nstderr:\n$err");
	return $out;
}

# The client fails with one of the exit codes in $codes (array ref) and an
# error message matching $re on stderr.
sub pgm_fails
{
	my ($db, $args, $codes, $re, $name) = @_;
	my ($rc, $out, $err) = pgm($db, @$args);
	ok((grep { $_ == $rc } @$codes), "$name: exit code " . join(' or ', @$codes))
	  or diag("pg_migrate @$args\nexit code $rc\nstdout:\n$out\nstderr:\n$err");
	like($err, qr/^pg_migrate: error: /m, "$name: error message");
	like($err, $re, "$name: the message says why");
	return $err;
}

sub query
{
	my ($db, $sql) = @_;
	return $node->safe_psql($db, $sql);
}

sub new_db
{
	my ($db) = @_;
	$node->safe_psql('postgres', qq{CREATE DATABASE "$db"});
	$node->safe_psql($db, 'CREATE EXTENSION pg_migrate');
	return $db;
}

sub slurp
{
	my ($path) = @_;
	return PostgreSQL::Test::Utils::slurp_file($path);
}

sub write_file
{
	my ($path, $text) = @_;
	open my $fh, '>', $path or die "could not write $path: $!";
	print $fh $text;
	close $fh;
	return $path;
}

my $file_seq = 0;

# Run SQL the way psql -f runs a file: statement by statement, stopping at
# the first error.
sub psql_file
{
	my ($db, $file, $name) = @_;
	$node->command_ok(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $db, '-f', $file ],
		$name);
	return;
}

sub psql_text
{
	my ($db, $sql, $name) = @_;
	$file_seq++;
	psql_file($db, write_file("$tmp/direct_$file_seq.sql", $sql), $name);
	return;
}

# Run SQL as one simple-protocol query, as database/sql drivers do with a
# whole migration file (golang-migrate).
sub psql_one_query
{
	my ($db, $sql, $name) = @_;
	$node->command_ok(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $db, '-c', $sql ],
		$name);
	return;
}

# The schema of a database, without pg_migrate and the tools' bookkeeping.
sub schema_of
{
	my ($db) = @_;
	my ($rc, $out, $err) = run_cmd(
		'pg_dump', '--schema-only', '--no-owner', '--no-privileges',
		'-h', $node->host, '-p', $node->port,
		'-N', 'migrate', '-N', 'sqitch',
		'-T', 'schema_migrations', '-T', 'flyway_schema_history',
		'-T', 'alembic_version',
		$db);
	die "pg_dump $db failed: $err" if $rc != 0;
	my @lines = grep {
		!/^\\(?:un)?restrict\b/
		  && !/^CREATE EXTENSION IF NOT EXISTS pg_migrate\b/
		  && !/^COMMENT ON EXTENSION pg_migrate\b/
		  && !/^-- Name: (?:EXTENSION )?pg_migrate; Type: (?:EXTENSION|COMMENT)/
	} split /\n/, $out;
	my $text = join("\n", @lines) . "\n";
	$text =~ s/\n{3,}/\n\n/g;
	return $text;
}

sub same_schema
{
	my ($db1, $db2, $name) = @_;
	my $s1 = schema_of($db1);
	my $s2 = schema_of($db2);
	if ($s1 eq $s2)
	{
		pass($name);
		return 1;
	}
	fail($name);
	my $f1 = write_file("$tmp/schema_$db1.sql", $s1);
	my $f2 = write_file("$tmp/schema_$db2.sql", $s2);
	my (undef, $diff) = run_cmd('diff', '-u', $f1, $f2);
	diag("schema of $db1 vs $db2:\n$diff");
	return 0;
}

# The revisions of the migration files in $dir, as written by import:
# { id => { parents => [...], labels => [...], depends => [...], file => name } }
sub read_dir
{
	my ($dir) = @_;
	my %revs;
	opendir my $dh, $dir or die "could not open $dir: $!";
	for my $f (sort grep { /\.sql$/ } readdir $dh)
	{
		my $text = slurp("$dir/$f");
		my ($id) = $text =~ /^-- migrate:revision[ \t]+(\S+)/m;
		if (!defined $id)
		{
			$revs{"(no header in $f)"} = { parents => [], labels => [], depends => [] };
			next;
		}
		my %r = (file => $f);
		for ([ parents => 'parents' ], [ labels => 'branch-labels' ],
			[ depends => 'depends-on' ])
		{
			my ($key, $marker) = @$_;
			my ($v) = $text =~ /^-- migrate:\Q$marker\E[ \t]+([^\n]*)$/m;
			$v //= '';
			$v =~ s/\s+$//;
			$r{$key} = [ grep { $_ ne '' && $_ ne 'base' } split /\s*,\s*/, $v ];
		}
		$revs{$id} = \%r;
	}
	closedir $dh;
	return \%revs;
}

# "id <- parents [labels] {depends}" lines, sorted by id.
sub graph_lines
{
	my ($revs) = @_;
	return join "\n", map {
		my $r = $revs->{$_};
		"$_ <- " . join(',', @{ $r->{parents} })
		  . (@{ $r->{labels} } ? ' [' . join(',', @{ $r->{labels} }) . ']' : '')
		  . (@{ $r->{depends} } ? ' {' . join(',', @{ $r->{depends} }) . '}' : '')
	} sort keys %$revs;
}

# The same from migrate.history() of a database.
sub db_graph
{
	my ($db) = @_;
	my %revs;
	for my $row (split /\n/,
		query($db, q{SELECT id, array_to_string(parents, ','),
							array_to_string(branch_labels, ','),
							array_to_string(depends_on, ',')
					   FROM migrate.history()}))
	{
		my ($id, $p, $l, $d) = split /\|/, $row, -1;
		$revs{$id} = {
			parents => [ grep { $_ ne '' } split /,/, $p ],
			labels => [ grep { $_ ne '' } split /,/, $l ],
			depends => [ grep { $_ ne '' } split /,/, $d ]
		};
	}
	return \%revs;
}

# The graph of a linear chain of ids.
sub chain
{
	my @ids = @_;
	my %revs;
	for my $i (0 .. $#ids)
	{
		$revs{ $ids[$i] } = {
			parents => $i ? [ $ids[ $i - 1 ] ] : [],
			labels => [],
			depends => []
		};
	}
	return \%revs;
}

sub import_set
{
	my ($name, @args) = @_;
	my $dir = "$tmp/import_$name";
	my $out = pgm_ok(undef, [ 'import', @args, '--dir', $dir ], "$name: import");
	like($out, qr/imported \d+ migrations?/, "$name: import reports what it wrote");
	return $dir;
}

sub up_events
{
	my ($db) = @_;
	return query($db,
		q{SELECT coalesce(string_agg(revision, ' ' ORDER BY event_id), '')
			FROM migrate.events WHERE direction = 'up' AND outcome = 'success'});
}

# "revision:applied_via" of every applied revision, sorted by revision.
sub applied
{
	my ($db) = @_;
	return join ' ', sort split /\n/,
	  query($db, q{SELECT revision || ':' || applied_via FROM migrate.applied});
}

sub current
{
	my ($db) = @_;
	return join ' ', sort split /\n/, query($db, q{SELECT c FROM migrate.current() c});
}

sub status_check
{
	my ($db, $expected, $name) = @_;
	my ($rc, $out, $err) = pgm($db, 'status', '--check');
	is($rc, $expected, $name) or diag("stdout:\n$out\nstderr:\n$err");
	return;
}

# (b): push and upgrade; the second push changes nothing.
sub push_and_upgrade
{
	my ($name, $db, $dir, $count) = @_;
	pgm_ok($db, [ 'push', '--dir', $dir ], "$name: push");
	is(query($db, 'SELECT count(*) FROM migrate.revisions'),
		$count, "$name: every imported migration is registered");
	pgm_ok($db, [ 'push', '--dir', $dir ], "$name: push again");
	is(query($db, 'SELECT count(*) FROM migrate.revisions'),
		$count, "$name: the second push registers nothing new");
	status_check($db, 1, "$name: status --check says pending before upgrade");
	pgm_ok($db, ['upgrade'], "$name: upgrade");
	status_check($db, 0, "$name: status --check says up to date after upgrade");
	return;
}

# (e): downgrade to base empties the schema.
sub downgrade_to_base
{
	my ($name, $db) = @_;
	pgm_ok($db, [ 'downgrade', 'base' ], "$name: downgrade base");
	is(current($db), '', "$name: nothing is current after downgrade base");
	is(query($db, 'SELECT count(*) FROM migrate.applied'),
		'0', "$name: nothing is applied after downgrade base");
	same_schema($db, 'empty', "$name: downgrade base leaves the empty schema");
	return;
}

# The up section of a dbmate file, as dbmate runs it.
sub dbmate_up
{
	my ($text) = @_;
	my ($up) = $text =~ /^-- migrate:up[^\n]*\n(.*?)(?=^-- migrate:down|\z)/ms;
	die "no up section" unless defined $up;
	return $up;
}

# Flyway's checksum of a script: CRC-32 of its lines without line ends,
# as a signed 32-bit integer.
sub flyway_checksum
{
	my ($text) = @_;
	my $crc = 0;
	$crc = Compress::Zlib::crc32($_, $crc) for split /\r?\n/, $text;
	return $crc >= 2**31 ? $crc - 2**32 : $crc;
}

# ---------------------------------------------------------------------------
# The client is there.

{
	my ($rc, $out, $err) = run_cmd('pg_migrate', '--version');
	is($rc, 0, 'the pg_migrate client runs')
	  or BAIL_OUT("pg_migrate is not in PATH or does not run: $err");
}

new_db('empty');

# ===========================================================================
# dbmate: db/migrations/<version>_<name>.sql with "-- migrate:up" and
# "-- migrate:down" sections; history in schema_migrations(version).

{
	my $src = "$fixtures/dbmate/db/migrations";
	opendir my $dh, $src or die;
	my @files = sort grep { /^\d+_.*\.sql$/ } readdir $dh;
	closedir $dh;
	my @ids = map { /^(\d+)_/ } @files;
	is(scalar @ids, 5, 'dbmate: five fixture migrations');

	# (a)
	my $dir = import_set('dbmate', 'dbmate', $src);
	is(graph_lines(read_dir($dir)), graph_lines(chain(@ids)),
		'dbmate: imported files keep the versions as ids, in a chain');

	# (b)
	my $a = new_db('dbmate_a');
	push_and_upgrade('dbmate', $a, $dir, 5);
	is(graph_lines(db_graph($a)), graph_lines(chain(@ids)),
		'dbmate: registered graph is the chain of versions');
	is(up_events($a), "@ids", 'dbmate: upgrade applied the versions in order');
	is(query($a, q{SELECT email || ':' || role FROM users}),
		'admin@example.com:admin', 'dbmate: data steps ran once each');

	# (c) dbmate: each up section in a transaction, in version order
	my $b = new_db('dbmate_b');
	psql_text($b, "BEGIN;\n" . dbmate_up(slurp("$src/$_")) . "COMMIT;\n", "dbmate: direct $_")
	  for @files;

	# (d)
	same_schema($a, $b, 'dbmate: schema after upgrade equals running the files directly');

	# (e)
	downgrade_to_base('dbmate', $a);

	# (f) dbmate applied the first three: up section and the version row in
	# one transaction each.
	my $c = new_db('dbmate_c');
	psql_text($c, 'create table if not exists public.schema_migrations (version varchar primary key);',
		'dbmate: history table');
	for my $f (@files[ 0 .. 2 ])
	{
		my ($v) = $f =~ /^(\d+)_/;
		psql_text($c,
			"BEGIN;\n"
			  . dbmate_up(slurp("$src/$f"))
			  . "insert into public.schema_migrations (version) values ('$v');\nCOMMIT;\n",
			"dbmate: dbmate applies $f");
	}
	pgm_ok($c, [ 'adopt', 'dbmate', '--dir', $dir ], 'dbmate: adopt');
	is(applied($c), join(' ', map { "$_:stamp" } @ids[ 0 .. 2 ]),
		"dbmate: adopt records dbmate's three versions as applied (stamped)");
	is(current($c), $ids[2], 'dbmate: current is the last version dbmate applied');
	is(up_events($c), '', 'dbmate: adopt ran no migration');
	my $again = pgm_ok($c, [ 'adopt', 'dbmate', '--dir', $dir ], 'dbmate: adopt again');
	like($again, qr/already adopted/, 'dbmate: a second adopt says it is already done');
	status_check($c, 1, 'dbmate: adopted database has pending migrations');
	pgm_ok($c, ['upgrade'], 'dbmate: upgrade after adopt');
	is(up_events($c), "@ids[3,4]", 'dbmate: upgrade after adopt applied only the rest');
	is(query($c, q{SELECT email || ':' || role FROM users}),
		'admin@example.com:admin', 'dbmate: adopted data steps did not run again');
	is(query($c, q{SELECT string_agg(name, ',' ORDER BY name) FROM tags}),
		'announcement,release-notes', 'dbmate: the remaining data step ran once');
	same_schema($c, $b, 'dbmate: adopted and upgraded schema equals running the files directly');

	# dbmate --migrations-table ops.dbmate_migrations: adopt --table finds it.
	my $t = new_db('dbmate_table');
	psql_text($t, qq{create schema ops;
		create table if not exists ops.dbmate_migrations (version varchar primary key);
		insert into ops.dbmate_migrations (version) values ('$ids[0]');},
		'dbmate: history in a table of another name');
	pgm_fails($t, [ 'adopt', 'dbmate', '--dir', $dir ], [5], qr/schema_migrations/,
		'dbmate: adopt without --table refuses when there is no schema_migrations');
	pgm_ok($t, [ 'adopt', 'dbmate', '--dir', $dir, '--table', 'ops.dbmate_migrations' ],
		'dbmate: adopt --table ops.dbmate_migrations');
	is(applied($t), "$ids[0]:stamp", 'dbmate: adopt --table read the named table');

	# (g) dbmate's history names a version that is not in the files.
	my $m = new_db('dbmate_missing');
	psql_text($m, qq{create table if not exists public.schema_migrations (version varchar primary key);
		insert into public.schema_migrations (version) values ('20231130120000'), ('$ids[0]');},
		'dbmate: history with an unknown version');
	pgm_fails($m, [ 'adopt', 'dbmate', '--dir', $dir ], [5], qr/20231130120000/,
		'dbmate: adopt refuses a history version missing from the files');
	is(query($m, 'SELECT count(*) FROM migrate.applied'), '0',
		'dbmate: refused adopt recorded nothing');
}

# ===========================================================================
# golang-migrate: migrations/<NNNNNN>_<name>.up.sql / .down.sql; history is
# one row in schema_migrations(version bigint, dirty boolean).

my $golang_version_table = q{CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null)};

# golang-migrate's SetVersion: the only row, replaced in a transaction.
sub golang_set_version
{
	my ($db, $version, $dirty) = @_;
	psql_text($db,
		"BEGIN;\nTRUNCATE \"public\".\"schema_migrations\";\n"
		  . "INSERT INTO \"public\".\"schema_migrations\" (version, dirty) VALUES ($version, $dirty);\nCOMMIT;\n",
		"golang-migrate: set version $version dirty=$dirty");
	return;
}

{
	my $src = "$fixtures/golang-migrate/migrations";
	opendir my $dh, $src or die;
	my @ups = sort { ($a =~ /^(\d+)/)[0] <=> ($b =~ /^(\d+)/)[0] }
	  grep { /^\d+_.*\.up\.sql$/ } readdir $dh;
	closedir $dh;
	my @ids = map { /^0*(\d+)_/ } @ups;
	is("@ids", '1 2 3 4 5', 'golang-migrate: five fixture migrations');

	# (a)
	my $dir = import_set('golang', 'golang-migrate', $src);
	is(graph_lines(read_dir($dir)), graph_lines(chain(@ids)),
		'golang-migrate: ids are the versions without leading zeros, in a chain');

	# (b)
	my $a = new_db('golang_a');
	push_and_upgrade('golang-migrate', $a, $dir, 5);
	is(graph_lines(db_graph($a)), graph_lines(chain(@ids)),
		'golang-migrate: registered graph is the chain of versions');
	is(up_events($a), "@ids", 'golang-migrate: upgrade applied the versions in order');
	is( query($a,
			q{SELECT count(*) FROM migrate.revisions
			   WHERE up_script ~* '(^|\n)\s*(BEGIN|COMMIT)\s*;'
				  OR down_script ~* '(^|\n)\s*(BEGIN|COMMIT)\s*;'}),
		'0',
		'golang-migrate: the BEGIN;/COMMIT; wrapper of 000003 is stripped');
	is(query($a, q{SELECT count(*) FROM migrate.revisions WHERE down_script IS NULL}),
		'0', 'golang-migrate: every .down.sql became a down script');

	# (c) golang-migrate sends each file as one query
	my $b = new_db('golang_b');
	psql_one_query($b, slurp("$src/$_"), "golang-migrate: direct $_") for @ups;

	# (d)
	same_schema($a, $b, 'golang-migrate: schema after upgrade equals running the files directly');

	# (e)
	downgrade_to_base('golang-migrate', $a);

	# (f) golang-migrate applied 1 and 2: dirty, run, clean for each.
	my $c = new_db('golang_c');
	psql_text($c, $golang_version_table, 'golang-migrate: version table');
	for my $i (0, 1)
	{
		golang_set_version($c, $ids[$i], 'true');
		psql_one_query($c, slurp("$src/$ups[$i]"), "golang-migrate: migrate applies $ups[$i]");
		golang_set_version($c, $ids[$i], 'false');
	}
	pgm_ok($c, [ 'adopt', 'golang-migrate', '--dir', $dir ], 'golang-migrate: adopt');
	is(applied($c), '1:stamp 2:stamp',
		'golang-migrate: adopt records versions 1 and 2 as applied (stamped)');
	is(current($c), '2', 'golang-migrate: current is version 2');
	is(up_events($c), '', 'golang-migrate: adopt ran no migration');
	pgm_ok($c, [ 'upgrade', '--dir', $dir ], 'golang-migrate: upgrade --dir after adopt');
	is(up_events($c), '3 4 5', 'golang-migrate: upgrade after adopt applied only 3, 4, 5');
	is(query($c, q{SELECT string_agg(code, ',') FROM coupons}), 'WELCOME10',
		'golang-migrate: the data step ran once');
	same_schema($c, $b,
		'golang-migrate: adopted and upgraded schema equals running the files directly');

	# (g) migration 3 failed halfway: golang-migrate leaves version 3 dirty.
	my $d = new_db('golang_dirty');
	psql_text($d, $golang_version_table, 'golang-migrate: version table (dirty case)');
	for my $i (0, 1)
	{
		golang_set_version($d, $ids[$i], 'true');
		psql_one_query($d, slurp("$src/$ups[$i]"), "golang-migrate: migrate applies $ups[$i]");
		golang_set_version($d, $ids[$i], 'false');
	}
	golang_set_version($d, 3, 'true');
	pgm_fails($d, [ 'adopt', 'golang-migrate', '--dir', $dir ], [5], qr/dirty/i,
		'golang-migrate: adopt refuses a dirty version');
	is(query($d, 'SELECT count(*) FROM migrate.applied'), '0',
		'golang-migrate: refused adopt recorded nothing');

	# (g) the recorded version has no file (a migration deleted from the repo).
	golang_set_version($d, 7, 'false');
	pgm_fails($d, [ 'adopt', 'golang-migrate', '--dir', $dir ], [5], qr/\b7\b/,
		'golang-migrate: adopt refuses a version missing from the files');
	is(query($d, 'SELECT count(*) FROM migrate.applied'), '0',
		'golang-migrate: refused adopt recorded nothing (missing version)');
}

# ===========================================================================
# Flyway: sql/V<version>__<description>.sql, undo files U<version>__...;
# history in flyway_schema_history.

my $flyway_history_table = <<'EOF';
CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
EOF

# Flyway runs a versioned migration and records it, in one transaction.
sub flyway_apply
{
	my ($db, $src, $rank, $script, $success) = @_;
	my ($version, $desc) = $script =~ /^V([^_]+(?:_\d+)*)__(.*)\.sql$/;
	$version =~ s/_/./g;
	$desc =~ s/_/ /g;
	my $text = slurp("$src/$script");
	my $checksum = flyway_checksum($text);
	psql_text($db,
		"BEGIN;\n"
		  . ($success eq 'true' ? $text : '')
		  . qq{\nINSERT INTO "public"."flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success")
			   VALUES ($rank, '$version', '$desc', 'SQL', '$script', $checksum, current_user, 17, $success);\nCOMMIT;\n},
		"flyway: flyway migrate records $script (success=$success)");
	return;
}

{
	my $src = "$fixtures/flyway/sql";
	# Flyway's order: versions compared numerically, part by part.
	my @order = (
		[ '1', 'V1__Create_users.sql' ],
		[ '1.1', 'V1.1__Add_users_email_index.sql' ],
		[ '2', 'V2__Create_projects.sql' ],
		[ '2.1', 'V2_1__Add_project_archived.sql' ],
		[ '10', 'V10__Create_audit_log.sql' ]);
	my @ids = map { $_->[0] } @order;
	ok(-f "$src/$_->[1]", "flyway: fixture $_->[1]") for @order;

	# (a)
	my $dir = import_set('flyway', 'flyway', $src);
	is(graph_lines(read_dir($dir)), graph_lines(chain(@ids)),
		'flyway: ids are the versions (2_1 read as 2.1), in numeric order');

	# (b)
	my $a = new_db('flyway_a');
	push_and_upgrade('flyway', $a, $dir, 5);
	is(graph_lines(db_graph($a)), graph_lines(chain(@ids)),
		'flyway: registered graph is the chain of versions');
	is(up_events($a), "@ids", 'flyway: upgrade applied V1, V1.1, V2, V2_1, V10 in that order');
	is( query($a,
			q{SELECT string_agg(id, ' ' ORDER BY seq) FROM migrate.revisions
			   WHERE down_script IS NULL}),
		'1 1.1',
		'flyway: versions without an undo file are irreversible');

	# (c) flyway: each script in its own transaction, in version order
	my $b = new_db('flyway_b');
	$node->command_ok(
		[
			'psql', '-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1',
			'-d', $b, '-f', "$src/$_->[1]"
		],
		"flyway: direct $_->[1]") for @order;

	# (d)
	same_schema($a, $b, 'flyway: schema after upgrade equals running the files directly');

	# (e) V1 and V1.1 have no undo: downgrade base is refused and changes
	# nothing; downgrading to 1.1 runs the three undo files.
	my ($rc, $out, $err) = pgm($a, 'downgrade', 'base');
	is($rc, 4, 'flyway: downgrade base through versions without undo is refused')
	  or diag("stdout:\n$out\nstderr:\n$err");
	like($err, qr/^pg_migrate: error: .*(irreversible|no down|cannot be reverted|downgrade)/mi,
		'flyway: the refusal says why');
	is(current($a), '10', 'flyway: the refused downgrade changed nothing');
	pgm_ok($a, [ 'downgrade', '1.1' ], 'flyway: downgrade to 1.1');
	is(current($a), '1.1', 'flyway: current is 1.1');
	my $b11 = new_db('flyway_b11');
	$node->command_ok(
		[
			'psql', '-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1',
			'-d', $b11, '-f', "$src/$_->[1]"
		],
		"flyway: direct $_->[1] (1.1 database)") for @order[ 0, 1 ];
	same_schema($a, $b11, 'flyway: after downgrade to 1.1 the schema is V1 + V1.1');

	# (f) flyway applied 1, 1.1 and 2.
	my $c = new_db('flyway_c');
	psql_text($c, $flyway_history_table, 'flyway: history table');
	flyway_apply($c, $src, $_ + 1, $order[$_][1], 'true') for 0 .. 2;
	pgm_ok($c, [ 'adopt', 'flyway', '--dir', $dir ], 'flyway: adopt');
	is(applied($c), '1.1:stamp 1:stamp 2:stamp',
		'flyway: adopt records 1, 1.1 and 2 as applied (stamped)');
	is(current($c), '2', 'flyway: current is 2');
	is(up_events($c), '', 'flyway: adopt ran no migration');
	pgm_ok($c, ['upgrade'], 'flyway: upgrade after adopt');
	is(up_events($c), '2.1 10', 'flyway: upgrade after adopt applied only 2.1 and 10');
	is(query($c, q{SELECT username || ':' || enabled FROM app_user}), 'system:false',
		'flyway: data steps ran once each');
	same_schema($c, $b, 'flyway: adopted and upgraded schema equals running the files directly');

	# flyway baseline -baselineVersion=1 on a database that already had V1's
	# schema, then flyway migrate ran V1.1: the baseline counts as applied.
	my $bl = new_db('flyway_baseline');
	psql_text($bl, $flyway_history_table, 'flyway: history table (baseline case)');
	psql_file($bl, "$src/$order[0][1]", 'flyway: the schema that was baselined');
	psql_text($bl,
		q{INSERT INTO "public"."flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success")
		  VALUES (1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, current_user, 0, true);},
		'flyway: flyway baseline');
	flyway_apply($bl, $src, 2, $order[1][1], 'true');
	pgm_ok($bl, [ 'adopt', 'flyway', '--dir', $dir ], 'flyway: adopt a baselined history');
	is(applied($bl), '1.1:stamp 1:stamp',
		'flyway: adopt records the baseline version and 1.1 as applied');
	pgm_ok($bl, ['upgrade'], 'flyway: upgrade after adopting a baselined history');
	is(up_events($bl), '2 2.1 10', 'flyway: upgrade after the baseline applied 2, 2.1 and 10');
	same_schema($bl, $b, 'flyway: baselined, adopted and upgraded schema equals running the files');

	# (g) V1.1 failed and flyway recorded it with success = false.
	my $f = new_db('flyway_failed');
	psql_text($f, $flyway_history_table, 'flyway: history table (failed case)');
	flyway_apply($f, $src, 1, $order[0][1], 'true');
	flyway_apply($f, $src, 2, $order[1][1], 'false');
	pgm_fails($f, [ 'adopt', 'flyway', '--dir', $dir ], [5], qr/fail|success/i,
		'flyway: adopt refuses a failed migration in the history');
	is(query($f, 'SELECT count(*) FROM migrate.applied'), '0',
		'flyway: refused adopt recorded nothing');

	# (g) repeatable migrations are not imported.
	pgm_fails(undef,
		[ 'import', 'flyway', "$fixtures/flyway-repeatable/sql", '--dir', "$tmp/import_flyway_r" ],
		[5], qr/not supported yet/, 'flyway: import refuses R__ files');
	like(
		(pgm(undef, 'import', 'flyway', "$fixtures/flyway-repeatable/sql",
			'--dir', "$tmp/import_flyway_r2"))[2],
		qr/R__Active_users_view\.sql/,
		'flyway: the refusal names the repeatable file');
}

# ===========================================================================
# sqitch: sqitch.plan with deploy/, revert/ and verify/ scripts; the
# registry schema "sqitch".

{
	my $src = "$fixtures/sqitch";
	my (@changes, %tags);
	for my $line (split /\n/, slurp("$src/sqitch.plan"))
	{
		next if $line =~ /^\s*(?:%|#|$)/;
		if ($line =~ /^@(\S+)/)
		{
			$tags{ $changes[-1] } = $1;
			next;
		}
		my ($name) = $line =~ /^(\S+)/;
		push @changes, $name;
	}
	is("@changes", 'appschema currencies accounts entries entries_memo balances',
		'sqitch: plan order');
	is(join(' ', map { "$_\@$tags{$_}" } sort keys %tags), 'balances@v1.1 entries@v1.0',
		'sqitch: plan tags');

	# (a)
	my $dir = import_set('sqitch', 'sqitch', $src);
	my $files = read_dir($dir);
	is(join(' ', map { s/ \{.*\}$//r } split /\n/, graph_lines($files)),
		join(' ', split /\n/, graph_lines({
			map {
				my $r = chain(@changes)->{$_};
				$r->{labels} = $tags{$_} ? [ $tags{$_} ] : [];
				($_ => $r)
			} @changes
		})),
		'sqitch: ids are the change names, in plan order, tags as branch labels');

	# (b)
	my $a = new_db('sqitch_a');
	push_and_upgrade('sqitch', $a, $dir, 6);
	is(up_events($a), "@changes", 'sqitch: upgrade applied the changes in plan order');
	is( join(' ', sort split /\n/,
			query($a, q{SELECT id || '@' || array_to_string(branch_labels, ',')
						  FROM migrate.history() WHERE cardinality(branch_labels) > 0})),
		'balances@v1.1 entries@v1.0',
		'sqitch: registered branch labels are the tags');
	is( query($a,
			q{SELECT count(*) FROM migrate.revisions
			   WHERE up_script ~* '(^|\n)\s*(BEGIN|COMMIT)\s*;'
				  OR down_script ~* '(^|\n)\s*(BEGIN|COMMIT)\s*;'}),
		'0',
		"sqitch: the BEGIN;/COMMIT; of sqitch's script template is stripped");
	is(query($a, q{SELECT count(*) FROM migrate.revisions WHERE down_script IS NULL}),
		'0', 'sqitch: every revert script became a down script');

	# (c) sqitch runs psql -f for each deploy script
	my $b = new_db('sqitch_b');
	psql_file($b, "$src/deploy/$_.sql", "sqitch: direct deploy/$_.sql") for @changes;

	# (d)
	same_schema($a, $b, 'sqitch: schema after upgrade equals running the deploy scripts');

	# (e)
	downgrade_to_base('sqitch', $a);

	# (f) sqitch deployed through @v1.0: its registry as sqitch left it, and
	# the four deploy scripts.
	my $c = new_db('sqitch_c');
	psql_file($c, "$fixtures/state/sqitch-registry-v1.0.sql", 'sqitch: registry at @v1.0');
	psql_file($c, "$src/deploy/$_.sql", "sqitch: sqitch deploys $_") for @changes[ 0 .. 3 ];
	pgm_fails($c, [ 'adopt', 'sqitch', '--dir', $dir, '--tool-project', 'payroll' ], [5],
		qr/payroll/, 'sqitch: adopt refuses a project the registry does not have');
	is(query($c, 'SELECT count(*) FROM migrate.applied'), '0',
		'sqitch: refused adopt recorded nothing');
	pgm_ok($c, [ 'adopt', 'sqitch', '--dir', $dir ], "sqitch: adopt (the registry's only project)");
	is(applied($c), join(' ', sort map { "$_:stamp" } @changes[ 0 .. 3 ]),
		'sqitch: adopt records the changes deployed through @v1.0 (stamped)');
	is(current($c), 'entries', 'sqitch: current is entries (@v1.0)');
	is(up_events($c), '', 'sqitch: adopt ran no migration');
	like(pgm_ok($c, [ 'adopt', 'sqitch', '--dir', $dir, '--tool-project', 'ledger' ],
			'sqitch: adopt --tool-project ledger again'),
		qr/already adopted/, 'sqitch: the second adopt says it is already done');
	pgm_ok($c, ['upgrade'], 'sqitch: upgrade after adopt');
	is(up_events($c), 'entries_memo balances',
		'sqitch: upgrade after adopt applied only the changes after @v1.0');
	is(query($c, q{SELECT string_agg(code, ',' ORDER BY code) FROM ledger.currencies}),
		'EUR,USD', 'sqitch: the data step ran once');
	same_schema($c, $b, 'sqitch: adopted and upgraded schema equals running the deploy scripts');

	# (g) a reworked change has two scripts under one name.
	pgm_fails(undef,
		[ 'import', 'sqitch', "$fixtures/sqitch-rework", '--dir', "$tmp/import_sqitch_rework" ],
		[5], qr/rework/i, 'sqitch: import refuses a reworked change');
}

# ===========================================================================
# Alembic: versions/*.py plus the offline SQL of "alembic upgrade
# base:heads --sql" and "alembic downgrade heads:base --sql".

{
	my $src = "$fixtures/alembic";
	my $upgrade_sql = slurp("$src/upgrade.sql");
	my @markers = $upgrade_sql =~ /^-- Running upgrade ([^\n]*)$/mg;
	is(scalar @markers, 6, 'alembic: six steps in upgrade.sql');

	my %expected = (
		'1975ea83b712' => { parents => [], labels => [], depends => [] },
		'ae1027a6acf0' => { parents => ['1975ea83b712'], labels => [], depends => [] },
		'3f5c1e2d8a90' => { parents => ['1975ea83b712'], labels => ['audit'], depends => [] },
		'4b8e2c9d1f37' =>
		  { parents => ['3f5c1e2d8a90'], labels => [], depends => ['ae1027a6acf0'] },
		'5d0a7e3c6b21' =>
		  { parents => [ 'ae1027a6acf0', '4b8e2c9d1f37' ], labels => [], depends => [] },
		'6e1f8a4b2c53' => { parents => ['5d0a7e3c6b21'], labels => [], depends => [] });
	my %message = (
		'1975ea83b712' => 'create account table',
		'ae1027a6acf0' => 'create product table',
		'3f5c1e2d8a90' => 'create audit log',
		'4b8e2c9d1f37' => 'audit product price changes',
		'5d0a7e3c6b21' => 'merge audit branch',
		'6e1f8a4b2c53' => 'add account status');

	# (a)
	my $dir = import_set(
		'alembic', 'alembic', "$src/upgrade.sql",
		'--downgrade-sql' => "$src/downgrade.sql",
		'--versions' => "$src/migrations/versions");
	is(graph_lines(read_dir($dir)), graph_lines(\%expected),
		'alembic: imported files have the revision ids, merge parents, branch label and dependency');

	# (b)
	my $a = new_db('alembic_a');
	push_and_upgrade('alembic', $a, $dir, 6);
	is(graph_lines(db_graph($a)), graph_lines(\%expected),
		'alembic: migrate.history() shows the parents, merge, label and dependency');
	is( join("\n", sort split /\n/,
			query($a, q{SELECT id || ': ' || split_part(message, E'\n', 1)
						  FROM migrate.revisions})),
		join("\n", sort map { "$_: $message{$_}" } keys %message),
		'alembic: messages are the first lines of the docstrings');
	is( query($a,
			q{SELECT count(*) FROM migrate.revisions
			   WHERE message ~ 'Revision ID|Create Date'}),
		'0', "alembic: messages do not carry the docstring's bookkeeping lines");
	is( query($a,
			q{SELECT count(*) FROM migrate.revisions
			   WHERE up_script ~ 'alembic_version|Running (up|down)grade'
				  OR down_script ~ 'alembic_version|Running (up|down)grade'
				  OR up_script ~* '(^|\n)\s*(BEGIN|COMMIT)\s*;'
				  OR down_script ~* '(^|\n)\s*(BEGIN|COMMIT)\s*;'}),
		'0',
		"alembic: scripts carry no alembic_version bookkeeping, markers or transaction wrapper");
	is(query($a, q{SELECT count(*) FROM migrate.revisions WHERE down_script IS NULL}),
		'0', 'alembic: every revision got its down script from downgrade.sql');
	is( query($a,
			q{SELECT btrim(up_script, E' \n') || '|' || btrim(down_script, E' \n')
				FROM migrate.revisions WHERE id = '5d0a7e3c6b21'}),
		'|', 'alembic: the empty merge revision has empty scripts');

	# The order of application is valid: parents and dependencies first.
	my @applied = split / /, up_events($a);
	is(join(' ', sort @applied), join(' ', sort keys %expected),
		'alembic: upgrade applied every revision once');
	my %pos;
	@pos{@applied} = 0 .. $#applied;
	my @late = grep {
		my $id = $_;
		grep { !defined $pos{$_} || $pos{$_} > $pos{$id} }
		  @{ $expected{$id}{parents} }, @{ $expected{$id}{depends} }
	} @applied;
	is("@late", '', 'alembic: every revision ran after its parents and dependencies');
	is(current($a), '6e1f8a4b2c53', 'alembic: current is the head');

	# (c) alembic's offline SQL, as a DBA would run it
	my $b = new_db('alembic_b');
	psql_file($b, "$src/upgrade.sql", 'alembic: direct upgrade.sql');
	is(query($b, 'SELECT version_num FROM alembic_version'), '6e1f8a4b2c53',
		'alembic: upgrade.sql records the head in alembic_version');

	# (d)
	same_schema($a, $b, 'alembic: schema after upgrade equals running upgrade.sql');

	# (e)
	downgrade_to_base('alembic', $a);

	# (f) alembic applied three steps: the account table, then both
	# branches' first revisions; alembic_version holds the two heads.
	# Cutting the offline script before a step marker and committing gives
	# exactly what alembic upgrade leaves after the steps before it.
	my @starts;
	push @starts, $-[0] while $upgrade_sql =~ /^-- Running upgrade /mg;
	for my $case ([ 'alembic_c', 3, '3f5c1e2d8a90 ae1027a6acf0' ],
		[ 'alembic_c4', 4, '4b8e2c9d1f37' ])
	{
		my ($db, $k, $heads) = @$case;
		my $c = new_db($db);
		psql_text($c, substr($upgrade_sql, 0, $starts[$k]) . "COMMIT;\n",
			"alembic: alembic upgrade runs the first $k steps ($db)");
		is(join(' ', sort split /\n/, query($c, 'SELECT version_num FROM alembic_version')),
			$heads, "alembic: alembic_version after $k steps ($db)");
		pgm_ok($c, [ 'adopt', 'alembic', '--dir', $dir ], "alembic: adopt ($db)");
		is(current($c), $heads, "alembic: current equals alembic_version ($db)");
		my @done = map { (split / -> /, $_)[1] } @markers[ 0 .. $k - 1 ];
		is(applied($c), join(' ', sort map { "$_:stamp" } @done),
			"alembic: applied set is what alembic ran ($db)");
		is(up_events($c), '', "alembic: adopt ran no migration ($db)");
		status_check($c, 1, "alembic: adopted database has pending revisions ($db)");
		pgm_ok($c, ['upgrade'], "alembic: upgrade after adopt ($db)");
		my @rest = map { (split / -> /, $_)[1] } @markers[ $k .. $#markers ];
		is(join(' ', sort split / /, up_events($c)), join(' ', sort @rest),
			"alembic: upgrade after adopt applied only the rest ($db)");
		is(query($c, q{SELECT string_agg(sku, ',') FROM product}), 'GIFT-25',
			"alembic: the data step ran once ($db)");
		same_schema($c, $b, "alembic: adopted and upgraded schema equals upgrade.sql ($db)");
	}

	# (g) alembic_version names a revision that is not in the files.
	my $m = new_db('alembic_missing');
	psql_text($m, q{CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version (version_num) VALUES ('0badc0ffee00');},
		'alembic: alembic_version with an unknown revision');
	pgm_fails($m, [ 'adopt', 'alembic', '--dir', $dir ], [5], qr/0badc0ffee00/,
		'alembic: adopt refuses a revision missing from the files');
	is(query($m, 'SELECT count(*) FROM migrate.applied'), '0',
		'alembic: refused adopt recorded nothing');
}

# ===========================================================================
# Sources that are not there.

{
	my $n = new_db('no_history');
	for my $format ('golang-migrate', 'alembic')
	{
		my $d = $format eq 'alembic' ? "$tmp/import_alembic" : "$tmp/import_golang";
		pgm_fails($n, [ 'adopt', $format, '--dir', $d ], [5],
			qr/schema_migrations|alembic_version/,
			"$format: adopt without the tool's history table");
	}
	is(query($n, 'SELECT count(*) FROM migrate.applied'), '0',
		'adopt without a history table recorded nothing');
}

pgm_fails(undef, [ 'import', 'dbmate', "$tmp/no/such/dir", '--dir', "$tmp/import_none" ],
	[5], qr/no\/such\/dir/, 'import of a missing source directory');
pgm_fails(undef, [ 'import', 'liquibase', "$fixtures/dbmate/db/migrations", '--dir', "$tmp/import_lb" ],
	[ 2, 5 ], qr/liquibase/, 'import of an unknown format');

$node->stop;

done_testing();
