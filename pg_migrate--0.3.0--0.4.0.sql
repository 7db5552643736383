/* pg_migrate--0.3.0--0.4.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.4.0'" to load this file. \quit

/*
 * Schema "migrate" becomes a member of the extension, as a fresh install
 * makes it (its install script creates the schema and fails if one
 * exists), and the extension's own schema becomes pg_catalog, which is
 * what the control file now says: a dump of this database then restores
 * with the current control file.
 */
UPDATE pg_catalog.pg_extension SET extnamespace = 'pg_catalog'::pg_catalog.regnamespace
 WHERE extname = 'pg_migrate';
DELETE FROM pg_catalog.pg_depend
 WHERE classid = 'pg_catalog.pg_extension'::pg_catalog.regclass
   AND objid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'pg_migrate')
   AND refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
   AND refobjid = 'migrate'::pg_catalog.regnamespace;
INSERT INTO pg_catalog.pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass, 'migrate'::pg_catalog.regnamespace, 0,
	   'pg_catalog.pg_extension'::pg_catalog.regclass, e.oid, 0, 'e'
  FROM pg_catalog.pg_extension e WHERE e.extname = 'pg_migrate';

/*
 * Before 0.4.0, CREATE EXTENSION reused a schema "migrate" that existed
 * already, whoever made it.  Its owner could then swap pg_migrate's
 * functions for their own.  Objects in it that are not pg_migrate's stop
 * the update; the schema is given to the tables' owner, and nobody else
 * keeps a privilege on it (grants are given again below).
 */
DO $$
DECLARE
	ext oid := (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'pg_migrate');
	owner pg_catalog.regrole := (SELECT c.relowner::pg_catalog.regrole FROM pg_catalog.pg_class c
								  WHERE c.oid = 'migrate.projects'::pg_catalog.regclass);
	stray text;
	r pg_catalog.regrole;
BEGIN
	SELECT pg_catalog.string_agg(x.name, ', ' ORDER BY x.name) INTO stray
	  FROM (SELECT c.oid::pg_catalog.regclass::text AS name, 'pg_catalog.pg_class'::pg_catalog.regclass AS cls, c.oid
			  FROM pg_catalog.pg_class c
			 WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace
			   AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,v,m,S,f,p,c}'::"char"[])
			UNION ALL
			SELECT p.oid::pg_catalog.regprocedure::text, 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid
			  FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'migrate'::pg_catalog.regnamespace
			UNION ALL
			SELECT o.oid::pg_catalog.regoperator::text, 'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid
			  FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'migrate'::pg_catalog.regnamespace
			UNION ALL
			SELECT t.oid::pg_catalog.regtype::text, 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid
			  FROM pg_catalog.pg_type t
			 WHERE t.typnamespace = 'migrate'::pg_catalog.regnamespace
			   AND t.typrelid = 0 AND t.typelem = 0) x
	 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
						WHERE d.classid = x.cls AND d.objid = x.oid
						  AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
						  AND d.refobjid = ext AND d.deptype = 'e');
	IF stray IS NOT NULL THEN
		RAISE EXCEPTION 'schema "migrate" holds objects that do not belong to pg_migrate: %', stray
			USING ERRCODE = '55000',
				  HINT = 'Someone created them in pg_migrate''s schema. Find out who and why, drop them, then update again.';
	END IF;
	EXECUTE pg_catalog.format('ALTER SCHEMA migrate OWNER TO %s', owner);
	FOR r IN
		SELECT DISTINCT a.grantee::pg_catalog.regrole
		  FROM pg_catalog.pg_namespace n, LATERAL pg_catalog.aclexplode(n.nspacl) a
		 WHERE n.nspname = 'migrate' AND a.grantee <> 0 AND a.grantee <> n.nspowner
	LOOP
		EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA migrate FROM %s', r);
	END LOOP;
	REVOKE ALL ON SCHEMA migrate FROM PUBLIC;
END;
$$;

/*
 * Before 0.4.0 deploy roles could write registered_by.  For the revisions
 * not applied yet it is therefore unverified: it is cleared, so that
 * running one of them needs trust_registrants once (or a new registration
 * of a changed revision).
 */
UPDATE migrate.revisions r SET registered_by = ''
 WHERE NOT EXISTS (SELECT FROM migrate.applied a
					WHERE a.project OPERATOR(pg_catalog.=) r.project
					  AND a.revision OPERATOR(pg_catalog.=) r.id);

/*
 * Who wrote a row is given by pg_migrate's functions, which write with the
 * owner's rights: CURRENT_USER would be the owner.
 */
ALTER TABLE migrate.revisions ALTER COLUMN registered_by DROP DEFAULT;

