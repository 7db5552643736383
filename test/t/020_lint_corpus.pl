# Copyright (c) pg_migrate contributors
#
# test/t/020_lint_corpus.pl
#
# The lint corpus (test/lint/README.md): every file of test/lint/corpus/
# states in its header the findings it must get, as (rule, severity,
# statement) rows, offline and with the catalog of test/lint/setup.sql.
# For every file:
#
#  a. "pg_migrate lint --offline --json FILE" with no PG* variable set
#     finds exactly the "expect offline" rows (as a multiset), lists the
#     "expect ignored" rows (if the file has any) as ignored, and exits
#     with 1 exactly when one of them is an error, else 0;
#  b. migrate.lint(script, '{}', false) on the server returns exactly the
#     "expect offline" rows too;
#  c. migrate.lint(script) in a database with setup.sql, after
#     SET pg_migrate.lint_large_rows = 1000 and the file's "lint-setting"
#     lines, returns exactly the "expect catalog" rows.
#
# One ok() per file and mode; a mismatch prints the expected and the
# actual rows.  Then the whole corpus in one call: the same rows per
# file, and the summary counts are the sums of the offline expectations
# (and --dir lists every file).  Last, an unknown rule in a lint-ignore line is refused
# (42704 on the server, an error of the file in the client).

use strict;
use warnings;

use File::Basename;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $lintdir = "$FindBin::RealBin/../lint";
my $corpus = "$lintdir/corpus";

# the rules (README, "Linting migrations"), and the severities
my %known_rule = map { $_ => 1 } qw(
  require-concurrent-index-creation require-concurrent-index-deletion
  require-concurrent-reindex adding-field-with-default changing-column-type
  adding-foreign-key-constraint constraint-missing-not-valid
  disallowed-unique-constraint adding-primary-key-constraint
  adding-not-nullable-field adding-required-field
  ban-drop-column ban-drop-table ban-drop-database ban-drop-not-null
  ban-truncate-cascade renaming-column renaming-table
  ban-alter-domain-with-add-constraint ban-create-domain-with-constraint
  ban-char-field prefer-text-field prefer-bigint-over-int prefer-timestamptz
  prefer-identity transaction-nesting require-lock-timeout
  unknown-object duplicate-index unindexed-foreign-key);
my %known_severity = map { $_ => 1 } qw(error warning advice);

# ---------------------------------------------------------------------
# Read the corpus.  A file: header lines, "-- migrate:up", the script
# (everything after that line, less one final newline).

my @problems;
my %case;
my @files = grep { /^\d{3}_[A-Za-z0-9_]+\.sql$/ } ls_dir($corpus);
foreach my $f (@files)
{
	my $text = rfile("$corpus/$f");
	my ($head, $script) = $text =~ /\A(.*?)^-- migrate:up\n(.*)\z/ms;
	if (!defined $head)
	{
		push @problems, "$f: no \"-- migrate:up\" line";
		next;
	}
	$script =~ s/\n\z//;
	my %c = (script => $script, offline => [], catalog => [],
		ignored => [], settings => [], stated => {});
	foreach my $line (split /\n/, $head)
	{
		if ($line =~ /^-- expect (offline|catalog): none\s*$/)
		{
			push @problems, "$f: $1 stated twice" if $c{stated}{$1}++;
			$c{"none_$1"} = 1;
		}
		elsif ($line =~ /^-- expect (offline|catalog): (\S+) (\S+) (\d+)\s*$/)
		{
			my ($mode, $rule, $sev, $no) = ($1, $2, $3, $4);
			push @problems, "$f: unknown rule \"$rule\"" unless $known_rule{$rule};
			push @problems, "$f: unknown severity \"$sev\"" unless $known_severity{$sev};
			$c{stated}{$mode} = 1;
			push @{ $c{$mode} }, "$rule $sev $no";
		}
		elsif ($line =~ /^-- expect ignored: (\S+) (\d+)\s*$/)
		{
			push @problems, "$f: unknown rule \"$1\"" unless $known_rule{$1};
			push @{ $c{ignored} }, "$1 $2";
		}
		elsif ($line =~ /^-- lint-setting: ([a-z_][a-z0-9_.]*)=(.*?)\s*$/)
		{
			push @{ $c{settings} }, [ $1, $2 ];
		}
		elsif ($line =~ /^-- (expect|lint-setting)/)
		{
			push @problems, "$f: malformed header line: $line";
		}
	}
	foreach my $mode (qw(offline catalog))
	{
		push @problems, "$f: no \"expect $mode\" line" unless $c{stated}{$mode};
		push @problems, "$f: \"expect $mode: none\" and findings"
		  if $c{"none_$mode"} && @{ $c{$mode} };
		$c{$mode} = [ sort @{ $c{$mode} } ];
	}
	$c{ignored} = [ sort @{ $c{ignored} } ];
	$case{$f} = \%c;
}
cmp_ok(scalar @files, '>=', 66, 'the corpus has at least 66 files');
ok(!@problems, 'every corpus file has a well-formed header') or diag(join("\n", @problems));
@files = grep { $case{$_} } @files;

