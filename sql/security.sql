--
-- security: who may register, run and read migrations (docs/design.md section 7).
--
-- Roles come from setup.sql:
--   regress_deployer  migrate.grant_deploy()
--   regress_monitor   migrate.grant_monitor()
--   regress_nobody    nothing
--
-- Schemas for the migrations below: the deployer owns sec_app; sec_locked
-- belongs to the superuser running the tests, and nobody else may create
-- in it.
\i sql/include/helpers.sql
CREATE SCHEMA sec_app AUTHORIZATION regress_deployer;
CREATE SCHEMA sec_locked;
-- The target of every injection attempt below.
CREATE TABLE public.sec_sentinel (x integer);

--
-- 1. A role without grants is refused everything, before any lookup.
--
SET ROLE regress_nobody;
SELECT migrate.revision('n1', 'SELECT 1', project => 'sec_nobody');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_nobody');
\echo :SQLSTATE
SELECT revision, state FROM migrate.status('sec_nobody');
\echo :SQLSTATE
SELECT * FROM migrate.current('sec_nobody');
\echo :SQLSTATE
SELECT count(*) FROM migrate.revisions;
\echo :SQLSTATE
-- The per-project mutex lives in tables the role cannot touch.
BEGIN;
LOCK TABLE migrate.projects IN ACCESS EXCLUSIVE MODE;
\echo :SQLSTATE
ROLLBACK;
RESET ROLE;
SELECT count(*) AS sec_nobody_revisions FROM migrate.revisions WHERE project = 'sec_nobody';

--
-- 2. The deploy role registers and upgrades; its migrations run with its
-- own rights, so what they create belongs to it.
--
SET ROLE regress_deployer;
SELECT migrate.revision('d1', 'CREATE TABLE sec_app.widgets (id integer PRIMARY KEY)',
                        'DROP TABLE sec_app.widgets', message => 'widgets',
                        project => 'sec_deploy');
SELECT migrate.revision('d2', 'CREATE TABLE sec_app.gadgets (id integer); INSERT INTO sec_app.widgets VALUES (1)',
                        'DROP TABLE sec_app.gadgets; DELETE FROM sec_app.widgets', parents => '{d1}',
                        message => 'gadgets', project => 'sec_deploy');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_deploy');
SELECT * FROM migrate.current('sec_deploy');
-- The deploy role reads scripts (it could run them anyway).
SELECT id, up, down FROM migrate.show('d1', 'sec_deploy');
SELECT length(migrate.script('d1:d2', 'sec_deploy')) > 0 AS has_script;
-- It cannot create objects in schema migrate (no trojan functions or tables).
CREATE TABLE migrate.sec_evil (x integer);
\echo :SQLSTATE
RESET ROLE;

SELECT c.relname, pg_get_userbyid(c.relowner) AS owner
  FROM pg_class c
 WHERE c.relnamespace = 'sec_app'::regnamespace AND c.relkind = 'r'
 ORDER BY c.relname;
SELECT id, registered_by FROM migrate.revisions WHERE project = 'sec_deploy' ORDER BY id;
SELECT revision, applied_by FROM migrate.applied WHERE project = 'sec_deploy' ORDER BY revision;
SELECT revision, direction, outcome, current_user_name,
       session_user_name = session_user AS session_user_ok
  FROM migrate.events WHERE project = 'sec_deploy' ORDER BY event_id;

--
-- 3. A deploy-role migration that needs rights the role lacks fails with
-- the original 42501 and leaves nothing, not even its first statement.
--
SET ROLE regress_deployer;
SELECT migrate.revision('x1', 'CREATE TABLE sec_app.half_done (id integer); CREATE TABLE sec_locked.forbidden (id integer)',
                        'DROP TABLE sec_locked.forbidden; DROP TABLE sec_app.half_done',
                        project => 'sec_denied');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_denied');
\echo :SQLSTATE
RESET ROLE;
SELECT to_regclass('sec_app.half_done') AS half_done, to_regclass('sec_locked.forbidden') AS forbidden;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'sec_denied';
SELECT * FROM migrate.current('sec_denied');

-- Stored SQL runs with the rights of whoever runs it, not whoever
-- registered it: a superuser's revision run by the deploy role fails.
SELECT migrate.revision('su1', 'CREATE TABLE sec_locked.by_superuser (id integer)',
                        'DROP TABLE sec_locked.by_superuser', project => 'sec_invoker');
SET ROLE regress_deployer;
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_invoker');
\echo :SQLSTATE
RESET ROLE;
SELECT to_regclass('sec_locked.by_superuser') AS by_superuser;
-- The superuser can run it, and then owns the table.
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_invoker');
SELECT pg_get_userbyid(relowner) = current_user AS owned_by_runner
  FROM pg_class WHERE oid = 'sec_locked.by_superuser'::regclass;

