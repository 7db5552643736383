# Copyright (c) pg_migrate contributors
#
# test/t/009_scale.pl
#
# Correctness at 10,000 revisions, and on thousands of small random graphs.
# The engine may cache a project's graph and applied set per backend, walk
# and register faster than the plain code does; none of that may change an
# answer.  Every answer here is compared, in full, with an independent
# oracle written in Perl straight from docs/revision-graph.md: section 1
# (lineages through parent edges, versioned and real heads, normalization
# of depends_on), section 2 (tips), section 4 (the ordering walk,
# transcribed line by line, ancestors looked up inside the walked set),
# section 5 (relative targets: +N and -N from the only tip, branch-relative
# <label>@+N and <label>@-N from the highest applied revision of the
# label's lineage, <label>@base+N), section 6 (what upgrade applies; what
# downgrade reverts: the parent-descendants of the target's children,
# restricted to the lineage for a target written with @ or for -N, plus
# transitively whatever depends on a reverted revision; what stamp
# replaces, through parent and dependency edges; history ranges, upwards
# through parent edges only) and section 7 (which commands are refused,
# with which SQLSTATE).  The oracle first checks itself on every example
# the document writes out.
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
# Every up and down script of these appends (project, id, direction) to a
# log table with a serial, so the order in which the engine really ran the
# scripts is read back and compared with what the command returned, what
# plan() said before, and the oracle.
#
# Then a random differential test (part 4): 400 small random graphs (5 to
# 14 revisions, several roots, branch points, merges of 2 or 3, labels,
# depends_on by id and label, now and then an irreversible revision), each
# in its own project, and in each a random sequence of commands, mostly
# branch-relative upgrades and downgrades, downgrades to revisions, to
# <label>@<rev>, <label>@base+N, <label>@head and <label>@base, -N and +N,
# stamps (also <label>@base, heads, purge) and history ranges x: and
# current:.  For every (graph, state, command) triple the rows returned
# (revision and direction, in order), the resulting current() and, before
# an upgrade or a downgrade, plan() must be the oracle's; a refusal must
# have the oracle's SQLSTATE and change nothing.  The seed is printed and
# can be set with the environment variable PGM_ORACLE_SEED.
#
# Reads and commands of all these projects run in one long-lived session,
# so that a per-backend cache is warm and crosses projects; registration
# of the large graphs and a few plans run in new sessions.
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
# descendants, built on demand.  irreversible marks a revision without a
# down script.  Sets of revisions are arrays of booleans indexed like ids;
# a lineage is a hash set.

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
		irreversible => [],
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
	push @{ $g->{irreversible} }, $a{irreversible} ? 1 : 0;
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
#   pending = the start points that are in R, in registration order
#   idx = 0
#   while pending is not empty:
#       cand = pending[idx]
#       if another pending entry has cand among its ancestors (through
#          parents and dependencies, looking inside R): idx = that entry;
#          continue
#       emit cand (once)
#       next = cand's parents, then its dependencies, that are in R and
#              neither emitted nor pending
#       if next is empty: remove cand from pending; idx = max(idx - 1, 0)
#       else: replace cand by next[0] and append the rest of next
#
# "Another pending entry" is taken as the first such entry in list order
# (as in Alembic's loop).  "Looking inside R": x is an ancestor of y when a
# path of parent and dependency edges leads from y down to x through
# members of R only; the sets of an upgrade, a downgrade and a stamp are
# convex (whatever lies between two members is a member), so there it is
# plain ancestry, but a history() range need not be (a revision above its
# lower end only through a dependency is left out).  The ancestors and
# descendants inside R are computed first as bit strings (edges always
# point to earlier registrations); the only liberty taken: before scanning
# pending for such an entry, one string AND of cand's descendant bits with
# the bits of everything pending tells whether any exists at all; the scan
# itself is the text's.  Without it the oracle is too slow on graphs that
# keep hundreds of entries pending.
sub walk
{
	my ($g, $in_r, $start) = @_;
	my @members = grep { $in_r->[$_] } 0 .. nrevs($g) - 1;
	my (@ranc, @rdesc);
	for my $i (@members)
	{
		my $v = '';
		for my $p (@{ $g->{parents}[$i] }, @{ $g->{deps}[$i] })
		{
			next unless $in_r->[$p];
			$v |= $ranc[$p];
			vec($v, $p, 1) = 1;
		}
		$ranc[$i] = $v;
	}
	for my $i (reverse @members)
	{
		my $v = '';
		for my $c (@{ $g->{children}[$i] }, @{ $g->{dependents}[$i] })
		{
			next unless $in_r->[$c];
			$v |= $rdesc[$c];
			vec($v, $c, 1) = 1;
		}
		$rdesc[$i] = $v;
	}
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

		if (($rdesc[$cand] & $pend_bits) =~ /[^\0]/)
		{
			my $moved = 0;
			for my $j (0 .. $#pending)
			{
				next if $j == $idx;
				if (vec($ranc[ $pending[$j] ], $cand, 1))
				{
					$idx = $j;
					$moved = 1;
					last;
				}
			}
			die "oracle: descendant bits and ancestor bits disagree" unless $moved;
			next;
		}
		if (!$emitted{$cand})
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

# A refusal the engine must make: die with the SQLSTATE of section 7 and a
# reason (for failure reports only; messages are never compared).  Errors
# of the oracle itself die with a plain string.
sub refuse
{
	my ($sqlstate, $why) = @_;
	die { sqlstate => $sqlstate, why => $why };
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

# The lineage of a revision (section 1): it, its ancestors and its
# descendants, through parent edges only.  A hash set.
sub lineage
{
	my ($g, $r) = @_;
	return { map { $_ => 1 } parent_closure($g, 0, $r), parent_closure($g, 1, $r) };
}

sub members { my ($lin) = @_; return sort { $a <=> $b } keys %$lin; }

# the bases and the heads of a lineage, in registration order
sub lineage_bases { my ($g, $lin) = @_; return grep { !@{ $g->{parents}[$_] } } members($lin); }
sub lineage_heads { my ($g, $lin) = @_; return grep { !@{ $g->{children}[$_] } } members($lin); }

# "x is on a tip's parent lineage": x is a current tip or a parent-ancestor
# of one (the applied part of a tip's lineage)
sub on_tip_lineage
{
	my ($g, $applied, $x) = @_;
	my %tip = map { $_ => 1 } tips($g, $applied);
	return scalar grep { $tip{$_} } parent_closure($g, 1, $x);
}

# Section 5, "branch-relative targets": the highest applied revisions of a
# lineage, the applied members that no other applied member lies above
# (through parent or dependency edges, anywhere in the graph).
sub highest_applied
{
	my ($g, $applied, $lin) = @_;
	my @m = grep { $applied->[$_] } members($lin);
	return grep {
		my $x = $_;
		!grep { $_ != $x && is_anc($g, $x, $_) } @m
	} @m;
}

# Section 5: walks follow parent edges only.  Walking up from $from (-1:
# below the bases, where the bases are the candidates), each step needs
# exactly one child; with a lineage, only the children (or bases) in it
# count ("at a branch point it takes the child that is in the lineage;
# above the labelled revision every child is in the lineage, so there must
# be exactly one").  None: out of range; several: ambiguous; both 22023.
sub walk_up
{
	my ($g, $from, $n, $lin) = @_;
	for (1 .. $n)
	{
		my @c = $from < 0 ? grep { !@{ $g->{parents}[$_] } } 0 .. nrevs($g) - 1 : @{ $g->{children}[$from] };
		@c = grep { $lin->{$_} } @c if $lin;
		my $at = $from < 0 ? 'below the bases' : $g->{ids}[$from];
		refuse('22023', "walking up from $at: no child") unless @c;
		refuse('22023', "walking up from $at: ambiguous (" . join(',', id_of($g, @c)) . ')') if @c > 1;
		$from = $c[0];
	}
	return $from;
}

# Walking down: a merge point is ambiguous, a base steps to "below the
# bases" (-1), one step more is out of range.
sub walk_down
{
	my ($g, $from, $n) = @_;
	for (1 .. $n)
	{
		refuse('22023', 'walking down from below the bases: out of range') if $from < 0;
		my @p = @{ $g->{parents}[$from] };
		refuse('22023', "walking down from merge point $g->{ids}[$from]: ambiguous") if @p > 1;
		$from = @p ? $p[0] : -1;
	}
	return $from;
}

# downgrade (section 6).  $t is the target revision, -1 for "below the
# bases of $lin" (<label>@base, or a -N walk that ends there), or undef for
# base (everything).  $lin, when given, is the lineage step 1 is
# restricted to (a target written with @, or -N).
#
#   step 1: the applied revisions that have T as a proper ancestor through
#           parent edges, i.e. the applied children of T (in $lin if
#           restricted) and their descendants;
#   step 2: transitively, whatever applied depends on a reverted revision,
#           with its own descendants.
#
# Together: the applied revisions among the seeds (T's children, or the
# bases of the lineage) and their descendants through parent and
# dependency edges (every revision on such a path is applied, the applied
# set being closed, and reverted by step 1 or 2).  Reverted in the order of
# the walk from the current tips.  A target that is not applied is
# refused; with nothing to revert it is a no-op when it lies on a tip's
# parent lineage (the tip itself included), else refused (section 7: "a
# downgrade target applied only through a dependency, on no tip's parent
# lineage, with nothing to revert").  An irreversible revision among the
# reverted ones: 55000.
sub oracle_downgrade
{
	my ($g, $applied, $t, $lin) = @_;
	my $n = nrevs($g);
	my @r;
	if (!defined $t)
	{
		@r = map { $applied->[$_] ? 1 : 0 } 0 .. $n - 1;
	}
	else
	{
		my @seeds;
		if ($t < 0)
		{
			die 'oracle: below the bases of which lineage?' unless $lin;
			@seeds = grep { $applied->[$_] } lineage_bases($g, $lin);
		}
		else
		{
			refuse('22023', "$g->{ids}[$t] is not applied") unless $applied->[$t];
			@seeds = grep { $applied->[$_] && (!$lin || $lin->{$_}) } @{ $g->{children}[$t] };
			refuse('22023', "$g->{ids}[$t] is applied only through a dependency and has nothing to revert")
			  if !@seeds && !on_tip_lineage($g, $applied, $t);
		}
		my $v = '';
		for my $s (@seeds)
		{
			$v |= desc_vec($g, $s);
			vec($v, $s, 1) = 1;
		}
		@r = map { $applied->[$_] && vec($v, $_, 1) ? 1 : 0 } 0 .. $n - 1;
	}
	my @irr = grep { $r[$_] && $g->{irreversible}[$_] } 0 .. $n - 1;
	refuse('55000', 'irreversible: ' . join(',', id_of($g, @irr))) if @irr;
	my @order = walk($g, \@r, [ tips($g, $applied) ]);
	my @new = @$applied;
	$new[$_] = 0 for @order;
	return (\@order, \@new);
}

# stamp (section 6): every current tip that is a target, an ancestor or a
# descendant of one (through parent or dependency edges) goes, the
# targets come (not with remove_only: stamp('<label>@base') removes what
# stamp('<label>') would replace and adds nothing), and the new applied set
# is the closure of what is left.  base => 1 clears, purge => 1 clears
# first (so what stays applied through a purge has no row).  Rows:
# 'unstamp' for what stops being applied in downgrade order
# (the walk from the old tips), then 'stamp' for what starts being applied
# in upgrade order (the reverse walk from the new tips).
sub oracle_stamp
{
	my ($g, $applied, $targets, %opt) = @_;
	my %tip = ($opt{purge} || $opt{base}) ? () : map { $_ => 1 } tips($g, $applied);
	for my $t (@$targets)
	{
		for my $x (keys %tip)
		{
			delete $tip{$x} if $x == $t || is_anc($g, $x, $t) || is_anc($g, $t, $x);
		}
	}
	unless ($opt{remove_only} || $opt{base})
	{
		$tip{$_} = 1 for @$targets;
	}
	my @new = closure($g, keys %tip);
	my @gone = map { $applied->[$_] && !$new[$_] ? 1 : 0 } 0 .. nrevs($g) - 1;
	my @come = map { $new[$_] && !$applied->[$_] ? 1 : 0 } 0 .. nrevs($g) - 1;
	my @unstamp = walk($g, \@gone, [ tips($g, $applied) ]);
	my @stamp = reverse walk($g, \@come, [ tips($g, \@new) ]);
	return ([ (map { "$_:unstamp" } id_of($g, @unstamp)), (map { "$_:stamp" } id_of($g, @stamp)) ],
		\@new);
}

# history (section 6).  Without a range: every revision, walked from the
# real heads.  A range lo:hi: the revisions that hi needs (through parents
# and dependencies; hi undef: the heads, which need everything) that lie
# on or above lo through parent edges only (lo: a list, e.g. the current
# tips; undef: the bases, i.e. no restriction; "current" with nothing
# applied is taken as an empty end, the text being silent); every lo must
# be among what hi needs (22023).  The walk starts from the heads of the
# range, the members that nothing in the range lies above: b for a:b when
# b is in the range, the real heads for the whole graph.  (The text says
# "from the heads down"; starting from the real heads alone would miss a
# member that only something outside the range depends on.)
sub oracle_history
{
	my ($g, $lo, $hi) = @_;
	my $n = nrevs($g);
	return walk($g, [ (1) x $n ], [ real_heads($g) ]) unless defined $lo || defined $hi;
	my @r = defined $hi ? closure($g, @$hi) : (1) x $n;
	if (defined $lo)
	{
		for my $l (@$lo)
		{
			refuse('22023', "$g->{ids}[$l] is not among what the upper end needs") unless $r[$l];
		}
		my %up = map { $_ => 1 } parent_closure($g, 1, @$lo);
		$r[$_] &&= $up{$_} ? 1 : 0 for 0 .. $n - 1;
	}
	my @start = grep {
		$r[$_] && !grep { $r[$_] } @{ $g->{children}[$_] }, @{ $g->{dependents}[$_] }
	} 0 .. $n - 1;
	return walk($g, \@r, \@start);
}

# A target of the forms these tests use, read as section 3 and section 5
# say, into what the command is given: {revs => [...]} (with lin for a
# target written with @ or -N: the lineage a downgrade is restricted to),
# {below => 1, lin => ..., label => r} (below the bases of a lineage), or
# {base => 1}.  Names are exact ids or labels.
sub resolve_target
{
	my ($g, $applied, $cmd, $target) = @_;
	my $name = sub {
		my ($x) = @_;
		my $i = $g->{idx}{$x} // $g->{label_rev}{$x};
		refuse('42704', "unknown $x") unless defined $i;
		return $i;
	};
	return { revs => [ real_heads($g) ] } if $target eq 'heads';
	return { base => 1 } if $target eq 'base';
	if ($target eq 'head')
	{
		my @h = versioned_heads($g);
		refuse('22023', 'several heads') unless @h == 1;
		return { revs => \@h };
	}
	if ($target =~ /^([+-])(\d+)$/)
	{
		my ($sign, $n) = ($1, $2);
		refuse('22023', "$cmd('$target')") if $cmd eq 'upgrade' && $sign eq '-' || $cmd eq 'downgrade' && $sign eq '+';
		my @t = tips($g, $applied);
		refuse('22023', 'several current tips') if @t > 1;
		if ($sign eq '+')
		{
			return { revs => [ walk_up($g, @t ? $t[0] : -1, $n) ] };
		}
		refuse('22023', 'nothing applied to walk down from') unless @t;
		my $lin = lineage($g, $t[0]);
		my $to = walk_down($g, $t[0], $n);
		return $to < 0 ? { below => 1, lin => $lin } : { revs => [$to], lin => $lin };
	}
	if ($target =~ /^(\w+)@(.+)$/)
	{
		my ($label, $rest) = ($1, $2);
		my $r = $name->($label);
		my $lin = lineage($g, $r);
		if ($rest =~ /^([+-])(\d+)$/)
		{
			my ($sign, $n) = ($1, $2);
			my @h = highest_applied($g, $applied, $lin);
			refuse('22023', 'several highest applied revisions: ' . join(',', id_of($g, @h))) if @h > 1;
			if ($sign eq '+')
			{
				return { revs => [ walk_up($g, @h ? $h[0] : -1, $n, $lin) ], lin => $lin };
			}
			refuse('22023', 'nothing of the lineage is applied') unless @h;
			my $to = walk_down($g, $h[0], $n);
			return $to < 0 ? { below => 1, lin => $lin, label => $r } : { revs => [$to], lin => $lin };
		}
		return { revs => [ walk_up($g, -1, $1, $lin) ], lin => $lin } if $rest =~ /^base\+(\d+)$/;
		return { below => 1, lin => $lin, label => $r } if $rest eq 'base';
		return { revs => [ lineage_heads($g, $lin) ], lin => $lin } if $rest eq 'head' || $rest eq 'heads';
		my $t = $name->($rest);
		refuse('22023', "$rest is outside the lineage of $label") unless $lin->{$t};
		return { revs => [$t], lin => $lin };
	}
	return { revs => [ $name->($target) ] };
}

# What a command does, as the engine must answer it: {rows => [...],
# applied => [...]} with rows "id:direction" (history: ids), or
# {err => SQLSTATE, why => ...}.  plan() picks the direction as README.md
# says: -N, <label>@-N, base and <label>@base plan a downgrade, +N and
# <label>@+N an upgrade, any other target an upgrade when one would do
# something, else a downgrade to it.  {undecided => why} for a plan the
# text does not decide.
sub oracle_command
{
	my ($g, $applied, $cmd, $target, %opt) = @_;
	my $res = eval {
		if ($cmd eq 'history')
		{
			my ($lo, $hi) = $target =~ /^([^:]*):([^:]*)$/ or die "oracle: unsupported range $target";
			my $end = sub {
				my ($x) = @_;
				return undef if $x eq '';
				# current: the tips; with nothing applied, taken as an empty end
				if ($x eq 'current')
				{
					my @t = tips($g, $applied);
					return @t ? \@t : undef;
				}
				my $tg = resolve_target($g, $applied, 'history', $x);
				die "oracle: unsupported range end $x" unless $tg->{revs} && @{ $tg->{revs} } == 1;
				return $tg->{revs};
			};
			my @order = oracle_history($g, $end->($lo), $end->($hi));
			return { rows => [ id_of($g, @order) ] };
		}
		my $tg = resolve_target($g, $applied, $cmd eq 'plan' ? ($target =~ /(?:^|@)-\d+$/ ? 'downgrade' : 'upgrade') : $cmd,
			$target);
		my $down = sub {
			my ($order, $new);
			if ($tg->{base}) { ($order, $new) = oracle_downgrade($g, $applied, undef); }
			elsif ($tg->{below}) { ($order, $new) = oracle_downgrade($g, $applied, -1, $tg->{lin}); }
			else
			{
				die "oracle: downgrade to several revisions" if @{ $tg->{revs} } != 1;
				($order, $new) = oracle_downgrade($g, $applied, $tg->{revs}[0], $tg->{lin});
			}
			return { rows => [ map { "$_:down" } id_of($g, @$order) ], applied => $new };
		};
		my $up = sub {
			die "oracle: upgrade to below the bases" unless $tg->{revs};
			my ($order, $new) = oracle_upgrade($g, $applied, @{ $tg->{revs} });
			return { rows => [ map { "$_:up" } id_of($g, @$order) ], applied => $new };
		};
		return $up->() if $cmd eq 'upgrade';
		return $down->() if $cmd eq 'downgrade';
		if ($cmd eq 'plan')
		{
			return $down->() if $target =~ /(?:^|@)-\d+$/ || $target =~ /(?:^|@)base$/;
			return $up->() if $target =~ /^\+\d+$|@\+\d+$/;
			my $u = $up->();
			return $u if @{ $u->{rows} };
			# a downgrade to several revisions (plan('heads') when nothing
			# is left to do) is not described
			return { undecided => 'a downgrade to several revisions' } if $tg->{revs} && @{ $tg->{revs} } > 1;
			return $down->();
		}
		if ($cmd eq 'stamp')
		{
			my ($rows, $new);
			if ($tg->{base}) { ($rows, $new) = oracle_stamp($g, $applied, [], base => 1); }
			elsif ($tg->{below})
			{
				die 'oracle: stamp below the bases of a -N walk' unless defined $tg->{label};
				($rows, $new) = oracle_stamp($g, $applied, [ $tg->{label} ], remove_only => 1, purge => $opt{purge});
			}
			else { ($rows, $new) = oracle_stamp($g, $applied, $tg->{revs}, purge => $opt{purge}); }
			return { rows => $rows, applied => $new };
		}
		die "oracle: unknown command $cmd";
	};
	return $res if $res;
	my $e = $@;
	die $e unless ref $e;
	return { err => $e->{sqlstate}, why => $e->{why} };
}

# For the fixed parts: a command that must succeed, as (rows, new applied
# set).
sub oc
{
	my ($g, $applied, $cmd, $target, %opt) = @_;
	my $res = oracle_command($g, $applied, $cmd, $target, %opt);
	die "oracle: $cmd('$target') is refused ($res->{err}: $res->{why})" if $res->{err};
	return ($res->{rows}, $res->{applied});
}

# history(range) as indexes, for the fixed parts
sub history_of
{
	my ($g, $applied, $range) = @_;
	my ($rows) = oc($g, $applied, 'history', $range);
	return map { ix($g, $_) } @$rows;
}

# ===========================================================================
# The oracle on the examples of docs/revision-graph.md, whose results are
# written out in the text: if these fail, the oracle is wrong, not the
# engine.

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

# "rows -> {tips}" or "error SQLSTATE" for a command on the oracle, from
# the state whose tips are given
sub example
{
	my ($g, $tips, $cmd, $target, %opt) = @_;
	my $res = oracle_command($g, applied_of($g, @$tips), $cmd, $target, %opt);
	return "error $res->{err}" if $res->{err};
	my $rows = join(' ', map { s/:(up|down)$//r } @{ $res->{rows} });
	return $rows if $cmd eq 'history';
	return "$rows -> {" . join(', ', id_of($g, tips($g, $res->{applied}))) . '}';
}

{
	my $fork = small_graph([ 'a', [] ], [ 'b', ['a'] ], [ 'c1', ['b'], ['c1branch'] ],
		[ 'd1', ['c1'] ], [ 'c2', ['b'], ['c2branch'] ], [ 'd2', ['c2'] ]);
	my $diam = small_graph([ 'a', [] ], [ 'b1', ['a'] ], [ 'b2', ['a'] ], [ 'm', [ 'b1', 'b2' ] ]);
	my $forest = small_graph([ 'a1', [] ], [ 'b1', ['a1'] ], [ 'a2', [] ], [ 'b2', ['a2'] ]);
	my $dep = small_graph([ 'l1', [], ['lib'] ], [ 'l2', ['l1'] ], [ 'p1', [], ['app'] ],
		[ 'p2', ['p1'], [], ['l2'] ]);
	my $chain = small_graph([ 'x1', [] ], [ 'x2', ['x1'] ], [ 'x3', ['x2'] ], [ 'y', ['x3'], ['ylab'] ],
		[ 'z', ['x3'] ]);
	my $cross = small_graph([ 'a1', [] ], [ 'b1', ['a1'] ], [ 'c1', ['b1'] ], [ 'd1', ['c1'] ],
		[ 'a2', [] ], [ 'b2', ['a2'] ], [ 'c2', ['b2'], [], ['c1'] ]);
	my $basedep = small_graph([ 'a1', [] ], [ 'b1', [], [], ['a1'] ], [ 'm', [ 'a1', 'b1' ] ]);

	# section 1
	is(example($dep, [], 'upgrade', 'head'), 'error 22023', 'oracle: DEP upgrade(head) fails');
	is(example($dep, [], 'upgrade', 'heads'), 'l1 l2 p1 p2 -> {p2}', 'oracle: DEP upgrade(heads)');
	is(join(' ', id_of($dep, real_heads($dep))), 'p2', 'oracle: DEP real heads');
	is(join(' ', id_of($dep, versioned_heads($dep))), 'l2 p2', 'oracle: DEP versioned heads');
	is(join(' ', id_of($fork, members(lineage($fork, ix($fork, 'c2branch'))))), 'a b c2 d2',
		'oracle: FORK lineage of c2branch');

	# section 2
	is(example($dep, [], 'upgrade', 'p2'), 'l1 l2 p1 p2 -> {p2}', 'oracle: DEP upgrade(p2)');
	is(example($diam, ['b1'], 'upgrade', 'm'), 'b2 m -> {m}', 'oracle: DIAM {b1} + upgrade(m)');
	is(example($diam, ['m'], 'downgrade', 'b1'), 'm -> {b1, b2}', 'oracle: DIAM {m} + downgrade(b1)');
	is(example($fork, ['c1'], 'upgrade', 'd2'), 'c2 d2 -> {c1, d2}', 'oracle: FORK {c1} + upgrade(d2)');

	# section 4
	is(example($fork, [], 'upgrade', 'heads'), 'a b c2 d2 c1 d1 -> {d1, d2}', 'oracle: FORK upgrade(heads) from empty');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'base'), 'd1 c1 d2 c2 b a -> {}',
		'oracle: FORK downgrade(base) from {d1, d2}');
	is(example($forest, [], 'upgrade', 'heads'), 'a2 b2 a1 b1 -> {b1, b2}', 'oracle: FOREST upgrade(heads)');
	is(example($diam, [], 'upgrade', 'm'), 'a b2 b1 m -> {m}', 'oracle: DIAM upgrade(m)');
	is(example($fork, ['c1'], 'upgrade', 'heads'), 'c2 d2 d1 -> {d1, d2}', 'oracle: FORK {c1} + upgrade(heads)');

	# section 5
	is(example($diam, ['b1'], 'upgrade', '+1'), 'b2 m -> {m}', 'oracle: DIAM {b1} + upgrade(+1)');
	is(example($fork, [ 'd1', 'd2' ], 'upgrade', '+1'), 'error 22023', 'oracle: FORK {d1, d2} + upgrade(+1): several tips');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', '-1'), 'error 22023', 'oracle: FORK {d1, d2} + downgrade(-1): several tips');
	is(example($fork, ['d1'], 'upgrade', '-1'), 'error 22023', 'oracle: upgrade(-1) is refused');
	is(example($fork, ['d1'], 'downgrade', '+1'), 'error 22023', 'oracle: downgrade(+1) is refused');
	is(example($forest, [], 'upgrade', '+1'), 'error 22023', 'oracle: FOREST upgrade(+1): two bases');
	is(example($dep, ['p2'], 'downgrade', '-1'), 'p2 -> {l2, p1}', 'oracle: DEP {p2} + downgrade(-1): only the walked lineage');
	is(example($fork, [], 'upgrade', 'c2branch@+1'), 'a -> {a}', 'oracle: FORK upgrade(c2branch@+1) from nothing');
	is(example($fork, ['c1'], 'upgrade', 'c2branch@+1'), 'c2 -> {c1, c2}', 'oracle: FORK {c1} + upgrade(c2branch@+1)');
	is(example($chain, ['x2'], 'upgrade', 'ylab@+1'), 'x3 -> {x3}', 'oracle: CHAIN {x2} + upgrade(ylab@+1)');
	is(example($dep, ['p2'], 'downgrade', 'lib@-1'), 'p2 l2 -> {l1, p1}', 'oracle: DEP {p2} + downgrade(lib@-1)');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'c2branch@-2'), 'd2 c2 -> {d1}',
		'oracle: FORK {d1, d2} + downgrade(c2branch@-2)');

	# section 6, downgrade
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'b'), 'd1 c1 d2 c2 -> {b}', 'oracle: FORK {d1, d2} + downgrade(b)');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'c1'), 'd1 -> {c1, d2}', 'oracle: FORK {d1, d2} + downgrade(c1)');
	is(example($cross, [ 'c2', 'd1' ], 'downgrade', 'c1'), 'd1 -> {c2}',
		'oracle: CROSS {c2, d1} + downgrade(c1): c2 depends on c1 itself and stays');
	is(example($basedep, ['m'], 'downgrade', 'a1'), 'm -> {b1}', 'oracle: BASEDEP {m} + downgrade(a1)');
	is(example($dep, ['p2'], 'downgrade', 'l1'), 'p2 l2 -> {l1, p1}', 'oracle: DEP {p2} + downgrade(l1)');
	is(example($fork, ['c1'], 'downgrade', 'd1'), 'error 22023', 'oracle: a target that is not applied is refused');
	is(example($fork, ['c1'], 'downgrade', 'c1'), ' -> {c1}', 'oracle: a current tip with nothing to revert: no-op');
	is(example($basedep, ['b1'], 'downgrade', 'a1'), 'error 22023',
		'oracle: BASEDEP {b1} + downgrade(a1): applied only through a dependency');
	is(example($basedep, ['m'], 'downgrade', 'base'), 'm b1 a1 -> {}', 'oracle: BASEDEP {m} + downgrade(base)');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'c2branch@base+2'), 'd2 c2 -> {d1}',
		'oracle: FORK {d1, d2} + downgrade(c2branch@base+2)');
	is(example($fork, ['d1'], 'downgrade', 'c2branch@base'), 'd1 c1 b a -> {}', 'oracle: FORK {d1} + downgrade(c2branch@base)');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'c2branch@b'), 'd2 c2 -> {d1}',
		'oracle: FORK {d1, d2} + downgrade(c2branch@b): a single branch');
	is(example($fork, [ 'd1', 'd2' ], 'downgrade', 'c2branch@c1'), 'error 22023',
		'oracle: a revision outside the named lineage is refused');
	is(join(' ', id_of($fork, lineage_heads($fork, lineage($fork, ix($fork, 'c1branch'))))), 'd1',
		'oracle: FORK c1branch@head');

	# section 6, stamp
	is(example($forest, [ 'b1', 'b2' ], 'stamp', 'a1'), 'b1:unstamp -> {a1, b2}', 'oracle: FOREST {b1, b2} + stamp(a1)');
	is(example($diam, ['m'], 'stamp', 'b2'), 'm:unstamp b1:unstamp -> {b2}', 'oracle: DIAM {m} + stamp(b2)');
	is(example($basedep, ['b1'], 'stamp', 'a1'), 'b1:unstamp -> {a1}', 'oracle: BASEDEP {b1} + stamp(a1)');
	is(example($cross, [ 'd1', 'c2' ], 'stamp', 'b1'), 'd1:unstamp c2:unstamp b2:unstamp a2:unstamp c1:unstamp -> {b1}',
		'oracle: CROSS {d1, c2} + stamp(b1)');
	is(example($fork, [ 'c1', 'd2' ], 'stamp', 'heads'), 'd1:stamp -> {d1, d2}', 'oracle: FORK {c1, d2} + stamp(heads)');
	is(example($fork, ['d1'], 'stamp', 'c2'), 'c2:stamp -> {d1, c2}', 'oracle: FORK {d1} + stamp(c2)');
	is(example($fork, [ 'd1', 'd2' ], 'stamp', 'base'), 'd1:unstamp c1:unstamp d2:unstamp c2:unstamp b:unstamp a:unstamp -> {}',
		'oracle: FORK {d1, d2} + stamp(base)');
	is(example($fork, [ 'd1', 'd2' ], 'stamp', 'c1branch@base'), 'd1:unstamp c1:unstamp -> {d2}',
		'oracle: FORK {d1, d2} + stamp(c1branch@base)');
	is(example($forest, [ 'b1', 'b2' ], 'stamp', 'b1@base'), 'b1:unstamp a1:unstamp -> {b2}',
		'oracle: FOREST {b1, b2} + stamp(b1@base)');
	is(example($fork, ['d1'], 'stamp', 'c2', purge => 1), 'd1:unstamp c1:unstamp c2:stamp -> {c2}',
		'oracle: FORK {d1} + stamp(c2, purge => true)');

	# section 6, history
	is(example($cross, [], 'history', 'c1:'), 'd1 c1', 'oracle: CROSS history(c1:)');
	is(example($fork, ['c1'], 'history', 'current:'), 'd1 c1', 'oracle: FORK {c1} history(current:)');
	is(example($fork, ['c1'], 'history', ':current'), 'c1 b a', 'oracle: FORK {c1} history(:current)');
	is(example($fork, [], 'history', 'b:d1'), 'd1 c1 b', 'oracle: FORK history(b:d1)');
	is(example($fork, [], 'history', 'c1:d2'), 'error 22023', 'oracle: FORK history(c1:d2): c1 is not among what d2 needs');
	is(example($cross, [], 'history', 'c1:c2'), 'c1', 'oracle: CROSS history(c1:c2): c2 needs c1, not through parents');
	is(join(' ', id_of($fork, oracle_history($fork))), 'd1 c1 d2 c2 b a', 'oracle: FORK history()');

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

