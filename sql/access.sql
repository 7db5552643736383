--
-- access: the security model of 0.4.0.
--
--   1. only the extension's owner writes the migrate tables; deploy and
--      monitoring roles go through pg_migrate's functions;
--   2. access is per project (grant_deploy / grant_monitor with a project,
--      or NULL for every project, written out);
--   3. direct reads of the tables show only the reader's projects;
--   4. a revision never runs with more rights than its author had, unless
--      the caller opts in (trust_registrants), which is recorded;
--   5. offline scripts record their steps through migrate.record_step();
--   6. the install refuses a schema "migrate" it did not create, and
--      DROP EXTENSION refuses to delete recorded history unconfirmed.
--
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP ROLE IF EXISTS acc_a;
DROP ROLE IF EXISTS acc_b;
DROP ROLE IF EXISTS acc_mon;
DROP ROLE IF EXISTS acc_lead;
RESET client_min_messages;
-- other files' objects share this database: no drift check before commands
SET pg_migrate.on_drift = ignore;
CREATE ROLE acc_a NOLOGIN;
CREATE ROLE acc_b NOLOGIN;
CREATE ROLE acc_mon NOLOGIN;
CREATE ROLE acc_lead NOLOGIN;
GRANT acc_lead TO acc_a;		-- acc_a is a member of acc_lead
CREATE SCHEMA acc AUTHORIZATION acc_lead;
GRANT CREATE, USAGE ON SCHEMA acc TO acc_a, acc_b;

SELECT migrate.grant_deploy('acc_a', 'acc_pa');
SELECT migrate.grant_deploy('acc_b', 'acc_pb');
SELECT migrate.grant_monitor('acc_mon', 'acc_pa');
SELECT migrate.grant_deploy('acc_lead', 'acc_pa');
-- granting creates the project, so that it exists before its first revision
SELECT project, state_version FROM migrate.projects WHERE project LIKE 'acc_%' ORDER BY 1;
SELECT role, project, access FROM migrate.grants WHERE role::text LIKE 'acc_%' ORDER BY 1, 2;
-- a monitor grant does not lower a deploy grant
SELECT migrate.grant_monitor('acc_a', 'acc_pa');
SELECT role, project, access FROM migrate.grants WHERE role = 'acc_a'::regrole;
-- project names are checked
SELECT migrate.grant_deploy('acc_a', E'bad\nname');
\echo :SQLSTATE

--
-- 1. Nobody but the owner writes the tables, whatever grants it has.
--
SET ROLE acc_a;
SELECT migrate.revision('a1', 'CREATE TABLE acc.a1 (id int)', 'DROP TABLE acc.a1', project => 'acc_pa');
UPDATE migrate.revisions SET down_script = 'SELECT 1' WHERE project = 'acc_pa';
\echo :SQLSTATE
DELETE FROM migrate.applied WHERE project = 'acc_pa';
\echo :SQLSTATE
INSERT INTO migrate.events (project, revision, direction, started_at, duration, outcome,
                            current_user_name, session_user_name, backend_pid)
VALUES ('acc_pa', 'a1', 'up', now(), '0', 'success', 'someone', 'someone', 0);
\echo :SQLSTATE
UPDATE migrate.projects SET lock_key = 0;
\echo :SQLSTATE
INSERT INTO migrate.grants (role, project, access, granted_by) VALUES ('acc_a', NULL, 'deploy', 'x');
\echo :SQLSTATE
SELECT nextval('migrate.projects_lock_key_seq');
\echo :SQLSTATE
RESET ROLE;
-- who registered is recorded as the caller, not as the owner the write ran as
SELECT id, registered_by FROM migrate.revisions WHERE project = 'acc_pa';