/* revisions that an offline script recorded (migrate.record_step()) */
ALTER TABLE migrate.applied DROP CONSTRAINT applied_applied_via_check,
	ADD CONSTRAINT applied_applied_via_check
	CHECK (applied_via IN ('up', 'stamp', 'offline'));

-- unregister() writes an event of its own
ALTER TABLE migrate.events DROP CONSTRAINT events_direction_check,
	ADD CONSTRAINT events_direction_check
	CHECK (direction IN ('up', 'down', 'stamp', 'unstamp', 'unregister',
						 'accept_schema', 'set_scope', 'set_search_path', 'reconcile'));

/*
 * A revision run in a background worker is recorded as 'started' before
 * its first statement, so that an interruption that leaves no failure row
 * is still seen; what the next run found and did about an interrupted
 * index build is a 'reconcile' event with a note.  A try of a revision
 * that timed out waiting for a lock is a 'retry' event with a note.
 */
ALTER TABLE migrate.events DROP CONSTRAINT events_outcome_check,
	ADD CONSTRAINT events_outcome_check
	CHECK (outcome IN ('success', 'failure', 'started', 'retry'));
ALTER TABLE migrate.events ADD COLUMN note text;

/* the restore point created before the command (pg_migrate.restore_points) */
ALTER TABLE migrate.events ADD COLUMN restore_lsn pg_lsn;

/*
 * progress() shows how far a revision's batched statements got: it is
 * created again with two more columns, for the same roles as before.
 */
DO $$
DECLARE
	grantees text;
BEGIN
	SELECT pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ')
	  INTO grantees
	  FROM pg_catalog.pg_proc p,
		   LATERAL pg_catalog.aclexplode(p.proacl) a
	  JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
	 WHERE p.oid = 'migrate.progress()'::pg_catalog.regprocedure
	   AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner;
	DROP FUNCTION migrate.progress();
	CREATE FUNCTION migrate.progress()
	RETURNS TABLE (project text, pid integer, application_name text,
				   command text, state text, since timestamptz,
				   step integer, steps integer, revision text, direction text,
				   step_started timestamptz, batches bigint, rows bigint)
	AS 'MODULE_PATHNAME', 'pg_migrate_progress'
	LANGUAGE C VOLATILE;
	REVOKE ALL ON FUNCTION migrate.progress() FROM PUBLIC;
	IF grantees IS NOT NULL THEN
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION migrate.progress() TO %s', grantees);
	END IF;
END;
$$;
ALTER TABLE migrate.applied ALTER COLUMN applied_by DROP DEFAULT;

/*
 * The audit trail names the registrant of a script that ran only because
 * the caller trusted it (trust_registrants => true).
 */
ALTER TABLE migrate.events ADD COLUMN trusted_registrant name;

/*
 * Schema truth: the scope of a project's snapshots, the snapshot recorded
 * after the last command and its fingerprint, which events carry too.
 */
ALTER TABLE migrate.projects ADD COLUMN schema_scope text[],
	ADD COLUMN fingerprint text,
	ADD COLUMN snapshot jsonb,
	ADD COLUMN snapshot_at timestamptz;
ALTER TABLE migrate.events ADD COLUMN fingerprint text;

-- the search_path a project's scripts run with (migrate.set_search_path())
ALTER TABLE migrate.projects ADD COLUMN search_path text;

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

SELECT pg_catalog.pg_extension_config_dump('migrate.grants', '');
REVOKE ALL ON migrate.grants FROM PUBLIC;

/*
 * Roles given access before 0.4.0 had it for every project: keep that,
 * written out as grants for every project (project NULL).  Deploy roles
 * held UPDATE on migrate.projects, monitoring roles SELECT only.
 */
INSERT INTO migrate.grants (role, project, access, granted_by)
SELECT DISTINCT ON (a.grantee) a.grantee::pg_catalog.regrole, NULL,
	   CASE WHEN bool_or(a.privilege_type = 'UPDATE') OVER (PARTITION BY a.grantee)
			THEN 'deploy' ELSE 'monitor' END,
	   CURRENT_USER
  FROM pg_catalog.pg_class c,
	   LATERAL pg_catalog.aclexplode(c.relacl) a
 WHERE c.oid = 'migrate.projects'::pg_catalog.regclass
   AND a.grantee <> 0 AND a.grantee <> c.relowner
   AND a.privilege_type IN ('SELECT', 'UPDATE');

/*
 * Only the owner writes the tables from now on.  Everything earlier
 * versions granted is taken back, and given again below as 0.4.0 grants
 * it (reads and EXECUTE, never writes).
 */
DO $$
DECLARE
	r pg_catalog.regrole;
