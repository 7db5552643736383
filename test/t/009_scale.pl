# Copyright (c) pg_migrate contributors
#
# test/t/009_scale.pl
#
# Correctness at 10,000 revisions.  The engine may cache a project's graph
# and applied set per backend, walk and register faster than the plain
# code does; none of that may change an answer.  Every order here is
# compared, in full, with an independent oracle written in Perl straight
# from docs/revision-graph.md: section 1 (heads, normalization of depends_on),
# section 4 (the ordering walk, transcribed line by line), section 5
# (relative targets) and section 6 (what each command reverts or applies).
#
# Three projects of 10,000 revisions each, generated deterministically
# (fixed-seed LCG, so a failure reproduces):
#
#   chain    c00001 -> ... -> c10000
#   branchy  two components (roots "trunk" and "side"); branches fork from
#            open lines, some merge back (2 or 3 parents), the rest stay
#            open as heads; about half the branches declare a label
#   deps     nine services, each its own root with a label svcN (one a base
#            with only depends_on), branching and merging inside a service;
#            a third of the revisions depend on revisions or labels of
#            other services, including dependencies that are already
#            ancestors (normalized away), duplicates and a parent repeated
#            as a dependency; three services stop early and something
#            depends on their last revision (effective heads)
#
# Every up and down script appends (project, id, direction) to a log table
# with a serial, so the order in which the engine really ran the scripts is
# read back and compared with what the command returned, what plan() said
# before, and the oracle.
#
# Reads and commands of the three projects all run in one long-lived
# session, so that a per-backend cache is warm and crosses projects;
# registration and a few plans run in new sessions.
#
# The last part exercises the cache: sessions that have the state loaded
# see registrations and upgrades of other sessions; a registration or an
# upgrade rolled back (whole transaction or to a savepoint) is not seen
# afterwards, also when another change then reaches the same state_version.
#
# Timings are printed as notes, never asserted (timing claims belong in
# bench/).

use strict;
use warnings;

use IPC::Run;
use List::Util qw(first min max);
use Time::HiRes qw(time);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $N = 10_000;

# ===========================================================================
# The oracle
#
# A graph is a hash: ids (registration order; an index is the registration
# rank), idx (id -> index), parents and deps (indexes; deps normalized),
# children and dependents (reverse edges, in registration order), labels,
# label_rev (label -> index), and anc: for each revision a bit string
# (vec) of its proper ancestors through parents and dependencies, so that
# "x is an ancestor of y" is one vec() lookup.  desc is the same for
# descendants, built on demand.  Sets of revisions are arrays of booleans
# indexed like ids.

sub new_graph
{
	my ($project) = @_;
	return {
		project    => $project,
		ids        => [],
		idx        => {},
		parents    => [],
		deps       => [],
		raw_deps   => [],
		labels     => [],
		label_rev  => {},
		children   => [],
		dependents => [],
		anc        => [],
		messages   => [],
	};
}

sub nrevs { return scalar @{ $_[0]{ids} }; }

