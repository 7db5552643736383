# Copyright (c) pg_migrate contributors
#
# test/t/007_client.pl
#
# The pg_migrate command-line client (client/*.c, docs/design.md section 8):
# every subcommand's output and exit status, compared exactly.  Only what
# varies between runs is masked: durations ("(1.2 ms)", "in 3.4 ms",
# duration_ms), timestamps, the time prefix of file names made by "new"
# and "merge --dir", random ids where no --id is given, the program path
# in getopt's messages (IPC::Run runs the full path), libpq's wording of a
# connection failure and pg_dump's \restrict key.
#
#  1. usage: --help, --version, help, no/unknown command, argument counts,
#     unknown options, connection failure
#  2. new: root, child of the head, --parents base/a,b, --branch-label,
#     --depends-on, two heads refused, -m missing, duplicate and invalid ids
#  3. file format errors (FILE:LINE: ...), headerless dbmate files
#  4. push: new, unchanged, message only, changed, changed applied files
#     (refused; --ignore-changed), a server error names the file and
#     registers nothing, --json
#  5. upgrade / downgrade / stamp, --dir, relative targets, --json, a
#     failing revision, --per-revision with CREATE INDEX CONCURRENTLY
#  6. read commands: current, heads, branches, history, status, plan,
#     script, show, merge (database and --dir), each with --json
#  7. pull: round trip of tricky content through two databases, byte for
#     byte; existing files are not overwritten without --force
#  8. bundle: psql -f of a bundle gives what push + upgrade gives
#  9. projects: --project, PGMIGRATE_PROJECT and PGMIGRATE_DIR
# 10. regressions of bugs found while writing this test
#
# The test works in a temporary directory and uses relative paths, so that
# file names in messages are fixed.

use strict;
use warnings;

use Cwd;
use File::Path;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

# Every database starts with the extension.
$node->safe_psql('postgres', 'CREATE DATABASE tmpl');
$node->safe_psql('tmpl', 'CREATE EXTENSION pg_migrate');
foreach my $db (qw(db1 db2 db3 db4 db5 db6 db7))
{
	$node->safe_psql('postgres', "CREATE DATABASE $db TEMPLATE tmpl");
}

my $start_dir = getcwd();
my $work = PostgreSQL::Test::Utils::tempdir;
chdir $work or die "chdir $work: $!";

delete $ENV{$_} for qw(PGMIGRATE_DIR PGMIGRATE_PROJECT PGSERVICE PGOPTIONS);
my $user = getpwuid($<);
my $U = sprintf '%-10s', $user;    # in the applied_by column of status

# ---------------------------------------------------------------------------
# helpers (and those of PgMigrateClient.pm)

pgm_client_setup(node => $node, user => $user, db => 'db1');

# JSON with what varies replaced and booleans as strings, for is_deeply.
sub norm_json
{
	my ($v, $key) = @_;
	if (ref $v eq 'HASH')
	{
		return { map { $_ => norm_json($v->{$_}, $_) } keys %$v };
	}
	if (ref $v eq 'ARRAY')
	{
		return [ map { norm_json($_, $key) } @$v ];
	}
	if (JSON::PP::is_bool($v))
	{
		return $v ? 'true' : 'false';
	}
	if (defined $v && defined $key
		&& $key =~ /^(applied_at|registered_at|duration_ms|since|changed_at|fingerprint)$/)
	{
		return 'X';
	}
	return defined $v ? mask($v) : $v;
}