my %expected_sum = (error => 0, warning => 0, advice => 0);
foreach my $f (@files)
{
	$expected_sum{ (split / /)[1] }++ foreach @{ $case{$f}{offline} };
}

# compare two sorted lists of rows; on a difference, print both
sub same_rows
{
	my ($name, $expected, $actual, $extra) = @_;
	my $same = join("\n", @$expected) eq join("\n", @$actual);
	$same &&= !defined $extra;
	ok($same, $name)
	  or diag(sprintf("%s\n  expected:\n%s  actual:\n%s%s", $name,
			join('', map { "    $_\n" } @$expected) || "    (none)\n",
			join('', map { "    $_\n" } @$actual) || "    (none)\n",
			defined $extra ? "  $extra\n" : ''));
	return $same;
}

# ---------------------------------------------------------------------
# a. The client, offline, with no PG* variable at all.

# run pg_migrate with an environment that names no server
sub pgm_offline
{
	my @args = @_;
	local %ENV = map { $_ => $ENV{$_} } grep { !/^PG/ } keys %ENV;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'pg_migrate', @args ], '<', \'', '>', \$out, '2>', \$err,
		IPC::Run::timeout(120));
	return ($? >> 8, $out, $err);
}

# the decoded JSON of a run, or undef and why not
sub decode
{
	my ($out) = @_;
	my $j = eval { JSON::PP->new->decode($out) };
	return (undef, 'not JSON: ' . ($@ || 'no output')) unless defined $j;
	return (undef, 'JSON without a "files" array')
	  unless ref $j eq 'HASH' && ref $j->{files} eq 'ARRAY';
	return ($j, undef);
}

# the entry of a file in a JSON result, by its base name
sub entry_of
{
	my ($j, $f) = @_;
	my @e = grep { defined $_->{file} && basename($_->{file}) eq $f } @{ $j->{files} };
	return @e == 1 ? $e[0] : undef;
}

