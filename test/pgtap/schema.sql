--
-- pgTAP: the schema contract of pg_migrate (SPEC sections 1-3).
--
-- Run with pg_prove against a database where pgtap and pg_migrate are
-- installable; everything, including the two CREATE EXTENSIONs when they
-- were needed, is rolled back.
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

SELECT plan(111);
SELECT has_extension('migrate', 'pg_migrate', 'extension pg_migrate is installed in schema migrate');
SELECT ok((SELECT NOT extrelocatable FROM pg_extension WHERE extname = 'pg_migrate'), 'pg_migrate is not relocatable');
SELECT has_schema('migrate', 'schema migrate exists');

-- Tables, keys, and the columns that must always be filled in.
SELECT has_table('migrate', 'projects', 'table migrate.projects exists');
SELECT has_table('migrate', 'revisions', 'table migrate.revisions exists');
SELECT has_table('migrate', 'applied', 'table migrate.applied exists');
SELECT has_table('migrate', 'events', 'table migrate.events exists');
SELECT has_pk('migrate', 'projects', 'migrate.projects has a primary key');
SELECT has_pk('migrate', 'revisions', 'migrate.revisions has a primary key');
SELECT has_pk('migrate', 'applied', 'migrate.applied has a primary key');
SELECT has_pk('migrate', 'events', 'migrate.events has a primary key');
SELECT col_is_pk('migrate', 'projects', ARRAY['project'], 'projects are keyed by name');
SELECT col_is_pk('migrate', 'revisions', ARRAY['project', 'id'], 'revisions are keyed by (project, id)');
SELECT col_is_pk('migrate', 'applied', ARRAY['project', 'revision'], 'a revision is applied at most once per project');
SELECT fk_ok('migrate', 'revisions', ARRAY['project'], 'migrate', 'projects', ARRAY['project'], 'revisions belong to a project');
-- 0.3.0: the completeness flag, and the index registration finds labels by
SELECT col_type_is('migrate', 'projects', 'complete_version', 'bigint', 'migrate.projects.complete_version is a bigint');
SELECT col_is_null('migrate', 'projects', 'complete_version', 'migrate.projects.complete_version may be NULL (unknown)');
SELECT is(pg_get_indexdef('migrate.revisions_labeled_idx'::regclass),
          'CREATE INDEX revisions_labeled_idx ON migrate.revisions USING btree (project) WHERE (branch_labels <> ''{}''::text[])',
          'labeled revisions are indexed by project');
SELECT fk_ok('migrate', 'applied', ARRAY['project', 'revision'], 'migrate', 'revisions', ARRAY['project', 'id'], 'applied rows name registered revisions');
SELECT is_empty($$SELECT conname FROM pg_constraint WHERE conrelid = 'migrate.events'::regclass AND contype = 'f'$$, 'events have no foreign key, so they outlive anything');
SELECT col_not_null('migrate', 'revisions', 'project', 'migrate.revisions.project is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'id', 'migrate.revisions.id is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'seq', 'migrate.revisions.seq is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'parents', 'migrate.revisions.parents is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'branch_labels', 'migrate.revisions.branch_labels is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'depends_on', 'migrate.revisions.depends_on is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'up_script', 'migrate.revisions.up_script is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'up_class', 'migrate.revisions.up_class is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'up_statements', 'migrate.revisions.up_statements is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'checksum', 'migrate.revisions.checksum is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'registered_at', 'migrate.revisions.registered_at is NOT NULL');
SELECT col_not_null('migrate', 'revisions', 'registered_by', 'migrate.revisions.registered_by is NOT NULL');
SELECT col_not_null('migrate', 'applied', 'project', 'migrate.applied.project is NOT NULL');
SELECT col_not_null('migrate', 'applied', 'revision', 'migrate.applied.revision is NOT NULL');
SELECT col_not_null('migrate', 'applied', 'applied_at', 'migrate.applied.applied_at is NOT NULL');
SELECT col_not_null('migrate', 'applied', 'applied_by', 'migrate.applied.applied_by is NOT NULL');
SELECT col_not_null('migrate', 'events', 'project', 'migrate.events.project is NOT NULL');
SELECT col_not_null('migrate', 'events', 'revision', 'migrate.events.revision is NOT NULL');
SELECT col_not_null('migrate', 'events', 'direction', 'migrate.events.direction is NOT NULL');
SELECT col_not_null('migrate', 'events', 'started_at', 'migrate.events.started_at is NOT NULL');
SELECT col_not_null('migrate', 'events', 'duration', 'migrate.events.duration is NOT NULL');
SELECT col_not_null('migrate', 'events', 'outcome', 'migrate.events.outcome is NOT NULL');
SELECT col_not_null('migrate', 'events', 'current_user_name', 'migrate.events.current_user_name is NOT NULL');
SELECT col_not_null('migrate', 'events', 'session_user_name', 'migrate.events.session_user_name is NOT NULL');
SELECT col_not_null('migrate', 'events', 'backend_pid', 'migrate.events.backend_pid is NOT NULL');
SELECT col_is_null('migrate', 'revisions', 'down_script', 'down_script may be NULL (irreversible revision)');
SELECT col_is_null('migrate', 'revisions', 'message', 'message may be NULL');
SELECT col_type_is('migrate', 'revisions', 'parents', 'text[]', 'parents are an ordered text[]');
SELECT col_type_is('migrate', 'events', 'transaction_id', 'xid8', 'events record the transaction id as xid8');
SELECT set_eq($$SELECT c::regclass::text FROM pg_extension e, unnest(e.extconfig) AS c WHERE e.extname = 'pg_migrate'$$, ARRAY['migrate.applied', 'migrate.events', 'migrate.events_event_id_seq', 'migrate.projects', 'migrate.projects_lock_key_seq', 'migrate.revisions'], 'every table and sequence holding user state is dumped with the database');

