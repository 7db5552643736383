--
-- stamp: rewriting the version set without running migration SQL
-- (REVISION-GRAPH.md section 6).  stamp() returns 'unstamp' rows for the
-- revisions no longer applied (in downgrade order) and then 'stamp' rows
-- for the revisions newly marked applied (in upgrade order).  The tables
-- show that no script ran.  Every scenario uses its own project (st_*).
--
-- rev(p, r, ...): register revision r in project p.  Its up script creates
-- table <p>_<r>, its down script drops it.
CREATE FUNCTION pg_temp.rev(p text, r text, parents text[] DEFAULT '{}',
							labels text[] DEFAULT '{}', deps text[] DEFAULT '{}')
RETURNS text LANGUAGE sql AS $$
	SELECT migrate.revision(id => r,
							up => format('CREATE TABLE %I (x int)', p || '_' || r),
							down => format('DROP TABLE %I', p || '_' || r),
							parents => parents, branch_labels => labels,
							depends_on => deps, project => p)
$$;
-- state(p): the current version set (sorted) and the tables that exist.
CREATE FUNCTION pg_temp.state(p text, OUT current text, OUT tables text)
LANGUAGE sql AS $$
	SELECT (SELECT coalesce(string_agg(c, ' ' ORDER BY c), '')
			  FROM migrate.current(p) AS c),
		   (SELECT coalesce(string_agg(substr(tablename, length(p) + 2), ' '
									   ORDER BY tablename), '')
			  FROM pg_catalog.pg_tables
			 WHERE schemaname = 'public' AND starts_with(tablename, p || '_'))