# Small random graphs for the differential test (part 4): 5 to 14
# revisions r1, r2, ... with several roots, branch points, merges of 2 or 3
# revisions none of which is a parent-ancestor of another, a branch label
# lbN on about a third of the revisions, and depends_on on about a third
# (ids or labels; now and then a duplicate or a parent, which the
# normalization drops, and dependencies on ancestors).  One graph in ten
# has an irreversible revision (no down script).
sub gen_random_graph
{
	my ($project) = @_;
	my $g = new_graph($project);
	my $n = 5 + rnd(10);
	my $irreversible = rnd(10) == 0 ? rnd($n) : -1;
	my @desc;
	for my $k (0 .. $n - 1)
	{
		my @par;
		my $roll = rnd(100);
		if ($k == 0 || $roll < 12)
		{
			# a root
		}
		elsif ($roll < 32 && $k >= 2)
		{
			my $want = rnd(4) == 0 ? 3 : 2;
			my @cand = 0 .. $k - 1;
			while (@cand && @par < $want)
			{
				my $c = splice(@cand, rnd(scalar @cand), 1);
				my %anc = map { $_ => 1 } parent_closure($g, 0, $c);
				next if grep {
					my $p = $_;
					$anc{$p} || grep { $_ == $c } parent_closure($g, 0, $p)
				} @par;
				push @par, $c;
			}
			@par = ($par[0]) if @par < 2;
		}
		else
		{
			my @heads = grep { !@{ $g->{children}[$_] } } 0 .. $k - 1;
			@par = rnd(3) ? ($heads[ rnd(scalar @heads) ]) : (rnd($k));
		}
		my @labels = rnd(3) == 0 ? ('lb' . ($k + 1)) : ();
		my @deps;
		if ($k >= 1 && rnd(3) == 0)
		{
			for (1 .. 1 + rnd(2))
			{
				my $d = rnd($k);
				push @deps, @{ $g->{labels}[$d] } && rnd(2) ? $g->{labels}[$d][0] : $g->{ids}[$d];
			}
			push @deps, $deps[0] if rnd(6) == 0;
			push @deps, $g->{ids}[ $par[0] ] if @par && rnd(6) == 0;
		}
		add_rev($g, 'r' . ($k + 1), parents => [ id_of($g, @par) ], labels => \@labels, deps => \@deps,
			irreversible => $k == $irreversible);
	}
	return $g;
}

