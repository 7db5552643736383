--
-- extension_update: ALTER EXTENSION pg_migrate UPDATE from 0.1.0 to the
-- default version keeps the revisions, the version state and the audit
-- trail, adds migrate.apply() and migrate.progress() (0.2.0) and
-- migrate.projects.complete_version with an index (0.3.0), per-project
-- grants, owner-only writes and the schema as an extension member (0.4.0),
-- and leaves exactly the objects and privileges of a fresh install.  Before the
-- update, the current library works on the 0.1.0 tables.
--
-- The test database already has the extension at the default version, so
-- this file works in two databases of its own, created here and dropped at
-- the end: pgm_fresh_test (CREATE EXTENSION pg_migrate, the default
-- version) and pgm_update_test (VERSION '0.1.0', then updated).  Roles are
-- those of setup.sql.
--
\i sql/include/helpers.sql
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pgm_fresh_test;
DROP DATABASE IF EXISTS pgm_update_test;
RESET client_min_messages;
CREATE DATABASE pgm_fresh_test TEMPLATE template0;
CREATE DATABASE pgm_update_test TEMPLATE template0;

SELECT source, target, path FROM pg_extension_update_paths('pg_migrate')
 WHERE path IS NOT NULL ORDER BY source, target;

--
-- describe: one line per object in schema migrate (routines with their
-- signature, properties, language, a digest of their body; relations,
-- columns with type and default, constraints, indexes; which of them belong
-- to the extension; which tables pg_dump dumps) and its privileges.  Owner
-- and PUBLIC are written as "owner" and "PUBLIC", so that the lines do not
-- depend on the role running the tests.  Kept in a psql variable to run
-- the same query in both databases.
--
SELECT $describe$
SELECT o.kind || ' ' || o.name || coalesce(' ' || o.extra, '')
       || coalesce(' member=' || o.member, '')
       || coalesce(' acl=' || (SELECT string_agg(g, ',' ORDER BY g)
                                 FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                                   WHEN a.grantee = o.owner THEN 'owner'
                                                   ELSE a.grantee::regrole::text END
                                              || ':' || a.privilege_type
                                              || CASE WHEN a.is_grantable THEN '*' ELSE '' END AS g
                                         FROM aclexplode(o.acl) a) x), '') AS line
  FROM (SELECT 'extension' AS kind, e.extname::text AS name,
               format('relocatable=%s schema=%s', e.extrelocatable, e.extnamespace::regnamespace) AS extra,
               NULL::aclitem[] AS acl, NULL::oid AS owner, NULL::boolean AS member
          FROM pg_extension e WHERE e.extname = 'pg_migrate'
        UNION ALL
        SELECT 'config_dump', c::regclass::text, NULL, NULL, NULL, NULL
          FROM pg_extension e, unnest(e.extconfig) AS c WHERE e.extname = 'pg_migrate'
        UNION ALL
        SELECT 'schema', n.nspname::text, NULL,
               coalesce(n.nspacl, acldefault('n', n.nspowner)), n.nspowner,
               EXISTS (SELECT FROM pg_depend d
                        WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid
                          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
          FROM pg_namespace n WHERE n.nspname = 'migrate'
        UNION ALL
        SELECT 'routine', p.oid::regprocedure::text,
               format('kind=%s volatile=%s strict=%s secdef=%s leakproof=%s parallel=%s lang=%s args=(%s) result=%s config=%s bin=%s body=%s',
                      p.prokind, p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof,
                      p.proparallel, l.lanname, pg_get_function_arguments(p.oid),
                      pg_get_function_result(p.oid), p.proconfig, p.probin, md5(p.prosrc)),
               coalesce(p.proacl, acldefault('f', p.proowner)), p.proowner,
               EXISTS (SELECT FROM pg_depend d
                        WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
          FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
         WHERE p.pronamespace = 'migrate'::regnamespace
        UNION ALL
        SELECT 'relation', c.relname::text, format('kind=%s', c.relkind),
               coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'::"char" ELSE 'r'::"char" END, c.relowner)),
               c.relowner,
               EXISTS (SELECT FROM pg_depend d
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
          FROM pg_class c WHERE c.relnamespace = 'migrate'::regnamespace
        UNION ALL
        SELECT 'column', c.relname || '.' || a.attname,
               format('type=%s notnull=%s default=%s', format_type(a.atttypid, a.atttypmod),
                      a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid)),
               a.attacl, c.relowner, NULL
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
         WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'v', 'p')
        UNION ALL
        SELECT 'constraint', con.conrelid::regclass || '.' || con.conname,
               pg_get_constraintdef(con.oid), NULL, NULL, NULL
          FROM pg_constraint con WHERE con.connamespace = 'migrate'::regnamespace
        UNION ALL
        SELECT 'index', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), NULL, NULL, NULL
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relnamespace = 'migrate'::regnamespace) o
$describe$ AS describe \gset

