--
-- pgTAP: the privilege contract of pg_migrate 0.4.0 (docs/design.md section 7), and
-- the pgTAP use case itself: an upgrade inside the test transaction that
-- leaves nothing behind.
--
-- Nothing is granted to PUBLIC, and only the extension's owner writes the
-- tables: pg_migrate's functions write them with the owner's rights after
-- checking the caller's access to the project (migrate.grants).
-- migrate.grant_deploy(role, project) lets a role register, run and read
-- the migrations of one project (NULL: every project);
-- migrate.grant_monitor(role, project) lets it read state and history,
-- never scripts.  Direct reads of the tables are limited to the reader's
-- projects by row-level security.  A script registered by another role
-- (not a member of the runner's role) runs only with trust_registrants.
-- The roles are created inside the transaction and vanish with it.
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
-- A refused run is recorded by a background worker whose transaction
-- commits on its own; this file must leave nothing behind.
SET LOCAL pg_migrate.record_failures = off;
CREATE ROLE regress_tap_deployer NOLOGIN;
CREATE ROLE regress_tap_monitor NOLOGIN;
CREATE ROLE regress_tap_everything NOLOGIN;
CREATE SCHEMA tap_app AUTHORIZATION regress_tap_deployer;

-- The hint of the error a statement list raises, or NULL if it raises none.
CREATE FUNCTION pg_temp.error_hint(code text) RETURNS text
LANGUAGE plpgsql AS $f$
DECLARE
    hint text;
BEGIN
    BEGIN
        EXECUTE code;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
        RETURN hint;
    END;
    RESET ROLE;
    RETURN NULL;
END;
$f$;

SELECT plan(258);
SELECT lives_ok($$SELECT migrate.grant_deploy('regress_tap_deployer', 'tap_a')$$, 'grant_deploy() grants a deploy role project tap_a');
SELECT lives_ok($$SELECT migrate.grant_monitor('regress_tap_monitor', 'tap_a')$$, 'grant_monitor() grants a monitoring role project tap_a');
SELECT throws_ok($$SELECT migrate.grant_deploy('regress_tap_deployer')$$, '42883', NULL,
                 'grant_deploy() has no default project: every project (NULL) must be written out');
SELECT results_eq($$SELECT role::text, project, access FROM migrate.grants WHERE role::text LIKE 'regress_tap_%' ORDER BY 1$$,
                  $$VALUES ('regress_tap_deployer', 'tap_a', 'deploy'), ('regress_tap_monitor', 'tap_a', 'monitor')$$,
                  'the grants are recorded in migrate.grants');

-- PUBLIC has nothing: no ACL entry for PUBLIC on the schema or any object in it.
SELECT is_empty($$SELECT 'schema migrate' FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'migrate' AND a.grantee = 0
                  UNION ALL
                  SELECT c.oid::regclass::text FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = 'migrate'::regnamespace AND a.grantee = 0
                  UNION ALL
                  SELECT c.oid::regclass::text || '.' || t.attname FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
                   WHERE c.relnamespace = 'migrate'::regnamespace AND a.grantee = 0
                  UNION ALL
                  SELECT p.oid::regprocedure::text FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   WHERE p.pronamespace = 'migrate'::regnamespace AND a.grantee = 0$$,
                'PUBLIC holds no privilege on schema migrate or anything in it');

-- Schema.
SELECT schema_privs_are('migrate', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on schema migrate');
SELECT schema_privs_are('migrate', 'regress_tap_deployer', ARRAY['USAGE'], 'the deploy role may use schema migrate but not create in it');
SELECT schema_privs_are('migrate', 'regress_tap_monitor', ARRAY['USAGE'], 'the monitoring role may use schema migrate but not create in it');

-- Tables: whole-table privileges, and any column privilege on top of them.
SELECT table_privs_are('migrate', 'projects', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.projects');
SELECT table_privs_are('migrate', 'projects', 'regress_tap_deployer', ARRAY['SELECT'], 'deploy role privileges on migrate.projects: SELECT');
SELECT table_privs_are('migrate', 'projects', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.projects: SELECT');
SELECT table_privs_are('migrate', 'revisions', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.revisions');
SELECT table_privs_are('migrate', 'revisions', 'regress_tap_deployer', ARRAY[]::name[], 'deploy role privileges on migrate.revisions: none (columns only)');
SELECT table_privs_are('migrate', 'revisions', 'regress_tap_monitor', ARRAY[]::name[], 'monitoring role privileges on migrate.revisions: none (columns only)');
SELECT table_privs_are('migrate', 'applied', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.applied');
SELECT table_privs_are('migrate', 'applied', 'regress_tap_deployer', ARRAY['SELECT'], 'deploy role privileges on migrate.applied: SELECT');
SELECT table_privs_are('migrate', 'applied', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.applied: SELECT');
SELECT table_privs_are('migrate', 'events', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.events');
SELECT table_privs_are('migrate', 'events', 'regress_tap_deployer', ARRAY['SELECT'], 'deploy role privileges on migrate.events: SELECT');
SELECT table_privs_are('migrate', 'events', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.events: SELECT');
SELECT table_privs_are('migrate', 'grants', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.grants');
SELECT table_privs_are('migrate', 'grants', 'regress_tap_deployer', ARRAY['SELECT'], 'deploy role privileges on migrate.grants: SELECT');
SELECT table_privs_are('migrate', 'grants', 'regress_tap_monitor', ARRAY['SELECT'], 'monitoring role privileges on migrate.grants: SELECT');
SELECT any_column_privs_are('migrate', 'projects', 'public', ARRAY[]::name[], 'PUBLIC has no privilege on any column of migrate.projects');
SELECT any_column_privs_are('migrate', 'projects', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role may only SELECT columns of migrate.projects');
SELECT any_column_privs_are('migrate', 'projects', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role may only SELECT columns of migrate.projects');
SELECT any_column_privs_are('migrate', 'revisions', 'public', ARRAY[]::name[], 'PUBLIC has no privilege on any column of migrate.revisions');
SELECT any_column_privs_are('migrate', 'revisions', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role may only SELECT columns of migrate.revisions');
SELECT any_column_privs_are('migrate', 'revisions', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role may only SELECT columns of migrate.revisions');
SELECT any_column_privs_are('migrate', 'applied', 'public', ARRAY[]::name[], 'PUBLIC has no privilege on any column of migrate.applied');
SELECT any_column_privs_are('migrate', 'applied', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role may only SELECT columns of migrate.applied');
SELECT any_column_privs_are('migrate', 'applied', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role may only SELECT columns of migrate.applied');
SELECT any_column_privs_are('migrate', 'events', 'public', ARRAY[]::name[], 'PUBLIC has no privilege on any column of migrate.events');
SELECT any_column_privs_are('migrate', 'events', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role may only SELECT columns of migrate.events');
SELECT any_column_privs_are('migrate', 'events', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role may only SELECT columns of migrate.events');
SELECT any_column_privs_are('migrate', 'grants', 'public', ARRAY[]::name[], 'PUBLIC has no privilege on any column of migrate.grants');
SELECT any_column_privs_are('migrate', 'grants', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role may only SELECT columns of migrate.grants');
SELECT any_column_privs_are('migrate', 'grants', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role may only SELECT columns of migrate.grants');

-- Revisions, column by column: the deploy role reads every column, the
-- monitoring role every column except the scripts.
SELECT column_privs_are('migrate', 'revisions', 'project', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.project');
SELECT column_privs_are('migrate', 'revisions', 'id', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.id');
SELECT column_privs_are('migrate', 'revisions', 'seq', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.seq');
SELECT column_privs_are('migrate', 'revisions', 'parents', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.parents');
SELECT column_privs_are('migrate', 'revisions', 'branch_labels', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.branch_labels');
SELECT column_privs_are('migrate', 'revisions', 'depends_on', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.depends_on');
SELECT column_privs_are('migrate', 'revisions', 'message', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.message');
SELECT column_privs_are('migrate', 'revisions', 'up_script', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.up_script');
SELECT column_privs_are('migrate', 'revisions', 'down_script', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.down_script');
SELECT column_privs_are('migrate', 'revisions', 'up_class', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.up_class');
SELECT column_privs_are('migrate', 'revisions', 'down_class', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.down_class');
SELECT column_privs_are('migrate', 'revisions', 'up_statements', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.up_statements');
SELECT column_privs_are('migrate', 'revisions', 'down_statements', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.down_statements');
SELECT column_privs_are('migrate', 'revisions', 'checksum', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.checksum');
SELECT column_privs_are('migrate', 'revisions', 'registered_at', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.registered_at');
SELECT column_privs_are('migrate', 'revisions', 'registered_by', 'regress_tap_deployer', ARRAY['SELECT'], 'the deploy role reads revisions.registered_by');
SELECT column_privs_are('migrate', 'revisions', 'project', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.project');
SELECT column_privs_are('migrate', 'revisions', 'id', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.id');
SELECT column_privs_are('migrate', 'revisions', 'seq', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.seq');
SELECT column_privs_are('migrate', 'revisions', 'parents', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.parents');
SELECT column_privs_are('migrate', 'revisions', 'branch_labels', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.branch_labels');
SELECT column_privs_are('migrate', 'revisions', 'depends_on', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.depends_on');
SELECT column_privs_are('migrate', 'revisions', 'message', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.message');
SELECT column_privs_are('migrate', 'revisions', 'up_script', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot read revisions.up_script');
SELECT column_privs_are('migrate', 'revisions', 'down_script', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot read revisions.down_script');
SELECT column_privs_are('migrate', 'revisions', 'up_class', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.up_class');
SELECT column_privs_are('migrate', 'revisions', 'down_class', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.down_class');
SELECT column_privs_are('migrate', 'revisions', 'up_statements', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.up_statements');
SELECT column_privs_are('migrate', 'revisions', 'down_statements', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.down_statements');
SELECT column_privs_are('migrate', 'revisions', 'checksum', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.checksum');
SELECT column_privs_are('migrate', 'revisions', 'registered_at', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.registered_at');
SELECT column_privs_are('migrate', 'revisions', 'registered_by', 'regress_tap_monitor', ARRAY['SELECT'], 'the monitoring role reads revisions.registered_by');

-- Sequences: only the owner uses them (through pg_migrate's functions).
SELECT sequence_privs_are('migrate', 'projects_lock_key_seq', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.projects_lock_key_seq');
SELECT sequence_privs_are('migrate', 'projects_lock_key_seq', 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role has no privileges on migrate.projects_lock_key_seq');
SELECT sequence_privs_are('migrate', 'projects_lock_key_seq', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role has no privileges on migrate.projects_lock_key_seq');
SELECT sequence_privs_are('migrate', 'events_event_id_seq', 'public', ARRAY[]::name[], 'PUBLIC has no privileges on migrate.events_event_id_seq');
SELECT sequence_privs_are('migrate', 'events_event_id_seq', 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role has no privileges on migrate.events_event_id_seq');
SELECT sequence_privs_are('migrate', 'events_event_id_seq', 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role has no privileges on migrate.events_event_id_seq');

-- Routines: PUBLIC none; both roles the read-only state functions; the
-- deploy role also registration, the commands, lock/record_step and the
-- script readers show() and script(); access management and the event
-- trigger function nobody.
SELECT function_privs_are('migrate', 'current', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.current(text)');
SELECT function_privs_are('migrate', 'heads', ARRAY['text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.heads(text, boolean)');
SELECT function_privs_are('migrate', 'branches', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.branches(text)');
SELECT function_privs_are('migrate', 'history', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.history(text, text)');
SELECT function_privs_are('migrate', 'status', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.status(text)');
SELECT function_privs_are('migrate', 'is_up_to_date', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.is_up_to_date(text)');
SELECT function_privs_are('migrate', 'status_json', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.status_json(text)');
SELECT function_privs_are('migrate', 'plan', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.plan(text, text)');
SELECT function_privs_are('migrate', 'progress', ARRAY[]::name[], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.progress()');
SELECT function_privs_are('migrate', 'has_access', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.has_access(text, text)');
SELECT function_privs_are('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.revision(text, text, text, text[], text, text[], text[], text)');
SELECT function_privs_are('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.merge(text[], text, text, text)');
SELECT function_privs_are('migrate', 'unregister', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.unregister(text, text)');
SELECT function_privs_are('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.upgrade(text, text, boolean)');
SELECT function_privs_are('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.downgrade(text, text, boolean)');
SELECT function_privs_are('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.stamp(text, text, boolean)');
SELECT function_privs_are('migrate', 'lock', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.lock(text)');
SELECT function_privs_are('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.record_step(text, text, text, text)');
SELECT function_privs_are('migrate', 'show', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.show(text, text)');
SELECT function_privs_are('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.script(text, text, boolean)');
SELECT function_privs_are('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.apply(text, text, boolean)');
SELECT function_privs_are('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.grant_access(regrole, text, text)');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.grant_deploy(regrole, text)');
SELECT function_privs_are('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.grant_monitor(regrole, text)');
SELECT function_privs_are('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.revoke_access(regrole, text)');
SELECT function_privs_are('migrate', 'guard_drop', ARRAY[]::name[], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.guard_drop()');
SELECT function_privs_are('migrate', 'schema_snapshot', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.schema_snapshot(text)');
SELECT function_privs_are('migrate', 'drift', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.drift(text)');
SELECT function_privs_are('migrate', 'schema_diff', ARRAY['jsonb', 'jsonb'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.schema_diff(jsonb, jsonb)');
SELECT function_privs_are('migrate', 'diff', ARRAY['jsonb', 'jsonb'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.diff(jsonb, jsonb)');
SELECT function_privs_are('migrate', 'accept_schema', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.accept_schema(text)');
SELECT function_privs_are('migrate', 'set_scope', ARRAY['text', 'text[]'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.set_scope(text, text[])');
SELECT function_privs_are('migrate', 'set_search_path', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.set_search_path(text, text)');
SELECT function_privs_are('migrate', 'verify', ARRAY['text', 'text', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.verify(text, text, boolean)');
SELECT function_privs_are('migrate', 'lint', ARRAY['text', 'text[]', 'boolean'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.lint(text, text[], boolean)');
SELECT function_privs_are('migrate', 'lint_revision', ARRAY['text', 'text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.lint_revision(text, text)');
SELECT function_privs_are('migrate', 'lint_ignores', ARRAY['text'], 'public', ARRAY[]::name[], 'PUBLIC cannot execute migrate.lint_ignores(text)');
SELECT function_privs_are('migrate', 'current', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.current(text)');
SELECT function_privs_are('migrate', 'heads', ARRAY['text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.heads(text, boolean)');
SELECT function_privs_are('migrate', 'branches', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.branches(text)');
SELECT function_privs_are('migrate', 'history', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.history(text, text)');
SELECT function_privs_are('migrate', 'status', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.status(text)');
SELECT function_privs_are('migrate', 'is_up_to_date', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.is_up_to_date(text)');
SELECT function_privs_are('migrate', 'status_json', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.status_json(text)');
SELECT function_privs_are('migrate', 'plan', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.plan(text, text)');
SELECT function_privs_are('migrate', 'progress', ARRAY[]::name[], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.progress()');
SELECT function_privs_are('migrate', 'has_access', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.has_access(text, text)');
SELECT function_privs_are('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.revision(text, text, text, text[], text, text[], text[], text)');
SELECT function_privs_are('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.merge(text[], text, text, text)');
SELECT function_privs_are('migrate', 'unregister', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.unregister(text, text)');
SELECT function_privs_are('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.upgrade(text, text, boolean)');
SELECT function_privs_are('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.downgrade(text, text, boolean)');
SELECT function_privs_are('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.stamp(text, text, boolean)');
SELECT function_privs_are('migrate', 'lock', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.lock(text)');
SELECT function_privs_are('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.record_step(text, text, text, text)');
SELECT function_privs_are('migrate', 'show', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.show(text, text)');
SELECT function_privs_are('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.script(text, text, boolean)');
SELECT function_privs_are('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.apply(text, text, boolean)');
SELECT function_privs_are('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.grant_access(regrole, text, text)');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.grant_deploy(regrole, text)');
SELECT function_privs_are('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.grant_monitor(regrole, text)');
SELECT function_privs_are('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.revoke_access(regrole, text)');
SELECT function_privs_are('migrate', 'guard_drop', ARRAY[]::name[], 'regress_tap_deployer', ARRAY[]::name[], 'the deploy role cannot execute migrate.guard_drop()');
SELECT function_privs_are('migrate', 'schema_snapshot', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.schema_snapshot(text)');
SELECT function_privs_are('migrate', 'drift', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.drift(text)');
SELECT function_privs_are('migrate', 'schema_diff', ARRAY['jsonb', 'jsonb'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.schema_diff(jsonb, jsonb)');
SELECT function_privs_are('migrate', 'diff', ARRAY['jsonb', 'jsonb'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.diff(jsonb, jsonb)');
SELECT function_privs_are('migrate', 'accept_schema', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.accept_schema(text)');
SELECT function_privs_are('migrate', 'set_scope', ARRAY['text', 'text[]'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.set_scope(text, text[])');
SELECT function_privs_are('migrate', 'set_search_path', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.set_search_path(text, text)');
SELECT function_privs_are('migrate', 'verify', ARRAY['text', 'text', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.verify(text, text, boolean)');
SELECT function_privs_are('migrate', 'lint', ARRAY['text', 'text[]', 'boolean'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.lint(text, text[], boolean)');
SELECT function_privs_are('migrate', 'lint_revision', ARRAY['text', 'text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.lint_revision(text, text)');
SELECT function_privs_are('migrate', 'lint_ignores', ARRAY['text'], 'regress_tap_deployer', ARRAY['EXECUTE'], 'the deploy role executes migrate.lint_ignores(text)');
SELECT function_privs_are('migrate', 'current', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.current(text)');
SELECT function_privs_are('migrate', 'heads', ARRAY['text', 'boolean'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.heads(text, boolean)');
SELECT function_privs_are('migrate', 'branches', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.branches(text)');
SELECT function_privs_are('migrate', 'history', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.history(text, text)');
SELECT function_privs_are('migrate', 'status', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.status(text)');
SELECT function_privs_are('migrate', 'is_up_to_date', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.is_up_to_date(text)');
SELECT function_privs_are('migrate', 'status_json', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.status_json(text)');
SELECT function_privs_are('migrate', 'plan', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.plan(text, text)');
SELECT function_privs_are('migrate', 'progress', ARRAY[]::name[], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.progress()');
SELECT function_privs_are('migrate', 'has_access', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.has_access(text, text)');
SELECT function_privs_are('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.revision(text, text, text, text[], text, text[], text[], text)');
SELECT function_privs_are('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.merge(text[], text, text, text)');
SELECT function_privs_are('migrate', 'unregister', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.unregister(text, text)');
SELECT function_privs_are('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.upgrade(text, text, boolean)');
SELECT function_privs_are('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.downgrade(text, text, boolean)');
SELECT function_privs_are('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.stamp(text, text, boolean)');
SELECT function_privs_are('migrate', 'lock', ARRAY['text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.lock(text)');
SELECT function_privs_are('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.record_step(text, text, text, text)');
SELECT function_privs_are('migrate', 'show', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.show(text, text)');
SELECT function_privs_are('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.script(text, text, boolean)');
SELECT function_privs_are('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.apply(text, text, boolean)');
SELECT function_privs_are('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.grant_access(regrole, text, text)');
SELECT function_privs_are('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.grant_deploy(regrole, text)');
SELECT function_privs_are('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.grant_monitor(regrole, text)');
SELECT function_privs_are('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.revoke_access(regrole, text)');
SELECT function_privs_are('migrate', 'guard_drop', ARRAY[]::name[], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.guard_drop()');
SELECT function_privs_are('migrate', 'schema_snapshot', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.schema_snapshot(text)');
SELECT function_privs_are('migrate', 'drift', ARRAY['text'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.drift(text)');
SELECT function_privs_are('migrate', 'schema_diff', ARRAY['jsonb', 'jsonb'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.schema_diff(jsonb, jsonb)');
SELECT function_privs_are('migrate', 'diff', ARRAY['jsonb', 'jsonb'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.diff(jsonb, jsonb)');
SELECT function_privs_are('migrate', 'accept_schema', ARRAY['text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.accept_schema(text)');
SELECT function_privs_are('migrate', 'set_scope', ARRAY['text', 'text[]'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.set_scope(text, text[])');
SELECT function_privs_are('migrate', 'set_search_path', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.set_search_path(text, text)');
SELECT function_privs_are('migrate', 'verify', ARRAY['text', 'text', 'boolean'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.verify(text, text, boolean)');
SELECT function_privs_are('migrate', 'lint', ARRAY['text', 'text[]', 'boolean'], 'regress_tap_monitor', ARRAY['EXECUTE'], 'the monitoring role executes migrate.lint(text, text[], boolean)');
SELECT function_privs_are('migrate', 'lint_revision', ARRAY['text', 'text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.lint_revision(text, text)');
SELECT function_privs_are('migrate', 'lint_ignores', ARRAY['text'], 'regress_tap_monitor', ARRAY[]::name[], 'the monitoring role cannot execute migrate.lint_ignores(text)');

-- Row-level security on every table, with SELECT policies only.
SELECT ok(coalesce((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('migrate.projects')), false), 'row-level security is enabled on migrate.projects');
SELECT ok(coalesce((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('migrate.revisions')), false), 'row-level security is enabled on migrate.revisions');
SELECT ok(coalesce((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('migrate.applied')), false), 'row-level security is enabled on migrate.applied');
SELECT ok(coalesce((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('migrate.events')), false), 'row-level security is enabled on migrate.events');
SELECT ok(coalesce((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('migrate.grants')), false), 'row-level security is enabled on migrate.grants');
SELECT policies_are('migrate', 'projects', ARRAY['project_readers'], 'migrate.projects has exactly the policy project_readers');
SELECT policies_are('migrate', 'revisions', ARRAY['project_readers'], 'migrate.revisions has exactly the policy project_readers');
SELECT policies_are('migrate', 'applied', ARRAY['project_readers'], 'migrate.applied has exactly the policy project_readers');
SELECT policies_are('migrate', 'events', ARRAY['project_readers'], 'migrate.events has exactly the policy project_readers');
SELECT policies_are('migrate', 'grants', ARRAY['own_grants'], 'migrate.grants has exactly the policy own_grants');
SELECT is((SELECT format('%s %s to %s using %s with check %s', permissive, cmd, roles, qual, coalesce(with_check, '-'))
             FROM pg_policies WHERE schemaname = 'migrate' AND tablename = 'projects' AND policyname = 'project_readers'),
          'PERMISSIVE SELECT to {public} using migrate.has_access(project) with check -',
          'policy project_readers on migrate.projects: SELECT, for everyone, rows of the projects the reader may see');
SELECT is((SELECT format('%s %s to %s using %s with check %s', permissive, cmd, roles, qual, coalesce(with_check, '-'))
             FROM pg_policies WHERE schemaname = 'migrate' AND tablename = 'revisions' AND policyname = 'project_readers'),
          'PERMISSIVE SELECT to {public} using migrate.has_access(project) with check -',
          'policy project_readers on migrate.revisions: SELECT, for everyone, rows of the projects the reader may see');
SELECT is((SELECT format('%s %s to %s using %s with check %s', permissive, cmd, roles, qual, coalesce(with_check, '-'))
             FROM pg_policies WHERE schemaname = 'migrate' AND tablename = 'applied' AND policyname = 'project_readers'),
          'PERMISSIVE SELECT to {public} using migrate.has_access(project) with check -',
          'policy project_readers on migrate.applied: SELECT, for everyone, rows of the projects the reader may see');
SELECT is((SELECT format('%s %s to %s using %s with check %s', permissive, cmd, roles, qual, coalesce(with_check, '-'))
             FROM pg_policies WHERE schemaname = 'migrate' AND tablename = 'events' AND policyname = 'project_readers'),
          'PERMISSIVE SELECT to {public} using migrate.has_access(project) with check -',
          'policy project_readers on migrate.events: SELECT, for everyone, rows of the projects the reader may see');
SELECT is((SELECT format('%s %s to %s using %s with check %s', permissive, cmd, roles, qual, coalesce(with_check, '-'))
             FROM pg_policies WHERE schemaname = 'migrate' AND tablename = 'grants' AND policyname = 'own_grants'),
          'PERMISSIVE SELECT to {public} using pg_has_role((role)::oid, ''USAGE''::text) with check -',
          'policy own_grants on migrate.grants: SELECT, for everyone, rows of the roles the reader has the privileges of');

-- Nobody but the owner writes the tables, whatever its grants.
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; INSERT INTO migrate.projects (project) VALUES ('tap_x')$$, '42501', 'permission denied for table projects',
                 'the deploy role gets 42501 on INSERT into migrate.projects');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; UPDATE migrate.projects SET lock_key = 0$$, '42501', 'permission denied for table projects',
                 'the deploy role gets 42501 on UPDATE of migrate.projects');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; DELETE FROM migrate.projects$$, '42501', 'permission denied for table projects',
                 'the deploy role gets 42501 on DELETE from migrate.projects');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; INSERT INTO migrate.revisions (project, id, seq, up_script, up_class, up_statements, checksum, registered_by) VALUES ('tap_a', 'x', 99, 'SELECT 1', 'transactional', 1, 'x', 'x')$$, '42501', 'permission denied for table revisions',
                 'the deploy role gets 42501 on INSERT into migrate.revisions');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; UPDATE migrate.revisions SET up_script = 'SELECT 1'$$, '42501', 'permission denied for table revisions',
                 'the deploy role gets 42501 on UPDATE of migrate.revisions');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; DELETE FROM migrate.revisions$$, '42501', 'permission denied for table revisions',
                 'the deploy role gets 42501 on DELETE from migrate.revisions');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; INSERT INTO migrate.applied (project, revision, applied_by) VALUES ('tap_a', 'x', 'x')$$, '42501', 'permission denied for table applied',
                 'the deploy role gets 42501 on INSERT into migrate.applied');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; UPDATE migrate.applied SET applied_via = 'stamp'$$, '42501', 'permission denied for table applied',
                 'the deploy role gets 42501 on UPDATE of migrate.applied');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; DELETE FROM migrate.applied$$, '42501', 'permission denied for table applied',
                 'the deploy role gets 42501 on DELETE from migrate.applied');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; INSERT INTO migrate.events (project, revision, direction, started_at, duration, outcome, current_user_name, session_user_name, backend_pid) VALUES ('tap_a', 'x', 'up', now(), '0', 'success', 'x', 'x', 0)$$, '42501', 'permission denied for table events',
                 'the deploy role gets 42501 on INSERT into migrate.events');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; UPDATE migrate.events SET outcome = 'success'$$, '42501', 'permission denied for table events',
                 'the deploy role gets 42501 on UPDATE of migrate.events');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; DELETE FROM migrate.events$$, '42501', 'permission denied for table events',
                 'the deploy role gets 42501 on DELETE from migrate.events');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; INSERT INTO migrate.grants (role, project, access, granted_by) VALUES ('regress_tap_deployer', NULL, 'deploy', 'x')$$, '42501', 'permission denied for table grants',
                 'the deploy role gets 42501 on INSERT into migrate.grants');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; UPDATE migrate.grants SET project = NULL$$, '42501', 'permission denied for table grants',
                 'the deploy role gets 42501 on UPDATE of migrate.grants');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; DELETE FROM migrate.grants$$, '42501', 'permission denied for table grants',
                 'the deploy role gets 42501 on DELETE from migrate.grants');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; SELECT nextval('migrate.projects_lock_key_seq')$$, '42501', 'permission denied for sequence projects_lock_key_seq',
                 'the deploy role gets 42501 from nextval() on migrate.projects_lock_key_seq');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; SELECT migrate.grant_deploy('regress_tap_deployer', NULL)$$, '42501', 'permission denied for function grant_deploy',
                 'the deploy role cannot widen its own access');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; INSERT INTO migrate.grants (role, project, access, granted_by) VALUES ('regress_tap_monitor', 'tap_a', 'deploy', 'x')$$,
                 '42501', 'permission denied for table grants', 'the monitoring role cannot grant itself deploy access');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; SELECT migrate.script('heads', 'tap_a')$$, '42501', 'permission denied for function script',
                 'the monitoring role gets 42501 from script()');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; SELECT * FROM migrate.show('ta1', 'tap_a')$$, '42501', 'permission denied for function show',
                 'the monitoring role gets 42501 from show()');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; SELECT up_script FROM migrate.revisions$$, '42501', 'permission denied for table revisions',
                 'the monitoring role gets 42501 reading up_script');

--
-- Per-project access, enforced by pg_migrate's functions: the deploy role
-- of tap_a registers there; a superuser registers in tap_b.
--
SELECT lives_ok($$SET LOCAL ROLE regress_tap_deployer;
                  SELECT migrate.revision('ta1', 'CREATE TABLE tap_app.ta1 (id integer)', 'DROP TABLE tap_app.ta1', project => 'tap_a');
                  RESET ROLE$$,
                'the deploy role registers a revision in its project tap_a');
SELECT lives_ok($$SELECT migrate.revision('tb1', 'CREATE TABLE tap_app.tb1 (id integer)', 'DROP TABLE tap_app.tb1', project => 'tap_b')$$,
                'a superuser registers a revision in project tap_b');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; SELECT migrate.revision('tb2', 'SELECT 1', parents => '{tb1}', project => 'tap_b')$$,
                 '42501', 'permission denied to change migrations of project "tap_b"',
                 'the deploy role of tap_a gets 42501 from revision() in tap_b');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; SELECT * FROM migrate.upgrade('heads', 'tap_b')$$,
                 '42501', 'permission denied to change migrations of project "tap_b"',
                 'the deploy role of tap_a gets 42501 from upgrade() in tap_b');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_deployer; SELECT * FROM migrate.status('tap_b')$$,
                 '42501', 'permission denied to read migrations of project "tap_b"',
                 'the deploy role of tap_a gets 42501 from status() in tap_b');
SELECT is(pg_temp.error_hint($$SET LOCAL ROLE regress_tap_deployer; SELECT migrate.revision('tb2', 'SELECT 1', parents => '{tb1}', project => 'tap_b')$$),
          'A superuser can grant it with SELECT migrate.grant_deploy(''regress_tap_deployer'', ''tap_b'').',
          'the error names grant_deploy() for changes');
SELECT is(pg_temp.error_hint($$SET LOCAL ROLE regress_tap_deployer; SELECT * FROM migrate.status('tap_b')$$),
          'A superuser can grant it with SELECT migrate.grant_monitor(''regress_tap_deployer'', ''tap_b'').',
          'the error names grant_monitor() for reads');
SELECT throws_ok($$SET LOCAL ROLE regress_tap_monitor; SELECT * FROM migrate.status('tap_b')$$,
                 '42501', 'permission denied to read migrations of project "tap_b"',
                 'the monitoring role of tap_a gets 42501 from status() in tap_b');

-- Direct reads show the reader's projects only.
SET LOCAL ROLE regress_tap_deployer;
SELECT coalesce(string_agg(DISTINCT project, ', '), '') AS dep_revisions FROM migrate.revisions \gset
SELECT coalesce(string_agg(DISTINCT project, ', '), '') AS dep_projects FROM migrate.projects \gset
SELECT coalesce(string_agg(up_script, ', '), '') AS dep_scripts FROM migrate.revisions \gset
RESET ROLE;
SET LOCAL ROLE regress_tap_monitor;
SELECT coalesce(string_agg(project || ' ' || id, ', ' ORDER BY project, id), '') AS mon_revisions FROM migrate.revisions \gset
SELECT coalesce(string_agg(role::text || ' ' || coalesce(project, '*'), ', ' ORDER BY role::text), '') AS mon_grants FROM migrate.grants \gset
RESET ROLE;
SELECT is(:'dep_revisions'::text, 'tap_a', 'the deploy role of tap_a sees only the revisions of tap_a');
SELECT is(:'dep_projects'::text, 'tap_a', 'the deploy role of tap_a sees only project tap_a');
SELECT is(:'dep_scripts'::text, 'CREATE TABLE tap_app.ta1 (id integer)', 'the deploy role reads the scripts of its project');
SELECT is(:'mon_revisions'::text, 'tap_a ta1', 'the monitoring role of tap_a sees only the revisions of tap_a');
SELECT is(:'mon_grants'::text, 'regress_tap_monitor tap_a', 'the monitoring role sees only its own grants');

-- A grant for project NULL covers every project.
SELECT lives_ok($$SELECT migrate.grant_monitor('regress_tap_everything', NULL)$$, 'grant_monitor(role, NULL) grants every project');
SET LOCAL ROLE regress_tap_everything;
SELECT migrate.has_access('tap_a') || ' ' || migrate.has_access('tap_b') || ' ' || migrate.has_access('tap_a', 'deploy') AS every_access \gset
SELECT coalesce(string_agg(DISTINCT project, ', '), '') AS every_revisions FROM migrate.revisions WHERE project IN ('tap_a', 'tap_b') \gset
RESET ROLE;
SELECT is(:'every_access'::text, 'true true false', 'a monitor grant for NULL gives monitor (not deploy) access to tap_a and tap_b');
SELECT is(:'every_revisions'::text, 'tap_a, tap_b', 'a monitor grant for NULL reads the revisions of every project');

--
-- A revision never runs with more rights than its author had: a superuser
-- running the deploy role's revision must opt in, and the opt-in is
-- recorded.
--
SELECT throws_ok($$SELECT * FROM migrate.upgrade('heads', 'tap_a')$$, '42501',
                 format('revision "ta1" of project "tap_a" was registered by role "regress_tap_deployer", which is neither role "%s" nor a member of it', current_user),
                 'a superuser gets 42501 running a revision the deploy role registered');
SELECT lives_ok($$SELECT * FROM migrate.upgrade('heads', 'tap_a', trust_registrants => true)$$,
                'with trust_registrants => true the superuser runs it');
SELECT results_eq($$SELECT revision, direction, outcome, current_user_name, trusted_registrant FROM migrate.events WHERE project = 'tap_a' ORDER BY event_id$$,
                  $$VALUES ('ta1'::text, 'up'::text, 'success'::text, current_user::name, 'regress_tap_deployer'::name)$$,
                  'events.trusted_registrant records whose script ran on trust');

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
SELECT migrate.grant_deploy('regress_tap_deployer', 'tap') AS tap_granted \gset
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
SELECT string_agg(format('%s %s %s %s %s', revision, direction, outcome, current_user_name, coalesce(trusted_registrant, '-')), ', ' ORDER BY event_id) AS during_events
  FROM migrate.events WHERE project = 'tap' \gset
ROLLBACK TO SAVEPOINT tap_upgrade;

SELECT is(:'tap1' || ' ' || :'tap2', 'tap1 tap2', 'the deploy role registered two revisions');
SELECT is(:'up_steps'::text, 'tap1 up, tap2 up', 'upgrade(''heads'') applied both, in order');
SELECT is(:'during_current'::text, 'tap2', 'the version set was {tap2}');
SELECT is(:during_rows::bigint, 2::bigint, 'both migrations ran');
SELECT is(:'during_owner'::text, 'regress_tap_deployer', 'the migrations ran with the deploy role''s rights');
SELECT ok(:'during_up_to_date'::boolean, 'is_up_to_date() was true');
SELECT is(:'during_events'::text, 'tap1 up success regress_tap_deployer -, tap2 up success regress_tap_deployer -',
          'the deploy role read its events: its own revisions ran without trust');
SELECT is(current_user::text, session_user::text, 'the rollback restored the original role');
SELECT hasnt_table('tap_app', 'widgets', 'the table the upgrade created is gone');
SELECT throws_ok($$SELECT * FROM migrate.current('tap')$$, '42704', 'project "tap" does not exist', 'project tap is gone: current() does not know it');
SELECT is_empty($$SELECT * FROM migrate.grants WHERE project = 'tap'$$, 'no grant is left');
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
