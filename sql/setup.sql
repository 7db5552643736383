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
-- Roles and helper functions for the other files, which each include them
-- too (sql/include/helpers.sql):
--
--   regress_deployer  migrate.grant_deploy(): register and run migrations
--   regress_monitor   migrate.grant_monitor(): read state, never scripts
--   regress_nobody    no grants at all
--   schema pgm_regress  the helper functions
--
\i sql/include/helpers.sql

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

-- The helper functions.
SELECT p.proname
  FROM pg_proc p
 WHERE p.pronamespace = 'pgm_regress'::regnamespace
 ORDER BY p.proname;
