--
-- relative: relative targets (docs/revision-graph.md section 5) and their errors
-- (section 7).  A relative target is walked to a revision first; then the
-- command behaves as it would for that revision.  Every scenario uses its
-- own project (rel_*).
--
\i sql/include/helpers.sql

--
-- +N from the single current tip (empty = below the bases), walking up
-- parent edges; -N walks down from the tip and downgrades to the result.
-- One step below a base is "base"; further is out of range (22023).
--
SELECT pgm_regress.lin('rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('+2', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
-- at the head there is no child to walk to
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_lin');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('-2', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
SELECT step, revision, direction FROM migrate.downgrade('-3', 'rel_lin');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('-2', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');

--
-- upgrade('-N') and downgrade('+N') are errors: relative target out of
-- range (22023).
--
SELECT step, revision, direction FROM migrate.upgrade('-1', 'rel_lin');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('+1', 'rel_lin');
\echo :SQLSTATE

--
-- Relative to a symbol, ignoring the current state: base+N walks up from
-- below the bases, <rev>+N / <rev>-N walk from <rev>, head-N down from the
-- head.  The result is upgraded to (a no-op if already applied) or, for
-- downgrade, downgraded to.
--
SELECT step, revision, direction FROM migrate.upgrade('base+2', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('r1+1', 'rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('head-1', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('r2+2', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
SELECT step, revision, direction FROM migrate.downgrade('r4-2', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
SELECT step, revision, direction FROM migrate.upgrade('r4-1', 'rel_lin');
SELECT * FROM pgm_regress.state('rel_lin');
-- walks off the graph: out of range (22023)
SELECT step, revision, direction FROM migrate.upgrade('base+5', 'rel_lin');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('r1-2', 'rel_lin');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('r3+2', 'rel_lin');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('rel_lin');

--
-- Every step of an upward walk needs exactly one child: FORK {b} +
-- upgrade('+1') hits the branch point (ambiguous walk, 22023).
--
SELECT pgm_regress.fork('rel_fork1');
SELECT step, revision, direction FROM migrate.upgrade('+2', 'rel_fork1');
SELECT * FROM pgm_regress.state('rel_fork1');
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_fork1');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('c1', 'rel_fork1');

--
-- <label>@+N starts from the highest applied revision of the label's
-- lineage (the labelled revision, its ancestors and its descendants
-- through parent edges): FORK {c1} + upgrade('c2branch@+1') starts at b
-- and applies c2 -> {c1, c2}.
--
SELECT step, revision, direction FROM migrate.upgrade('c2branch@+1', 'rel_fork1');
SELECT * FROM pgm_regress.state('rel_fork1');

--
-- With several current tips, +N and -N are ambiguous relative targets
-- (22023); the hint of downgrade('-N') names <label>@-N.
--
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_fork1');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('-1', 'rel_fork1');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('rel_fork1');

--
-- <label>@+N and <label>@-N move only their branch.
-- FORK {c1, c2}: c2branch@+1 -> {c1, d2}; c1branch@+1 -> {d1, d2};
-- then FORK {d1, d2} + downgrade('c2branch@-2') applies d2 c2 -> {d1};
-- c2branch@+2 (the highest applied revision of the lineage is b) -> {d1, d2};
-- c1branch@-1 -> {c1, d2}.
--
SELECT step, revision, direction FROM migrate.upgrade('c2branch@+1', 'rel_fork1');
SELECT step, revision, direction FROM migrate.upgrade('c1branch@+1', 'rel_fork1');
SELECT * FROM pgm_regress.state('rel_fork1');
SELECT step, revision, direction FROM migrate.downgrade('c2branch@-2', 'rel_fork1');
SELECT * FROM pgm_regress.state('rel_fork1');
SELECT step, revision, direction FROM migrate.upgrade('c2branch@+2', 'rel_fork1');
SELECT * FROM pgm_regress.state('rel_fork1');
SELECT step, revision, direction FROM migrate.downgrade('c1branch@-1', 'rel_fork1');
SELECT * FROM pgm_regress.state('rel_fork1');

--
-- <label>@head-N, and head-N with several heads (multiple heads, 22023).
--
SELECT pgm_regress.fork('rel_fork2');
SELECT step, revision, direction FROM migrate.upgrade('head-1', 'rel_fork2');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('c1branch@head-1', 'rel_fork2');
SELECT * FROM pgm_regress.state('rel_fork2');

--
-- +1 can apply more than one migration: DIAM {b1} + upgrade('+1') walks to
-- m and applies b2, m.  Walking down from a merge point is ambiguous
-- (22023).
--
SELECT pgm_regress.diam('rel_diam');
SELECT step, revision, direction FROM migrate.upgrade('b1', 'rel_diam');
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_diam');
SELECT * FROM pgm_regress.state('rel_diam');
SELECT step, revision, direction FROM migrate.downgrade('-1', 'rel_diam');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('rel_diam');

--
-- Several bases: walking up from below them is ambiguous (22023).
--
SELECT pgm_regress.forest('rel_forest');
SELECT step, revision, direction FROM migrate.upgrade('+1', 'rel_forest');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('base+1', 'rel_forest');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('rel_forest');

--
-- Downgrading p2 by one step yields {l2, p1}: -1 walks down p2's parent
-- edge to p1 and only that branch moves; l2 stays applied and becomes a tip.
--
SELECT pgm_regress.dep('rel_dep1');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'rel_dep1');
SELECT step, revision, direction FROM migrate.downgrade('-1', 'rel_dep1');
SELECT * FROM pgm_regress.state('rel_dep1');

--
-- Label-relative targets on DEP.  A lineage with nothing applied walks up
-- from below its base: lib@+1 = l1.  app@+2 walks p1, p2 and upgrades to
-- p2, which needs l2 through its dependency.
--
SELECT pgm_regress.dep('rel_dep2');
SELECT step, revision, direction FROM migrate.upgrade('lib@+1', 'rel_dep2');
SELECT * FROM pgm_regress.state('rel_dep2');
SELECT step, revision, direction FROM migrate.upgrade('app@+2', 'rel_dep2');
SELECT * FROM pgm_regress.state('rel_dep2');

--
-- <label>@base+N and <label>@head-N: app@base+1 = p1, lib@head-1 = l1,
-- then app@head = p2.
--
SELECT pgm_regress.dep('rel_dep3');
SELECT step, revision, direction FROM migrate.upgrade('app@base+1', 'rel_dep3');
SELECT step, revision, direction FROM migrate.upgrade('lib@head-1', 'rel_dep3');
SELECT * FROM pgm_regress.state('rel_dep3');
SELECT step, revision, direction FROM migrate.upgrade('app@head', 'rel_dep3');
SELECT * FROM pgm_regress.state('rel_dep3');

--
-- <label>@+N never starts from an unapplied branch point.  FORK with
-- nothing applied: c2branch@+1 walks up from below the lineage's base and
-- applies a only; c2branch@+2 then starts at a and applies b.
--
SELECT pgm_regress.fork('rel_fork3');
SELECT * FROM migrate.plan('c2branch@+1', 'rel_fork3');
SELECT step, revision, direction FROM migrate.upgrade('c2branch@+1', 'rel_fork3');
SELECT * FROM pgm_regress.state('rel_fork3');
SELECT step, revision, direction FROM migrate.upgrade('c2branch@+1', 'rel_fork3');
SELECT * FROM pgm_regress.state('rel_fork3');

--
-- CHAIN {x2}: ylab@+1 starts at x2 (in the lineage of y) and walks one
-- step towards y: x3 only.  The next ylab@+1 reaches y; one more is out of
-- range (y has no child).  z is outside ylab's lineage and never runs.
--
SELECT pgm_regress.chain('rel_chain');
SELECT step, revision, direction FROM migrate.upgrade('x2', 'rel_chain');
SELECT * FROM migrate.plan('ylab@+1', 'rel_chain');
SELECT step, revision, direction FROM migrate.upgrade('ylab@+1', 'rel_chain');
SELECT * FROM pgm_regress.state('rel_chain');
SELECT step, revision, direction FROM migrate.upgrade('ylab@+1', 'rel_chain');
SELECT * FROM pgm_regress.state('rel_chain');
SELECT step, revision, direction FROM migrate.upgrade('ylab@+1', 'rel_chain');
\echo :SQLSTATE
-- ylab@-2 walks down from y to x2 and reverts y, x3
SELECT step, revision, direction FROM migrate.downgrade('ylab@-2', 'rel_chain');
SELECT * FROM pgm_regress.state('rel_chain');

--
-- <label>@-N starts from the highest applied revision of the lineage even
-- when it is applied only because something depends on it.  DEP after
-- upgrade('p2') (current {p2}): lib@-1 starts at l2, walks to l1, and the
-- downgrade to l1 reverts p2 (it depends on l2), then l2 -> {l1, p1}.
--
SELECT pgm_regress.dep('rel_dep4');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'rel_dep4');
SELECT * FROM migrate.plan('lib@-1', 'rel_dep4');
SELECT step, revision, direction FROM migrate.downgrade('lib@-1', 'rel_dep4');
SELECT * FROM pgm_regress.state('rel_dep4');
-- lib@-2 from {l1, p1} would walk past the base: out of range (22023);
-- lib@-1 steps below l1, the lineage's base, i.e. lib@base -> {p1}
SELECT step, revision, direction FROM migrate.downgrade('lib@-2', 'rel_dep4');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('lib@-1', 'rel_dep4');
SELECT * FROM pgm_regress.state('rel_dep4');
-- nothing of lib's lineage is applied any more: out of range (22023)
SELECT step, revision, direction FROM migrate.downgrade('lib@-1', 'rel_dep4');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('rel_dep4');

--
-- Several highest applied revisions in the lineage are ambiguous (22023):
-- FORK {d1, d2}, a revision id standing in for a label: the lineage of a
-- holds everything, and d1 and d2 are both highest.  Nothing changes.
--
SELECT pgm_regress.fork('rel_fork4');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'rel_fork4');
SELECT step, revision, direction FROM migrate.downgrade('a@-1', 'rel_fork4');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('b@+1', 'rel_fork4');
\echo :SQLSTATE
-- c2's lineage holds d2 only of the two: c2@-1 reverts d2
SELECT step, revision, direction FROM migrate.downgrade('c2@-1', 'rel_fork4');
SELECT * FROM pgm_regress.state('rel_fork4');
