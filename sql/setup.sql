--
-- setup: the objects CREATE EXTENSION pg_migrate creates, what PUBLIC may
-- do with them (nothing), the roles later files use, and the helper
-- functions later files share (schema pgm_regress).
--
-- pg_regress --load-extension=pg_migrate has already created the extension.
--

SELECT e.extname, e.extversion, e.extrelocatable, n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'pg_migrate';

-- Every function with its argument types, result and volatility.
SELECT p.proname,
       pg_catalog.oidvectortypes(p.proargtypes) AS argument_types,
       CASE WHEN p.proretset THEN 'setof ' ELSE '' END || p.prorettype::regtype AS returns,
       p.prokind, p.provolatile, p.proisstrict
  FROM pg_proc p
 WHERE p.pronamespace = 'migrate'::regnamespace
 ORDER BY p.proname, argument_types;

-- Tables and sequences.
SELECT c.relname, c.relkind
  FROM pg_class c
 WHERE c.relnamespace = 'migrate'::regnamespace
   AND c.relkind IN ('r', 'S', 'v', 'm', 'p')
 ORDER BY c.relname;

-- Everything that holds user state is dumped with the database.
SELECT c::regclass AS config_dump
  FROM pg_extension e, unnest(e.extconfig) AS c
 WHERE e.extname = 'pg_migrate'
 ORDER BY c::regclass::text;

