--
-- pgTAP: the schema contract of pg_migrate 0.4.0 (docs/design.md sections 1-3).
--
-- The extension's own schema is pg_catalog; the install script creates
-- schema "migrate" itself, as a member of the extension, and refuses one
-- that already exists.  Five tables (grants is new in 0.4.0), their
-- columns, constraints and indexes; the 25 routines with their exact
-- signatures; the event trigger that guards recorded history against
-- DROP EXTENSION and DROP SCHEMA.
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

SELECT plan(396);

-- The extension and its schema.
SELECT has_extension('pg_catalog', 'pg_migrate', 'extension pg_migrate is installed with schema pg_catalog (the control file''s schema)');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'), '0.4.0', 'pg_migrate 0.4.0 is installed');
SELECT ok((SELECT NOT extrelocatable FROM pg_extension WHERE extname = 'pg_migrate'), 'pg_migrate is not relocatable');
SELECT has_schema('migrate', 'schema migrate exists');
SELECT ok(EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                   WHERE d.classid = 'pg_namespace'::regclass AND d.objid = to_regnamespace('migrate')
                     AND d.refclassid = 'pg_extension'::regclass AND e.extname = 'pg_migrate' AND d.deptype = 'e'),
          'schema migrate is a member of extension pg_migrate (the install script created it)');
SELECT is((SELECT nspowner FROM pg_namespace WHERE nspname = 'migrate'), (SELECT extowner FROM pg_extension WHERE extname = 'pg_migrate'),
          'schema migrate belongs to the extension''s owner');
SELECT is_empty($$SELECT c.relname FROM pg_class c, pg_extension e
                   WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'S') AND e.extname = 'pg_migrate'
                     AND c.relowner <> e.extowner$$,
                'every table and sequence in schema migrate belongs to the extension''s owner, the only writer');
SELECT is_empty($$SELECT c.oid::regclass::text FROM pg_class c
                   WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p')
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                        AND e.extname = 'pg_migrate' AND d.deptype = 'e')
                  UNION ALL
                  SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.pronamespace = 'migrate'::regnamespace
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                        AND e.extname = 'pg_migrate' AND d.deptype = 'e')$$,
                'every relation and routine in schema migrate is a member of the extension');

-- Tables and sequences: exactly these.
SELECT tables_are('migrate', ARRAY['applied', 'events', 'grants', 'projects', 'revisions'], 'schema migrate has exactly the tables projects, revisions, applied, events, grants');
SELECT sequences_are('migrate', ARRAY['events_event_id_seq', 'projects_lock_key_seq'], 'schema migrate has exactly the sequences of the two serial columns');
SELECT set_eq($$SELECT c::regclass::text FROM pg_extension e, unnest(e.extconfig) AS c WHERE e.extname = 'pg_migrate'$$, ARRAY['migrate.applied', 'migrate.events', 'migrate.events_event_id_seq', 'migrate.grants', 'migrate.projects', 'migrate.projects_lock_key_seq', 'migrate.revisions'], 'every table and sequence holding user state, grants included, is dumped with the database');

-- migrate.projects
SELECT columns_are('migrate', 'projects', ARRAY['project', 'lock_key', 'state_version', 'created_at', 'changed_at', 'complete_version', 'schema_scope', 'fingerprint', 'snapshot', 'snapshot_at', 'search_path'], 'migrate.projects has exactly the columns project, lock_key, state_version, created_at, changed_at, complete_version, schema_scope, fingerprint, snapshot, snapshot_at, search_path');
SELECT col_type_is('migrate', 'projects', 'project', 'text', 'migrate.projects.project is text');
SELECT col_not_null('migrate', 'projects', 'project', 'migrate.projects.project is NOT NULL');
SELECT col_hasnt_default('migrate', 'projects', 'project', 'migrate.projects.project has no default');
SELECT col_type_is('migrate', 'projects', 'lock_key', 'integer', 'migrate.projects.lock_key is integer');
SELECT col_not_null('migrate', 'projects', 'lock_key', 'migrate.projects.lock_key is NOT NULL');
SELECT col_default_is('migrate', 'projects', 'lock_key', 'nextval(''migrate.projects_lock_key_seq''::regclass)'::text, 'migrate.projects.lock_key defaults to nextval(''migrate.projects_lock_key_seq''::regclass)');
SELECT col_type_is('migrate', 'projects', 'state_version', 'bigint', 'migrate.projects.state_version is bigint');
SELECT col_not_null('migrate', 'projects', 'state_version', 'migrate.projects.state_version is NOT NULL');
SELECT col_default_is('migrate', 'projects', 'state_version', '0'::text, 'migrate.projects.state_version defaults to 0');
SELECT col_type_is('migrate', 'projects', 'created_at', 'timestamp with time zone', 'migrate.projects.created_at is timestamp with time zone');
SELECT col_not_null('migrate', 'projects', 'created_at', 'migrate.projects.created_at is NOT NULL');
SELECT col_default_is('migrate', 'projects', 'created_at', 'now()'::text, 'migrate.projects.created_at defaults to now()');
SELECT col_type_is('migrate', 'projects', 'changed_at', 'timestamp with time zone', 'migrate.projects.changed_at is timestamp with time zone');
SELECT col_is_null('migrate', 'projects', 'changed_at', 'migrate.projects.changed_at may be NULL');
SELECT col_hasnt_default('migrate', 'projects', 'changed_at', 'migrate.projects.changed_at has no default');
SELECT col_type_is('migrate', 'projects', 'complete_version', 'bigint', 'migrate.projects.complete_version is bigint');
SELECT col_is_null('migrate', 'projects', 'complete_version', 'migrate.projects.complete_version may be NULL');
SELECT col_hasnt_default('migrate', 'projects', 'complete_version', 'migrate.projects.complete_version has no default');
SELECT col_type_is('migrate', 'projects', 'schema_scope', 'text[]', 'migrate.projects.schema_scope is text[]');
SELECT col_is_null('migrate', 'projects', 'schema_scope', 'migrate.projects.schema_scope may be NULL');
SELECT col_type_is('migrate', 'projects', 'fingerprint', 'text', 'migrate.projects.fingerprint is text');
SELECT col_is_null('migrate', 'projects', 'fingerprint', 'migrate.projects.fingerprint may be NULL');
SELECT col_type_is('migrate', 'projects', 'snapshot', 'jsonb', 'migrate.projects.snapshot is jsonb');
SELECT col_is_null('migrate', 'projects', 'snapshot', 'migrate.projects.snapshot may be NULL');
SELECT col_type_is('migrate', 'projects', 'snapshot_at', 'timestamp with time zone', 'migrate.projects.snapshot_at is timestamp with time zone');
SELECT col_is_null('migrate', 'projects', 'snapshot_at', 'migrate.projects.snapshot_at may be NULL');
SELECT col_type_is('migrate', 'projects', 'search_path', 'text', 'migrate.projects.search_path is text');
SELECT col_is_null('migrate', 'projects', 'search_path', 'migrate.projects.search_path may be NULL');