$$;
-- The example graphs of REVISION-GRAPH.md, registered in the order shown.
-- FORK  a -> b -> c1 -> d1 (label c1branch), b -> c2 -> d2 (label c2branch)
CREATE FUNCTION pg_temp.fork(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pg_temp.rev(p, 'a');
	SELECT pg_temp.rev(p, 'b', '{a}');
	SELECT pg_temp.rev(p, 'c1', '{b}', '{c1branch}');
	SELECT pg_temp.rev(p, 'd1', '{c1}');
	SELECT pg_temp.rev(p, 'c2', '{b}', '{c2branch}');
	SELECT pg_temp.rev(p, 'd2', '{c2}');
$$;
-- DIAM  a -> b1, a -> b2, m has parents (b1, b2)
CREATE FUNCTION pg_temp.diam(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pg_temp.rev(p, 'a');
	SELECT pg_temp.rev(p, 'b1', '{a}');
	SELECT pg_temp.rev(p, 'b2', '{a}');
	SELECT pg_temp.rev(p, 'm', '{b1,b2}');
$$;
-- FOREST  a1 -> b1 and a2 -> b2
CREATE FUNCTION pg_temp.forest(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pg_temp.rev(p, 'a1');
	SELECT pg_temp.rev(p, 'b1', '{a1}');
	SELECT pg_temp.rev(p, 'a2');
	SELECT pg_temp.rev(p, 'b2', '{a2}');
$$;
-- DEP  l1 (label lib) -> l2 ; p1 (label app) -> p2, p2 depends_on l2
CREATE FUNCTION pg_temp.dep(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pg_temp.rev(p, 'l1', labels => '{lib}');
	SELECT pg_temp.rev(p, 'l2', '{l1}');
	SELECT pg_temp.rev(p, 'p1', labels => '{app}');
	SELECT pg_temp.rev(p, 'p2', '{p1}', deps => '{l2}');
$$;

-- LIN  r1 -> r2 -> r3 -> r4
CREATE FUNCTION pg_temp.lin(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pg_temp.rev(p, 'r1');
	SELECT pg_temp.rev(p, 'r2', '{r1}');
	SELECT pg_temp.rev(p, 'r3', '{r2}');
	SELECT pg_temp.rev(p, 'r4', '{r3}');
$$;

--
-- Tips of unrelated branches are kept: FOREST {b1, b2} + stamp('a1') ->
-- {a1, b2}.  Only b1 is unmarked; its table stays.
--
SELECT pg_temp.forest('st_forest1');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'st_forest1');
SELECT step, revision, direction FROM migrate.stamp('a1', 'st_forest1');
SELECT * FROM pg_temp.state('st_forest1');

--
-- FORK {d1} + stamp('c2') -> {c2, d1}; c2's table is not created.
--
SELECT pg_temp.fork('st_fork1');
SELECT step, revision, direction FROM migrate.upgrade('d1', 'st_fork1');
SELECT step, revision, direction FROM migrate.stamp('c2', 'st_fork1');
SELECT * FROM pg_temp.state('st_fork1');

--
-- purge => true clears the version set, then stamps:
-- FORK {d1} + stamp('c2', purge => true) -> {c2}.
--
SELECT pg_temp.fork('st_fork2');
SELECT step, revision, direction FROM migrate.upgrade('d1', 'st_fork2');
SELECT step, revision, direction FROM migrate.stamp('c2', 'st_fork2', purge => true);
SELECT * FROM pg_temp.state('st_fork2');

--
-- A target below a merge replaces the merged tip: DIAM {m} + stamp('b2')
-- -> {b2}.  stamp('base') then clears the version set.
--
SELECT pg_temp.diam('st_diam');
SELECT step, revision, direction FROM migrate.upgrade('m', 'st_diam');
SELECT step, revision, direction FROM migrate.stamp('b2', 'st_diam');
SELECT * FROM pg_temp.state('st_diam');
SELECT step, revision, direction FROM migrate.stamp('base', 'st_diam');
SELECT * FROM pg_temp.state('st_diam');
SELECT step, revision, direction FROM migrate.stamp('base', 'st_diam');

--
-- stamp('heads') stamps all real heads: FORK from empty -> {d1, d2}.
--
SELECT pg_temp.fork('st_fork3');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_fork3');
SELECT * FROM pg_temp.state('st_fork3');

--
-- pg_migrate: the result is always a consistent version set.
-- FORK {c1, d2} + stamp('heads') -> {d1, d2}.
--
SELECT pg_temp.fork('st_fork4');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'st_fork4');
SELECT step, revision, direction FROM migrate.upgrade('d2', 'st_fork4');
SELECT * FROM pg_temp.state('st_fork4');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_fork4');
SELECT * FROM pg_temp.state('st_fork4');

--
-- Stamping on one line keeps only the higher revision: LIN {r2} +
-- stamp('r3') -> {r3}; stamp moves down as well: + stamp('r1') -> {r1};
-- and up past several: + stamp('r4') -> {r4}.
--
SELECT pg_temp.lin('st_lin');
SELECT step, revision, direction FROM migrate.upgrade('r2', 'st_lin');
SELECT step, revision, direction FROM migrate.stamp('r3', 'st_lin');
SELECT * FROM pg_temp.state('st_lin');
SELECT step, revision, direction FROM migrate.stamp('r1', 'st_lin');
SELECT * FROM pg_temp.state('st_lin');
SELECT step, revision, direction FROM migrate.stamp('r4', 'st_lin');
SELECT * FROM pg_temp.state('st_lin');

--
-- DEP: the only real head is p2, so stamp('heads') -> {p2}; l2 is marked
-- applied (p2 depends on it) but is no tip.
--
SELECT pg_temp.dep('st_dep');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_dep');
SELECT * FROM pg_temp.state('st_dep');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'st_dep');

--
-- A stamp changes what later commands do: FORK stamped at b, then
-- upgrade('heads') runs only c2 d2 c1 d1 (a and b count as applied).
--
SELECT pg_temp.fork('st_fork5');
SELECT step, revision, direction FROM migrate.stamp('b', 'st_fork5');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'st_fork5');
SELECT * FROM pg_temp.state('st_fork5');

--
-- <rev>@base as a stamp target unmarks the lineage of that root and keeps
-- the other tree: FOREST {b1, b2} + stamp('b1@base') -> {b2}.
--
SELECT pg_temp.forest('st_forest2');
SELECT step, revision, direction FROM migrate.stamp('heads', 'st_forest2');
SELECT step, revision, direction FROM migrate.stamp('b1@base', 'st_forest2');
SELECT * FROM pg_temp.state('st_forest2');

--
-- stamp('head') with several heads fails like upgrade('head') (22023) and
-- changes nothing.
--
SELECT step, revision, direction FROM migrate.stamp('head', 'st_forest2');
\echo :SQLSTATE
SELECT * FROM pg_temp.state('st_forest2');