# a graph as its registration list, for failure reports:
# id(parents)[labels]{depends_on}, "!" when irreversible
sub describe_graph
{
	my ($g) = @_;
	return join('; ', map {
		my $i = $_;
		$g->{ids}[$i]
		  . (@{ $g->{parents}[$i] } ? '(' . join(',', id_of($g, @{ $g->{parents}[$i] })) . ')' : '')
		  . (@{ $g->{labels}[$i] } ? '[' . join(',', @{ $g->{labels}[$i] }) . ']' : '')
		  . (@{ $g->{raw_deps}[$i] } ? '{' . join(',', @{ $g->{raw_deps}[$i] }) . '}' : '')
		  . ($g->{irreversible}[$i] ? '!' : '')
	} 0 .. nrevs($g) - 1);
}

# A random command for a graph in a state, mostly in the areas of
# sections 5 and 6: (command, target, purge).  A label is now and then
# written as a revision id standing in for it.
sub gen_random_command
{
	my ($g, $applied) = @_;
	my $n = nrevs($g);
	my @labels = sort { $g->{label_rev}{$a} <=> $g->{label_rev}{$b} } keys %{ $g->{label_rev} };
	my @app = grep { $applied->[$_] } 0 .. $n - 1;
	my $rev = sub { return $g->{ids}[ rnd($n) ] };
	my $arev = sub { return @app && rnd(4) ? $g->{ids}[ $app[ rnd(scalar @app) ] ] : $rev->() };
	my $lab = sub { return @labels && rnd(10) < 7 ? $labels[ rnd(scalar @labels) ] : $rev->() };
	my $cnt = sub { return (1, 1, 1, 2, 2, 3)[ rnd(6) ] };
	my @menu = (
		[ 12, sub { ('upgrade', $lab->() . '@+' . $cnt->()) } ],
		[ 12, sub { ('downgrade', $lab->() . '@-' . $cnt->()) } ],
		[ 9,  sub { ('downgrade', $arev->()) } ],
		[ 5, sub {
			my @d = grep { $applied->[$_] && @{ $g->{dependents}[$_] } } 0 .. $n - 1;
			@d ? ('downgrade', $g->{ids}[ $d[ rnd(scalar @d) ] ]) : ();
		} ],
		[ 8, sub {
			my $l = $lab->();
			my @m = members(lineage($g, ix($g, $l)));
			('downgrade', "$l\@" . (rnd(7) ? $g->{ids}[ $m[ rnd(scalar @m) ] ] : $arev->()));
		} ],
		[ 5, sub { ('downgrade', $lab->() . '@base+' . $cnt->()) } ],
		[ 3, sub {
			my $l = $lab->();
			lineage_heads($g, lineage($g, ix($g, $l))) == 1 ? ('downgrade', "$l\@head") : ();
		} ],
		[ 5,  sub { ('downgrade', $lab->() . '@base') } ],
		[ 4,  sub { ('downgrade', '-' . $cnt->()) } ],
		[ 4,  sub { ('upgrade', '+' . $cnt->()) } ],
		[ 6,  sub { ('stamp', $rev->()) } ],
		[ 4,  sub { ('stamp', $lab->() . '@base') } ],
		[ 2,  sub { ('stamp', 'heads') } ],
		[ 4,  sub { ('history', (rnd(5) ? $rev->() : $lab->()) . ':') } ],
		[ 3,  sub { ('history', 'current:') } ],
		[ 14, sub { ('upgrade', $rev->()) } ],
		[ 3,  sub { ('stamp', $rev->(), 1) } ],
		[ 1,  sub { ('upgrade', 'heads') } ],
		[ 1,  sub { ('downgrade', 'base') } ],
		[ 2,  sub { @labels ? ('downgrade', $labels[ rnd(scalar @labels) ]) : () } ],
	);
	my $total = 0;
	$total += $_->[0] for @menu;
	while (1)
	{
		my $roll = rnd($total);
		for my $m (@menu)
		{
			if ($roll < $m->[0])
			{
				my @c = $m->[1]->();
				return ($c[0], $c[1], $c[2] ? 1 : 0) if @c;
				last;
			}
			$roll -= $m->[0];
		}
	}
}