--
-- A fresh install of the default version, with the grants a DBA gives.
--
\c pgm_fresh_test
CREATE EXTENSION pg_migrate;
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';
SELECT migrate.grant_deploy('regress_deployer', NULL);
SELECT migrate.grant_monitor('regress_monitor', NULL);
SELECT string_agg(line, E'\n' ORDER BY line) AS fresh_catalog FROM (:describe) d \gset

--
-- 0.1.0, with state in two projects: upd has u1 u2 applied and u3
-- pending, upd_other is fully applied.  0.1.0 has neither apply() nor
-- progress().  What the tables hold is kept in temporary tables to compare
-- after the update.
--
\c pgm_update_test
CREATE EXTENSION pg_migrate VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';
SELECT to_regprocedure('migrate.apply(text, text)') AS apply,
       to_regprocedure('migrate.progress()') AS progress;
SELECT migrate.revision('u1', 'CREATE TABLE upd_u1 (id integer PRIMARY KEY)', 'DROP TABLE upd_u1',
                        project => 'upd');
SELECT migrate.revision('u2', 'INSERT INTO upd_u1 VALUES (1), (2)', 'DELETE FROM upd_u1',
                        '{u1}', 'two rows', project => 'upd');
SELECT migrate.revision('u3', 'ALTER TABLE upd_u1 ADD COLUMN note text DEFAULT ''x''',
                        'ALTER TABLE upd_u1 DROP COLUMN note', '{u2}', project => 'upd');
SELECT step, revision, direction FROM migrate.upgrade('u2', 'upd');
SELECT migrate.revision('o1', 'CREATE TABLE upd_o1 (x integer)', 'DROP TABLE upd_o1',
                        project => 'upd_other');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'upd_other');
-- access given under 0.1.0 (for every project: 0.1.0 had no other kind)
SELECT migrate.grant_deploy('regress_deployer');
SELECT migrate.grant_monitor('regress_monitor');
CREATE TEMP TABLE before_projects AS SELECT * FROM migrate.projects;
CREATE TEMP TABLE before_revisions AS SELECT * FROM migrate.revisions;
CREATE TEMP TABLE before_applied AS SELECT * FROM migrate.applied;
CREATE TEMP TABLE before_events AS SELECT * FROM migrate.events;

ALTER EXTENSION pg_migrate UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';

-- Every row of every table is still there, unchanged (rows only on one side: none).
CREATE TEMP VIEW projects_0_1 AS
  SELECT project, lock_key, state_version, created_at, changed_at FROM migrate.projects;
CREATE TEMP VIEW events_0_1 AS
  SELECT event_id, project, revision, direction, started_at, duration, outcome, sqlstate,
         error_message, statement, current_user_name, session_user_name, application_name,
         client_addr, backend_pid, transaction_id, wal_lsn FROM migrate.events;
-- 0.4.0: the events that ran a trusted registrant's script name it (none yet)
SELECT count(*) AS trusted FROM migrate.events WHERE trusted_registrant IS NOT NULL;
-- 0.4.0: access given before it is kept, for every project, and written out
SELECT role, project, access FROM migrate.grants ORDER BY role::text;
-- 0.4.0: nobody but the owner may write the tables any more
SELECT c.relname, r.rolname,
       has_table_privilege(r.rolname, c.oid, 'INSERT') AS ins,
       has_table_privilege(r.rolname, c.oid, 'UPDATE') AS upd,
       has_table_privilege(r.rolname, c.oid, 'DELETE') AS del,
       has_table_privilege(r.rolname, c.oid, 'SELECT') AS sel
  FROM pg_class c, pg_roles r
 WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind = 'r'
   AND r.rolname IN ('regress_deployer', 'regress_monitor')
 ORDER BY 1, 2;
-- 0.4.0: schema migrate belongs to the extension, whose own schema is pg_catalog
SELECT e.extnamespace::regnamespace AS extension_schema,
       EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_namespace'::regclass AND d.objid = 'migrate'::regnamespace
                  AND d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
                  AND d.deptype = 'e') AS schema_is_member
  FROM pg_extension e WHERE e.extname = 'pg_migrate';
-- 0.4.0: the registrant of a revision not yet applied could have been
-- written by any deploy role: it is cleared, so that running it needs trust
SELECT project, id, registered_by FROM migrate.revisions ORDER BY project, seq;
UPDATE before_revisions b SET registered_by = ''
 WHERE NOT EXISTS (SELECT FROM before_applied a WHERE a.project = b.project AND a.revision = b.id);