-- migrate.revisions
SELECT columns_are('migrate', 'revisions', ARRAY['project', 'id', 'seq', 'parents', 'branch_labels', 'depends_on', 'message', 'up_script', 'down_script', 'up_class', 'down_class', 'up_statements', 'down_statements', 'checksum', 'registered_at', 'registered_by'], 'migrate.revisions has exactly the columns project, id, seq, parents, branch_labels, depends_on, message, up_script, down_script, up_class, down_class, up_statements, down_statements, checksum, registered_at, registered_by');
SELECT col_type_is('migrate', 'revisions', 'project', 'text', 'migrate.revisions.project is text');
SELECT col_not_null('migrate', 'revisions', 'project', 'migrate.revisions.project is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'project', 'migrate.revisions.project has no default');
SELECT col_type_is('migrate', 'revisions', 'id', 'text', 'migrate.revisions.id is text');
SELECT col_not_null('migrate', 'revisions', 'id', 'migrate.revisions.id is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'id', 'migrate.revisions.id has no default');
SELECT col_type_is('migrate', 'revisions', 'seq', 'integer', 'migrate.revisions.seq is integer');
SELECT col_not_null('migrate', 'revisions', 'seq', 'migrate.revisions.seq is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'seq', 'migrate.revisions.seq has no default');
SELECT col_type_is('migrate', 'revisions', 'parents', 'text[]', 'migrate.revisions.parents is text[]');
SELECT col_not_null('migrate', 'revisions', 'parents', 'migrate.revisions.parents is NOT NULL');
SELECT col_default_is('migrate', 'revisions', 'parents', '{}'::text, 'migrate.revisions.parents defaults to {}');
SELECT col_type_is('migrate', 'revisions', 'branch_labels', 'text[]', 'migrate.revisions.branch_labels is text[]');
SELECT col_not_null('migrate', 'revisions', 'branch_labels', 'migrate.revisions.branch_labels is NOT NULL');
SELECT col_default_is('migrate', 'revisions', 'branch_labels', '{}'::text, 'migrate.revisions.branch_labels defaults to {}');
SELECT col_type_is('migrate', 'revisions', 'depends_on', 'text[]', 'migrate.revisions.depends_on is text[]');
SELECT col_not_null('migrate', 'revisions', 'depends_on', 'migrate.revisions.depends_on is NOT NULL');
SELECT col_default_is('migrate', 'revisions', 'depends_on', '{}'::text, 'migrate.revisions.depends_on defaults to {}');
SELECT col_type_is('migrate', 'revisions', 'message', 'text', 'migrate.revisions.message is text');
SELECT col_is_null('migrate', 'revisions', 'message', 'migrate.revisions.message may be NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'message', 'migrate.revisions.message has no default');
SELECT col_type_is('migrate', 'revisions', 'up_script', 'text', 'migrate.revisions.up_script is text');
SELECT col_not_null('migrate', 'revisions', 'up_script', 'migrate.revisions.up_script is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'up_script', 'migrate.revisions.up_script has no default');
SELECT col_type_is('migrate', 'revisions', 'down_script', 'text', 'migrate.revisions.down_script is text');
SELECT col_is_null('migrate', 'revisions', 'down_script', 'migrate.revisions.down_script may be NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'down_script', 'migrate.revisions.down_script has no default');
SELECT col_type_is('migrate', 'revisions', 'up_class', 'text', 'migrate.revisions.up_class is text');
SELECT col_not_null('migrate', 'revisions', 'up_class', 'migrate.revisions.up_class is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'up_class', 'migrate.revisions.up_class has no default');
SELECT col_type_is('migrate', 'revisions', 'down_class', 'text', 'migrate.revisions.down_class is text');
SELECT col_is_null('migrate', 'revisions', 'down_class', 'migrate.revisions.down_class may be NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'down_class', 'migrate.revisions.down_class has no default');
SELECT col_type_is('migrate', 'revisions', 'up_statements', 'integer', 'migrate.revisions.up_statements is integer');
SELECT col_not_null('migrate', 'revisions', 'up_statements', 'migrate.revisions.up_statements is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'up_statements', 'migrate.revisions.up_statements has no default');
SELECT col_type_is('migrate', 'revisions', 'down_statements', 'integer', 'migrate.revisions.down_statements is integer');
SELECT col_is_null('migrate', 'revisions', 'down_statements', 'migrate.revisions.down_statements may be NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'down_statements', 'migrate.revisions.down_statements has no default');
SELECT col_type_is('migrate', 'revisions', 'checksum', 'text', 'migrate.revisions.checksum is text');
SELECT col_not_null('migrate', 'revisions', 'checksum', 'migrate.revisions.checksum is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'checksum', 'migrate.revisions.checksum has no default');
SELECT col_type_is('migrate', 'revisions', 'registered_at', 'timestamp with time zone', 'migrate.revisions.registered_at is timestamp with time zone');
SELECT col_not_null('migrate', 'revisions', 'registered_at', 'migrate.revisions.registered_at is NOT NULL');
SELECT col_default_is('migrate', 'revisions', 'registered_at', 'now()'::text, 'migrate.revisions.registered_at defaults to now()');
SELECT col_type_is('migrate', 'revisions', 'registered_by', 'name', 'migrate.revisions.registered_by is name (0.4.0: no default, the functions record the caller)');
SELECT col_not_null('migrate', 'revisions', 'registered_by', 'migrate.revisions.registered_by is NOT NULL');
SELECT col_hasnt_default('migrate', 'revisions', 'registered_by', 'migrate.revisions.registered_by has no default (0.4.0: no default, the functions record the caller)');

-- migrate.applied
SELECT columns_are('migrate', 'applied', ARRAY['project', 'revision', 'applied_at', 'applied_by', 'applied_via'], 'migrate.applied has exactly the columns project, revision, applied_at, applied_by, applied_via');
SELECT col_type_is('migrate', 'applied', 'project', 'text', 'migrate.applied.project is text');
SELECT col_not_null('migrate', 'applied', 'project', 'migrate.applied.project is NOT NULL');
SELECT col_hasnt_default('migrate', 'applied', 'project', 'migrate.applied.project has no default');
SELECT col_type_is('migrate', 'applied', 'revision', 'text', 'migrate.applied.revision is text');
SELECT col_not_null('migrate', 'applied', 'revision', 'migrate.applied.revision is NOT NULL');
SELECT col_hasnt_default('migrate', 'applied', 'revision', 'migrate.applied.revision has no default');
SELECT col_type_is('migrate', 'applied', 'applied_at', 'timestamp with time zone', 'migrate.applied.applied_at is timestamp with time zone');
SELECT col_not_null('migrate', 'applied', 'applied_at', 'migrate.applied.applied_at is NOT NULL');
SELECT col_default_is('migrate', 'applied', 'applied_at', 'now()'::text, 'migrate.applied.applied_at defaults to now()');
SELECT col_type_is('migrate', 'applied', 'applied_by', 'name', 'migrate.applied.applied_by is name (0.4.0: no default, the functions record the caller)');
SELECT col_not_null('migrate', 'applied', 'applied_by', 'migrate.applied.applied_by is NOT NULL');
SELECT col_hasnt_default('migrate', 'applied', 'applied_by', 'migrate.applied.applied_by has no default (0.4.0: no default, the functions record the caller)');
SELECT col_type_is('migrate', 'applied', 'applied_via', 'text', 'migrate.applied.applied_via is text');
SELECT col_not_null('migrate', 'applied', 'applied_via', 'migrate.applied.applied_via is NOT NULL');
SELECT col_default_is('migrate', 'applied', 'applied_via', 'up'::text, 'migrate.applied.applied_via defaults to up');

-- migrate.events
SELECT columns_are('migrate', 'events', ARRAY['event_id', 'project', 'revision', 'direction', 'started_at', 'duration', 'outcome', 'sqlstate', 'error_message', 'statement', 'current_user_name', 'session_user_name', 'application_name', 'client_addr', 'backend_pid', 'transaction_id', 'wal_lsn', 'trusted_registrant', 'fingerprint', 'note', 'restore_lsn'], 'migrate.events has exactly the columns event_id, project, revision, direction, started_at, duration, outcome, sqlstate, error_message, statement, current_user_name, session_user_name, application_name, client_addr, backend_pid, transaction_id, wal_lsn, trusted_registrant, fingerprint, note, restore_lsn');
SELECT col_type_is('migrate', 'events', 'event_id', 'bigint', 'migrate.events.event_id is bigint');
SELECT col_not_null('migrate', 'events', 'event_id', 'migrate.events.event_id is NOT NULL');
SELECT col_default_is('migrate', 'events', 'event_id', 'nextval(''migrate.events_event_id_seq''::regclass)'::text, 'migrate.events.event_id defaults to nextval(''migrate.events_event_id_seq''::regclass)');
SELECT col_type_is('migrate', 'events', 'project', 'text', 'migrate.events.project is text');
SELECT col_not_null('migrate', 'events', 'project', 'migrate.events.project is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'project', 'migrate.events.project has no default');
SELECT col_type_is('migrate', 'events', 'revision', 'text', 'migrate.events.revision is text');
SELECT col_not_null('migrate', 'events', 'revision', 'migrate.events.revision is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'revision', 'migrate.events.revision has no default');
SELECT col_type_is('migrate', 'events', 'direction', 'text', 'migrate.events.direction is text');
SELECT col_not_null('migrate', 'events', 'direction', 'migrate.events.direction is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'direction', 'migrate.events.direction has no default');
SELECT col_type_is('migrate', 'events', 'started_at', 'timestamp with time zone', 'migrate.events.started_at is timestamp with time zone');
SELECT col_not_null('migrate', 'events', 'started_at', 'migrate.events.started_at is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'started_at', 'migrate.events.started_at has no default');
SELECT col_type_is('migrate', 'events', 'duration', 'interval', 'migrate.events.duration is interval');
SELECT col_not_null('migrate', 'events', 'duration', 'migrate.events.duration is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'duration', 'migrate.events.duration has no default');
SELECT col_type_is('migrate', 'events', 'outcome', 'text', 'migrate.events.outcome is text');
SELECT col_not_null('migrate', 'events', 'outcome', 'migrate.events.outcome is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'outcome', 'migrate.events.outcome has no default');
SELECT col_type_is('migrate', 'events', 'sqlstate', 'text', 'migrate.events.sqlstate is text');
SELECT col_is_null('migrate', 'events', 'sqlstate', 'migrate.events.sqlstate may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'sqlstate', 'migrate.events.sqlstate has no default');
SELECT col_type_is('migrate', 'events', 'error_message', 'text', 'migrate.events.error_message is text');
SELECT col_is_null('migrate', 'events', 'error_message', 'migrate.events.error_message may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'error_message', 'migrate.events.error_message has no default');
SELECT col_type_is('migrate', 'events', 'statement', 'integer', 'migrate.events.statement is integer');
SELECT col_is_null('migrate', 'events', 'statement', 'migrate.events.statement may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'statement', 'migrate.events.statement has no default');
SELECT col_type_is('migrate', 'events', 'current_user_name', 'name', 'migrate.events.current_user_name is name');
SELECT col_not_null('migrate', 'events', 'current_user_name', 'migrate.events.current_user_name is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'current_user_name', 'migrate.events.current_user_name has no default');
SELECT col_type_is('migrate', 'events', 'session_user_name', 'name', 'migrate.events.session_user_name is name');
SELECT col_not_null('migrate', 'events', 'session_user_name', 'migrate.events.session_user_name is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'session_user_name', 'migrate.events.session_user_name has no default');
SELECT col_type_is('migrate', 'events', 'application_name', 'text', 'migrate.events.application_name is text');
SELECT col_is_null('migrate', 'events', 'application_name', 'migrate.events.application_name may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'application_name', 'migrate.events.application_name has no default');
SELECT col_type_is('migrate', 'events', 'client_addr', 'inet', 'migrate.events.client_addr is inet');
SELECT col_is_null('migrate', 'events', 'client_addr', 'migrate.events.client_addr may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'client_addr', 'migrate.events.client_addr has no default');
SELECT col_type_is('migrate', 'events', 'backend_pid', 'integer', 'migrate.events.backend_pid is integer');
SELECT col_not_null('migrate', 'events', 'backend_pid', 'migrate.events.backend_pid is NOT NULL');
SELECT col_hasnt_default('migrate', 'events', 'backend_pid', 'migrate.events.backend_pid has no default');
SELECT col_type_is('migrate', 'events', 'transaction_id', 'xid8', 'migrate.events.transaction_id is xid8');
SELECT col_is_null('migrate', 'events', 'transaction_id', 'migrate.events.transaction_id may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'transaction_id', 'migrate.events.transaction_id has no default');
SELECT col_type_is('migrate', 'events', 'wal_lsn', 'pg_lsn', 'migrate.events.wal_lsn is pg_lsn');
SELECT col_is_null('migrate', 'events', 'wal_lsn', 'migrate.events.wal_lsn may be NULL');
SELECT col_hasnt_default('migrate', 'events', 'wal_lsn', 'migrate.events.wal_lsn has no default');
SELECT col_type_is('migrate', 'events', 'trusted_registrant', 'name', 'migrate.events.trusted_registrant is name (0.4.0)');
SELECT col_is_null('migrate', 'events', 'trusted_registrant', 'migrate.events.trusted_registrant may be NULL (0.4.0)');
SELECT col_hasnt_default('migrate', 'events', 'trusted_registrant', 'migrate.events.trusted_registrant has no default (0.4.0)');
SELECT col_type_is('migrate', 'events', 'fingerprint', 'text', 'migrate.events.fingerprint is text');
SELECT col_is_null('migrate', 'events', 'fingerprint', 'migrate.events.fingerprint may be NULL');
SELECT col_type_is('migrate', 'events', 'note', 'text', 'migrate.events.note is text');
SELECT col_is_null('migrate', 'events', 'note', 'migrate.events.note may be NULL');
SELECT col_type_is('migrate', 'events', 'restore_lsn', 'pg_lsn', 'migrate.events.restore_lsn is pg_lsn');

-- migrate.grants
SELECT columns_are('migrate', 'grants', ARRAY['role', 'project', 'access', 'granted_at', 'granted_by'], 'migrate.grants has exactly the columns role, project, access, granted_at, granted_by');
SELECT col_type_is('migrate', 'grants', 'role', 'regrole', 'migrate.grants.role is regrole');
SELECT col_not_null('migrate', 'grants', 'role', 'migrate.grants.role is NOT NULL');
SELECT col_hasnt_default('migrate', 'grants', 'role', 'migrate.grants.role has no default');
SELECT col_type_is('migrate', 'grants', 'project', 'text', 'migrate.grants.project is text (NULL: every project)');
SELECT col_is_null('migrate', 'grants', 'project', 'migrate.grants.project may be NULL (NULL: every project)');
SELECT col_hasnt_default('migrate', 'grants', 'project', 'migrate.grants.project has no default (NULL: every project)');
SELECT col_type_is('migrate', 'grants', 'access', 'text', 'migrate.grants.access is text');
SELECT col_not_null('migrate', 'grants', 'access', 'migrate.grants.access is NOT NULL');
SELECT col_hasnt_default('migrate', 'grants', 'access', 'migrate.grants.access has no default');
SELECT col_type_is('migrate', 'grants', 'granted_at', 'timestamp with time zone', 'migrate.grants.granted_at is timestamp with time zone');
SELECT col_not_null('migrate', 'grants', 'granted_at', 'migrate.grants.granted_at is NOT NULL');
SELECT col_default_is('migrate', 'grants', 'granted_at', 'now()'::text, 'migrate.grants.granted_at defaults to now()');
SELECT col_type_is('migrate', 'grants', 'granted_by', 'name', 'migrate.grants.granted_by is name');
SELECT col_not_null('migrate', 'grants', 'granted_by', 'migrate.grants.granted_by is NOT NULL');
SELECT col_hasnt_default('migrate', 'grants', 'granted_by', 'migrate.grants.granted_by has no default');

-- Keys, references and checks.
SELECT has_pk('migrate', 'projects', 'migrate.projects has a primary key');
SELECT has_pk('migrate', 'revisions', 'migrate.revisions has a primary key');
SELECT has_pk('migrate', 'applied', 'migrate.applied has a primary key');
SELECT has_pk('migrate', 'events', 'migrate.events has a primary key');
SELECT hasnt_pk('migrate', 'grants', 'migrate.grants has no primary key (project may be NULL; a unique index keys it)');
SELECT col_is_pk('migrate', 'projects', ARRAY['project'], 'projects are keyed by name');
SELECT col_is_pk('migrate', 'revisions', ARRAY['project', 'id'], 'revisions are keyed by (project, id)');
SELECT col_is_pk('migrate', 'applied', ARRAY['project', 'revision'], 'a revision is applied at most once per project');
SELECT col_is_pk('migrate', 'events', ARRAY['event_id'], 'events are keyed by event_id');
SELECT col_is_unique('migrate', 'projects', ARRAY['lock_key'], 'each project has its own lock key');
SELECT col_is_unique('migrate', 'revisions', ARRAY['project', 'seq'], 'the registration order is unique within a project');
SELECT fk_ok('migrate', 'revisions', ARRAY['project'], 'migrate', 'projects', ARRAY['project'], 'revisions belong to a project');
SELECT fk_ok('migrate', 'applied', ARRAY['project', 'revision'], 'migrate', 'revisions', ARRAY['project', 'id'], 'applied rows name registered revisions');
SELECT hasnt_fk('migrate', 'events', 'events have no foreign key, so they outlive anything');
SELECT hasnt_fk('migrate', 'grants', 'grants have no foreign key (a grant may name every project, or one not yet registered)');
SELECT set_eq($$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('migrate.projects')$$,
              $$VALUES ('projects_lock_key_key', 'UNIQUE (lock_key)'), ('projects_pkey', 'PRIMARY KEY (project)')$$,
              'migrate.projects has exactly these constraints');
SELECT set_eq($$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('migrate.revisions')$$,
              $$VALUES ('revisions_check', 'CHECK (((down_script IS NULL) = (down_class IS NULL)))'), ('revisions_down_class_check', 'CHECK ((down_class = ANY (ARRAY[''transactional''::text, ''nontransactional''::text])))'), ('revisions_pkey', 'PRIMARY KEY (project, id)'), ('revisions_project_fkey', 'FOREIGN KEY (project) REFERENCES migrate.projects(project)'), ('revisions_project_seq_key', 'UNIQUE (project, seq)'), ('revisions_up_class_check', 'CHECK ((up_class = ANY (ARRAY[''transactional''::text, ''nontransactional''::text])))')$$,
              'migrate.revisions has exactly these constraints');
SELECT set_eq($$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('migrate.applied')$$,
              $$VALUES ('applied_applied_via_check', 'CHECK ((applied_via = ANY (ARRAY[''up''::text, ''stamp''::text, ''offline''::text])))'), ('applied_pkey', 'PRIMARY KEY (project, revision)'), ('applied_project_revision_fkey', 'FOREIGN KEY (project, revision) REFERENCES migrate.revisions(project, id)')$$,
              'migrate.applied has exactly these constraints');
SELECT set_eq($$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('migrate.events')$$,
              $$VALUES ('events_direction_check', 'CHECK ((direction = ANY (ARRAY[''up''::text, ''down''::text, ''stamp''::text, ''unstamp''::text, ''unregister''::text, ''accept_schema''::text, ''set_scope''::text, ''set_search_path''::text, ''reconcile''::text])))'), ('events_outcome_check', 'CHECK ((outcome = ANY (ARRAY[''success''::text, ''failure''::text, ''started''::text, ''retry''::text])))'), ('events_pkey', 'PRIMARY KEY (event_id)')$$,
              'migrate.events has exactly these constraints');
SELECT set_eq($$SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('migrate.grants')$$,
              $$VALUES ('grants_access_check', 'CHECK ((access = ANY (ARRAY[''deploy''::text, ''monitor''::text])))')$$,
              'migrate.grants has exactly these constraints');

-- Indexes.
SELECT indexes_are('migrate', 'projects', ARRAY['projects_lock_key_key', 'projects_pkey'], 'migrate.projects has exactly the indexes projects_lock_key_key, projects_pkey');
SELECT indexes_are('migrate', 'revisions', ARRAY['revisions_labeled_idx', 'revisions_pkey', 'revisions_project_seq_key'], 'migrate.revisions has exactly the indexes revisions_labeled_idx, revisions_pkey, revisions_project_seq_key');
SELECT indexes_are('migrate', 'applied', ARRAY['applied_pkey'], 'migrate.applied has exactly the indexes applied_pkey');
SELECT indexes_are('migrate', 'events', ARRAY['events_pkey', 'events_project_started_idx'], 'migrate.events has exactly the indexes events_pkey, events_project_started_idx');
SELECT indexes_are('migrate', 'grants', ARRAY['grants_role_project_idx'], 'migrate.grants has exactly the indexes grants_role_project_idx');
SELECT is(pg_get_indexdef(to_regclass('migrate.revisions_labeled_idx')), 'CREATE INDEX revisions_labeled_idx ON migrate.revisions USING btree (project) WHERE (branch_labels <> ''{}''::text[])', 'labeled revisions are indexed by project');
SELECT is(pg_get_indexdef(to_regclass('migrate.events_project_started_idx')), 'CREATE INDEX events_project_started_idx ON migrate.events USING btree (project, started_at)', 'events are indexed by project and start time');
SELECT is(pg_get_indexdef(to_regclass('migrate.grants_role_project_idx')), 'CREATE UNIQUE INDEX grants_role_project_idx ON migrate.grants USING btree (role, COALESCE(project, ''''::text))', 'a role has at most one grant per project, and one for every project (NULL)');

-- The SQL API of docs/design.md section 3: exactly these 35 routines, with exact signatures.
SELECT functions_are('migrate', ARRAY['accept_schema', 'apply', 'branches', 'current', 'diff', 'downgrade', 'drift', 'grant_access', 'grant_deploy', 'grant_monitor', 'guard_drop', 'has_access', 'heads', 'history', 'is_up_to_date', 'lint', 'lint_ignores', 'lint_revision', 'lock', 'merge', 'plan', 'progress', 'record_step', 'revision', 'revoke_access', 'schema_diff', 'schema_snapshot', 'script', 'set_scope', 'set_search_path', 'show', 'stamp', 'status', 'status_json', 'unregister', 'upgrade', 'verify'], 'schema migrate has exactly the routines of 0.4.0');
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'migrate'::regnamespace$$,
              ARRAY['migrate.revision(text,text,text,text[],text,text[],text[],text)', 'migrate.merge(text[],text,text,text)', 'migrate.unregister(text,text)', 'migrate.upgrade(text,text,boolean)', 'migrate.downgrade(text,text,boolean)', 'migrate.stamp(text,text,boolean)', 'migrate.apply(text,text,boolean)', 'migrate.lock(text)', 'migrate.record_step(text,text,text,text)', 'migrate.current(text)', 'migrate.heads(text,boolean)', 'migrate.branches(text)', 'migrate.history(text,text)', 'migrate.show(text,text)', 'migrate.status(text)', 'migrate.is_up_to_date(text)', 'migrate.status_json(text)', 'migrate.plan(text,text)', 'migrate.script(text,text,boolean)', 'migrate.progress()', 'migrate.has_access(text,text)', 'migrate.grant_access(regrole,text,text)', 'migrate.grant_deploy(regrole,text)', 'migrate.grant_monitor(regrole,text)', 'migrate.revoke_access(regrole,text)', 'migrate.guard_drop()', 'migrate.schema_snapshot(text)', 'migrate.drift(text)', 'migrate.schema_diff(jsonb,jsonb)', 'migrate.diff(jsonb,jsonb)', 'migrate.accept_schema(text)', 'migrate.set_scope(text,text[])', 'migrate.set_search_path(text,text)', 'migrate.verify(text,text,boolean)', 'migrate.lint(text,text[],boolean)', 'migrate.lint_revision(text,text)', 'migrate.lint_ignores(text)'],
              'the routines of schema migrate have exactly these signatures (no overload of an older version is left)');
SELECT has_function('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'migrate.revision(text, text, text, text[], text, text[], text[], text) exists');
SELECT has_function('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'migrate.merge(text[], text, text, text) exists');
SELECT has_function('migrate', 'unregister', ARRAY['text', 'text'], 'migrate.unregister(text, text) exists');
SELECT has_function('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'migrate.upgrade(text, text, boolean) exists');
SELECT has_function('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'migrate.downgrade(text, text, boolean) exists');
SELECT has_function('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'migrate.stamp(text, text, boolean) exists');
SELECT has_function('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'migrate.apply(text, text, boolean) exists');
SELECT has_function('migrate', 'lock', ARRAY['text'], 'migrate.lock(text) exists');
SELECT has_function('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'migrate.record_step(text, text, text, text) exists');
SELECT has_function('migrate', 'current', ARRAY['text'], 'migrate.current(text) exists');
SELECT has_function('migrate', 'heads', ARRAY['text', 'boolean'], 'migrate.heads(text, boolean) exists');
SELECT has_function('migrate', 'branches', ARRAY['text'], 'migrate.branches(text) exists');
SELECT has_function('migrate', 'history', ARRAY['text', 'text'], 'migrate.history(text, text) exists');
SELECT has_function('migrate', 'show', ARRAY['text', 'text'], 'migrate.show(text, text) exists');
SELECT has_function('migrate', 'status', ARRAY['text'], 'migrate.status(text) exists');
SELECT has_function('migrate', 'is_up_to_date', ARRAY['text'], 'migrate.is_up_to_date(text) exists');
SELECT has_function('migrate', 'status_json', ARRAY['text'], 'migrate.status_json(text) exists');
SELECT has_function('migrate', 'schema_snapshot', ARRAY['text'], 'migrate.schema_snapshot(text) exists');
SELECT has_function('migrate', 'drift', ARRAY['text'], 'migrate.drift(text) exists');
SELECT has_function('migrate', 'schema_diff', ARRAY['jsonb', 'jsonb'], 'migrate.schema_diff(jsonb, jsonb) exists');
SELECT has_function('migrate', 'accept_schema', ARRAY['text'], 'migrate.accept_schema(text) exists');
SELECT has_function('migrate', 'set_scope', ARRAY['text', 'text[]'], 'migrate.set_scope(text, text[]) exists');
SELECT has_function('migrate', 'set_search_path', ARRAY['text', 'text'], 'migrate.set_search_path(text, text) exists');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.set_search_path(text,text)')), 'project text, search_path text', 'migrate.set_search_path(text, text): argument names, modes and defaults');
SELECT volatility_is('migrate', 'set_search_path', ARRAY['text', 'text'], 'volatile', 'migrate.set_search_path(text, text) is volatile');
SELECT has_function('migrate', 'verify', ARRAY['text', 'text', 'boolean'], 'migrate.verify(text, text, boolean) exists');
SELECT has_function('migrate', 'lint', ARRAY['text', 'text[]', 'boolean'], 'migrate.lint(text, text[], boolean) exists');
SELECT has_function('migrate', 'lint_revision', ARRAY['text', 'text'], 'migrate.lint_revision(text, text) exists');
SELECT has_function('migrate', 'lint_ignores', ARRAY['text'], 'migrate.lint_ignores(text) exists');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.lint(text,text[],boolean)')), 'script text, preceding text[] DEFAULT ''{}''::text[], catalog boolean DEFAULT true', 'migrate.lint(text, text[], boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.lint_revision(text,text)')), 'revision text, project text DEFAULT ''default''::text', 'migrate.lint_revision(text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.lint_ignores(text)')), 'project text DEFAULT ''default''::text', 'migrate.lint_ignores(text): argument names, modes and defaults');
SELECT is(pg_get_function_result(to_regprocedure('migrate.lint(text,text[],boolean)')), 'TABLE(rule text, severity text, statement_no integer, line integer, message text, hint text)', 'migrate.lint(text, text[], boolean): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.lint_revision(text,text)')), 'TABLE(rule text, severity text, statement_no integer, line integer, message text, hint text)', 'migrate.lint_revision(text, text): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.lint_ignores(text)')), 'TABLE(revision text, statement_no integer, line integer, rule text, reason text)', 'migrate.lint_ignores(text): result columns');
SELECT volatility_is('migrate', 'lint', ARRAY['text', 'text[]', 'boolean'], 'stable', 'migrate.lint(text, text[], boolean) is stable');
SELECT volatility_is('migrate', 'lint_revision', ARRAY['text', 'text'], 'stable', 'migrate.lint_revision(text, text) is stable');
SELECT volatility_is('migrate', 'lint_ignores', ARRAY['text'], 'stable', 'migrate.lint_ignores(text) is stable');
SELECT has_function('migrate', 'diff', ARRAY['jsonb', 'jsonb'], 'migrate.diff(jsonb, jsonb) exists');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.diff(jsonb,jsonb)')), '"from" jsonb, "to" jsonb', 'migrate.diff(jsonb, jsonb): argument names, modes and defaults');
SELECT is(pg_get_function_result(to_regprocedure('migrate.diff(jsonb,jsonb)')), 'TABLE(step integer, statement text, reverse text, hazard text)', 'migrate.diff(jsonb, jsonb): result columns');
SELECT volatility_is('migrate', 'diff', ARRAY['jsonb', 'jsonb'], 'immutable', 'migrate.diff(jsonb, jsonb) is immutable');
SELECT function_lang_is('migrate', 'diff', ARRAY['jsonb', 'jsonb'], 'c', 'migrate.diff(jsonb, jsonb) is written in c');
SELECT has_function('migrate', 'plan', ARRAY['text', 'text'], 'migrate.plan(text, text) exists');
SELECT has_function('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'migrate.script(text, text, boolean) exists');
SELECT has_function('migrate', 'progress', ARRAY[]::name[], 'migrate.progress() exists');
SELECT has_function('migrate', 'has_access', ARRAY['text', 'text'], 'migrate.has_access(text, text) exists');
SELECT has_function('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'migrate.grant_access(regrole, text, text) exists');
SELECT has_function('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'migrate.grant_deploy(regrole, text) exists');
SELECT has_function('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'migrate.grant_monitor(regrole, text) exists');
SELECT has_function('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'migrate.revoke_access(regrole, text) exists');
SELECT has_function('migrate', 'guard_drop', ARRAY[]::name[], 'migrate.guard_drop() exists');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.revision(text,text,text,text[],text,text[],text[],text)')), 'id text, up text, down text DEFAULT NULL::text, parents text[] DEFAULT ''{}''::text[], message text DEFAULT NULL::text, branch_labels text[] DEFAULT ''{}''::text[], depends_on text[] DEFAULT ''{}''::text[], project text DEFAULT ''default''::text', 'migrate.revision(text, text, text, text[], text, text[], text[], text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.merge(text[],text,text,text)')), 'revisions text[], message text DEFAULT NULL::text, id text DEFAULT NULL::text, project text DEFAULT ''default''::text', 'migrate.merge(text[], text, text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.unregister(text,text)')), 'id text, project text DEFAULT ''default''::text', 'migrate.unregister(text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.upgrade(text,text,boolean)')), 'target text DEFAULT ''heads''::text, project text DEFAULT ''default''::text, trust_registrants boolean DEFAULT false', 'migrate.upgrade(text, text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.downgrade(text,text,boolean)')), 'target text, project text DEFAULT ''default''::text, trust_registrants boolean DEFAULT false', 'migrate.downgrade(text, text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.stamp(text,text,boolean)')), 'target text, project text DEFAULT ''default''::text, purge boolean DEFAULT false', 'migrate.stamp(text, text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.apply(text,text,boolean)')), 'IN target text DEFAULT ''heads''::text, IN project text DEFAULT ''default''::text, IN trust_registrants boolean DEFAULT false', 'migrate.apply(text, text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.lock(text)')), 'project text DEFAULT ''default''::text', 'migrate.lock(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.record_step(text,text,text,text)')), 'project text, revision text, direction text, checksum text', 'migrate.record_step(text, text, text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.current(text)')), 'project text DEFAULT ''default''::text', 'migrate.current(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.heads(text,boolean)')), 'project text DEFAULT ''default''::text, resolve_dependencies boolean DEFAULT false', 'migrate.heads(text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.branches(text)')), 'project text DEFAULT ''default''::text', 'migrate.branches(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.history(text,text)')), 'range text DEFAULT NULL::text, project text DEFAULT ''default''::text', 'migrate.history(text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.show(text,text)')), 'revision text, project text DEFAULT ''default''::text', 'migrate.show(text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.status(text)')), 'project text DEFAULT ''default''::text', 'migrate.status(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.is_up_to_date(text)')), 'project text DEFAULT ''default''::text', 'migrate.is_up_to_date(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.status_json(text)')), 'project text DEFAULT ''default''::text', 'migrate.status_json(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.schema_snapshot(text)')), 'project text DEFAULT ''default''::text', 'migrate.schema_snapshot(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.drift(text)')), 'project text DEFAULT ''default''::text', 'migrate.drift(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.schema_diff(jsonb,jsonb)')), 'expected_snapshot jsonb, actual_snapshot jsonb', 'migrate.schema_diff(jsonb, jsonb): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.accept_schema(text)')), 'project text DEFAULT ''default''::text', 'migrate.accept_schema(text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.set_scope(text,text[])')), 'project text, schemas text[]', 'migrate.set_scope(text, text[]): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.verify(text,text,boolean)')), 'target text DEFAULT ''heads''::text, project text DEFAULT ''default''::text, trust_registrants boolean DEFAULT false', 'migrate.verify(text, text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.plan(text,text)')), 'target text DEFAULT ''heads''::text, project text DEFAULT ''default''::text', 'migrate.plan(text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.script(text,text,boolean)')), 'target text DEFAULT ''heads''::text, project text DEFAULT ''default''::text, trust_registrants boolean DEFAULT false', 'migrate.script(text, text, boolean): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.progress()')), '', 'migrate.progress(): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.has_access(text,text)')), 'project text, access text DEFAULT ''monitor''::text', 'migrate.has_access(text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.grant_access(regrole,text,text)')), 'role regrole, project text, access text', 'migrate.grant_access(regrole, text, text): argument names, modes and defaults');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.grant_deploy(regrole,text)')), 'role regrole, project text', 'migrate.grant_deploy(regrole, text): argument names, modes and defaults (project has no default: NULL, every project, is written out)');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.grant_monitor(regrole,text)')), 'role regrole, project text', 'migrate.grant_monitor(regrole, text): argument names, modes and defaults (project has no default: NULL, every project, is written out)');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.revoke_access(regrole,text)')), 'role regrole, project text', 'migrate.revoke_access(regrole, text): argument names, modes and defaults (project has no default: NULL, every project, is written out)');
SELECT is(pg_get_function_arguments(to_regprocedure('migrate.guard_drop()')), '', 'migrate.guard_drop(): argument names, modes and defaults');
SELECT function_returns('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'text', 'migrate.revision(text, text, text, text[], text, text[], text[], text) returns text');
SELECT function_returns('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'text', 'migrate.merge(text[], text, text, text) returns text');
SELECT function_returns('migrate', 'unregister', ARRAY['text', 'text'], 'text', 'migrate.unregister(text, text) returns text');
SELECT function_returns('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'setof record', 'migrate.upgrade(text, text, boolean) returns setof record');
SELECT function_returns('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'setof record', 'migrate.downgrade(text, text, boolean) returns setof record');
SELECT function_returns('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'setof record', 'migrate.stamp(text, text, boolean) returns setof record');
SELECT is_procedure('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'migrate.apply(text, text, boolean) is a procedure');
SELECT function_returns('migrate', 'lock', ARRAY['text'], 'void', 'migrate.lock(text) returns void');
SELECT function_returns('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'void', 'migrate.record_step(text, text, text, text) returns void');
SELECT function_returns('migrate', 'current', ARRAY['text'], 'setof text', 'migrate.current(text) returns setof text');
SELECT function_returns('migrate', 'heads', ARRAY['text', 'boolean'], 'setof text', 'migrate.heads(text, boolean) returns setof text');
SELECT function_returns('migrate', 'branches', ARRAY['text'], 'setof record', 'migrate.branches(text) returns setof record');
SELECT function_returns('migrate', 'history', ARRAY['text', 'text'], 'setof record', 'migrate.history(text, text) returns setof record');
SELECT function_returns('migrate', 'show', ARRAY['text', 'text'], 'setof record', 'migrate.show(text, text) returns setof record');
SELECT function_returns('migrate', 'status', ARRAY['text'], 'setof record', 'migrate.status(text) returns setof record');
SELECT function_returns('migrate', 'is_up_to_date', ARRAY['text'], 'boolean', 'migrate.is_up_to_date(text) returns boolean');
SELECT function_returns('migrate', 'status_json', ARRAY['text'], 'jsonb', 'migrate.status_json(text) returns jsonb');
SELECT function_returns('migrate', 'plan', ARRAY['text', 'text'], 'setof record', 'migrate.plan(text, text) returns setof record');
SELECT function_returns('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'text', 'migrate.script(text, text, boolean) returns text');
SELECT function_returns('migrate', 'progress', ARRAY[]::name[], 'setof record', 'migrate.progress() returns setof record');
SELECT function_returns('migrate', 'has_access', ARRAY['text', 'text'], 'boolean', 'migrate.has_access(text, text) returns boolean');
SELECT function_returns('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'void', 'migrate.grant_access(regrole, text, text) returns void');
SELECT function_returns('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'void', 'migrate.grant_deploy(regrole, text) returns void');
SELECT function_returns('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'void', 'migrate.grant_monitor(regrole, text) returns void');
SELECT function_returns('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'void', 'migrate.revoke_access(regrole, text) returns void');
SELECT function_returns('migrate', 'guard_drop', ARRAY[]::name[], 'event_trigger', 'migrate.guard_drop() returns event_trigger');
SELECT is(pg_get_function_result(to_regprocedure('migrate.upgrade(text,text,boolean)')), 'TABLE(step integer, revision text, direction text, duration interval)', 'migrate.upgrade(text, text, boolean): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.downgrade(text,text,boolean)')), 'TABLE(step integer, revision text, direction text, duration interval)', 'migrate.downgrade(text, text, boolean): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.stamp(text,text,boolean)')), 'TABLE(step integer, revision text, direction text, duration interval)', 'migrate.stamp(text, text, boolean): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.branches(text)')), 'TABLE(branch_point text, children text[])', 'migrate.branches(text): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.history(text,text)')), 'TABLE(id text, parents text[], branch_labels text[], depends_on text[], message text, flags text[], applied boolean, applied_at timestamp with time zone)', 'migrate.history(text, text): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.show(text,text)')), 'TABLE(id text, parents text[], branch_labels text[], depends_on text[], message text, up text, down text, up_class text, down_class text, checksum text, registered_at timestamp with time zone, registered_by name, applied boolean, applied_at timestamp with time zone, applied_by name, is_head boolean)', 'migrate.show(text, text): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.status(text)')), 'TABLE(revision text, message text, state text, applied_at timestamp with time zone, applied_by name, is_head boolean, is_current boolean)', 'migrate.status(text): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.plan(text,text)')), 'TABLE(step integer, revision text, direction text, execution text, statements integer, message text, findings integer)', 'migrate.plan(text, text): result columns');
SELECT is(pg_get_function_result(to_regprocedure('migrate.progress()')), 'TABLE(project text, pid integer, application_name text, command text, state text, since timestamp with time zone, step integer, steps integer, revision text, direction text, step_started timestamp with time zone, batches bigint, rows bigint)', 'migrate.progress(): result columns');
SELECT volatility_is('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'volatile', 'migrate.revision(text, text, text, text[], text, text[], text[], text) is volatile');
SELECT volatility_is('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'volatile', 'migrate.merge(text[], text, text, text) is volatile');
SELECT volatility_is('migrate', 'unregister', ARRAY['text', 'text'], 'volatile', 'migrate.unregister(text, text) is volatile');
SELECT volatility_is('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'volatile', 'migrate.upgrade(text, text, boolean) is volatile');
SELECT volatility_is('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'volatile', 'migrate.downgrade(text, text, boolean) is volatile');
SELECT volatility_is('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'volatile', 'migrate.stamp(text, text, boolean) is volatile');
SELECT volatility_is('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'volatile', 'migrate.apply(text, text, boolean) is volatile');
SELECT volatility_is('migrate', 'lock', ARRAY['text'], 'volatile', 'migrate.lock(text) is volatile');
SELECT volatility_is('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'volatile', 'migrate.record_step(text, text, text, text) is volatile');
SELECT volatility_is('migrate', 'current', ARRAY['text'], 'stable', 'migrate.current(text) is stable');
SELECT volatility_is('migrate', 'heads', ARRAY['text', 'boolean'], 'stable', 'migrate.heads(text, boolean) is stable');
SELECT volatility_is('migrate', 'branches', ARRAY['text'], 'stable', 'migrate.branches(text) is stable');
SELECT volatility_is('migrate', 'history', ARRAY['text', 'text'], 'stable', 'migrate.history(text, text) is stable');
SELECT volatility_is('migrate', 'show', ARRAY['text', 'text'], 'stable', 'migrate.show(text, text) is stable');
SELECT volatility_is('migrate', 'status', ARRAY['text'], 'stable', 'migrate.status(text) is stable');
SELECT volatility_is('migrate', 'is_up_to_date', ARRAY['text'], 'stable', 'migrate.is_up_to_date(text) is stable');
SELECT volatility_is('migrate', 'status_json', ARRAY['text'], 'stable', 'migrate.status_json(text) is stable');
SELECT volatility_is('migrate', 'plan', ARRAY['text', 'text'], 'stable', 'migrate.plan(text, text) is stable');
SELECT volatility_is('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'stable', 'migrate.script(text, text, boolean) is stable');
SELECT volatility_is('migrate', 'progress', ARRAY[]::name[], 'volatile', 'migrate.progress() is volatile');
SELECT volatility_is('migrate', 'has_access', ARRAY['text', 'text'], 'stable', 'migrate.has_access(text, text) is stable');
SELECT volatility_is('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'volatile', 'migrate.grant_access(regrole, text, text) is volatile');
SELECT volatility_is('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'volatile', 'migrate.grant_deploy(regrole, text) is volatile');
SELECT volatility_is('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'volatile', 'migrate.grant_monitor(regrole, text) is volatile');
SELECT volatility_is('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'volatile', 'migrate.revoke_access(regrole, text) is volatile');
SELECT volatility_is('migrate', 'guard_drop', ARRAY[]::name[], 'volatile', 'migrate.guard_drop() is volatile');
SELECT function_lang_is('migrate', 'revision', ARRAY['text', 'text', 'text', 'text[]', 'text', 'text[]', 'text[]', 'text'], 'c', 'migrate.revision(text, text, text, text[], text, text[], text[], text) is written in c');
SELECT function_lang_is('migrate', 'merge', ARRAY['text[]', 'text', 'text', 'text'], 'c', 'migrate.merge(text[], text, text, text) is written in c');
SELECT function_lang_is('migrate', 'unregister', ARRAY['text', 'text'], 'c', 'migrate.unregister(text, text) is written in c');
SELECT function_lang_is('migrate', 'upgrade', ARRAY['text', 'text', 'boolean'], 'c', 'migrate.upgrade(text, text, boolean) is written in c');
SELECT function_lang_is('migrate', 'downgrade', ARRAY['text', 'text', 'boolean'], 'c', 'migrate.downgrade(text, text, boolean) is written in c');
SELECT function_lang_is('migrate', 'stamp', ARRAY['text', 'text', 'boolean'], 'c', 'migrate.stamp(text, text, boolean) is written in c');
SELECT function_lang_is('migrate', 'apply', ARRAY['text', 'text', 'boolean'], 'c', 'migrate.apply(text, text, boolean) is written in c');
SELECT function_lang_is('migrate', 'lock', ARRAY['text'], 'c', 'migrate.lock(text) is written in c');
SELECT function_lang_is('migrate', 'record_step', ARRAY['text', 'text', 'text', 'text'], 'c', 'migrate.record_step(text, text, text, text) is written in c');
SELECT function_lang_is('migrate', 'current', ARRAY['text'], 'c', 'migrate.current(text) is written in c');
SELECT function_lang_is('migrate', 'heads', ARRAY['text', 'boolean'], 'c', 'migrate.heads(text, boolean) is written in c');
SELECT function_lang_is('migrate', 'branches', ARRAY['text'], 'c', 'migrate.branches(text) is written in c');
SELECT function_lang_is('migrate', 'history', ARRAY['text', 'text'], 'c', 'migrate.history(text, text) is written in c');
SELECT function_lang_is('migrate', 'show', ARRAY['text', 'text'], 'c', 'migrate.show(text, text) is written in c');
SELECT function_lang_is('migrate', 'status', ARRAY['text'], 'c', 'migrate.status(text) is written in c');
SELECT function_lang_is('migrate', 'is_up_to_date', ARRAY['text'], 'c', 'migrate.is_up_to_date(text) is written in c');
SELECT function_lang_is('migrate', 'status_json', ARRAY['text'], 'c', 'migrate.status_json(text) is written in c');
SELECT function_lang_is('migrate', 'plan', ARRAY['text', 'text'], 'c', 'migrate.plan(text, text) is written in c');
SELECT function_lang_is('migrate', 'script', ARRAY['text', 'text', 'boolean'], 'c', 'migrate.script(text, text, boolean) is written in c');
SELECT function_lang_is('migrate', 'progress', ARRAY[]::name[], 'c', 'migrate.progress() is written in c');
SELECT function_lang_is('migrate', 'has_access', ARRAY['text', 'text'], 'c', 'migrate.has_access(text, text) is written in c');
SELECT function_lang_is('migrate', 'grant_access', ARRAY['regrole', 'text', 'text'], 'plpgsql', 'migrate.grant_access(regrole, text, text) is written in plpgsql');
SELECT function_lang_is('migrate', 'grant_deploy', ARRAY['regrole', 'text'], 'sql', 'migrate.grant_deploy(regrole, text) is written in sql');
SELECT function_lang_is('migrate', 'grant_monitor', ARRAY['regrole', 'text'], 'sql', 'migrate.grant_monitor(regrole, text) is written in sql');
SELECT function_lang_is('migrate', 'revoke_access', ARRAY['regrole', 'text'], 'plpgsql', 'migrate.revoke_access(regrole, text) is written in plpgsql');
SELECT function_lang_is('migrate', 'guard_drop', ARRAY[]::name[], 'c', 'migrate.guard_drop() is written in c');

-- Nothing runs with its owner's rights; SQL-level functions pin search_path.
SELECT set_eq($$SELECT oid::regprocedure::text FROM pg_proc WHERE pronamespace = 'migrate'::regnamespace AND proisstrict$$,
              ARRAY['migrate.has_access(text,text)'],
              'only has_access() is STRICT: the others report a NULL argument');
SELECT is_empty($$SELECT oid::regprocedure FROM pg_proc WHERE pronamespace = 'migrate'::regnamespace AND prosecdef$$, 'no routine in schema migrate is SECURITY DEFINER');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.pronamespace = 'migrate'::regnamespace AND l.lanname NOT IN ('c', 'internal') AND NOT coalesce(p.proconfig = ARRAY['search_path=pg_catalog, pg_temp'], false)$$, 'every SQL and PL/pgSQL function sets search_path = pg_catalog, pg_temp, and nothing else');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.pronamespace = 'migrate'::regnamespace AND l.lanname IN ('c', 'internal') AND p.proconfig IS NOT NULL$$, 'no C function carries a SET clause (they pin search_path themselves)');

-- The event trigger that guards recorded history.
SELECT ok(EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'pg_migrate_guard_drop'), 'event trigger pg_migrate_guard_drop exists');
SELECT is((SELECT evtenabled::text FROM pg_event_trigger WHERE evtname = 'pg_migrate_guard_drop'), 'O', 'event trigger pg_migrate_guard_drop is enabled');
SELECT ok(EXISTS (SELECT 1 FROM pg_depend d JOIN pg_event_trigger t ON t.oid = d.objid JOIN pg_extension e ON e.oid = d.refobjid
                   WHERE d.classid = 'pg_event_trigger'::regclass AND t.evtname = 'pg_migrate_guard_drop'
                     AND e.extname = 'pg_migrate' AND d.deptype = 'e'),
          'event trigger pg_migrate_guard_drop is a member of extension pg_migrate');
SELECT is((SELECT evtevent::text FROM pg_event_trigger WHERE evtname = 'pg_migrate_guard_drop'), 'ddl_command_start', 'pg_migrate_guard_drop fires on ddl_command_start');
SELECT is((SELECT ARRAY(SELECT t FROM unnest(evttags) AS t ORDER BY t) FROM pg_event_trigger WHERE evtname = 'pg_migrate_guard_drop'),
          ARRAY['DROP EXTENSION', 'DROP SCHEMA'], 'pg_migrate_guard_drop fires for DROP EXTENSION and DROP SCHEMA only');
SELECT is((SELECT evtfoid::regprocedure::text FROM pg_event_trigger WHERE evtname = 'pg_migrate_guard_drop'), 'migrate.guard_drop()', 'pg_migrate_guard_drop executes migrate.guard_drop()');

-- ... and what it does: with history recorded, both drops are refused.
-- Each statement list runs in the subtransaction of throws_ok(), so what
-- it registered goes with the error.
SELECT throws_ok($$SELECT migrate.revision('tap_guard1', 'SELECT 1', project => 'tap_guard'); DROP EXTENSION pg_migrate$$,
                 '2BP01', 'cannot drop pg_migrate while it holds migration history',
                 'DROP EXTENSION pg_migrate is refused while history is recorded');
SELECT throws_ok($$SELECT migrate.revision('tap_guard1', 'SELECT 1', project => 'tap_guard'); DROP SCHEMA migrate CASCADE$$,
                 '2BP01', 'cannot drop pg_migrate while it holds migration history',
                 'DROP SCHEMA migrate CASCADE is refused while history is recorded');

-- The install script creates schema migrate itself and refuses one made
-- beforehand (by a database owner, say) instead of reusing it.
SELECT throws_ok($$SET LOCAL pg_migrate.allow_drop_with_history = on;
                   DROP EXTENSION pg_migrate;
                   CREATE SCHEMA migrate;
                   CREATE EXTENSION pg_migrate$$,
                 '42P06', 'schema "migrate" already exists',
                 'CREATE EXTENSION pg_migrate fails with 42P06 when schema migrate already exists');
SELECT has_extension('pg_catalog', 'pg_migrate', 'the failed reinstall left pg_migrate as it was');

SELECT * FROM finish();
ROLLBACK;