--
-- 2. Per-project access: each deployer is confined to its own project.
--
SET ROLE acc_b;
SELECT migrate.revision('x1', 'SELECT 1', project => 'acc_pa');
SELECT step FROM migrate.upgrade('heads', 'acc_pa');
SELECT * FROM migrate.status('acc_pa');
SELECT migrate.is_up_to_date('acc_pa');
CALL migrate.apply('heads', 'acc_pa');
SELECT migrate.lock('acc_pa');
-- a project it has no grant for does not exist as far as it can tell
SELECT * FROM migrate.status('acc_nosuch');
SELECT migrate.revision('b1', 'CREATE TABLE acc.b1 (id int)', project => 'acc_pb');
SELECT step, revision FROM migrate.upgrade('heads', 'acc_pb');
RESET ROLE;
-- the monitor reads state, never scripts, and changes nothing
SET ROLE acc_mon;
SELECT revision, state FROM migrate.status('acc_pa');
SELECT migrate.status_json('acc_pa') -> 'pending' AS pending;
SELECT id FROM migrate.show('a1', 'acc_pa');
SELECT migrate.script('heads', 'acc_pa');
SELECT * FROM migrate.status('acc_pb');
SELECT migrate.revision('m1', 'SELECT 1', project => 'acc_pa');
RESET ROLE;

--
-- 3. Direct reads show the reader's projects only.
--
SET ROLE acc_a;
SELECT DISTINCT project FROM migrate.revisions ORDER BY 1;
SELECT DISTINCT project FROM migrate.projects WHERE project LIKE 'acc%' ORDER BY 1;
SELECT up_script FROM migrate.revisions WHERE id = 'b1';
RESET ROLE;
SET ROLE acc_mon;
SELECT project, id FROM migrate.revisions ORDER BY 1, 2;
SELECT up_script FROM migrate.revisions;
\echo :SQLSTATE
SELECT role, project FROM migrate.grants ORDER BY 1;
SELECT migrate.has_access('acc_pa'), migrate.has_access('acc_pa', 'deploy'),
       migrate.has_access('acc_pb'), migrate.has_access(E'x\ny');
RESET ROLE;

--
-- 4. A revision never runs with more rights than its author had.
--
-- A deploy role registers an escalation and waits for a superuser to deploy.
SET ROLE acc_a;
SELECT migrate.revision('a2', $q$DO $d$ BEGIN EXECUTE 'ALTER ROLE acc_a SUPERUSER'; END $d$$q$,
                        parents => '{a1}', project => 'acc_pa');
RESET ROLE;
SELECT step, revision FROM migrate.upgrade('heads', 'acc_pa');
\echo :SQLSTATE
CALL migrate.apply('heads', 'acc_pa');
\echo :SQLSTATE
SELECT step, revision FROM migrate.downgrade('base', 'acc_pa');
\echo :SQLSTATE
SELECT rolsuper FROM pg_roles WHERE rolname = 'acc_a';
SELECT * FROM migrate.current('acc_pa');
-- The registrant itself may run it (and has no right to ALTER ROLE).
SET ROLE acc_a;
SELECT step, revision FROM migrate.upgrade('a1', 'acc_pa');
SELECT step, revision FROM migrate.upgrade('heads', 'acc_pa');
\echo :SQLSTATE
RESET ROLE;
-- A role the registrant is a member of may run it: it gains nothing.
SET ROLE acc_lead;
SELECT step, revision FROM migrate.downgrade('base', 'acc_pa');
SELECT migrate.revision('l1', 'CREATE TABLE acc.l1 (id int)', 'DROP TABLE acc.l1',
                        parents => '{a1}', project => 'acc_pa');
RESET ROLE;
-- ... but not the other way round: acc_lead is not a member of acc_a.
SET ROLE acc_a;
SELECT step, revision FROM migrate.upgrade('l1', 'acc_pa');
\echo :SQLSTATE
RESET ROLE;
-- The superuser opts in after reviewing the script; the opt-in is recorded.
SELECT step, revision FROM migrate.upgrade('l1', 'acc_pa', trust_registrants => true);
SELECT revision, direction, outcome, current_user_name, trusted_registrant
  FROM migrate.events WHERE project = 'acc_pa' ORDER BY event_id;
