/* pg_migrate--0.4.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_migrate" to load this file. \quit

/*
 * The schema is created here, not by CREATE EXTENSION from the control
 * file: a schema "migrate" that already exists (made by a database owner
 * who could then plant functions in it for a superuser to call) makes the
 * install fail instead of being reused.  The schema belongs to the
 * extension and goes with it.
 *
 * Nothing is granted to PUBLIC.  Only the extension's owner may write the
 * tables; pg_migrate's functions write them with the owner's rights after
 * checking the caller's access to the project (see migrate.grants and
 * src/access.c).  Deploy and monitoring roles read through the functions,
 * and may SELECT the tables directly, row-level security limiting them to
 * their projects.
 */
CREATE SCHEMA migrate;
REVOKE ALL ON SCHEMA migrate FROM PUBLIC;

/*
 * One row per project.  The row is the anchor of the project's mutex (its
 * lock_key identifies the heavyweight lock, see src/lock.c) and its
 * state_version is bumped by every command that changes the version set,
 * so that REPEATABLE READ callers racing each other get a serialization
 * failure instead of acting on a stale snapshot.  complete_version is the
 * state_version at which every registered revision was applied, or NULL:
 * a deploy with nothing to do is answered from this row alone.
 *
 * Schema truth (src/snapshot.c): schema_scope lists the schemas the
 * project's snapshots cover (NULL: every schema but the system's);
 * snapshot is the schema recorded after the last command, fingerprint its
 * SHA-256.  search_path is what the project's scripts run with
 * (migrate.set_search_path(); NULL: the caller's).
 */
CREATE TABLE migrate.projects (
	project		text PRIMARY KEY,
	lock_key	serial NOT NULL UNIQUE,
	state_version bigint NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	changed_at	timestamptz,
	complete_version bigint,
	schema_scope text[],
	fingerprint text,
	snapshot	jsonb,
	snapshot_at timestamptz,
	search_path text
);

/*
 * The revision graph.  seq is the registration order within the project,
 * which breaks every tie in the ordering walk.  Scripts are stored
 * verbatim; *_class records whether PostgreSQL's parser found statements
 * that cannot run inside a transaction block.  checksum covers the scripts
 * and the edges and is verified before a script runs.
 */
CREATE TABLE migrate.revisions (
	project		text NOT NULL REFERENCES migrate.projects (project),
	id			text NOT NULL,
	seq			integer NOT NULL,
	parents		text[] NOT NULL DEFAULT '{}',
	branch_labels text[] NOT NULL DEFAULT '{}',
	depends_on	text[] NOT NULL DEFAULT '{}',
	message		text,
	up_script	text NOT NULL,
	down_script text,
	up_class	text NOT NULL
		CHECK (up_class IN ('transactional', 'nontransactional')),
	down_class	text
		CHECK (down_class IN ('transactional', 'nontransactional')),
	up_statements integer NOT NULL,
	down_statements integer,
	checksum	text NOT NULL,
	registered_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	registered_by name NOT NULL,
	PRIMARY KEY (project, id),
	UNIQUE (project, seq),
	CHECK ((down_script IS NULL) = (down_class IS NULL))
);

/* registration finds the revisions whose branch labels it names */
CREATE INDEX revisions_labeled_idx ON migrate.revisions (project)
	WHERE branch_labels <> '{}';

/*
 * The version state: every applied revision (the closure of the tips),
 * with who applied it and whether it ran ("up"), was stamped, or was
 * recorded by an offline script (migrate.record_step()).
 */
CREATE TABLE migrate.applied (
	project		text NOT NULL,
	revision	text NOT NULL,
	applied_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	applied_by	name NOT NULL,
	applied_via text NOT NULL DEFAULT 'up'
		CHECK (applied_via IN ('up', 'stamp', 'offline')),
	PRIMARY KEY (project, revision),
	FOREIGN KEY (project, revision) REFERENCES migrate.revisions (project, id)
);

/*
 * The audit trail, append-only.  It has no foreign key so that it outlives
 * anything.  trusted_registrant names the role that registered a script
 * which ran only because the caller passed trust_registrants => true.
 * fingerprint is the schema's after the command (accept_schema and
 * set_scope rows have an empty revision).  A revision run in a background
 * worker has a 'started' row before its first statement, so that an
 * interruption that left no failure row is still seen; 'reconcile' rows
 * (with a note) say what a later run did about an interrupted index build.
 */
