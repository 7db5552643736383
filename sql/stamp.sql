--
-- stamp: rewriting the version set without running migration SQL
-- (docs/revision-graph.md section 6).  stamp() returns 'unstamp' rows for the
-- revisions no longer applied (in downgrade order) and then 'stamp' rows
-- for the revisions newly marked applied (in upgrade order).  The tables
-- show that no script ran.  Every scenario uses its own project (st_*).
--
\i sql/include/helpers.sql

--
-- Tips of unrelated branches are kept: FOREST {b1, b2} + stamp('a1') ->
-- {a1, b2}.  Only b1 is unmarked; its table stays.
--
SELECT pgm_regress.forest('st_forest1');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'st_forest1');
SELECT step, revision, direction FROM migrate.stamp('a1', 'st_forest1');
SELECT * FROM pgm_regress.state('st_forest1');

--
-- FORK {d1} + stamp('c2') -> {c2, d1}; c2's table is not created.
--
SELECT pgm_regress.fork('st_fork1');
SELECT step, revision, direction FROM migrate.upgrade('d1', 'st_fork1');
SELECT step, revision, direction FROM migrate.stamp('c2', 'st_fork1');
SELECT * FROM pgm_regress.state('st_fork1');

--
-- purge => true clears the version set, then stamps:
-- FORK {d1} + stamp('c2', purge => true) -> {c2}.
--
SELECT pgm_regress.fork('st_fork2');
SELECT step, revision, direction FROM migrate.upgrade('d1', 'st_fork2');
SELECT step, revision, direction FROM migrate.stamp('c2', 'st_fork2', purge => true);
SELECT * FROM pgm_regress.state('st_fork2');

--
-- A target below a merge replaces the merged tip: DIAM {m} + stamp('b2')
-- -> {b2}.  stamp('base') then clears the version set.
--
SELECT pgm_regress.diam('st_diam');
SELECT step, revision, direction FROM migrate.upgrade('m', 'st_diam');
SELECT step, revision, direction FROM migrate.stamp('b2', 'st_diam');
SELECT * FROM pgm_regress.state('st_diam');
SELECT step, revision, direction FROM migrate.stamp('base', 'st_diam');
SELECT * FROM pgm_regress.state('st_diam');
SELECT step, revision, direction FROM migrate.stamp('base', 'st_diam');

--
-- stamp('heads') stamps all real heads: FORK from empty -> {d1, d2}.
--
SELECT pgm_regress.fork('st_fork3');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_fork3');
SELECT * FROM pgm_regress.state('st_fork3');

--
-- pg_migrate: the result is always a consistent version set.
-- FORK {c1, d2} + stamp('heads') -> {d1, d2}.
--
SELECT pgm_regress.fork('st_fork4');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'st_fork4');
SELECT step, revision, direction FROM migrate.upgrade('d2', 'st_fork4');
SELECT * FROM pgm_regress.state('st_fork4');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_fork4');
SELECT * FROM pgm_regress.state('st_fork4');

--
-- Stamping on one line keeps only the higher revision: LIN {r2} +
-- stamp('r3') -> {r3}; stamp moves down as well: + stamp('r1') -> {r1};
-- and up past several: + stamp('r4') -> {r4}.
--
SELECT pgm_regress.lin('st_lin');
SELECT step, revision, direction FROM migrate.upgrade('r2', 'st_lin');
SELECT step, revision, direction FROM migrate.stamp('r3', 'st_lin');
SELECT * FROM pgm_regress.state('st_lin');
SELECT step, revision, direction FROM migrate.stamp('r1', 'st_lin');
SELECT * FROM pgm_regress.state('st_lin');
SELECT step, revision, direction FROM migrate.stamp('r4', 'st_lin');
SELECT * FROM pgm_regress.state('st_lin');

--
-- DEP: the only real head is p2, so stamp('heads') -> {p2}; l2 is marked
-- applied (p2 depends on it) but is no tip.
--
SELECT pgm_regress.dep('st_dep');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_dep');
SELECT * FROM pgm_regress.state('st_dep');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'st_dep');

--
-- A stamp changes what later commands do: FORK stamped at b, then
-- upgrade('heads') runs only c2 d2 c1 d1 (a and b count as applied).
--
SELECT pgm_regress.fork('st_fork5');
SELECT step, revision, direction FROM migrate.stamp('b', 'st_fork5');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'st_fork5');
SELECT * FROM pgm_regress.state('st_fork5');

--
-- <rev>@base as a stamp target unmarks the lineage of that root and keeps
-- the other tree: FOREST {b1, b2} + stamp('b1@base') -> {b2}.
--
SELECT pgm_regress.forest('st_forest2');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_forest2');
SELECT step, revision, direction FROM migrate.stamp('b1@base', 'st_forest2');
SELECT * FROM pgm_regress.state('st_forest2');

--
-- stamp('head') with several heads fails like upgrade('head') (22023) and
-- changes nothing.
--
SELECT step, revision, direction FROM migrate.stamp('head', 'st_forest2');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('st_forest2');

--
-- stamp(X) replaces every current tip that is X, lies below X or lies
-- above X through parent or dependency edges.  BASEDEP {b1} + stamp('a1')
-- -> {a1}: b1 depends on a1, so it lies above a1 and goes.
--
SELECT pgm_regress.basedep('st_basedep');
SELECT step, revision, direction FROM migrate.stamp('b1', 'st_basedep');
SELECT * FROM pgm_regress.state('st_basedep');
SELECT step, revision, direction FROM migrate.stamp('a1', 'st_basedep');
SELECT * FROM pgm_regress.state('st_basedep');

--
-- CROSS {d1, c2} + stamp('b1') -> {b1}: d1 lies above b1 through parents,
-- c2 through its dependency on c1.
--
SELECT pgm_regress.cross_deps('st_cross');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_cross');
SELECT * FROM pgm_regress.state('st_cross');
SELECT step, revision, direction FROM migrate.stamp('b1', 'st_cross');
SELECT * FROM pgm_regress.state('st_cross');

--
-- stamp('<label>@base') removes only the tips that stamp('<label>') would
-- replace, and adds nothing: FORK {d1, d2} + stamp('c1branch@base') ->
-- {d2}.
--
SELECT pgm_regress.fork('st_fork6');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_fork6');
SELECT step, revision, direction FROM migrate.stamp('c1branch@base', 'st_fork6');
SELECT * FROM pgm_regress.state('st_fork6');
