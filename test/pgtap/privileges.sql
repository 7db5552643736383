--
-- pgTAP: the privilege contract of pg_migrate (SPEC section 7), and the
-- pgTAP use case itself: an upgrade inside the test transaction that
-- leaves nothing behind.
--
-- Nothing is granted to PUBLIC.  migrate.grant_deploy() gives a deploy
-- role everything needed to register and run migrations (the audit trail
-- stays append-only); migrate.grant_monitor() gives a monitoring role the
-- read-only state functions and every column except the scripts.  The two
-- roles are created inside the transaction and vanish with it.
--
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP true

SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS pg_migrate;
CREATE ROLE regress_tap_deployer NOLOGIN;
CREATE ROLE regress_tap_monitor NOLOGIN;
CREATE SCHEMA tap_app AUTHORIZATION regress_tap_deployer;

SELECT plan(112);
SELECT lives_ok($$SELECT migrate.grant_deploy('regress_tap_deployer')$$, 'grant_deploy() grants a deploy role');
SELECT lives_ok($$SELECT migrate.grant_monitor('regress_tap_monitor')$$, 'grant_monitor() grants a monitoring role');

-- Schema.
SELECT schema_privs_are('migrate', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on schema migrate');
SELECT schema_privs_are('migrate', 'regress_tap_deployer', ARRAY['USAGE'], 'the deploy role may use schema migrate but not create in it');
SELECT schema_privs_are('migrate', 'regress_tap_monitor', ARRAY['USAGE'], 'the monitoring role may use schema migrate but not create in it');

-- Tables.
SELECT table_privs_are('migrate', 'projects', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.projects');
SELECT table_privs_are('migrate', 'projects', 'regress_tap_deployer', ARRAY['DELETE', 'INSERT', 'SELECT', 'UPDATE'], 'deploy role privileges on migrate.projects');
SELECT table_privs_are('migrate', 'projects', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.projects');
SELECT table_privs_are('migrate', 'revisions', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.revisions');
SELECT table_privs_are('migrate', 'revisions', 'regress_tap_deployer', ARRAY['DELETE', 'INSERT', 'SELECT', 'UPDATE'], 'deploy role privileges on migrate.revisions');
SELECT table_privs_are('migrate', 'revisions', 'regress_tap_monitor', ARRAY[]::name[], 'monitoring role privileges on migrate.revisions');
SELECT table_privs_are('migrate', 'applied', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.applied');
SELECT table_privs_are('migrate', 'applied', 'regress_tap_deployer', ARRAY['DELETE', 'INSERT', 'SELECT', 'UPDATE'], 'deploy role privileges on migrate.applied');
SELECT table_privs_are('migrate', 'applied', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.applied');
SELECT table_privs_are('migrate', 'events', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.events');
SELECT table_privs_are('migrate', 'events', 'regress_tap_deployer', ARRAY['INSERT', 'SELECT'], 'deploy role privileges on migrate.events');
SELECT table_privs_are('migrate', 'events', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.events');

-- The monitoring role reads every column of revisions except the scripts.
SELECT column_privs_are('migrate', 'revisions', 'up_script', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot read revisions.up_script');
SELECT column_privs_are('migrate', 'revisions', 'down_script', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot read revisions.down_script');
SELECT column_privs_are('migrate', 'revisions', 'id', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.id');
SELECT column_privs_are('migrate', 'revisions', 'parents', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.parents');
SELECT column_privs_are('migrate', 'revisions', 'message', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.message');
SELECT column_privs_are('migrate', 'revisions', 'up_class', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.up_class');
SELECT column_privs_are('migrate', 'revisions', 'checksum', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.checksum');

-- Sequences.
SELECT sequence_privs_are('migrate', 'projects_lock_key_seq', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.projects_lock_key_seq');
SELECT sequence_privs_are('migrate', 'projects_lock_key_seq', 'regress_tap_deployer', ARRAY['USAGE'], 'the deploy role may use migrate.projects_lock_key_seq');
SELECT sequence_privs_are('migrate', 'projects_lock_key_seq', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role has no privileges on migrate.projects_lock_key_seq');
SELECT sequence_privs_are('migrate', 'events_event_id_seq', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.events_event_id_seq');
SELECT sequence_privs_are('migrate', 'events_event_id_seq', 'regress_tap_deployer', ARRAY['USAGE'], 'the deploy role may use migrate.events_event_id_seq');
SELECT sequence_privs_are('migrate', 'events_event_id_seq', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role has no privileges on migrate.events_event_id_seq');

-- Functions: PUBLIC none; deploy role the whole API; monitoring role the
-- read-only state functions, not show() or script() which expose scripts.
SELECT function_privs_are('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.revision(text, text, text, text[], text, text[], text[], text)');
SELECT function_privs_are('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.merge(text[], text, text, text)');
SELECT function_privs_are('migrate', 'upgrade', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.upgrade(text, text)');
SELECT function_privs_are('migrate', 'downgrade', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.downgrade(text, text)');
SELECT function_privs_are('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.stamp(text, text, boolean)');
SELECT function_privs_are('migrate', 'current', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.current(text)');
SELECT function_privs_are('migrate', 'heads', ARRAY['text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.heads(text, boolean)');
SELECT function_privs_are('migrate', 'branches', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.branches(text)');
SELECT function_privs_are('migrate', 'history', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.history(text, text)');
SELECT function_privs_are('migrate', 'show', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.show(text, text)');
SELECT function_privs_are('migrate', 'status', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.status(text)');
SELECT function_privs_are('migrate', 'is_up_to_date', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.is_up_to_date(text)');
SELECT function_privs_are('migrate', 'status_json', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.status_json(text)');
SELECT function_privs_are('migrate', 'plan', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.plan(text, text)');
SELECT function_privs_are('migrate', 'script', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.script(text, text)');
SELECT function_privs_are('migrate', 'apply', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.apply(text, text)');
SELECT function_privs_are('migrate', 'lock', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.lock(text)');
SELECT function_privs_are('migrate', 'progress', ARRAY[]::name[], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.progress()');
SELECT function_privs_are('migrate', 'apply', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.apply(text, text)');
SELECT function_privs_are('migrate', 'lock', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.lock(text)');
SELECT function_privs_are('migrate', 'progress', ARRAY[]::name[], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.progress()');
SELECT function_privs_are('migrate', 'apply', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.apply(text, text)');
SELECT function_privs_are('migrate', 'lock', ARRAY['text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot take the mutex with migrate.lock(text)');
SELECT function_privs_are('migrate', 'progress', ARRAY[]::name[], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.progress()');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot grant access');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.grant_deploy(regrole)');
SELECT function_privs_are('migrate', 'grant_monitor', ARRAY['regrole'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.grant_monitor(regrole)');
SELECT function_privs_are('migrate', 'revoke_access', ARRAY['regrole'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.revoke_access(regrole)');
SELECT function_privs_are('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.revision(text, text, text, text[], text, text[], text[], text)');
SELECT function_privs_are('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.merge(text[], text, text, text)');
SELECT function_privs_are('migrate', 'upgrade', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.upgrade(text, text)');
SELECT function_privs_are('migrate', 'downgrade', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.downgrade(text, text)');
SELECT function_privs_are('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.stamp(text, text, boolean)');
SELECT function_privs_are('migrate', 'current', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.current(text)');
SELECT function_privs_are('migrate', 'heads', ARRAY['text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.heads(text, boolean)');
SELECT function_privs_are('migrate', 'branches', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.branches(text)');
SELECT function_privs_are('migrate', 'history', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.history(text, text)');
SELECT function_privs_are('migrate', 'show', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.show(text, text)');
SELECT function_privs_are('migrate', 'status', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.status(text)');
SELECT function_privs_are('migrate', 'is_up_to_date', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.is_up_to_date(text)');
SELECT function_privs_are('migrate', 'status_json', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.status_json(text)');
SELECT function_privs_are('migrate', 'plan', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.plan(text, text)');
SELECT function_privs_are('migrate', 'script', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.script(text, text)');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.grant_deploy(regrole)');
SELECT function_privs_are('migrate', 'grant_monitor', ARRAY['regrole'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.grant_monitor(regrole)');
SELECT function_privs_are('migrate', 'revoke_access', ARRAY['regrole'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.revoke_access(regrole)');
SELECT function_privs_are('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.revision(text, text, text, text[], text, text[], text[], text)');
SELECT function_privs_are('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.merge(text[], text, text, text)');
SELECT function_privs_are('migrate', 'upgrade', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.upgrade(text, text)');
SELECT function_privs_are('migrate', 'downgrade', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.downgrade(text, text)');
SELECT function_privs_are('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.stamp(text, text, boolean)');
SELECT function_privs_are('migrate', 'current', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.current(text)');
SELECT function_privs_are('migrate', 'heads', ARRAY['text', 'boolean'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.heads(text, boolean)');
SELECT function_privs_are('migrate', 'branches', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.branches(text)');
SELECT function_privs_are('migrate', 'history', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.history(text, text)');
SELECT function_privs_are('migrate', 'show', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.show(text, text)');
SELECT function_privs_are('migrate', 'status', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.status(text)');
SELECT function_privs_are('migrate', 'is_up_to_date', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.is_up_to_date(text)');
SELECT function_privs_are('migrate', 'status_json', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.status_json(text)');
SELECT function_privs_are('migrate', 'plan', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.plan(text, text)');
SELECT function_privs_are('migrate', 'script', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.script(text, text)');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.grant_deploy(regrole)');
SELECT function_privs_are('migrate', 'grant_monitor', ARRAY['regrole'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.grant_monitor(regrole)');
SELECT function_privs_are('migrate', 'revoke_access', ARRAY['regrole'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.revoke_access(regrole)');

-- Behaviour behind the privileges, checked as the roles themselves.
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; SELECT migrate.script('heads', 'tap')$$, '42501', NULL,
                 'the monitoring role gets 42501 from script()');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; SELECT up_script FROM migrate.revisions$$, '42501', NULL,
                 'the monitoring role gets 42501 reading up_script');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; DELETE FROM migrate.events$$, '42501', NULL,
                 'the deploy role gets 42501 deleting events');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; UPDATE migrate.events SET outcome = 'success'$$, '42501', NULL,
                 'the deploy role gets 42501 updating events');

--
-- An upgrade inside the test transaction, by the deploy role, undone by
-- rolling back to a savepoint: what it did is captured in psql variables,
-- asserted after the rollback, next to the proof that nothing is left.
--
SELECT coalesce(string_agg(format('%s %s %s %s %s', locktype, classid, objid, objsubid, mode), ', '
                           ORDER BY locktype, classid, objid, objsubid, mode), '') AS locks_before
  FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype NOT IN ('relation', 'virtualxid', 'transactionid') \gset
SAVEPOINT tap_upgrade;
SET LOCAL ROLE regress_tap_deployer;
SELECT migrate.revision('tap1', 'CREATE TABLE tap_app.widgets (id integer PRIMARY KEY)',
                        'DROP TABLE tap_app.widgets', project => 'tap') AS tap1 \gset
SELECT migrate.revision('tap2', 'INSERT INTO tap_app.widgets VALUES (1), (2)',
                        'DELETE FROM tap_app.widgets', parents => '{tap1}', project => 'tap') AS tap2 \gset
SELECT string_agg(revision || ' ' || direction, ', ' ORDER BY step) AS up_steps
  FROM migrate.upgrade('heads', 'tap') \gset
SELECT string_agg(c, ', ') AS during_current FROM migrate.current('tap') AS c \gset
SELECT count(*) AS during_rows FROM tap_app.widgets \gset
SELECT pg_get_userbyid(relowner) AS during_owner FROM pg_class WHERE oid = 'tap_app.widgets'::regclass \gset
SELECT migrate.is_up_to_date('tap') AS during_up_to_date \gset
ROLLBACK TO SAVEPOINT tap_upgrade;

SELECT is(:'tap1' || ' ' || :'tap2', 'tap1 tap2', 'the deploy role registered two revisions');
SELECT is(:'up_steps'::text, 'tap1 up, tap2 up', 'upgrade(''heads'') applied both, in order');
SELECT is(:'during_current'::text, 'tap2', 'the version set was {tap2}');
SELECT is(:during_rows::bigint, 2::bigint, 'both migrations ran');
SELECT is(:'during_owner'::text, 'regress_tap_deployer', 'the migrations ran with the deploy role''s rights');
SELECT ok(:'during_up_to_date'::boolean, 'is_up_to_date() was true');
SELECT is(current_user::text, session_user::text, 'the rollback restored the original role');
SELECT hasnt_table('tap_app', 'widgets', 'the table the upgrade created is gone');
SELECT is_empty($$SELECT * FROM migrate.current('tap')$$, 'no version is current');
SELECT is_empty($$SELECT * FROM migrate.projects WHERE project = 'tap'$$, 'no project row is left');
SELECT is_empty($$SELECT * FROM migrate.revisions WHERE project = 'tap'$$, 'no revision is left');
SELECT is_empty($$SELECT * FROM migrate.applied WHERE project = 'tap'$$, 'no applied row is left');
SELECT is_empty($$SELECT * FROM migrate.events WHERE project = 'tap'$$, 'no event is left');
SELECT is(coalesce(string_agg(format('%s %s %s %s %s', locktype, classid, objid, objsubid, mode), ', '
                              ORDER BY locktype, classid, objid, objsubid, mode), ''),
          :'locks_before'::text, 'no lock (such as the project mutex) outlives the rollback')
  FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype NOT IN ('relation', 'virtualxid', 'transactionid');

SELECT * FROM finish();
ROLLBACK;
