# Copyright (c) pg_migrate contributors
#
# test/t/011_corruption_fuzz.pl
#
# Corruption fuzz.  Only the extension's owner may write the tables of
# schema "migrate", but the owner (or a restore, or a bad manual fix) can
# write anything into them.  Whatever is stored, no call of pg_migrate may
# crash the server or the client, and every error must carry a proper
# SQLSTATE (XX001 data_corrupted for stored data that is invalid), never
# XX000 internal_error.
#
# Each round:
#
#  1. registers a fresh, valid project "fzN" (a handful of revisions with
#     branches, merges, branch labels and dependencies, sometimes a
#     nontransactional one and irreversible ones) as the deploy role, and
#     applies some of it;
#  2. corrupts it as the superuser, in one transaction that also bumps
#     migrate.projects.state_version (so that state caches see the change):
#     one to three corruptions from %KINDS (NULL elements and NULL columns,
#     dangling parents and dependencies, duplicate labels, cycles, applied
#     sets that are not closed, huge and multi-dimensional arrays, control
#     characters and invalid names in ids, labels and project names,
#     invalid up_class and down_class, bad lock keys, NULL and mismatching
#     checksums, deleted rows that are still referenced, bad counters,
#     registration order reversed, lying completeness flags, junk grants);
#     the first rounds take each kind once, then they are picked at random;
#  3. calls every SQL function of the extension, as a monitor role and as
#     a deploy role (reads first; then the state-changing ones, which the
#     deploy role calls with trust_registrants => true so that the corrupt
#     data is reached), mostly naming the revision a corruption touched,
#     and every read command of the client (status, status --check, the
#     --json variants, current, heads, branches, history, plan, script,
#     show, pull) as both roles;
#  4. removes every row of the round's projects.
#
# Before the random rounds, the cases the fuzz found crashing the server
# or leaking raw control characters run as pinned rounds (@PINNED), so that
# every run checks them.
#
# To be able to write what the table definitions would refuse, the CHECK
# constraints and the NOT NULL constraints outside primary keys of the
# migrate tables are dropped on this test node, and the corruptions run
# with session_replication_role = replica (no foreign key checks).
#
# Pass, for every round: no backend (or background worker) was terminated
# by a signal and the server log has no PANIC; every psql session ran to
# its end (still connected); every failing SQL call has an "ERROR:  XXXXX:"
# line with the SQLSTATE that psql's :SQLSTATE reports, which is not
# XX000, not a crash or connection class (57P, 08) and not 22004 (no call
# passes a NULL where a value is required, so a NULL can only come from
# the stored data, for which the README gives XX001); the client exits
# with 0, 1 (status --check) or 4 with a "SQLSTATE:" line obeying the same
# rules (5 for pull, which refuses to write invalid ids into files), never
# from a signal; and no output of either has a line that starts with text
# injected through an invalid name ("FORGED" right after a newline, a
# carriage return or an escape character: names must be shown escaped).
#
# The rounds are seeded: the seed is printed, and PGM_FUZZ_SEED=N
# reproduces a run; PGM_FUZZ_ROUNDS changes the number of random rounds
# (60).  The corruptions of each round, the SQLSTATEs seen per call and
# per client command, and SQLSTATEs outside the README's list are written
# to the test's log.

use strict;
use warnings;

use File::Path qw(rmtree);
use IPC::Run;
use Time::HiRes qw(time);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $ROUNDS = $ENV{PGM_FUZZ_ROUNDS} // 60;
my $SEED = $ENV{PGM_FUZZ_SEED} // ((time() * 1000 ^ $$) % 2_000_000_000);
srand($SEED);
diag("corruption fuzz: seed $SEED, $ROUNDS rounds (reproduce with PGM_FUZZ_SEED=$SEED)");

my $DEPLOY  = 'fz_deploy';
my $MONITOR = 'fz_monitor';

# SQLSTATEs that the README documents for pg_migrate's errors, plus 25P02
# (a call inside a transaction block that an earlier call aborted).  Others
# are reported in the log; the test fails on XX000, on classes 57P and 08
# (crash, shutdown, lost connection) and on errors without a SQLSTATE.
my %DOCUMENTED = map { $_ => 1 }
  qw(22004 22023 42P17 42601 0A000 42704 55000 25001 42501 54000 XX001
  58000 25006 40001 2BP01 25P02);

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', qq{
log_statement = none
log_min_error_statement = panic
restart_after_crash = on
});
$node->start;

my $work = PostgreSQL::Test::Utils::tempdir;

$node->safe_psql(
	'postgres', qq{
CREATE EXTENSION pg_migrate;
CREATE ROLE $DEPLOY LOGIN;
CREATE ROLE $MONITOR LOGIN;
SELECT migrate.grant_deploy('$DEPLOY', NULL);
SELECT migrate.grant_monitor('$MONITOR', NULL);
CREATE TABLE public.fz_vac (id int);
ALTER TABLE public.fz_vac OWNER TO $DEPLOY;
});

# Loosen the tables on this node: no CHECK constraints, no NOT NULL outside
# the primary keys.
$node->safe_psql(
	'postgres', q{
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
			 WHERE connamespace = 'migrate'::regnamespace AND contype = 'c'
	LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
	END LOOP;
	FOR r IN SELECT a.attrelid::regclass AS t, a.attname
			 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
			 WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind = 'r'
			   AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
			   AND NOT EXISTS (SELECT 1 FROM pg_constraint p
							   WHERE p.conrelid = a.attrelid AND p.contype = 'p'
								 AND a.attnum = ANY (p.conkey))
	LOOP
		EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP NOT NULL', r.t, r.attname);
	END LOOP;
END
$$;});
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_constraint
WHERE connamespace = 'migrate'::regnamespace AND contype = 'c'}),
	'0',
	'CHECK constraints of the migrate tables dropped on the test node');

# ===========================================================================
# helpers

sub pick { return $_[ int(rand(@_)) ]; }
sub chance { return rand() < $_[0]; }