-- The SQL API of SPEC section 3, with exact argument types.
SELECT has_function('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'migrate.revision(text, text, text, text[], text, text[], text[], text) exists');
SELECT has_function('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'migrate.merge(text[], text, text, text) exists');
SELECT has_function('migrate', 'upgrade', ARRAY['text', 'text'], 'migrate.upgrade(text, text) exists');
SELECT has_function('migrate', 'downgrade', ARRAY['text', 'text'], 'migrate.downgrade(text, text) exists');
SELECT has_function('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'migrate.stamp(text, text, boolean) exists');
SELECT has_function('migrate', 'current', ARRAY['text'], 'migrate.current(text) exists');
SELECT has_function('migrate', 'heads', ARRAY['text', 'boolean'], 'migrate.heads(text, boolean) exists');
SELECT has_function('migrate', 'branches', ARRAY['text'], 'migrate.branches(text) exists');
SELECT has_function('migrate', 'history', ARRAY['text', 'text'], 'migrate.history(text, text) exists');
SELECT has_function('migrate', 'show', ARRAY['text', 'text'], 'migrate.show(text, text) exists');
SELECT has_function('migrate', 'status', ARRAY['text'], 'migrate.status(text) exists');
SELECT has_function('migrate', 'is_up_to_date', ARRAY['text'], 'migrate.is_up_to_date(text) exists');
SELECT has_function('migrate', 'status_json', ARRAY['text'], 'migrate.status_json(text) exists');
SELECT has_function('migrate', 'plan', ARRAY['text', 'text'], 'migrate.plan(text, text) exists');
SELECT has_function('migrate', 'apply', ARRAY['text', 'text'], 'migrate.apply(text, text) exists');
SELECT is((SELECT prokind FROM pg_proc WHERE oid = 'migrate.apply(text, text)'::regprocedure), 'p'::"char", 'migrate.apply(text, text) is a procedure');
SELECT has_function('migrate', 'lock', ARRAY['text'], 'migrate.lock(text) exists');
SELECT has_function('migrate', 'progress', ARRAY[]::name[], 'migrate.progress() exists');
SELECT function_returns('migrate', 'progress', ARRAY[]::name[], 'setof record', 'migrate.progress() returns setof record');
SELECT has_function('migrate', 'script', ARRAY['text', 'text'], 'migrate.script(text, text) exists');
SELECT has_function('migrate', 'grant_deploy', ARRAY['regrole'], 'migrate.grant_deploy(regrole) exists');
SELECT has_function('migrate', 'grant_monitor', ARRAY['regrole'], 'migrate.grant_monitor(regrole) exists');
SELECT has_function('migrate', 'revoke_access', ARRAY['regrole'], 'migrate.revoke_access(regrole) exists');

SELECT function_returns('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'text', 'migrate.revision(text, text, text, text[], text, text[], text[], text) returns text');
SELECT function_returns('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'text', 'migrate.merge(text[], text, text, text) returns text');
SELECT function_returns('migrate', 'upgrade', ARRAY['text', 'text'], 'setof record', 'migrate.upgrade(text, text) returns setof record');
SELECT function_returns('migrate', 'downgrade', ARRAY['text', 'text'], 'setof record', 'migrate.downgrade(text, text) returns setof record');
SELECT function_returns('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'setof record', 'migrate.stamp(text, text, boolean) returns setof record');
SELECT function_returns('migrate', 'current', ARRAY['text'], 'setof text', 'migrate.current(text) returns setof text');
SELECT function_returns('migrate', 'heads', ARRAY['text', 'boolean'], 'setof text', 'migrate.heads(text, boolean) returns setof text');
SELECT function_returns('migrate', 'branches', ARRAY['text'], 'setof record', 'migrate.branches(text) returns setof record');
SELECT function_returns('migrate', 'history', ARRAY['text', 'text'], 'setof record', 'migrate.history(text, text) returns setof record');
SELECT function_returns('migrate', 'show', ARRAY['text', 'text'], 'setof record', 'migrate.show(text, text) returns setof record');
SELECT function_returns('migrate', 'status', ARRAY['text'], 'setof record', 'migrate.status(text) returns setof record');
SELECT function_returns('migrate', 'is_up_to_date', ARRAY['text'], 'boolean', 'migrate.is_up_to_date(text) returns boolean');
SELECT function_returns('migrate', 'status_json', ARRAY['text'], 'jsonb', 'migrate.status_json(text) returns jsonb');
SELECT function_returns('migrate', 'plan', ARRAY['text', 'text'], 'setof record', 'migrate.plan(text, text) returns setof record');
SELECT function_returns('migrate', 'script', ARRAY['text', 'text'], 'text', 'migrate.script(text, text) returns text');
SELECT function_returns('migrate', 'grant_deploy', ARRAY['regrole'], 'void', 'migrate.grant_deploy(regrole) returns void');
SELECT function_returns('migrate', 'grant_monitor', ARRAY['regrole'], 'void', 'migrate.grant_monitor(regrole) returns void');
SELECT function_returns('migrate', 'revoke_access', ARRAY['regrole'], 'void', 'migrate.revoke_access(regrole) returns void');

SELECT volatility_is('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'volatile', 'migrate.revision(text, text, text, text[], text, text[], text[], text) is volatile');
SELECT volatility_is('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'volatile', 'migrate.merge(text[], text, text, text) is volatile');
SELECT volatility_is('migrate', 'upgrade', ARRAY['text', 'text'], 'volatile', 'migrate.upgrade(text, text) is volatile');
SELECT volatility_is('migrate', 'downgrade', ARRAY['text', 'text'], 'volatile', 'migrate.downgrade(text, text) is volatile');
SELECT volatility_is('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'volatile', 'migrate.stamp(text, text, boolean) is volatile');
SELECT volatility_is('migrate', 'current', ARRAY['text'], 'stable', 'migrate.current(text) is stable');
SELECT volatility_is('migrate', 'heads', ARRAY['text', 'boolean'], 'stable', 'migrate.heads(text, boolean) is stable');
SELECT volatility_is('migrate', 'branches', ARRAY['text'], 'stable', 'migrate.branches(text) is stable');
SELECT volatility_is('migrate', 'history', ARRAY['text', 'text'], 'stable', 'migrate.history(text, text) is stable');
SELECT volatility_is('migrate', 'show', ARRAY['text', 'text'], 'stable', 'migrate.show(text, text) is stable');
SELECT volatility_is('migrate', 'status', ARRAY['text'], 'stable', 'migrate.status(text) is stable');
SELECT volatility_is('migrate', 'is_up_to_date', ARRAY['text'], 'stable', 'migrate.is_up_to_date(text) is stable');
SELECT volatility_is('migrate', 'status_json', ARRAY['text'], 'stable', 'migrate.status_json(text) is stable');
SELECT volatility_is('migrate', 'plan', ARRAY['text', 'text'], 'stable', 'migrate.plan(text, text) is stable');
SELECT volatility_is('migrate', 'script', ARRAY['text', 'text'], 'stable', 'migrate.script(text, text) is stable');
SELECT volatility_is('migrate', 'grant_deploy', ARRAY['regrole'], 'volatile', 'migrate.grant_deploy(regrole) is volatile');
SELECT volatility_is('migrate', 'grant_monitor', ARRAY['regrole'], 'volatile', 'migrate.grant_monitor(regrole) is volatile');
SELECT volatility_is('migrate', 'revoke_access', ARRAY['regrole'], 'volatile', 'migrate.revoke_access(regrole) is volatile');

-- Nothing runs with its owner's rights; SQL-level functions pin search_path.
SELECT is_empty($$SELECT oid::regprocedure FROM pg_proc WHERE pronamespace = 'migrate'::regnamespace AND prosecdef$$, 'no function in schema migrate is SECURITY DEFINER');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.pronamespace = 'migrate'::regnamespace AND l.lanname NOT IN ('c', 'internal') AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)$$, 'every SQL and PL/pgSQL function sets search_path = pg_catalog, pg_temp');

SELECT * FROM finish();
ROLLBACK;