# Register a revision in the oracle.  Dependencies name an id or else a
# branch label (section 1); after resolution duplicates are dropped, and
# then, as section 1 says, "a dependency on something that is already an
# ancestor is dropped": an ancestor (or the same revision) of the
# revision's other edges.  Returns the new index and, in list context,
# counts of what normalization did (for the generators' coverage checks).
sub add_rev
{
	my ($g, $id, %a) = @_;
	my $i = nrevs($g);
	die "oracle: duplicate id $id" if exists $g->{idx}{$id};
	my @par = map { $g->{idx}{$_} // die "oracle: unknown parent $_" }
	  @{ $a{parents} || [] };
	my (@dep, %seen);
	my %stats = (dup => 0, implied => 0, label => 0);
	for my $name (@{ $a{deps} || [] })
	{
		my $d = $g->{idx}{$name};
		if (!defined $d)
		{
			$d = $g->{label_rev}{$name} // die "oracle: unknown dependency $name";
			$stats{label}++;
		}
		if ($seen{$d}++) { $stats{dup}++; next; }
		push @dep, $d;
	}
	my @kept;
	for my $d (@dep)
	{
		my $implied = 0;
		for my $e (@par, grep { $_ != $d } @dep)
		{
			if ($e == $d || vec($g->{anc}[$e], $d, 1))
			{
				$implied = 1;
				last;
			}
		}
		if ($implied) { $stats{implied}++; next; }
		push @kept, $d;
	}
	my $anc = '';
	for my $e (@par, @kept)
	{
		$anc |= $g->{anc}[$e];
		vec($anc, $e, 1) = 1;
	}
	push @{ $g->{ids} },      $id;
	push @{ $g->{parents} },  \@par;
	push @{ $g->{deps} },     \@kept;
	push @{ $g->{raw_deps} }, [ @{ $a{deps} || [] } ];
	push @{ $g->{labels} },   [ @{ $a{labels} || [] } ];
	push @{ $g->{messages} }, "message of $id";
	push @{ $g->{anc} },      $anc;
	push @{ $g->{children} },   [];
	push @{ $g->{dependents} }, [];
	$g->{idx}{$id} = $i;
	for my $l (@{ $a{labels} || [] })
	{
		die "oracle: duplicate label $l" if exists $g->{label_rev}{$l};
		$g->{label_rev}{$l} = $i;
	}
	push @{ $g->{children}[$_] },   $i for @par;
	push @{ $g->{dependents}[$_] }, $i for @kept;
	delete $g->{desc};
	return wantarray ? ($i, \%stats) : $i;
}

sub id_of  { my ($g, @i) = @_; return map { $g->{ids}[$_] } @i; }
sub ix     { my ($g, $id) = @_; return $g->{idx}{$id} // $g->{label_rev}{$id} // die "oracle: unknown $id"; }
sub is_anc { my ($g, $x, $y) = @_; return vec($g->{anc}[$y], $x, 1); }

# descendant bit strings, built from the reverse edges in reverse
# registration order
sub desc_vec
{
	my ($g, $t) = @_;
	if (!$g->{desc})
	{
		my @desc;
		for my $i (reverse 0 .. nrevs($g) - 1)
		{
			my $v = '';
			for my $c (@{ $g->{children}[$i] }, @{ $g->{dependents}[$i] })
			{
				$v |= $desc[$c];
				vec($v, $c, 1) = 1;
			}
			$desc[$i] = $v;
		}
		$g->{desc} = \@desc;
	}
	return $g->{desc}[$t];
}

# proper descendants through parents and dependencies
sub descendants
{
	my ($g, @from) = @_;
	my @set = (0) x nrevs($g);
	for my $t (@from)
	{
		my $d = desc_vec($g, $t);
		for my $i ($t + 1 .. nrevs($g) - 1)
		{
			$set[$i] = 1 if vec($d, $i, 1);
		}
	}
	return @set;
}

sub count_descendants { my ($g, $t) = @_; return unpack('%32b*', desc_vec($g, $t)); }

# ancestors through parent edges only (inclusive), or descendants
sub parent_closure
{
	my ($g, $up, @from) = @_;
	my %seen = map { $_ => 1 } @from;
	my @todo = @from;
	while (@todo)
	{
		my $r = pop @todo;
		for my $w (@{ $up ? $g->{children}[$r] : $g->{parents}[$r] })
		{
			push @todo, $w unless $seen{$w}++;
		}
	}
	return sort { $a <=> $b } keys %seen;
}

# versioned heads (no child through a parent edge), real heads (no child
# through any edge), in registration order
sub versioned_heads
{
	my ($g) = @_;
	return grep { !@{ $g->{children}[$_] } } 0 .. nrevs($g) - 1;
}

sub real_heads
{
	my ($g) = @_;
	return grep { !@{ $g->{children}[$_] } && !@{ $g->{dependents}[$_] } }
	  0 .. nrevs($g) - 1;
}

# the tips of an applied set (section 2), in registration order
sub tips
{
	my ($g, $applied) = @_;
	my @t;
	for my $i (0 .. nrevs($g) - 1)
	{
		next unless $applied->[$i];
		next if grep { $applied->[$_] } @{ $g->{children}[$i] }, @{ $g->{dependents}[$i] };
		push @t, $i;
	}
	return @t;
}

# the closure of a set of revisions (they and their ancestors)
sub closure
{
	my ($g, @from) = @_;
	my @set = (0) x nrevs($g);
	for my $t (@from)
	{
		$set[$t] = 1;
		for my $i (0 .. $t - 1)
		{
			$set[$i] = 1 if vec($g->{anc}[$t], $i, 1);
		}
	}
	return @set;
}

# docs/revision-graph.md section 4, line by line:
#
#   pending = [h for h in H if h in R], sorted by registration order
#   idx = 0; out = []
#   while pending:
#       cand = pending[idx]
#       if another pending[j] (j != idx) has cand among its ancestors (parents
#          and dependencies, transitively): idx = j; continue
#       if cand in R and not yet emitted: out.append(cand)
#       nxt = [p for p in cand.parents + cand.dependencies
#              if p in R and not emitted and not already in pending]
#       if nxt is empty: remove pending[idx]; idx = max(idx - 1, 0)
#       else: pending[idx] = nxt[0]; pending += nxt[1:]
#
# "Another pending[j]" is taken as the first such j in list order (as in
# Alembic's loop), and ancestors are those in the whole graph, as the spec
# says (not only those inside R; src/graph.c searches inside R, which
# agrees: for every set the engine walks, that of an upgrade, a downgrade,
# a stamp or history(), whatever lies between two members is a member
# too).  The only liberty taken: before scanning
# pending for such a j, one string AND of cand's descendant bits with the
# bits of everything pending tells whether any j exists at all; the scan
# itself is the spec's.  Without it the oracle is too slow on graphs that
# keep hundreds of entries pending.
sub walk
{
	my ($g, $in_r, $start) = @_;
	my %h;
	my @pending = sort { $a <=> $b } grep { $in_r->[$_] && !$h{$_}++ } @$start;
	my $pend_bits = '';
	my %emitted;
	vec($pend_bits, $_, 1) = 1 for @pending;
	my $idx = 0;
	my @out;
	while (@pending)
	{
		my $cand = $pending[$idx];

		if ((desc_vec($g, $cand) & $pend_bits) =~ /[^\0]/)
		{
			my $moved = 0;
			for my $j (0 .. $#pending)
			{
				next if $j == $idx;
				if (vec($g->{anc}[ $pending[$j] ], $cand, 1))
				{
					$idx = $j;
					$moved = 1;
					last;
				}
			}
			die "oracle: descendant bits and ancestor bits disagree" unless $moved;
			next;
		}
		if ($in_r->[$cand] && !$emitted{$cand})
		{
			push @out, $cand;
			$emitted{$cand} = 1;
		}
		my @nxt = grep { $in_r->[$_] && !$emitted{$_} && !vec($pend_bits, $_, 1) }
		  (@{ $g->{parents}[$cand] }, @{ $g->{deps}[$cand] });
		vec($pend_bits, $cand, 1) = 0;
		if (!@nxt)
		{
			splice(@pending, $idx, 1);
			$idx = max($idx - 1, 0);
		}
		else
		{
			$pending[$idx] = $nxt[0];
			push @pending, @nxt[ 1 .. $#nxt ];
			vec($pend_bits, $_, 1) = 1 for @nxt;
		}
	}
	return @out;
}

# upgrade(targets) from an applied set (section 6): everything the targets
# need through parents and dependencies that is not applied, in the
# reverse of the walk from the targets.  Returns the order and the new
# applied set.
sub oracle_upgrade
{
	my ($g, $applied, @targets) = @_;
	my @r = closure($g, @targets);
	$r[$_] &&= !$applied->[$_] for 0 .. $#r;
	my @order = reverse walk($g, \@r, \@targets);
	my @new = @$applied;
	$new[$_] = 1 for @order;
	return (\@order, \@new);
}

# downgrade (section 6): what to revert, walked from the current tips.
#   [revs => @t]   every applied proper descendant of the targets
#   [base]         everything
#   [below => @t]  X@base: the roots of X's lineage and all above them
#   [path => @p]   -N: the walked revisions and what depends on them
sub oracle_downgrade
{
	my ($g, $applied, $kind, @t) = @_;
	my @r;
	if ($kind eq 'base') { @r = (1) x nrevs($g); }
	elsif ($kind eq 'revs')
	{
		die "oracle: downgrade target not applied" if grep { !$applied->[$_] } @t;
		@r = descendants($g, @t);
	}
	elsif ($kind eq 'below' || $kind eq 'path')
	{
		@r = descendants($g, @t);
		$r[$_] = 1 for @t;
	}
	else { die "oracle: unknown downgrade kind $kind"; }
	$r[$_] &&= $applied->[$_] for 0 .. $#r;
	my @order = walk($g, \@r, [ tips($g, $applied) ]);
	my @new = @$applied;
	$new[$_] = 0 for @order;
	return (\@order, \@new);
}

# stamp (section 6): each target replaces the current tips in its lineage
# (its ancestors and descendants through parent edges); the new applied
# set is the closure of the tips.  Unstamped revisions come in downgrade
# order from the old tips, stamped ones in upgrade order from the new.
sub oracle_stamp
{
	my ($g, $applied, @targets) = @_;    # no targets: 'base'
	my %tip = map { $_ => 1 } tips($g, $applied);
	for my $t (@targets)
	{
		delete $tip{$_} for parent_closure($g, 0, $t), parent_closure($g, 1, $t);
	}
	$tip{$_} = 1 for @targets;
	%tip = () unless @targets;
	my @new = closure($g, keys %tip);
	my @gone = map { $applied->[$_] && !$new[$_] ? 1 : 0 } 0 .. nrevs($g) - 1;
	my @come = map { $new[$_] && !$applied->[$_] ? 1 : 0 } 0 .. nrevs($g) - 1;
	my @unstamp = walk($g, \@gone, [ tips($g, $applied) ]);
	my @stamp = reverse walk($g, \@come, [ tips($g, \@new) ]);
	return ([ (map { "$_:unstamp" } id_of($g, @unstamp)), (map { "$_:stamp" } id_of($g, @stamp)) ],
		\@new);
}

# history(): all revisions walked from the real heads; a:b is the part of
# the graph between a and b, inclusive, walked from b
sub oracle_history
{
	my ($g, $lo, $hi) = @_;
	return walk($g, [ (1) x nrevs($g) ], [ real_heads($g) ]) unless defined $hi;
	my @r = closure($g, $hi);
	my @d = descendants($g, $lo);
	$d[$lo] = 1;
	$r[$_] &&= $d[$_] for 0 .. $#r;
	return walk($g, \@r, [$hi]);
}

# section 5: walk N steps up (exactly one child each time) or down (one
# parent; a base steps below the bases, -1) along parent edges
sub walk_up
{
	my ($g, $from, $n) = @_;
	for (1 .. $n)
	{
		my @c = @{ $g->{children}[$from] };
		die "oracle: walk up from $g->{ids}[$from] is out of range or ambiguous" unless @c == 1;
		$from = $c[0];
	}
	return $from;
}

sub walk_down_path
{
	my ($g, $from, $n) = @_;
	my @path;
	for (1 .. $n)
	{
		my @p = @{ $g->{parents}[$from] };
		die "oracle: walk down from $g->{ids}[$from] is ambiguous" if @p > 1;
		push @path, $from;
		$from = @p ? $p[0] : -1;
	}
	return ($from, @path);
}

# the heads of a branch (label@head): revisions without children among the
# labelled revision and its descendants through parent edges
sub branch_heads
{
	my ($g, $r) = @_;
	return grep { !@{ $g->{children}[$_] } } parent_closure($g, 1, $r);
}

# the roots of a lineage (X@base)
sub branch_roots
{
	my ($g, $r) = @_;
	return grep { !@{ $g->{parents}[$_] } } parent_closure($g, 0, $r);
}

# ===========================================================================
# The oracle on the examples of docs/revision-graph.md, whose orders are written
# out in the spec: if these fail, the oracle is wrong, not the engine.

sub small_graph
{
	my (@defs) = @_;
	my $g = new_graph('spec');
	for my $d (@defs)
	{
		my ($id, $par, $labels, $deps) = @$d;
		add_rev($g, $id, parents => $par || [], labels => $labels || [], deps => $deps || []);
	}
	return $g;
}

sub applied_of
{
	my ($g, @ids) = @_;
	return [ closure($g, map { ix($g, $_) } @ids) ];
}

{
	my $none = sub { [ (0) x nrevs($_[0]) ] };
	my $fork = small_graph([ 'a', [] ], [ 'b', ['a'] ], [ 'c1', ['b'], ['c1branch'] ],
		[ 'd1', ['c1'] ], [ 'c2', ['b'], ['c2branch'] ], [ 'd2', ['c2'] ]);
	my $diam = small_graph([ 'a', [] ], [ 'b1', ['a'] ], [ 'b2', ['a'] ], [ 'm', [ 'b1', 'b2' ] ]);
	my $forest = small_graph([ 'a1', [] ], [ 'b1', ['a1'] ], [ 'a2', [] ], [ 'b2', ['a2'] ]);
	my $dep = small_graph([ 'l1', [], ['lib'] ], [ 'l2', ['l1'] ], [ 'p1', [], ['app'] ],
		[ 'p2', ['p1'], [], ['l2'] ]);
	my $up = sub {
		my ($g, $applied, @t) = @_;
		my ($order) = oracle_upgrade($g, $applied, map { ix($g, $_) } @t);
		return join(' ', id_of($g, @$order));
	};
	my $down = sub {
		my ($g, $applied, $kind, @t) = @_;
		my ($order) = oracle_downgrade($g, $applied, $kind, map { ix($g, $_) } @t);
		return join(' ', id_of($g, @$order));
	};
	is($up->($fork, $none->($fork), id_of($fork, real_heads($fork))), 'a b c2 d2 c1 d1',
		'oracle: FORK upgrade(heads) from empty');
	is($down->($fork, applied_of($fork, 'd1', 'd2'), 'base'), 'd1 c1 d2 c2 b a',
		'oracle: FORK downgrade(base) from {d1, d2}');
	is($up->($forest, $none->($forest), id_of($forest, real_heads($forest))), 'a2 b2 a1 b1',
		'oracle: FOREST upgrade(heads)');
	is($up->($diam, $none->($diam), 'm'), 'a b2 b1 m', 'oracle: DIAM upgrade(m)');
	is($up->($dep, $none->($dep), 'p2'), 'l1 l2 p1 p2', 'oracle: DEP upgrade(p2)');
	is($up->($dep, $none->($dep), id_of($dep, real_heads($dep))), 'l1 l2 p1 p2',
		'oracle: DEP upgrade(heads)');
	is(join(' ', id_of($dep, real_heads($dep))), 'p2', 'oracle: DEP real heads');
	is(join(' ', id_of($dep, versioned_heads($dep))), 'l2 p2', 'oracle: DEP versioned heads');
	is($up->($fork, applied_of($fork, 'c1'), id_of($fork, real_heads($fork))), 'c2 d2 d1',
		'oracle: FORK {c1} + upgrade(heads)');
	is($up->($fork, applied_of($fork, 'c1'), 'd2'), 'c2 d2', 'oracle: FORK {c1} + upgrade(d2)');
	is($up->($diam, applied_of($diam, 'b1'), 'm'), 'b2 m', 'oracle: DIAM {b1} + upgrade(m)');
	is($down->($fork, applied_of($fork, 'd1', 'd2'), 'revs', 'b'), 'd1 c1 d2 c2',
		'oracle: FORK {d1, d2} + downgrade(b)');
	is($down->($fork, applied_of($fork, 'd1', 'd2'), 'revs', 'c1'), 'd1',
		'oracle: FORK {d1, d2} + downgrade(c1)');
	is($down->($dep, applied_of($dep, 'p2'), 'revs', 'l1'), 'p2 l2',
		'oracle: DEP {p2} + downgrade(l1)');
	is($down->($diam, applied_of($diam, 'm'), 'revs', 'b1'), 'm', 'oracle: DIAM {m} + downgrade(b1)');
	is($down->($fork, applied_of($fork, 'd1'), 'below', id_of($fork, branch_roots($fork, ix($fork, 'c2branch')))),
		'd1 c1 b a', 'oracle: FORK {d1} + downgrade(c2branch@base)');
	is(join(' ', id_of($fork, branch_heads($fork, ix($fork, 'c1branch')))), 'd1',
		'oracle: FORK c1branch@head');
	my ($steps, $new) = oracle_stamp($forest, applied_of($forest, 'b1', 'b2'), ix($forest, 'a1'));
	is(join(' ', id_of($forest, tips($forest, $new))), 'a1 b2', 'oracle: FOREST {b1, b2} + stamp(a1)');
	($steps, $new) = oracle_stamp($fork, applied_of($fork, 'd1'), ix($fork, 'c2'));
	is(join(' ', id_of($fork, tips($fork, $new))), 'd1 c2', 'oracle: FORK {d1} + stamp(c2)');
	($steps, $new) = oracle_stamp($diam, applied_of($diam, 'm'), ix($diam, 'b2'));
	is(join(' ', id_of($diam, tips($diam, $new))), 'b2', 'oracle: DIAM {m} + stamp(b2)');
	is(join(' ', @$steps), 'm:unstamp b1:unstamp', '... unstamping m and b1');
	($steps, $new) = oracle_stamp($fork, applied_of($fork, 'c1', 'd2'), real_heads($fork));
	is(join(' ', id_of($fork, tips($fork, $new))), 'd1 d2', 'oracle: FORK {c1, d2} + stamp(heads)');
	my $norm = small_graph([ 'n1', [] ], [ 'n2', ['n1'] ], [ 'n3', ['n2'], [], [ 'n1', 'n2', 'n1' ] ]);
	is(scalar @{ $norm->{deps}[2] }, 0, 'oracle: dependencies on ancestors and duplicates are normalized away');
}

# ===========================================================================
# Generators.  A small LCG keeps the graphs identical on every run and
# every platform.

my $rng;

sub rnd
{
	my ($n) = @_;
	$rng = ($rng * 1103515245 + 12345) % 2147483648;
	return ($rng >> 8) % $n;
}

sub gen_chain
{
	my $g = new_graph('chain');
	for my $k (1 .. $N)
	{
		add_rev($g, sprintf('c%05d', $k), parents => $k > 1 ? [ sprintf('c%05d', $k - 1) ] : []);
	}
	return $g;
}

# Open lines are extended, forked (from their tip or a few revisions below
# it) or merged (2 or 3 lines of one component, whose tips are not
# ancestors of one another).  Component 1 starts at revision 151 from its
# own root "side"; merges never cross components.
sub gen_branchy
{
	my $g = new_graph('branchy');
	my @lines;
	my ($k, $nlabel) = (0, 0);
	my $next = sub { return sprintf('b%05d', ++$k); };
	$rng = 4242;
	push @lines, { tip => scalar add_rev($g, $next->(), labels => ['trunk']), comp => 0 };
	while ($k < $N)
	{
		if ($k == 150)
		{
			push @lines, { tip => scalar add_rev($g, $next->(), labels => ['side']), comp => 1 };
			next;
		}
		my $roll = rnd(100);
		if ($roll < 5 && @lines < 24)
		{
			my $l = $lines[ rnd(scalar @lines) ];
			my $from = $l->{tip};
			for (1 .. rnd(4))
			{
				my $p = $g->{parents}[$from];
				last unless @$p;
				$from = $p->[0];
			}
			my @labels = rnd(2) ? (sprintf('feature%03d', ++$nlabel)) : ();
			push @lines,
			  { tip => scalar add_rev($g, $next->(), parents => [ $g->{ids}[$from] ], labels => \@labels),
				comp => $l->{comp} };
			next;
		}
		if ($roll < 8)
		{
			my $first = rnd(scalar @lines);
			my @same = grep { $_ != $first && $lines[$_]{comp} == $lines[$first]{comp} } 0 .. $#lines;
			my $want = rnd(4) == 0 ? 2 : 1;
			if (@same >= $want)
			{
				my @pick = ($first);
				while (@pick < $want + 1)
				{
					my $c = splice(@same, rnd(scalar @same), 1);
					push @pick, $c;
				}
				my @tips = map { $lines[$_]{tip} } @pick;
				my $related = 0;
				for my $t (@tips)
				{
					$related ||= grep { $_ != $t && is_anc($g, $t, $_) } @tips;
				}
				if (!$related)
				{
					my $m = add_rev($g, $next->(), parents => [ id_of($g, @tips) ]);
					my $comp = $lines[$first]{comp};
					my %gone = map { $_ => 1 } @pick;
					@lines = map { $gone{$_} ? () : $lines[$_] } 0 .. $#lines;
					push @lines, { tip => $m, comp => $comp };
					next;
				}
			}
		}
		my $l = $lines[ rnd(scalar @lines) ];
		$l->{tip} = add_rev($g, $next->(), parents => [ $g->{ids}[ $l->{tip} ] ]);
	}
	return $g;
}

# Services 0..7, each a root labelled svcN that grows, branches (labels
# branchNNN on some branches) and merges inside the service.  About a third
# of the revisions get depends_on: one or two of the last 400 revisions or,
# less often, any earlier one (of any service, so mostly of others),
# sometimes also a label, the revision's grandparent (an ancestor: dropped),
# a duplicate, its own parent (dropped), or a revision and that revision's
# parent (the parent is dropped).  Every edge points to an earlier
# registration, so the graph is acyclic.  Services 5, 6 and 7 stop at 50%,
# 70% and 90%, and the next revision of service 0 depends on their last
# revision: versioned heads that are not real heads.  Service 8 starts at
# 30% with a base that has only depends_on.
sub gen_deps
{
	my $g = new_graph('deps');
	my %stats = (dup => 0, implied => 0, label => 0, deps => 0);
	my @lines;
	my %stopped;
	my ($k, $nlabel) = (0, 0);
	my $next = sub { return sprintf('d%05d', ++$k); };
	my @labels_so_far;
	my $add = sub {
		my ($svc, %a) = @_;
		my ($i, $s) = add_rev($g, $next->(), %a);
		$stats{$_} += $s->{$_} for keys %$s;
		$stats{deps}++ if @{ $a{deps} || [] };
		push @labels_so_far, @{ $a{labels} || [] };
		return $i;
	};
	$rng = 777;
	for my $s (0 .. 7)
	{
		push @lines, { tip => $add->($s, labels => ["svc$s"]), svc => $s };
	}
	my $pending_dep;
	while ($k < $N)
	{
		if ($k == 0.3 * $N)
		{
			my @on = map { my $s = $_; first { $_->{svc} == $s } @lines } 1, 2;
			push @lines,
			  { tip => $add->(8, labels => ['svc8'], deps => [ id_of($g, map { $_->{tip} } @on) ]), svc => 8 };
			next;
		}
		for my $s ([ 5, 0.5 ], [ 6, 0.7 ], [ 7, 0.9 ])
		{
			next if $stopped{ $s->[0] } || $k < $s->[1] * $N;
			$stopped{ $s->[0] } = 1;
			my ($last) = sort { $b <=> $a } map { $_->{tip} } grep { $_->{svc} == $s->[0] } @lines;
			$pending_dep = $last;
			@lines = grep { $_->{svc} != $s->[0] } @lines;
		}
		my $l = $lines[ rnd(scalar @lines) ];
		$l = (grep { $_->{svc} == 0 } @lines)[0] if defined $pending_dep;
		my $roll = rnd(100);
		if ($roll < 2 && @lines < 24)
		{
			my @labels = rnd(2) ? (sprintf('branch%03d', ++$nlabel)) : ();
			push @lines,
			  { tip => $add->($l->{svc}, parents => [ $g->{ids}[ $l->{tip} ] ], labels => \@labels),
				svc => $l->{svc} };
			next;
		}
		if ($roll < 4)
		{
			my @same = grep { $_ != $l && $_->{svc} == $l->{svc} } @lines;
			if (@same)
			{
				my $o = $same[ rnd(scalar @same) ];
				if (!is_anc($g, $l->{tip}, $o->{tip}) && !is_anc($g, $o->{tip}, $l->{tip}))
				{
					$l->{tip} = $add->($l->{svc}, parents => [ id_of($g, $l->{tip}, $o->{tip}) ]);
					@lines = grep { $_ != $o } @lines;
					next;
				}
			}
		}
		my $parent = $l->{tip};
		my @deps;
		if (defined $pending_dep)
		{
			push @deps, $g->{ids}[$pending_dep];
			undef $pending_dep;
		}
		elsif (rnd(3) == 0)
		{
			my $n = nrevs($g);
			for (1 .. 1 + rnd(2))
			{
				my $j = rnd(5) ? $n - 1 - rnd(min($n, 400)) : rnd($n);
				push @deps, $g->{ids}[$j];
				push @deps, $g->{ids}[ $g->{parents}[$j][0] ] if rnd(10) == 0 && @{ $g->{parents}[$j] };
			}
			push @deps, $labels_so_far[ rnd(scalar @labels_so_far) ] if rnd(4) == 0;
			if (rnd(7) == 0)
			{
				my $gp = $g->{parents}[$parent][0];
				push @deps, $g->{ids}[$gp] if defined $gp;
			}
			push @deps, $deps[0] if rnd(10) == 0;
			push @deps, $g->{ids}[$parent] if rnd(20) == 0;
		}
		$l->{tip} = $add->($l->{svc}, parents => [ $g->{ids}[$parent] ], deps => \@deps);
	}
	$g->{stats} = \%stats;
	return $g;
}

# ===========================================================================
# Helpers around the node

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION pg_migrate;
CREATE TABLE log (n bigserial PRIMARY KEY, project text NOT NULL, id text NOT NULL, dir text NOT NULL);
});
my $me = $node->safe_psql('postgres', 'SELECT current_user');

# A psql session kept open, so that whatever the engine caches per backend
# stays loaded from one command to the next (a new session per command
# would only ever test a cold cache).  Written here rather than with
# BackgroundPsql, which logs every query and result in full: 10,000-step
# answers would fill the test log.  Any error fails the test.
sub session_start
{
	my ($name) = @_;
	my $s = { name => $name, in => '', out => '', err => '', n => 0 };
	$s->{timer} = IPC::Run::timeout(600);
	$s->{h} = IPC::Run::start(
		[ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=0', '-d',
		  $node->connstr('postgres') . " application_name=$name" ],
		'<', \$s->{in}, '>', \$s->{out}, '2>', \$s->{err}, $s->{timer});
	return $s;
}

sub session_query
{
	my ($s, $sql) = @_;
	my $banner = "--- $s->{name} done " . ++$s->{n} . ' ---';
	$s->{in} .= "$sql\n;\n\\echo '$banner'\n\\warn '$banner'\n";
	$s->{timer}->start(600);    # for each query, not for the session
	$s->{h}->pump until $s->{out} =~ /\Q$banner\E\n/ && $s->{err} =~ /\Q$banner\E\n/;
	my ($out, $err) = ($s->{out}, $s->{err});
	$s->{out} = $s->{err} = '';
	$out =~ s/\Q$banner\E\n\z//;
	$err =~ s/\Q$banner\E\n\z//;
	die "session $s->{name}: query failed: $err\nin: " . substr($sql, 0, 300) . "\n" if $err =~ /ERROR|FATAL|PANIC/;
	chomp $out;
	return $out;
}

sub session_quit
{
	my ($s) = @_;
	$s->{in} .= "\\q\n";
	$s->{h}->finish;
	return;
}

my $warm = session_start('warm');

# every read and command of sections 1-3 goes through the warm session
sub query { return session_query($warm, $_[0]); }

# a new session, with nothing loaded
sub cold_query { return $node->safe_psql('postgres', $_[0]); }

sub timed
{
	my ($what, $code) = @_;
	my $t0 = time;
	my @r = $code->();
	note(sprintf('%s: %.2f s', $what, time - $t0));
	return wantarray ? @r : $r[0];
}

# Compare two lists in full; on failure show the first difference with a
# little context, not 10,000 lines.
sub list_is
{
	my ($got, $expected, $name) = @_;
	my $n = max(scalar @$got, scalar @$expected);
	for my $i (0 .. $n - 1)
	{
		my ($g, $e) = ($got->[$i], $expected->[$i]);
		next if defined $g && defined $e && $g eq $e;
		fail($name);
		diag(sprintf('first difference at position %d: got %s, expected %s (got %d items, expected %d)',
			$i + 1, $g // '(nothing)', $e // '(nothing)', scalar @$got, scalar @$expected));
		my ($lo, $hi) = (max(0, $i - 3), $i + 3);
		diag('  got:      ... ' . join(' ', grep { defined } @{$got}[ $lo .. min($hi, $#$got) ]) . ' ...');
		diag('  expected: ... ' . join(' ', grep { defined } @{$expected}[ $lo .. min($hi, $#$expected) ]) . ' ...');
		return 0;
	}
	pass($name);
	return 1;
}

sub words { return [ grep { $_ ne '' } split / /, $_[0] // '' ]; }

# Register a generated graph with one statement.  The rows are fed in
# registration order (a sorted subquery), and the recorded order (seq) is
# checked against the oracle afterwards.
sub register_graph
{
	my ($g) = @_;
	my $p = $g->{project};
	my @rows;
	for my $i (0 .. nrevs($g) - 1)
	{
		push @rows,
		  sprintf("(%d,'%s','{%s}','{%s}','{%s}')", $i, $g->{ids}[$i],
			join(',', id_of($g, @{ $g->{parents}[$i] })),
			join(',', @{ $g->{labels}[$i] }), join(',', @{ $g->{raw_deps}[$i] }));
	}
	my $sql = qq{
SELECT count(migrate.revision(
		id => v.id,
		up => format(\$f\$INSERT INTO log (project, id, dir) VALUES ('$p', %L, 'up')\$f\$, v.id),
		down => format(\$f\$INSERT INTO log (project, id, dir) VALUES ('$p', %L, 'down')\$f\$, v.id),
		parents => v.parents::text[],
		message => 'message of ' || v.id,
		branch_labels => v.labels::text[],
		depends_on => v.deps::text[],
		project => '$p'))
FROM (SELECT * FROM (VALUES\n} . join(",\n", @rows) . qq{) AS v(ord, id, parents, labels, deps) ORDER BY ord) AS v;};
	my ($ret, $out, $err) = timed("registration of " . nrevs($g) . " revisions in project $p",
		sub { $node->psql('postgres', $sql, on_error_stop => 1, timeout => 600) });
	is($ret, 0, "$p: " . nrevs($g) . ' revisions registered with one statement') or diag($err);
	list_is(words(cold_query("SELECT string_agg(id, ' ' ORDER BY seq) FROM migrate.revisions WHERE project = '$p'")),
		$g->{ids}, "$p: the registration order is recorded");
	return;
}

# plan(target): "id:direction" per step, checking that steps count 1..n
sub plan_of
{
	my ($target, $project, $cold) = @_;
	my $out = timed("plan('$target') in $project" . ($cold ? ' (new session)' : ''), sub { ($cold ? \&cold_query : \&query)->(qq{
SELECT coalesce(string_agg(revision || ':' || direction, ' ' ORDER BY ord), '') || '|' || count(*) FILTER (WHERE step <> ord)
FROM migrate.plan('$target', '$project') WITH ORDINALITY AS p(step, revision, direction, execution, statements, message, ord)}) });
	my ($steps, $bad) = split /\|/, $out;
	is($bad, 0, "plan('$target') in $project: steps are numbered 1..n");
	return words($steps);
}

# Run a command and return what it returned and what the scripts logged,
# both as "id:direction" lists.
sub run_logged
{
	my ($call, $project) = @_;
	my $out = timed("$call in $project", sub { query(qq{
TRUNCATE log;
SELECT coalesce(string_agg(revision || ':' || direction, ' ' ORDER BY ord), '') || '|' || count(*) FILTER (WHERE step <> ord)
FROM migrate.$call WITH ORDINALITY AS s(step, revision, direction, duration, ord);
SELECT coalesce(string_agg(id || ':' || dir, ' ' ORDER BY n), '') FROM log WHERE project = '$project';
SELECT count(*) FROM log WHERE project <> '$project';}) });
	my ($steps, $log, $others) = split /\n/, $out, -1;
	my ($list, $bad) = split /\|/, $steps;
	is($bad, 0, "$call in $project: steps are numbered 1..n");
	is($others, 0, "$call in $project: no script of another project ran");
	return (words($list), words($log));
}

# The common pattern: plan, run, compare plan, result, log and oracle.
sub check_command
{
	my ($g, $cmd, $target, $expected, $applied_after, %opt) = @_;
	my $p = $g->{project};
	my @exp = @$expected;
	my $what = "$cmd('$target')";
	unless ($opt{no_plan})
	{
		list_is(plan_of($target, $p), \@exp, "$p: plan('$target') equals the oracle's $cmd order");
	}
	my ($steps, $log) = run_logged("$cmd('$target', '$p')", $p);
	list_is($steps, \@exp, "$p: $what returns the oracle's order");
	if ($cmd eq 'stamp')
	{
		is(scalar @$log, 0, "$p: $what ran no script");
	}
	else
	{
		list_is($log, \@exp, "$p: $what ran the scripts in that order");
	}
	check_state($g, $applied_after, "after $what");
	return;
}

# migrate.applied and current() against the oracle's applied set
sub check_state
{
	my ($g, $applied, $when) = @_;
	my $p = $g->{project};
	my $out = query(qq{
SELECT coalesce(string_agg(revision, ' ' ORDER BY revision), '') FROM migrate.applied WHERE project = '$p';
SELECT coalesce(string_agg(c, ' ' ORDER BY ord), '') FROM migrate.current('$p') WITH ORDINALITY AS c(c, ord);});
	my ($app, $cur) = split /\n/, $out, -1;
	list_is(words($app), [ sort(id_of($g, grep { $applied->[$_] } 0 .. nrevs($g) - 1)) ],
		"$p: migrate.applied $when");
	list_is(words($cur), [ id_of($g, tips($g, $applied)) ], "$p: current() $when");
	return;
}

sub ups   { my ($g, $order) = @_; return [ map { "$_:up" } id_of($g, @$order) ]; }
sub downs { my ($g, $order) = @_; return [ map { "$_:down" } id_of($g, @$order) ]; }

# status(): every row, in registration order
sub check_status
{
	my ($g, $applied, $when) = @_;
	my $p = $g->{project};
	my $tip = { map { $_ => 1 } tips($g, $applied) };
	my @exp = map {
		join(':', $g->{ids}[$_], $g->{messages}[$_] =~ s/ /_/gr,
			$applied->[$_] ? ('applied', 'at', $me) : ('pending', '-', '-'),
			@{ $g->{children}[$_] } ? 'f' : 't', $tip->{$_} ? 't' : 'f')
	} 0 .. nrevs($g) - 1;
	my $got = timed("status() in $p", sub { query(qq{
SELECT string_agg(concat_ws(':', revision, replace(message, ' ', '_'), state,
		CASE WHEN applied_at IS NULL THEN '-' ELSE 'at' END, coalesce(applied_by::text, '-'),
		is_head, is_current), ' ' ORDER BY ord)
FROM migrate.status('$p') WITH ORDINALITY AS s(revision, message, state, applied_at, applied_by, is_head, is_current, ord)}) });
	list_is(words($got), \@exp, "$p: status() $when, every row and field");
	return;
}

# history(): id, parents, labels, depends_on (normalized, as ids), flags,
# applied, in the oracle's order
sub check_history
{
	my ($g, $applied, $range, @order) = @_;
	my $p = $g->{project};
	my $tip = { map { $_ => 1 } tips($g, $applied) };
	my @exp = map {
		my $i = $_;
		my @flags;
		push @flags, 'base'        if !@{ $g->{parents}[$i] };
		push @flags, 'mergepoint'  if @{ $g->{parents}[$i] } > 1;
		push @flags, 'branchpoint' if @{ $g->{children}[$i] } > 1;
		push @flags, 'head'        if !@{ $g->{children}[$i] };
		push @flags, 'current'     if $tip->{$i};
		join(';', $g->{ids}[$i], join(',', id_of($g, @{ $g->{parents}[$i] })),
			join(',', @{ $g->{labels}[$i] }), join(',', id_of($g, @{ $g->{deps}[$i] })),
			$g->{messages}[$i] =~ s/ /_/gr, join(',', @flags), $applied->[$i] ? 't' : 'f',
			$applied->[$i] ? 'at' : '-')
	} @order;
	my $arg = defined $range ? "'$range'" : 'NULL';
	my $got = timed("history($arg) in $p", sub { query(qq{
SELECT string_agg(concat_ws(';', id, array_to_string(parents, ','), array_to_string(branch_labels, ','),
		array_to_string(depends_on, ','), replace(message, ' ', '_'), array_to_string(flags, ','), applied,
		CASE WHEN applied_at IS NULL THEN '-' ELSE 'at' END), ' ' ORDER BY ord)
FROM migrate.history($arg, '$p') WITH ORDINALITY AS h(id, parents, branch_labels, depends_on, message, flags, applied, applied_at, ord)}) });
	list_is(words($got), \@exp, "$p: history($arg), every row and field");
	return;
}

sub check_heads
{
	my ($g) = @_;
	my $p = $g->{project};
	my $out = query(qq{
SELECT string_agg(h, ' ' ORDER BY ord) FROM migrate.heads('$p') WITH ORDINALITY AS h(h, ord);
SELECT string_agg(h, ' ' ORDER BY ord) FROM migrate.heads('$p', resolve_dependencies => true) WITH ORDINALITY AS h(h, ord);});
	my ($v, $r) = split /\n/, $out, -1;
	list_is(words($v), [ id_of($g, versioned_heads($g)) ], "$p: heads() are the versioned heads in registration order");
	list_is(words($r), [ id_of($g, real_heads($g)) ],
		"$p: heads(resolve_dependencies => true) are the heads nothing depends on");
	return;
}

my $t_start = time;

# ===========================================================================
# 1. chain

my $chain = timed('oracle: chain', \&gen_chain);
my @none = (0) x $N;
register_graph($chain);
check_heads($chain);
{
	my $g = $chain;
	my ($order, $applied) = oracle_upgrade($g, \@none, real_heads($g));
	list_is(plan_of('heads', 'chain'), ups($g, $order), "chain: plan('heads') from empty equals the oracle");
	list_is(plan_of('heads', 'chain', 1), ups($g, $order), '... also in a new session');
	is(query(q{SELECT migrate.is_up_to_date('chain')}), 'f', 'chain: not up to date');

	# up to the middle, then a partial status
	($order, $applied) = oracle_upgrade($g, \@none, ix($g, 'c05000'));
	is(scalar @$order, 5000, 'chain (oracle): c05000 needs 5000 revisions');
	check_command($g, 'upgrade', 'c05000', ups($g, $order), $applied);
	check_status($g, $applied, 'at c05000');

	# relative targets: +5 from the single tip, -3 back down that line
	my $to = walk_up($g, ix($g, 'c05000'), 5);
	($order, $applied) = oracle_upgrade($g, $applied, $to);
	is(join(' ', id_of($g, @$order)), 'c05001 c05002 c05003 c05004 c05005', 'chain (oracle): +5 = c05001..c05005');
	check_command($g, 'upgrade', '+5', ups($g, $order), $applied);
	my ($dest, @path) = walk_down_path($g, ix($g, 'c05005'), 3);
	is($g->{ids}[$dest], 'c05002', 'chain (oracle): -3 from c05005 walks to c05002');
	($order, $applied) = oracle_downgrade($g, $applied, 'path', @path);
	check_command($g, 'downgrade', '-3', downs($g, $order), $applied);

	# the rest, then everything is applied
	($order, $applied) = oracle_upgrade($g, $applied, real_heads($g));
	is(scalar @$order, 4998, 'chain (oracle): 4998 revisions are missing');
	check_command($g, 'upgrade', 'heads', ups($g, $order), $applied);
	is(query(q{SELECT migrate.is_up_to_date('chain')}), 't', 'chain: up to date');
	check_history($g, $applied, undef, oracle_history($g));
	check_history($g, $applied, 'c00100:c00200', oracle_history($g, ix($g, 'c00100'), ix($g, 'c00200')));

	# down to a mid target, then to base
	($order, $applied) = oracle_downgrade($g, $applied, 'revs', ix($g, 'c09990'));
	check_command($g, 'downgrade', 'c09990', downs($g, $order), $applied);
	($order, $applied) = oracle_downgrade($g, $applied, 'base');
	check_command($g, 'downgrade', 'base', downs($g, $order), $applied);
	check_status($g, $applied, 'after downgrade(base)');

	# stamp: up to a revision, back below it, to base, to heads
	my $steps;
	for my $t ('c07000', 'c03000', 'base', 'heads')
	{
		my @targets = $t eq 'base' ? () : $t eq 'heads' ? real_heads($g) : (ix($g, $t));
		($steps, $applied) = oracle_stamp($g, $applied, @targets);
		check_command($g, 'stamp', $t, $steps, $applied, no_plan => 1);
	}
	is(query(q{SELECT count(*) FILTER (WHERE applied_via = 'stamp') FROM migrate.applied WHERE project = 'chain'}),
		$N, 'chain: all applied by stamp');
	$chain->{applied} = $applied;
}

# ===========================================================================
# 2. branchy

my $branchy = timed('oracle: branchy', \&gen_branchy);
{
	my $g = $branchy;
	my @merges = grep { @{ $g->{parents}[$_] } > 1 } 0 .. $N - 1;
	my @heads = versioned_heads($g);
	my @labelled = grep { @{ $g->{labels}[$_] } } 0 .. $N - 1;
	note(sprintf('branchy: %d merge points (%d with 3 parents), %d heads, %d labels',
		scalar @merges, scalar(grep { @{ $g->{parents}[$_] } > 2 } @merges), scalar @heads, scalar @labelled));
	ok(@merges >= 50 && (grep { @{ $g->{parents}[$_] } > 2 } @merges), 'branchy (generator): merges, some of 3 branches');
	ok(@heads >= 5, 'branchy (generator): several heads left open');
	ok((grep { my $l = $_; scalar(grep { is_anc($g, $l, $_) } @merges) } @labelled) > 0,
		'branchy (generator): some labelled branches are merged back');
}
register_graph($branchy);
check_heads($branchy);
{
	my $g = $branchy;
	my @exp = map { "$g->{ids}[$_]:" . join(',', sort(id_of($g, @{ $g->{children}[$_] }))) }
	  grep { @{ $g->{children}[$_] } > 1 } 0 .. $N - 1;
	my $got = query(q{
SELECT string_agg(branch_point || ':' || (SELECT string_agg(c, ',' ORDER BY c) FROM unnest(children) AS c), ' ' ORDER BY branch_point)
FROM migrate.branches('branchy')});
	list_is(words($got), [ sort @exp ], 'branchy: branches() lists every branch point with its children');

	my ($order, $applied) = oracle_upgrade($g, \@none, real_heads($g));
	list_is(plan_of('heads', 'branchy'), ups($g, $order), "branchy: plan('heads') from empty equals the oracle");
	list_is(plan_of('heads', 'branchy', 1), ups($g, $order), '... also in a new session');

	# a label in the middle of component 0: upgrade to the labelled
	# revision (not the branch tip)
	my $l1 = first { @{ $g->{labels}[$_] } && $_ > $N / 2 && !is_anc($g, 150, $_) } 0 .. $N - 1;
	my $label1 = $g->{labels}[$l1][0];
	note("branchy: label $label1 on $g->{ids}[$l1]");
	($order, $applied) = oracle_upgrade($g, \@none, $l1);
	ok(@$order > 100, "branchy (oracle): $label1 needs " . scalar(@$order) . ' revisions');
	check_command($g, 'upgrade', $label1, ups($g, $order), $applied);
	check_status($g, $applied, "at $label1");

	# label@head: a later labelled branch with a single head that is not
	# applied yet
	my $l2 = first {
		my @h = @{ $g->{labels}[$_] } && $_ > 0.6 * $N ? branch_heads($g, $_) : ();
		@h == 1 && !$applied->[ $h[0] ]
	} 0 .. $N - 1;
	my $label2 = $g->{labels}[$l2][0];
	my ($head2) = branch_heads($g, $l2);
	note("branchy: $label2\@head is $g->{ids}[$head2]");
	($order, $applied) = oracle_upgrade($g, $applied, $head2);
	check_command($g, 'upgrade', "$label2\@head", ups($g, $order), $applied);

	($order, $applied) = oracle_upgrade($g, $applied, real_heads($g));
	check_command($g, 'upgrade', 'heads', ups($g, $order), $applied);
	is(query(q{SELECT count(*) FROM migrate.plan('heads', 'chain')}), 0,
		'chain is still up to date for the session that changed branchy');
	check_history($g, $applied, undef, oracle_history($g));

	# side@base: component 1 from its root, and nothing else
	my @roots = branch_roots($g, ix($g, 'side'));
	is(join(' ', id_of($g, @roots)), 'b00151', 'branchy (oracle): the root of side is b00151');
	($order, $applied) = oracle_downgrade($g, $applied, 'below', @roots);
	ok(!grep({ $_ != 150 && !is_anc($g, 150, $_) } @$order), 'branchy (oracle): side@base reverts only component 1');
	my $c1 = first { is_anc($g, 150, $_) && !@{ $g->{labels}[$_] } } reverse 0 .. $N - 1;
	list_is(plan_of("$g->{ids}[$c1]\@base", 'branchy'), downs($g, $order),
		"branchy: plan('$g->{ids}[$c1]\@base'), a revision id standing in for the label, is the same downgrade");
	check_command($g, 'downgrade', 'side@base', downs($g, $order), $applied);

	# down to a branch point in the middle of component 0
	my $bp = first { @{ $g->{children}[$_] } > 1 && $_ > $N / 3 && $applied->[$_] } 0 .. $N - 1;
	($order, $applied) = oracle_downgrade($g, $applied, 'revs', $bp);
	note("branchy: downgrade to branch point $g->{ids}[$bp] reverts " . scalar(@$order));
	check_command($g, 'downgrade', $g->{ids}[$bp], downs($g, $order), $applied);
	check_status($g, $applied, "after downgrade($g->{ids}[$bp])");

	# stamp a labelled revision: it replaces the tips of its lineage
	my ($steps);
	($steps, $applied) = oracle_stamp($g, $applied, $l2);
	check_command($g, 'stamp', $label2, $steps, $applied, no_plan => 1);
	($order, $applied) = oracle_downgrade($g, $applied, 'base');
	check_command($g, 'downgrade', 'base', downs($g, $order), $applied);
}

# ===========================================================================
# 3. deps

my $deps = timed('oracle: deps', \&gen_deps);
{
	my $g = $deps;
	my $s = $g->{stats};
	my @eff = grep { !@{ $g->{children}[$_] } && @{ $g->{dependents}[$_] } } 0 .. $N - 1;
	note(sprintf('deps: %d revisions with depends_on; %d by label, %d duplicates, %d implied by other edges; %d effective heads',
		$s->{deps}, $s->{label}, $s->{dup}, $s->{implied}, scalar @eff));
	ok($s->{deps} > 2000 && $s->{label} > 100 && $s->{dup} > 20 && $s->{implied} > 100,
		'deps (generator): dependencies by id and label, duplicates, dependencies on ancestors');
	ok(@eff >= 3, 'deps (generator): versioned heads that something depends on');
}
register_graph($deps);
check_heads($deps);
{
	my $g = $deps;
	check_history($g, \@none, undef, oracle_history($g));

	my ($order, $applied) = oracle_upgrade($g, \@none, real_heads($g));
	list_is(plan_of('heads', 'deps'), ups($g, $order), "deps: plan('heads') from empty equals the oracle");
	list_is(plan_of('heads', 'deps', 1), ups($g, $order), '... also in a new session');

	# a late revision of service 0 with dependencies: what it pulls in from
	# other services is applied but not current
	my $x = first { @{ $g->{deps}[$_] } >= 2 } reverse(0 .. 0.8 * $N);
	($order, $applied) = oracle_upgrade($g, \@none, $x);
	note("deps: upgrade($g->{ids}[$x]) applies " . scalar(@$order));
	check_command($g, 'upgrade', $g->{ids}[$x], ups($g, $order), $applied);
	check_status($g, $applied, "at $g->{ids}[$x]");

	($order, $applied) = oracle_upgrade($g, $applied, real_heads($g));
	check_command($g, 'upgrade', 'heads', ups($g, $order), $applied);
	is(query(q{SELECT migrate.is_up_to_date('chain')::text || ' ' || (SELECT count(*) FROM migrate.current('branchy'))}),
		'true 0', 'the other projects are unchanged for the session that changed deps');

	# an early revision of service 1 that many revisions depend on
	my ($y) = sort { count_descendants($g, $b) <=> count_descendants($g, $a) || $a <=> $b }
	  grep { @{ $g->{dependents}[$_] } } 8 .. 400;
	($order, $applied) = oracle_downgrade($g, $applied, 'revs', $y);
	note("deps: downgrade($g->{ids}[$y]) reverts " . scalar(@$order));
	check_command($g, 'downgrade', $g->{ids}[$y], downs($g, $order), $applied);
	check_history($g, $applied, undef, oracle_history($g));

	($order, $applied) = oracle_downgrade($g, $applied, 'base');
	check_command($g, 'downgrade', 'base', downs($g, $order), $applied);
}

# ===========================================================================
# 4. The cache: chain is fully applied (by stamp).  Sessions a and c keep
# the state loaded; fresh sessions come from safe_psql.

{
	my $sa = session_start('session_a');
	my $sc = session_start('session_c');
	my $plan_sql = q{SELECT coalesce(string_agg(revision || ':' || direction, ' ' ORDER BY step), '-') FROM migrate.plan('heads', 'chain')};
	my $count_sql = q{SELECT count(*) FROM migrate.status('chain')};
	my $heads_sql = q{SELECT string_agg(h, ' ') FROM migrate.heads('chain') AS h};
	my $reg = sub {
		my ($id, $parent, $message) = @_;
		$message = defined $message ? "'$message'" : 'NULL';
		return qq{SELECT migrate.revision('$id', \$\$INSERT INTO log (project, id, dir) VALUES ('chain', '$id', 'up')\$\$,
			\$\$INSERT INTO log (project, id, dir) VALUES ('chain', '$id', 'down')\$\$, '{$parent}', $message, project => 'chain')};
	};

	is(session_query($sa, $plan_sql), '-', 'cache: session a loads the state: nothing to do');
	is(session_query($sc, $plan_sql), '-', 'cache: session c loads the state: nothing to do');
	is(session_query($sc, $count_sql), $N, "cache: session c sees $N revisions");

	# one more revision after everything is applied
	session_query($sa, $reg->('c10001', 'c10000'));
	is(session_query($sa, $plan_sql), 'c10001:up', 'cache: a new revision: plan in the same session shows exactly it');
	is(session_query($sc, $plan_sql), 'c10001:up', '... and in another session that had the state loaded');
	is(cold_query($plan_sql), 'c10001:up', '... and in a new session');
	is(session_query($sc, $heads_sql), 'c10001', '... heads() in the other session');
	is(session_query($sc, q{SELECT migrate.is_up_to_date('chain')}), 'f', '... is_up_to_date() in the other session');

	# Rolled-back changes.  Each hazard comes twice: first session a reads
	# right after the rollback (it must not see the change), then the same
	# again without that read, and another change reaches the
	# state_version the rolled-back one had: a cache that kept the state
	# built inside the rolled-back transaction under that number would
	# serve it now (the read in between would have replaced it).

	# a registration rolled back
	session_query($sa, 'BEGIN');
	session_query($sa, $reg->('c10002x', 'c10001'));
	is(session_query($sa, $plan_sql), 'c10001:up c10002x:up', 'cache: inside the transaction, the new revision is planned');
	is(session_query($sc, $plan_sql), 'c10001:up', '... other sessions do not see it');
	session_query($sa, 'ROLLBACK');
	is(session_query($sa, $plan_sql), 'c10001:up', 'cache: after ROLLBACK the same session does not plan it');
	is(session_query($sa, $count_sql), $N + 1, '... status() does not list it');
	is(session_query($sa, $heads_sql), 'c10001', '... heads() does not show it');
	session_query($sa, 'BEGIN');
	session_query($sa, $reg->('c10002y', 'c10001'));
	is(session_query($sa, $plan_sql), 'c10001:up c10002y:up', 'cache: registered again in a transaction: planned');
	session_query($sa, 'ROLLBACK');
	session_query($sc, $reg->('c10002', 'c10001'));
	is(session_query($sa, $plan_sql), 'c10001:up c10002:up',
		'cache: rolled back, then another session registered c10002 (same state_version): c10002 is seen, not c10002y');
	is(session_query($sa, $heads_sql), 'c10002', '... heads()');

	# a registration rolled back to a savepoint, then others in the same
	# transaction
	session_query($sa, 'BEGIN');
	session_query($sa, 'SAVEPOINT s');
	session_query($sa, $reg->('c10003x', 'c10002'));
	is(session_query($sa, $plan_sql), 'c10001:up c10002:up c10003x:up', 'cache: registered after a savepoint: planned');
	session_query($sa, 'ROLLBACK TO SAVEPOINT s');
	is(session_query($sa, $plan_sql), 'c10001:up c10002:up', 'cache: rolled back to the savepoint: not planned any more');
	is(session_query($sa, $count_sql), $N + 2, '... not in status()');
	session_query($sa, $reg->('c10003y', 'c10002'));
	is(session_query($sa, $plan_sql), 'c10001:up c10002:up c10003y:up', 'cache: registered again after the savepoint: planned');
	session_query($sa, 'ROLLBACK TO SAVEPOINT s');
	session_query($sa, $reg->('c10003', 'c10002'));
	is(session_query($sa, $plan_sql), 'c10001:up c10002:up c10003:up',
		'cache: rolled back to the savepoint, then another registration (same state_version): c10003 is planned, not c10003y');
	session_query($sa, 'COMMIT');
	is(session_query($sc, $plan_sql), 'c10001:up c10002:up c10003:up', '... seen by the other session after COMMIT');
	is(cold_query($plan_sql), 'c10001:up c10002:up c10003:up', '... and by a new session');

	# the applied set: an upgrade rolled back
	session_query($sa, 'BEGIN');
	session_query($sa, q{SELECT count(*) FROM migrate.upgrade('heads', 'chain')});
	is(session_query($sa, $plan_sql), '-', 'cache: inside the upgrading transaction, nothing is left to do');
	session_query($sa, 'ROLLBACK');
	is(session_query($sa, $plan_sql), 'c10001:up c10002:up c10003:up', 'cache: after ROLLBACK, all three are pending again');
	session_query($sa, 'BEGIN');
	session_query($sa, q{SELECT count(*) FROM migrate.upgrade('heads', 'chain')});
	is(session_query($sa, $plan_sql), '-', 'cache: upgraded again in a transaction: nothing left');
	session_query($sa, 'ROLLBACK');
	session_query($sc, q{SELECT count(*) FROM migrate.upgrade('c10001', 'chain')});
	is(session_query($sa, $plan_sql), 'c10002:up c10003:up',
		'cache: rolled back, then another session applied c10001 (same state_version): exactly that is seen');
	is(session_query($sa, q{SELECT string_agg(c, ' ') FROM migrate.current('chain') AS c}), 'c10001', '... current()');

	# an upgrade rolled back to a savepoint, then another upgrade in the
	# same transaction
	session_query($sa, 'BEGIN');
	session_query($sa, 'SAVEPOINT s');
	session_query($sa, q{SELECT count(*) FROM migrate.upgrade('c10002', 'chain')});
	is(session_query($sa, $plan_sql), 'c10003:up', 'cache: upgraded after a savepoint: one left');
	session_query($sa, 'ROLLBACK TO SAVEPOINT s');
	is(session_query($sa, $plan_sql), 'c10002:up c10003:up', 'cache: rolled back to the savepoint: two left');
	session_query($sa, q{SELECT count(*) FROM migrate.upgrade('c10002', 'chain')});
	is(session_query($sa, $plan_sql), 'c10003:up', 'cache: upgraded again after the savepoint: one left');
	session_query($sa, 'ROLLBACK TO SAVEPOINT s');
	session_query($sa, q{SELECT count(*) FROM migrate.upgrade('c10003', 'chain')});
	is(session_query($sa, $plan_sql), '-',
		'cache: rolled back to the savepoint, then upgraded further (same state_version): nothing left');
	session_query($sa, 'ROLLBACK');
	is(session_query($sa, $plan_sql), 'c10002:up c10003:up', 'cache: all of it rolled back: two left');

	# changes that keep the number of revisions: a new message for an
	# applied revision, and c10003 (not applied) moved onto c10001 and back.
	# With heads c10002 and c10003, neither needing the other, the branch
	# of the last-registered head runs first (section 4).
	session_query($sc, $reg->('c10001', 'c10000', 'renamed'));
	is(session_query($sa, q{SELECT message FROM migrate.status('chain') WHERE revision = 'c10001'}), 'renamed',
		'cache: a message corrected by another session shows in status()');
	session_query($sc, $reg->('c10003', 'c10001'));
	is(session_query($sa, $plan_sql), 'c10003:up c10002:up', 'cache: c10003 re-parented by another session: new order');
	is(session_query($sa, $heads_sql), 'c10002 c10003', '... two heads');
	session_query($sc, $reg->('c10003', 'c10002'));
	is(session_query($sa, $plan_sql), 'c10002:up c10003:up', 'cache: and back: the old order');
	is(session_query($sa, $heads_sql), 'c10003', '... one head');

	my ($steps, $log) = run_logged(q{upgrade('heads', 'chain')}, 'chain');
	list_is($steps, [ 'c10002:up', 'c10003:up' ], 'cache: upgrade(heads) applies the two left');
	list_is($log, [ 'c10002:up', 'c10003:up' ], '... and runs their scripts');
	is(session_query($sa, $plan_sql), '-', 'cache: session a sees nothing to do');
	is(session_query($sc, $plan_sql), '-', 'cache: session c sees nothing to do');
	is(session_query($sc, q{SELECT migrate.is_up_to_date('chain')}), 't', '... is_up_to_date() in session c');
	is(session_query($sa, q{SELECT count(*) FROM migrate.applied WHERE project = 'chain'}), $N + 3,
		"cache: $N + 3 revisions applied");
	session_quit($sa);
	session_quit($sc);
}

# Registration reads only what it needs, also into a new database whose
# tables were empty when the backend first planned its queries (no
# statistics: a lookup by id may then go through the (project, seq) index
# and read the whole project each time, which made a first deploy
# quadratic).  2,000 registrations in one transaction in a new database:
# the revisions' indexes return a few tuples per registration, not a
# project's worth.
{
	$node->safe_psql('postgres', 'CREATE DATABASE scale_fresh');
	$node->safe_psql('scale_fresh', 'CREATE EXTENSION pg_migrate');
	my $read = $node->safe_psql('scale_fresh', q{
		BEGIN;
		SELECT count(migrate.revision('f' || g, 'SELECT 1', 'SELECT 1',
				CASE WHEN g > 1 THEN ARRAY['f' || (g - 1)] ELSE '{}' END))
		  FROM generate_series(1, 2000) AS g;
		SELECT sum(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index
		 WHERE indrelid = 'migrate.revisions'::regclass;
		COMMIT;
	});
	my ($count, $tuples) = split /\n/, $read;
	is($count, 2000, 'fresh database: 2,000 revisions registered in one transaction');
	cmp_ok($tuples, '<', 5 * 2000,
		"fresh database: the revisions' indexes returned $tuples tuples, fewer than 5 per registration");
}

session_quit($warm);
note(sprintf('whole test: %.1f s (this script: %.1f s CPU)', time - $t_start, (times)[0]));
$node->stop;
done_testing();