# Run with --json and compare the parsed stdout with a structure.
sub check_json
{
	my ($name, $args, $rc, $expected, $opts) = @_;
	my ($grc, $gout, $gerr) = pgm($opts // {}, @$args, '--json');
	is($grc, $rc, "$name --json: exit status $rc");
	is(mask($gerr), ($opts // {})->{err} // '', "$name --json: stderr");
	my $got = eval { decode_json($gout) };
	ok(defined $got || $gout eq "null\n", "$name --json: stdout is JSON")
	  or diag("stdout: $gout, error: $@");
	is_deeply(norm_json($got), norm_json($expected), "$name --json: content")
	  or diag("stdout: $gout");
	like($gout, qr/\A[^\n]*\n\z/, "$name --json: one line");
	return $got;
}

sub sql
{
	my ($db, $q) = @_;
	return $node->safe_psql($db, $q);
}

# ---------------------------------------------------------------------------
# 1. usage

my $usage = <<'EOT';
pg_migrate manages schema migrations kept in the database by the pg_migrate extension.

Usage:
  pg_migrate [OPTION]... COMMAND [ARG]...

Commands:
  new -m MESSAGE [--dir D] [--parents IDS] [--branch-label L] [--depends-on IDS] [--id ID]
  diff --schema PATH -m MESSAGE [--dir D] [--dry-run] [--dev-db CONNINFO]
       [--rename OLD:NEW]... [--allow-destructive] [--online]
  push [--dir D] [--ignore-changed]
  upgrade [TARGET] [--dir D [--allow-extra]] [--per-revision] [--trust-registrants]
  downgrade TARGET [--dir D] [--per-revision] [--trust-registrants]
  stamp TARGET [--purge] [--dir D]
  current
  heads [--resolve-dependencies]
  branches
  history [RANGE] [-v]
  status [--check] [--dir D]
  check [--dir D]
  verify [TARGET] [--dir D] [--scratch CONNINFO [--offline] [--per-revision]] [--trust-registrants]
  plan [TARGET] [--dir D [--offline] [--from REVS]]
  script [TARGET or RANGE] [--dir D [--offline] [--from REVS]]
  lint [FILE...] [--dir D] [--offline] [--json]
  merge [REVISION...] [-m MESSAGE] [--id ID] [--dir D]
  show REVISION
  pull [--dir D] [--force]
  prune [--dir D]
  bundle [--dir D] [-o FILE] [--per-revision]
  import FORMAT SOURCE --dir D [--downgrade-sql FILE] [--versions DIR]
  adopt FORMAT [--dir D] [--table TABLE] [--tool-project NAME]
  fleet {--targets FILE | --service-group PATTERN | --projects PATTERN} [-j N]
       [--canary K] [--stop-on-error] [--json] COMMAND [ARG]...
       (COMMAND: upgrade, status --check, check, push, downgrade or verify, run
       for every target with -d CONNINFO, or --project NAME, before its ARGs)
  help

Options:
  -d, --dbname=CONNINFO   database to connect to (conninfo string or URI;
                          default: $DATABASE_URL, the PG* environment variables
                          filling in what it leaves out)
      --project=NAME      migration project (default $PGMIGRATE_PROJECT or "default")
      --dir=DIR           migrations directory (default $PGMIGRATE_DIR or "migrations")
      --json              machine-readable output
  -v, --verbose           history: dates, authors and whole messages
      --offline           plan, script and lint from --dir alone, without a database
                          (also when no -d, DATABASE_URL, PGHOST, PGPORT,
                          PGDATABASE or PGSERVICE says where one is)
      --from=REVS         offline: start from these revisions (comma-separated)
                          and what lies below them applied (default: nothing)
      --scratch=CONNINFO  verify: a database to push the directory to and run
                          the proofs in, instead of -d's (--per-revision commits there)
  -m, --message=TEXT      message of a new revision
      --schema=PATH       diff: the desired schema, an .sql file or a directory
                          of them (run in name order)
      --dry-run           diff: print the new file(s) instead of writing them
      --dev-db=CONNINFO   diff: an empty database to work in, instead of the two
                          scratch databases it otherwise creates (and drops) on
                          -d's server (which needs CREATEDB): the desired schema
                          and the directory are each run there in a transaction
                          that is rolled back, so it stays empty; a database
                          with tables, types, functions or pg_migrate is refused,
                          and so are revisions that cannot run in a transaction
      --rename=OLD:NEW    diff: OLD ([schema.]table.column or [schema.]table) is
                          renamed to NEW, keeping its data (repeatable)
      --allow-destructive diff: write steps that drop objects or narrow types
                          (otherwise they are written commented out)
      --online            diff: index builds on existing tables go to a second,
                          nontransactional revision, CREATE INDEX CONCURRENTLY
      --targets=FILE      fleet: a target a line, CONNINFO or NAME = CONNINFO
                          (blank lines and lines starting with # ignored)
      --service-group=PATTERN
                          fleet: every pg_service.conf service matching the glob
      --projects=PATTERN  fleet: every project of -d's database matching the glob
  -j, --jobs=N            fleet: targets run at once (1 to 64, default 4)
      --canary=K          fleet: run the first K targets first, one at a time,
                          and nothing else when one of them fails
      --stop-on-error     fleet: start no further target after a failure
      --version           show the version and exit
      --help              show this help and exit

Formats for import and adopt: dbmate, golang-migrate, flyway, sqitch, alembic.
Exit status: 0 success, 1 not up to date (status --check), not as expected
(check) or a failed proof (verify, diff: nothing written), 2 usage error
(diff: also files written with steps left to do by hand), 3 connection
failure, 4 error reported by the server (offline: the same refusal), 5 file
or source error; diff interrupted by a signal: 128 + its number (SIGINT 130).
fleet: 0 when every target succeeded, 1 when a target failed or was skipped,
2 usage error (also: no target matched), 5 unreadable or bad targets file,
130 interrupted (after the report).
EOT

my $try = qq{Try "pg_migrate --help" for more information.\n};

check('--help', ['--help'], 0, $usage, '');
check('help command', ['help'], 0, $usage, '');
check('--version', ['--version'], 0, "pg_migrate 0.4.0\n", '');
check('--trust-registrants on a read command', [ 'status', '--trust-registrants' ], 2, '',
	"pg_migrate: error: --trust-registrants applies to upgrade, downgrade and verify only\n");
check('no command', [], 2, '', "pg_migrate: error: no command given\n$try");
check('no command after options', [ '--json', '--project', 'x' ],
	2, '', "pg_migrate: error: no command given\n$try");
check('unknown command', ['frobnicate'],
	2, '', qq{pg_migrate: error: unknown command "frobnicate"\n$try});
check('unknown option', [ '--frobnicate', 'current' ],
	2, '', "pg_migrate: unrecognized option '--frobnicate'\n$try");
check('unknown short option', [ '-x', 'current' ],
	2, '', "pg_migrate: invalid option -- 'x'\n$try");
check('option without its value', [ 'current', '--project' ],
	2, '', "pg_migrate: option '--project' requires an argument\n$try");
check('too many arguments', [ 'current', 'extra' ],
	2, '',
	qq{pg_migrate: error: wrong number of arguments for "current"\nUsage: pg_migrate current\n});
check('missing argument', ['show'],
	2, '',
	qq{pg_migrate: error: wrong number of arguments for "show"\nUsage: pg_migrate show REVISION\n});
check('downgrade needs a target', ['downgrade'],
	2, '',
	qq{pg_migrate: error: wrong number of arguments for "downgrade"\nUsage: pg_migrate downgrade TARGET [--dir D] [--per-revision] [--trust-registrants]\n});
check('upgrade takes one target', [ 'upgrade', 'a', 'b' ],
	2, '',
	qq{pg_migrate: error: wrong number of arguments for "upgrade"\nUsage: pg_migrate upgrade [TARGET] [--dir D [--allow-extra]] [--per-revision] [--trust-registrants]\n});

{
	my ($rc, $out, $err) = pgm('-d', 'host=/nonexistent port=1', 'current');
	is($rc, 3, 'connection failure: exit status 3');
	is($out, '', 'connection failure: nothing on stdout');
	like(
		$err,
		qr{\Apg_migrate: error: could not connect: connection to server on socket "/nonexistent/\.s\.PGSQL\.1" failed: No such file or directory\n.*\nHINT:  Connect with -d CONNINFO, DATABASE_URL or the PG\* environment variables \(PGHOST, PGPORT, PGDATABASE, PGUSER, PGSERVICE\); passwords come from ~/\.pgpass\.\n\z}s,
		'connection failure: stderr');
}
{
	# -d takes a URI too, and wins over PGDATABASE
	# (project "conn" exists in db2 only)
	sql('db2', q{SELECT migrate.revision('c1', 'SELECT 1', project => 'conn')});
	my ($rc, $out, $err) = pgm('-d', $node->connstr('db2'), 'current', '--project', 'conn');
	is("$rc|$out|$err", '0||', '-d with a conninfo string');
	sql('db2', q{SET pg_migrate.allow_drop_with_history = on; DROP EXTENSION pg_migrate; CREATE EXTENSION pg_migrate});
}

# ---------------------------------------------------------------------------
# 2. new

check('new: first revision into a directory that does not exist',
	[ 'new', '-m', 'A: create users', '--id', 'u1', '--dir', 'n1' ],
	0, "created n1/TS_a_create_users.sql (revision u1)\n", '');
my @n1 = ls_dir('n1');
is(scalar @n1, 1, 'new: one file');
like($n1[0], qr/^\d{14}_a_create_users\.sql$/, 'new: file name is time stamp and slug');
is(rfile("n1/$n1[0]"),
	"-- migrate:revision u1\n-- migrate:message A: create users\n-- migrate:up\n\n-- migrate:down\n\n",
	'new: content of a root revision');

check('new: the head becomes the parent',
	[ 'new', '-m', 'B: add email', '--id', 'u2', '--dir', 'n1' ],
	0, "created n1/TS_b_add_email.sql (revision u2)\n", '');
my ($f) = grep { /_b_add_email\.sql$/ } ls_dir('n1');
is(rfile("n1/$f"),
	"-- migrate:revision u2\n-- migrate:parents u1\n-- migrate:message B: add email\n-- migrate:up\n\n-- migrate:down\n\n",
	'new: content of a child revision');

check('new --parents base',
	[ 'new', '-m', 'C: another root', '--id', 'r2', '--dir', 'n1', '--parents', 'base' ],
	0, "created n1/TS_c_another_root.sql (revision r2)\n", '');
($f) = grep { /_c_another_root\.sql$/ } ls_dir('n1');
is(rfile("n1/$f"),
	"-- migrate:revision r2\n-- migrate:message C: another root\n-- migrate:up\n\n-- migrate:down\n\n",
	'new --parents base: no parents line');

check('new with two heads in the directory',
	[ 'new', '-m', 'D: which parent', '--dir', 'n1' ],
	2, '',
	qq{pg_migrate: error: the directory has 2 heads: u2, r2\nHINT:  Give the parent with --parents ID (or several, comma-separated, to merge them), or run "pg_migrate merge --dir n1 -m MESSAGE" first.\n});
is(scalar(ls_dir('n1')), 3, 'new with two heads: no file written');

check('new --branch-label --depends-on',
	[
		'new', '-m', 'D: feature', '--id', 'f1', '--dir', 'n1',
		'--parents', 'r2', '--branch-label', 'feature', '--depends-on', 'u1'
	],
	0, "created n1/TS_d_feature.sql (revision f1)\n", '');
($f) = grep { /_d_feature\.sql$/ } ls_dir('n1');
is(rfile("n1/$f"),
	"-- migrate:revision f1\n-- migrate:parents r2\n-- migrate:message D: feature\n-- migrate:branch-labels feature\n-- migrate:depends-on u1\n-- migrate:up\n\n-- migrate:down\n\n",
	'new --branch-label --depends-on: content');

check('new --parents a,b (a merge)',
	[ 'new', '-m', 'E: join', '--id', 'j1', '--dir', 'n1', '--parents', 'u2,f1' ],
	0, "created n1/TS_e_join.sql (revision j1)\n", '');
($f) = grep { /_e_join\.sql$/ } ls_dir('n1');
is(rfile("n1/$f"),
	"-- migrate:revision j1\n-- migrate:parents u2, f1\n-- migrate:message E: join\n-- migrate:up\n\n-- migrate:down\n\n",
	'new --parents a,b: content');

check('new without -m', [ 'new', '--dir', 'n1', '--id', 'x1' ],
	2, '', "pg_migrate: error: new needs a message (-m MESSAGE)\n");
check('new with an id that exists',
	[ 'new', '-m', 'again', '--id', 'u1', '--dir', 'n1' ],
	5, '', qq{pg_migrate: error: revision "u1" already exists in "TS_a_create_users.sql"\n});
check('new with a reserved id', [ 'new', '-m', 'bad', '--id', 'head', '--dir', 'n1' ],
	2, '', qq{pg_migrate: error: invalid revision id "head": it is a reserved word\n});
check('new with an invalid id', [ 'new', '-m', 'bad', '--id', 'a:b', '--dir', 'n1' ],
	2, '',
	qq{pg_migrate: error: invalid revision id "a:b": only letters, digits, "_", "-" and "." are allowed\n});
# the server's rule, shared code: a leading sign would read as a relative step
check('new with an id that starts with a sign', [ 'new', '-m', 'bad', '--id=-abc', '--dir', 'n1' ],
	2, '',
	qq{pg_migrate: error: invalid revision id "-abc": it must not start with "-" or "+", which would read as a relative step\n});
is(scalar(ls_dir('n1')), 5, 'new: refused ids wrote nothing');

my $rid;
{
	# a random id: twelve hex digits
	my ($rc, $out, $err) = pgm('new', '-m', 'F: random id', '--dir', 'n1');
	is($rc, 0, 'new with a random id: exit status 0');
	like($out, qr{\Acreated n1/\d{14}_f_random_id\.sql \(revision [0-9a-f]{12}\)\n\z},
		'new with a random id: stdout');
	is($err, '', 'new with a random id: stderr');
	($rid) = $out =~ /revision ([0-9a-f]{12})/;
	($f) = grep { /_f_random_id\.sql$/ } ls_dir('n1');
	is(rfile("n1/$f"),
		"-- migrate:revision $rid\n-- migrate:parents j1\n-- migrate:message F: random id\n-- migrate:up\n\n-- migrate:down\n\n",
		'new with a random id: content');

	check_json('new',
		[ 'new', '-m', 'G: json', '--id', 'g1', '--dir', 'n1', '--parents', $rid ],
		0, { revision => 'g1', file => 'n1/TS_g_json.sql' });
}

# Messages that make no slug name the file after the id.
check('new: message without letters or digits',
	[ 'new', '-m', '---', '--id', 'punct', '--dir', 'n2' ],
	0, "created n2/TS_punct.sql (revision punct)\n", '');

# What new wrote is a valid set: it pushes.
check('push of the files made by new', [ 'push', '--dir', 'n1', '--project', 'newfiles' ],
	0, <<"EOT", '');
new       u1 (TS_a_create_users.sql)
new       u2 (TS_b_add_email.sql)
new       r2 (TS_c_another_root.sql)
new       f1 (TS_d_feature.sql)
new       j1 (TS_e_join.sql)
new       $rid (TS_f_random_id.sql)
new       g1 (TS_g_json.sql)
pushed 7 files: 7 new, 0 changed, 0 message only, 0 unchanged
EOT


# ---------------------------------------------------------------------------
# 3. the file format

# A directory "fe" with just these files; push must refuse it with exit
# status 5 before connecting (PGHOST points nowhere to prove it).
sub bad_dir
{
	my ($name, $files, $err) = @_;
	File::Path::rmtree('fe');
	mkdir 'fe' or die "mkdir fe: $!";
	wfile("fe/$_", $files->{$_}) for keys %$files;
	check("format: $name", [ 'push', '--dir', 'fe' ], 5, '', $err,
		{ env => { PGHOST => '/nonexistent' } });
	return;
}

my $hint_sql_before =
  qq{HINT:  Scripts go after a "-- migrate:up" line (and the down script after "-- migrate:down").\n};
my $hint_known =
  qq{HINT:  Known header lines: revision, parents, message, branch-labels, depends-on, up, down.\n};
my $hint_inside =
  qq{HINT:  Header lines go before "-- migrate:up"; a script line may not start with "-- migrate:".\n};

bad_dir('SQL before the up line',
	{ '1_x.sql' => "-- migrate:revision x\n-- a comment is fine\n\nCREATE TABLE x ();\n-- migrate:up\nSELECT 1;\n" },
	qq{pg_migrate: error: fe/1_x.sql:4: SQL before the "-- migrate:up" line\n$hint_sql_before});
bad_dir('unknown header line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:author me\n-- migrate:up\nSELECT 1;\n" },
	qq{pg_migrate: error: fe/1_x.sql:2: unknown header line "-- migrate:author"\n$hint_known});
bad_dir('second revision line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:revision y\n-- migrate:up\nSELECT 1;\n" },
	qq{pg_migrate: error: fe/1_x.sql:2: second "-- migrate:revision" line\n});
bad_dir('second parents line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:parents a\n-- migrate:parents b\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:3: second "-- migrate:parents" line\nHINT:  List several values on one line, separated by commas.\n});
bad_dir('down before up',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 2;\n" },
	qq{pg_migrate: error: fe/1_x.sql:2: "-- migrate:down" before "-- migrate:up"\nHINT:  Write the up section first.\n});
bad_dir('second up line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:up\nSELECT 1;\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:4: second "-- migrate:up" line\n});
bad_dir('second down line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:up\n-- migrate:down\n-- migrate:down\n" },
	qq{pg_migrate: error: fe/1_x.sql:4: second "-- migrate:down" line\n});
bad_dir('no up line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:message nothing else\n" },
	qq{pg_migrate: error: fe/1_x.sql: no "-- migrate:up" line\nHINT:  A migration file has a "-- migrate:up" line followed by its script.\n});
bad_dir('empty file',
	{ '1_x.sql' => "" },
	qq{pg_migrate: error: fe/1_x.sql: no "-- migrate:up" line\nHINT:  A migration file has a "-- migrate:up" line followed by its script.\n});
bad_dir('reserved id',
	{ '1_x.sql' => "-- migrate:revision heads\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:1: invalid revision id "heads": it is a reserved word\n});
bad_dir('id with a colon',
	{ '1_x.sql' => "-- migrate:revision a:b\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:1: invalid revision id "a:b": only letters, digits, "_", "-" and "." are allowed\n});
bad_dir('empty id',
	{ '1_x.sql' => "-- migrate:revision\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:1: invalid revision id "": it is empty\n});
bad_dir('id of 65 characters',
	{ '1_x.sql' => "-- migrate:revision " . ('a' x 65) . "\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:1: invalid revision id "} . ('a' x 65) . qq{": it is longer than 64 characters\n});
bad_dir('invalid parent',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:parents a, b\@c\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:2: invalid parent "b\@c": only letters, digits, "_", "-" and "." are allowed\n});
bad_dir('invalid dependency',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:depends-on base\n-- migrate:up\n" },
	qq{pg_migrate: error: fe/1_x.sql:2: invalid dependency "base": it is a reserved word\n});
bad_dir('revision line inside a script',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:up\nSELECT 1;\n-- migrate:revision y\nSELECT 2;\n" },
	qq{pg_migrate: error: fe/1_x.sql:4: "-- migrate:revision" inside a script\n$hint_inside});
bad_dir('message line inside a down script',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:up\n-- migrate:down\nSELECT 1;\n-- migrate:message late\n" },
	qq{pg_migrate: error: fe/1_x.sql:5: "-- migrate:message" inside a script\n$hint_inside});
bad_dir('unknown option of the up line',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:up transaction:maybe\nSELECT 1;\n" },
	qq{pg_migrate: error: fe/1_x.sql:2: unknown option "transaction:maybe" of "-- migrate:up"\nHINT:  Only dbmate's "transaction:false" is accepted; pg_migrate finds statements that cannot run in a transaction by itself.\n});
bad_dir('the same id in two files',
	{
		'1_x.sql' => "-- migrate:revision x\n-- migrate:up\nSELECT 1;\n",
		'2_y.sql' => "-- migrate:revision x\n-- migrate:up\nSELECT 2;\n"
	},
	qq{pg_migrate: error: revision "x" is defined twice: in "1_x.sql" and in "2_y.sql"\n});
bad_dir('a cycle',
	{
		'1_x.sql' => "-- migrate:revision x\n-- migrate:parents z\n-- migrate:up\n",
		'2_y.sql' => "-- migrate:revision y\n-- migrate:parents x\n-- migrate:up\n",
		'3_z.sql' => "-- migrate:revision z\n-- migrate:parents y\n-- migrate:up\n",
		'4_w.sql' => "-- migrate:revision w\n-- migrate:up\n"
	},
	qq{pg_migrate: error: revision graph of project "default" would contain a cycle\nDETAIL:  The cycle is "x" -> "z" -> "y" -> "x".\nSQLSTATE:  42P17\n});
bad_dir('a cycle through a dependency',
	{
		'1_x.sql' => "-- migrate:revision x\n-- migrate:depends-on y\n-- migrate:up\n",
		'2_y.sql' => "-- migrate:revision y\n-- migrate:parents x\n-- migrate:up\n"
	},
	qq{pg_migrate: error: revision graph of project "default" would contain a cycle\nDETAIL:  The cycle is "x" -> "y" -> "x".\nSQLSTATE:  42P17\n});
bad_dir('a NUL byte',
	{ '1_x.sql' => "-- migrate:revision x\n-- migrate:up\nSELECT '\0';\n" },
	qq{pg_migrate: error: could not read file "fe/1_x.sql": it contains a NUL byte\n});
# What the directory holds besides plain files: a symbolic link to a
# migration is read (its entry type is not "regular file", so the client
# looks at what it points to); a directory named like one and hidden files
# are not migrations.  A script of 200 kB is read whole.
{
	File::Path::rmtree('fd');
	mkdir 'fd' or die "mkdir fd: $!";
	my $big = 'SELECT 1;' . ("\n-- " . ('x' x 60)) x 3300;
	wfile('fd/1_e1.sql', mig(id => 'e1', up => $big, down => 'SELECT 2;'));
	wfile('elsewhere_e2.sql', mig(id => 'e2', parents => 'e1', up => 'SELECT 3;'));
	symlink('../elsewhere_e2.sql', 'fd/2_e2.sql') or die "symlink: $!";
	mkdir 'fd/3_dir.sql' or die "mkdir: $!";
	wfile('fd/.4_hidden.sql', mig(id => 'hidden', up => 'SELECT 4;'));
	check('format: a link, a directory and a hidden file',
		[ 'push', '--dir', 'fd' ], 0, <<'EOT', '', { db => 'db7' });
new       e1 (1_e1.sql)
new       e2 (2_e2.sql)
pushed 2 files: 2 new, 0 changed, 0 message only, 0 unchanged
EOT
	is(sql('db7', q{SELECT length(up_script) FROM migrate.revisions WHERE id = 'e1'}),
		length($big), 'format: the 200 kB script is registered whole');
}

bad_dir('a headerless file whose name is no id',
	{ 'a b_x.sql' => "-- migrate:up\nSELECT 1;\n" },
	qq{pg_migrate: error: fe/a b_x.sql: no "-- migrate:revision" line, and the file name does not start with a valid id ("a b": only letters, digits, "_", "-" and "." are allowed)\nHINT:  Add a "-- migrate:revision ID" line, or name the file VERSION_name.sql as dbmate does.\n});
bad_dir('every broken file is reported',
	{
		'1_x.sql' => "-- migrate:revision x\n",
		'2_y.sql' => "-- migrate:revision y\n-- migrate:bogus\n-- migrate:up\n"
	},
	qq{pg_migrate: error: fe/1_x.sql: no "-- migrate:up" line\nHINT:  A migration file has a "-- migrate:up" line followed by its script.\npg_migrate: error: fe/2_y.sql:2: unknown header line "-- migrate:bogus"\n$hint_known});
check('format: no such directory', [ 'push', '--dir', 'nonexistent' ], 5, '',
	qq{pg_migrate: error: directory "nonexistent" does not exist\nHINT:  Give the migrations directory with --dir (default "migrations", or \$PGMIGRATE_DIR).\n});
check('format: default directory "migrations"', ['push'], 5, '',
	qq{pg_migrate: error: directory "migrations" does not exist\nHINT:  Give the migrations directory with --dir (default "migrations", or \$PGMIGRATE_DIR).\n});

# Headerless dbmate files: the id is the name up to "_", the files chain in
# name order; "transaction:false" is accepted, CRLF line ends too; files not
# ending in .sql are ignored.
mkdir 'dbm' or die;
wfile('dbm/20200101_create_x.sql',
	"-- migrate:up\nCREATE TABLE dbm_x (id int);\n\n-- migrate:down\nDROP TABLE dbm_x;\n");
wfile('dbm/20200202_create_y.sql',
	"-- migrate:up transaction:false\nCREATE TABLE dbm_y (id int);\n-- migrate:down\nDROP TABLE dbm_y;\n");
wfile('dbm/20200303.sql',
	"-- migrate:up\r\nCREATE TABLE dbm_z (id int);\r\n-- migrate:down\r\nDROP TABLE dbm_z;\r\n");
wfile('dbm/README.md', "not a migration\n");
check('dbmate files: push', [ 'push', '--dir', 'dbm', '--project', 'dbmate' ],
	0, <<'EOT', '');
new       20200101 (20200101_create_x.sql)
new       20200202 (20200202_create_y.sql)
new       20200303 (20200303.sql)
pushed 3 files: 3 new, 0 changed, 0 message only, 0 unchanged
EOT
is( sql(
		'db1',
		q{SELECT string_agg(id || ':' || parents::text || ':' || (message IS NULL)
				|| ':' || up_script || ':' || coalesce(down_script, '<null>'), E'\n' ORDER BY seq)
		  FROM migrate.revisions WHERE project = 'dbmate'}),
	"20200101:{}:true:CREATE TABLE dbm_x (id int);\n:DROP TABLE dbm_x;\n"
	  . "20200202:{20200101}:true:CREATE TABLE dbm_y (id int);:DROP TABLE dbm_y;\n"
	  . "20200303:{20200202}:true:CREATE TABLE dbm_z (id int);\r:DROP TABLE dbm_z;\r",
	'dbmate files: ids from the names, chained in name order, scripts exact');
check('dbmate files: upgrade', [ 'upgrade', '--project', 'dbmate' ], 0, <<'EOT', '');
[1/3] up      20200101 (X ms)
[2/3] up      20200202 (X ms)
[3/3] up      20200303 (X ms)
upgraded: 3 steps in X ms
current: 20200303
EOT

# ---------------------------------------------------------------------------
# 4. push (database db1, project "default", directory "m")

mkdir 'm' or die;
my %m = (
	a1 => {
		id => 'a1', message => 'create t1',
		up => 'CREATE TABLE t1 (id int);', down => 'DROP TABLE t1;'
	},
	a2 => {
		id => 'a2', parents => 'a1', message => 'create t2',
		up => 'CREATE TABLE t2 (id int);', down => 'DROP TABLE t2;'
	},
	a3 => {
		id => 'a3', parents => 'a2', message => 'create t3',
		up => 'CREATE TABLE t3 (id int);', down => 'DROP TABLE t3;'
	},
	a4 => {
		id => 'a4', parents => 'a3', message => 'create t4',
		up => 'CREATE TABLE t4 (id int);', down => 'DROP TABLE t4;'
	});
sub write_m
{
	my ($n, %override) = @_;
	wfile("m/00${\ substr($n, 1)}_$n.sql", mig(%{ $m{$n} }, %override));
	return;
}
write_m('a1');
write_m('a2');

my $applied_hint =
  qq{HINT:  Applied history is not edited: restore these files ("pg_migrate pull" writes what is registered) and make the change in a new revision. --ignore-changed pushes the other files and keeps the registered versions of these.\n};

check('push: first', [ 'push', '--dir', 'm' ], 0, <<'EOT', '');
new       a1 (001_a1.sql)
new       a2 (002_a2.sql)
pushed 2 files: 2 new, 0 changed, 0 message only, 0 unchanged
EOT
check('push: again', [ 'push', '--dir', 'm' ], 0,
	"pushed 2 files: 0 new, 0 changed, 0 message only, 2 unchanged\n", '');
check_json('push: again', [ 'push', '--dir', 'm' ], 0,
	{ files => 2, new => 0, changed => 0, message => 0, unchanged => 2, kept => 0 });

# push compares by checksum first (the client computes what the server
# stores): files found unchanged are never sent in full.  If the two
# checksums ever disagreed, every file would go to the full comparison.
sub push_log
{
	my ($name, $want_rc) = @_;
	my $from = -s $node->logfile;
	my ($rc) = pgm({ env => { PGOPTIONS => '-c log_statement=all' } }, 'push', '--dir', 'm');
	is($rc, $want_rc // 0, "$name: exit status " . ($want_rc // 0));
	return slurp_file($node->logfile, $from);
}
my $plog = push_log('push by checksum');
like($plog, qr/r\.checksum OPERATOR\(pg_catalog\.=\) f\.checksum/, 'push by checksum: the checksum query ran');
unlike($plog, qr/r\.up_script OPERATOR\(pg_catalog\.=\) f\.up/,
	'push by checksum: no file was compared in full');

write_m('a2', message => 'create table t2');
check('push: a message change', [ 'push', '--dir', 'm' ], 0, <<'EOT', '');
message   a2 (002_a2.sql)
pushed 2 files: 0 new, 0 changed, 1 message only, 1 unchanged
EOT
is(sql('db1', q{SELECT message FROM migrate.revisions WHERE id = 'a2'}),
	'create table t2', 'push: the new message is registered');

write_m('a2', up => 'CREATE TABLE t2 (id int, note text);');
check('push: a changed file not applied yet', [ 'push', '--dir', 'm' ], 0, <<'EOT', '');
changed   a2 (002_a2.sql)
pushed 2 files: 0 new, 1 changed, 0 message only, 1 unchanged
EOT
is(sql('db1', q{SELECT up_script FROM migrate.revisions WHERE id = 'a2'}),
	'CREATE TABLE t2 (id int, note text);', 'push: the changed script is registered');
$m{a2}{up} = 'CREATE TABLE t2 (id int, note text);';
write_m('a2');

check('upgrade a1', [ 'upgrade', 'a1' ], 0, <<'EOT', '');
[1/1] up      a1 (X ms)
upgraded: 1 step in X ms
current: a1
EOT

write_m('a1', up => 'CREATE TABLE t1 (id bigint);');
check('push: a changed applied file', [ 'push', '--dir', 'm' ], 5, '',
	"pg_migrate: error: 1 applied revision has changed in the files:\n  a1 (001_a1.sql)\n$applied_hint");
$plog = push_log('push of a changed applied file', 5);
like($plog, qr/r\.up_script OPERATOR\(pg_catalog\.=\) f\.up/,
	'push of a changed applied file: compared in full');
write_m('a2', up => 'CREATE TABLE t2 (id int, note text, n int);', down => 'DROP TABLE t2 CASCADE;');
check('push: a changed applied file refuses the whole push', [ 'push', '--dir', 'm' ], 5, '',
	"pg_migrate: error: 1 applied revision has changed in the files:\n  a1 (001_a1.sql)\n$applied_hint");
is(sql('db1', q{SELECT up_script FROM migrate.revisions WHERE id = 'a2'}),
	'CREATE TABLE t2 (id int, note text);', 'push refused: the other changed file was not pushed');
write_m('a2');
write_m('a3');
check('push --ignore-changed', [ 'push', '--dir', 'm', '--ignore-changed' ], 0, <<'EOT',
new       a3 (003_a3.sql)
pushed 3 files: 1 new, 0 changed, 0 message only, 1 unchanged, 1 applied and changed (kept)
EOT
	"pg_migrate: warning: 1 applied revision has changed in the files; registered versions kept:\n  a1 (001_a1.sql)\n"
);
check_json('push --ignore-changed', [ 'push', '--dir', 'm', '--ignore-changed' ], 0,
	{ files => 3, new => 0, changed => 0, message => 0, unchanged => 2, kept => 1 },
	{
		err =>
		  "pg_migrate: warning: 1 applied revision has changed in the files; registered versions kept:\n  a1 (001_a1.sql)\n"
	});
is(sql('db1', q{SELECT up_script FROM migrate.revisions WHERE id = 'a1'}),
	'CREATE TABLE t1 (id int);', 'push --ignore-changed: the applied version is kept');
write_m('a1');

# The message of an applied revision may change.
write_m('a1', message => 'create the table t1');
check('push: a message change of an applied revision', [ 'push', '--dir', 'm' ], 0, <<'EOT', '');
message   a1 (001_a1.sql)
pushed 3 files: 0 new, 0 changed, 1 message only, 2 unchanged
EOT
$m{a1}{message} = 'create the table t1';

# A server error names the file and registers nothing of the push.
write_m('a4');
wfile('m/005_a5.sql', mig(id => 'a5', parents => 'a4', up => 'CREATE TABLE t5 (id int;'));
wfile('m/006_a6.sql', mig(id => 'a6', parents => 'a5', up => 'CREATE TABLE t6 (id int);'));
check('push: a syntax error', [ 'push', '--dir', 'm' ], 4, '', <<'EOT');
pg_migrate: error: m/005_a5.sql: syntax error at or near ";"
CONTEXT:  up script of revision "a5", line 1
SQLSTATE:  42601
EOT
is(sql('db1', q{SELECT string_agg(id, ',' ORDER BY seq) FROM migrate.revisions WHERE project = 'default'}),
	'a1,a2,a3', 'push with a server error: nothing of it registered');
wfile('m/005_a5.sql', mig(id => 'a5', parents => 'nosuch', up => 'CREATE TABLE t5 (id int);'));
check('push: an unknown parent', [ 'push', '--dir', 'm' ], 4, '', <<'EOT');
pg_migrate: error: m/005_a5.sql: parent "nosuch" of revision "a5" is not registered
HINT:  Register the parent revision first.
SQLSTATE:  42P17
EOT
is(sql('db1', q{SELECT string_agg(id, ',' ORDER BY seq) FROM migrate.revisions WHERE project = 'default'}),
	'a1,a2,a3', 'push with an unknown parent: nothing of it registered');
unlink 'm/005_a5.sql', 'm/006_a6.sql';

# ---------------------------------------------------------------------------
# 5. upgrade, downgrade, stamp

# a4 is only in the files: --dir pushes it first.
check('upgrade --dir', [ 'upgrade', '--dir', 'm' ], 0, <<'EOT', '');
pushed 1 revision: 1 new, 0 changed, 0 message only
[1/3] up      a2 (X ms)
[2/3] up      a3 (X ms)
[3/3] up      a4 (X ms)
upgraded: 3 steps in X ms
current: a4
EOT
check('upgrade with nothing to do', ['upgrade'], 0, "nothing to do\ncurrent: a4\n", '');
check('upgrade --dir with nothing to do', [ 'upgrade', '--dir', 'm' ], 0,
	"nothing to do\ncurrent: a4\n", '');
check('downgrade -1', [ 'downgrade', '-1' ], 0, <<'EOT', '');
[1/1] down    a4 (X ms)
downgraded: 1 step in X ms
current: a3
EOT
check('downgrade base', [ 'downgrade', 'base' ], 0, <<'EOT', '');
[1/3] down    a3 (X ms)
[2/3] down    a2 (X ms)
[3/3] down    a1 (X ms)
downgraded: 3 steps in X ms
current: base
EOT
is(sql('db1', q{SELECT count(*) FROM pg_tables WHERE tablename IN ('t1', 't2', 't3', 't4')}),
	'0', 'downgrade base: the tables are gone');
check('downgrade with nothing to do', [ 'downgrade', 'base' ], 0,
	"nothing to do\ncurrent: base\n", '');
check('upgrade TARGET', [ 'upgrade', 'a2' ], 0, <<'EOT', '');
[1/2] up      a1 (X ms)
[2/2] up      a2 (X ms)
upgraded: 2 steps in X ms
current: a2
EOT
check('upgrade +1', [ 'upgrade', '+1' ], 0, <<'EOT', '');
[1/1] up      a3 (X ms)
upgraded: 1 step in X ms
current: a3
EOT
check_json('upgrade', ['upgrade'], 0,
	[ { step => 1, revision => 'a4', direction => 'up', duration_ms => 'X' } ]);
check_json('upgrade with nothing to do', ['upgrade'], 0, []);
check_json('downgrade -2', [ 'downgrade', '-2' ], 0,
	[
		{ step => 1, revision => 'a4', direction => 'down', duration_ms => 'X' },
		{ step => 2, revision => 'a3', direction => 'down', duration_ms => 'X' }
	]);
check_json('downgrade base', [ 'downgrade', 'base' ], 0,
	[
		{ step => 1, revision => 'a2', direction => 'down', duration_ms => 'X' },
		{ step => 2, revision => 'a1', direction => 'down', duration_ms => 'X' }
	]);
check_json('upgrade --dir', [ 'upgrade', 'a1', '--dir', 'm' ], 0,
	[ { step => 1, revision => 'a1', direction => 'up', duration_ms => 'X' } ]);
check('upgrade to an unknown target', [ 'upgrade', 'nosuch' ], 4, '', <<'EOT');
pg_migrate: error: revision "nosuch" is not registered in project "default"
SQLSTATE:  42704
EOT
check('downgrade to a range', [ 'downgrade', 'a1:a2' ], 4, '', <<'EOT');
pg_migrate: error: range "a1:a2" is not allowed here
HINT:  Ranges "a:b" are accepted only by history() and script().
SQLSTATE:  22023
EOT

# stamp runs no SQL
check('stamp', [ 'stamp', 'a3' ], 0, <<'EOT', '');
[1/2] stamp   a2 (X ms)
[2/2] stamp   a3 (X ms)
stamped: 2 steps in X ms
current: a3
EOT
is(sql('db1', q{SELECT count(*) FROM pg_tables WHERE tablename IN ('t1', 't2', 't3', 't4')}),
	'1', 'stamp: no migration ran');
check('stamp with nothing to do', [ 'stamp', 'a3' ], 0, "nothing to do\ncurrent: a3\n", '');
check('stamp --purge', [ 'stamp', 'a1', '--purge' ], 0, <<'EOT', '');
[1/2] unstamp a3 (X ms)
[2/2] unstamp a2 (X ms)
stamped: 2 steps in X ms
current: a1
EOT
check_json('stamp', [ 'stamp', 'heads' ], 0,
	[
		{ step => 1, revision => 'a2', direction => 'stamp', duration_ms => 'X' },
		{ step => 2, revision => 'a3', direction => 'stamp', duration_ms => 'X' },
		{ step => 3, revision => 'a4', direction => 'stamp', duration_ms => 'X' }
	]);
check_json('stamp --purge', [ 'stamp', 'a1', '--purge' ], 0,
	[
		{ step => 1, revision => 'a4', direction => 'unstamp', duration_ms => 'X' },
		{ step => 2, revision => 'a3', direction => 'unstamp', duration_ms => 'X' },
		{ step => 3, revision => 'a2', direction => 'unstamp', duration_ms => 'X' }
	]);
check('stamp base', [ 'stamp', 'base' ], 0, <<'EOT', '');
[1/1] unstamp a1 (X ms)
stamped: 1 step in X ms
current: base
EOT
check('stamp needs a target', ['stamp'], 2, '',
	qq{pg_migrate: error: wrong number of arguments for "stamp"\nUsage: pg_migrate stamp TARGET [--purge] [--dir D]\n});
# stamp ran no SQL: t1 of "upgrade a1" is still there; dropping it by hand
# is drift, which the upgrade reports before it runs
sql('db1', 'DROP TABLE t1');
check('upgrade from base', ['upgrade'], 0, <<'EOT', <<'EOW');
[1/4] up      a1 (X ms)
[2/4] up      a2 (X ms)
[3/4] up      a3 (X ms)
[4/4] up      a4 (X ms)
upgraded: 4 steps in X ms
current: a4
EOT
WARNING:  the schema of project "default" has drifted since the last command
DETAIL:  2 objects differ from the recorded schema; upgrade() takes them into the schema it records.
HINT:  See them with SELECT * FROM migrate.drift('default'), then undo them or accept them with migrate.accept_schema(); pg_migrate.on_drift chooses between warn, error and ignore.
EOW

# A failing revision: exit status 4, the server's error with its fields,
# nothing applied.
$m{a5} = {
	id => 'a5', parents => 'a4', message => 'create t5',
	up => 'CREATE TABLE t5 (id int);', down => 'DROP TABLE t5;'
};
$m{a6} = {
	id => 'a6', parents => 'a5', message => 'fill t6',
	up => "CREATE TABLE t6 (id int PRIMARY KEY);\nINSERT INTO t6 VALUES (1), (1);",
	down => 'DROP TABLE t6;'
};
write_m('a5');
write_m('a6');
check('upgrade: a failing revision', [ 'upgrade', '--dir', 'm' ], 4, <<'EOT', <<'EOT');
pushed 2 revisions: 2 new, 0 changed, 0 message only
[1/2] up      a5 (X ms)
EOT
NOTICE:  lint prefer-bigint-over-int: statement 1: column "id" of "t6", the primary key, is "integer"
pg_migrate: error: duplicate key value violates unique constraint "t6_pkey"
DETAIL:  Key (id)=(1) already exists.
CONTEXT:  SQL statement "INSERT INTO t6 VALUES (1), (1)"
revision "a6" (project "default"), statement 2
SQLSTATE:  23505
pg_migrate: the whole upgrade was rolled back: nothing of it stays applied
EOT
is(sql('db1', q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'a4',
	'a failing revision: nothing applied');
is(sql('db1', q{SELECT count(*) FROM pg_tables WHERE tablename IN ('t5', 't6')}),
	'0', 'a failing revision: no table left');
check('upgrade --json: a failing revision', [ 'upgrade', '--json' ], 4, '', <<'EOT');
pg_migrate: error: duplicate key value violates unique constraint "t6_pkey"
DETAIL:  Key (id)=(1) already exists.
CONTEXT:  SQL statement "INSERT INTO t6 VALUES (1), (1)"
revision "a6" (project "default"), statement 2
SQLSTATE:  23505
pg_migrate: the whole upgrade was rolled back: nothing of it stays applied
EOT
is(sql('db1', q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'a4',
	'a failing revision with --json: nothing applied');

# CREATE INDEX CONCURRENTLY: refused by the atomic path, run by
# --per-revision (CALL migrate.apply).
$m{a6}{up} = "CREATE TABLE t6 (id int PRIMARY KEY);\nINSERT INTO t6 VALUES (1), (2);";
write_m('a6');
$m{a7} = {
	id => 'a7', parents => 'a6', message => 'index t6',
	up => 'CREATE INDEX CONCURRENTLY t6_idx ON t6 (id);',
	down => 'DROP INDEX CONCURRENTLY t6_idx;'
};
write_m('a7');
# the linter's advice on a changed revision, as a NOTICE
check('push before --per-revision', [ 'push', '--dir', 'm' ], 0, <<'EOT', <<'EOT');
changed   a6 (006_a6.sql)
new       a7 (007_a7.sql)
pushed 7 files: 1 new, 1 changed, 0 message only, 5 unchanged
EOT
NOTICE:  lint prefer-bigint-over-int: statement 1: column "id" of "t6", the primary key, is "integer"
EOT
check('upgrade: CREATE INDEX CONCURRENTLY', ['upgrade'], 4, '', <<'EOT');
pg_migrate: error: revision "a7" (project "default") cannot run inside a transaction
DETAIL:  Its up script contains a statement such as CREATE INDEX CONCURRENTLY or VACUUM, which PostgreSQL refuses inside a transaction block or function.
HINT:  Nothing was run. Apply it with CALL migrate.apply(), which runs such revisions in a session of their own.
SQLSTATE:  25001
EOT
is(sql('db1', q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'a4',
	'CREATE INDEX CONCURRENTLY refused: nothing applied');
check('upgrade --per-revision', [ 'upgrade', '--per-revision' ], 0, <<'EOT', '');
[1/3] up      a5 (X ms, committed)
[2/3] up      a6 (X ms, committed)
[3/3] up      a7 (X ms, committed)
upgraded: 3 revisions in X ms
current: a7
EOT
is(sql('db1', q{SELECT indisvalid FROM pg_index WHERE indexrelid = 't6_idx'::regclass}),
	't', 'upgrade --per-revision: the index is built and valid');
check('upgrade --per-revision with nothing to do', [ 'upgrade', '--per-revision' ], 0,
	"nothing to do\ncurrent: a7\n", '');
check_json('upgrade --per-revision', [ 'upgrade', '--per-revision' ], 0, { applied => 0 });

# The round trip of a CI job: down and up again with DROP INDEX
# CONCURRENTLY and CREATE INDEX CONCURRENTLY, each in a worker.
check('downgrade: DROP INDEX CONCURRENTLY', [ 'downgrade', 'a6' ], 4, '', <<'EOT');
pg_migrate: error: revision "a7" (project "default") cannot run inside a transaction
DETAIL:  Its down script contains a statement such as CREATE INDEX CONCURRENTLY or VACUUM, which PostgreSQL refuses inside a transaction block or function.
HINT:  Nothing was run. Revert it with CALL migrate.apply(target), which downgrades to a target below the current state and runs such revisions in a session of their own.
SQLSTATE:  25001
EOT
check('downgrade --per-revision', [ 'downgrade', 'a6', '--per-revision' ], 0, <<'EOT', '');
[1/1] down    a7 (X ms, committed)
downgraded: 1 revision in X ms
current: a6
EOT
is(sql('db1', q{SELECT to_regclass('t6_idx') IS NULL}), 't',
	'downgrade --per-revision: the index was dropped concurrently');
check('downgrade --per-revision to a target above', [ 'downgrade', 'heads', '--per-revision' ], 2, '',
	<<'EOT');
pg_migrate: error: target "heads" is above the current state: downgrade would apply revisions
HINT:  Use upgrade for that.
EOT
check_json('downgrade --per-revision with nothing to do', [ 'downgrade', 'a6', '--per-revision' ], 0,
	{ reverted => 0 });
check('upgrade --per-revision again', [ 'upgrade', '--per-revision' ], 0, <<'EOT', '');
[1/1] up      a7 (X ms, committed)
upgraded: 1 revision in X ms
current: a7
EOT
is(sql('db1', q{SELECT indisvalid FROM pg_index WHERE indexrelid = 't6_idx'::regclass}),
	't', 'up, down, up: the index is back and valid');
check('upgrade --per-revision to a target below', [ 'upgrade', 'a6', '--per-revision' ], 2, '',
	<<'EOT');
pg_migrate: error: target "a6" is below the current state: upgrade --per-revision would revert revisions
HINT:  Use downgrade --per-revision for that; upgrade leaves revisions above its target applied.
EOT

# --per-revision commits each revision: a failure keeps the ones before.
$m{a8} = {
	id => 'a8', parents => 'a7', message => 'create t8',
	up => 'CREATE TABLE t8 (id int);', down => 'DROP TABLE t8;'
};
$m{a9} = {
	id => 'a9', parents => 'a8', message => 'broken',
	up => 'SELECT 1/0;', down => ''
};
write_m('a8');
write_m('a9');
check('upgrade --per-revision: a failing revision', [ 'upgrade', '--per-revision', '--dir', 'm' ],
	4, <<'EOT', <<'EOT');
pushed 2 revisions: 2 new, 0 changed, 0 message only
[1/2] up      a8 (X ms, committed)
EOT
pg_migrate: error: division by zero
CONTEXT:  SQL statement "SELECT 1/0"
revision "a9" (project "default"), statement 1
SQLSTATE:  22012
EOT
is(sql('db1', q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'a8',
	'upgrade --per-revision: the revision before the failure stays applied');
$m{a9}{up} = 'CREATE TABLE t9 (id int);';
$m{a9}{down} = 'DROP TABLE t9;';
write_m('a9');
check('upgrade --per-revision --dir after the fix', [ 'upgrade', '--per-revision', '--dir', 'm' ],
	0, <<'EOT', '');
pushed 1 revision: 0 new, 1 changed, 0 message only
[1/1] up      a9 (X ms, committed)
upgraded: 1 revision in X ms
current: a9
EOT

# ---------------------------------------------------------------------------
# 6. read commands (project "g": a branch with a label and a dependency)

mkdir 'g' or die;
wfile('g/1_g1.sql',
	mig(id => 'g1', message => 'g one', up => 'CREATE TABLE g1 (id int);', down => 'DROP TABLE g1;'));
wfile('g/2_g2.sql',
	mig(id => 'g2', parents => 'g1', message => 'g two',
		up => 'CREATE TABLE g2 (id int);', down => 'DROP TABLE g2;'));
wfile('g/3_g3.sql',
	mig(id => 'g3', parents => 'g1', message => "g three\nsecond line", labels => 'side',
		deps => 'g2', up => "CREATE TABLE g3 (id int);\n\nCREATE TABLE g3b (id int);"));
my @g = ('--project', 'g');
check('push --project', [ 'push', '--dir', 'g', @g ], 0, <<'EOT', '');
new       g1 (1_g1.sql)
new       g2 (2_g2.sql)
new       g3 (3_g3.sql)
pushed 3 files: 3 new, 0 changed, 0 message only, 0 unchanged
EOT

check('current: nothing applied', [ 'current', @g ], 0, '', '');
check_json('current: nothing applied', [ 'current', @g ], 0, []);
check('heads', [ 'heads', @g ], 0, "g2\ng3\n", '');
check_json('heads', [ 'heads', @g ], 0, [ 'g2', 'g3' ]);
check('heads --resolve-dependencies', [ 'heads', '--resolve-dependencies', @g ], 0, "g3\n", '');
check_json('heads --resolve-dependencies', [ 'heads', '--resolve-dependencies', @g ], 0, ['g3']);
check('branches', [ 'branches', @g ], 0, "g1 -> g2, g3\n", '');
check_json('branches', [ 'branches', @g ], 0, [ { branch_point => 'g1', children => [ 'g2', 'g3' ] } ]);
check('branches: none', ['branches'], 0, '', '');
check_json('branches: none', ['branches'], 0, []);

my $g_pending = <<'EOT';
project "g": 3 pending (current: base; heads: g2, g3)
EOT
check('status: nothing applied', [ 'status', @g ], 0, $g_pending . <<'EOT', '');

revision  state    applied_at  applied_by  flags  message
g1        pending                                 g one
g2        pending                          head   g two
g3        pending                          head   g three second line
EOT
check('status --check: pending', [ 'status', '--check', @g ], 1, $g_pending, '');
check('plan', [ 'plan', @g ], 0, <<'EOT', '');
step  revision  direction  execution      statements  message
1     g1        up         transactional  1           g one
2     g2        up         transactional  1           g two
3     g3        up         transactional  2           g three second line
EOT
check_json('plan', [ 'plan', @g ], 0,
	[
		{ step => 1, revision => 'g1', direction => 'up', execution => 'transactional', statements => 1, message => 'g one' },
		{ step => 2, revision => 'g2', direction => 'up', execution => 'transactional', statements => 1, message => 'g two' },
		{ step => 3, revision => 'g3', direction => 'up', execution => 'transactional', statements => 2, message => "g three\nsecond line" }
	]);
check('plan base: nothing to do', [ 'plan', 'base', @g ], 0, "nothing to do\n", '');
check_json('plan base: nothing to do', [ 'plan', 'base', @g ], 0, []);
my $script_g2 = <<'EOT';
-- pg_migrate script for project "g", target "g2": 2 revisions
-- run it with psql -v ON_ERROR_STOP=1, so that it stops at the first error
BEGIN;
-- the project's migration mutex, as every pg_migrate command takes it
SELECT migrate.lock('g');

-- upgrade g1: g one
CREATE TABLE g1 (id int);
SELECT migrate.record_step('g', 'g1', 'up', 'sha256:7392b7b66d0d7b5c6fc968453fa7818166482c03bbb57786ccd43b65c362c102');

-- upgrade g2: g two
CREATE TABLE g2 (id int);
SELECT migrate.record_step('g', 'g2', 'up', 'sha256:b5330149da2a2becbcd660edc6ce56208fa6bc6cc4b0ebe601207d45a1d6f500');
COMMIT;
EOT
check('script', [ 'script', 'g2', @g ], 0, $script_g2, '');
check_json('script', [ 'script', 'g2', @g ], 0, { script => $script_g2 });
check('script: nothing to do', [ 'script', 'base', @g ], 0, <<'EOT', '');
-- pg_migrate script for project "g", target "base": 0 revisions
-- run it with psql -v ON_ERROR_STOP=1, so that it stops at the first error
BEGIN;
-- the project's migration mutex, as every pg_migrate command takes it
SELECT migrate.lock('g');
COMMIT;
EOT

check('upgrade g2', [ 'upgrade', 'g2', @g ], 0, <<'EOT', '');
[1/2] up      g1 (X ms)
[2/2] up      g2 (X ms)
upgraded: 2 steps in X ms
current: g2
EOT
check('status: partly applied', [ 'status', @g ], 0, <<"EOT", '');
project "g": 1 pending (current: g2; heads: g2, g3)

revision  state    applied_at           applied_by  flags          message
g1        applied  YYYY-MM-DD HH:MM:SS  $U                 g one
g2        applied  YYYY-MM-DD HH:MM:SS  $U  current, head  g two
g3        pending                                   head           g three second line
EOT
check('upgrade: the rest', [ 'upgrade', @g ], 0, <<'EOT', '');
[1/1] up      g3 (X ms)
upgraded: 1 step in X ms
current: g3
EOT
# g2 is below g3 through the dependency: g3 is the only tip
check('current', [ 'current', @g ], 0, "g3\n", '');
check_json('current', [ 'current', @g ], 0, ['g3']);
check('status: up to date', [ 'status', @g ], 0, <<"EOT", '');
project "g": up to date (current: g3)

revision  state    applied_at           applied_by  flags          message
g1        applied  YYYY-MM-DD HH:MM:SS  $U                 g one
g2        applied  YYYY-MM-DD HH:MM:SS  $U  head           g two
g3        applied  YYYY-MM-DD HH:MM:SS  $U  current, head  g three second line
EOT
check('status --check: up to date', [ 'status', '--check', @g ], 0,
	qq{project "g": up to date (current: g3)\n}, '');
my $g_status = {
	lock => undef, heads => [ 'g2', 'g3' ], current => ['g3'], pending => [],
	project => 'g', waiting => 0, up_to_date => JSON::PP::true,
	drift => JSON::PP::false, fingerprint => 'X', interrupted => [], invalid_indexes => [],
	revisions => [
		{
			revision => 'g1', state => 'applied', is_head => JSON::PP::false,
			is_current => JSON::PP::false, message => 'g one',
			applied_at => 'X', applied_by => $user
		},
		{
			revision => 'g2', state => 'applied', is_head => JSON::PP::true,
			is_current => JSON::PP::false, message => 'g two',
			applied_at => 'X', applied_by => $user
		},
		{
			revision => 'g3', state => 'applied', is_head => JSON::PP::true,
			is_current => JSON::PP::true, message => "g three\nsecond line",
			applied_at => 'X', applied_by => $user
		}
	]
};
check_json('status', [ 'status', @g ], 0, $g_status);
check_json('status --check', [ 'status', '--check', @g ], 0, $g_status);
mkdir 'pd' or die;
wfile('pd/p1.sql', mig(id => 'p1', up => 'SELECT 1;'));
check('push: one file', [ 'push', '--dir', 'pd', '--project', 'pend' ], 0,
	"new       p1 (p1.sql)\npushed 1 file: 1 new, 0 changed, 0 message only, 0 unchanged\n", '');
check('status --check: pending, no message', [ 'status', '--check', '--project', 'pend' ], 1,
	qq{project "pend": 1 pending (current: base; heads: p1)\n}, '');
check_json('status --check: pending', [ 'status', '--check', '--project', 'pend' ], 1,
	{
		lock => undef, heads => ['p1'], current => [], pending => ['p1'],
		project => 'pend', waiting => 0, up_to_date => JSON::PP::false,
		drift => undef, fingerprint => undef, interrupted => [], invalid_indexes => [],
		revisions => [
			{
				revision => 'p1', state => 'pending', is_head => JSON::PP::true,
				is_current => JSON::PP::false, message => undef,
				applied_at => undef, applied_by => undef
			}
		]
	});
check('status: pending, no message', [ 'status', '--project', 'pend' ], 0, <<'EOT', '');
project "pend": 1 pending (current: base; heads: p1)

revision  state    applied_at  applied_by  flags  message
p1        pending                          head
EOT
# an unknown project is an error, so that a misspelt health check fails
check('status: an unknown project', [ 'status', '--project', 'empty' ], 4, '',
	qq{pg_migrate: error: project "empty" does not exist\nHINT:  A project is created by registering its first revision with migrate.revision(), or by granting access to it.\nSQLSTATE:  42704\n});
check('status --check: an unknown project', [ 'status', '--check', '--project', 'empty' ], 4, '',
	qq{pg_migrate: error: project "empty" does not exist\nHINT:  A project is created by registering its first revision with migrate.revision(), or by granting access to it.\nSQLSTATE:  42704\n});

check('history', [ 'history', @g ], 0, <<'EOT', '');
id  parents  labels  depends_on  flags              state    message
g3  g1       side    g2          head, current      applied  g three second line
g2  g1                           head               applied  g two
g1                               base, branchpoint  applied  g one
EOT
my %gh = (
	g3 => {
		id => 'g3', flags => [ 'head', 'current' ], applied => JSON::PP::true,
		message => "g three\nsecond line", parents => ['g1'], applied_at => 'X',
		depends_on => ['g2'], branch_labels => ['side']
	},
	g2 => {
		id => 'g2', flags => ['head'], applied => JSON::PP::true,
		message => 'g two', parents => ['g1'], applied_at => 'X',
		depends_on => [], branch_labels => []
	},
	g1 => {
		id => 'g1', flags => [ 'base', 'branchpoint' ], applied => JSON::PP::true,
		message => 'g one', parents => [], applied_at => 'X',
		depends_on => [], branch_labels => []
	});
check_json('history', [ 'history', @g ], 0, [ @gh{qw(g3 g2 g1)} ]);
check('history RANGE', [ 'history', 'g1:g2', @g ], 0, <<'EOT', '');
id  parents  labels  depends_on  flags              state    message
g2  g1                           head               applied  g two
g1                               base, branchpoint  applied  g one
EOT
check_json('history RANGE', [ 'history', 'g1:g2', @g ], 0, [ @gh{qw(g2 g1)} ]);
{
	# history --verbose: a block per revision with who registered and
	# applied it, and when, and the whole message
	my %who;
	for my $id (qw(g1 g2 g3))
	{
		$who{$id} = sql('db1',
			qq{SELECT pg_catalog.to_char(r.registered_at, 'YYYY-MM-DD HH24:MI:SS OF') || ' by ' || r.registered_by || '|' ||
					  pg_catalog.to_char(a.applied_at, 'YYYY-MM-DD HH24:MI:SS OF') || ' by ' || a.applied_by
				 FROM migrate.revisions r JOIN migrate.applied a ON a.project = r.project AND a.revision = r.id
				WHERE r.project = 'g' AND r.id = '$id'});
	}
	my %reg = map { $_ => (split /\|/, $who{$_})[0] } keys %who;
	my %app = map { $_ => (split /\|/, $who{$_})[1] } keys %who;
	check('history -v', [ 'history', '-v', @g ], 0, mask(<<"EOT"), '');
Rev: g3 (applied, head, current)
Parent: g1
Branch names: side
Depends on: g2
Registered: $reg{g3}
Applied: $app{g3}

    g three
    second line

Rev: g2 (applied, head)
Parent: g1
Registered: $reg{g2}
Applied: $app{g2}

    g two

Rev: g1 (applied, base, branchpoint)
Parent: <base>
Registered: $reg{g1}
Applied: $app{g1}

    g one
EOT
	check('--verbose applies to history only', [ 'current', '-v', @g ], 2, '',
		"pg_migrate: error: --verbose applies to history only\n");
}
{
	# DATABASE_URL when -d is not given: it names the database, the PG*
	# variables fill in what it leaves out (host and port here); -d wins
	sql('db2', q{SELECT migrate.revision('c1', 'SELECT 1', project => 'conn')});
	my ($rc, $out, $err) = pgm({ env => { DATABASE_URL => 'postgresql:///db2' } },
		'heads', '--project', 'conn');
	is("$rc|$out|$err", "0|c1\n|", 'DATABASE_URL names the database, PGHOST and PGPORT the server');
	($rc, $out, $err) = pgm({ env => { DATABASE_URL => 'postgresql:///nosuchdb' } },
		'-d', $node->connstr('db2'), 'heads', '--project', 'conn');
	is("$rc|$out|$err", "0|c1\n|", '-d wins over DATABASE_URL');
	($rc, $out, $err) = pgm({ env => { DATABASE_URL => 'postgresql:///nosuchdb' } },
		'heads', '--project', 'conn');
	is($rc, 3, 'a DATABASE_URL that names no database: exit status 3');
	sql('db2', q{SET pg_migrate.allow_drop_with_history = on; DROP EXTENSION pg_migrate; CREATE EXTENSION pg_migrate});
}
check('history: an unknown project', [ 'history', '--project', 'empty' ], 4, '',
	qq{pg_migrate: error: project "empty" does not exist\nHINT:  A project is created by registering its first revision with migrate.revision(), or by granting access to it.\nSQLSTATE:  42704\n});

my $ck = sql('db1', q{SELECT checksum FROM migrate.revisions WHERE project = 'g' AND id = 'g3'});
# (the lines of the message are compared in section 10: the second line is
# not indented yet)
{
	my ($rc, $out, $err) = pgm('show', 'g3', @g);
	is("$rc|$err", '0|', 'show: exit status 0');
	$out =~ s/^(message:        g three\n).*?(?=^head:)/$1/ms;
	is(mask($out), <<"EOT", 'show: stdout');
revision:       g3
parents:        g1
branch labels:  side
depends on:     g2
message:        g three
head:           yes
applied:        YYYY-MM-DD HH:MM:SS by $user
registered:     YYYY-MM-DD HH:MM:SS by $user
checksum:       $ck
up (transactional):
    CREATE TABLE g3 (id int);

    CREATE TABLE g3b (id int);
down: none (irreversible)
EOT
}
check_json('show', [ 'show', 'g3', @g ], 0,
	[
		{
			id => 'g3', up => "CREATE TABLE g3 (id int);\n\nCREATE TABLE g3b (id int);",
			down => undef, applied => JSON::PP::true, is_head => JSON::PP::true,
			message => "g three\nsecond line", parents => ['g1'], checksum => $ck,
			up_class => 'transactional', down_class => undef, applied_at => 'X',
			applied_by => $user, depends_on => ['g2'], branch_labels => ['side'],
			registered_at => 'X', registered_by => $user
		}
	]);
$ck = sql('db1', q{SELECT checksum FROM migrate.revisions WHERE project = 'pend' AND id = 'p1'});
check('show: pending, no message', [ 'show', 'p1', '--project', 'pend' ], 0, <<"EOT", '');
revision:       p1
parents:        (base)
head:           yes
applied:        no
registered:     YYYY-MM-DD HH:MM:SS by $user
checksum:       $ck
up (transactional):
    SELECT 1;
down: none (irreversible)
EOT
check('show: unknown revision', [ 'show', 'nosuch', @g ], 4, '', <<'EOT');
pg_migrate: error: revision "nosuch" is not registered in project "g"
SQLSTATE:  42704
EOT
check('show: default project', [ 'show', 'g1' ], 4, '', <<'EOT');
pg_migrate: error: revision "g1" is not registered in project "default"
HINT:  Perhaps you meant "a1", "a2" or "a3".
SQLSTATE:  42704
EOT

check('plan base', [ 'plan', 'base', @g ], 0, <<'EOT', '');
step  revision  direction  execution      statements  message
1     g3        down                                  g three second line
2     g2        down       transactional  1           g two
3     g1        down       transactional  1           g one
EOT
check_json('plan base', [ 'plan', 'base', @g ], 0,
	[
		{ step => 1, revision => 'g3', direction => 'down', execution => undef, statements => undef, message => "g three\nsecond line" },
		{ step => 2, revision => 'g2', direction => 'down', execution => 'transactional', statements => 1, message => 'g two' },
		{ step => 3, revision => 'g1', direction => 'down', execution => 'transactional', statements => 1, message => 'g one' }
	]);
check('downgrade: an irreversible revision', [ 'downgrade', 'base', @g ], 4, '', <<'EOT');
pg_migrate: error: revision "g3" is irreversible
DETAIL:  It has no down script, and the downgrade would have to revert it.
HINT:  Downgrade to a revision above it, or use stamp() to rewrite the version state without running SQL.
SQLSTATE:  55000
EOT

# merge: in the database, and as a file
check('merge', [ 'merge', '-m', 'db merge', '--id', 'gdb', @g ], 0,
	"registered merge revision gdb\n", '');
check('heads after merge', [ 'heads', @g ], 0, "gdb\n", '');
is(sql('db1', q{SELECT parents::text || coalesce(message, '<null>') FROM migrate.revisions WHERE project = 'g' AND id = 'gdb'}),
	'{g2,g3}db merge', 'merge: the heads are the parents');
check('merge: one head', [ 'merge', @g ], 4, '', <<'EOT');
pg_migrate: error: a merge needs at least two distinct revisions
DETAIL:  Only revision "gdb" was named.
HINT:  Name two or more heads, or use ARRAY['heads'] when the graph has several.
SQLSTATE:  22023
EOT
check('merge --dir', [ 'merge', '--dir', 'g', '--id', 'gm', '-m', 'Merge g2 and g3' ], 0,
	"created g/TS_merge_g2_and_g3.sql (revision gm)\n", '');
($f) = grep { /_merge_g2_and_g3\.sql$/ } ls_dir('g');
is(rfile("g/$f"),
	"-- migrate:revision gm\n-- migrate:parents g2, g3\n-- migrate:message Merge g2 and g3\n-- migrate:up\n\n-- migrate:down\n\n",
	'merge --dir: both heads are the parents');
check('merge --dir: one head', [ 'merge', '--dir', 'g' ], 2, '',
	"pg_migrate: error: a merge needs at least two revisions; the directory has 1 head\n");
check('merge --dir: no such directory', [ 'merge', '--dir', 'nonexistent' ], 5, '',
	qq{pg_migrate: error: directory "nonexistent" does not exist\n});
check('push of the merge file', [ 'push', '--dir', 'g', @g ], 0, <<"EOT", '');
new       gm (TS_merge_g2_and_g3.sql)
pushed 4 files: 1 new, 0 changed, 0 message only, 3 unchanged
EOT
check('heads: two merges', [ 'heads', @g ], 0, "gdb\ngm\n", '');
check_json('merge', [ 'merge', '--id', 'gmm', @g ], 0, { revision => 'gmm' });
check('heads after merge --json', [ 'heads', @g ], 0, "gmm\n", '');
is(sql('db1', q{SELECT parents::text || coalesce(message, '<null>') FROM migrate.revisions WHERE project = 'g' AND id = 'gmm'}),
	'{gdb,gm}merge "gdb", "gm"', 'merge --json: the heads are the parents, a default message');
check('merge REVISION...', [ 'merge', 'gdb', 'gm', '--id', 'gm3', '-m', 'again', @g ], 0,
	"registered merge revision gm3\n", '');
check('upgrade to the merges', [ 'upgrade', @g ], 0, <<'EOT', '');
[1/4] up      gm (X ms)
[2/4] up      gdb (X ms)
[3/4] up      gm3 (X ms)
[4/4] up      gmm (X ms)
upgraded: 4 steps in X ms
current: gmm, gm3
EOT

# --json of merge --dir, with two roots and no message
mkdir 'fo' or die;
wfile('fo/1.sql', mig(id => 'x1', up => 'SELECT 1;'));
wfile('fo/2.sql', mig(id => 'x2', up => 'SELECT 2;'));
check_json('merge --dir', [ 'merge', '--dir', 'fo', '--id', 'xm' ], 0,
	{ revision => 'xm', file => 'fo/TS_merge.sql' });
($f) = grep { /_merge\.sql$/ } ls_dir('fo');
is(rfile("fo/$f"),
	"-- migrate:revision xm\n-- migrate:parents x1, x2\n-- migrate:up\n\n-- migrate:down\n\n",
	'merge --dir without a message: no message line');

# ---------------------------------------------------------------------------
# 7. pull: files written from what is registered, byte for byte stable

# Content that is easy to get wrong: messages of several lines, the empty
# message, no message, leading blanks and tabs; irreversible (NULL down)
# and empty down scripts; scripts with and without a final newline, with
# trailing blank lines, with $pgm$ and $pgm1$ inside, an indented
# "-- migrate:" line; unicode.
my %rt = (
	'1_r01.sql' => mig(
		id => 'r01', message => "Create accounts\n\nWith a body: several lines",
		up => "CREATE TABLE accounts (id int PRIMARY KEY, name text);\n",
		down => 'DROP TABLE accounts;'),
	'2_r02.sql' => mig(
		id => 'r02', parents => 'r01', message => '',
		up => q{CREATE FUNCTION pgm_f() RETURNS text LANGUAGE sql AS $pgm$SELECT 'it''s $pgm1$ and $$'$pgm$;}),
	'3_r03.sql' => mig(
		id => 'r03', parents => 'r02',
		up => "CREATE TABLE notes (body text);\n\n\n", down => ''),
	'4_r04.sql' => mig(
		id => 'r04', parents => 'r03', labels => 'uni', deps => 'r01',
		message => "\x{dc}n\x{ef}c\x{f6}d\x{e9} \x{2014} \x{65e5}\x{672c}\x{8a9e} \x{2713}",
		up => "COMMENT ON TABLE notes IS '\x{f1}and\x{fa} \x{1f9a4}';",
		down => "COMMENT ON TABLE notes IS NULL;\n"),
	'5_r05.sql' => mig(
		id => 'r05', parents => 'r03',
		message => " leading blank, trailing blank \n\ttabbed line",
		up => "DO \$\$ BEGIN RAISE NOTICE 'in r05'; END \$\$;\n  -- migrate:up (indented: not a marker)\n",
		down => "\n\nSELECT 'down of r05';"),
	'6_r06.sql' => mig(
		id => 'r06', parents => 'r04, r05', message => 'merge', up => '', down => ''));
utf8::encode($_) for values %rt;
mkdir 'rt' or die;
wfile("rt/$_", $rt{$_}) for keys %rt;

my $push_rt = <<'EOT';
new       r01 (1_r01.sql)
new       r02 (2_r02.sql)
new       r03 (3_r03.sql)
new       r04 (4_r04.sql)
new       r05 (5_r05.sql)
new       r06 (6_r06.sql)
pushed 6 files: 6 new, 0 changed, 0 message only, 0 unchanged
EOT
my $accounts_advice = qq{NOTICE:  lint prefer-bigint-over-int: statement 1: column "id" of "accounts", the primary key, is "integer"\n};
check('round trip: push', [ 'push', '--dir', 'rt' ], 0, $push_rt, $accounts_advice, { db => 'db2' });
check('round trip: upgrade (a notice)', ['upgrade'], 0, <<'EOT', "NOTICE:  in r05\n", { db => 'db2' });
[1/6] up      r01 (X ms)
[2/6] up      r02 (X ms)
[3/6] up      r03 (X ms)
[4/6] up      r05 (X ms)
[5/6] up      r04 (X ms)
[6/6] up      r06 (X ms)
upgraded: 6 steps in X ms
current: r06
EOT

mkdir 'p1' or die;
check('pull into an empty directory', [ 'pull', '--dir', 'p1' ], 0,
	"wrote 6 revisions to p1\n", '', { db => 'db2' });
my @p1 = ls_dir('p1');
is( join(' ', @p1),
	'0001_create_accounts_with_a_body_several_line.sql 0002_r02.sql 0003_r03.sql '
	  . '0004_n_c_d.sql 0005_leading_blank_trailing_blank_tabbed_line.sql 0006_merge.sql',
	'pull: file names are number and slug of the message (or the id)');
is(rfile("p1/$p1[0]"),
	"-- migrate:revision r01\n-- migrate:message Create accounts\n-- migrate:message\n"
	  . "-- migrate:message With a body: several lines\n-- migrate:up\n"
	  . "CREATE TABLE accounts (id int PRIMARY KEY, name text);\n\n"
	  . "-- migrate:down\nDROP TABLE accounts;\n",
	'pull: content of a file with a message of several lines');
is(rfile('p1/0002_r02.sql'),
	"-- migrate:revision r02\n-- migrate:parents r01\n-- migrate:message\n-- migrate:up\n"
	  . q{CREATE FUNCTION pgm_f() RETURNS text LANGUAGE sql AS $pgm$SELECT 'it''s $pgm1$ and $$'$pgm$;}
	  . "\n",
	'pull: the empty message, an irreversible revision');
is(rfile('p1/0003_r03.sql'),
	"-- migrate:revision r03\n-- migrate:parents r02\n-- migrate:up\n"
	  . "CREATE TABLE notes (body text);\n\n\n\n-- migrate:down\n\n",
	'pull: no message, trailing blank lines, an empty down script');
# Written in the canonical form, the original files are what pull writes.
foreach my $i (0 .. 5)
{
	my ($orig) = grep { /^${\ ($i + 1)}_/ } keys %rt;
	is(rfile("p1/$p1[$i]"), $rt{$orig}, "pull: $p1[$i] is the original $orig");
}

check('round trip: push of the pulled files', [ 'push', '--dir', 'p1' ], 0, <<'EOT', $accounts_advice, { db => 'db3' });
new       r01 (0001_create_accounts_with_a_body_several_line.sql)
new       r02 (0002_r02.sql)
new       r03 (0003_r03.sql)
new       r04 (0004_n_c_d.sql)
new       r05 (0005_leading_blank_trailing_blank_tabbed_line.sql)
new       r06 (0006_merge.sql)
pushed 6 files: 6 new, 0 changed, 0 message only, 0 unchanged
EOT
check('round trip: push of the originals is a no-op', [ 'push', '--dir', 'rt' ], 0,
	"pushed 6 files: 0 new, 0 changed, 0 message only, 6 unchanged\n", '', { db => 'db3' });
check('round trip: pull into a directory that does not exist', [ 'pull', '--dir', 'p2' ], 0,
	"wrote 6 revisions to p2\n", '', { db => 'db3' });
is(join(' ', ls_dir('p2')), join(' ', @p1), 'round trip: the same file names');
foreach my $name (@p1)
{
	ok(rfile("p1/$name") eq rfile("p2/$name"), "round trip: $name byte-identical");
}
my $revs_sql = q{SELECT id, parents, branch_labels, depends_on, message, up_script,
	coalesce(down_script, '<null>'), message IS NULL, checksum
	FROM migrate.revisions WHERE project = 'default' ORDER BY seq};
is(sql('db3', $revs_sql), sql('db2', $revs_sql), 'round trip: the same registered revisions');
is(sql('db2', q{SELECT message IS NULL FROM migrate.revisions WHERE id = 'r03'}), 't',
	'round trip: no message is NULL');
is(sql('db2', q{SELECT message = '' FROM migrate.revisions WHERE id = 'r02'}), 't',
	'round trip: the empty message is the empty string');

# Pulling again changes nothing; a file of the same id keeps its name.
rename 'p1/0003_r03.sql', 'p1/keep_r03.sql' or die;
check('pull into a directory with the files', [ 'pull', '--dir', 'p1' ], 0,
	"wrote 6 revisions to p1\n", '', { db => 'db2' });
is( join(' ', ls_dir('p1')),
	'0001_create_accounts_with_a_body_several_line.sql 0002_r02.sql 0004_n_c_d.sql '
	  . '0005_leading_blank_trailing_blank_tabbed_line.sql 0006_merge.sql keep_r03.sql',
	'pull: an existing file of a revision keeps its name');
check_json('pull', [ 'pull', '--dir', 'p1' ], 0, { revisions => 6, dir => 'p1' }, { db => 'db2' });

my $before = rfile('p1/0002_r02.sql');
wfile('p1/0002_r02.sql', mig(id => 'r02', parents => 'r01', up => 'SELECT 1;'));
check('pull does not overwrite a changed file', [ 'pull', '--dir', 'p1' ], 5, '',
	qq{pg_migrate: error: file "p1/0002_r02.sql" exists with other content\nHINT:  Use --force to overwrite it, or write into an empty directory.\n},
	{ db => 'db2' });
is(rfile('p1/0002_r02.sql'), mig(id => 'r02', parents => 'r01', up => 'SELECT 1;'),
	'pull refused: the file is unchanged');
check('pull --force', [ 'pull', '--dir', 'p1', '--force' ], 0,
	"wrote 6 revisions to p1\n", '', { db => 'db2' });
is(rfile('p1/0002_r02.sql'), $before, 'pull --force: the file is overwritten');
wfile('p1/0002_r02.sql', "-- migrate:revision r02\n");
check('pull into a directory with a broken file', [ 'pull', '--dir', 'p1' ], 5, '',
	qq{pg_migrate: error: p1/0002_r02.sql: no "-- migrate:up" line\nHINT:  A migration file has a "-- migrate:up" line followed by its script.\n},
	{ db => 'db2' });
wfile('p1/0002_r02.sql', $before);
check('pull of an empty project', [ 'pull', '--dir', 'p3', '--project', 'nothing' ], 0,
	"wrote 0 revisions to p3\n", '', { db => 'db2' });
is(scalar(ls_dir('p3')), 0, 'pull of an empty project: no files');

# What cannot be a file is refused.
sql('db2', q{SELECT migrate.revision('odd', E'SELECT 1;\n-- migrate:down\nSELECT 2;', project => 'odd')});
check('pull: a script line that is a marker', [ 'pull', '--dir', 'p4', '--project', 'odd' ], 5, '',
	qq{pg_migrate: error: revision "odd" cannot be written as a file: a line of its scripts starts with "-- migrate:", or its message has a carriage return at a line end\n},
	{ db => 'db2' });

# ---------------------------------------------------------------------------
# 8. bundle

check('bundle -o', [ 'bundle', '--dir', 'rt', '-o', 'rt_bundle.sql' ], 0,
	"wrote rt_bundle.sql (6 revisions)\n", '', { env => { PGHOST => '/nonexistent' } });
{
	my ($rc, $out, $err) = pgm('bundle', '--dir', 'rt');
	is("$rc|$err", '0|', 'bundle to stdout: exit status and stderr');
	ok($out eq rfile('rt_bundle.sql'), 'bundle to stdout: what -o writes');
	like($out, qr/\A-- pg_migrate bundle: 6 revisions from rt\n/, 'bundle: header');
	like($out, qr/\$pgm2\$/, 'bundle: a script with $pgm$ and $pgm1$ is quoted with $pgm2$');
}
{
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('db4'),
			'-f', 'rt_bundle.sql'
		],
		'<', \'', '>', \$out, '2>', \$err);
	is($? >> 8, 0, 'bundle: psql -f succeeds') or diag($err);
}
is(sql('db4', $revs_sql), sql('db2', $revs_sql), 'bundle: the same registered revisions');
my $hist_sql = q{SELECT id, parents, message, flags, applied FROM migrate.history()};
is(sql('db4', $hist_sql), sql('db2', $hist_sql), 'bundle: the same history');
{
	my @dumps;
	foreach my $db (qw(db2 db4))
	{
		my ($out, $err) = ('', '');
		IPC::Run::run([ 'pg_dump', '-s', '-N', 'migrate', '-d', $node->connstr($db) ],
			'<', \'', '>', \$out, '2>', \$err);
		# pg_dump 15.14+ protects its output with a random key
		$out =~ s/^(\\(?:un)?restrict) \S+$/$1 KEY/mg;
		push @dumps, $out;
	}
	like($dumps[0], qr/pgm_f\(\)/, 'pushed and upgraded: the schema has the function');
	is($dumps[1], $dumps[0], 'bundle: the same schema as push + upgrade');
}
is(sql('db4', 'SELECT pgm_f()'), 'it\'s $pgm1$ and $$', 'bundle: the $pgm$ script is intact');

# --per-revision: CALL migrate.apply after the registrations (the "m"
# files include CREATE INDEX CONCURRENTLY)
check('bundle --per-revision', [ 'bundle', '--dir', 'm', '--per-revision', '-o', 'm_bundle.sql' ], 0,
	"wrote m_bundle.sql (9 revisions)\n", '');
{
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('db5'),
			'-f', 'm_bundle.sql'
		],
		'<', \'', '>', \$out, '2>', \$err);
	is($? >> 8, 0, 'bundle --per-revision: psql -f succeeds') or diag($err);
}
is(sql('db5', q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'a9',
	'bundle --per-revision: everything applied');
is(sql('db5', q{SELECT indisvalid FROM pg_index WHERE indexrelid = 't6_idx'::regclass}),
	't', 'bundle --per-revision: the index is built');
check('bundle: a broken file', [ 'bundle', '--dir', 'fe' ], 5, '', <<'EOT');
pg_migrate: error: fe/1_x.sql: no "-- migrate:up" line
HINT:  A migration file has a "-- migrate:up" line followed by its script.
pg_migrate: error: fe/2_y.sql:2: unknown header line "-- migrate:bogus"
HINT:  Known header lines: revision, parents, message, branch-labels, depends-on, up, down.
EOT
{
	# (with -o, --json prints nothing at all for now)
	my ($rc, $out, $err) = pgm('bundle', '--dir', 'pd', '-o', 'pd.sql', '--json');
	is("$rc|$err", '0|', 'bundle --json -o: exit status 0');
	ok(-s 'pd.sql', 'bundle --json -o: the file is written');
}

# ---------------------------------------------------------------------------
# 9. projects and environment variables

check('current of the default project', ['current'], 0, "a9\n", '');
check('current --project', [ 'current', @g ], 0, "gmm\ngm3\n", '');
check('PGMIGRATE_PROJECT', ['current'], 0, "gmm\ngm3\n", '',
	{ env => { PGMIGRATE_PROJECT => 'g' } });
check('--project wins over PGMIGRATE_PROJECT', [ 'current', '--project', 'default' ], 0, "a9\n", '',
	{ env => { PGMIGRATE_PROJECT => 'g' } });
check('PGMIGRATE_DIR', ['push'], 0,
	"pushed 9 files: 0 new, 0 changed, 0 message only, 9 unchanged\n", '',
	{ env => { PGMIGRATE_DIR => 'm' } });
check('PGMIGRATE_DIR and PGMIGRATE_PROJECT', ['push'], 0,
	"pushed 4 files: 0 new, 0 changed, 0 message only, 4 unchanged\n", '',
	{ env => { PGMIGRATE_DIR => 'g', PGMIGRATE_PROJECT => 'g' } });
check('--dir wins over PGMIGRATE_DIR', [ 'push', '--dir', 'g', @g ], 0,
	"pushed 4 files: 0 new, 0 changed, 0 message only, 4 unchanged\n", '',
	{ env => { PGMIGRATE_DIR => 'm' } });
check('PGMIGRATE_DIR: upgrade pushes first', [ 'upgrade', '--project', 'pend' ], 0, <<'EOT', '',
[1/1] up      p1 (X ms)
upgraded: 1 step in X ms
current: p1
EOT
	{ env => { PGMIGRATE_DIR => 'pd' } });
check('PGMIGRATE_DIR: new', [ 'new', '-m', 'via env', '--id', 'ev' ], 0,
	"created n2/TS_via_env.sql (revision ev)\n", '', { env => { PGMIGRATE_DIR => 'n2' } });
($f) = grep { /_via_env\.sql$/ } ls_dir('n2');
like(rfile("n2/$f"), qr/^-- migrate:parents punct$/m, 'PGMIGRATE_DIR: new finds the head');

# The same ids in two projects are two revisions.
check('the same files in a second project', [ 'push', '--dir', 'pd', '--project', 'pend2' ], 0,
	"new       p1 (p1.sql)\npushed 1 file: 1 new, 0 changed, 0 message only, 0 unchanged\n", '');
check('second project: pending', [ 'status', '--check', '--project', 'pend2' ], 1,
	qq{project "pend2": 1 pending (current: base; heads: p1)\n}, '');
check('first project: applied', [ 'status', '--check', '--project', 'pend' ], 0,
	qq{project "pend": up to date (current: p1)\n}, '');
check('stamp in one project', [ 'stamp', 'base', '--project', 'pend' ], 0, <<'EOT', '');
[1/1] unstamp p1 (X ms)
stamped: 1 step in X ms
current: base
EOT
check_json('upgrade --per-revision', [ 'upgrade', '--per-revision', '--project', 'pend2' ], 0,
	{ applied => 1 });
check('the other project is untouched', [ 'current', @g ], 0, "gmm\ngm3\n", '');
is(sql('db1', q{SELECT string_agg(DISTINCT project, ',' ORDER BY project) FROM migrate.revisions}),
	'dbmate,default,g,newfiles,pend,pend2', 'projects: all registered in one database');

# A database without the extension
$node->safe_psql('postgres', 'CREATE DATABASE noext');
{
	my ($rc, $out, $err) = pgm({ db => 'noext' }, 'status');
	is("$rc|$out", '4|', 'a database without the extension: exit status 4');
	like($err, qr/\Apg_migrate: error: .*\n(.*\n)*SQLSTATE:  3F000\n\z/,
		'a database without the extension: an error with SQLSTATE 3F000');
}

# ---------------------------------------------------------------------------
# 10. regressions of bugs found while writing this test

{
	# relative targets such as "-1" are hidden from getopt behind \001, and
	# so are option values that look like them
	my ($rc, $out, $err) = pgm('new', '-m', '-10% off', '--id', 'neg', '--dir', 'neg');
	is("$rc|$err", '0|', 'new -m "-10% off": exit status 0');
	my ($nf) = ls_dir('neg');
	is(rfile("neg/$nf"),
		"-- migrate:revision neg\n-- migrate:message -10% off\n-- migrate:up\n\n-- migrate:down\n\n",
		'new -m "-10% off": the message as given');
}

{
	mkdir 'bq' or die;
	wfile('bq/1.sql', mig(id => 'bq1', up => 'SELECT 1; -- in $pgm', down => ''));
	check('bundle: a script ending in $pgm', [ 'bundle', '--dir', 'bq', '-o', 'bq.sql' ], 0,
		"wrote bq.sql (1 revision)\n", '');
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('db6'), '-f', 'bq.sql' ],
		'<', \'', '>', \$out, '2>', \$err);
	is($? >> 8, 0, 'bundle: a script ending in $pgm: psql -f succeeds');
}

{
	mkdir 'q"d' or die;
	my ($rc, $out, $err) = pgm('pull', '--dir', 'q"d', '--project', 'nothing', '--json');
	is("$rc|$err", '0|', 'pull --json into a directory with a quote: exit status 0');
	my $got = eval { decode_json($out) };
	is_deeply($got, { revisions => 0, dir => 'q"d' }, 'pull --json: a directory name with a quote');
}

{
	mkdir 'empty' or die;
	my ($rc, $out, $err) = pgm('push', '--dir', 'empty');
	is("$rc|$err", '0|', 'push: an empty directory: exit status 0');
	is($out, "pushed 0 files: 0 new, 0 changed, 0 message only, 0 unchanged\n",
		'push: an empty directory: stdout');
}

foreach my $case ([ '--parents', 'a b' ], [ '--branch-label', 'l@b' ], [ '--depends-on', 'head' ])
{
	my ($rc, $out, $err) = pgm('new', '-m', 'x', '--id', 'bad', '--dir', 'badnew', @$case);
	my $written = -d 'badnew' ? scalar(ls_dir('badnew')) : 0;
	File::Path::rmtree('badnew');
	is($rc, 2, "new $case->[0] '$case->[1]': exit status 2");
	is($written, 0, "new $case->[0] '$case->[1]': no file written");
}

{
	mkdir 'u8' or die;
	wfile('u8/1.sql', mig(id => 'u81', up => 'SELECT 1;'));
	wfile('u8/2.sql', mig(id => 'u82', up => "SELECT '\xff';"));
	my ($rc, $out, $err) = pgm('push', '--dir', 'u8', '--project', 'u8');
	is($rc, 5, 'push: a file that is not UTF-8: exit status 5');
	is($err, "pg_migrate: error: u8/2.sql:3: not valid UTF-8\nHINT:  Migration files are UTF-8 text; convert the file (for example with iconv).\n",
		'push: a file that is not UTF-8: stderr');
	like($err, qr/2\.sql/, 'push: a file that is not UTF-8: the error names the file');
}

{
	my ($rc, $out, $err) = pgm('merge', '--dir', 'fe');
	is("$rc|$out", '5|', 'merge --dir: a broken file: exit status 5');
	is($err, <<'EOT', 'merge --dir: a broken file: stderr');
pg_migrate: error: fe/1_x.sql: no "-- migrate:up" line
HINT:  A migration file has a "-- migrate:up" line followed by its script.
pg_migrate: error: fe/2_y.sql:2: unknown header line "-- migrate:bogus"
HINT:  Known header lines: revision, parents, message, branch-labels, depends-on, up, down.
EOT
}

{
	my ($rc, $out, $err) = pgm('show', 'g3', @g);
	like($out, qr/^message:        g three\n                second line\n/m,
		'show: a message of two lines');
}

# pg_migrate.step_notices, which the progress lines above come from: one
# NOTICE per finished step when on, none when off (the default).
{
	sql('db1', q{SELECT migrate.revision('sn1', 'SELECT 1', 'SELECT 1', project => 'sn');
		SELECT migrate.revision('sn2', 'SELECT 2', 'SELECT 2', parents => '{sn1}', project => 'sn')});
	my ($ret, $out, $err) = $node->psql('db1',
		q{SET pg_migrate.step_notices = on;
		  SELECT count(*) FROM migrate.upgrade('heads', 'sn');
		  SELECT count(*) FROM migrate.downgrade('sn1', 'sn');
		  SELECT count(*) FROM migrate.stamp('base', 'sn');});
	$err =~ s/\d+\.\d{3} ms/X ms/g;
	$err =~ s/duration_us=\d+/duration_us=U/g;
	is("$ret|$out|$err", "0|2\n1\n1|" . join('',
		"psql:<stdin>:2: NOTICE:  step 1/2: up sn1 done in X ms\n",
		"DETAIL:  step=1 steps=2 direction=up duration_us=U revision=sn1\n",
		"psql:<stdin>:2: NOTICE:  step 2/2: up sn2 done in X ms\n",
		"DETAIL:  step=2 steps=2 direction=up duration_us=U revision=sn2\n",
		"psql:<stdin>:3: NOTICE:  step 1/1: down sn2 done in X ms\n",
		"DETAIL:  step=1 steps=1 direction=down duration_us=U revision=sn2\n",
		"psql:<stdin>:4: NOTICE:  step 1/1: unstamp sn1 done in X ms\n",
		"DETAIL:  step=1 steps=1 direction=unstamp duration_us=U revision=sn1"),
		'step_notices on: one NOTICE per step, for upgrade, downgrade and stamp');
	($ret, $out, $err) = $node->psql('db1',
		q{SELECT count(*) FROM migrate.upgrade('heads', 'sn')});
	is("$ret|$out|$err", '0|2|', 'step_notices off by default: no NOTICE');
}

# --trust-registrants: a revision another role registered runs only when
# the caller opts in, on both paths, and the opt-in is in the audit trail.
{
	sql('db1', q{CREATE ROLE tr_deployer;
		SELECT migrate.grant_deploy('tr_deployer', 'tr');
		SET ROLE tr_deployer;
		SELECT migrate.revision('tr1', 'SELECT 1', 'SELECT 1', project => 'tr');
		SELECT migrate.revision('tr2', 'SELECT 2', 'SELECT 2', parents => '{tr1}', project => 'tr');
		RESET ROLE});
	my ($rc, $out, $err) = pgm('upgrade', 'tr1', '--project', 'tr');
	is($rc, 4, 'upgrade of another role\'s revision: exit status 4');
	like($err, qr/\Apg_migrate: error: revision "tr1" of project "tr" was registered by role "tr_deployer", which is neither role "\Q$user\E" nor a member of it\n/,
		'upgrade of another role\'s revision: refused, naming both roles');
	like($err, qr/^SQLSTATE:  42501$/m, 'upgrade of another role\'s revision: 42501');
	($rc, $out, $err) = pgm('upgrade', 'tr1', '--project', 'tr', '--per-revision');
	is($rc, 4, 'apply of another role\'s revision: exit status 4');
	like($err, qr/^SQLSTATE:  42501$/m, 'apply of another role\'s revision: 42501');
	check('upgrade --trust-registrants', [ 'upgrade', 'tr1', '--project', 'tr', '--trust-registrants' ],
		0, "[1/1] up      tr1 (X ms)\nupgraded: 1 step in X ms\ncurrent: tr1\n", '');
	check('upgrade --per-revision --trust-registrants',
		[ 'upgrade', '--project', 'tr', '--per-revision', '--trust-registrants' ],
		0, "[1/1] up      tr2 (X ms, committed)\nupgraded: 1 revision in X ms\ncurrent: tr2\n", '');
	check('downgrade --trust-registrants', [ 'downgrade', 'base', '--project', 'tr', '--trust-registrants' ],
		0, "[1/2] down    tr2 (X ms)\n[2/2] down    tr1 (X ms)\ndowngraded: 2 steps in X ms\ncurrent: base\n", '');
	is(sql('db1', q{SELECT string_agg(revision || ':' || direction || ':' || outcome || ':' || coalesce(trusted_registrant, '-'), ' ' ORDER BY event_id)
		FROM migrate.events WHERE project = 'tr'}),
		'tr1:up:failure:- tr1:up:failure:- tr1:up:success:tr_deployer tr2:up:success:tr_deployer tr2:down:success:tr_deployer tr1:down:success:tr_deployer',
		'the refusals are failure rows; the trusted runs name the registrant');
}

# A role without any grant is told how to get one; a role with a grant for
# another project gets the server's own hint.
{
	sql('db1', q{CREATE ROLE nogrant LOGIN; CREATE ROLE othergrant LOGIN;
		SELECT migrate.grant_monitor('othergrant', 'elsewhere')});
	check('a role without any grant', [ 'status', '--project', 'tr' ], 4, '',
		qq{pg_migrate: error: permission denied for schema migrate\n}
		  . qq{HINT:  This role has no access to pg_migrate; a superuser grants it per project with SELECT migrate.grant_deploy('ROLE', 'PROJECT') or migrate.grant_monitor('ROLE', 'PROJECT').\n}
		  . qq{SQLSTATE:  42501\n},
		{ user => 'nogrant' });
	check('a role with a grant for another project', [ 'status', '--project', 'tr' ], 4, '',
		qq{pg_migrate: error: permission denied to read migrations of project "tr"\n}
		  . qq{DETAIL:  Role "othergrant" has no monitor access to project "tr".\n}
		  . qq{HINT:  A superuser can grant it with SELECT migrate.grant_monitor('othergrant', 'tr').\n}
		  . qq{SQLSTATE:  42501\n},
		{ user => 'othergrant' });
}

# The client shows what the server resolves: plan and the commands agree
# on branch-relative targets (docs/revision-graph.md sections 5 and 6).
# CHAIN x1 -> x2 -> x3 -> y (label ylab), x3 -> z; c2 depends on x1.
{
	sql('db1', q{
		SELECT migrate.revision(id => 'x1', up => '', down => '', project => 'ch');
		SELECT migrate.revision(id => 'x2', up => '', down => '', parents => '{x1}', project => 'ch');
		SELECT migrate.revision(id => 'x3', up => '', down => '', parents => '{x2}', project => 'ch');
		SELECT migrate.revision(id => 'y', up => '', down => '', parents => '{x3}',
								branch_labels => '{ylab}', project => 'ch');
		SELECT migrate.revision(id => 'z', up => '', down => '', parents => '{x3}', project => 'ch');
		SELECT migrate.revision(id => 'c2', up => '', down => '', depends_on => '{x1}', project => 'ch');
		SELECT migrate.upgrade('x2', 'ch');
	});
	my @ch = ('--project', 'ch');
	check('plan ylab@+1: one revision', [ 'plan', 'ylab@+1', @ch ], 0, <<'EOT', '');
step  revision  direction  execution      statements  message
1     x3        up         transactional  0
EOT
	check('upgrade ylab@+1', [ 'upgrade', 'ylab@+1', @ch ], 0, <<'EOT', '');
[1/1] up      x3 (X ms)
upgraded: 1 step in X ms
current: x3
EOT
	check('upgrade c2', [ 'upgrade', 'c2', @ch ], 0, <<'EOT', '');
[1/1] up      c2 (X ms)
upgraded: 1 step in X ms
current: x3, c2
EOT
	check('plan x1: c2 depends on x1 and stays', [ 'plan', 'x1', @ch ], 0, <<'EOT', '');
step  revision  direction  execution      statements  message
1     x3        down       transactional  0
2     x2        down       transactional  0
EOT
	check('downgrade x1', [ 'downgrade', 'x1', @ch ], 0, <<'EOT', '');
[1/2] down    x3 (X ms)
[2/2] down    x2 (X ms)
downgraded: 2 steps in X ms
current: c2
EOT
	check('history x2:', [ 'history', 'x2:', @ch ], 0, <<'EOT', '');
id  parents  labels  depends_on  flags        state    message
y   x3       ylab                head         pending
z   x3                           head         pending
x3  x2                           branchpoint  pending
x2  x1                                        pending
EOT
	# x1 is the highest applied revision of ylab's lineage (c2 depends on it)
	check('downgrade ylab@-2 starts at x1 and is out of range', [ 'downgrade', 'ylab@-2', @ch ], 4, '',
		qq{pg_migrate: error: relative target "ylab\@-2" is out of range\n}
		  . qq{DETAIL:  The walk went below the base after 1 of 2 steps.\n}
		  . qq{SQLSTATE:  22023\n});
}

# status --dir: the directory is the source of truth.  Files that are not
# registered, registered with other content (a changed message does not
# count) and registered revisions the directory lacks make --check exit 1,
# each named.
{
	mkdir 'dr';
	wfile('dr/1_a.sql', mig(id => 'dr1', message => 'one', up => 'SELECT 1;', down => ''));
	wfile('dr/2_b.sql', mig(id => 'dr2', parents => 'dr1', message => 'two', up => 'SELECT 2;', down => ''));
	my @dr = ('--project', 'drift', '--dir', 'dr');
	pgm({}, 'upgrade', @dr);
	check('status --check --dir: in step', [ 'status', '--check', @dr ], 0,
		qq{project "drift": up to date (current: dr2)\n}, '');
	# a message corrected in the file only is not a difference
	wfile('dr/2_b.sql', mig(id => 'dr2', parents => 'dr1', message => 'two, better', up => 'SELECT 2;', down => ''));
	check('status --check --dir: a changed message is no difference', [ 'status', '--check', @dr ], 0,
		qq{project "drift": up to date (current: dr2)\n}, '');
	wfile('dr/3_c.sql', mig(id => 'dr3', parents => 'dr2', message => 'three', up => 'SELECT 3;', down => ''));
	check('status --check --dir: a file never pushed', [ 'status', '--check', @dr ], 1, <<'EOT', '');
project "drift": not up to date with directory "dr" (current: dr2)
directory "dr" differs from the database:
  not registered: dr3 (3_c.sql)
EOT
	unlink 'dr/3_c.sql';
	wfile('dr/2_b.sql', mig(id => 'dr2', parents => 'dr1', message => 'two', up => 'SELECT 22;', down => ''));
	sql('db1', q{SELECT migrate.revision(id => 'dr9', up => '', parents => '{dr2}', project => 'drift')});
	check('status --check --dir: changed content, a revision only in the database',
		[ 'status', '--check', @dr ], 1, <<'EOT', '');
project "drift": 1 pending (current: dr2; heads: dr9)
directory "dr" differs from the database:
  registered with different content: dr2 (2_b.sql)
  not in the directory: dr9
EOT
	check_json('status --check --dir', [ 'status', '--check', @dr ], 1,
		{
			project => 'drift', current => ['dr2'], heads => ['dr9'], pending => ['dr9'],
			lock => undef, waiting => 0, up_to_date => JSON::PP::false,
			drift => JSON::PP::false, fingerprint => 'X', interrupted => [], invalid_indexes => [],
			directory => [
				{ problem => 'registered with different content', revision => 'dr2', file => '2_b.sql' },
				{ problem => 'not in the directory', revision => 'dr9', file => undef }
			],
			revisions => [
				{ revision => 'dr1', state => 'applied', applied_at => 'X', applied_by => 'postgres', is_current => JSON::PP::false, is_head => JSON::PP::false, message => 'one' },
				{ revision => 'dr2', state => 'applied', applied_at => 'X', applied_by => 'postgres', is_current => JSON::PP::true, is_head => JSON::PP::false, message => 'two' },
				{ revision => 'dr9', state => 'pending', applied_at => undef, applied_by => undef, is_current => JSON::PP::false, is_head => JSON::PP::true, message => undef }
			]
		});
	# without --dir the database alone is described, as before
	check('status --check without --dir', [ 'status', '--check', '--project', 'drift' ], 1,
		qq{project "drift": 1 pending (current: dr2; heads: dr9)\n}, '');

	# upgrade --dir does not run a revision the directory lacks ...
	wfile('dr/2_b.sql', mig(id => 'dr2', parents => 'dr1', message => 'two', up => 'SELECT 2;', down => ''));
	check('upgrade --dir refuses a revision the directory lacks', [ 'upgrade', @dr ], 5, '',
		qq{pg_migrate: error: the upgrade would run 1 revision that directory "dr" does not have: dr9\n}
		  . qq{HINT:  Write the missing files with "pg_migrate pull --dir dr", or pass --allow-extra to run them anyway.\n});
	is(sql('db1', q{SELECT string_agg(c, ' ') FROM migrate.current('drift') c}), 'dr2',
		'upgrade --dir: nothing ran');
	# ... unless told to
	check('upgrade --dir --allow-extra', [ 'upgrade', @dr, '--allow-extra' ], 0,
		"[1/1] up      dr9 (X ms)\nupgraded: 1 step in X ms\ncurrent: dr9\n", '');
	check('--allow-extra without --dir', [ 'upgrade', '--allow-extra', '--project', 'drift' ], 2, '',
		"pg_migrate: error: --allow-extra applies to upgrade --dir only\n");

	# prune unregisters what the directory lacks and is not applied, newest
	# first, and keeps (and names) what is applied
	sql('db1', q{SELECT migrate.revision(id => 'dr10', up => '', parents => '{dr9}', project => 'drift');
		SELECT migrate.revision(id => 'dr11', up => '', depends_on => '{dr10}', project => 'drift')});
	check('prune', [ 'prune', @dr ], 0,
		"unregistered 2 revisions: dr11, dr10\nkept 1 applied revision that directory \"dr\" lacks: dr9\n", '');
	is(sql('db1', q{SELECT string_agg(revision || ':' || direction, ' ' ORDER BY event_id)
		FROM migrate.events WHERE project = 'drift' AND direction = 'unregister'}),
		'dr11:unregister dr10:unregister', 'prune: each removal is an event');
	check_json('prune with nothing to do', [ 'prune', @dr ], 0,
		{ unregistered => [], kept_applied => ['dr9'] });
	check('status --check --dir after prune', [ 'status', '--check', @dr ], 1, <<'EOT', '');
project "drift": not up to date with directory "dr" (current: dr9)
directory "dr" differs from the database:
  not in the directory: dr9
EOT
}

chdir $start_dir or die "chdir $start_dir: $!";
$node->stop;
done_testing();
