# Copyright (c) pg_migrate contributors
#
# test/t/010_client_hardening.pl
#
# The pg_migrate client against hostile surroundings:
#
#  1. search_path hijacking (CVE-2018-1058): a role that may create objects
#     in schema public, or owns a schema that comes first in a deployer's
#     search_path, plants operators, functions, aggregates and domains for
#     text, text[], name, oid, regclass (and the jsonb and numeric
#     operators the client's queries use), each of which logs that it ran.
#     Every client command is then run as a superuser, with the planted
#     objects in public (default search_path), in a schema before
#     pg_catalog (ALTER ROLE ... SET search_path) and in a schema listed
#     first (PGOPTIONS); none of them may run.  The search_path itself is
#     left alone: migration scripts run with it.
#  2. control characters in file names: refused by every command that
#     reads a directory (exit status 5, the name shown escaped); a file
#     name, directory name or message cannot put a psql command on a line
#     of its own in a bundle (each bundle is run with psql -f); ids,
#     messages and paths read back or echoed are escaped or refused.
#  3. output files: /dev/null stays a device, a FIFO is written in place, a
#     symbolic link (dangling or not) is refused and left alone, a
#     directory is refused, a replaced file keeps its mode, a new file gets
#     0666 less the umask, the temporary is not predictable and is removed
#     when writing fails.
#
# Outputs and exit statuses are compared exactly; durations and time
# stamps are masked as in 007_client.pl.

use strict;
use warnings;

use Cwd;
use Fcntl qw(:mode);
use File::Path;
use IPC::Run;
use POSIX qw(mkfifo);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

my $start_dir = getcwd();
my $work = PostgreSQL::Test::Utils::tempdir;
chdir $work or die "chdir $work: $!";

delete $ENV{$_} for qw(PGMIGRATE_DIR PGMIGRATE_PROJECT PGSERVICE PGOPTIONS);
my $user = getpwuid($<);

# ---------------------------------------------------------------------------
# helpers (and those of PgMigrateClient.pm)

pgm_client_setup(
	node => $node, user => $user, db => 'postgres',
	mask => sub {
		my ($s) = @_;
		$s =~ s/"duration_ms": ?[0-9.]+/"duration_ms": X/g;
		$s =~ s/"(applied_at|registered_at|since|changed_at)": ?"[^"]*"/"$1": "X"/g;
		$s =~ s/sha256:[0-9a-f]{64}/sha256:X/g;
		return $s;
	});

sub sql
{
	my ($db, $q) = @_;
	return $node->safe_psql($db, "SET search_path = pg_catalog;\n$q");
}

