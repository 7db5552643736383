--
-- history: the read-only view of the graph (docs/revision-graph.md section 6).
-- Rows run from the heads down to the bases in the downgrade order of
-- section 4; flags are drawn from base, mergepoint, branchpoint, head,
-- current (in that order); a range a:b is inclusive, a must be an ancestor
-- of b, either end may be omitted, and 'current' may be an endpoint.
-- applied_at is never shown.  Every scenario uses its own project (h_*).
--
\i sql/include/helpers.sql

--
-- FORK at {c1}: the whole graph, d1 c1 d2 c2 b a.  b is the branch point,
-- d1 and d2 the heads, a the base; c1 is current; a, b, c1 are applied.
-- Messages and labels come from registration.
--
SELECT pgm_regress.fork('h_fork');
SELECT migrate.revision(id => 'b', parents => '{a}', project => 'h_fork',
						message => 'the branch point',
						up => 'CREATE TABLE h_fork_b (x int)',
						down => 'DROP TABLE h_fork_b');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'h_fork');
SELECT id, parents, branch_labels, depends_on, message, flags, applied
  FROM migrate.history(project => 'h_fork');
-- the default range is the whole graph
SELECT id FROM migrate.history(NULL, 'h_fork');

--
-- Ranges on FORK: b:d1 = d1 c1 b; b: = everything from b up to the heads;
-- :c2 = from the base up to c2; a label as an endpoint (c2branch:).
--
SELECT id, flags FROM migrate.history('b:d1', 'h_fork');
SELECT id, flags FROM migrate.history('b:', 'h_fork');
SELECT id, flags FROM migrate.history(':c2', 'h_fork');
SELECT id, flags FROM migrate.history('c2branch:', 'h_fork');

--
-- 'current' as an endpoint (FORK at {c1}): current: = d1 c1,
-- :current = c1 b a.
--
SELECT id, flags, applied FROM migrate.history('current:', 'h_fork');
SELECT id, flags, applied FROM migrate.history(':current', 'h_fork');

--
-- In a:b, a must be an ancestor of b (22023).
--
SELECT id FROM migrate.history('c1:d2', 'h_fork');
\echo :SQLSTATE
SELECT id FROM migrate.history('d1:b', 'h_fork');
\echo :SQLSTATE

--
-- LIN at {r2}: ranges are inclusive at both ends.
--
SELECT pgm_regress.lin('h_lin');
SELECT step, revision, direction FROM migrate.upgrade('r2', 'h_lin');
SELECT id, flags, applied FROM migrate.history(project => 'h_lin');
SELECT id FROM migrate.history('r2:r3', 'h_lin');
SELECT id FROM migrate.history('r2:r2', 'h_lin');
SELECT id FROM migrate.history('r2:', 'h_lin');
SELECT id FROM migrate.history(':r2', 'h_lin');
SELECT id FROM migrate.history('current:', 'h_lin');
SELECT id FROM migrate.history(':current', 'h_lin');
SELECT id FROM migrate.history('current:r3', 'h_lin');
SELECT id FROM migrate.history('r3:r2', 'h_lin');
\echo :SQLSTATE

--
-- DIAM at {m}: m is a merge point and a head, a is the base and the branch
-- point; order m b1 b2 a, the reverse of upgrade('m').
--
SELECT pgm_regress.diam('h_diam');
SELECT step, revision, direction FROM migrate.upgrade('m', 'h_diam');
SELECT id, parents, flags, applied FROM migrate.history(project => 'h_diam');

--
-- FOREST: two trees, b1 a1 b2 a2.
--
SELECT pgm_regress.forest('h_forest');
SELECT id, parents, flags, applied FROM migrate.history(project => 'h_forest');

--
-- DEP at {p2}: dependents before their dependencies, p2 p1 l2 l1.  l2 is a
-- (versioned) head although p2 depends on it; only p2 is current.
--
SELECT pgm_regress.dep('h_dep');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'h_dep');
SELECT id, parents, branch_labels, depends_on, flags, applied
  FROM migrate.history(project => 'h_dep');


--
-- Ranges go up parent edges only from their lower end.  CROSS (c2 depends
-- on c1): history('c1:') lists d1 c1, not c2; history('current:') from
-- {b1} lists d1 c1 b1.  A range's lower end must still be among what its
-- upper end needs, through any edge: c1:c2 is c1 alone.
--
SELECT pgm_regress.cross_deps('h_cross');
SELECT id FROM migrate.history('c1:', 'h_cross');
SELECT step, revision, direction FROM migrate.upgrade('b1', 'h_cross');
SELECT id FROM migrate.history('current:', 'h_cross');
SELECT id FROM migrate.history('c1:c2', 'h_cross');
SELECT id FROM migrate.history('b1:c2', 'h_cross');
