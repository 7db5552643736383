--
-- downgrade: order of reverting (docs/revision-graph.md section 4), the version
-- set after downgrades (section 2), downgrade() itself, irreversible
-- revisions and atomicity (section 6).  Every scenario uses its own
-- project (dn_*).
--
\i sql/include/helpers.sql

--
-- downgrade('base') reverts everything, starting from the current tips in
-- registration order, finishing a branch before the next, and reverting a
-- shared ancestor after every branch that needs it.
-- FORK {d1, d2}: d1 c1 d2 c2 b a.
--
SELECT pgm_regress.fork('dn_fork1');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_fork1');
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_fork1');
SELECT * FROM pgm_regress.state('dn_fork1');
-- nothing applied: downgrade('base') is a no-op
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_fork1');

--
-- downgrade(target) reverts what lies above the target through parent
-- edges (and what depends on that) and leaves the target applied.
-- FORK {d1, d2} + downgrade('b') = d1 c1 d2 c2 -> {b}.
--
SELECT pgm_regress.fork('dn_fork2');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_fork2');
SELECT step, revision, direction FROM migrate.downgrade('b', 'dn_fork2');
SELECT * FROM pgm_regress.state('dn_fork2');

--
-- Only what lies above the target moves: FORK {d1, d2} + downgrade('c1') =
-- d1 -> {c1, d2}.  A current tip with nothing above it is a no-op.
--
SELECT pgm_regress.fork('dn_fork3');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_fork3');
SELECT step, revision, direction FROM migrate.downgrade('c1', 'dn_fork3');
SELECT * FROM pgm_regress.state('dn_fork3');
SELECT step, revision, direction FROM migrate.downgrade('c1', 'dn_fork3');
SELECT step, revision, direction FROM migrate.downgrade('d2', 'dn_fork3');
SELECT * FROM pgm_regress.state('dn_fork3');

--
-- A target that is not applied is not a valid downgrade target from the
-- current state (22023); nothing changes.
--
SELECT step, revision, direction FROM migrate.downgrade('d1', 'dn_fork3');
\echo :SQLSTATE
SELECT pgm_regress.fork('dn_empty');
SELECT step, revision, direction FROM migrate.downgrade('a', 'dn_empty');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('dn_fork3');

--
-- What depends on a reverted revision is reverted too, before it: DEP
-- {p2} + downgrade('l1') reverts l2 (above l1) and p2 (depends on l2):
-- p2 l2 -> {l1, p1}.
--
SELECT pgm_regress.dep('dn_dep1');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'dn_dep1');
SELECT step, revision, direction FROM migrate.downgrade('l1', 'dn_dep1');
SELECT * FROM pgm_regress.state('dn_dep1');

--
-- DEP {p2} + downgrade('base') = p2 p1 l2 l1, the exact reverse of
-- upgrade('p2').
--
SELECT pgm_regress.dep('dn_dep2');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'dn_dep2');
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_dep2');
SELECT * FROM pgm_regress.state('dn_dep2');

--
-- Unmerges split tips: DIAM {m} + downgrade('b1') applies only m's down ->
-- {b1, b2}.  Then downgrade('base') from {b1, b2} = b1 b2 a.
--
SELECT pgm_regress.diam('dn_diam1');
SELECT step, revision, direction FROM migrate.upgrade('m', 'dn_diam1');
SELECT step, revision, direction FROM migrate.downgrade('b1', 'dn_diam1');
SELECT * FROM pgm_regress.state('dn_diam1');
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_diam1');
SELECT * FROM pgm_regress.state('dn_diam1');

--
-- Merge parents downward: DIAM {m} + downgrade('base') = m b1 b2 a, the
-- exact reverse of upgrade('m') = a b2 b1 m.
--
SELECT pgm_regress.diam('dn_diam2');
SELECT step, revision, direction FROM migrate.upgrade('m', 'dn_diam2');
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_diam2');
SELECT * FROM pgm_regress.state('dn_diam2');

--
-- FOREST {b1, b2} + downgrade('base') = b1 a1 b2 a2.
--
SELECT pgm_regress.forest('dn_forest');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_forest');
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_forest');
SELECT * FROM pgm_regress.state('dn_forest');

--
-- <label>@base reverts from the root of the lineage, taking sibling
-- branches along: FORK {d1} + downgrade('c2branch@base') = d1 c1 b a.
--
SELECT pgm_regress.fork('dn_fork4');
SELECT step, revision, direction FROM migrate.upgrade('d1', 'dn_fork4');
SELECT step, revision, direction FROM migrate.downgrade('c2branch@base', 'dn_fork4');
SELECT * FROM pgm_regress.state('dn_fork4');

--
-- To remove one branch, downgrade to <label>@<branchpoint>:
-- FORK {d1, d2} + downgrade('c2branch@b') = d2 c2 -> {d1}.
--
SELECT pgm_regress.fork('dn_fork5');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_fork5');
SELECT step, revision, direction FROM migrate.downgrade('c2branch@b', 'dn_fork5');
SELECT * FROM pgm_regress.state('dn_fork5');

--
-- A revision whose down script is NULL is irreversible: downgrading through
-- it is an error naming it (55000), and nothing changes, although r4 and
-- r3 (above it) could be reverted.  Downgrading to it is fine.
--
SELECT pgm_regress.rev('dn_irrev', 'r1');
SELECT migrate.revision(id => 'r2', parents => '{r1}', project => 'dn_irrev',
						up => 'CREATE TABLE dn_irrev_r2 (x int)', down => NULL);