CREATE TABLE migrate.events (
	event_id	bigserial PRIMARY KEY,
	project		text NOT NULL,
	revision	text NOT NULL,
	direction	text NOT NULL
		CHECK (direction IN ('up', 'down', 'stamp', 'unstamp', 'unregister',
							 'accept_schema', 'set_scope', 'set_search_path', 'reconcile')),
	started_at	timestamptz NOT NULL,
	duration	interval NOT NULL,
	outcome		text NOT NULL CHECK (outcome IN ('success', 'failure', 'started', 'retry')),
	sqlstate	text,
	error_message text,
	statement	integer,
	current_user_name name NOT NULL,
	session_user_name name NOT NULL,
	application_name text,
	client_addr inet,
	backend_pid integer NOT NULL,
	transaction_id xid8,
	wal_lsn		pg_lsn,
	trusted_registrant name,
	fingerprint text,
	note		text,
	restore_lsn pg_lsn
);

CREATE INDEX events_project_started_idx
	ON migrate.events (project, started_at);

/*
 * Who may do what with which project.  A row gives a role (and its
 * members) deploy or monitor access to one project, or to every project
 * when project is NULL.  Deploy implies monitor.  Written only by
 * grant_deploy(), grant_monitor() and revoke_access().
 */
CREATE TABLE migrate.grants (
	role		regrole NOT NULL,
	project		text,
	access		text NOT NULL CHECK (access IN ('deploy', 'monitor')),
	granted_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	granted_by	name NOT NULL
);

/* one row per role and project; '' cannot be a project name */
CREATE UNIQUE INDEX grants_role_project_idx
	ON migrate.grants (role, (COALESCE(project, '')));

SELECT pg_catalog.pg_extension_config_dump('migrate.projects', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.projects_lock_key_seq', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.revisions', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.applied', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.events', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.events_event_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.grants', '');

REVOKE ALL ON ALL TABLES IN SCHEMA migrate FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA migrate FROM PUBLIC;

/* Registration */

CREATE FUNCTION migrate.revision(id text,
								 up text,
								 down text DEFAULT NULL,
								 parents text[] DEFAULT '{}',
								 message text DEFAULT NULL,
								 branch_labels text[] DEFAULT '{}',
								 depends_on text[] DEFAULT '{}',
								 project text DEFAULT 'default')
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_revision'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.merge(revisions text[],
							  message text DEFAULT NULL,
							  id text DEFAULT NULL,
							  project text DEFAULT 'default')
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_merge'
LANGUAGE C VOLATILE;

/*
 * Remove a revision that is not applied and that no other revision names
 * as a parent or dependency (a file deleted before it was deployed).
 */
CREATE FUNCTION migrate.unregister(id text, project text DEFAULT 'default')
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_unregister'
LANGUAGE C VOLATILE;

/* Commands */

CREATE FUNCTION migrate.upgrade(target text DEFAULT 'heads',
								project text DEFAULT 'default',
								trust_registrants boolean DEFAULT false)
RETURNS TABLE (step integer, revision text, direction text, duration interval)
AS 'MODULE_PATHNAME', 'pg_migrate_upgrade'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.downgrade(target text,
								  project text DEFAULT 'default',
								  trust_registrants boolean DEFAULT false)
RETURNS TABLE (step integer, revision text, direction text, duration interval)
AS 'MODULE_PATHNAME', 'pg_migrate_downgrade'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.stamp(target text,
							  project text DEFAULT 'default',
							  purge boolean DEFAULT false)
RETURNS TABLE (step integer, revision text, direction text, duration interval)
AS 'MODULE_PATHNAME', 'pg_migrate_stamp'
LANGUAGE C VOLATILE;

/*
 * The per-revision path: commits after each revision and records failures
 * durably.  See src/commands.c.
 */
