--
-- hostile: operators and functions planted in public and in a schema
-- placed first in search_path (the CVE-2018-1058 pattern) are never called
-- by pg_migrate's own queries, whoever calls pg_migrate.  Every planted
-- object raises a WARNING when it runs, so any WARNING in this file's
-- output is a failure.  Migration scripts do run with the caller's
-- search_path, as written, so the scripts here use no operator.
--
\i sql/include/helpers.sql
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS evil CASCADE;
RESET client_min_messages;
CREATE SCHEMA evil;
GRANT USAGE ON SCHEMA evil TO PUBLIC;

-- plant(schema): hostile twins of the operators and functions pg_migrate's
-- queries could resolve through search_path
CREATE FUNCTION pg_temp.plant(s text) RETURNS void LANGUAGE plpgsql AS $plant$
DECLARE
	t text;
	op text;
BEGIN
	FOREACH t IN ARRAY ARRAY['text', 'text[]', 'name', 'oid', 'regclass', 'integer', 'bigint', 'boolean'] LOOP
		FOREACH op IN ARRAY ARRAY['=', '<>', '<', '>'] LOOP
			EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.hostile_%s_%s(%s, %s) RETURNS boolean
				LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s %s %s ran'; RETURN $1 OPERATOR(pg_catalog.%s) $2; END $b$$f$,
				s, pg_catalog.left(pg_catalog.md5(t), 8), pg_catalog.left(pg_catalog.md5(op), 8), t, t, s, t, op, op);
			EXECUTE pg_catalog.format('CREATE OPERATOR %I.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %I.hostile_%s_%s)',
				s, op, t, t, s, pg_catalog.left(pg_catalog.md5(t), 8), pg_catalog.left(pg_catalog.md5(op), 8));
		END LOOP;
	END LOOP;
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.hostile_overlap(text[], text[]) RETURNS boolean
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s && ran'; RETURN $1 OPERATOR(pg_catalog.&&) $2; END $b$$f$, s, s);
	EXECUTE pg_catalog.format('CREATE OPERATOR %I.&& (LEFTARG = text[], RIGHTARG = text[], FUNCTION = %I.hostile_overlap)', s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.hostile_concat(text, text) RETURNS text
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s || ran'; RETURN pg_catalog.textcat($1, $2); END $b$$f$, s, s);
	EXECUTE pg_catalog.format('CREATE OPERATOR %I.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = %I.hostile_concat)', s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.hostile_plus(bigint, integer) RETURNS bigint
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s + ran'; RETURN $1 OPERATOR(pg_catalog.+) $2; END $b$$f$, s, s);
	EXECUTE pg_catalog.format('CREATE OPERATOR %I.+ (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = %I.hostile_plus)', s, s);
	-- functions pg_migrate calls, by the same names
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.now() RETURNS timestamptz
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.now() ran'; RETURN pg_catalog.now(); END $b$$f$, s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.current_setting(text) RETURNS text
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.current_setting() ran'; RETURN pg_catalog.current_setting($1); END $b$$f$, s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.unnest(text[]) RETURNS SETOF text
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.unnest() ran'; RETURN QUERY SELECT pg_catalog.unnest($1); END $b$$f$, s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.pg_backend_pid() RETURNS integer
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.pg_backend_pid() ran'; RETURN pg_catalog.pg_backend_pid(); END $b$$f$, s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.format(text, VARIADIC text[]) RETURNS text
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.format() ran'; RETURN ''; END $b$$f$, s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.quote_literal(text) RETURNS text
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.quote_literal() ran'; RETURN pg_catalog.quote_literal($1); END $b$$f$, s, s);
	EXECUTE pg_catalog.format($f$CREATE FUNCTION %I.pg_has_role(regrole, text) RETURNS boolean
		LANGUAGE plpgsql AS $b$ BEGIN RAISE WARNING 'hostile %s.pg_has_role() ran'; RETURN true; END $b$$f$, s, s);
END;
$plant$;
SELECT pg_temp.plant('evil');
SELECT pg_temp.plant('public');

-- the planted objects work: this WARNING is the only one expected
SET search_path = evil, pg_catalog, public;
SELECT 'a'::text = 'a'::text AS planted_operator_runs;
RESET search_path;

--
-- Every function of the API, as a superuser whose search_path puts the
-- planted schema before pg_catalog.
--
CREATE SCHEMA hostile_app;
GRANT CREATE, USAGE ON SCHEMA hostile_app TO regress_deployer;
SET search_path = evil, pg_catalog, public;
SELECT migrate.grant_deploy('regress_deployer', 'hostile');
SELECT migrate.grant_monitor('regress_monitor', 'hostile');
SELECT migrate.revision('h1', 'CREATE TABLE hostile_app.t1 (id integer)', 'DROP TABLE hostile_app.t1',
                        message => 'one', project => 'hostile');
SELECT migrate.revision('h2', 'CREATE TABLE hostile_app.t2 (id integer)', 'DROP TABLE hostile_app.t2',
                        parents => '{h1}', branch_labels => '{side}', project => 'hostile');
SELECT migrate.revision('h3', 'CREATE TABLE hostile_app.t3 (id integer)', 'DROP TABLE hostile_app.t3',
                        parents => '{h1}', depends_on => '{side}', project => 'hostile');
SELECT migrate.revision('h3', 'CREATE TABLE hostile_app.t3 (id integer)', 'DROP TABLE hostile_app.t3',
                        parents => '{h1}', depends_on => '{side}', message => 'three', project => 'hostile');
SELECT migrate.merge(ARRAY['heads'], 'join', 'h4', 'hostile');
SELECT * FROM migrate.plan('heads', 'hostile');
SELECT step, revision, direction FROM migrate.upgrade('h2', 'hostile');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'hostile');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'hostile');
SELECT step, revision, direction FROM migrate.downgrade('h1', 'hostile');
SELECT step, revision, direction FROM migrate.stamp('h2', 'hostile');
SELECT step, revision, direction FROM migrate.stamp('h1', 'hostile');
SET client_min_messages = warning;
CALL migrate.apply('heads', 'hostile');
RESET client_min_messages;
SELECT * FROM migrate.current('hostile');
SELECT * FROM migrate.heads('hostile');
SELECT * FROM migrate.heads('hostile', true);
SELECT * FROM migrate.branches('hostile');
SELECT id, flags, applied FROM migrate.history(NULL, 'hostile');
SELECT id FROM migrate.history('h1:h3', 'hostile');
SELECT id, up, checksum IS NOT NULL FROM migrate.show('h3', 'hostile');
SELECT revision, state FROM migrate.status('hostile');
SELECT migrate.is_up_to_date('hostile');
SELECT migrate.status_json('hostile') - 'lock' - 'fingerprint';
SELECT count(*) FROM migrate.progress();
SELECT migrate.has_access('hostile'), migrate.has_access('hostile', 'deploy');
SELECT migrate.script('h1:heads', 'hostile') IS NOT NULL AS script;
BEGIN;
SELECT migrate.lock('hostile');
SELECT step, revision FROM migrate.downgrade('h3', 'hostile');
SELECT migrate.record_step('hostile', 'h4', 'up', checksum) FROM migrate.show('h4', 'hostile');
ROLLBACK;
-- and as the deploy and monitoring roles
SET ROLE regress_deployer;
SELECT step, revision, direction FROM migrate.plan('base', 'hostile');
SELECT step, revision FROM migrate.upgrade('heads', 'hostile', trust_registrants => true);
RESET ROLE;
SET ROLE regress_monitor;
SELECT revision, state FROM migrate.status('hostile');
SELECT migrate.status_json('hostile') -> 'up_to_date';
SELECT DISTINCT project FROM migrate.revisions WHERE project LIKE 'hostil%';
RESET ROLE;
-- errors take the same paths
SELECT migrate.revision('h5', 'SELECT 1', parents => '{nosuch}', project => 'hostile');
SELECT * FROM migrate.plan('nosuch', 'hostile');
SELECT migrate.revoke_access('regress_monitor', 'hostile');
SELECT migrate.revoke_access('regress_deployer', 'hostile');
RESET search_path;

-- what pg_migrate did is right, and nothing planted ran (no WARNING above
-- but the one expected)
SELECT * FROM migrate.current('hostile');
SELECT revision, direction, outcome FROM migrate.events WHERE project = 'hostile' ORDER BY event_id;

SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
DROP SCHEMA hostile_app CASCADE;
DO $$
DECLARE
	stmt text;
BEGIN
	FOR stmt IN
		SELECT pg_catalog.format('DROP OPERATOR public.%s (%s, %s)', o.oprname, o.oprleft::regtype, o.oprright::regtype)
		  FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'public'::regnamespace
		UNION ALL
		SELECT pg_catalog.format('DROP FUNCTION %s', p.oid::regprocedure)
		  FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'public'::regnamespace
		   AND (p.proname LIKE 'hostile\_%' OR p.proname IN ('now', 'current_setting', 'unnest',
				'pg_backend_pid', 'format', 'quote_literal', 'pg_has_role'))
	LOOP
		EXECUTE stmt;
	END LOOP;
END;
$$;
RESET client_min_messages;
