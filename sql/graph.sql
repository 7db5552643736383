--
-- graph: the revision graph (docs/revision-graph.md section 1)
--
-- Versioned heads, real heads, effective heads, bases, branch points,
-- branch labels, registration order, and the graphs that migrate.revision()
-- refuses to register.  Every scenario uses its own project (g_*), so
-- nothing here can see another test file's revisions.
--
\i sql/include/helpers.sql

--
-- LIN  r1 -> r2 -> r3 -> r4, registered with explicit revision() calls.
-- revision() returns the id.  One head, no branch point, and an empty
-- database has an empty version set (no rows, not a NULL row).
--
SELECT migrate.revision(id => 'r1', up => 'CREATE TABLE g_lin_r1 (x int)',
						down => 'DROP TABLE g_lin_r1', project => 'g_lin');
SELECT migrate.revision(id => 'r2', up => 'CREATE TABLE g_lin_r2 (x int)',
						down => 'DROP TABLE g_lin_r2', parents => '{r1}',
						project => 'g_lin');
SELECT migrate.revision(id => 'r3', up => 'CREATE TABLE g_lin_r3 (x int)',
						down => 'DROP TABLE g_lin_r3', parents => '{r2}',
						project => 'g_lin');
SELECT migrate.revision(id => 'r4', up => 'CREATE TABLE g_lin_r4 (x int)',
						down => 'DROP TABLE g_lin_r4', parents => '{r3}',
						project => 'g_lin');
SELECT * FROM migrate.heads('g_lin');
SELECT * FROM migrate.heads('g_lin', resolve_dependencies => true);
SELECT * FROM migrate.branches('g_lin');
SELECT * FROM migrate.current('g_lin');
-- registering the same revision again with identical content is a no-op
SELECT migrate.revision(id => 'r2', up => 'CREATE TABLE g_lin_r2 (x int)',
						down => 'DROP TABLE g_lin_r2', parents => '{r1}',
						project => 'g_lin');
SELECT * FROM migrate.heads('g_lin');

--
-- FORK  a -> b -> c1 -> d1 (label c1branch on c1)
--            b -> c2 -> d2 (label c2branch on c2)
-- Two versioned heads, listed in registration order; b is the branch point
-- and its children are c1 and c2.
--
SELECT pgm_regress.rev('g_fork', 'a');
SELECT pgm_regress.rev('g_fork', 'b', '{a}');
SELECT pgm_regress.rev('g_fork', 'c1', '{b}', '{c1branch}');
SELECT pgm_regress.rev('g_fork', 'd1', '{c1}');
SELECT pgm_regress.rev('g_fork', 'c2', '{b}', '{c2branch}');
SELECT pgm_regress.rev('g_fork', 'd2', '{c2}');
SELECT * FROM migrate.heads('g_fork');
SELECT * FROM migrate.heads('g_fork', resolve_dependencies => true);
SELECT * FROM migrate.branches('g_fork');

--
-- DIAM  a -> b1, a -> b2, m has parents (b1, b2).
-- The merge point m is the only head; a is the branch point.
--
SELECT pgm_regress.rev('g_diam', 'a');
SELECT pgm_regress.rev('g_diam', 'b1', '{a}');
SELECT pgm_regress.rev('g_diam', 'b2', '{a}');
SELECT pgm_regress.rev('g_diam', 'm', '{b1,b2}');
SELECT * FROM migrate.heads('g_diam');
SELECT * FROM migrate.branches('g_diam');

--
-- FOREST  a1 -> b1 and a2 -> b2: two roots (bases), two heads, no branch
-- point.  The bases are flagged 'base' by history().
--
SELECT pgm_regress.rev('g_forest', 'a1');
SELECT pgm_regress.rev('g_forest', 'b1', '{a1}');
SELECT pgm_regress.rev('g_forest', 'a2');
SELECT pgm_regress.rev('g_forest', 'b2', '{a2}');
SELECT * FROM migrate.heads('g_forest');
SELECT * FROM migrate.branches('g_forest');
SELECT id FROM migrate.history(project => 'g_forest')
 WHERE 'base' = ANY (flags) ORDER BY id;

--
-- DEP  l1 (label lib) -> l2 ;  p1 (label app) -> p2, p2 depends_on l2.
-- depends_on is not a parent edge: l2 stays a versioned head (heads()
-- lists l2 and p2) but it is not a real head, because p2 depends on it.
-- heads(resolve_dependencies => true) lists only the real head p2.
-- l2 is an effective head, so the symbol 'head' sees two heads and fails,
-- while 'heads' (the real heads) applies l1 l2 p1 p2.
--
SELECT pgm_regress.rev('g_dep', 'l1', labels => '{lib}');
SELECT pgm_regress.rev('g_dep', 'l2', '{l1}');
SELECT pgm_regress.rev('g_dep', 'p1', labels => '{app}');
SELECT pgm_regress.rev('g_dep', 'p2', '{p1}', deps => '{l2}');
SELECT * FROM migrate.heads('g_dep');
SELECT * FROM migrate.heads('g_dep', resolve_dependencies => true);
SELECT * FROM migrate.branches('g_dep');
SELECT step, revision, direction FROM migrate.upgrade('head', 'g_dep');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('g_dep');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'g_dep');
SELECT * FROM pgm_regress.state('g_dep');