-- Every object in schema migrate belongs to the extension.
SELECT c.relname AS not_an_extension_member
  FROM pg_class c
 WHERE c.relnamespace = 'migrate'::regnamespace
   AND c.relkind IN ('r', 'S', 'v', 'm', 'p')
   AND NOT EXISTS (SELECT FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e');

--
-- PUBLIC has no privileges on anything in schema migrate.
--
SELECT has_schema_privilege('public', 'migrate', 'USAGE') AS public_usage,
       has_schema_privilege('public', 'migrate', 'CREATE') AS public_create;

SELECT c.relname AS public_table_privilege
  FROM pg_class c
 WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
   AND (has_table_privilege('public', c.oid,
                            'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
        OR has_any_column_privilege('public', c.oid,
                                    'SELECT, INSERT, UPDATE, REFERENCES'));

SELECT c.relname AS public_sequence_privilege
  FROM pg_class c
 WHERE c.relnamespace = 'migrate'::regnamespace
   AND CASE WHEN c.relkind = 'S'
            THEN has_sequence_privilege('public', c.oid, 'USAGE, SELECT, UPDATE') END;

SELECT p.oid::regprocedure AS public_execute
  FROM pg_proc p
 WHERE p.pronamespace = 'migrate'::regnamespace
   AND has_function_privilege('public', p.oid, 'EXECUTE');

-- The same, from the ACLs themselves: no entry names PUBLIC (grantee 0).
SELECT count(*) AS public_acl_entries
  FROM (SELECT (aclexplode(c.relacl)).grantee FROM pg_class c
         WHERE c.relnamespace = 'migrate'::regnamespace
        UNION ALL
        SELECT (aclexplode(p.proacl)).grantee FROM pg_proc p
         WHERE p.pronamespace = 'migrate'::regnamespace
        UNION ALL
        SELECT (aclexplode(n.nspacl)).grantee FROM pg_namespace n
         WHERE n.nspname = 'migrate') a
 WHERE a.grantee = 0;

--
-- Roles for later files.  Roles are cluster-wide, so create them only if
-- a previous run has not; the grants are per database and always repeated.
--
--   regress_deployer  migrate.grant_deploy(): register and run migrations
--   regress_monitor   migrate.grant_monitor(): read state, never scripts
--   regress_nobody    no grants at all
--
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
END;
$$;

SELECT migrate.grant_deploy('regress_deployer', NULL);
SELECT migrate.grant_monitor('regress_monitor', NULL);

-- Granting twice is harmless.
SELECT migrate.grant_deploy('regress_deployer', NULL);

SELECT r.rolname,
       has_schema_privilege(r.rolname, 'migrate', 'USAGE') AS usage,
       has_function_privilege(r.rolname, 'migrate.upgrade(text, text, boolean)', 'EXECUTE') AS upgrade,
       has_function_privilege(r.rolname, 'migrate.status(text)', 'EXECUTE') AS status,
       has_function_privilege(r.rolname, 'migrate.script(text, text, boolean)', 'EXECUTE') AS script
  FROM pg_roles r
 WHERE r.rolname IN ('regress_deployer', 'regress_monitor', 'regress_nobody')
 ORDER BY r.rolname;

-- The grant functions are for the DBA only.
SELECT p.oid::regprocedure AS grant_function,
       has_function_privilege('regress_deployer', p.oid, 'EXECUTE') AS deployer,
       has_function_privilege('regress_monitor', p.oid, 'EXECUTE') AS monitor
  FROM pg_proc p
 WHERE p.pronamespace = 'migrate'::regnamespace
   AND p.proname IN ('grant_access', 'grant_deploy', 'grant_monitor', 'revoke_access')
 ORDER BY p.proname;

--
-- Helper functions shared by later files, in schema pgm_regress.  Every
-- file runs in the same database, so what is created here stays for them.
-- Dropping the schema first makes this file rerunnable; the NOTICE that
-- DROP prints depends on whether the schema existed, so it is silenced.
-- A helper used by one file only is defined in that file, in pg_temp.
--
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS pgm_regress CASCADE;
RESET client_min_messages;
CREATE SCHEMA pgm_regress;

-- rev(p, r, ...): register revision r in project p.  Its up script creates
-- table <p>_<r>, its down script drops it.  msg is the revision's message
-- (none by default).
CREATE FUNCTION pgm_regress.rev(p text, r text, parents text[] DEFAULT '{}',
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
CREATE FUNCTION pgm_regress.rev_msg(p text, r text, parents text[] DEFAULT '{}',
									labels text[] DEFAULT '{}', deps text[] DEFAULT '{}')
RETURNS text LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, r, parents, labels, deps, 'add ' || r)
$$;
-- state(p): the current version set (sorted) and the tables that exist.
CREATE FUNCTION pgm_regress.state(p text, OUT current text, OUT tables text)
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
CREATE FUNCTION pgm_regress.fork(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a');
	SELECT pgm_regress.rev(p, 'b', '{a}');
	SELECT pgm_regress.rev(p, 'c1', '{b}', '{c1branch}');
	SELECT pgm_regress.rev(p, 'd1', '{c1}');
	SELECT pgm_regress.rev(p, 'c2', '{b}', '{c2branch}');
	SELECT pgm_regress.rev(p, 'd2', '{c2}');
$$;
-- DIAM  a -> b1, a -> b2, m has parents (b1, b2)
CREATE FUNCTION pgm_regress.diam(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a');
	SELECT pgm_regress.rev(p, 'b1', '{a}');
	SELECT pgm_regress.rev(p, 'b2', '{a}');
	SELECT pgm_regress.rev(p, 'm', '{b1,b2}');
$$;
-- FOREST  a1 -> b1 and a2 -> b2
CREATE FUNCTION pgm_regress.forest(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a1');
	SELECT pgm_regress.rev(p, 'b1', '{a1}');
	SELECT pgm_regress.rev(p, 'a2');
	SELECT pgm_regress.rev(p, 'b2', '{a2}');
$$;
-- DEP  l1 (label lib) -> l2 ; p1 (label app) -> p2, p2 depends_on l2
CREATE FUNCTION pgm_regress.dep(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'l1', labels => '{lib}');
	SELECT pgm_regress.rev(p, 'l2', '{l1}');
	SELECT pgm_regress.rev(p, 'p1', labels => '{app}');
	SELECT pgm_regress.rev(p, 'p2', '{p1}', deps => '{l2}');
$$;
-- LIN  r1 -> r2 -> r3 -> r4
CREATE FUNCTION pgm_regress.lin(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'r1');
	SELECT pgm_regress.rev(p, 'r2', '{r1}');
	SELECT pgm_regress.rev(p, 'r3', '{r2}');
	SELECT pgm_regress.rev(p, 'r4', '{r3}');
$$;
-- CHAIN  x1 -> x2 -> x3 -> y (label ylab), x3 -> z
CREATE FUNCTION pgm_regress.chain(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'x1');
	SELECT pgm_regress.rev(p, 'x2', '{x1}');
	SELECT pgm_regress.rev(p, 'x3', '{x2}');
	SELECT pgm_regress.rev(p, 'y', '{x3}', '{ylab}');
	SELECT pgm_regress.rev(p, 'z', '{x3}');
$$;
-- CROSS  a1 -> b1 -> c1 -> d1; a2 -> b2 -> c2, c2 depends_on c1
CREATE FUNCTION pgm_regress.cross_deps(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a1');
	SELECT pgm_regress.rev(p, 'b1', '{a1}');
	SELECT pgm_regress.rev(p, 'c1', '{b1}');
	SELECT pgm_regress.rev(p, 'd1', '{c1}');
	SELECT pgm_regress.rev(p, 'a2');
	SELECT pgm_regress.rev(p, 'b2', '{a2}');
	SELECT pgm_regress.rev(p, 'c2', '{b2}', deps => '{c1}');
$$;
-- BASEDEP  a1; b1 (no parent) depends_on a1; m has parents (a1, b1)
CREATE FUNCTION pgm_regress.basedep(p text) RETURNS void LANGUAGE sql AS $$
	SELECT pgm_regress.rev(p, 'a1');
	SELECT pgm_regress.rev(p, 'b1', deps => '{a1}');
	SELECT pgm_regress.rev(p, 'm', '{a1,b1}');
$$;