--
-- 4. The monitor role reads state and history, never scripts, and changes
-- nothing.
--
SET ROLE regress_monitor;
SELECT revision, message, state, applied_by, is_head, is_current FROM migrate.status('sec_deploy');
SELECT * FROM migrate.current('sec_deploy');
SELECT * FROM migrate.heads('sec_deploy');
SELECT * FROM migrate.branches('sec_deploy');
SELECT id, parents, message, flags, applied FROM migrate.history(project => 'sec_deploy');
SELECT step, revision, direction, execution, statements FROM migrate.plan('d1', 'sec_deploy');
SELECT migrate.is_up_to_date('sec_deploy');
SELECT s -> 'up_to_date' AS up_to_date, s -> 'current' AS current, s -> 'heads' AS heads
  FROM migrate.status_json('sec_deploy') AS s;
-- Columns other than the scripts are readable, and so are the logs.
SELECT id, parents, up_class, up_statements, down_statements
  FROM migrate.revisions WHERE project = 'sec_deploy' ORDER BY id;
SELECT revision, applied_by FROM migrate.applied WHERE project = 'sec_deploy' ORDER BY revision;
SELECT count(*) AS events FROM migrate.events WHERE project = 'sec_deploy';
-- Scripts are not.
SELECT up_script FROM migrate.revisions WHERE project = 'sec_deploy';
\echo :SQLSTATE
SELECT down_script FROM migrate.revisions WHERE project = 'sec_deploy';
\echo :SQLSTATE
SELECT * FROM migrate.revisions WHERE project = 'sec_deploy';
\echo :SQLSTATE
SELECT id, up FROM migrate.show('d1', 'sec_deploy');
\echo :SQLSTATE
SELECT migrate.script('heads', 'sec_deploy');
\echo :SQLSTATE
-- Nothing that changes state.
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_deploy');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('base', 'sec_deploy');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.stamp('base', 'sec_deploy');
\echo :SQLSTATE
SELECT migrate.revision('m1', 'SELECT 1', parents => '{d2}', project => 'sec_deploy');
\echo :SQLSTATE
SELECT migrate.merge('{d1,d2}', project => 'sec_deploy');
\echo :SQLSTATE
INSERT INTO migrate.applied (project, revision) VALUES ('sec_deploy', 'd2');
\echo :SQLSTATE
DELETE FROM migrate.events WHERE project = 'sec_deploy';
\echo :SQLSTATE
-- Nor can it stall deploys by locking the rows or table behind the mutex.
BEGIN;
SELECT project FROM migrate.projects WHERE project = 'sec_deploy' FOR UPDATE;
\echo :SQLSTATE
ROLLBACK;
BEGIN;
LOCK TABLE migrate.projects IN SHARE MODE;
\echo :SQLSTATE
ROLLBACK;
RESET ROLE;
-- Still exactly as the deploy role left it.
SELECT * FROM migrate.current('sec_deploy');
SELECT count(*) AS sec_deploy_revisions FROM migrate.revisions WHERE project = 'sec_deploy';

--
-- 5. The audit trail is append-only for the deploy role.
--
SET ROLE regress_deployer;
UPDATE migrate.events SET outcome = 'failure' WHERE project = 'sec_deploy';
\echo :SQLSTATE
DELETE FROM migrate.events WHERE project = 'sec_deploy';
\echo :SQLSTATE
TRUNCATE migrate.events;
\echo :SQLSTATE
-- Nor may it hand out or take away access.
SELECT migrate.grant_deploy('regress_nobody', NULL);
\echo :SQLSTATE
SELECT migrate.revoke_access('regress_monitor', NULL);
\echo :SQLSTATE
RESET ROLE;
SELECT revision, direction, outcome FROM migrate.events WHERE project = 'sec_deploy' ORDER BY event_id;

--
-- 6. Injection attempts in ids, labels, parents, targets and project names
-- are refused like any other bad input, and change nothing.
--
SELECT (SELECT count(*) FROM migrate.projects) AS n_projects,
       (SELECT count(*) FROM migrate.revisions) AS n_revisions,
       (SELECT count(*) FROM migrate.applied) AS n_applied,
       (SELECT count(*) FROM migrate.events) AS n_events \gset
SELECT migrate.revision('i1', 'SELECT 1', project => 'sec_inject');

SELECT migrate.revision(id => 'x''; DROP TABLE sec_sentinel; --', up => 'SELECT 1', project => 'sec_inject');
\echo :SQLSTATE
SELECT migrate.revision(id => 'x"; DROP TABLE sec_sentinel; --', up => 'SELECT 1', project => 'sec_inject');
\echo :SQLSTATE
SELECT migrate.revision(id => 'x'');DROP/**/TABLE/**/sec_sentinel;--', up => 'SELECT 1', project => 'p"; drop');
\echo :SQLSTATE
SELECT migrate.revision('i2', 'SELECT 1', parents => '{i1}',
                        branch_labels => ARRAY['lbl''); DROP TABLE sec_sentinel; --'],
                        project => 'sec_inject');