BEGIN
	FOR r IN
		SELECT DISTINCT a.grantee::pg_catalog.regrole
		  FROM pg_catalog.pg_class c,
			   LATERAL pg_catalog.aclexplode(c.relacl) a
		 WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace
		   AND a.grantee <> 0 AND a.grantee <> c.relowner
		UNION
		SELECT DISTINCT a.grantee::pg_catalog.regrole
		  FROM pg_catalog.pg_attribute att
		  JOIN pg_catalog.pg_class c ON c.oid = att.attrelid,
			   LATERAL pg_catalog.aclexplode(att.attacl) a
		 WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace
		   AND a.grantee <> 0 AND a.grantee <> c.relowner
	LOOP
		EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA migrate FROM %s', r);
		EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA migrate FROM %s', r);
		EXECUTE pg_catalog.format('REVOKE SELECT (project, id, seq, parents, branch_labels, depends_on, '
								  'message, up_script, down_script, up_class, down_class, '
								  'up_statements, down_statements, checksum, registered_at, '
								  'registered_by) ON migrate.revisions FROM %s', r);
	END LOOP;
END;
$$;

/* trust_registrants on the commands that run scripts, and on script() */
DROP FUNCTION migrate.upgrade(text, text);
DROP FUNCTION migrate.downgrade(text, text);
DROP PROCEDURE migrate.apply(text, text);
DROP FUNCTION migrate.script(text, text);

/*
 * Remove a revision that is not applied and that no other revision names
 * as a parent or dependency (a file deleted before it was deployed).
 */
CREATE FUNCTION migrate.unregister(id text, project text DEFAULT 'default')
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_unregister'
LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION migrate.unregister(text, text) FROM PUBLIC;

CREATE FUNCTION migrate.script(target text DEFAULT 'heads',
							   project text DEFAULT 'default',
							   trust_registrants boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'pg_migrate_script'
LANGUAGE C STABLE;

REVOKE ALL ON FUNCTION migrate.script(text, text, boolean) FROM PUBLIC;

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

CREATE PROCEDURE migrate.apply(target text DEFAULT 'heads',
							   project text DEFAULT 'default',
							   trust_registrants boolean DEFAULT false)
AS 'MODULE_PATHNAME', 'pg_migrate_apply'
LANGUAGE C;

CREATE FUNCTION migrate.record_step(project text, revision text,
									direction text, checksum text)
RETURNS void
AS 'MODULE_PATHNAME', 'pg_migrate_record_step'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.has_access(project text, access text DEFAULT 'monitor')
RETURNS boolean
AS 'MODULE_PATHNAME', 'pg_migrate_has_access'
LANGUAGE C STABLE STRICT;

REVOKE ALL ON FUNCTION migrate.upgrade(text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.downgrade(text, text, boolean) FROM PUBLIC;
REVOKE ALL ON PROCEDURE migrate.apply(text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.record_step(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.has_access(text, text) FROM PUBLIC;

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

/* per-project access management replaces the one-argument functions */
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

REVOKE ALL ON FUNCTION migrate.schema_snapshot(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.drift(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.schema_diff(jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.diff(jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.accept_schema(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.set_scope(text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.set_search_path(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.verify(text, text, boolean) FROM PUBLIC;

DROP FUNCTION migrate.grant_deploy(regrole);
DROP FUNCTION migrate.grant_monitor(regrole);
DROP FUNCTION migrate.revoke_access(regrole);

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

/* plan() counts each step's lint findings; the linter's functions */
DROP FUNCTION migrate.plan(text, text);
CREATE FUNCTION migrate.plan(target text DEFAULT 'heads',
							 project text DEFAULT 'default')
RETURNS TABLE (step integer, revision text, direction text,
			   execution text, statements integer, message text,
			   findings integer)
AS 'MODULE_PATHNAME', 'pg_migrate_plan'
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

REVOKE ALL ON FUNCTION migrate.plan(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.lint(text, text[], boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.lint_revision(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.lint_ignores(text) FROM PUBLIC;

/* the roles kept above get what 0.4.0 grants, and EXECUTE only on that */
DO $$
DECLARE
	g record;
BEGIN
	FOR g IN SELECT role, access FROM migrate.grants LOOP
		EXECUTE pg_catalog.format('REVOKE ALL ON ALL ROUTINES IN SCHEMA migrate FROM %s', g.role);
		PERFORM migrate.grant_access(g.role, NULL, g.access);
	END LOOP;
END;
$$;

CREATE FUNCTION migrate.guard_drop()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'pg_migrate_guard_drop'
LANGUAGE C;

REVOKE ALL ON FUNCTION migrate.guard_drop() FROM PUBLIC;

CREATE EVENT TRIGGER pg_migrate_guard_drop ON ddl_command_start
	WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
	EXECUTE FUNCTION migrate.guard_drop();
