--
-- upgrade: order of application (docs/revision-graph.md section 4), the version
-- set after upgrades (section 2), upgrade() itself and atomicity (section 6).
-- Every scenario uses its own project (up_*).
--
\i sql/include/helpers.sql

--
-- upgrade('heads') applies the branch of the last-registered head first,
-- finishes a branch before starting the next, and runs the shared
-- ancestors a, b once, before every branch that needs them.
-- FORK from empty: a b c2 d2 c1 d1.  Running it again does nothing.
--
SELECT pgm_regress.fork('up_fork1');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'up_fork1');
SELECT * FROM pgm_regress.state('up_fork1');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'up_fork1');

--
-- A target that is already applied, or is an ancestor of what is applied,
-- is a successful no-op (zero rows).
--
SELECT step, revision, direction FROM migrate.upgrade('d1', 'up_fork1');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'up_fork1');
SELECT step, revision, direction FROM migrate.upgrade('a', 'up_fork1');
SELECT * FROM pgm_regress.state('up_fork1');

--
-- FOREST from empty: a2 b2 a1 b1 (the last-registered head's tree first).
-- The default target of upgrade() is 'heads'.
--
SELECT pgm_regress.forest('up_forest');
SELECT step, revision, direction FROM migrate.upgrade(project => 'up_forest');
SELECT * FROM pgm_regress.state('up_forest');

--
-- Merge parents: the last-listed parent's lineage runs first.
-- DIAM with m's parents (b1, b2): upgrade('m') = a b2 b1 m, and the merge
-- collapses the version set to {m}.
--
SELECT pgm_regress.diam('up_diam1');
SELECT step, revision, direction FROM migrate.upgrade('m', 'up_diam1');
SELECT * FROM pgm_regress.state('up_diam1');

--
-- Merges collapse tips: DIAM {b1} + upgrade('m') applies b2, m -> {m}.
--
SELECT pgm_regress.diam('up_diam2');
SELECT step, revision, direction FROM migrate.upgrade('b1', 'up_diam2');
SELECT * FROM pgm_regress.state('up_diam2');
SELECT step, revision, direction FROM migrate.upgrade('m', 'up_diam2');
SELECT * FROM pgm_regress.state('up_diam2');

--
-- Dependencies run before their dependents: DEP upgrade('p2') = l1 l2 p1 p2.
-- The version set holds only the tips: {p2}, although l1 and l2 are applied
-- (l2 is applied only because p2 depends on it, so it is no tip).
-- upgrade('l2') afterwards is a no-op.
--
SELECT pgm_regress.dep('up_dep');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'up_dep');
SELECT * FROM pgm_regress.state('up_dep');
SELECT * FROM migrate.current('up_dep');
SELECT step, revision, direction FROM migrate.upgrade('l2', 'up_dep');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'up_dep');
SELECT * FROM pgm_regress.state('up_dep');

--
-- Only missing revisions run: FORK {c1} + upgrade('heads') = c2 d2 d1.
--
SELECT pgm_regress.fork('up_fork2');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'up_fork2');
SELECT * FROM pgm_regress.state('up_fork2');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'up_fork2');
SELECT * FROM pgm_regress.state('up_fork2');

--
-- Upgrading a branch never touches tips of unrelated branches:
-- FORK {c1} + upgrade('d2') applies c2, d2 -> {c1, d2}.
--
SELECT pgm_regress.fork('up_fork3');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'up_fork3');
SELECT step, revision, direction FROM migrate.upgrade('d2', 'up_fork3');
SELECT * FROM pgm_regress.state('up_fork3');

--
-- 'head' with several versioned heads fails with multiple heads (22023)
-- and a hint to name a revision, <branch>@head, or heads; nothing changes.
--
SELECT pgm_regress.fork('up_fork4');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'up_fork4');
SELECT step, revision, direction FROM migrate.upgrade('head', 'up_fork4');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('up_fork4');

--
-- Atomicity: a command is all-or-nothing.  r3's second statement fails in
-- the middle of upgrade('heads') from {r1}: the error keeps its SQLSTATE
-- (22012), its context names revision and statement, and afterwards the
-- version set is still {r1} and r2's table (created by the same command)
-- is gone.  The same inside a transaction block with a savepoint.
--
SELECT pgm_regress.rev('up_atom', 'r1');
SELECT pgm_regress.rev('up_atom', 'r2', '{r1}');
SELECT migrate.revision(id => 'r3', parents => '{r2}', project => 'up_atom',
						up => 'CREATE TABLE up_atom_r3 (x int); INSERT INTO up_atom_r3 VALUES (1 / 0)',
						down => 'DROP TABLE up_atom_r3');
SELECT pgm_regress.rev('up_atom', 'r4', '{r3}');
SELECT step, revision, direction FROM migrate.upgrade('r1', 'up_atom');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'up_atom');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('up_atom');
BEGIN;
SAVEPOINT before_upgrade;
SELECT step, revision, direction FROM migrate.upgrade('r4', 'up_atom');
\echo :SQLSTATE
ROLLBACK TO SAVEPOINT before_upgrade;
SELECT * FROM pgm_regress.state('up_atom');
COMMIT;
-- what precedes the failing revision still applies on its own
SELECT step, revision, direction FROM migrate.upgrade('r2', 'up_atom');
SELECT * FROM pgm_regress.state('up_atom');
