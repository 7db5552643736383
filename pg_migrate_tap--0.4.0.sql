/* pg_migrate_tap--0.4.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_migrate_tap" to load this file. \quit

/*
 * pgTAP assertions about pg_migrate projects, for test suites run with
 * pg_prove:
 *
 *   SELECT plan(3);
 *   SELECT migrations_up_to_date('default');
 *   SELECT no_schema_drift('default');
 *   SELECT revision_applied('0001', 'default');
 *   SELECT * FROM finish();
 *
 *   SELECT * FROM migrations_roundtrip('heads', 'default');  -- a line per revision
 *
 * Each returns pgTAP's own output (ok(), skip(), with diag() lines for a
 * failure).  pgTAP's functions are called in the schema pgtap is installed
 * in, found in pg_extension, with search_path set for the call only.
 */

/*
 * Put pgTAP's schema on the search_path, after pg_catalog.  This function
 * has no SET clause of its own, so the setting outlives it; every caller
 * has one, which restores the caller's search_path when it returns.
 */
CREATE FUNCTION @extschema@._pgm_tap_path()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	tap name;
BEGIN
	SELECT n.nspname INTO tap
	  FROM pg_catalog.pg_extension e
	  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
	 WHERE e.extname OPERATOR(pg_catalog.=) 'pgtap';
	IF tap IS NULL THEN
		RAISE EXCEPTION 'extension "pgtap" is not installed' USING ERRCODE = '55000';
	END IF;
	PERFORM pg_catalog.set_config('search_path',
								  'pg_catalog, ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(tap)
								  OPERATOR(pg_catalog.||) ', pg_temp', true);
END;
$$;

/* ok(result, description), followed by diag(diagnostics) when it failed */
CREATE FUNCTION @extschema@._pgm_tap_ok(result boolean, description text,
										 diagnostics text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	line text;
	note text;
BEGIN
	PERFORM @extschema@._pgm_tap_path();
	EXECUTE 'SELECT ok($1, $2)' INTO line USING result, description;
	IF NOT result AND diagnostics IS NOT NULL THEN
		EXECUTE 'SELECT diag($1)' INTO note USING diagnostics;
		line := line OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||) note;
	END IF;
	RETURN line;
END;
$$;

/* skip(why, 1) */
CREATE FUNCTION @extschema@._pgm_tap_skip(why text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	line text;
BEGIN
	PERFORM @extschema@._pgm_tap_path();
	EXECUTE 'SELECT skip($1, 1)' INTO line USING why;
	RETURN line;
END;
$$;

/* Every registered revision of the project is applied. */
CREATE FUNCTION @extschema@.migrations_up_to_date(project text DEFAULT 'default',
												   description text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	status jsonb;
BEGIN
	status := migrate.status_json(project);
	RETURN @extschema@._pgm_tap_ok(
		(status OPERATOR(pg_catalog.->>) 'up_to_date')::boolean,
		coalesce(description, pg_catalog.format('migrations of project %s are up to date', project)),
		pg_catalog.format('pending: %s',
						  (SELECT pg_catalog.string_agg(p, ', ')
							 FROM pg_catalog.jsonb_array_elements_text(status OPERATOR(pg_catalog.->) 'pending') p)));
END;
$$;

/* The live schema is the one recorded after the last command. */
CREATE FUNCTION @extschema@.no_schema_drift(project text DEFAULT 'default',
											 description text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	differences text;
	n integer;
	problem text;
BEGIN
	BEGIN
		SELECT pg_catalog.count(*),
			   pg_catalog.string_agg(d.kind OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) d.object
									 OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) d.change, E'\n')
		  INTO n, differences
		  FROM migrate.drift(project) d;
	EXCEPTION WHEN object_not_in_prerequisite_state THEN
		GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
		n := -1;
		differences := problem;
	END;
	RETURN @extschema@._pgm_tap_ok(
		n OPERATOR(pg_catalog.=) 0,
		coalesce(description, pg_catalog.format('schema of project %s has not drifted', project)),
		differences);
END;
$$;

/* A revision is applied. */
CREATE FUNCTION @extschema@.revision_applied(revision text,
											  project text DEFAULT 'default',
											  description text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	state boolean;
BEGIN
	SELECT h.applied INTO state
	  FROM migrate.history(NULL, project) h
	 WHERE h.id OPERATOR(pg_catalog.=) revision;
	RETURN @extschema@._pgm_tap_ok(
		coalesce(state, false),
		coalesce(description, pg_catalog.format('revision %s of project %s is applied', revision, project)),
		CASE WHEN state IS NULL THEN pg_catalog.format('revision %s is not registered', revision)
			 ELSE 'it is pending' END);
END;
$$;

/*
 * migrate.verify(target, project) as TAP: a line per pending revision,
 * ok when it goes up, down and up again with the schema restored and
 * identical; a skip for a revision without a down script; one passing
 * line when nothing is pending.  No SET clause: the migrations run with
 * the session's search_path, as a deploy runs them.
 */
CREATE FUNCTION @extschema@.migrations_roundtrip(target text DEFAULT 'heads',
												  project text DEFAULT 'default')
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
	p record;
	any_row boolean := false;
BEGIN
	FOR p IN SELECT * FROM migrate.verify(target, project) LOOP
		any_row := true;
		IF p.error OPERATOR(pg_catalog.~~) 'irreversible%' AND p.up_ok THEN
			RETURN NEXT @extschema@._pgm_tap_skip(
				pg_catalog.format('revision %s is irreversible: it has no down script', p.revision));
			CONTINUE;
		END IF;
		RETURN NEXT @extschema@._pgm_tap_ok(
			coalesce(p.up_ok AND p.down_restores AND p.reup_identical, false),
			pg_catalog.format('revision %s of project %s goes up, down and up again', p.revision, project),
			pg_catalog.concat_ws(E'\n', p.error,
				(SELECT pg_catalog.string_agg((d OPERATOR(pg_catalog.->>) 'phase')
						 OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) (d OPERATOR(pg_catalog.->>) 'kind')
						 OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) (d OPERATOR(pg_catalog.->>) 'object')
						 OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) (d OPERATOR(pg_catalog.->>) 'change'), E'\n')
				   FROM pg_catalog.jsonb_array_elements(p.differences) d)));
	END LOOP;
	IF NOT any_row THEN
		RETURN NEXT @extschema@._pgm_tap_ok(true,
			pg_catalog.format('project %s has no pending revision to prove', project), NULL);
	END IF;
END;
$$;
