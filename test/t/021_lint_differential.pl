# Copyright (c) pg_migrate contributors
#
# test/t/021_lint_differential.pl
#
# The linter has one set of rules and two readers of PostgreSQL's parse
# tree: the server's (raw parse trees, src/lint.c) and the client's
# (libpg_query's JSON, client/lint_extract.c).  This test makes scripts at
# random from the statements of the lint corpus, mutated (a keyword
# added, a token dropped, names swapped, statements repeated), and checks
# for each one:
#
#  a. the server without the catalog, migrate.lint(script, '{}', false),
#     and "pg_migrate lint --offline" either both refuse it as a syntax
#     error or find exactly the same findings: rule, severity, statement,
#     line and message, in the same order;
#  b. with the catalog (test/lint/setup.sql), migrate.lint(script) ends
#     with findings or with a clean error, never an internal error or a
#     crash (the server is still up afterwards).
#
# PGM_LINT_FUZZ_SEED and PGM_LINT_FUZZ_SCRIPTS (default 400) reproduce or
# widen a run; the seed is printed.

use strict;
use warnings;

use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use PgMigrateClient;

my $lintdir = "$FindBin::RealBin/../lint";
my $seed = $ENV{PGM_LINT_FUZZ_SEED} // (time() ^ $$);
my $nscripts = $ENV{PGM_LINT_FUZZ_SCRIPTS} // 400;
srand($seed);
note("lint differential: seed $seed, $nscripts scripts (reproduce with PGM_LINT_FUZZ_SEED=$seed)");

# ---------------------------------------------------------------------
# The statements of the corpus: each file's up script, split at lines
# that end with a semicolon (good enough for a pool of material).

my @pool;
foreach my $path (sort glob("$lintdir/corpus/*.sql"))
{
	my $text = rfile($path);
	next unless $text =~ /^-- migrate:up\n(.*)\z/ms;
	my $script = $1;
	foreach my $stmt (split /(?<=;)\n/, $script)
	{
		# no "-- migrate:" lines: mutated, they would be errors of the file
		# format (which the client checks and the server never sees)
		$stmt =~ s/^-- migrate:[^\n]*\n?//mg;
		$stmt =~ s/^\s+|\s+$//g;
		push @pool, $stmt if $stmt =~ /\S/ && $stmt !~ /^--[^\n]*\z/;
	}
}
cmp_ok(scalar @pool, '>', 150, 'the corpus gives a pool of statements');

my @words = ('CONCURRENTLY', 'IF', 'NOT', 'EXISTS', 'ONLY', 'CASCADE', 'VALID',
	'UNIQUE', 'big', 'small', 'empty_t', 'nopk', 't_fuzz', 'public.', '"Odd ""name"""',
	'pg_temp.', 'bigint', 'text', 'varchar(10)', 'numeric(12,-2)', 'DEFAULT', 'random()',
	'NULL', 'PRIMARY', 'KEY', 'REFERENCES', 'USING', '(', ')', ',', ';', '--');

# one mutation of a statement
sub mutate
{
	my ($s) = @_;
	my @tok = split /(\s+)/, $s;
	my $kind = int(rand(5));
	my $i = int(rand(scalar @tok));
	if ($kind == 0)
	{
		splice(@tok, $i, 0, $words[ int(rand(scalar @words)) ], ' ');
	}
	elsif ($kind == 1 && @tok > 2)
	{
		splice(@tok, $i, 1);
	}
	elsif ($kind == 2)
	{
		my $j = int(rand(scalar @tok));
		@tok[ $i, $j ] = @tok[ $j, $i ];
	}
	elsif ($kind == 3)
	{
		$tok[$i] = $words[ int(rand(scalar @words)) ];
	}
	return join('', @tok);
}

my @scripts;
for my $n (1 .. $nscripts)
{
	my @stmts;
	my $count = 1 + int(rand(5));
	for (1 .. $count)
	{
		my $s = $pool[ int(rand(scalar @pool)) ];
		$s = mutate($s) while rand() < 0.35;
		# an annotation, added last: a mutated one could be no annotation
		# line at all but a bad header line, which refuses the whole file
		$s = "-- migrate:lint-ignore " . ('ban-drop-column', 'unknown-object', 'nosuch')[ int(rand(3)) ]
		  . " a reason\n$s"
		  if rand() < 0.1;
		push @stmts, $s;
	}
	push @scripts, join("\n", @stmts);
}

# ---------------------------------------------------------------------
# The client: every script as a migration file, linted in one call, each
# on its own.