SELECT pgm_regress.rev('dn_irrev', 'r3', '{r2}');
SELECT pgm_regress.rev('dn_irrev', 'r4', '{r3}');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_irrev');
SELECT step, revision, direction FROM migrate.downgrade('base', 'dn_irrev');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('r1', 'dn_irrev');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('dn_irrev');
SELECT step, revision, direction FROM migrate.downgrade('r2', 'dn_irrev');
SELECT * FROM pgm_regress.state('dn_irrev');

--
-- Atomicity: r3's down script fails at its second statement in the middle
-- of downgrade('r1') from {r4}.  The original error (42P01) comes back with
-- a context naming revision and statement; the version set is still {r4}
-- and r4's table, dropped earlier in the same command, is back.
--
SELECT pgm_regress.rev('dn_atom', 'r1');
SELECT pgm_regress.rev('dn_atom', 'r2', '{r1}');
SELECT migrate.revision(id => 'r3', parents => '{r2}', project => 'dn_atom',
						up => 'CREATE TABLE dn_atom_r3 (x int)',
						down => 'DROP TABLE dn_atom_r3; DROP TABLE dn_atom_missing');
SELECT pgm_regress.rev('dn_atom', 'r4', '{r3}');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_atom');
SELECT step, revision, direction FROM migrate.downgrade('r1', 'dn_atom');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('dn_atom');
-- reverting only what is above the broken down script works
SELECT step, revision, direction FROM migrate.downgrade('r3', 'dn_atom');
SELECT * FROM pgm_regress.state('dn_atom');

--
-- A revision that depends on the target itself stays applied: only what
-- lies above the target through parent edges is reverted, plus what
-- depends on a reverted revision.  CROSS {c2, d1} + downgrade('c1')
-- reverts d1 only; c2 depends on c1 and stays -> {c2}.
--
SELECT pgm_regress.cross_deps('dn_cross');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_cross');
SELECT * FROM pgm_regress.state('dn_cross');
SELECT * FROM migrate.plan('c1', 'dn_cross');
SELECT step, revision, direction FROM migrate.downgrade('c1', 'dn_cross');
SELECT * FROM pgm_regress.state('dn_cross');
-- downgrade('b1') reverts c1 and, through c2's dependency, c2
SELECT step, revision, direction FROM migrate.downgrade('b1', 'dn_cross');
SELECT * FROM pgm_regress.state('dn_cross');

--
-- BASEDEP {m} + downgrade('a1') reverts m only: b1 depends on a1 and stays
-- -> {b1}.
--
SELECT pgm_regress.basedep('dn_basedep1');
SELECT step, revision, direction FROM migrate.upgrade('m', 'dn_basedep1');
SELECT step, revision, direction FROM migrate.downgrade('a1', 'dn_basedep1');
SELECT * FROM pgm_regress.state('dn_basedep1');

--
-- A target applied only through a dependency, on no current tip's parent
-- lineage and with nothing above it to revert, is not a valid downgrade
-- target (22023): BASEDEP after stamp('b1') (current {b1}, a1 applied
-- because b1 depends on it), downgrade('a1').  Nothing changes.  The same
-- for l2 in DEP {p2}.
--
SELECT pgm_regress.basedep('dn_basedep2');
SELECT step, revision, direction FROM migrate.stamp('b1', 'dn_basedep2');
SELECT step, revision, direction FROM migrate.downgrade('a1', 'dn_basedep2');
\echo :SQLSTATE
SELECT * FROM migrate.current('dn_basedep2');
SELECT pgm_regress.dep('dn_dep3');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'dn_dep3');
SELECT step, revision, direction FROM migrate.downgrade('l2', 'dn_dep3');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('dn_dep3');
-- plan() of an applied target shows what downgrade() does: the refusal
SELECT * FROM migrate.plan('l2', 'dn_dep3');
\echo :SQLSTATE

--
-- A lineage-restricted target below a current tip with nothing to revert
-- in its lineage is a no-op: FORK {d2}, c1's lineage holds a, b, c1, d1,
-- and downgrade('c1@b') finds nothing of it above b.
--
SELECT pgm_regress.fork('dn_fork7');
SELECT step, revision, direction FROM migrate.upgrade('d2', 'dn_fork7');
SELECT step, revision, direction FROM migrate.downgrade('c1@b', 'dn_fork7');
SELECT * FROM pgm_regress.state('dn_fork7');

--
-- A target written <label>@... reverts only that label's lineage (plus
-- what depends on a reverted revision).  FORK {d1, d2}:
-- downgrade('c2branch@base+2'), which is b, reverts d2 c2 -> {d1}; plain
-- downgrade('b') would revert both branches (dn_fork2 above).
--
SELECT pgm_regress.fork('dn_fork6');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_fork6');
SELECT * FROM migrate.plan('c2branch@base+2', 'dn_fork6');
SELECT step, revision, direction FROM migrate.downgrade('c2branch@base+2', 'dn_fork6');
SELECT * FROM pgm_regress.state('dn_fork6');
-- c2branch@base from {d1} still reverts d1 c1 b a: they hang on b and a
SELECT step, revision, direction FROM migrate.downgrade('c2branch@base', 'dn_fork6');
SELECT * FROM pgm_regress.state('dn_fork6');

--
-- A lineage restriction keeps what depends on a reverted revision in the
-- downgrade: CROSS {c2, d1}, c1's lineage is a1 b1 c1 d1, and
-- downgrade('c1@b1') reverts c1 and d1 and, because c2 depends on c1, c2.
--
SELECT pgm_regress.cross_deps('dn_cross2');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'dn_cross2');
SELECT step, revision, direction FROM migrate.downgrade('c1@b1', 'dn_cross2');
SELECT * FROM pgm_regress.state('dn_cross2');