# psql -f FILE in the current directory (where a "\!" command would run),
# as $opts->{user} with extra environment $opts->{env}; returns (exit
# status, stdout, stderr).
sub psql_file
{
	my ($db, $file, $opts) = @_;
	my ($out, $err) = ('', '');
	local %ENV = (%ENV, %{ ($opts // {})->{env} // {} });
	IPC::Run::run(
		[
			'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
			'-d', $node->connstr($db) . ' user=' . (($opts // {})->{user} // $user),
			'-f', $file
		],
		'<', \'', '>', \$out, '2>', \$err, IPC::Run::timeout(60));
	return ($? >> 8, $out, $err);
}

# ---------------------------------------------------------------------------
# 1. search_path hijacking

# mallory may create objects in public (PostgreSQL 15 no longer lets
# PUBLIC do that by default; older clusters and many installations do) and
# owns schema evil; deployer is a superuser that runs the client.
$node->safe_psql(
	'postgres', q{
CREATE ROLE mallory LOGIN;
CREATE ROLE deployer LOGIN SUPERUSER;
CREATE DATABASE hijack_tmpl;
});

# Operators: name, left, right, result.  Each is implemented by a function
# that logs and then answers as the pg_catalog operator would, so that a
# hijacked command still works and only the log tells.
my @ops = (
	[ '=', 'text[]', 'text[]', 'bool' ],
	[ '<>', 'text[]', 'text[]', 'bool' ],
	[ '&&', 'text[]', 'text[]', 'bool' ],
	[ '=', 'text', 'text', 'bool' ],
	[ '<>', 'text', 'text', 'bool' ],
	[ '=', 'name', 'name', 'bool' ],
	[ '=', 'name', 'text', 'bool' ],
	[ '=', 'text', 'name', 'bool' ],
	[ '=', 'oid', 'oid', 'bool' ],
	[ '=', 'oid', 'regclass', 'bool' ],
	[ '=', 'regclass', 'oid', 'bool' ],
	[ '=', 'regclass', 'regclass', 'bool' ],
	[ '||', 'text', 'text', 'text' ],
	[ '||', 'jsonb', 'jsonb', 'jsonb' ],
	[ '->>', 'jsonb', 'text', 'text' ],
	[ '->', 'jsonb', 'text', 'jsonb' ],
	[ '-', 'jsonb', 'text', 'jsonb' ],
	[ '*', 'numeric', 'int4', 'numeric' ],);

# Functions: name, argument types, result, body after the logging call.
my @funcs = (
	[ 'unnest', 'text[]', 'SETOF pg_catalog.text',
		'RETURN QUERY SELECT pg_catalog.unnest($1);' ],
	[ 'array_to_string', 'text[], text', 'pg_catalog.text',
		'RETURN pg_catalog.array_to_string($1, $2);' ],
	[ 'concat_ws', 'text, text, text', 'pg_catalog.text',
		'RETURN pg_catalog.concat_ws($1, $2, $3);' ],
	[ 'round', 'numeric, int4', 'pg_catalog.numeric',
		'RETURN pg_catalog.round($1, $2);' ],
	[ 'to_regclass', 'text', 'pg_catalog.regclass',
		'RETURN pg_catalog.to_regclass($1);' ],
	[ 'jsonb_array_elements_text', 'jsonb', 'SETOF pg_catalog.text',
		'RETURN QUERY SELECT pg_catalog.jsonb_array_elements_text($1);' ],
	[ 'to_char', 'timestamptz, text', 'pg_catalog.text',
		'RETURN pg_catalog.to_char($1, $2);' ],
	[ 'to_jsonb', 'anyelement', 'pg_catalog.jsonb',
		'RETURN pg_catalog.to_jsonb($1);' ],
	[ 'lower', 'text', 'pg_catalog.text', 'RETURN pg_catalog.lower($1);' ],
	[ 'length', 'text', 'pg_catalog.int4', 'RETURN pg_catalog.length($1);' ],
	[ 'current_schema', '', 'pg_catalog.name',
		'RETURN pg_catalog.current_schema();' ],);

# Domains named like the types the client casts to: a cast to one runs
# its CHECK.
my @domains = qw(text bool jsonb oid name regclass);

sub qualify_types
{
	my ($list) = @_;
	return join(', ', map { "pg_catalog.$_" } split /,\s*/, $list);
}

my $plant = q{
SET ROLE mallory;
CREATE TABLE evil.hijack_log (obj pg_catalog.text, query pg_catalog.text);
GRANT INSERT ON evil.hijack_log TO PUBLIC;
CREATE FUNCTION evil.note(obj pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE plpgsql SET search_path = pg_catalog AS $f$
BEGIN
	INSERT INTO evil.hijack_log VALUES (obj, pg_catalog.current_query());
	RAISE WARNING 'HIJACKED: % ran', obj;
	RETURN true;
END $f$;
};
my $n = 0;
foreach my $schema (qw(public evil))
{
	foreach my $op (@ops)
	{
		my ($name, $l, $r, $res) = @$op;
		$n++;
		$plant .= qq{
CREATE FUNCTION evil.op$n(a pg_catalog.$l, b pg_catalog.$r) RETURNS pg_catalog.$res
LANGUAGE plpgsql SET search_path = pg_catalog AS \$f\$
BEGIN
	PERFORM evil.note('$schema.$name($l, $r)');
	RETURN a OPERATOR(pg_catalog.$name) b;
END \$f\$;
CREATE OPERATOR $schema.$name (LEFTARG = pg_catalog.$l, RIGHTARG = pg_catalog.$r,
	FUNCTION = evil.op$n);
};
	}
	foreach my $f (@funcs)
	{
		my ($name, $args, $res, $body) = @$f;
		my $i = 0;
		my $params = join(', ', map { 'a' . ++$i . " $_" } split /,\s*/, qualify_types($args));
		$params = '' if $args eq '';
		$body =~ s/\$(\d)/a$1/g;
		$plant .= qq{
CREATE FUNCTION $schema.$name($params) RETURNS $res
LANGUAGE plpgsql SET search_path = pg_catalog AS \$f\$
BEGIN
	PERFORM evil.note('$schema.$name($args)');
	$body
END \$f\$;
};
	}
	$plant .= qq{
CREATE FUNCTION evil.count_sf_$schema(s pg_catalog.int8) RETURNS pg_catalog.int8
LANGUAGE plpgsql SET search_path = pg_catalog AS \$f\$
BEGIN
	PERFORM evil.note('$schema.count(*)');
	RETURN s OPERATOR(pg_catalog.+) 1;
END \$f\$;
CREATE AGGREGATE $schema.count(*) (SFUNC = evil.count_sf_$schema, STYPE = pg_catalog.int8,
	INITCOND = '0');
CREATE FUNCTION evil.agg_sf_$schema(s pg_catalog.text, v pg_catalog.text, d pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql SET search_path = pg_catalog AS \$f\$
BEGIN
	PERFORM evil.note('$schema.string_agg(text, text)');
	RETURN CASE WHEN s IS NULL THEN v ELSE s OPERATOR(pg_catalog.||) d OPERATOR(pg_catalog.||) v END;
END \$f\$;
CREATE AGGREGATE $schema.string_agg(pg_catalog.text, pg_catalog.text)
	(SFUNC = evil.agg_sf_$schema, STYPE = pg_catalog.text);
};
	$plant .= qq{
CREATE DOMAIN $schema.$_ AS pg_catalog.$_ CHECK (evil.note('$schema.$_ (a domain)'));
} foreach @domains;
}
$plant .= "RESET ROLE;\n";

$node->safe_psql(
	'hijack_tmpl', q{
CREATE EXTENSION pg_migrate;
GRANT CREATE ON SCHEMA public TO mallory;
CREATE SCHEMA evil AUTHORIZATION mallory;
-- other tools' history tables, for adopt
CREATE TABLE public.schema_migrations (version character varying(128) PRIMARY KEY);
INSERT INTO public.schema_migrations VALUES ('001');
CREATE SCHEMA gm;
CREATE TABLE gm.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO gm.schema_migrations VALUES (1, false);
CREATE SCHEMA sqitch;
CREATE TABLE sqitch.projects (project pg_catalog.text PRIMARY KEY);
CREATE TABLE sqitch.changes (change pg_catalog.text, project pg_catalog.text);
INSERT INTO sqitch.projects VALUES ('hj');
INSERT INTO sqitch.changes VALUES ('s1', 'hj');
} . $plant);
is( sql(
		'hijack_tmpl', q{
SELECT (SELECT count(*) FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
		WHERE n.nspname IN ('public', 'evil')) || ' ' ||
	(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'public') || ' ' ||
	(SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname IN ('public', 'evil') AND t.typtype = 'd')}),
	join(' ', 2 * scalar(@ops), scalar(@funcs) + 2, 2 * scalar(@domains)),
	'hijack: the operators, functions, aggregates and domains are planted');
is(sql('hijack_tmpl', q{SELECT count(*) FROM evil.hijack_log}), '0',
	'hijack: planting ran nothing');

# The files every round works on: a branch (h2 with a label, h3 depending
# on it), other tools' migrations for import and adopt.
mkdir 'hj' or die;
wfile('hj/1_h1.sql',
	mig(id => 'h1', message => 'one', up => 'CREATE TABLE hj1 (id int);', down => 'DROP TABLE hj1;'));
wfile('hj/2_h2.sql',
	mig(id => 'h2', parents => 'h1', labels => 'lab', message => 'two',
		up => 'CREATE TABLE hj2 (id int);', down => 'DROP TABLE hj2;'));
wfile('hj/3_h3.sql',
	mig(id => 'h3', parents => 'h1', deps => 'h2', message => 'three',
		up => 'CREATE TABLE hj3 (id int);', down => 'DROP TABLE hj3;'));
mkdir 'hj_dbmate' or die;
wfile('hj_dbmate/001_first.sql', "-- migrate:up\nCREATE TABLE d1 (id int);\n-- migrate:down\nDROP TABLE d1;\n");
wfile('hj_dbmate/002_second.sql', "-- migrate:up\nCREATE TABLE d2 (id int);\n-- migrate:down\nDROP TABLE d2;\n");
mkdir 'hj_golang' or die;
wfile('hj_golang/1_a.up.sql', "CREATE TABLE g1 (id int);\n");
wfile('hj_golang/2_b.up.sql', "CREATE TABLE g2 (id int);\n");
mkdir 'hj_sqitch' or die;
mkdir 'hj_sqitch/deploy' or die;
wfile('hj_sqitch/sqitch.plan',
	"%syntax-version=1.0.0\n%project=hj\n\n"
	  . "s1 2020-01-01T00:00:00Z A <a\@example.com> # first\n"
	  . "s2 2020-01-02T00:00:00Z A <a\@example.com> # second\n");
wfile('hj_sqitch/deploy/s1.sql', "CREATE TABLE s1 (id int);\n");
wfile('hj_sqitch/deploy/s2.sql', "CREATE TABLE s2 (id int);\n");

# One round: every command in a fresh database.  $opts: how the client
# runs (user, env); $name: the round's name.
sub hijack_round
{
	my ($name, $db, $opts) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db TEMPLATE hijack_tmpl");
	my $logpos = -s $node->logfile;
	my %o = (%$opts, db => $db);
	my $dir = "hj_$db";
	File::Path::rmtree($dir);
	mkdir $dir or die;
	wfile("$dir/$_", rfile("hj/$_")) foreach ls_dir('hj', 1);
	my $c = sub {
		my ($what, $args, $rc, $out, $err) = @_;
		check("$name: $what", $args, $rc, $out, $err // '', \%o);
	};

	$c->('new', [ 'new', '-m', 'scaffolded', '--id', 'h9', '--dir', "${dir}_new" ], 0,
		"created ${dir}_new/TS_scaffolded.sql (revision h9)\n");
	$c->('push', [ 'push', '--dir', $dir ], 0, <<'EOT');
new       h1 (1_h1.sql)
new       h2 (2_h2.sql)
new       h3 (3_h3.sql)
pushed 3 files: 3 new, 0 changed, 0 message only, 0 unchanged
EOT
	$c->('push again (checksums)', [ 'push', '--dir', $dir ], 0,
		"pushed 3 files: 0 new, 0 changed, 0 message only, 3 unchanged\n");
	wfile("$dir/3_h3.sql",
		mig(id => 'h3', parents => 'h1', deps => 'h2', message => 'three',
			up => 'CREATE TABLE hj3 (id int, n int);', down => 'DROP TABLE hj3;'));
	$c->('push of a changed file (full comparison)', [ 'push', '--dir', $dir ], 0, <<'EOT');
changed   h3 (3_h3.sql)
pushed 3 files: 0 new, 1 changed, 0 message only, 2 unchanged
EOT
	# the same scripts, another label: the text[] columns are compared
	wfile("$dir/3_h3.sql",
		mig(id => 'h3', parents => 'h1', deps => 'h2', labels => 'lab3', message => 'three',
			up => 'CREATE TABLE hj3 (id int, n int);', down => 'DROP TABLE hj3;'));
	$c->('push of a changed label (array comparison)', [ 'push', '--dir', $dir ], 0, <<'EOT');
changed   h3 (3_h3.sql)
pushed 3 files: 0 new, 1 changed, 0 message only, 2 unchanged
EOT
	$c->('push --json', [ 'push', '--dir', $dir, '--json' ], 0,
		qq{{"files": 3, "new": 0, "changed": 0, "message": 0, "unchanged": 3, "kept": 0}\n});
	$c->('status', ['status'], 0, <<'EOT');
project "default": 3 pending (current: base; heads: h2, h3)

revision  state    applied_at  applied_by  flags  message
h1        pending                                 one
h2        pending                          head   two
h3        pending                          head   three
EOT
	$c->('status --check', [ 'status', '--check' ], 1,
		qq{project "default": 3 pending (current: base; heads: h2, h3)\n});
	$c->('status --json', [ 'status', '--json' ], 0,
		'{"lock": null, "drift": null, "heads": ["h2", "h3"], "current": [], "pending": ["h1", "h2", "h3"], '
		  . '"project": "default", "waiting": 0, "revisions": ['
		  . '{"state": "pending", "is_head": false, "message": "one", "revision": "h1", '
		  . '"applied_at": null, "applied_by": null, "is_current": false}, '
		  . '{"state": "pending", "is_head": true, "message": "two", "revision": "h2", '
		  . '"applied_at": null, "applied_by": null, "is_current": false}, '
		  . '{"state": "pending", "is_head": true, "message": "three", "revision": "h3", '
		  . '"applied_at": null, "applied_by": null, "is_current": false}], "up_to_date": false, '
		  . '"fingerprint": null, "interrupted": [], "invalid_indexes": []}'
		  . "\n");
	$c->('plan', ['plan'], 0, <<'EOT');
step  revision  direction  execution      statements  message
1     h1        up         transactional  1           one
2     h2        up         transactional  1           two
3     h3        up         transactional  1           three
EOT
	$c->('plan --json', [ 'plan', '--json' ], 0,
		'[{"step": 1, "message": "one", "revision": "h1", "direction": "up", '
		  . '"execution": "transactional", "statements": 1}, '
		  . '{"step": 2, "message": "two", "revision": "h2", "direction": "up", '
		  . '"execution": "transactional", "statements": 1}, '
		  . '{"step": 3, "message": "three", "revision": "h3", "direction": "up", '
		  . '"execution": "transactional", "statements": 1}]' . "\n");
	my $script = <<'EOT';
-- pg_migrate script for project "default", target "h1": 1 revision
-- run it with psql -v ON_ERROR_STOP=1, so that it stops at the first error
BEGIN;
-- the project's migration mutex, as every pg_migrate command takes it
SELECT migrate.lock('default');

-- upgrade h1: one
CREATE TABLE hj1 (id int);
SELECT migrate.record_step('default', 'h1', 'up', 'sha256:X');
COMMIT;
EOT
	$c->('script', [ 'script', 'h1' ], 0, $script);
	(my $sj = $script) =~ s/(["\\])/\\$1/g;
	$sj =~ s/\n/\\n/g;
	$c->('script --json', [ 'script', 'h1', '--json' ], 0, qq{{"script": "$sj"}\n});
	$c->('upgrade to a target', [ 'upgrade', 'h2' ], 0, <<'EOT');
[1/2] up      h1 (X ms)
[2/2] up      h2 (X ms)
upgraded: 2 steps in X ms
current: h2
EOT
	$c->('current', ['current'], 0, "h2\n");
	$c->('current --json', [ 'current', '--json' ], 0, qq{["h2"]\n});
	$c->('heads', ['heads'], 0, "h2\nh3\n");
	$c->('heads --resolve-dependencies', [ 'heads', '--resolve-dependencies' ], 0, "h3\n");
	$c->('heads --json', [ 'heads', '--json' ], 0, qq{["h2", "h3"]\n});
	$c->('branches', ['branches'], 0, "h1 -> h2, h3\n");
	$c->('branches --json', [ 'branches', '--json' ], 0,
		qq{[{"children": ["h2", "h3"], "branch_point": "h1"}]\n});
	$c->('history', ['history'], 0, <<'EOT');
id  parents  labels  depends_on  flags              state    message
h3  h1       lab3    h2          head               pending  three
h2  h1       lab                 head, current      applied  two
h1                               base, branchpoint  applied  one
EOT
	$c->('history --json', [ 'history', '--json' ], 0,
		'[{"id": "h3", "flags": ["head"], "applied": false, "message": "three", '
		  . '"parents": ["h1"], "applied_at": null, "depends_on": ["h2"], "branch_labels": ["lab3"]}, '
		  . '{"id": "h2", "flags": ["head", "current"], "applied": true, "message": "two", '
		  . '"parents": ["h1"], "applied_at": "X", "depends_on": [], "branch_labels": ["lab"]}, '
		  . '{"id": "h1", "flags": ["base", "branchpoint"], "applied": true, "message": "one", '
		  . '"parents": [], "applied_at": "X", "depends_on": [], "branch_labels": []}]' . "\n");
	$c->('show', [ 'show', 'h2' ], 0, <<'EOT');
revision:       h2
parents:        h1
branch labels:  lab
message:        two
head:           yes
applied:        YYYY-MM-DD HH:MM:SS by deployer
registered:     YYYY-MM-DD HH:MM:SS by deployer
checksum:       sha256:X
up (transactional):
    CREATE TABLE hj2 (id int);
down (transactional):
    DROP TABLE hj2;
EOT
	$c->('show --json', [ 'show', 'h2', '--json' ], 0,
		'[{"id": "h2", "up": "CREATE TABLE hj2 (id int);", "down": "DROP TABLE hj2;", '
		  . '"applied": true, "is_head": true, "message": "two", "parents": ["h1"], '
		  . '"checksum": "sha256:X", "up_class": "transactional", "applied_at": "X", '
		  . '"applied_by": "deployer", "depends_on": [], "down_class": "transactional", '
		  . '"branch_labels": ["lab"], "registered_at": "X", "registered_by": "deployer"}]'
		  . "\n");
	$c->('upgrade --per-revision', [ 'upgrade', '--per-revision' ], 0, <<'EOT');
[1/1] up      h3 (X ms, committed)
upgraded: 1 revision in X ms
current: h3
EOT
	$c->('merge', [ 'merge', '--id', 'hm', '-m', 'merged' ], 0,
		"registered merge revision hm\n");
	$c->('upgrade --json', [ 'upgrade', '--json' ], 0,
		qq{[{"step": 1, "revision": "hm", "direction": "up", "duration_ms": X}]\n});
	$c->('downgrade', [ 'downgrade', 'h1' ], 0, <<'EOT');
[1/3] down    hm (X ms)
[2/3] down    h3 (X ms)
[3/3] down    h2 (X ms)
downgraded: 3 steps in X ms
current: h1
EOT
	$c->('downgrade --json', [ 'downgrade', 'base', '--json' ], 0,
		qq{[{"step": 1, "revision": "h1", "direction": "down", "duration_ms": X}]\n});
	# hm was merged in the database only: the directory lacks it
	$c->('upgrade --dir', [ 'upgrade', '--dir', $dir, '--allow-extra' ], 0, <<'EOT');
[1/4] up      h1 (X ms)
[2/4] up      h2 (X ms)
[3/4] up      h3 (X ms)
[4/4] up      hm (X ms)
upgraded: 4 steps in X ms
current: hm
EOT
	$c->('stamp', [ 'stamp', 'h1' ], 0, <<'EOT');
[1/3] unstamp hm (X ms)
[2/3] unstamp h3 (X ms)
[3/3] unstamp h2 (X ms)
stamped: 3 steps in X ms
current: h1
EOT
	$c->('stamp --purge --json', [ 'stamp', 'base', '--purge', '--json' ], 0,
		qq{[{"step": 1, "revision": "h1", "direction": "unstamp", "duration_ms": X}]\n});
	$c->('pull', [ 'pull', '--dir', "${dir}_pulled" ], 0, "wrote 4 revisions to ${dir}_pulled\n");
	$c->('bundle', [ 'bundle', '--dir', $dir, '-o', "${dir}_bundle.sql" ], 0,
		"wrote ${dir}_bundle.sql (3 revisions)\n");
	$c->('import dbmate', [ 'import', 'dbmate', 'hj_dbmate', '--dir', "${dir}_dbmate" ], 0,
		"imported 2 migrations from hj_dbmate into ${dir}_dbmate\n");
	$c->('adopt dbmate', [ 'adopt', 'dbmate', '--dir', "${dir}_dbmate", '--project', 'dbm' ], 0,
		"stamp   001\nadopted dbmate's history: 1 revision recorded as applied\n");
	$c->('import golang-migrate',
		[ 'import', 'golang-migrate', 'hj_golang', '--dir', "${dir}_golang" ], 0,
		"imported 2 migrations from hj_golang into ${dir}_golang\n");
	$c->('adopt golang-migrate',
		[
			'adopt', 'golang-migrate', '--dir', "${dir}_golang",
			'--table', 'gm.schema_migrations', '--project', 'gol'
		],
		0, "stamp   1\nadopted golang-migrate's history: 1 revision recorded as applied\n");
	$c->('import sqitch', [ 'import', 'sqitch', 'hj_sqitch', '--dir', "${dir}_sqitch" ], 0,
		"imported 2 migrations from hj_sqitch into ${dir}_sqitch\n");
	$c->('adopt sqitch', [ 'adopt', 'sqitch', '--dir', "${dir}_sqitch", '--project', 'sq' ], 0,
		"stamp   s1\nadopted sqitch's history: 1 revision recorded as applied\n");

	# the bundle, run by psql as the same deployer in a database of its own
	$node->safe_psql('postgres', "CREATE DATABASE ${db}_b TEMPLATE hijack_tmpl");
	my ($brc, $bout, $berr) = psql_file("${db}_b", "${dir}_bundle.sql", $opts);
	is($brc, 0, "$name: psql -f of the bundle: exit status 0") or diag($berr);
	is(sql("${db}_b", q{SELECT string_agg(c, ',') FROM migrate.current() c}), 'h3',
		"$name: psql -f of the bundle: applied");
	is(sql("${db}_b", q{SELECT string_agg(obj || ' <- ' || query, E'\n') FROM evil.hijack_log}),
		'', "$name: the bundle ran no planted object");

	is(sql($db, q{SELECT string_agg(obj || ' <- ' || query, E'\n') FROM evil.hijack_log}),
		'', "$name: no planted object ran");
	my $log = slurp_file($node->logfile, $logpos);
	unlike($log, qr/HIJACKED/, "$name: the server log shows no planted object");
	return;
}

hijack_round('default search_path (objects in public)', 'hj_public', { user => 'deployer' });
$node->safe_psql('postgres',
	'ALTER ROLE deployer SET search_path = evil, pg_catalog, public');
hijack_round('ALTER ROLE SET search_path = evil, pg_catalog, public',
	'hj_first', { user => 'deployer' });
$node->safe_psql('postgres', 'ALTER ROLE deployer RESET search_path');
hijack_round('PGOPTIONS search_path=evil,public', 'hj_opts',
	{ user => 'deployer', env => { PGOPTIONS => '-c search_path=evil,public' } });

# ---------------------------------------------------------------------------
# 2. control characters in names

$node->safe_psql('postgres', 'CREATE DATABASE cc');
$node->safe_psql('cc', 'CREATE EXTENSION pg_migrate');
my %nowhere = (env => { PGHOST => '/nonexistent' });    # refused before connecting

# The bundle injection: a newline in a file name would put "\! touch
# pwned" on a line of its own in the bundle, and psql -f would run it.
mkdir 'inj' or die;
wfile('inj/0001_a.sql', mig(id => 'i1', up => 'SELECT 1;'));
wfile("inj/0002_x\n\\! touch pwned\n.sql", mig(id => 'i2', parents => 'i1', up => 'SELECT 2;'));
my $inj_err = <<'EOT';
pg_migrate: error: refusing file "inj/0002_x\n\! touch pwned\n.sql": its name contains a control character
HINT:  Rename the file: control characters in file names could forge lines in messages and in generated SQL.
EOT
{
	my ($rc, $out, $err) = pgm(\%nowhere, 'bundle', '--dir', 'inj');
	is($rc, 5, 'bundle: a file name with newlines: exit status 5');
	is($out, '', 'bundle: a file name with newlines: no bundle');
	is($err, $inj_err, 'bundle: a file name with newlines: stderr');
	wfile('inj_bundle.sql', $out);
	psql_file('cc', 'inj_bundle.sql');
	ok(!-e 'pwned', 'bundle: psql -f of the output ran no psql command');
}
check('bundle -o: a file name with newlines', [ 'bundle', '--dir', 'inj', '-o', 'inj.sql' ],
	5, '', $inj_err, \%nowhere);
ok(!-e 'inj.sql', 'bundle -o: a file name with newlines: no file written');
foreach my $args (
	[ 'push', '--dir', 'inj' ],
	[ 'upgrade', '--dir', 'inj' ],
	[ 'downgrade', 'base', '--dir', 'inj' ],
	[ 'stamp', 'base', '--dir', 'inj' ],
	[ 'new', '-m', 'more', '--dir', 'inj' ],
	[ 'merge', '--dir', 'inj' ],
	[ 'pull', '--dir', 'inj' ],
	[ 'adopt', 'dbmate', '--dir', 'inj' ],
	[ 'import', 'dbmate', 'inj', '--dir', 'inj_imported' ],
	[ 'import', 'golang-migrate', 'inj', '--dir', 'inj_imported' ])
{
	check("$args->[0] $args->[1]: a file name with newlines", $args, 5, '', $inj_err,
		\%nowhere);
}
ok(!-e 'inj_imported', 'import: a file name with newlines: nothing written');
is(join(' ', map { s/\n/|/gr } ls_dir('inj', 1)), '0001_a.sql 0002_x|\! touch pwned|.sql',
	'a file name with newlines: the directory is as it was (new wrote nothing)');

# Other control characters, several files: all named, in name order.
mkdir 'cc2' or die;
wfile("cc2/$_", mig(id => 'c' . substr($_, 0, 1), up => 'SELECT 1;'))
  foreach ("1_\x01.sql", "2_a\tb.sql", "3_c\rd.sql", "4_\x7f.sql", '5_fine.sql');
check('push: control characters in file names', [ 'push', '--dir', 'cc2' ], 5, '', <<'EOT', \%nowhere);
pg_migrate: error: refusing file "cc2/1_\x01.sql": its name contains a control character
pg_migrate: error: refusing file "cc2/2_a\tb.sql": its name contains a control character
pg_migrate: error: refusing file "cc2/3_c\rd.sql": its name contains a control character
pg_migrate: error: refusing file "cc2/4_\x7f.sql": its name contains a control character
HINT:  Rename the files: control characters in file names could forge lines in messages and in generated SQL.
EOT

# Flyway's importer walks subdirectories: a directory name counts too.
mkdir 'fw' or die;
mkdir "fw/sub\ndir" or die;
wfile("fw/sub\ndir/V1__a.sql", "SELECT 1;\n");
check('import flyway: a directory name with a newline',
	[ 'import', 'flyway', 'fw', '--dir', 'fw_imported' ], 5, '', <<'EOT', \%nowhere);
pg_migrate: error: refusing directory "fw/sub\ndir": its name contains a control character
HINT:  Rename the directory: control characters in file names could forge lines in messages and in generated SQL.
EOT
File::Path::rmtree("fw/sub\ndir");
wfile("fw/V2__b\x1b[31m.sql", "SELECT 2;\n");
check('import flyway: a file name with an escape character',
	[ 'import', 'flyway', 'fw', '--dir', 'fw_imported' ], 5, '', <<'EOT', \%nowhere);
pg_migrate: error: refusing file "fw/V2__b\x1b[31m.sql": its name contains a control character
HINT:  Rename the file: control characters in file names could forge lines in messages and in generated SQL.
EOT

# Only the files a command reads count: hidden files and other suffixes
# are not read.
mkdir 'cc3' or die;
wfile('cc3/1_a.sql', mig(id => 'k1', up => 'SELECT 1;'));
wfile("cc3/notes\n.txt", "not a migration\n");
wfile("cc3/.hidden\n.sql", "not a migration\n");
check('push: control characters in names that are not read', [ 'push', '--dir', 'cc3' ], 0,
	"new       k1 (1_a.sql)\npushed 1 file: 1 new, 0 changed, 0 message only, 0 unchanged\n",
	'', { db => 'cc' });

# A directory named with newlines is the user's own choice: it is used,
# and shown escaped, in the bundle's header comment too.  Messages are
# dollar-quoted literals, where psql runs nothing either.
my $dd = "dd\n\\! touch pwned2\n";
mkdir $dd or die;
wfile("$dd/1_a.sql", mig(id => 'd1', message => "first\n\\! touch pwned3", up => 'SELECT 1;'));
check('bundle: a directory name with newlines', [ 'bundle', '--dir', $dd, '-o', 'dd.sql' ], 0,
	"wrote dd.sql (1 revision)\n", '', \%nowhere);
is(rfile('dd.sql'), <<'EOT', 'bundle: a directory name with newlines: the bundle');
-- pg_migrate bundle: 1 revision from dd\n\! touch pwned2\n
-- Run with: psql -v ON_ERROR_STOP=1 -f FILE
\set ON_ERROR_STOP on
BEGIN;

-- 1_a.sql
SELECT migrate.revision(id => $pgm$d1$pgm$,
    up => $pgm$SELECT 1;$pgm$,
    down => NULL,
    parents => $pgm${}$pgm$::pg_catalog.text[],
    message => $pgm$first
\! touch pwned3$pgm$,
    branch_labels => $pgm${}$pgm$::pg_catalog.text[],
    depends_on => $pgm${}$pgm$::pg_catalog.text[],
    project => $pgm$default$pgm$);

SELECT * FROM migrate.upgrade('heads', $pgm$default$pgm$);
COMMIT;
EOT
{
	my ($rc, $out, $err) = psql_file('cc', 'dd.sql');
	is($rc, 0, 'bundle: a directory name with newlines: psql -f succeeds') or diag($err);
	ok(!-e 'pwned2', 'bundle: the directory name ran no psql command');
	ok(!-e 'pwned3', 'bundle: the message ran no psql command');
	is(sql('cc', q{SELECT message FROM migrate.revisions WHERE id = 'd1'}),
		"first\n\\! touch pwned3", 'bundle: the message is registered as it was');
}
check('new: a directory name with newlines',
	[ 'new', '-m', 'x', '--id', 'n2', '--dir', "nd\nx" ], 0,
	"created nd\\nx/TS_x.sql (revision n2)\n", '', \%nowhere);
check('push: a directory that does not exist, with a newline', [ 'push', '--dir', "no\nsuch" ],
	5, '', <<'EOT', \%nowhere);
pg_migrate: error: directory "no\nsuch" does not exist
HINT:  Give the migrations directory with --dir (default "migrations", or $PGMIGRATE_DIR).
EOT

# Ids and messages given on the command line
check('new: an id with a newline', [ 'new', '-m', 'x', '--id', "a\nb", '--dir', 'nd2' ], 2, '',
	qq{pg_migrate: error: invalid revision id "a\\nb": only letters, digits, "_", "-" and "." are allowed\n},
	\%nowhere);
check('new: a message with an escape character',
	[ 'new', '-m', "red\x1b[31m", '--id', 'n3', '--dir', 'nd2' ], 5, '',
	qq{pg_migrate: error: revision "n3" cannot be written as a file: its message contains a control character other than a line break or a tab\n},
	\%nowhere);
ok(!-e 'nd2', 'new: refused ids and messages wrote nothing');

# What pull reads back: ids, parents and messages a superuser changed by
# hand are refused before anything is written.
sql('cc', q{SELECT migrate.revision('okid', 'SELECT 1;', project => 'bad');
	UPDATE migrate.revisions SET id = E'okid\n-- migrate:up\nevil' WHERE project = 'bad'});
check('pull: an id with newlines', [ 'pull', '--dir', 'pb', '--project', 'bad' ], 5, '',
	qq{pg_migrate: error: revision "okid\\n-- migrate:up\\nevil" cannot be written as a file: its id is invalid (only letters, digits, "_", "-" and "." are allowed)\n},
	{ db => 'cc' });
sql('cc', q{SELECT migrate.revision('p1', 'SELECT 1;', project => 'badp');
	SELECT migrate.revision('p2', 'SELECT 2;', parents => '{p1}', project => 'badp');
	UPDATE migrate.revisions SET parents = ARRAY[E'p1\nx'] WHERE project = 'badp' AND id = 'p2'});
check('pull: a parent with a newline', [ 'pull', '--dir', 'pb', '--project', 'badp' ], 5, '',
	qq{pg_migrate: error: revision "p2" cannot be written as a file: its parent "p1\\nx" is invalid (only letters, digits, "_", "-" and "." are allowed)\n},
	{ db => 'cc' });
sql('cc', q{SELECT migrate.revision('m1', 'SELECT 1;', project => 'badm');
	UPDATE migrate.revisions SET message = E'fine\r\\! touch pwned4' WHERE project = 'badm'});
check('pull: a message with a carriage return', [ 'pull', '--dir', 'pb', '--project', 'badm' ],
	5, '',
	qq{pg_migrate: error: revision "m1" cannot be written as a file: its message contains a control character other than a line break or a tab\n},
	{ db => 'cc' });
ok(!-e 'pb', 'pull: nothing written');

# Messages and names from the database are shown escaped.
sql('cc', q{SELECT migrate.revision('e1', 'SELECT 1;', message => E'red\x1b[31m\nline two', project => 'esc');
	UPDATE migrate.revisions SET registered_by = E'mal\nlory' WHERE project = 'esc'});
{
	my ($rc, $out, $err) = pgm({ db => 'cc' }, 'show', 'e1', '--project', 'esc');
	is("$rc|$err", '0|', 'show: exit status 0');
	is(mask($out), <<'EOT', 'show: message and role name escaped');
revision:       e1
parents:        (base)
message:        red\x1b[31m
                line two
head:           yes
applied:        no
registered:     YYYY-MM-DD HH:MM:SS by mal\nlory
checksum:       sha256:X
up (transactional):
    SELECT 1;
down: none (irreversible)
EOT
}
check('history: a message escaped', [ 'history', '--project', 'esc' ], 0, <<'EOT', '', { db => 'cc' });
id  parents  labels  depends_on  flags       state    message
e1                               base, head  pending  red\x1b[31m line two
EOT

# ---------------------------------------------------------------------------
# 3. output files

mkdir 'ob' or die;
wfile('ob/1_a.sql', mig(id => 'o1', up => 'SELECT 1;'));
my $bundle = (pgm(\%nowhere, 'bundle', '--dir', 'ob'))[1];
like($bundle, qr/\A-- pg_migrate bundle: 1 revision from ob\n/, 'output: the bundle');

# only the files a test made, and no temporary left anywhere
sub no_temporaries
{
	my ($name, $dir) = @_;
	is(join(' ', grep { /\.tmp/ } ls_dir($dir, 1)), '', "$name: no temporary file left");
	return;
}

# /dev/null stays a device
{
	my @before = stat '/dev/null';
	check('bundle -o /dev/null', [ 'bundle', '--dir', 'ob', '-o', '/dev/null' ], 0,
		"wrote /dev/null (1 revision)\n", '', \%nowhere);
	my @after = lstat '/dev/null';
	ok(S_ISCHR($after[2]), '/dev/null: still a character device');
	is("$after[1] $after[6]", "$before[1] $before[6]", '/dev/null: the same node');
	is(join(' ', grep { /^null\.tmp/ } ls_dir('/dev', 1)), '', '/dev/null: no temporary left');
}

# a FIFO is written, not replaced
{
	mkfifo('ob.fifo', 0600) or die "mkfifo: $!";
	my $got = '';
	my $reader = IPC::Run::start([ 'cat', 'ob.fifo' ], '<', \'', '>', \$got,
		IPC::Run::timeout(20));
	check('bundle -o FIFO', [ 'bundle', '--dir', 'ob', '-o', 'ob.fifo' ], 0,
		"wrote ob.fifo (1 revision)\n", '', \%nowhere);
	eval { $reader->finish; 1 } or do { diag("reader: $@"); $reader->kill_kill };
	is($got, $bundle, 'FIFO: the reader got the bundle');
	ok(-p 'ob.fifo', 'FIFO: still a FIFO');
}

# symbolic links are refused and left as they are
my $link_err = <<'EOT';
pg_migrate: error: refusing to write "%s": it is a symbolic link
HINT:  Output files are not written through symbolic links; give the path of the file itself.
EOT
wfile('ob_target.sql', "original\n");
symlink('ob_target.sql', 'ob_link.sql') or die;
check('bundle -o LINK', [ 'bundle', '--dir', 'ob', '-o', 'ob_link.sql' ], 5, '',
	sprintf($link_err, 'ob_link.sql'), \%nowhere);
is(readlink('ob_link.sql'), 'ob_target.sql', 'link: still the same link');
is(rfile('ob_target.sql'), "original\n", 'link: its target is unchanged');
symlink('ob_nowhere.sql', 'ob_dangling.sql') or die;
check('bundle -o DANGLING-LINK', [ 'bundle', '--dir', 'ob', '-o', 'ob_dangling.sql' ], 5, '',
	sprintf($link_err, 'ob_dangling.sql'), \%nowhere);
is(readlink('ob_dangling.sql'), 'ob_nowhere.sql', 'dangling link: still the same link');
ok(!-e 'ob_nowhere.sql', 'dangling link: nothing created where it points');

# a directory is refused
mkdir 'ob_dir' or die;
check('bundle -o DIRECTORY', [ 'bundle', '--dir', 'ob', '-o', 'ob_dir' ], 5, '',
	qq{pg_migrate: error: could not write file "ob_dir": it is a directory\n}, \%nowhere);
ok(-d 'ob_dir', 'directory: still a directory');

# a regular file is replaced, keeping its mode; a new one gets 0666 less
# the umask
wfile('ob_keep.sql', "old\n");
chmod 0640, 'ob_keep.sql' or die;
check('bundle -o over a file of mode 0640', [ 'bundle', '--dir', 'ob', '-o', 'ob_keep.sql' ], 0,
	"wrote ob_keep.sql (1 revision)\n", '', \%nowhere);
is(rfile('ob_keep.sql'), $bundle, 'replaced file: the bundle');
is(sprintf('%04o', (stat 'ob_keep.sql')[2] & 07777), '0640', 'replaced file: mode 0640 kept');
foreach my $case ([ 022, '0644' ], [ 077, '0600' ])
{
	my $old = umask $case->[0];
	my $f = "ob_new$case->[1].sql";
	check("bundle -o a new file, umask $case->[1]", [ 'bundle', '--dir', 'ob', '-o', $f ], 0,
		"wrote $f (1 revision)\n", '', \%nowhere);
	umask $old;
	is(sprintf('%04o', (stat $f)[2] & 07777), $case->[1], "new file: mode $case->[1]");
}

# The temporary name cannot be guessed: a link planted at PATH.tmpPID (the
# name used before) is not written through.
{
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'sh', '-c',
			'echo $$; ln -s ob_victim.sql ob_pred.sql.tmp$$ && exec pg_migrate bundle --dir ob -o ob_pred.sql'
		],
		'<', \'', '>', \$out, '2>', \$err, IPC::Run::timeout(60));
	my ($pid) = $out =~ /\A(\d+)\n/;
	is($? >> 8, 0, 'planted temporary link: exit status 0');
	is($out, "$pid\nwrote ob_pred.sql (1 revision)\n", 'planted temporary link: stdout');
	is($err, '', 'planted temporary link: stderr');
	ok(!-e 'ob_victim.sql' && !-l 'ob_pred.sql', 'planted temporary link: not written through');
	is(rfile('ob_pred.sql'), $bundle, 'planted temporary link: the output file');
	is(readlink("ob_pred.sql.tmp$pid"), 'ob_victim.sql', 'planted temporary link: left alone');
	unlink "ob_pred.sql.tmp$pid";
}

# When writing fails, the temporary is removed and the target is as it
# was (a file size limit makes the write fail half-way).
mkdir 'big' or die;
wfile('big/1_a.sql', mig(id => 'b1', up => 'SELECT 1; -- ' . ('x' x 8000)));
wfile('ob_big.sql', "old\n");
{
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'sh', '-c',
			"trap '' XFSZ; ulimit -f 2; exec pg_migrate bundle --dir big -o ob_big.sql"
		],
		'<', \'', '>', \$out, '2>', \$err, IPC::Run::timeout(60));
	is($? >> 8, 5, 'write failure: exit status 5');
	is("$out|$err", qq{|pg_migrate: error: could not write file "ob_big.sql": File too large\n},
		'write failure: stdout and stderr');
	is(rfile('ob_big.sql'), "old\n", 'write failure: the file is unchanged');
}
no_temporaries('output files', '.');

# pull, new and import write through the same code
$node->safe_psql('postgres', 'CREATE DATABASE ow');
$node->safe_psql('ow', q{CREATE EXTENSION pg_migrate;
	SELECT migrate.revision('w1', 'SELECT 1;', message => 'one');});
check('pull', [ 'pull', '--dir', 'pw' ], 0, "wrote 1 revision to pw\n", '', { db => 'ow' });
wfile('pw/0001_one.sql', mig(id => 'w1', message => 'one', up => 'SELECT 2;'));
chmod 0600, 'pw/0001_one.sql' or die;
check('pull --force over a file of mode 0600', [ 'pull', '--dir', 'pw', '--force' ], 0,
	"wrote 1 revision to pw\n", '', { db => 'ow' });
is(sprintf('%04o', (stat 'pw/0001_one.sql')[2] & 07777), '0600', 'pull --force: mode 0600 kept');
is(rfile('pw/0001_one.sql'), mig(id => 'w1', message => 'one', up => 'SELECT 1;'),
	'pull --force: the file');
unlink 'pw/0001_one.sql' or die;
symlink('../pw_victim.sql', 'pw/0001_one.sql') or die;
check('pull --force over a link', [ 'pull', '--dir', 'pw', '--force' ], 5, '',
	sprintf($link_err, 'pw/0001_one.sql'), { db => 'ow' });
ok(!-e 'pw_victim.sql', 'pull --force over a link: nothing written through it');
mkdir 'imp_link' or die;
symlink('../imp_victim.sql', 'imp_link/001_first.sql') or die;
check('import over a link', [ 'import', 'dbmate', 'hj_dbmate', '--dir', 'imp_link' ], 5, '',
	sprintf($link_err, 'imp_link/001_first.sql'), \%nowhere);
ok(!-e 'imp_victim.sql', 'import over a link: nothing written through it');
no_temporaries('pull', 'pw');
no_temporaries('import', 'imp_link');

chdir $start_dir or die "chdir $start_dir: $!";
$node->stop;
done_testing();