# The oracle's answer to a command, as the engine's will be printed (see
# pgm_try below): "ok rows" or "error SQLSTATE"
sub answer_text
{
	my ($res) = @_;
	return "error $res->{err}" if $res->{err};
	return 'ok ' . join(' ', @{ $res->{rows} });
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
FROM migrate.plan('$target', '$project') WITH ORDINALITY AS p(step, revision, direction, execution, statements, message, findings, ord)}) });
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
	my $rows;
	($rows, $applied) = oc($g, \@none, 'upgrade', 'c05000');
	is(scalar @$rows, 5000, 'chain (oracle): c05000 needs 5000 revisions');
	check_command($g, 'upgrade', 'c05000', $rows, $applied);
	check_status($g, $applied, 'at c05000');

	# relative targets: +5 from the single tip, -3 back down that line
	($rows, $applied) = oc($g, $applied, 'upgrade', '+5');
	is("@$rows", 'c05001:up c05002:up c05003:up c05004:up c05005:up', 'chain (oracle): +5 = c05001..c05005');
	check_command($g, 'upgrade', '+5', $rows, $applied);
	my $dest = resolve_target($g, $applied, 'downgrade', '-3');
	is($g->{ids}[ $dest->{revs}[0] ], 'c05002', 'chain (oracle): -3 from c05005 walks to c05002');
	($rows, $applied) = oc($g, $applied, 'downgrade', '-3');
	check_command($g, 'downgrade', '-3', $rows, $applied);

	# the rest, then everything is applied
	($rows, $applied) = oc($g, $applied, 'upgrade', 'heads');
	is(scalar @$rows, 4998, 'chain (oracle): 4998 revisions are missing');
	check_command($g, 'upgrade', 'heads', $rows, $applied);
	is(query(q{SELECT migrate.is_up_to_date('chain')}), 't', 'chain: up to date');
	check_history($g, $applied, undef, oracle_history($g));
	check_history($g, $applied, 'c00100:c00200', history_of($g, $applied, 'c00100:c00200'));
	check_history($g, $applied, 'c09990:', history_of($g, $applied, 'c09990:'));

	# down to a mid target, then to base
	($rows, $applied) = oc($g, $applied, 'downgrade', 'c09990');
	check_command($g, 'downgrade', 'c09990', $rows, $applied);
	check_history($g, $applied, 'current:', history_of($g, $applied, 'current:'));
	($rows, $applied) = oc($g, $applied, 'downgrade', 'base');
	check_command($g, 'downgrade', 'base', $rows, $applied);
	check_status($g, $applied, 'after downgrade(base)');

	# stamp: up to a revision, back below it, to base, to heads
	for my $t ('c07000', 'c03000', 'base', 'heads')
	{
		($rows, $applied) = oc($g, $applied, 'stamp', $t);
		check_command($g, 'stamp', $t, $rows, $applied, no_plan => 1);
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
	($order, $applied) = oc($g, \@none, 'upgrade', $label1);
	ok(@$order > 100, "branchy (oracle): $label1 needs " . scalar(@$order) . ' revisions');
	check_command($g, 'upgrade', $label1, $order, $applied);
	check_status($g, $applied, "at $label1");

	# label@head: a later labelled branch with a single head that is not
	# applied yet (the heads of a lineage are the heads among the labelled
	# revision's descendants)
	my $heads_above = sub { my ($r) = @_; return grep { !@{ $g->{children}[$_] } } parent_closure($g, 1, $r); };
	my $l2 = first {
		my @h = @{ $g->{labels}[$_] } && $_ > 0.6 * $N ? $heads_above->($_) : ();
		@h == 1 && !$applied->[ $h[0] ]
	} 0 .. $N - 1;
	my $label2 = $g->{labels}[$l2][0];
	my ($head2) = $heads_above->($l2);
	note("branchy: $label2\@head is $g->{ids}[$head2]");
	my $rows;
	($rows, $applied) = oc($g, $applied, 'upgrade', "$label2\@head");
	check_command($g, 'upgrade', "$label2\@head", $rows, $applied);

	($rows, $applied) = oc($g, $applied, 'upgrade', 'heads');
	check_command($g, 'upgrade', 'heads', $rows, $applied);
	is(query(q{SELECT count(*) FROM migrate.plan('heads', 'chain')}), 0,
		'chain is still up to date for the session that changed branchy');
	check_history($g, $applied, undef, oracle_history($g));

	# side@base: component 1 from its root, and nothing else
	my @roots = lineage_bases($g, lineage($g, ix($g, 'side')));
	is(join(' ', id_of($g, @roots)), 'b00151', 'branchy (oracle): the root of side is b00151');
	($rows, $applied) = oc($g, $applied, 'downgrade', 'side@base');
	ok(!grep({ my $i = ix($g, s/:down$//r); $i != 150 && !is_anc($g, 150, $i) } @$rows),
		'branchy (oracle): side@base reverts only component 1');
	my $c1 = first { is_anc($g, 150, $_) && !@{ $g->{labels}[$_] } } reverse 0 .. $N - 1;
	list_is(plan_of("$g->{ids}[$c1]\@base", 'branchy'), $rows,
		"branchy: plan('$g->{ids}[$c1]\@base'), a revision id standing in for the label, is the same downgrade");
	check_command($g, 'downgrade', 'side@base', $rows, $applied);

	# a labelled branch alone, down to its branch point: <label>@<branch
	# point> reverts that branch and leaves the others of the branch point
	my $lb = first {
		my $r = $_;
		my $bp = $g->{parents}[$r][0];
		@{ $g->{labels}[$r] } && @{ $g->{parents}[$r] } == 1 && $applied->[$r] && $r > $N / 3
		  && grep({ $_ != $r && $applied->[$_] } @{ $g->{children}[$bp] })
	} 0 .. $N - 1;
	my $lbt = "$g->{labels}[$lb][0]\@$g->{ids}[ $g->{parents}[$lb][0] ]";
	my $applied_before = $applied;
	($rows, $applied) = oc($g, $applied, 'downgrade', $lbt);
	my ($plain) = oc($g, $applied_before, 'downgrade', $g->{ids}[ $g->{parents}[$lb][0] ]);
	note(sprintf('branchy: downgrade(%s) reverts %d, the plain downgrade to the branch point would revert %d',
		$lbt, scalar @$rows, scalar @$plain));
	cmp_ok(scalar @$rows, '<', scalar @$plain, "branchy (oracle): $lbt reverts less than the plain downgrade");
	check_command($g, 'downgrade', $lbt, $rows, $applied);

	# down to a branch point in the middle of component 0
	my $bp = first { @{ $g->{children}[$_] } > 1 && $_ > $N / 3 && $applied->[$_] } 0 .. $N - 1;
	($rows, $applied) = oc($g, $applied, 'downgrade', $g->{ids}[$bp]);
	note("branchy: downgrade to branch point $g->{ids}[$bp] reverts " . scalar(@$rows));
	check_command($g, 'downgrade', $g->{ids}[$bp], $rows, $applied);
	check_status($g, $applied, "after downgrade($g->{ids}[$bp])");

	# stamp a labelled revision: it replaces the tips it is related to
	($rows, $applied) = oc($g, $applied, 'stamp', $label2);
	check_command($g, 'stamp', $label2, $rows, $applied, no_plan => 1);
	($rows, $applied) = oc($g, $applied, 'downgrade', 'base');
	check_command($g, 'downgrade', 'base', $rows, $applied);
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
	my $rows;
	($rows, $applied) = oc($g, \@none, 'upgrade', $g->{ids}[$x]);
	note("deps: upgrade($g->{ids}[$x]) applies " . scalar(@$rows));
	check_command($g, 'upgrade', $g->{ids}[$x], $rows, $applied);
	check_status($g, $applied, "at $g->{ids}[$x]");

	($rows, $applied) = oc($g, $applied, 'upgrade', 'heads');
	check_command($g, 'upgrade', 'heads', $rows, $applied);
	is(query(q{SELECT migrate.is_up_to_date('chain')::text || ' ' || (SELECT count(*) FROM migrate.current('branchy'))}),
		'true 0', 'the other projects are unchanged for the session that changed deps');

	# an early revision of service 1 that many revisions depend on, one of
	# them directly and not through its children: section 6 reverts what
	# lies above its children and what depends on that, and keeps what
	# depends on the target itself
	my $stays = sub {
		my ($y) = @_;
		my $v = '';
		for my $c (@{ $g->{children}[$y] })
		{
			$v |= desc_vec($g, $c);
			vec($v, $c, 1) = 1;
		}
		return grep { !vec($v, $_, 1) } @{ $g->{dependents}[$y] };
	};
	my ($y) = grep { $stays->($_) }
	  sort { count_descendants($g, $b) <=> count_descendants($g, $a) || $a <=> $b }
	  grep { @{ $g->{dependents}[$_] } } 8 .. 400;
	($rows, $applied) = oc($g, $applied, 'downgrade', $g->{ids}[$y]);
	my @kept = $stays->($y);
	note(sprintf('deps: downgrade(%s) reverts %d of its %d descendants; %d revisions that depend on it directly stay',
		$g->{ids}[$y], scalar @$rows, count_descendants($g, $y), scalar @kept));
	ok(@kept && !grep({ !$applied->[$_] } @kept), "deps (oracle): what depends on $g->{ids}[$y] itself stays applied");
	check_command($g, 'downgrade', $g->{ids}[$y], $rows, $applied);
	check_history($g, $applied, undef, oracle_history($g));
	check_history($g, $applied, "$g->{ids}[$y]:", history_of($g, $applied, "$g->{ids}[$y]:"));

	# a labelled branch of a service, down to its branch point: only that
	# branch goes, with what depends on it
	($rows, $applied) = oc($g, $applied, 'upgrade', 'heads');
	check_command($g, 'upgrade', 'heads', $rows, $applied, no_plan => 1);
	my $lb = first {
		my $r = $_;
		my $bp = $g->{parents}[$r][0];
		@{ $g->{labels}[$r] } && $g->{labels}[$r][0] =~ /^branch/ && @{ $g->{parents}[$r] } == 1
		  && count_descendants($g, $r) > 50 && grep({ $_ != $r } @{ $g->{children}[$bp] })
	} int(0.6 * $N) .. $N - 1;
	my $lbt = "$g->{labels}[$lb][0]\@$g->{ids}[ $g->{parents}[$lb][0] ]";
	($rows, $applied) = oc($g, $applied, 'downgrade', $lbt);
	note(sprintf('deps: downgrade(%s) reverts %d', $lbt, scalar @$rows));
	check_command($g, 'downgrade', $lbt, $rows, $applied);

	# stamp a revision with descendants through dependencies: the tips
	# above it through either kind of edge go
	my $z = first { @{ $g->{dependents}[$_] } && $applied->[$_] } reverse 0 .. $N / 2;
	($rows, $applied) = oc($g, $applied, 'stamp', $g->{ids}[$z]);
	note(sprintf('deps: stamp(%s) unstamps %d', $g->{ids}[$z], scalar @$rows));
	check_command($g, 'stamp', $g->{ids}[$z], $rows, $applied, no_plan => 1);

	($rows, $applied) = oc($g, $applied, 'downgrade', 'base');
	check_command($g, 'downgrade', 'base', $rows, $applied);
}

# ===========================================================================
# 4. Random small graphs against the oracle
#
# Many small random graphs (gen_random_graph), each registered with one
# statement in its own project, and in each a random sequence of commands
# (gen_random_command) run in the warm session: (graph, state, command)
# triples.  For each triple the engine must agree with the oracle: for a
# successful command the rows (revision, direction) in order and the
# resulting current(); for history() the rows in order; for a refusal the
# SQLSTATE (never the message), with current() unchanged.  Before an
# upgrade or downgrade, plan() of the same target is compared too (plan()
# picks its direction itself, see oracle_command).  Not compared: plan()
# when the downgrade would be refused as irreversible (whether plan()
# refuses too is not written down), and plan('heads') when nothing is left
# to do (a downgrade to several revisions is not described).  The rows of
# stamp(..., purge => true) are, as README.md describes stamp's rows:
# 'unstamp' for what stops being applied, then 'stamp' for what starts.
#
# The seed is printed; PGM_ORACLE_SEED=<n> reproduces a run, and
# PGM_ORACLE_SHOW=<n> shows n disagreements instead of 5.  A triple
# counts once the engine was in the oracle's state before it; after the
# first state that differs, the rest of that graph's sequence is not
# compared.

my $n_graphs   = 400;
my $n_commands = 15;
my $seed = $ENV{PGM_ORACLE_SEED} // 20240611;
die "PGM_ORACLE_SEED must be a number" unless $seed =~ /^\d+$/;
my $n_show = $ENV{PGM_ORACLE_SHOW} // 5;    # disagreements shown
note("random graphs: seed $seed (set PGM_ORACLE_SEED to change it)");

query(q{
CREATE FUNCTION pgm_try(p_cmd text, p_target text, p_project text, p_purge boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	IF p_cmd = 'current' THEN
		SELECT coalesce(string_agg(c.c, ' ' ORDER BY c.ord), '') INTO r
		  FROM migrate.current(p_project) WITH ORDINALITY AS c(c, ord);
		RETURN r;
	ELSIF p_cmd = 'history' THEN
		SELECT coalesce(string_agg(h.id, ' ' ORDER BY h.ord), '') INTO r
		  FROM migrate.history(p_target, p_project)
			   WITH ORDINALITY AS h(id, parents, branch_labels, depends_on, message, flags, applied, applied_at, ord);
		RETURN 'ok ' || r;
	ELSIF p_cmd = 'plan' THEN
		SELECT coalesce(string_agg(s.revision || ':' || s.direction, ' ' ORDER BY s.ord), '')
			   || '|' || count(*) FILTER (WHERE s.step <> s.ord) INTO r
		  FROM migrate.plan(p_target, p_project)
			   WITH ORDINALITY AS s(step, revision, direction, execution, statements, message, findings, ord);
	ELSIF p_cmd = 'upgrade' THEN
		SELECT coalesce(string_agg(s.revision || ':' || s.direction, ' ' ORDER BY s.ord), '')
			   || '|' || count(*) FILTER (WHERE s.step <> s.ord) INTO r
		  FROM migrate.upgrade(p_target, p_project) WITH ORDINALITY AS s(step, revision, direction, duration, ord);
	ELSIF p_cmd = 'downgrade' THEN
		SELECT coalesce(string_agg(s.revision || ':' || s.direction, ' ' ORDER BY s.ord), '')
			   || '|' || count(*) FILTER (WHERE s.step <> s.ord) INTO r
		  FROM migrate.downgrade(p_target, p_project) WITH ORDINALITY AS s(step, revision, direction, duration, ord);
	ELSIF p_cmd = 'stamp' THEN
		SELECT coalesce(string_agg(s.revision || ':' || s.direction, ' ' ORDER BY s.ord), '')
			   || '|' || count(*) FILTER (WHERE s.step <> s.ord) INTO r
		  FROM migrate.stamp(p_target, p_project, p_purge) WITH ORDINALITY AS s(step, revision, direction, duration, ord);
	ELSE
		RAISE EXCEPTION 'pgm_try: unknown command %', p_cmd;
	END IF;
	-- steps must count 1..n
	IF r NOT LIKE '%|0' THEN
		RETURN 'badsteps ' || r;
	END IF;
	RETURN 'ok ' || left(r, -2);
EXCEPTION WHEN OTHERS THEN
	RETURN 'error ' || SQLSTATE || ' ' || replace(SQLERRM, E'\n', ' ');
END
$$});

{
	$rng = $seed;
	my (@disagree, %kinds, %tally);
	my ($n_triples, $n_refused, $n_graphs_diverged) = (0, 0, 0);
	my $t0 = time;
	for my $k (1 .. $n_graphs)
	{
		my $p = "rnd$k";
		my $g = gen_random_graph($p);

		# registration, one statement
		my @rows;
		for my $i (0 .. nrevs($g) - 1)
		{
			push @rows,
			  sprintf("(%d, '%s', %s, '{%s}', '{%s}', '{%s}')", $i, $g->{ids}[$i],
				$g->{irreversible}[$i] ? 'NULL' : q{'SELECT 1'},
				join(',', id_of($g, @{ $g->{parents}[$i] })),
				join(',', @{ $g->{labels}[$i] }), join(',', @{ $g->{raw_deps}[$i] }));
		}
		my $sql = qq{SELECT count(migrate.revision(id => v.id, up => 'SELECT 1', down => v.down,
		parents => v.parents::text[], branch_labels => v.labels::text[], depends_on => v.deps::text[],
		project => '$p'))
FROM (SELECT * FROM (VALUES\n} . join(",\n", @rows) . qq{) AS v(ord, id, down, parents, labels, deps) ORDER BY ord) AS v;\n};

		# the sequence, decided by the oracle alone
		my @triples;
		my $applied = [ (0) x nrevs($g) ];
		for my $j (1 .. $n_commands)
		{
			my ($cmd, $target, $purge) =
			  $j == 1 ? ('upgrade', $g->{ids}[ rnd(nrevs($g)) ], 0) : gen_random_command($g, $applied);
			my $t = { cmd => $cmd, target => $target, purge => $purge, before => [ tips($g, $applied) ] };
			$t->{plan} = oracle_command($g, $applied, 'plan', $target)
			  if $cmd eq 'upgrade' || $cmd eq 'downgrade';
			$t->{res} = oracle_command($g, $applied, $cmd, $target, purge => $purge);
			$applied = $t->{res}{applied} if $t->{res}{applied};
			$t->{after} = join(' ', id_of($g, tips($g, $applied)));
			push @triples, $t;
			$sql .= "SELECT pgm_try('plan', '$target', '$p');\n" if $t->{plan};
			$sql .= "SELECT pgm_try('$cmd', '$target', '$p', " . ($purge ? 'true' : 'false') . ");\n";
			$sql .= "SELECT pgm_try('current', NULL, '$p');\n" unless $cmd eq 'history';
		}

		# one round trip per graph
		my @out = split /\n/, query($sql), -1;
		my $registered = shift @out;
		if ($registered ne nrevs($g))
		{
			push @disagree, "graph $p [" . describe_graph($g) . "]: registration returned $registered";
			next;
		}
		for my $t (@triples)
		{
			my $plan = $t->{plan} ? shift @out : undef;
			my $got  = shift @out;
			my $cur  = $t->{cmd} eq 'history' ? undef : shift @out;
			my $what = "$t->{cmd}('$t->{target}'" . ($t->{purge} ? ', purge => true' : '') . ')';
			(my $kind = $what) =~ s/\b(?:r|lb)\d+\b/X/g;
			$kind =~ s/\d+/N/g;
			$kinds{$kind}++;
			$n_triples++;
			$n_refused++ if $t->{res}{err};

			my (@bad, @parts);
			my $exp = answer_text($t->{res});
			my $got_cmp = $got // '(nothing)';
			$got_cmp =~ s/^(error \w{5}) .*/$1/;
			if ($got_cmp ne $exp)
			{
				push @bad, "result: oracle '$exp', engine '" . ($got // '(nothing)') . "'"
				  . ($t->{res}{why} ? " (oracle: $t->{res}{why})" : '');
				push @parts, 'result';
			}
			if ($t->{plan} && ($t->{plan}{err} // '') ne '55000' && !$t->{plan}{undecided})
			{
				my $pexp = answer_text($t->{plan});
				(my $pgot = $plan // '(nothing)') =~ s/^(error \w{5}) .*/$1/;
				if ($pgot ne $pexp)
				{
					push @bad, "plan('$t->{target}'): oracle '$pexp', engine '" . ($plan // '(nothing)') . "'"
					  . ($t->{plan}{why} ? " (oracle: $t->{plan}{why})" : '');
					push @parts, 'plan';
				}
			}
			my $state_ok = 1;
			if (defined $cur && $cur ne $t->{after})
			{
				push @bad, "current() afterwards: oracle {$t->{after}}, engine {$cur}";
				push @parts, 'current';
				$state_ok = 0;
			}
			if (@bad)
			{
				push @disagree,
				  "graph $p [" . describe_graph($g) . "]\n  state {" . join(' ', id_of($g, @{ $t->{before} }))
				  . "}, command $what\n  " . join("\n  ", @bad);
				$tally{ "$kind: " . join(', ', @parts) }++;
			}
			if (!$state_ok)
			{
				$n_graphs_diverged++;
				last;
			}
		}
	}
	my $secs = time - $t0;
	note(sprintf('random graphs: %d triples in %d graphs (%d refusals expected), %.1f s', $n_triples, $n_graphs,
		$n_refused, $secs));
	note(join("\n", map { sprintf('  %4d  %s', $kinds{$_}, $_) } sort keys %kinds));
	cmp_ok($n_triples, '>=', 2000, "random graphs: at least 2,000 (graph, state, command) triples compared ($n_triples)");
	is(scalar @disagree, 0, "random graphs (seed $seed): the engine agrees with the oracle on every triple")
	  or diag(sprintf("%d disagreements (%d graphs left the oracle's state), by command and what differs:\n",
			scalar @disagree, $n_graphs_diverged)
		. join('', map { sprintf("  %4d  %s\n", $tally{$_}, $_) } sort keys %tally)
		. "the first ones:\n" . join("\n", @disagree[ 0 .. min($n_show - 1, $#disagree) ]));
}

# ===========================================================================
# 5. The cache: chain is fully applied (by stamp).  Sessions a and c keep
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
