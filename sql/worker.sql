--
-- worker: what a background worker of CALL migrate.apply() inherits from
-- its caller, and the settings that govern the workers.
--
-- 1. Settings.  A nontransactional revision runs in a session of its own;
-- every setting the caller changed (lock_timeout, statement_timeout,
-- memory, TimeZone, DateStyle, search_path, custom app.* settings, ...)
-- is applied there before the script runs.  The same INSERT, run by a
-- transactional revision through upgrade() (in the caller's own session)
-- and by a nontransactional one through apply() (in a worker), must see
-- the same values; the caller's values are compared too.
--
\i sql/include/helpers.sql
SET client_min_messages = warning;

CREATE SCHEMA wk;
CREATE TABLE wk.seen (path text, name text, setting text);
CREATE FUNCTION wk.names() RETURNS text[] LANGUAGE sql AS $$
	SELECT ARRAY['lock_timeout', 'statement_timeout', 'maintenance_work_mem',
				 'work_mem', 'TimeZone', 'DateStyle', 'IntervalStyle',
				 'search_path', 'app.tenant', 'extra_float_digits',
				 'default_transaction_isolation', 'enable_seqscan',
				 'pg_migrate.on_drift']
$$;
SELECT migrate.revision('s1', $$
INSERT INTO seen SELECT 'atomic', n, current_setting(n, true) FROM unnest(names()) AS n
$$, project => 'wk_settings');
SELECT migrate.revision('s2', $$
VACUUM seen;
INSERT INTO seen SELECT 'worker', n, current_setting(n, true) FROM unnest(names()) AS n
$$, parents => '{s1}', project => 'wk_settings');
SELECT revision, execution FROM migrate.plan('heads', 'wk_settings');

SET lock_timeout = '2s';
SET statement_timeout = '1h';
SET maintenance_work_mem = '777MB';
SET work_mem = '5MB';
SET TimeZone = 'Asia/Tokyo';
SET DateStyle = 'SQL, DMY';
SET IntervalStyle = 'iso_8601';
SET search_path = wk, public;
SET app.tenant = 'acme';
SET extra_float_digits = 1;
SET default_transaction_isolation = 'repeatable read';
SET enable_seqscan = off;
SET pg_migrate.on_drift = ignore;
SELECT step, revision FROM migrate.upgrade('s1', 'wk_settings');
CALL migrate.apply('heads', 'wk_settings');
RESET ALL;
SET client_min_messages = warning;
SET pg_migrate.on_drift = ignore;

SELECT name, setting FROM wk.seen WHERE path = 'worker' ORDER BY name;
-- the two paths saw the same values
SELECT a.name, a.setting AS atomic, w.setting AS worker
FROM wk.seen a JOIN wk.seen w USING (name)
WHERE a.path = 'atomic' AND w.path = 'worker' AND a.setting IS DISTINCT FROM w.setting;
SELECT count(*) FROM wk.seen;

--
-- 2. pg_migrate.max_workers caps the workers of the whole cluster: set in
-- the server's configuration, never per session; out of range refused.
--
SHOW pg_migrate.max_workers;
SET pg_migrate.max_workers = 3;
\echo :SQLSTATE
ALTER SYSTEM SET pg_migrate.max_workers = 0;
\echo :SQLSTATE
ALTER SYSTEM SET pg_migrate.max_workers = 1000000;
\echo :SQLSTATE