SELECT migrate.upgrade('heads', 'acc_pa', trust_registrants => NULL);
\echo :SQLSTATE
-- A script cannot change identity: RESET ROLE would give acc_a's script
-- the session user's (superuser) rights, SET ROLE another role's.
SELECT migrate.grant_deploy('acc_a', 'acc_pb');
SET ROLE acc_a;
SELECT migrate.revision('r1', 'RESET ROLE; ALTER ROLE acc_a SUPERUSER', project => 'acc_pb');
SELECT step, revision FROM migrate.upgrade('r1', 'acc_pb');
\echo :SQLSTATE
SELECT migrate.revision('r2', $q$DO $d$ BEGIN PERFORM set_config('role', 'postgres', false); END $d$$q$,
                        project => 'acc_pb');
SELECT step, revision FROM migrate.upgrade('r2', 'acc_pb');
\echo :SQLSTATE
SELECT migrate.revision('r3', 'SET SESSION AUTHORIZATION postgres', project => 'acc_pb');
SELECT step, revision FROM migrate.upgrade('r3', 'acc_pb');
\echo :SQLSTATE
SELECT current_user, session_user;
RESET ROLE;
SELECT rolsuper FROM pg_roles WHERE rolname = 'acc_a';
-- what a script SETs ends with it
SELECT migrate.revision('r4', 'SET search_path = acc; SET lock_timeout = 1234', project => 'acc_pb');
SELECT step, revision FROM migrate.upgrade('r4', 'acc_pb', trust_registrants => true);
SHOW lock_timeout;
-- scripts are split as psql splits them (standard_conforming_strings on),
-- whatever the session says: no psql command can hide in a string
SET standard_conforming_strings = off;
SET escape_string_warning = off;
SET ROLE acc_a;
SELECT migrate.revision('r5', 'SELECT ''x\\''; \\! touch /tmp/pgm_pwned
''', project => 'acc_pb');
\echo :SQLSTATE
RESET ROLE;
RESET standard_conforming_strings;
RESET escape_string_warning;

-- stamping runs nothing and needs no trust
SELECT step, revision, direction FROM migrate.stamp('a2', 'acc_pa');
SELECT rolsuper FROM pg_roles WHERE rolname = 'acc_a';

--
-- 5. Offline scripts record their steps through migrate.record_step(),
-- which checks the mutex, the checksum and the order.
--
SELECT migrate.revision('a3', 'CREATE TABLE acc.a3 (id int)', 'DROP TABLE acc.a3',
                        parents => '{a2}', project => 'acc_pa');
SELECT checksum AS a3_checksum FROM migrate.show('a3', 'acc_pa') \gset
SELECT migrate.record_step('acc_pa', 'a3', 'up', :'a3_checksum');
\echo :SQLSTATE
BEGIN;
SELECT migrate.lock('acc_pa');
SELECT migrate.record_step('acc_pa', 'a3', 'up', 'sha256:0000');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
SELECT migrate.lock('acc_pa');
SELECT migrate.record_step('acc_pa', 'a3', 'sideways', :'a3_checksum');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
SELECT migrate.lock('acc_pa');
SELECT migrate.record_step('acc_pa', 'a1', 'down', (SELECT checksum FROM migrate.revisions WHERE project = 'acc_pa' AND id = 'a1'));
\echo :SQLSTATE
ROLLBACK;
BEGIN;
SELECT migrate.lock('acc_pa');
CREATE TABLE acc.a3 (id int);
SELECT migrate.record_step('acc_pa', 'a3', 'up', :'a3_checksum');
SELECT migrate.record_step('acc_pa', 'a3', 'up', :'a3_checksum');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
SELECT migrate.lock('acc_pa');
CREATE TABLE acc.a3 (id int);
SELECT migrate.record_step('acc_pa', 'a3', 'up', :'a3_checksum');
COMMIT;
SELECT * FROM migrate.current('acc_pa');
SELECT migrate.is_up_to_date('acc_pa');
SELECT revision, direction, outcome FROM migrate.events
 WHERE project = 'acc_pa' ORDER BY event_id DESC LIMIT 1;

--
-- revoke_access(): one project, then everything
--
SELECT migrate.grant_monitor('acc_b', 'acc_pa');
SELECT migrate.revoke_access('acc_b', 'acc_pb');
SELECT role, project, access FROM migrate.grants WHERE role = 'acc_b'::regrole;
SELECT has_function_privilege('acc_b', 'migrate.upgrade(text, text, boolean)', 'EXECUTE') AS upgrade,
       has_function_privilege('acc_b', 'migrate.status(text)', 'EXECUTE') AS status;
SELECT migrate.revoke_access('acc_b', NULL);
SELECT count(*) FROM migrate.grants WHERE role = 'acc_b'::regrole;
SELECT has_schema_privilege('acc_b', 'migrate', 'USAGE') AS usage;

--
-- 6. Install and drop, in a database of its own.
--
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pgm_access_test;
RESET client_min_messages;
CREATE DATABASE pgm_access_test TEMPLATE template0;
\c pgm_access_test
-- Before 0.4.0 a schema "migrate" made beforehand was reused: updating
-- such an install stops at objects that are not pg_migrate's, and gives
-- the schema to the tables' owner.
CREATE SCHEMA migrate AUTHORIZATION acc_b;
CREATE FUNCTION migrate.planted() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
ALTER FUNCTION migrate.planted() OWNER TO acc_b;
CREATE EXTENSION pg_migrate VERSION '0.3.0';
SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'migrate';
ALTER EXTENSION pg_migrate UPDATE TO '0.4.0';
\echo :SQLSTATE
DROP FUNCTION migrate.planted();
ALTER EXTENSION pg_migrate UPDATE TO '0.4.0';
SELECT nspowner::regrole, nspacl FROM pg_namespace WHERE nspname = 'migrate';
DROP EXTENSION pg_migrate;
-- a schema "migrate" made beforehand (by a database owner, say) is not reused
CREATE SCHEMA migrate;
CREATE FUNCTION migrate.upgrade(text) RETURNS text LANGUAGE sql AS $$ SELECT 'planted' $$;
CREATE EXTENSION pg_migrate;
\echo :SQLSTATE
DROP SCHEMA migrate CASCADE;
CREATE EXTENSION pg_migrate;
SELECT extnamespace::regnamespace AS extension_schema FROM pg_extension WHERE extname = 'pg_migrate';
-- without history, dropping is fine; with it, it needs a confirmation
DROP EXTENSION pg_migrate;
CREATE EXTENSION pg_migrate;
SELECT migrate.revision('d1', 'CREATE TABLE d1 ()', 'DROP TABLE d1');
DROP EXTENSION pg_migrate;
\echo :SQLSTATE
DROP EXTENSION pg_migrate CASCADE;
\echo :SQLSTATE
DROP SCHEMA migrate CASCADE;
\echo :SQLSTATE
DROP EXTENSION IF EXISTS pgm_no_such_extension, pg_migrate;
\echo :SQLSTATE
-- other drops are not affected
CREATE SCHEMA other;
DROP SCHEMA other;
SELECT count(*) FROM migrate.revisions;
-- a role that may not drop it learns nothing, and cannot switch the guard off
SET ROLE acc_b;
DROP SCHEMA migrate;
SET pg_migrate.allow_drop_with_history = on;
RESET ROLE;
SET pg_migrate.allow_drop_with_history = on;
DROP EXTENSION pg_migrate;
RESET pg_migrate.allow_drop_with_history;
SELECT count(*) FROM pg_namespace WHERE nspname = 'migrate';
\c :regress_db
SET pg_migrate.on_drift = ignore;	-- as at the start (a new session)
DROP DATABASE pgm_access_test;

--
-- clean up
--
SET client_min_messages = warning;
SELECT migrate.revoke_access(r, NULL) FROM unnest(ARRAY['acc_a', 'acc_b', 'acc_mon', 'acc_lead']::regrole[]) AS r;
RESET client_min_messages;