--
-- A revision that has only depends_on (no parents) is a base, too.
-- q2 depends on q1: both are bases and versioned heads, only q2 is a
-- real head.
--
SELECT pgm_regress.rev('g_deponly', 'q1');
SELECT pgm_regress.rev('g_deponly', 'q2', deps => '{q1}');
SELECT id, flags FROM migrate.history(project => 'g_deponly');
SELECT * FROM migrate.heads('g_deponly');
SELECT * FROM migrate.heads('g_deponly', resolve_dependencies => true);
SELECT step, revision, direction FROM migrate.upgrade('heads', 'g_deponly');
SELECT * FROM pgm_regress.state('g_deponly');

--
-- A dependency on something that is already an ancestor is redundant: it is
-- accepted (normalized away) and changes nothing.  n3 depends on its own
-- grandparent n1.
--
SELECT pgm_regress.rev('g_norm', 'n1');
SELECT pgm_regress.rev('g_norm', 'n2', '{n1}');
SELECT pgm_regress.rev('g_norm', 'n3', '{n2}', deps => '{n1}');
SELECT * FROM migrate.heads('g_norm');
SELECT * FROM migrate.heads('g_norm', resolve_dependencies => true);
SELECT step, revision, direction FROM migrate.upgrade('heads', 'g_norm');
SELECT step, revision, direction FROM migrate.downgrade('n1', 'g_norm');
SELECT * FROM pgm_regress.state('g_norm');

--
-- Registration order breaks ties and is recorded: heads() follows it, not
-- the alphabet.  Re-registering a revision (identically, or with a new
-- message while it is not applied) keeps its place.
--
SELECT pgm_regress.rev('g_order', 'zeta');
SELECT pgm_regress.rev('g_order', 'alpha');
SELECT pgm_regress.rev('g_order', 'mid0');
SELECT * FROM migrate.heads('g_order');
SELECT pgm_regress.rev('g_order', 'zeta');
SELECT migrate.revision(id => 'zeta', up => 'CREATE TABLE g_order_zeta (x int)',
						down => 'DROP TABLE g_order_zeta',
						message => 'now with a message', project => 'g_order');
SELECT * FROM migrate.heads('g_order');

--
-- Invalid graphs are refused at registration with 42P17
-- (invalid_object_definition) and never reach a command: unknown parent,
-- unknown dependency, self-parent, parent cycle, dependency cycle (both made
-- by re-registering an unapplied revision), a label used twice, a label
-- equal to another revision's id, and an id equal to an existing label.
--
SELECT pgm_regress.rev('g_bad', 'cyc1');
SELECT pgm_regress.rev('g_bad', 'cyc2', '{cyc1}');
SELECT pgm_regress.rev('g_bad', 'dc1');
SELECT pgm_regress.rev('g_bad', 'dc2', deps => '{dc1}');
SELECT pgm_regress.rev('g_bad', 'lb1', labels => '{shared}');
-- unknown parent
SELECT pgm_regress.rev('g_bad', 'x1', '{nosuch}');
\echo :SQLSTATE
-- unknown dependency
SELECT pgm_regress.rev('g_bad', 'x2', deps => '{nosuch}');
\echo :SQLSTATE
-- self-parent
SELECT pgm_regress.rev('g_bad', 'x3', '{x3}');
\echo :SQLSTATE
-- parent cycle: cyc1 -> cyc2 -> cyc1
SELECT pgm_regress.rev('g_bad', 'cyc1', '{cyc2}');
\echo :SQLSTATE
-- dependency cycle: dc2 depends on dc1 which would depend on dc2
SELECT pgm_regress.rev('g_bad', 'dc1', deps => '{dc2}');
\echo :SQLSTATE
-- the same label on two revisions
SELECT pgm_regress.rev('g_bad', 'lb2', labels => '{shared}');
\echo :SQLSTATE
-- a label equal to another revision's id
SELECT pgm_regress.rev('g_bad', 'lb3', labels => '{cyc1}');
\echo :SQLSTATE
-- an id equal to an existing label
SELECT pgm_regress.rev('g_bad', 'shared');
\echo :SQLSTATE
-- none of the refused registrations left anything behind
SELECT id, parents, branch_labels, depends_on
  FROM migrate.history(project => 'g_bad') ORDER BY id;
SELECT * FROM migrate.heads('g_bad');
SELECT * FROM migrate.heads('g_bad', resolve_dependencies => true);