SELECT 'projects' AS tab, count(*) AS changed
  FROM ((TABLE projects_0_1 EXCEPT ALL TABLE before_projects)
        UNION ALL (TABLE before_projects EXCEPT ALL TABLE projects_0_1)) x
UNION ALL
SELECT 'revisions', count(*)
  FROM ((TABLE migrate.revisions EXCEPT ALL TABLE before_revisions)
        UNION ALL (TABLE before_revisions EXCEPT ALL TABLE migrate.revisions)) x
UNION ALL
SELECT 'applied', count(*)
  FROM ((TABLE migrate.applied EXCEPT ALL TABLE before_applied)
        UNION ALL (TABLE before_applied EXCEPT ALL TABLE migrate.applied)) x
UNION ALL
SELECT 'events', count(*)
  FROM ((TABLE events_0_1 EXCEPT ALL TABLE before_events)
        UNION ALL (TABLE before_events EXCEPT ALL TABLE events_0_1)) x;
SELECT project, revision, direction, outcome FROM migrate.events ORDER BY event_id;
-- completeness is unknown until the next command
SELECT project, complete_version FROM migrate.projects ORDER BY project;
SELECT revision, message, state FROM migrate.status('upd');
SELECT * FROM migrate.current('upd_other');
SELECT id FROM upd_u1 ORDER BY id;

-- Roles given access under 0.1.0 may use what 0.2.0 adds, without a new grant.
SELECT r.routine,
       has_function_privilege('regress_deployer', r.routine, 'EXECUTE') AS deployer,
       has_function_privilege('regress_monitor', r.routine, 'EXECUTE') AS monitor
  FROM (VALUES ('migrate.apply(text, text, boolean)'), ('migrate.lock(text)'),
               ('migrate.progress()')) AS r(routine);

-- The new routines exist and work on the old state.
SELECT to_regprocedure('migrate.apply(text, text, boolean)') AS apply,
       to_regprocedure('migrate.progress()') AS progress;
SET client_min_messages = warning;
CALL migrate.apply('heads', 'upd');
\echo :SQLSTATE
CALL migrate.apply('heads', 'upd', trust_registrants => true);
\echo :SQLSTATE
RESET client_min_messages;
SELECT revision, state FROM migrate.status('upd');
SELECT project, complete_version = state_version AS complete
  FROM migrate.projects ORDER BY project;
SELECT id, note FROM upd_u1 ORDER BY id;
SELECT project, revision, direction, outcome FROM migrate.events
 WHERE event_id > (SELECT max(event_id) FROM before_events) ORDER BY event_id;
SELECT count(*) AS progress_rows FROM migrate.progress() WHERE project = 'upd';
SELECT migrate.status_json('upd') -> 'lock' AS lock,
       migrate.status_json('upd') -> 'waiting' AS waiting,
       migrate.status_json('upd') -> 'up_to_date' AS up_to_date;
SELECT step, revision, direction FROM migrate.upgrade('heads', 'upd');

--
-- The same grants as in pgm_fresh_test, then the same objects, properties
-- and privileges: the lines of describe that only one side has (none).
--
SELECT migrate.grant_deploy('regress_deployer', NULL);
SELECT migrate.grant_monitor('regress_monitor', NULL);
SELECT 'only after update' AS side, line FROM (:describe) d
EXCEPT
SELECT 'only after update', line FROM unnest(string_to_array(:'fresh_catalog', E'\n')) AS line
UNION ALL
(SELECT 'only in fresh install', line FROM unnest(string_to_array(:'fresh_catalog', E'\n')) AS line
 EXCEPT
 SELECT 'only in fresh install', line FROM (:describe) d)
ORDER BY 1, 2;
-- what the comparison covered
SELECT split_part(line, ' ', 1) AS kind, count(*) AS lines
  FROM unnest(string_to_array(:'fresh_catalog', E'\n')) AS line
 GROUP BY 1 ORDER BY 1;
-- the routines and who may run them
SELECT p.oid::regprocedure AS routine, p.prokind,
       has_function_privilege('regress_deployer', p.oid, 'EXECUTE') AS deployer,
       has_function_privilege('regress_monitor', p.oid, 'EXECUTE') AS monitor,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public
  FROM pg_proc p
 WHERE p.pronamespace = 'migrate'::regnamespace
 ORDER BY p.proname, pg_catalog.oidvectortypes(p.proargtypes);

--
-- Clean up.
--
\c :regress_db
DROP DATABASE pgm_update_test;
DROP DATABASE pgm_fresh_test;
