/* pg_migrate--0.1.0--0.2.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.2.0'" to load this file. \quit

/*
 * grant_deploy() now grants every routine of the schema except the access
 * management ones, so that later versions need not replace it again.
 */

/*
 * The per-revision path: commits after each revision and records failures
 * durably.  See src/commands.c.
 */
CREATE PROCEDURE migrate.apply(target text DEFAULT 'heads',
							   project text DEFAULT 'default')
AS 'MODULE_PATHNAME', 'pg_migrate_apply'
LANGUAGE C;

REVOKE ALL ON PROCEDURE migrate.apply(text, text) FROM PUBLIC;

/*
 * Sessions running or waiting for a pg_migrate command in this database.
 * It shows only pg_migrate's own activity (project, command, revision,
 * step) with the pid and application name, so monitoring roles may have it.
 */
CREATE FUNCTION migrate.progress()
RETURNS TABLE (project text, pid integer, application_name text,
			   command text, state text, since timestamptz,
			   step integer, steps integer, revision text, direction text,
			   step_started timestamptz)
AS 'MODULE_PATHNAME', 'pg_migrate_progress'
LANGUAGE C VOLATILE;

REVOKE ALL ON FUNCTION migrate.progress() FROM PUBLIC;

CREATE OR REPLACE FUNCTION migrate.grant_deploy(role regrole)
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
	/* every routine of the API; the access management ones stay admin-only */
	EXECUTE format('GRANT EXECUTE ON ALL ROUTINES IN SCHEMA migrate TO %s', role);
	EXECUTE format('REVOKE EXECUTE ON FUNCTION migrate.grant_deploy(regrole), '
				   'migrate.grant_monitor(regrole), migrate.revoke_access(regrole) '
				   'FROM %s', role);
END;
$$;

CREATE OR REPLACE FUNCTION migrate.grant_monitor(role regrole)
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
				   'migrate.status_json(text), migrate.plan(text, text), '
				   'migrate.progress() TO %s', role);
END;
$$;

REVOKE ALL ON FUNCTION migrate.grant_deploy(regrole) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.grant_monitor(regrole) FROM PUBLIC;

CREATE OR REPLACE FUNCTION migrate.revoke_access(role regrole)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
	END IF;
	EXECUTE format('REVOKE ALL ON ALL ROUTINES IN SCHEMA migrate FROM %s', role);
	EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA migrate FROM %s', role);
	EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA migrate FROM %s', role);
	EXECUTE format('REVOKE SELECT (project, id, seq, parents, branch_labels, depends_on, '
				   'message, up_class, down_class, up_statements, down_statements, '
				   'checksum, registered_at, registered_by) ON migrate.revisions FROM %s', role);
	EXECUTE format('REVOKE USAGE ON SCHEMA migrate FROM %s', role);
END;
$$;

REVOKE ALL ON FUNCTION migrate.revoke_access(regrole) FROM PUBLIC;

/*
 * The project mutex for offline scripts and manual work: held until the
 * end of the calling transaction.
 */
CREATE FUNCTION migrate.lock(project text DEFAULT 'default')
RETURNS void
AS 'MODULE_PATHNAME', 'pg_migrate_lock'
LANGUAGE C VOLATILE;

REVOKE ALL ON FUNCTION migrate.lock(text) FROM PUBLIC;

/*
 * Roles given access under 0.1.0 keep it for what 0.2.0 adds: deploy roles
 * (EXECUTE on upgrade) get apply, lock and progress, monitoring roles
 * (EXECUTE on status) get progress.
 */
DO $$
DECLARE
	r regrole;
BEGIN
	FOR r IN
		SELECT DISTINCT a.grantee::regrole
		  FROM pg_catalog.pg_proc p,
			   LATERAL pg_catalog.aclexplode(p.proacl) a
		 WHERE p.oid = 'migrate.upgrade(text, text)'::pg_catalog.regprocedure
		   AND a.privilege_type = 'EXECUTE' AND a.grantee <> 0
		   AND a.grantee <> p.proowner
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON PROCEDURE migrate.apply(text, text) TO %s', r);
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION migrate.lock(text), migrate.progress() TO %s', r);
	END LOOP;
	FOR r IN
		SELECT DISTINCT a.grantee::regrole
		  FROM pg_catalog.pg_proc p,
			   LATERAL pg_catalog.aclexplode(p.proacl) a
		 WHERE p.oid = 'migrate.status(text)'::pg_catalog.regprocedure
		   AND a.privilege_type = 'EXECUTE' AND a.grantee <> 0
		   AND a.grantee <> p.proowner
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION migrate.progress() TO %s', r);
	END LOOP;
END;
$$;