\echo :SQLSTATE
SELECT migrate.revision('i2', 'SELECT 1', parents => ARRAY['i1''); DROP TABLE sec_sentinel; --'],
                        project => 'sec_inject');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('''; select 1; --', 'sec_inject');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('i1''); DROP TABLE sec_sentinel; --', 'sec_inject');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('x'' OR ''1''=''1', 'sec_inject');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.stamp('$$; DROP TABLE sec_sentinel; $$', 'sec_inject');
\echo :SQLSTATE
SELECT step, revision FROM migrate.plan('i1; DROP TABLE sec_sentinel', 'sec_inject');
\echo :SQLSTATE
SELECT id FROM migrate.show('i1''--', 'sec_inject');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('nosuch', project => 'p"; drop');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('nosuch', project => 'sec_inject''); DROP TABLE sec_sentinel; --');
\echo :SQLSTATE
SELECT id FROM migrate.show('i1', project => '"; DROP TABLE sec_sentinel; --');
\echo :SQLSTATE

SELECT to_regclass('public.sec_sentinel') IS NOT NULL AS sentinel_exists;
SELECT (SELECT count(*) FROM migrate.projects) - :n_projects AS new_projects,
       (SELECT count(*) FROM migrate.revisions) - :n_revisions AS new_revisions,
       (SELECT count(*) FROM migrate.applied) - :n_applied AS new_applied,
       (SELECT count(*) FROM migrate.events) - :n_events AS new_events;
SELECT id FROM migrate.revisions WHERE project = 'sec_inject' ORDER BY id;

-- Decoy tables named like the catalog, first on the search_path, are
-- never used: every internal query is schema-qualified.
SET ROLE regress_deployer;
CREATE TABLE sec_app.projects (project text);
CREATE TABLE sec_app.revisions (project text, id text);
CREATE TABLE sec_app.applied (project text, revision text);
CREATE TABLE sec_app.events (project text, revision text);
SET search_path = sec_app, public;
SELECT migrate.revision('p1', 'CREATE TABLE sec_app.paths (id integer)', 'DROP TABLE sec_app.paths',
                        project => 'sec_path');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sec_path');
SELECT revision, state FROM migrate.status('sec_path');
SELECT (SELECT count(*) FROM sec_app.projects) + (SELECT count(*) FROM sec_app.revisions)
     + (SELECT count(*) FROM sec_app.applied) + (SELECT count(*) FROM sec_app.events) AS decoy_rows;
RESET search_path;
RESET ROLE;
SELECT revision FROM migrate.applied WHERE project = 'sec_path';

--
-- 7. No function is SECURITY DEFINER, and every SQL or PL/pgSQL function
-- pins its search_path.
--
SELECT p.oid::regprocedure AS security_definer
  FROM pg_proc p
 WHERE p.pronamespace = 'migrate'::regnamespace AND p.prosecdef;

SELECT p.proname, l.lanname, p.proconfig
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'migrate'::regnamespace
   AND l.lanname NOT IN ('c', 'internal')
 ORDER BY p.proname;

SELECT p.oid::regprocedure AS unpinned_search_path
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'migrate'::regnamespace
   AND l.lanname NOT IN ('c', 'internal')
   AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false);

--
-- 8. revoke_access() takes back everything either grant function gave.
--
SELECT migrate.grant_deploy('regress_nobody', NULL);
SELECT migrate.grant_monitor('regress_nobody', NULL);
SET ROLE regress_nobody;
SELECT revision, state FROM migrate.status('sec_deploy');
RESET ROLE;
SELECT migrate.revoke_access('regress_nobody', NULL);
SET ROLE regress_nobody;
SELECT revision, state FROM migrate.status('sec_deploy');
\echo :SQLSTATE
RESET ROLE;
SELECT has_schema_privilege('regress_nobody', 'migrate', 'USAGE') AS usage,
       (SELECT count(*) FROM pg_class c
         WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'S')
           AND CASE c.relkind
               WHEN 'S' THEN has_sequence_privilege('regress_nobody', c.oid, 'USAGE, SELECT, UPDATE')
               ELSE has_table_privilege('regress_nobody', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                    OR has_any_column_privilege('regress_nobody', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
               END) AS relations,
       (SELECT count(*) FROM pg_proc p
         WHERE p.pronamespace = 'migrate'::regnamespace
           AND has_function_privilege('regress_nobody', p.oid, 'EXECUTE')) AS functions;