CREATE PROCEDURE migrate.apply(target text DEFAULT 'heads',
							   project text DEFAULT 'default',
							   trust_registrants boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'pg_migrate_apply'
LANGUAGE C;

/*
 * The project mutex for offline scripts and manual work: held until the
 * end of the calling transaction.
 */
CREATE FUNCTION migrate.lock(project text DEFAULT 'default')
RETURNS void
AS 'MODULE_PATHNAME', 'pg_migrate_lock'
LANGUAGE C VOLATILE;

/*
 * The bookkeeping of an offline script (migrate.script()): marks one
 * revision applied or not, as the step of a command would, after checking
 * that the caller holds the mutex and that the revision is still the one
 * the script was made from.
 */
CREATE FUNCTION migrate.record_step(project text, revision text,
									direction text, checksum text)
RETURNS void
AS 'MODULE_PATHNAME', 'pg_migrate_record_step'
LANGUAGE C VOLATILE;

/* Read-only */

CREATE FUNCTION migrate.current(project text DEFAULT 'default')
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'pg_migrate_current'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.heads(project text DEFAULT 'default',
							  resolve_dependencies boolean DEFAULT false)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'pg_migrate_heads'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.branches(project text DEFAULT 'default')
RETURNS TABLE (branch_point text, children text[])
AS 'MODULE_PATHNAME', 'pg_migrate_branches'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.history("range" text DEFAULT NULL,
								project text DEFAULT 'default')
RETURNS TABLE (id text, parents text[], branch_labels text[],
			   depends_on text[], message text, flags text[],
			   applied boolean, applied_at timestamptz)
AS 'MODULE_PATHNAME', 'pg_migrate_history'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.show(revision text,
							 project text DEFAULT 'default')
RETURNS TABLE (id text, parents text[], branch_labels text[],
			   depends_on text[], message text, up text, down text,
			   up_class text, down_class text, checksum text,
			   registered_at timestamptz, registered_by name,
			   applied boolean, applied_at timestamptz, applied_by name,
			   is_head boolean)
AS 'MODULE_PATHNAME', 'pg_migrate_show'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.status(project text DEFAULT 'default')
RETURNS TABLE (revision text, message text, state text,
			   applied_at timestamptz, applied_by name,
			   is_head boolean, is_current boolean)
AS 'MODULE_PATHNAME', 'pg_migrate_status'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.is_up_to_date(project text DEFAULT 'default')
RETURNS boolean
AS 'MODULE_PATHNAME', 'pg_migrate_is_up_to_date'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.status_json(project text DEFAULT 'default')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'pg_migrate_status_json'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.plan(target text DEFAULT 'heads',
							 project text DEFAULT 'default')
RETURNS TABLE (step integer, revision text, direction text,
			   execution text, statements integer, message text,
			   findings integer)
AS 'MODULE_PATHNAME', 'pg_migrate_plan'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.script(target text DEFAULT 'heads',
							   project text DEFAULT 'default',
							   trust_registrants boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_script'
LANGUAGE C STABLE;

/*
 * The linter: the findings of a script (after the scripts in preceding,
 * which create what it may use; catalog => false gives what the client
 * finds offline), of a registered revision's up script, and every
 * "-- migrate:lint-ignore" annotation of a project with its reason.
 */
CREATE FUNCTION migrate.lint(script text, preceding text[] DEFAULT '{}',
							 catalog boolean DEFAULT true)
RETURNS TABLE (rule text, severity text, statement_no integer, line integer,
			   message text, hint text)
AS 'MODULE_PATHNAME', 'pg_migrate_lint'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.lint_revision(revision text, project text DEFAULT 'default')
RETURNS TABLE (rule text, severity text, statement_no integer, line integer,
			   message text, hint text)
AS 'MODULE_PATHNAME', 'pg_migrate_lint_revision'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.lint_ignores(project text DEFAULT 'default')
RETURNS TABLE (revision text, statement_no integer, line integer, rule text,
			   reason text)
AS 'MODULE_PATHNAME', 'pg_migrate_lint_ignores'
LANGUAGE C STABLE;

/* Schema truth (src/schema.c, src/verify.c) */

CREATE FUNCTION migrate.schema_snapshot(project text DEFAULT 'default')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'pg_migrate_schema_snapshot'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.drift(project text DEFAULT 'default')
RETURNS TABLE (kind text, object text, change text, expected jsonb,
			   actual jsonb)
AS 'MODULE_PATHNAME', 'pg_migrate_drift'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.schema_diff(expected_snapshot jsonb, actual_snapshot jsonb)
RETURNS TABLE (kind text, object text, change text, expected jsonb,
			   actual jsonb)
AS 'MODULE_PATHNAME', 'pg_migrate_schema_diff'
LANGUAGE C IMMUTABLE;

CREATE FUNCTION migrate.diff("from" jsonb, "to" jsonb)
RETURNS TABLE (step integer, statement text, reverse text, hazard text)
AS 'MODULE_PATHNAME', 'pg_migrate_diff'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION migrate.accept_schema(project text DEFAULT 'default')
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_accept_schema'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.set_search_path(project text, search_path text)
RETURNS void
AS 'MODULE_PATHNAME', 'pg_migrate_set_search_path'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.set_scope(project text, schemas text[])
RETURNS void
AS 'MODULE_PATHNAME', 'pg_migrate_set_scope'
LANGUAGE C VOLATILE;

/*
 * Prove every pending revision up to target: up, down, up again, inside a
 * subtransaction that is always rolled back.
 */
CREATE FUNCTION migrate.verify(target text DEFAULT 'heads',
							   project text DEFAULT 'default',
							   trust_registrants boolean DEFAULT false)
RETURNS TABLE (revision text, up_ok boolean, down_restores boolean,
			   reup_identical boolean, differences jsonb, error text)
AS 'MODULE_PATHNAME', 'pg_migrate_verify'
LANGUAGE C VOLATILE;

/*
 * Sessions running or waiting for a pg_migrate command in this database,
 * for the projects the caller may see.
 */
CREATE FUNCTION migrate.progress()
RETURNS TABLE (project text, pid integer, application_name text,
			   command text, state text, since timestamptz,
			   step integer, steps integer, revision text, direction text,
			   step_started timestamptz, batches bigint, rows bigint)
AS 'MODULE_PATHNAME', 'pg_migrate_progress'
LANGUAGE C VOLATILE;

/*
 * Whether the current user may see (monitor) or change (deploy) a project.
 * The row-level security policies of the tables use it.
 */
CREATE FUNCTION migrate.has_access(project text, access text DEFAULT 'monitor')
RETURNS boolean
AS 'MODULE_PATHNAME', 'pg_migrate_has_access'
LANGUAGE C STABLE STRICT;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA migrate FROM PUBLIC;
REVOKE ALL ON ALL PROCEDURES IN SCHEMA migrate FROM PUBLIC;

/*
 * Direct reads are limited to the projects the reader may see.  The
 * extension's owner, who is the only writer and whose rights pg_migrate's
 * functions use, is not subject to these policies.
 */
ALTER TABLE migrate.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE migrate.revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE migrate.applied ENABLE ROW LEVEL SECURITY;
ALTER TABLE migrate.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE migrate.grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_readers ON migrate.projects FOR SELECT
	USING (migrate.has_access(project));
CREATE POLICY project_readers ON migrate.revisions FOR SELECT
	USING (migrate.has_access(project));
CREATE POLICY project_readers ON migrate.applied FOR SELECT
	USING (migrate.has_access(project));
CREATE POLICY project_readers ON migrate.events FOR SELECT
	USING (migrate.has_access(project));
CREATE POLICY own_grants ON migrate.grants FOR SELECT
	USING (pg_catalog.pg_has_role(role, 'USAGE'));

/*
 * Access management, for superusers and the extension's owner.  project
 * NULL means every project, and must be written out: there is no default.
 * Registering a revision is as powerful as running it (the stored SQL
 * later runs with the runner's rights), so deploy covers both; monitoring
 * roles may read state and history but never scripts.
 */
CREATE FUNCTION migrate.grant_access(role regrole, project text, access text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
	END IF;
	IF project IS NOT NULL AND project !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
		RAISE EXCEPTION 'project name % is not valid', pg_catalog.quote_literal(project)
			USING ERRCODE = '22023',
				  DETAIL = 'A project name has 1 to 63 letters, digits, "_", "-" or ".".';
	END IF;
	IF project IS NOT NULL THEN
		INSERT INTO migrate.projects AS p (project) VALUES (grant_access.project)
			ON CONFLICT DO NOTHING;
	END IF;
	INSERT INTO migrate.grants AS g (role, project, access, granted_by)
		VALUES (grant_access.role, grant_access.project, grant_access.access, CURRENT_USER)
		ON CONFLICT (role, (COALESCE(project, ''))) DO UPDATE
		SET access = CASE WHEN g.access = 'deploy' THEN 'deploy' ELSE EXCLUDED.access END,
			granted_at = pg_catalog.now(), granted_by = CURRENT_USER;

	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA migrate TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT ON migrate.projects, migrate.applied, migrate.events, migrate.grants TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT (project, id, seq, parents, branch_labels, depends_on, '
							  'message, up_class, down_class, up_statements, down_statements, '
							  'checksum, registered_at, registered_by) ON migrate.revisions TO %s', role);
	EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION '
							  'migrate.current(text), migrate.heads(text, boolean), '
							  'migrate.branches(text), migrate.history(text, text), '
							  'migrate.status(text), migrate.is_up_to_date(text), '
							  'migrate.status_json(text), migrate.plan(text, text), '
							  'migrate.progress(), migrate.has_access(text, text), '
							  'migrate.schema_snapshot(text), migrate.drift(text), '
							  'migrate.schema_diff(jsonb, jsonb), migrate.diff(jsonb, jsonb), '
							  'migrate.lint(text, text[], boolean) TO %s', role);
	IF access = 'deploy' THEN
		EXECUTE pg_catalog.format('GRANT SELECT (up_script, down_script) ON migrate.revisions TO %s', role);
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION '
								  'migrate.revision(text, text, text, text[], text, text[], text[], text), '
								  'migrate.merge(text[], text, text, text), migrate.unregister(text, text), '
								  'migrate.upgrade(text, text, boolean), '
								  'migrate.downgrade(text, text, boolean), '
								  'migrate.stamp(text, text, boolean), migrate.lock(text), '
								  'migrate.record_step(text, text, text, text), '
								  'migrate.show(text, text), migrate.script(text, text, boolean), '
								  'migrate.accept_schema(text), migrate.set_scope(text, text[]), migrate.set_search_path(text, text), '
								  'migrate.verify(text, text, boolean), '
								  'migrate.lint_revision(text, text), migrate.lint_ignores(text) TO %s', role);
		EXECUTE pg_catalog.format('GRANT EXECUTE ON PROCEDURE migrate.apply(text, text, boolean) TO %s', role);
	END IF;
END;
$$;

CREATE FUNCTION migrate.grant_deploy(role regrole, project text)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT migrate.grant_access(role, project, 'deploy');
END;

CREATE FUNCTION migrate.grant_monitor(role regrole, project text)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT migrate.grant_access(role, project, 'monitor');
END;

/*
 * Take a role's access to one project, or with project NULL all of its
 * access.  Its privileges on the schema's objects go when it has no grant
 * left; a monitor grant left over keeps the read privileges only.
 */
CREATE FUNCTION migrate.revoke_access(role regrole, project text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	remaining text;
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
	END IF;
	DELETE FROM migrate.grants AS g
	 WHERE g.role = revoke_access.role
	   AND (revoke_access.project IS NULL OR g.project = revoke_access.project);
	SELECT min(g.access) INTO remaining		-- 'deploy' sorts first
	  FROM migrate.grants AS g WHERE g.role = revoke_access.role;
	IF remaining IS NULL OR remaining = 'monitor' THEN
		EXECUTE pg_catalog.format('REVOKE ALL ON ALL ROUTINES IN SCHEMA migrate FROM %s', role);
		EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA migrate FROM %s', role);
		EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA migrate FROM %s', role);
		EXECUTE pg_catalog.format('REVOKE SELECT (project, id, seq, parents, branch_labels, depends_on, '
								  'message, up_script, down_script, up_class, down_class, '
								  'up_statements, down_statements, checksum, registered_at, '
								  'registered_by) ON migrate.revisions FROM %s', role);
		EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA migrate FROM %s', role);
	END IF;
	IF remaining = 'monitor' THEN
		PERFORM migrate.grant_access(revoke_access.role, g.project, 'monitor')
		   FROM migrate.grants AS g WHERE g.role = revoke_access.role;
	END IF;
END;
$$;

REVOKE ALL ON FUNCTION migrate.grant_access(regrole, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.grant_deploy(regrole, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.grant_monitor(regrole, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.revoke_access(regrole, text) FROM PUBLIC;

/*
 * DROP EXTENSION pg_migrate (or DROP SCHEMA migrate CASCADE) would delete
 * every revision, the version state and the audit trail, and a later
 * CREATE EXTENSION would run every revision again.  While history is
 * recorded, this trigger refuses such a drop unless the session confirms
 * with SET pg_migrate.allow_drop_with_history = on.
 */
CREATE FUNCTION migrate.guard_drop()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'pg_migrate_guard_drop'
LANGUAGE C;

REVOKE ALL ON FUNCTION migrate.guard_drop() FROM PUBLIC;

CREATE EVENT TRIGGER pg_migrate_guard_drop ON ddl_command_start
	WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
	EXECUTE FUNCTION migrate.guard_drop();
