/* pg_migrate--0.1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_migrate" to load this file. \quit

/*
 * The schema "migrate" is created by CREATE EXTENSION (see the control
 * file).  Nothing in it is granted to PUBLIC: a DBA grants access with
 * migrate.grant_deploy() and migrate.grant_monitor() (see README.md).
 */
REVOKE ALL ON SCHEMA migrate FROM PUBLIC;

/*
 * One row per project.  The row is the anchor of the project's mutex (its
 * lock_key identifies the heavyweight lock, see src/lock.c) and its
 * state_version is bumped by every command that changes the version set,
 * so that REPEATABLE READ callers racing each other get a serialization
 * failure instead of acting on a stale snapshot.
 */
CREATE TABLE migrate.projects (
	project		text PRIMARY KEY,
	lock_key	serial NOT NULL UNIQUE,
	state_version bigint NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	changed_at	timestamptz
);

/*
 * The revision graph.  seq is the registration order within the project,
 * which breaks every tie in the ordering walk (docs/revision-graph.md section 4).
 * Scripts are stored verbatim; *_class records whether PostgreSQL's parser
 * found statements that cannot run inside a transaction block.
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
	registered_by name NOT NULL DEFAULT CURRENT_USER,
	PRIMARY KEY (project, id),
	UNIQUE (project, seq),
	CHECK ((down_script IS NULL) = (down_class IS NULL))
);

/*
 * The version state: every applied revision (the closure of the tips),
 * with who applied it and whether it ran or was stamped.
 */
CREATE TABLE migrate.applied (
	project		text NOT NULL,
	revision	text NOT NULL,
	applied_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	applied_by	name NOT NULL DEFAULT CURRENT_USER,
	applied_via text NOT NULL DEFAULT 'up'
		CHECK (applied_via IN ('up', 'stamp')),
	PRIMARY KEY (project, revision),
	FOREIGN KEY (project, revision) REFERENCES migrate.revisions (project, id)
);

/*
 * The audit trail.  Append-only: deploy roles get INSERT and SELECT, never
 * UPDATE or DELETE.  It has no foreign key so that it outlives anything.
 */
CREATE TABLE migrate.events (
	event_id	bigserial PRIMARY KEY,
	project		text NOT NULL,
	revision	text NOT NULL,
	direction	text NOT NULL
		CHECK (direction IN ('up', 'down', 'stamp', 'unstamp')),
	started_at	timestamptz NOT NULL,
	duration	interval NOT NULL,
	outcome		text NOT NULL CHECK (outcome IN ('success', 'failure')),
	sqlstate	text,
	error_message text,
	statement	integer,
	current_user_name name NOT NULL,
	session_user_name name NOT NULL,
	application_name text,
	client_addr inet,
	backend_pid integer NOT NULL,
	transaction_id xid8,
	wal_lsn		pg_lsn
);

CREATE INDEX events_project_started_idx
	ON migrate.events (project, started_at);

SELECT pg_catalog.pg_extension_config_dump('migrate.projects', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.projects_lock_key_seq', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.revisions', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.applied', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.events', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.events_event_id_seq', '');

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

/* Commands */

CREATE FUNCTION migrate.upgrade(target text DEFAULT 'heads',
								project text DEFAULT 'default')
RETURNS TABLE (step integer, revision text, direction text, duration interval)
AS 'MODULE_PATHNAME', 'pg_migrate_upgrade'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.downgrade(target text,
								  project text DEFAULT 'default')
RETURNS TABLE (step integer, revision text, direction text, duration interval)
AS 'MODULE_PATHNAME', 'pg_migrate_downgrade'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.stamp(target text,
							  project text DEFAULT 'default',
							  purge boolean DEFAULT false)
RETURNS TABLE (step integer, revision text, direction text, duration interval)
AS 'MODULE_PATHNAME', 'pg_migrate_stamp'
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
			   execution text, statements integer, message text)
AS 'MODULE_PATHNAME', 'pg_migrate_plan'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.script(target text DEFAULT 'heads',
							   project text DEFAULT 'default')
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_script'
LANGUAGE C STABLE;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA migrate FROM PUBLIC;

/*
 * Access management.  Registering a revision is as powerful as running it
 * (the stored SQL later runs with the runner's rights), so one grant covers
 * both.  Monitoring roles may read state and history but never scripts.
 */
CREATE FUNCTION migrate.grant_deploy(role regrole)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
	END IF;
	EXECUTE format('GRANT USAGE ON SCHEMA migrate TO %s', role);
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON migrate.projects, migrate.revisions, migrate.applied TO %s', role);
	EXECUTE format('GRANT SELECT, INSERT ON migrate.events TO %s', role);
	EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA migrate TO %s', role);
	EXECUTE format('GRANT EXECUTE ON FUNCTION '
				   'migrate.revision(text, text, text, text[], text, text[], text[], text), '
				   'migrate.merge(text[], text, text, text), '
				   'migrate.upgrade(text, text), migrate.downgrade(text, text), '
				   'migrate.stamp(text, text, boolean), '
				   'migrate.current(text), migrate.heads(text, boolean), '
				   'migrate.branches(text), migrate.history(text, text), '
				   'migrate.show(text, text), migrate.status(text), '
				   'migrate.is_up_to_date(text), migrate.status_json(text), '
				   'migrate.plan(text, text), migrate.script(text, text) TO %s', role);
END;
$$;

CREATE FUNCTION migrate.grant_monitor(role regrole)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
	END IF;
	EXECUTE format('GRANT USAGE ON SCHEMA migrate TO %s', role);
	EXECUTE format('GRANT SELECT ON migrate.projects, migrate.applied, migrate.events TO %s', role);
	EXECUTE format('GRANT SELECT (project, id, seq, parents, branch_labels, depends_on, '
				   'message, up_class, down_class, up_statements, down_statements, '
				   'checksum, registered_at, registered_by) ON migrate.revisions TO %s', role);
	EXECUTE format('GRANT EXECUTE ON FUNCTION '
				   'migrate.current(text), migrate.heads(text, boolean), '
				   'migrate.branches(text), migrate.history(text, text), '
				   'migrate.status(text), migrate.is_up_to_date(text), '
				   'migrate.status_json(text), migrate.plan(text, text) TO %s', role);
END;
$$;

CREATE FUNCTION migrate.revoke_access(role regrole)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
	END IF;
	EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA migrate FROM %s', role);
	EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA migrate FROM %s', role);
	EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA migrate FROM %s', role);
	EXECUTE format('REVOKE SELECT (project, id, seq, parents, branch_labels, depends_on, '
				   'message, up_class, down_class, up_statements, down_statements, '
				   'checksum, registered_at, registered_by) ON migrate.revisions FROM %s', role);
	EXECUTE format('REVOKE USAGE ON SCHEMA migrate FROM %s', role);
END;
$$;

REVOKE ALL ON FUNCTION migrate.grant_deploy(regrole) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.grant_monitor(regrole) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.revoke_access(regrole) FROM PUBLIC;
