\set ECHO none
--
-- include/helpers.sql: what the regression files share, included by each
-- of them (\i sql/include/helpers.sql) so that any file runs on its own, in
-- any order (make installcheck REGRESS=downgrade; pg_regress runs psql in the
-- repository root, so the path is relative to it).  Rerunnable: everything
-- is created only if missing or replaced.  Echo and notices are off while
-- it runs, so a file's expected output shows only the include line.
--
--   schema pgm_regress  helper functions (below)
--   regress_deployer    migrate.grant_deploy(): register and run migrations
--   regress_monitor     migrate.grant_monitor(): read state, never scripts
--   regress_nobody      no grants at all
--
SET client_min_messages = warning;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['regress_deployer', 'regress_monitor', 'regress_nobody']
	LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
	PERFORM migrate.grant_deploy('regress_deployer', NULL);
	PERFORM migrate.grant_monitor('regress_monitor', NULL);
END;
$$;
CREATE SCHEMA IF NOT EXISTS pgm_regress;

-- rev(p, r, ...): register revision r in project p.  Its up script creates
-- table <p>_<r>, its down script drops it.  msg is the revision's message
-- (none by default).
CREATE OR REPLACE FUNCTION pgm_regress.rev(p text, r text, parents text[] DEFAULT '{}',
								labels text[] DEFAULT '{}', deps text[] DEFAULT '{}',
								msg text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
	SELECT migrate.revision(id => r,
							up => format('CREATE TABLE %I (x int)', p || '_' || r),
							down => format('DROP TABLE %I', p || '_' || r),
							parents => parents, message => msg,
							branch_labels => labels, depends_on => deps,
							project => p)
$$;
-- rev_msg(p, r, ...): rev() with message 'add <r>'.
CREATE OR REPLACE FUNCTION pgm_regress.rev_msg(p text, r text, parents text[] DEFAULT '{}',
									labels text[] DEFAULT '{}', deps text[] DEFAULT '{}')
RETURNS text LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, r, parents, labels, deps, 'add ' || r)
$$;
-- state(p): the current version set (sorted) and the tables that exist.
CREATE OR REPLACE FUNCTION pgm_regress.state(p text, OUT current text, OUT tables text)
LANGUAGE sql AS $$
	SELECT (SELECT coalesce(string_agg(c, ' ' ORDER BY c), '')
			  FROM migrate.current(p) AS c),
		   (SELECT coalesce(string_agg(substr(tablename, length(p) + 2), ' '
									   ORDER BY tablename), '')
			  FROM pg_catalog.pg_tables
			 WHERE schemaname = 'public' AND starts_with(tablename, p || '_'))
$$;
-- The example graphs of docs/revision-graph.md, registered in the order shown,
-- each in the project p given.
-- FORK  a -> b -> c1 -> d1 (label c1branch), b -> c2 -> d2 (label c2branch)
CREATE OR REPLACE FUNCTION pgm_regress.fork(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a');
	SELECT pgm_regress.rev(p, 'b', '{a}');
	SELECT pgm_regress.rev(p, 'c1', '{b}', '{c1branch}');
	SELECT pgm_regress.rev(p, 'd1', '{c1}');
	SELECT pgm_regress.rev(p, 'c2', '{b}', '{c2branch}');
	SELECT pgm_regress.rev(p, 'd2', '{c2}');
$$;
-- DIAM  a -> b1, a -> b2, m has parents (b1, b2)
CREATE OR REPLACE FUNCTION pgm_regress.diam(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a');
	SELECT pgm_regress.rev(p, 'b1', '{a}');
	SELECT pgm_regress.rev(p, 'b2', '{a}');
	SELECT pgm_regress.rev(p, 'm', '{b1,b2}');
$$;
-- FOREST  a1 -> b1 and a2 -> b2
CREATE OR REPLACE FUNCTION pgm_regress.forest(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a1');
	SELECT pgm_regress.rev(p, 'b1', '{a1}');
	SELECT pgm_regress.rev(p, 'a2');
	SELECT pgm_regress.rev(p, 'b2', '{a2}');
$$;
-- DEP  l1 (label lib) -> l2 ; p1 (label app) -> p2, p2 depends_on l2
CREATE OR REPLACE FUNCTION pgm_regress.dep(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'l1', labels => '{lib}');
	SELECT pgm_regress.rev(p, 'l2', '{l1}');
	SELECT pgm_regress.rev(p, 'p1', labels => '{app}');
	SELECT pgm_regress.rev(p, 'p2', '{p1}', deps => '{l2}');
$$;
-- LIN  r1 -> r2 -> r3 -> r4
CREATE OR REPLACE FUNCTION pgm_regress.lin(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'r1');
	SELECT pgm_regress.rev(p, 'r2', '{r1}');
	SELECT pgm_regress.rev(p, 'r3', '{r2}');
	SELECT pgm_regress.rev(p, 'r4', '{r3}');
$$;
-- CHAIN  x1 -> x2 -> x3 -> y (label ylab), x3 -> z
CREATE OR REPLACE FUNCTION pgm_regress.chain(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'x1');
	SELECT pgm_regress.rev(p, 'x2', '{x1}');
	SELECT pgm_regress.rev(p, 'x3', '{x2}');
	SELECT pgm_regress.rev(p, 'y', '{x3}', '{ylab}');
	SELECT pgm_regress.rev(p, 'z', '{x3}');
$$;
-- CROSS  a1 -> b1 -> c1 -> d1; a2 -> b2 -> c2, c2 depends_on c1
CREATE OR REPLACE FUNCTION pgm_regress.cross_deps(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a1');
	SELECT pgm_regress.rev(p, 'b1', '{a1}');
	SELECT pgm_regress.rev(p, 'c1', '{b1}');
	SELECT pgm_regress.rev(p, 'd1', '{c1}');
	SELECT pgm_regress.rev(p, 'a2');
	SELECT pgm_regress.rev(p, 'b2', '{a2}');
	SELECT pgm_regress.rev(p, 'c2', '{b2}', deps => '{c1}');
$$;
-- BASEDEP  a1; b1 (no parent) depends_on a1; m has parents (a1, b1)
CREATE OR REPLACE FUNCTION pgm_regress.basedep(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a1');
	SELECT pgm_regress.rev(p, 'b1', deps => '{a1}');
	SELECT pgm_regress.rev(p, 'm', '{a1,b1}');
$$;

RESET client_min_messages;
-- The files share one database, and a project's default scope is every
-- schema in it: what other files create by hand would be drift.  The
-- check before commands is off here; schema.sql turns it on to test it.
SET pg_migrate.on_drift = ignore;
\set ECHO all