# an SQL literal; control characters and backslashes as E'' escapes, so
# that no query text holds a raw control character
sub lit
{
	my ($s) = @_;
	return 'NULL' unless defined $s;
	if ($s =~ /[\x00-\x1f\x7f\\]/)
	{
		(my $e = $s) =~ s/([\\'])/\\$1/g;
		$e =~ s/([\x00-\x1f\x7f])/sprintf('\\x%02x', ord($1))/ge;
		return "E'$e'";
	}
	(my $e = $s) =~ s/'/''/g;
	return "'$e'";
}

sub arr
{
	return "'{}'::text[]" unless @_;
	return 'ARRAY[' . join(', ', map { lit($_) } @_) . ']::text[]';
}

# a printable form of a string for the log
sub show_str
{
	my ($s, $max) = @_;
	$max //= 60;
	return 'NULL' unless defined $s;
	$s = substr($s, 0, $max) . '...(' . length($s) . ' chars)' if length($s) > $max + 10;
	$s =~ s/([\x00-\x1f\x7f\\])/sprintf('\\x%02x', ord($1))/ge;
	return "\"$s\"";
}

# Names no stored id, label or project name may have.  The ones that
# could break a line carry FORGED right after the control character: no
# output may ever show that (see forged()).
my @WEIRD = (
	"bad\nFORGED", "bad\rFORGED", "bad\x1b[2JFORGED", "\x01FORGED",
	"bad\n\nFORGED", "bad FORGED", "tab\tFORGED", '', 'heads', 'base',
	'current', 'head', '-neg', '+pos', "\xc3\xbcml", 'x' x 65, 'y' x 1500,
	'a:b', 'a@b', 'a+1', "nl\n", "q'\"\\", "semi;colon");

sub forged
{
	my ($text) = @_;
	return $text =~ /[\n\r\x1b\x01]FORGED/;
}

# ===========================================================================
# Round state: the valid project as registered (ids, edges, scripts), the
# applied set after the setup, and what the calls use.

sub ancestors
{
	my ($c, $id) = @_;
	my %seen;
	my @todo = ($id);
	while (@todo)
	{
		my $r = $c->{by_id}{ shift @todo };
		for my $e (@{ $r->{parents} }, @{ $r->{deps_ids} })
		{
			next if $seen{$e}++;
			push @todo, $e;
		}
	}
	return \%seen;
}

# A valid project: revisions rev01.. in registration order.
sub make_project
{
	my ($round) = @_;
	my $c = {
		project => "fz$round",
		revs    => [],
		by_id   => {},
		labels  => {},      # label -> id
		extra_projects => [],
	};
	my $n       = 4 + int(rand(6));
	my $nontx_i = chance(0.3) ? 2 + int(rand($n - 1)) : 0;
	my %children;
	for my $i (1 .. $n)
	{
		my $id = sprintf('rev%02d', $i);
		my @earlier = map { $_->{id} } @{ $c->{revs} };
		my @heads = grep { !$children{$_} } @earlier;
		my @parents;
		if ($i == 1 || chance(0.1))
		{
			@parents = ();    # a root
		}
		elsif (@heads >= 2 && chance(0.3))
		{
			my $a = pick(@heads);
			my $b = pick(grep { $_ ne $a } @heads);
			@parents = ($a, $b);    # a merge of two heads
		}
		else
		{
			@parents = (chance(0.6) && @heads ? pick(@heads) : pick(@earlier));
		}
		my @labels;
		push @labels, "lbl$i" if chance(0.3) || !@parents;
		my (@deps, @deps_ids);
		if (@earlier && chance(0.3))
		{
			my $d = pick(@earlier);
			if (!grep { $_ eq $d } @parents)
			{
				my ($label) = grep { $c->{labels}{$_} eq $d } sort keys %{ $c->{labels} };
				push @deps, (defined $label && chance(0.5)) ? $label : $d;
				push @deps_ids, $d;
			}
		}
		my $rev = {
			id       => $id,
			parents  => \@parents,
			labels   => \@labels,
			deps     => \@deps,
			deps_ids => \@deps_ids,
			message  => chance(0.8) ? "revision $i of round $round" : undef,
		};
		if ($i == $nontx_i)
		{
			$rev->{up}   = 'VACUUM public.fz_vac';
			$rev->{down} = 'VACUUM public.fz_vac';
		}
		else
		{
			$rev->{up} = "SELECT '$id up' AS step";
			$rev->{up} .= ";\nSELECT 2 AS second" if chance(0.2);
			$rev->{down} = chance(0.8) ? "SELECT '$id down' AS step" : undef;
		}
		push @{ $c->{revs} }, $rev;
		$c->{by_id}{$id} = $rev;
		$c->{labels}{$_} = $id for @labels;
		$children{$_} = 1 for @parents;
	}
	return $c;
}

sub register_sql
{
	my ($c, $r) = @_;
	return sprintf('SELECT migrate.revision(%s, %s, %s, %s, %s, %s, %s, %s)',
		lit($r->{id}), lit($r->{up}), lit($r->{down}), arr(@{ $r->{parents} }),
		lit($r->{message}), arr(@{ $r->{labels} }), arr(@{ $r->{deps} }),
		lit($c->{project}));
}

sub P { return lit($_[0]->{project}); }

sub revs_of  { return @{ $_[0]->{revs} }; }
sub rand_rev { return pick(revs_of($_[0])); }
sub applied_revs { my ($c) = @_; return grep { $c->{applied}{ $_->{id} } } revs_of($c); }
sub pending_revs { my ($c) = @_; return grep { !$c->{applied}{ $_->{id} } } revs_of($c); }
sub children_of
{
	my ($c, $id) = @_;
	return grep { my $r = $_; grep { $_ eq $id } @{ $r->{parents} }, @{ $r->{deps_ids} } } revs_of($c);
}

# the revision the calls name: most of the time the one a corruption
# touched (its id as registered; $c->{renamed} has the name it has now)
sub focus
{
	my ($c) = @_;
	my $id = defined $c->{focus} && ($c->{focus_always} || chance(0.7)) ? $c->{focus} : rand_rev($c)->{id};
	return $id;
}

sub upd_rev
{
	my ($c, $id, $set) = @_;
	return sprintf('UPDATE migrate.revisions SET %s WHERE project = %s AND id = %s',
		$set, P($c), lit($id));
}

my @ARRAY_COLS = qw(parents branch_labels depends_on);

# $col with $value appended (prepended with $first), unless an earlier
# corruption of the round made it multi-dimensional
sub app
{
	my ($col, $value, $first) = @_;
	my $new = $first ? "array_prepend($value, $col)" : "array_append($col, $value)";
	return "CASE WHEN array_ndims($col) > 1 THEN $col ELSE $new END";
}

# ===========================================================================
# The corruptions.  Each returns a description and its SQL statements; all
# of a round's run in one transaction with session_replication_role =
# replica (no foreign key checks).

my %KINDS = (
	null_element => sub {
		my ($c) = @_;
		my $r   = rand_rev($c);
		my $col = pick(@ARRAY_COLS);
		my $expr = pick(app($col, 'NULL::text'), "ARRAY[NULL]::text[]",
			app($col, 'NULL::text', 1), "ARRAY[NULL, NULL, 'x']::text[]");
		return ("$col of $r->{id} := $expr", upd_rev($c, $r->{id}, "$col = $expr"));
	},
	null_column => sub {
		my ($c) = @_;
		my $r   = rand_rev($c);
		my $col = pick(@ARRAY_COLS, qw(message up_script down_script up_class
			  down_class up_statements down_statements checksum seq registered_at
			  registered_by));
		return ("$col of $r->{id} := NULL", upd_rev($c, $r->{id}, "$col = NULL"));
	},
	dangling => sub {
		my ($c) = @_;
		my $r    = rand_rev($c);
		my $col  = pick('parents', 'depends_on');
		my $name = pick('ghost', 'lbl999', 'rev99', 'rev0');
		my $expr = pick(app($col, "'$name'"), "ARRAY['$name']::text[]");
		return ("$col of $r->{id} := $expr (not registered)",
			upd_rev($c, $r->{id}, "$col = $expr"));
	},
	duplicate_label => sub {
		my ($c) = @_;
		my $a = rand_rev($c);
		my $b = rand_rev($c);
		my @labels = sort keys %{ $c->{labels} };
		my $v = int(rand(5));
		my $label =
			$v == 0 ? 'dup'
		  : $v == 1 ? $b->{id}
		  : $v == 2 ? pick('heads', 'base', 'head', 'current')
		  : $v == 3 && @labels ? pick(@labels)
		  :                      'twice';
		return (
			"branch label " . show_str($label) . " on $a->{id} and $b->{id}",
			upd_rev($c, $a->{id}, "branch_labels = " . app('branch_labels', lit($label))),
			upd_rev($c, $b->{id}, "branch_labels = " . app('branch_labels', lit($label))));
	},
	cycle => sub {
		my ($c) = @_;
		my @pairs;
		for my $d (revs_of($c))
		{
			push @pairs, [ $_, $d->{id} ] for sort keys %{ ancestors($c, $d->{id}) };
		}
		my $col = pick('parents', 'depends_on');
		if (!@pairs || chance(0.25))
		{
			my $r = rand_rev($c);
			return ("$r->{id} is its own $col",
				upd_rev($c, $r->{id}, "$col = " . app($col, lit($r->{id}))));
		}
		my $p = pick(@pairs);
		return ("cycle: ancestor $p->[0] gets descendant $p->[1] in its $col",
			upd_rev($c, $p->[0], "$col = " . app($col, lit($p->[1]))));
	},
	unclosed_applied => sub {
		my ($c) = @_;
		my @del;
		for my $r (applied_revs($c))
		{
			push @del, grep { $c->{applied}{$_} } @{ $r->{parents} }, @{ $r->{deps_ids} };
		}
		if (@del && chance(0.5))
		{
			my $d = pick(@del);
			return ("applied row of $d deleted under an applied descendant",
				sprintf('DELETE FROM migrate.applied WHERE project = %s AND revision = %s',
					P($c), lit($d)));
		}
		my @cand = grep {
			my $r = $_;
			grep { !$c->{applied}{$_} } @{ $r->{parents} }, @{ $r->{deps_ids} }
		} pending_revs($c);
		@cand = pending_revs($c) unless @cand;
		if (!@cand)
		{
			my $root = $c->{revs}[0]{id};
			return ("applied row of root $root deleted",
				sprintf('DELETE FROM migrate.applied WHERE project = %s AND revision = %s',
					P($c), lit($root)));
		}
		my $r = pick(@cand);
		return ("$r->{id} marked applied without its parents",
			sprintf(q{INSERT INTO migrate.applied (project, revision, applied_by) VALUES (%s, %s, 'fz_corrupt') ON CONFLICT DO NOTHING},
				P($c), lit($r->{id})));
	},
	huge_array => sub {
		my ($c) = @_;
		my $r   = rand_rev($c);
		my $col = pick(@ARRAY_COLS);
		my $n   = pick(33, 257, 1000, 5000);
		my $v   = int(rand(4));
		my $expr;
		if ($v == 0)
		{
			$expr = "ARRAY(SELECT 'g' || i FROM generate_series(1, $n) i)";
		}
		elsif ($v == 1)
		{
			$expr = "array_fill(" . lit(rand_rev($c)->{id}) . "::text, ARRAY[$n])";
		}
		elsif ($v == 2)
		{
			$expr = "array_fill(NULL::text, ARRAY[$n])";
		}
		else
		{
			# within the limits, but every element the same
			my $same = @{ $r->{parents} } ? $r->{parents}[0] : $c->{revs}[0]{id};
			$n = $col eq 'depends_on' ? 256 : 32;
			$expr = "array_fill(" . lit($same) . "::text, ARRAY[$n])";
		}
		return ("$col of $r->{id} := $expr", upd_rev($c, $r->{id}, "$col = $expr"));
	},
	multidim => sub {
		my ($c) = @_;
		my $r   = rand_rev($c);
		my $col = pick(@ARRAY_COLS);
		my $p   = $c->{revs}[0]{id};
		my $expr = pick("ARRAY[ARRAY['$p', '$p'], ARRAY['$p', '$p']]",
			"ARRAY[ARRAY['$p']]", q{'[5:6]={a,b}'::text[]}, q{'[0:0]={x}'::text[]},
			"ARRAY[ARRAY[NULL::text]]");
		return ("$col of $r->{id} := $expr", upd_rev($c, $r->{id}, "$col = $expr"));
	},
	control_chars => sub {
		my ($c) = @_;
		my $r = rand_rev($c);
		my $w = pick(@WEIRD);
		my $v = int(rand(4));
		# a revision is renamed once, and never to a name taken already
		# (the primary key)
		my @free = grep { !$c->{taken}{$_} } @WEIRD;
		$v = 1 if $v == 0 && ($c->{renamed}{ $r->{id} } || !@free);
		if ($v == 0)
		{
			$w = pick(@free);
			$c->{taken}{$w} = 1;
			# rename the revision, in the applied set too; its children
			# follow, or are left with a dangling parent
			my @sql = (
				upd_rev($c, $r->{id}, 'id = ' . lit($w)),
				sprintf('UPDATE migrate.applied SET revision = %s WHERE project = %s AND revision = %s',
					lit($w), P($c), lit($r->{id})));
			my $follow = chance(0.5);
			if ($follow)
			{
				push @sql, sprintf(
					'UPDATE migrate.revisions SET parents = array_replace(parents, %s, %s), '
					  . 'depends_on = array_replace(depends_on, %s, %s) WHERE project = %s',
					lit($r->{id}), lit($w), lit($r->{id}), lit($w), P($c));
			}
			$c->{renamed}{ $r->{id} } = $w;
			return ("$r->{id} renamed to " . show_str($w) . ($follow ? ', references follow' : ''),
				@sql);
		}
		my $col = pick(@ARRAY_COLS);
		return ("$col of $r->{id} gets " . show_str($w),
			upd_rev($c, $r->{id}, "$col = " . app($col, lit($w))))
		  if $v == 1;
		return ("branch label of $r->{id} := " . show_str($w),
			upd_rev($c, $r->{id}, "branch_labels = " . arr($w)))
		  if $v == 2;
		# messages may hold anything; no FORGED here, they are shown as is
		my $m = pick("line1\nline2\r\n\ttab", "\x1b[31mred\x07", 'm' x 200000, "\x7f\x01\x02");
		return ("message of $r->{id} := " . show_str($m),
			upd_rev($c, $r->{id}, "message = " . lit($m)));
	},
	weird_project => sub {
		my ($c) = @_;
		my $w = pick(grep { length($_) > 0 && length($_) < 100 } @WEIRD, 'p' x 64, 'fz-ok-but-new');
		$w = "$w$c->{round}" unless $w eq '';
		push @{ $c->{extra_projects} }, $w;
		my $v = int(rand(3));
		my $P = P($c);
		my $W = lit($w);
		if ($v == 0)
		{
			# the project row renamed; revisions and applied stay
			return ("project row renamed to " . show_str($w),
				"UPDATE migrate.projects SET project = $W WHERE project = $P");
		}
		if ($v == 1)
		{
			# everything renamed
			return (
				"whole project renamed to " . show_str($w),
				"UPDATE migrate.projects SET project = $W WHERE project = $P",
				"UPDATE migrate.revisions SET project = $W WHERE project = $P",
				"UPDATE migrate.applied SET project = $W WHERE project = $P");
		}
		# a copy under the new name
		return (
			"project copied to " . show_str($w),
			"INSERT INTO migrate.projects (project) VALUES ($W) ON CONFLICT DO NOTHING",
			"INSERT INTO migrate.revisions SELECT $W, id, seq, parents, branch_labels, depends_on, "
			  . "message, up_script, down_script, up_class, down_class, up_statements, "
			  . "down_statements, checksum, registered_at, registered_by "
			  . "FROM migrate.revisions WHERE project = $P ON CONFLICT DO NOTHING",
			"INSERT INTO migrate.applied SELECT $W, revision, applied_at, applied_by, applied_via "
			  . "FROM migrate.applied WHERE project = $P ON CONFLICT DO NOTHING");
	},
	bad_class => sub {
		my ($c) = @_;
		my $r = rand_rev($c);
		if (chance(0.5))
		{
			my $v = pick('bogus', '', 'Transactional', ' transactional', 'nontransactional',
				"trans\nactional", 'transactional ');
			return ("up_class of $r->{id} := " . show_str($v),
				upd_rev($c, $r->{id}, 'up_class = ' . lit($v)));
		}
		my $v = int(rand(4));
		return ("down_class of $r->{id} := 'bogus'", upd_rev($c, $r->{id}, q{down_class = 'bogus'}))
		  if $v == 0;
		return ("down_class of $r->{id} := NULL, down_script kept",
			upd_rev($c, $r->{id}, q{down_class = NULL, down_script = coalesce(down_script, 'SELECT 1')}))
		  if $v == 1;
		return ("down_script of $r->{id} := NULL, down_class kept",
			upd_rev($c, $r->{id}, q{down_script = NULL, down_class = coalesce(down_class, 'transactional')}))
		  if $v == 2;
		return ("down_class of $r->{id} := 'nontransactional'",
			upd_rev($c, $r->{id}, q{down_class = 'nontransactional'}));
	},
	lock_key => sub {
		my ($c) = @_;
		my $k = pick('0', '-1', '-2147483648', 'NULL', '2147483647');
		return ("lock_key := $k",
			sprintf('UPDATE migrate.projects SET lock_key = %s WHERE project = %s', $k, P($c)));
	},
	checksum => sub {
		my ($c) = @_;
		my $r = rand_rev($c);
		my $o = rand_rev($c);
		my $v = int(rand(6));
		my $set =
			$v == 0 ? 'checksum = NULL'
		  : $v == 1 ? q{checksum = ''}
		  : $v == 2 ? q{checksum = 'bogus' || repeat('0', 10000)}
		  : $v == 3 ? sprintf('checksum = (SELECT checksum FROM migrate.revisions WHERE project = %s AND id = %s)',
			P($c), lit($o->{id}))
		  : $v == 4 ? q{up_script = up_script || '; SELECT 3'}
		  :           q{down_script = coalesce(down_script || ' -- changed', 'SELECT 4'), down_class = 'transactional', down_statements = 1};
		return ("$r->{id}: $set", upd_rev($c, $r->{id}, $set));
	},
	delete_referenced => sub {
		my ($c) = @_;
		my $P = P($c);
		my $v = int(rand(4));
		if ($v == 0)
		{
			my @ref = grep { children_of($c, $_->{id}) } revs_of($c);
			my $r = @ref ? pick(@ref) : rand_rev($c);
			return ("revision $r->{id} deleted (referenced, applied row kept)",
				sprintf('DELETE FROM migrate.revisions WHERE project = %s AND id = %s', $P, lit($r->{id})));
		}
		return ("project row deleted", "DELETE FROM migrate.projects WHERE project = $P")
		  if $v == 1;
		return ("every revision deleted, applied rows kept",
			"DELETE FROM migrate.revisions WHERE project = $P")
		  if $v == 2;
		my @a = applied_revs($c);
		my $r = @a ? pick(@a) : rand_rev($c);
		return ("applied revision $r->{id} deleted from revisions only",
			sprintf('DELETE FROM migrate.revisions WHERE project = %s AND id = %s', $P, lit($r->{id})));
	},
	counters => sub {
		my ($c) = @_;
		my $r = rand_rev($c);
		my $set = pick('up_statements = -1', 'up_statements = 2147483647', 'up_statements = 0',
			'down_statements = -5', 'down_statements = NULL', 'seq = -1', 'seq = 0',
			'seq = 2147483647', 'seq = NULL');
		# (project, seq) is unique
		$set = 'up_statements = -1' if $set =~ /^seq = -?\d/ && $c->{taken}{$set}++;
		return ("$r->{id}: $set", upd_rev($c, $r->{id}, $set));
	},
	seq_order => sub {
		my ($c) = @_;
		# registration order reversed: children before their parents
		return ("registration order (seq) reversed",
			sprintf('UPDATE migrate.revisions SET seq = 100000 - seq WHERE project = %s', P($c)));
	},
	applied_rows => sub {
		my ($c) = @_;
		my $P = P($c);
		my @a = applied_revs($c);
		my $r = @a ? pick(@a) : rand_rev($c);
		my $v = int(rand(6));
		if ($v <= 2 && @a)
		{
			my $set = pick(q{applied_via = 'bogus'}, 'applied_via = NULL', 'applied_by = NULL',
				'applied_at = NULL', q{applied_at = 'infinity'}, q{applied_at = '-infinity'});
			return ("applied row of $r->{id}: $set",
				sprintf('UPDATE migrate.applied SET %s WHERE project = %s AND revision = %s',
					$set, $P, lit($r->{id})));
		}
		my $id = $v == 3 ? 'ghost' : $v == 4 ? pick(@WEIRD) : uc($r->{id});
		return ("applied row for unregistered " . show_str($id),
			sprintf(q{INSERT INTO migrate.applied (project, revision, applied_by) VALUES (%s, %s, 'fz_corrupt') ON CONFLICT DO NOTHING},
				$P, lit($id)));
	},
	state_row => sub {
		my ($c) = @_;
		my $set = pick('complete_version = state_version', 'complete_version = -1',
			'state_version = NULL', 'state_version = -5',
			'state_version = 9223372036854775807, complete_version = 9223372036854775807',
			'changed_at = NULL, created_at = NULL');
		return ("project row: $set",
			sprintf('UPDATE migrate.projects SET %s WHERE project = %s', $set, P($c)));
	},
	grants => sub {
		my ($c) = @_;
		my $P = P($c);
		my $v = int(rand(5));
		my $row =
			$v == 0 ? "999999::oid::regrole, $P, 'deploy'"
		  : $v == 1 ? "NULL, $P, 'deploy'"
		  : $v == 2 ? "'$MONITOR'::regrole, $P, 'bogus'"
		  : $v == 3 ? "'$MONITOR'::regrole, $P, NULL"
		  :           "'$MONITOR'::regrole, $P, 'deploy'";
		return ("junk grant ($row)",
			"INSERT INTO migrate.grants (role, project, access, granted_by) VALUES ($row, 'fz_corrupt') ON CONFLICT DO NOTHING");
	},
);
my @KIND_NAMES = sort keys %KINDS;

# ===========================================================================
# Running things

my (%codes, %client_codes, %unexpected, $calls_run, $client_runs);

# Run @$calls (each [name, sql]) in one psql session as $role; returns a
# list of problems (empty when all is well).
sub run_calls
{
	my ($c, $role, $tag, $calls) = @_;
	my $script = '';
	for my $i (0 .. $#$calls)
	{
		$script .= "\\warn '\@\@B $i'\n$calls->[$i][1];\n\\warn \@\@E $i :SQLSTATE\n";
	}
	my ($out, $err) = ('', '');
	eval {
		IPC::Run::run(
			[
				'psql', '-X', '-A', '-t', '-q', '-v', 'VERBOSITY=verbose',
				'-d', $node->connstr('postgres') . " user=$role application_name=fuzz",
				'-f', '-'
			],
			'<', \$script, '>', \$out, '2>', \$err,
			IPC::Run::timeout(120));
		1;
	} or return ("$tag: psql as $role did not finish: $@");
	my $rc = $?;
	my @problems;
	push @problems, "$tag: psql as $role exited with status " . ($rc >> 8)
	  . ($rc & 127 ? ' (signal ' . ($rc & 127) . ')' : '') . "; stderr ends with: "
	  . show_str(substr($err, -600))
	  if $rc != 0;
	push @problems, "$tag: output has a forged line: " . show_str($1, 200)
	  if forged($out . $err) && ($out . $err) =~ /(.{0,120}[\n\r\x1b\x01]FORGED.{0,60})/s;
	my %blocks;
	while ($err =~ /^\@\@B (\d+)\n(.*?)^\@\@E \1 (\S*)\n/msg)
	{
		$blocks{$1} = [ $2, $3 ];
	}
	for my $i (0 .. $#$calls)
	{
		my ($name, $sql) = @{ $calls->[$i] };
		my $b = $blocks{$i};
		if (!$b)
		{
			push @problems, "$tag: $role: $name did not complete (connection lost?): $sql";
			next;
		}
		my ($text, $state) = @$b;
		my @errs = $text =~ /(?:ERROR|FATAL|PANIC):  (\S+?):? /g;
		if ($tag ne 'self-check')
		{
			$calls_run++;
			$codes{$name}{"$role:$state"}++;
		}
		if ($state eq '00000')
		{
			push @problems, "$tag: $role: $name succeeded but printed an error: " . show_str($text)
			  if $text =~ /(?:ERROR|FATAL|PANIC):/;
			next;
		}
		if ($state !~ /^[0-9A-Z]{5}$/)
		{
			push @problems, "$tag: $role: $name: no SQLSTATE (psql says " . show_str($state)
			  . "): $sql\n" . $text;
			next;
		}
		if (!grep { $_ eq $state } @errs)
		{
			push @problems, "$tag: $role: $name: SQLSTATE $state without an \"ERROR:  $state:\" line: $sql\n$text";
			next;
		}
		if ($state eq 'XX000' || $state =~ /^(?:57P|08)/)
		{
			push @problems, "$tag: $role: $name failed with SQLSTATE $state: $sql\n$text";
			next;
		}
		if ($state eq '22004')
		{
			# no call passes NULL where a value is required: this is
			# stored data, for which the README gives XX001
			push @problems, "$tag: $role: $name: SQLSTATE 22004 (null_value_not_allowed) for a NULL in the stored data, not XX001: $sql\n$text";
			next;
		}
		if (!$DOCUMENTED{$state} && $tag ne 'self-check')
		{
			my ($msg) = $text =~ /ERROR:  \S+ (.*)/;
			$unexpected{"$name $state: " . ($msg // '')}++;
		}
	}
	return @problems;
}

# shell quoting: any byte but NUL inside single quotes
sub sh_quote
{
	my ($s) = @_;
	$s =~ s/'/'\\''/g;
	return "'$s'";
}

# Run the client once for each of @runs ([role, args...]), from one shell
# script per role (much cheaper than one IPC::Run each), the roles' scripts
# side by side; returns a list of problems.
my $batch_no = 0;

sub run_clients
{
	my ($c, @runs) = @_;
	my $d = "$work/client_" . ++$batch_no;
	mkdir $d or die "mkdir $d: $!";
	my %script;
	for my $i (0 .. $#runs)
	{
		my ($role, @args) = @{ $runs[$i] };
		$script{$role} .= "PGUSER=$role pg_migrate " . join(' ', map { sh_quote($_) } @args)
		  . " </dev/null >$d/out$i 2>$d/err$i; echo \$? >$d/rc$i\n";
	}
	local $ENV{PGHOST}     = $node->host;
	local $ENV{PGPORT}     = $node->port;
	local $ENV{PGDATABASE} = 'postgres';
	local $ENV{PGAPPNAME}  = 'fuzz_client';
	my %err = map { $_ => '' } keys %script;
	my @h = map {
		IPC::Run::start([ 'sh', '-c', $script{$_} ], '<', \'', '>', \$err{$_}, '2>', \$err{$_},
			IPC::Run::timeout(300))
	} sort keys %script;
	for my $h (@h)
	{
		eval { $h->finish; 1 } or return ("the client runs did not finish: $@");
	}
	my @problems;
	push @problems, "the shell running the client as $_ said: " . show_str($err{$_})
	  for grep { $err{$_} ne '' } sort keys %err;
	for my $i (0 .. $#runs)
	{
		my ($role, @args) = @{ $runs[$i] };
		my $shown = join(' ', map { show_str($_) } @args);
		my $rc = eval { slurp_file("$d/rc$i") };
		if (!defined $rc || $rc !~ /^(\d+)\n?$/)
		{
			push @problems, "client as $role: $shown: did not run";
			next;
		}
		$rc = $1;
		my $cout = slurp_file("$d/out$i");
		my $cerr = slurp_file("$d/err$i");
		$client_runs++;
		my ($state) = $cerr =~ /^SQLSTATE:  (\S+)$/m;
		my $cmd = $args[0] eq '--project' ? $args[2] : $args[0];
		$client_codes{$cmd}{"$role:$rc" . ($state ? ":$state" : '')}++;
		if ($rc > 128)
		{
			push @problems, "client as $role: $shown: killed by signal " . ($rc - 128)
			  . "; stderr: " . show_str($cerr);
			next;
		}
		push @problems, "client as $role: $shown: output has a forged line: " . show_str($1, 200)
		  if forged($cout . $cerr) && ($cout . $cerr) =~ /(.{0,120}[\n\r\x1b\x01]FORGED.{0,60})/s;
		if ($rc == 4)
		{
			if (!defined $state)
			{
				push @problems, "client as $role: $shown: exit status 4 without a SQLSTATE: " . show_str($cerr);
			}
			elsif ($state eq 'XX000' || $state =~ /^(?:57P|08|22004)/)
			{
				push @problems, "client as $role: $shown: SQLSTATE $state: " . show_str($cerr);
			}
			elsif (!$DOCUMENTED{$state})
			{
				my ($msg) = $cerr =~ /error: (.*)/;
				$unexpected{"client $cmd $state: " . ($msg // '')}++;
			}
		}
		elsif ($rc == 5 && $cmd eq 'pull')
		{
			# pull refuses to write what cannot be a valid file
		}
		elsif ($rc == 2 && $args[1] =~ /^\z|[^A-Za-z0-9_.\-]|^.{64}/s)
		{
			# a project name the client refuses itself
		}
		elsif ($rc == 1 && grep { $_ eq '--check' } @args)
		{
			# not up to date
		}
		elsif ($rc != 0)
		{
			push @problems, "client as $role: $shown: unexpected exit status $rc; stderr: " . show_str($cerr);
		}
	}
	rmtree($d);
	return @problems;
}

# The SQL calls of a round.  $part: 'read' or 'write'.
sub sql_calls
{
	my ($c, $part) = @_;
	my $P      = P($c);
	my @ids    = map { $_->{id} } revs_of($c);
	my $R      = focus($c);
	my $R2     = pick(@ids);
	my $Rw     = $c->{renamed}{$R} // $R;
	my @labels = sort keys %{ $c->{labels} };
	my $T      = $c->{target};
	my $RANGE  = $c->{range};
	my $reg    = $c->{by_id}{$R};
	# a branch label of the revision named, if it has one: registration
	# looks up the revisions that hold the labels it names
	my $L = @{ $reg->{labels} } ? pick(@{ $reg->{labels} }) : @labels ? pick(@labels) : 'lbl1';
	my @calls;

	if ($part eq 'read')
	{
		push @calls,
		  [ 'current',       "SELECT * FROM migrate.current($P)" ],
		  [ 'heads',         "SELECT * FROM migrate.heads($P)" ],
		  [ 'heads resolve', "SELECT * FROM migrate.heads($P, true)" ],
		  [ 'branches',      "SELECT * FROM migrate.branches($P)" ],
		  [ 'history',       "SELECT * FROM migrate.history(NULL, $P)" ],
		  [ 'history range', "SELECT * FROM migrate.history(" . lit($RANGE) . ", $P)" ],
		  [ 'history rev',   "SELECT * FROM migrate.history(" . lit($Rw) . ", $P)" ],
		  [ 'status',        "SELECT * FROM migrate.status($P)" ],
		  [ 'is_up_to_date', "SELECT migrate.is_up_to_date($P)" ],
		  [ 'status_json',   "SELECT migrate.status_json($P)" ],
		  [ 'plan heads',    "SELECT * FROM migrate.plan('heads', $P)" ],
		  [ 'plan base',     "SELECT * FROM migrate.plan('base', $P)" ],
		  [ 'plan target',   "SELECT * FROM migrate.plan(" . lit($T) . ", $P)" ],
		  [ 'show',          "SELECT * FROM migrate.show(" . lit($Rw) . ", $P)" ],
		  [ 'show target',   "SELECT * FROM migrate.show(" . lit($T) . ", $P)" ],
		  [ 'script heads',  "SELECT migrate.script('heads', $P)" ],
		  [ 'script base',   "SELECT migrate.script('base', $P)" ],
		  [ 'script range',  "SELECT migrate.script(" . lit($RANGE) . ", $P)" ],
		  [ 'progress',      "SELECT * FROM migrate.progress()" ],
		  [ 'has_access',    "SELECT migrate.has_access($P), migrate.has_access($P, 'deploy')" ],
		  [ 'has_access bad', "SELECT migrate.has_access($P, 'bogus')" ],
		  [ 'rls revisions', "SELECT count(*), max(id) FROM migrate.revisions WHERE project = $P" ],
		  [ 'rls applied',   "SELECT count(*) FROM migrate.applied WHERE project = $P" ],
		  [ 'show weird',    "SELECT * FROM migrate.show(" . lit(pick(@WEIRD)) . ", $P)" ],
		  [ 'plan weird',    "SELECT * FROM migrate.plan(" . lit(pick(@WEIRD)) . ", $P)" ],
		  # again: a state that loaded may now come from the cache
		  [ 'status',        "SELECT * FROM migrate.status($P)" ],
		  [ 'current',       "SELECT * FROM migrate.current($P)" ];
		for my $W (@{ $c->{extra_projects} }, "fz\nFORGED", 'q' x 70)
		{
			my $Wl = lit($W);
			push @calls,
			  [ 'status (other project)',  "SELECT * FROM migrate.status($Wl)" ],
			  [ 'history (other project)', "SELECT * FROM migrate.history(NULL, $Wl)" ],
			  [ 'plan (other project)',    "SELECT * FROM migrate.plan('heads', $Wl)" ],
			  [ 'status_json (other project)', "SELECT migrate.status_json($Wl)" ],
			  [ 'has_access (other project)', "SELECT migrate.has_access($Wl)" ];
		}
		return \@calls;
	}

	my $dir = pick('up', 'down');
	push @calls,
	  [ 'BEGIN', 'BEGIN' ],
	  [ 'lock',  "SELECT migrate.lock($P)" ],
	  [ 'record_step',
		"SELECT migrate.record_step($P, " . lit($Rw) . ", '$dir', "
		  . "coalesce((SELECT checksum FROM migrate.revisions WHERE project = $P AND id = "
		  . lit($Rw) . "), 'none'))" ],
	  [ 'ROLLBACK', 'ROLLBACK' ],
	  # the same definition again (a no-op on a valid project)
	  [ 'revision again',
		sprintf('SELECT migrate.revision(%s, %s, %s, %s, %s, %s, %s, %s)',
			lit($R), lit($reg->{up}), lit($reg->{down}), arr(@{ $reg->{parents} }),
			lit($reg->{message}), arr(@{ $reg->{labels} }), arr(@{ $reg->{deps} }), $P) ],
	  [ 'revision new',
		sprintf(q{SELECT migrate.revision('new%s', 'SELECT 1', 'SELECT 2', %s, 'new', '{}', %s, %s)},
			$c->{round}, arr($R), arr($R2), $P) ],
	  [ 'revision label',
		sprintf(q{SELECT migrate.revision('lab%s', 'SELECT 1', NULL, %s, NULL, %s, %s, %s)},
			$c->{round}, arr($R), arr($L), arr(), $P) ],
	  [ 'revision parent label',
		sprintf(q{SELECT migrate.revision('pal%s', 'SELECT 1', NULL, %s, NULL, '{}', %s, %s)},
			$c->{round}, arr($L), arr(chance(0.5) ? $L : ()), $P) ],
	  [ 'revision depends label',
		sprintf(q{SELECT migrate.revision('dep%s', 'SELECT 1', NULL, '{}', NULL, '{}', %s, %s)},
			$c->{round}, arr($L), $P) ],
	  [ 'merge',          "SELECT migrate.merge(ARRAY['heads'], 'merge', NULL, $P)" ],
	  [ 'upgrade target', "SELECT * FROM migrate.upgrade(" . lit($T) . ", $P, true)" ],
	  [ 'upgrade heads',  "SELECT * FROM migrate.upgrade('heads', $P, true)" ],
	  [ 'downgrade -1',   "SELECT * FROM migrate.downgrade('-1', $P, true)" ],
	  [ 'downgrade rev',  "SELECT * FROM migrate.downgrade(" . lit($Rw) . ", $P, true)" ],
	  [ 'stamp target',   "SELECT * FROM migrate.stamp(" . lit($T) . ", $P)" ],
	  [ 'apply heads',    "CALL migrate.apply('heads', $P, true)" ],
	  [ 'downgrade base', "SELECT * FROM migrate.downgrade('base', $P, true)" ],
	  [ 'apply target',   "CALL migrate.apply(" . lit($T) . ", $P, true)" ],
	  [ 'stamp heads purge', "SELECT * FROM migrate.stamp('heads', $P, true)" ],
	  [ 'stamp base',     "SELECT * FROM migrate.stamp('base', $P)" ],
	  [ 'status',         "SELECT * FROM migrate.status($P)" ],
	  [ 'current',        "SELECT * FROM migrate.current($P)" ],
	  [ 'is_up_to_date',  "SELECT migrate.is_up_to_date($P)" ];
	for my $W (@{ $c->{extra_projects} }, "fz\rFORGED")
	{
		my $Wl = lit($W);
		push @calls,
		  [ 'upgrade (other project)', "SELECT * FROM migrate.upgrade('heads', $Wl, true)" ],
		  [ 'lock (other project)',    "SELECT migrate.lock($Wl)" ],
		  [ 'revision (other project)',
			"SELECT migrate.revision('o1', 'SELECT 1', NULL, ARRAY['rev01'], NULL, '{}', '{}', $Wl)" ];
	}
	return \@calls;
}

sub client_commands
{
	my ($c, $role) = @_;
	my $R   = focus($c);
	$R = $c->{renamed}{$R} // $R;
	my $T   = $c->{target};
	my $dir = "$work/pull_$c->{round}_$role";
	my @cmds = (
		['status'], [ 'status', '--check' ], [ 'status', '--json' ],
		['current'], [ 'current', '--json' ],
		['heads'], [ 'heads', '--resolve-dependencies' ], [ 'heads', '--json' ],
		['branches'], [ 'branches', '--json' ],
		# "--" ends the options: a corrupt id may start with "-"
		['history'], [ 'history', '--', $c->{range} ], [ 'history', '--json' ],
		['plan'], [ 'plan', '--', $T ], [ 'plan', '--json' ],
		['script'], [ 'script', '--', $c->{range} ],
		[ 'show', '--', $R ], [ 'show', '--json', '--', $R ],
		[ 'pull', '--dir', $dir, '--force' ]);
	my @runs = map { [ '--project', $c->{project}, @$_ ] } @cmds;
	for my $W (@{ $c->{extra_projects} })
	{
		push @runs, [ '--project', $W, 'status' ], [ '--project', $W, 'history' ];
	}
	return @runs;
}

# ===========================================================================
# The rounds

# Cases the fuzz found crashing the server, pinned so that every run has
# them (before the random rounds): the corruption, the revision the calls
# name, and how much of the project is applied first.
my @PINNED = (
	{
		name    => 'NULL checksum of an applied revision, which is registered again',
		up_to   => 'heads',
		corrupt => sub {
			my ($c) = @_;
			return ('checksum of rev01 := NULL', upd_rev($c, 'rev01', 'checksum = NULL'));
		},
	},
	{
		name    => 'NULL checksum of a pending revision, which is registered again',
		up_to   => undef,
		corrupt => sub {
			my ($c) = @_;
			return ('checksum of rev02 := NULL', upd_rev($c, 'rev02', 'checksum = NULL'));
		},
	},
	{
		name    => 'stored id with a newline, on a revision whose branch label a registration names',
		up_to   => 'heads',
		corrupt => sub {
			my ($c) = @_;
			# rev01 is a root, and roots always get a label (lbl1)
			$c->{renamed}{rev01} = "bad\nFORGED";
			return (
				'rev01 renamed to "bad\nFORGED" (revisions and applied)',
				upd_rev($c, 'rev01', q{id = E'bad\nFORGED'}),
				sprintf(q{UPDATE migrate.applied SET revision = E'bad\nFORGED' WHERE project = %s AND revision = 'rev01'},
					P($c)));
		},
	},
	{
		name    => 'NULL element in the stored branch labels of a revision that a registration names',
		up_to   => undef,
		corrupt => sub {
			my ($c) = @_;
			return ('branch_labels of rev01 := ARRAY[NULL, lbl1]',
				upd_rev($c, 'rev01', q{branch_labels = ARRAY[NULL, 'lbl1']::text[]}));
		},
	},
	{
		name    => 'NULL applied_by',
		up_to   => 'heads',
		corrupt => sub {
			my ($c) = @_;
			return ('applied row of rev01: applied_by = NULL',
				sprintf(q{UPDATE migrate.applied SET applied_by = NULL WHERE project = %s AND revision = 'rev01'},
					P($c)));
		},
	},
);

my $started = time;
my %kind_count;

# the first problems of a list (after a crash, every later call fails too)
sub first_lines
{
	my ($n, @l) = @_;
	return join("\n", @l) if @l <= $n;
	return join("\n", @l[ 0 .. $n - 1 ], '... and ' . (@l - $n) . ' more (see the log)');
}

# The checks catch what they are meant to catch.
{
	my @p = run_calls(
		{}, $DEPLOY, 'self-check',
		[
			[ 'self-check: fine',      'SELECT 1' ],
			[ 'self-check: forged',    q{SELECT E'a\nFORGED'} ],
			[ 'self-check: internal',  q{DO $$ BEGIN RAISE EXCEPTION 'internal' USING ERRCODE = 'XX000'; END $$} ],
			[ 'self-check: corrupt',   q{DO $$ BEGIN RAISE EXCEPTION 'corrupt' USING ERRCODE = 'XX001'; END $$} ],
		]);
	ok( @p == 2
		  && (grep { /forged line/ } @p)
		  && (grep { /self-check: internal failed with SQLSTATE XX000/ } @p),
		'the checks catch a forged output line and an internal error')
	  or diag(join("\n", @p));
}

# One round: $name names the project ("fz$name") and the tests; $spec is a
# pinned case, or undef for random corruptions, the first of them $kind
# when given.
sub run_round
{
	my ($round, $spec, $kind) = @_;
	my $log_offset = -s $node->logfile;
	my $c = make_project($round);
	$c->{round} = $round;
	my $P = P($c);

	# 1. the valid project, registered and partly applied by the deploy role
	my $setup = "SET ROLE $DEPLOY;\n" . join(";\n", map { register_sql($c, $_) } revs_of($c)) . ";\n";
	my @ids = map { $_->{id} } revs_of($c);
	my $up_to = $spec ? $spec->{up_to} : pick('heads', 'heads', pick(@ids), pick(@ids), undef);
	$setup .= "CALL migrate.apply(" . lit($up_to) . ", $P);\n" if defined $up_to;
	$setup .= "RESET ROLE;\n";
	my ($ret, $sout, $serr) = $node->psql('postgres', $setup, on_error_stop => 1);
	if ($ret != 0)
	{
		fail("round $round: setting up the valid project");
		diag("round $round: setup failed:\n$setup\n$serr");
		return;
	}
	my $applied = $node->safe_psql('postgres',
		"SELECT string_agg(revision, ',') FROM migrate.applied WHERE project = $P");
	$c->{applied} = { map { $_ => 1 } split /,/, $applied };

	# 2. the corruption
	my (@desc, @sql);
	if ($spec)
	{
		my ($d, @s) = $spec->{corrupt}->($c);
		($c->{focus}) = $d =~ /\b(rev\d\d)\b/;
		$c->{focus_always} = 1;
		push @desc, "pinned: $spec->{name}: $d";
		push @sql,  @s;
	}
	else
	{
		my @kinds = map { pick(@KIND_NAMES) } 1 .. 1 + int(rand(3));
		$kinds[0] = $kind if defined $kind;
		for my $k (@kinds)
		{
			$kind_count{$k}++;
			my ($d, @s) = $KINDS{$k}->($c);
			# the calls aim at the revision a corruption touched, most of the time
			$c->{focus} = $1 if $d =~ /\b(rev\d\d)\b/;
			push @desc, "$k: $d";
			push @sql,  @s;
		}
	}

	# targets and ranges of the calls
	my @labels = sort keys %{ $c->{labels} };
	my $R = focus($c);
	$c->{target} = pick('heads', 'head', 'base', 'current', $R, $R, "$R+1", "$R-1", '+1', '-1',
		'base+1', 'head-1', substr($R, 0, 4),
		@labels ? (pick(@labels) . '@head', pick(@labels) . '@base', pick(@labels) . '@+1') : ());
	$c->{range} = pick("$R:heads", "base:$R", ":$R", "$R:", 'current:heads', pick(@ids) . ':' . pick(@ids));

	my $corrupt = join(";\n",
		'BEGIN', 'SET LOCAL session_replication_role = replica',
		"UPDATE migrate.projects SET state_version = state_version + 1, changed_at = now() WHERE project = $P",
		@sql, 'COMMIT') . ";\n";
	my $what = "round $round (project $c->{project}, applied: " . ($applied || 'nothing')
	  . ", target " . show_str($c->{target}) . ", range " . show_str($c->{range}) . "): "
	  . join('; ', @desc);
	note($what);
	($ret, $sout, $serr) = $node->psql('postgres', $corrupt, on_error_stop => 1);
	if ($ret != 0)
	{
		fail("round $round: corrupting the project");
		diag("round $round: corruption failed:\n$corrupt\n$serr");
		return;
	}

	# 3. every call, as both roles
	my @problems;
	my $t0 = time;
	push @problems, run_calls($c, $MONITOR, "r$round monitor", [ @{ sql_calls($c, 'read') }, @{ sql_calls($c, 'write') } ]);
	push @problems, run_calls($c, $DEPLOY, "r$round deploy read", sql_calls($c, 'read'));
	my $t1 = time;
	my @client_problems = run_clients($c,
		map { my $role = $_; map { [ $role, @$_ ] } client_commands($c, $role) } $MONITOR, $DEPLOY);
	my $t2 = time;
	push @problems, run_calls($c, $DEPLOY, "r$round deploy write", sql_calls($c, 'write'));
	push @client_problems, run_clients($c, [ $DEPLOY, '--project', $c->{project}, 'status' ]);
	note(sprintf('round %d: SQL reads %.2f s, client %.2f s, SQL writes %.2f s',
		$round, $t1 - $t0, $t2 - $t1, time - $t2));

	# 4. the verdict
	my @log = split /\n/, slurp_file($node->logfile, $log_offset);
	my @crash = grep { $log[$_] =~ /terminated by signal|was terminated by exception|server process .* was terminated|PANIC:|TRAP:/ }
	  0 .. $#log;
	# each crash with the lines before it (the crashed backend's last
	# messages) and the command it ran
	ok(!@crash, "round $round: no backend crash")
	  or diag("$what\nserver log:\n"
		  . first_lines(3, map { join("\n", @log[ ($_ < 3 ? 0 : $_ - 3) .. ($_ < $#log ? $_ + 1 : $_) ]) } @crash));
	ok(!@problems, "round $round: every SQL call completed, every error with a proper SQLSTATE")
	  or diag("$what\n" . first_lines(12, @problems));
	ok(!@client_problems, "round $round: the client never crashed and exited as documented")
	  or diag("$what\n" . first_lines(12, @client_problems));

	if (@crash)
	{
		# wait for the restart after the crash
		$node->poll_query_until('postgres', 'SELECT true')
		  or BAIL_OUT("the server did not come back after the crash of round $round");
	}

	# 5. remove the round's rows
	my $projects = join(', ', map { lit($_) } $c->{project}, @{ $c->{extra_projects} });
	($ret, $sout, $serr) = $node->psql(
		'postgres', qq{
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM migrate.applied WHERE project IN ($projects);
DELETE FROM migrate.revisions WHERE project IN ($projects);
DELETE FROM migrate.events WHERE project IN ($projects);
DELETE FROM migrate.grants WHERE granted_by = 'fz_corrupt' OR project IN ($projects);
DELETE FROM migrate.projects WHERE project IN ($projects);
COMMIT;},
		on_error_stop => 1);
	is($ret, 0, "round $round: cleanup") or diag($serr);
	rmtree("$work/pull_${round}_$_") for ($MONITOR, $DEPLOY);
}


for my $i (0 .. $#PINNED)
{
	run_round('p' . ($i + 1), $PINNED[$i]);
}
for my $round (1 .. $ROUNDS)
{
	# every kind of corruption at least once (first), then at random
	run_round($round, undef, $round <= @KIND_NAMES ? $KIND_NAMES[ $round - 1 ] : undef);
}

my $elapsed = time - $started;
note(sprintf('%d pinned and %d random rounds in %.1f s: %d SQL calls, %d client runs',
	scalar(@PINNED), $ROUNDS, $elapsed, $calls_run // 0, $client_runs // 0));
note("corruptions used: " . join(', ', map { "$_ x$kind_count{$_}" } sort keys %kind_count));
note("SQLSTATEs per SQL call (role:state x count):");
for my $name (sort keys %codes)
{
	note(sprintf('  %-28s %s', $name,
		join(' ', map { "$_ x$codes{$name}{$_}" } sort keys %{ $codes{$name} })));
}
note("client exit status (and SQLSTATE) per command:");
for my $name (sort keys %client_codes)
{
	note(sprintf('  %-28s %s', $name,
		join(' ', map { "$_ x$client_codes{$name}{$_}" } sort keys %{ $client_codes{$name} })));
}
if (%unexpected)
{
	note("SQLSTATEs outside the documented list (not failures):");
	note("  $_ (x$unexpected{$_})") for sort keys %unexpected;
}

# The fuzz must have reached the checks for corrupt data.
ok(grep({ /:XX001$/ } map { keys %$_ } values %codes), 'some calls were refused as data_corrupted (XX001)');

# The whole run: no crash, and the server still answers.
ok(!$node->log_contains(qr/terminated by signal|was terminated by exception|PANIC:/),
	'no process of the server was terminated by a signal during the run');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server still answers');

$node->stop;

done_testing();