my $dir = PostgreSQL::Test::Utils::tempdir;
my @paths;
for my $n (0 .. $#scripts)
{
	my $path = sprintf('%s/%04d_fuzz.sql', $dir, $n);
	wfile($path, "-- migrate:up\n$scripts[$n]\n");
	push @paths, $path;
}
my ($out, $err) = ('', '');
{
	local %ENV = map { $_ => $ENV{$_} } grep { !/^PG/ } keys %ENV;
	IPC::Run::run([ 'pg_migrate', 'lint', '--offline', '--json', @paths ],
		'<', \'', '>', \$out, '2>', \$err, IPC::Run::timeout(600));
}
my $client = eval { JSON::PP->new->decode($out) };
ok($client && ref $client->{files} eq 'ARRAY' && @{ $client->{files} } == @paths,
	'the client lints every generated file (one JSON document, one entry each)')
  or diag("stdout: " . substr($out, 0, 2000) . "\nstderr: " . substr($err, 0, 2000));
my %client_rows;
foreach my $f (@{ $client ? $client->{files} : [] })
{
	my ($n) = $f->{file} =~ m{/(\d{4})_fuzz\.sql$};
	next unless defined $n;
	if (defined $f->{error})
	{
		$client_rows{ $n + 0 } = 'ERROR';
		next;
	}
	# the script's own line numbers, as the server counts them
	$client_rows{ $n + 0 } = join("\n",
		map { join(' | ', $_->{rule}, $_->{severity}, $_->{statement_no}, $_->{script_line}, $_->{message}) }
		  @{ $f->{findings} });
}

# ---------------------------------------------------------------------
# The server: every script through migrate.lint(), without and with the
# catalog, in one function call that catches each script's error.

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', 'autovacuum = off');
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE lintdb');
$node->safe_psql('lintdb', 'CREATE EXTENSION pg_migrate');
$node->safe_psql('lintdb', rfile("$lintdir/setup.sql"));
$node->safe_psql('lintdb', q{
CREATE TABLE fuzz_scripts (n integer PRIMARY KEY, script text NOT NULL);
CREATE FUNCTION fuzz_lint(catalog boolean)
RETURNS TABLE (n integer, rows text)
LANGUAGE plpgsql AS $$
DECLARE
	s record;
BEGIN
	FOR s IN SELECT * FROM fuzz_scripts ORDER BY 1 LOOP
		BEGIN
			n := s.n;
			SELECT coalesce(string_agg(concat_ws(' | ', l.rule, l.severity, l.statement_no,
												 l.line, l.message), E'\n' ORDER BY o), '')
			  INTO rows
			  FROM migrate.lint(s.script, '{}', catalog) WITH ORDINALITY AS l(rule, severity,
					statement_no, line, message, hint, o);
		EXCEPTION WHEN OTHERS THEN
			rows := 'ERROR ' || SQLSTATE;
		END;
		RETURN NEXT;
	END LOOP;
END;
$$;});

# the scripts, loaded through COPY-safe literals
{
	my $sql = "INSERT INTO fuzz_scripts VALUES\n";
	$sql .= join(",\n", map {
		my $s = $scripts[$_];
		$s =~ s/'/''/g;
		"($_, '$s')"
	} 0 .. $#scripts);
	$node->safe_psql('lintdb', "$sql;");
}

sub server_rows
{
	my ($catalog) = @_;
	my ($o, $e) = ('', '');
	my $rc = $node->psql('lintdb',
		"SET pg_migrate.lint_large_rows = 1000;\n"
		  . "SELECT n, replace(rows, E'\\n', E'\\x01') FROM fuzz_lint($catalog) ORDER BY n;",
		stdout => \$o, stderr => \$e);
	return (undef, "psql failed ($rc): $e") if $rc != 0;
	my %rows;
	foreach my $line (split /\n/, $o)
	{
		my ($n, $r) = split /\|/, $line, 2;
		$r //= '';
		$r =~ s/\x01/\n/g;
		$rows{$n} = $r;
	}
	return (\%rows, undef);
}

my ($offline, $oerr) = server_rows('false');
ok($offline, 'the server lints every script without the catalog') or diag($oerr);
my ($bad, $parsed, $refused) = (0, 0, 0);
foreach my $n (0 .. $#scripts)
{
	my $srv = $offline->{$n} // 'missing';
	my $cli = $client_rows{$n} // 'missing';
	my $same;
	if ($srv =~ /^ERROR (\w+)$/)
	{
		# the server's refusals of a script: syntax (42601), an annotation
		# (42704, 42601), a limit (54001); the client refuses it too
		$same = $cli eq 'ERROR' && $1 =~ /^(42601|42704|54001)$/;
		$refused++;
	}
	else
	{
		$same = $srv eq $cli;
		$parsed++;
	}
	next if $same;
	$bad++;
	if ($bad <= 5)
	{
		diag("script $n differs (seed $seed):\n$scripts[$n]\n-- server:\n$srv\n-- client:\n$cli");
	}
}
is($bad, 0, "server and client agree on all $nscripts scripts ($parsed linted, $refused refused)");
cmp_ok($parsed, ">", $nscripts / 6, 'a fair share of the scripts parse');

my ($catalog, $cerr) = server_rows('true');
ok($catalog, 'the server lints every script with the catalog') or diag($cerr);
my @internal = grep { ($catalog->{$_} // '') =~ /^ERROR (XX|58)/ } keys %{ $catalog // {} };
is(scalar @internal, 0, 'no internal error with the catalog')
  or diag(join("\n", map { "$_: $catalog->{$_}\n$scripts[$_]" } @internal[ 0 .. ($#internal < 4 ? $#internal : 4) ]));
is($node->safe_psql('lintdb', 'SELECT 1'), '1', 'the server is still up');

$node->stop;
done_testing();