sub finding_rows
{
	my ($e) = @_;
	return [ sort map { "$_->{rule} $_->{severity} $_->{statement_no}" } @{ $e->{findings} // [] } ];
}

sub ignored_rows
{
	my ($e) = @_;
	return [ sort map { "$_->{rule} $_->{statement_no}" } @{ $e->{ignored} // [] } ];
}

foreach my $f (@files)
{
	my $c = $case{$f};
	my ($rc, $out, $err) = pgm_offline('lint', '--offline', '--json', "$corpus/$f");
	my $want_rc = (grep { / error / } @{ $c->{offline} }) ? 1 : 0;
	my ($j, $why) = decode($out);
	my $e = $j && !$why ? entry_of($j, $f) : undef;
	my @extra;
	push @extra, $why // "no entry for $f in the JSON" unless $e;
	push @extra, "exit status $rc, expected $want_rc" if $rc != $want_rc;
	push @extra, "stderr: $err" if $err ne '' && $rc != $want_rc;
	if ($e && @{ $c->{ignored} })
	{
		my $ign = ignored_rows($e);
		push @extra, "ignored: [" . join(', ', @$ign) . "], expected [" . join(', ', @{ $c->{ignored} }) . "]"
		  if join("\n", @$ign) ne join("\n", @{ $c->{ignored} });
	}
	my $rows = $e ? finding_rows($e) : [];
	same_rows("$f: offline (client)", $c->{offline}, $rows, @extra ? join("\n  ", @extra) : undef);
}

# the whole corpus in one call: the same rows per file, and the summary
{
	my ($rc, $out, $err) = pgm_offline('lint', '--offline', '--json', map { "$corpus/$_" } @files);
	my ($j, $why) = decode($out);
	is($why, undef, 'whole corpus, offline: JSON output') or diag($err);
	$j = { files => [] } if $why;
	my @differ = grep {
		my $e = entry_of($j, $_);
		!$e || join("\n", @{ finding_rows($e) }) ne join("\n", @{ $case{$_}{offline} })
	} @files;
	ok(!@differ, 'whole corpus, offline: every file gets its expected findings')
	  or diag('differ: ' . join(', ', @differ));
	is_deeply({ errors => $j->{errors}, warnings => $j->{warnings}, advice => $j->{advice} },
		{ errors => $expected_sum{error}, warnings => $expected_sum{warning}, advice => $expected_sum{advice} },
		'whole corpus, offline: the summary counts are the sums of the expectations');
	is($rc, $expected_sum{error} ? 1 : 0, 'whole corpus, offline: exit status');

	# --dir lints the files as one chain of migrations, each after the
	# ones before it, so its findings may differ from a lint of the file
	# alone: only check that every file is there, once
	($rc, $out, $err) = pgm_offline('lint', '--offline', '--json', '--dir', $corpus);
	($j, $why) = decode($out);
	my %seen;
	$seen{ basename($_->{file} // '') }++ foreach @{ $j ? $j->{files} : [] };
	my @missing = grep { ($seen{$_} // 0) != 1 } @files;
	ok(!$why && !@missing, 'lint --dir of the corpus, offline: one entry per file')
	  or diag($why // 'missing or repeated: ' . join(', ', @missing));
}

# ---------------------------------------------------------------------
# b and c. The server: migrate.lint() without and with the catalog.

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
# nothing may analyze the prepared tables behind the test's back
$node->append_conf('postgresql.conf', 'autovacuum = off');
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE lintdb');
$node->safe_psql('lintdb', 'CREATE EXTENSION pg_migrate');
$node->safe_psql('lintdb', rfile("$lintdir/setup.sql"));
is($node->safe_psql('lintdb',
		q{SELECT string_agg(relname || '=' || reltuples::bigint || '/' || (relpages > 0), ' ' ORDER BY relname)
		  FROM pg_class WHERE relname IN ('big', 'small', 'empty_t', 'nopk', 'unanalyzed_t') AND relkind = 'r'}),
	'big=5000/true empty_t=0/false nopk=2000/true small=10/true unanalyzed_t=-1/false',
	'the prepared tables have the sizes the corpus relies on');

# a dollar quote that the script does not contain
sub dollar_quote
{
	my ($s) = @_;
	my $n = 0;
	$n++ while index($s, "\$lint$n\$") >= 0;
	return "\$lint$n\$$s\$lint$n\$";
}

sub quote_literal
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

# the rows of migrate.lint() for a file, or undef and the error
sub server_rows
{
	my ($f, $catalog) = @_;
	my $c = $case{$f};
	my $sql = "SET pg_migrate.lint_large_rows = 1000;\n";
	$sql .= "SET $_->[0] = " . quote_literal($_->[1]) . ";\n" foreach @{ $c->{settings} };
	$sql .= "SELECT rule || ' ' || severity || ' ' || statement_no FROM migrate.lint("
	  . dollar_quote($c->{script})
	  . ($catalog ? ')' : ", '{}', false)") . " ORDER BY 1;\n";
	my ($out, $err) = ('', '');
	my $rc = $node->psql('lintdb', $sql, stdout => \$out, stderr => \$err);
	return (undef, "psql failed ($rc): $err") if $rc != 0;
	return ([ sort grep { $_ ne '' } split /\n/, $out ], undef);
}

foreach my $f (@files)
{
	my ($rows, $err) = server_rows($f, 0);
	same_rows("$f: server without catalog", $case{$f}{offline}, $rows // [], $err);
}
foreach my $f (@files)
{
	my ($rows, $err) = server_rows($f, 1);
	same_rows("$f: server with catalog", $case{$f}{catalog}, $rows // [], $err);
}

# ---------------------------------------------------------------------
# An unknown rule in a lint-ignore line: refused.

{
	my $script = "-- migrate:lint-ignore no-such-rule a reason\nCREATE INDEX CONCURRENTLY lint_x ON big (email);";
	my ($out, $err) = ('', '');
	$node->psql('lintdb',
		"\\set VERBOSITY verbose\nSELECT * FROM migrate.lint(" . dollar_quote($script) . ');',
		stdout => \$out, stderr => \$err);
	like($err, qr/ERROR:  42704:/, 'an unknown rule in lint-ignore: 42704 on the server');

	my $dir = PostgreSQL::Test::Utils::tempdir;
	wfile("$dir/001_bad_ignore.sql", "-- migrate:up\n$script\n");
	my ($rc, $cout, $cerr) = pgm_offline('lint', '--offline', "$dir/001_bad_ignore.sql");
	ok($rc != 0 && "$cout$cerr" =~ /no-such-rule/,
		'an unknown rule in lint-ignore: the client fails for the file and names the rule')
	  or diag("exit status $rc\nstdout: $cout\nstderr: $cerr");
	# in JSON: the core's message, and the annotation's line in the file
	($rc, $cout, $cerr) = pgm_offline('lint', '--offline', '--json', "$dir/001_bad_ignore.sql");
	my ($j) = decode($cout);
	is($rc, 1, 'an unknown rule in lint-ignore, --json: exit 1');
	is_deeply($j ? [ map { [ $_->{error}, $_->{line} ] } @{ $j->{files} } ] : undef,
		[ [ 'unknown lint rule "no-such-rule" in "-- migrate:lint-ignore" on line 1', 2 ] ],
		'an unknown rule in lint-ignore, --json: the message and the line in the file')
	  or diag($cout);

	# a statement the parser refuses before others that it accepts
	wfile("$dir/002_bad_first.sql", "-- migrate:up\nSELEC 1;\nCREATE INDEX ON big (n);\n");
	($rc, $cout, $cerr) = pgm_offline('lint', '--offline', "$dir/002_bad_first.sql");
	is($rc, 1, 'a first statement that does not parse: exit 1');
	like($cerr, qr/syntax error at or near "SELEC"\nCONTEXT:  \Q$dir\E\/002_bad_first\.sql, line 2\n/,
		'a first statement that does not parse: the error and its line');
}


# ---------------------------------------------------------------------
# d. The client with a database: pending files through migrate.lint()
# against the catalog, each knowing what the files before it create;
# applied files skipped.  (pg_migrate.lint_large_rows is a superuser
# setting: set for the database, as a DBA would.)

{
	$node->safe_psql('lintdb', 'ALTER DATABASE lintdb SET pg_migrate.lint_large_rows = 1000');
	my $dir = PostgreSQL::Test::Utils::tempdir;
	wfile("$dir/001_pets.sql",
		"-- migrate:revision p001\n-- migrate:up\nCREATE TABLE pets (id bigint PRIMARY KEY, name text);\n-- migrate:down\nDROP TABLE pets;\n");
	wfile("$dir/002_big_index.sql",
		"-- migrate:revision p002\n-- migrate:parents p001\n-- migrate:up\n-- an index on the large table\nCREATE INDEX big_created_idx ON big (created);\n-- migrate:down\nDROP INDEX big_created_idx;\n");
	wfile("$dir/003_pets_index.sql",
		"-- migrate:revision p003\n-- migrate:parents p002\n-- migrate:up\nCREATE INDEX pets_name_idx ON pets (name);\n-- migrate:down\nDROP INDEX pets_name_idx;\n");
	my @conn = ('-d', $node->connstr('lintdb'), '--project', 'pets', '--dir', $dir);

	my ($out, $err) = ('', '');
	IPC::Run::run([ 'pg_migrate', @conn, '--json', 'lint' ], '<', \'', '>', \$out, '2>', \$err);
	my $rc = $? >> 8;
	my ($j, $why) = decode($out);
	is($rc, 1, 'with a database: exit 1 for the error-level finding') or diag($err);
	ok($j && $j->{catalog} && @{ $j->{files} } == 3 && $j->{skipped_applied} == 0,
		'with a database: three files linted against the catalog')
	  or diag($why // $out);
	if ($j)
	{
		is_deeply([ map { join ' ', $_->{rule}, $_->{severity}, $_->{line} } @{ entry_of($j, '002_big_index.sql')->{findings} } ],
			[ 'require-concurrent-index-creation error 5' ],
			'with a database: the index on the large table is an error, at its line in the file');
		is_deeply(entry_of($j, '003_pets_index.sql')->{findings}, [],
			'with a database: a table an earlier pending file creates is new');
	}

	# the first file applied: skipped; its table now exists, never analyzed
	$node->safe_psql('lintdb', "SET pg_migrate.lint_level = off; SELECT migrate.revision('p001', 'CREATE TABLE pets (id bigint PRIMARY KEY, name text)', 'DROP TABLE pets', project => 'pets'); SELECT count(*) FROM migrate.upgrade('p001', 'pets')");
	($out, $err) = ('', '');
	IPC::Run::run([ 'pg_migrate', @conn, '--json', 'lint' ], '<', \'', '>', \$out, '2>', \$err);
	($j, $why) = decode($out);
	ok($j && $j->{skipped_applied} == 1 && @{ $j->{files} } == 2,
		'with a database: the applied file is skipped')
	  or diag($why // $out);
	if ($j)
	{
		is_deeply([ map { join ' ', $_->{rule}, $_->{severity} } @{ entry_of($j, '003_pets_index.sql')->{findings} } ],
			[ 'require-concurrent-index-creation warning' ],
			'with a database: the applied table, never analyzed, is of unknown size');
	}

	# text output: file:line: severity: rule
	($out, $err) = ('', '');
	IPC::Run::run([ 'pg_migrate', @conn, 'lint' ], '<', \'', '>', \$out, '2>', \$err);
	like($out, qr{^\Q$dir\E/002_big_index\.sql:5: error: require-concurrent-index-creation: statement 1: CREATE INDEX "big_created_idx" on "big" without CONCURRENTLY blocks writes to "big" \(about 5000 rows\) until the index is built\n    hint: Use CREATE INDEX CONCURRENTLY}m,
		'with a database: the text line of a finding');
	like($out, qr/^2 files linted against the database \(1 applied, skipped\): 1 error, 1 warning, 0 advice$/m,
		'with a database: the summary line');

	# the server refuses (no pg_migrate in that database): exit 4, and
	# stdout holds no half-written JSON
	($out, $err) = ('', '');
	IPC::Run::run([ 'pg_migrate', '-d', $node->connstr('postgres'), '--dir', $dir, '--json', 'lint' ],
		'<', \'', '>', \$out, '2>', \$err);
	is($? >> 8, 4, 'a server error: exit 4');
	is($out, '', 'a server error: nothing on stdout');
	like($err, qr/migrate\.applied" does not exist|schema "migrate" does not exist/,
		'a server error: the server\'s message');

	# a file that does not parse: its line in the file, exit 1
	wfile("$dir/004_broken.sql",
		"-- migrate:revision p004\n-- migrate:parents p003\n-- migrate:up\nSELECT 1;\nCREATE TABLE (;\n");
	my ($brc, $bout, $berr) = pgm_offline('lint', '--offline', "$dir/004_broken.sql");
	is($brc, 1, 'a file that does not parse: exit 1');
	like($berr, qr/syntax error at or near "\("\nCONTEXT:  \Q$dir\E\/004_broken\.sql, line 5\n/,
		'a file that does not parse: the parser\'s error with the line in the file');
}

done_testing();
