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
-- (pg_migrate.ddl_lock_timeout would set lock_timeout on both paths)
SET pg_migrate.ddl_lock_timeout = 0;
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
-- workers still around (there must never be one after a call returns)
CREATE FUNCTION pg_temp.workers() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'
$$;

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

--
-- 3. Reconciling what an interrupted or failed run left.  Before a
-- nontransactional revision runs, for each CREATE INDEX CONCURRENTLY of
-- it: an INVALID index of that name is dropped concurrently and built
-- again (IF NOT EXISTS never keeps it); a VALID one with exactly the
-- definition the statement would create is accepted and the statement
-- skipped; a VALID one that differs is an error naming both definitions.
-- REINDEX ... CONCURRENTLY leftovers (_ccnew, _ccold) that are INVALID
-- are dropped.  Every action is a 'reconcile' event with a note, and the
-- run's 'started' event precedes them.
--
CREATE TABLE wk.t (id integer, v integer, w text);
INSERT INTO wk.t SELECT g, g % 7, 'x' || g FROM generate_series(1, 100) AS g;
-- an INVALID index left by a failed build, with the same name as the one
-- a revision builds (IF NOT EXISTS would keep it as it is)
INSERT INTO wk.t VALUES (1, 1, 'dup');
CREATE UNIQUE INDEX CONCURRENTLY t_id_key ON wk.t (id);
DELETE FROM wk.t WHERE w = 'dup';
-- a VALID index identical to what a revision builds (built by hand, or by
-- a run whose revision was never recorded)
CREATE INDEX t_v_idx ON wk.t (v) WHERE v > 0;
SELECT indexrelid::regclass AS index, indisvalid FROM pg_index
 WHERE indrelid = 'wk.t'::regclass ORDER BY 1;
SELECT migrate.revision('r1', $$
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_id_key ON wk.t (id);
CREATE INDEX CONCURRENTLY t_v_idx ON wk.t (v) WHERE v > 0;
$$, 'DROP INDEX CONCURRENTLY wk.t_id_key; DROP INDEX CONCURRENTLY wk.t_v_idx', project => 'wk_rec');
SELECT revision, state, message FROM migrate.status('wk_rec');
SELECT migrate.status_json('wk_rec') -> 'invalid_indexes' AS invalid_indexes;
CALL migrate.apply('heads', 'wk_rec');
SELECT indexrelid::regclass AS index, indisvalid, indisunique FROM pg_index
 WHERE indrelid = 'wk.t'::regclass ORDER BY 1;
SELECT revision, direction, outcome, statement, note
  FROM migrate.events WHERE project = 'wk_rec' ORDER BY event_id;
SELECT revision, state FROM migrate.status('wk_rec');

-- a VALID index of the same name whose definition differs: an error
-- naming both, nothing run, the revision not applied
CREATE INDEX t_w_idx ON wk.t USING hash (w);
SELECT migrate.revision('r2', 'CREATE INDEX CONCURRENTLY t_w_idx ON wk.t (w)',
                        'DROP INDEX CONCURRENTLY wk.t_w_idx', '{r1}', project => 'wk_rec');
CALL migrate.apply('heads', 'wk_rec');
\echo :SQLSTATE
SELECT revision, state FROM migrate.status('wk_rec');
DROP INDEX wk.t_w_idx;
CALL migrate.apply('heads', 'wk_rec');
SELECT revision, state FROM migrate.status('wk_rec');

-- each statement is reconciled just before it runs, against what the
-- statements before it did: dropping and building again works, for the
-- same definition and for another one
SELECT migrate.revision('r2b', $$
DROP INDEX CONCURRENTLY IF EXISTS wk.t_v_idx;
CREATE INDEX CONCURRENTLY t_v_idx ON wk.t (v) WHERE v > 0;
DROP INDEX CONCURRENTLY IF EXISTS wk.t_w_idx;
CREATE INDEX CONCURRENTLY t_w_idx ON wk.t (w, v);
$$, 'SELECT 1', '{r2}', project => 'wk_rec');
CALL migrate.apply('heads', 'wk_rec');
SELECT indexrelid::regclass AS index, indisvalid, pg_get_indexdef(indexrelid) FROM pg_index
 WHERE indexrelid IN ('wk.t_v_idx'::regclass, 'wk.t_w_idx'::regclass) ORDER BY 1;
SELECT count(*) AS reconcile_events FROM migrate.events
 WHERE project = 'wk_rec' AND revision = 'r2b' AND direction = 'reconcile';

-- REINDEX CONCURRENTLY leftovers: a unique index on an expression whose
-- (wrongly IMMUTABLE) function changes makes REINDEX CONCURRENTLY fail
-- after it created t_bucket_ccnew, which stays INVALID.
CREATE FUNCTION wk.bucket(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS 'SELECT $1';
CREATE UNIQUE INDEX t_bucket ON wk.t (wk.bucket(id));
CREATE OR REPLACE FUNCTION wk.bucket(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS 'SELECT $1 / 10';
REINDEX INDEX CONCURRENTLY wk.t_bucket;
SELECT indexrelid::regclass AS index, indisvalid FROM pg_index
 WHERE indrelid = 'wk.t'::regclass AND indexrelid::regclass::text LIKE 'wk.t_bucket%' ORDER BY 1;
SELECT revision, state, message FROM migrate.status('wk_rec') WHERE state = 'invalid index';
CREATE OR REPLACE FUNCTION wk.bucket(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS 'SELECT $1';
SELECT migrate.revision('r3', 'REINDEX INDEX CONCURRENTLY wk.t_bucket', 'SELECT 1', '{r2b}',
                        project => 'wk_rec');
CALL migrate.apply('heads', 'wk_rec');
SELECT indexrelid::regclass AS index, indisvalid FROM pg_index
 WHERE indrelid = 'wk.t'::regclass AND indexrelid::regclass::text LIKE 'wk.t_bucket%' ORDER BY 1;
SELECT revision, direction, outcome, statement, note
  FROM migrate.events WHERE project = 'wk_rec' AND revision = 'r3' ORDER BY event_id;

--
-- 4. An interrupted run: its 'started' event has no outcome after it and
-- no session runs it.  (A crash is simulated here by writing the row a
-- killed run leaves; 017_interruptions.pl interrupts real runs.)  status()
-- shows the revision as interrupted, status_json() lists it with the hint
-- to run it again; a rerun puts it right.
--
SELECT migrate.revision('r4', 'CREATE INDEX CONCURRENTLY t_w_btree ON wk.t (w)',
                        'DROP INDEX CONCURRENTLY wk.t_w_btree', '{r3}', project => 'wk_rec');
INSERT INTO migrate.events (project, revision, direction, started_at, duration, outcome,
                            current_user_name, session_user_name, backend_pid)
VALUES ('wk_rec', 'r4', 'up', now(), '0', 'started', current_user, session_user, 0);
SELECT revision, state FROM migrate.status('wk_rec') WHERE revision = 'r4';
SELECT jsonb_pretty(migrate.status_json('wk_rec') -> 'interrupted' #- '{0,started_at}');
CALL migrate.apply('heads', 'wk_rec');
SELECT revision, state FROM migrate.status('wk_rec') WHERE revision = 'r4';
SELECT migrate.status_json('wk_rec') -> 'interrupted' AS interrupted;
SELECT pg_temp.workers();

--
-- 5. Batched backfills.  A statement after the line "-- migrate:batch"
-- (which makes its revision nontransactional) runs again and again, each
-- run in a transaction of its own, until it affects no rows; the atomic
-- path refuses such a revision.  pg_migrate.batch_max bounds the runs: on
-- reaching it the revision fails (54000), the runs so far stay committed,
-- and a rerun goes on from there.
--
SET pg_migrate.batch_pause = 0;
CREATE TABLE wk.b (id integer PRIMARY KEY, v integer);
INSERT INTO wk.b SELECT g, NULL FROM generate_series(1, 1000) AS g;
SELECT migrate.revision('b1', $$
ALTER TABLE wk.b ADD COLUMN IF NOT EXISTS w integer;
-- fill v, 300 rows per run
-- migrate:batch
UPDATE wk.b SET v = id * 2
 WHERE id IN (SELECT id FROM wk.b WHERE v IS NULL ORDER BY id LIMIT 300);
$$, 'ALTER TABLE wk.b DROP COLUMN w', project => 'wk_batch');
SELECT revision, execution, statements FROM migrate.plan('heads', 'wk_batch');
SELECT step FROM migrate.upgrade('heads', 'wk_batch');
\echo :SQLSTATE
CALL migrate.apply('heads', 'wk_batch');
SELECT count(*) FILTER (WHERE v = id * 2) AS filled, count(*) AS rows,
       count(DISTINCT xmin::text) AS transactions FROM wk.b;
-- the offline script runs the same loop with psql
SELECT migrate.script('base:b1', 'wk_batch');
-- a limit that is reached: 54000 after two runs, which stay
SET pg_migrate.batch_max = 2;
SELECT migrate.revision('b2', $$
-- migrate:batch
UPDATE wk.b SET v = NULL
 WHERE id IN (SELECT id FROM wk.b WHERE v IS NOT NULL ORDER BY id LIMIT 300)
$$, 'SELECT 1', '{b1}', project => 'wk_batch');
CALL migrate.apply('heads', 'wk_batch');
\echo :SQLSTATE
SELECT count(*) FILTER (WHERE v IS NULL) AS cleared FROM wk.b;
SELECT revision, state FROM migrate.status('wk_batch');
RESET pg_migrate.batch_max;
CALL migrate.apply('heads', 'wk_batch');
SELECT count(*) FILTER (WHERE v IS NULL) AS cleared FROM wk.b;
SELECT revision, state FROM migrate.status('wk_batch');

-- transaction control works in a nontransactional revision as at top
-- level: DO with COMMIT, CALL of a procedure that commits
CREATE PROCEDURE wk.fill_w() LANGUAGE plpgsql AS $$
BEGIN
	UPDATE wk.b SET w = 1 WHERE id <= 500;
	COMMIT;
	UPDATE wk.b SET w = 2 WHERE id > 500;
	COMMIT;
END
$$;
SELECT migrate.revision('b3', $$
VACUUM wk.b;
CALL wk.fill_w();
DO $d$ BEGIN UPDATE wk.b SET v = 0 WHERE id = 1; COMMIT; UPDATE wk.b SET v = 0 WHERE id = 2; END $d$;
$$, 'SELECT 1', '{b2}', project => 'wk_batch');
CALL migrate.apply('heads', 'wk_batch');
SELECT w, count(*) FROM wk.b GROUP BY w ORDER BY w;
SELECT id, v FROM wk.b WHERE id <= 2 ORDER BY id;

-- bad input: the directive before anything but INSERT, UPDATE or DELETE,
-- or after the last statement (42601, with the line); settings out of range
SELECT migrate.revision('bad1', $$
CREATE TABLE wk.x (id integer);

-- migrate:batch
CREATE TABLE wk.y (id integer);
$$, project => 'wk_batch_bad');
\echo :SQLSTATE
SELECT migrate.revision('bad2', $$
DELETE FROM wk.b WHERE false;
-- migrate:batch
$$, project => 'wk_batch_bad');
\echo :SQLSTATE
SELECT migrate.revision('bad3', $$
--  migrate:batch is only a comment when it is not the exact line
UPDATE wk.b SET v = v WHERE false;
$$, project => 'wk_batch_bad');
-- the line must be alone: after a statement on the same line it is a
-- comment; before an empty statement it batches nothing (42601)
SELECT migrate.revision('bad4', $$
SELECT 1; -- migrate:batch
UPDATE wk.b SET v = v WHERE false;
$$, parents => '{bad3}', project => 'wk_batch_bad');
SELECT migrate.revision('bad5', $$
UPDATE wk.b SET v = v WHERE false;
-- migrate:batch
;
UPDATE wk.b SET v = v WHERE false;
$$, project => 'wk_batch_bad');
\echo :SQLSTATE
SELECT revision, execution FROM migrate.plan('heads', 'wk_batch_bad');
SET pg_migrate.batch_pause = -1;
\echo :SQLSTATE
SET pg_migrate.batch_pause = '2h';
\echo :SQLSTATE
SET pg_migrate.batch_max = 0;
\echo :SQLSTATE
SELECT pg_temp.workers();

--
-- 6. A revision whose worker waits for a lock its own deploy holds (the
-- deploying session keeps pg_migrate's tables open): the wait-cycle check
-- stops it (40P01) instead of waiting forever.
--
SELECT migrate.revision('self', 'VACUUM FULL migrate.revisions', 'SELECT 1', project => 'wk_self');
\set VERBOSITY terse
CALL migrate.apply('heads', 'wk_self');
\echo :SQLSTATE
\set VERBOSITY default
SELECT revision, state FROM migrate.status('wk_self');
SELECT pg_temp.workers();

--
-- 7. Lock timeouts.  Every statement of a migration runs with lock_timeout
-- = pg_migrate.ddl_lock_timeout (default 500 ms) on both paths, unless the
-- script sets its own; out-of-range settings are refused (22023).  What
-- happens when a statement times out (the revision tried again, the tries
-- recorded, the blocker named) is in test/t/018_lock_retries.pl.
--
CREATE TABLE wk.lt (path text, setting text);
SELECT migrate.revision('l1', $$INSERT INTO wk.lt VALUES ('atomic', current_setting('lock_timeout'))$$,
                        project => 'wk_lt');
SELECT migrate.revision('l2', $$VACUUM wk.lt; INSERT INTO wk.lt VALUES ('worker', current_setting('lock_timeout'))$$,
                        parents => '{l1}', project => 'wk_lt');
SELECT migrate.revision('l3', $$SET lock_timeout = '3s'; INSERT INTO wk.lt VALUES ('atomic, own', current_setting('lock_timeout'))$$,
                        parents => '{l2}', project => 'wk_lt');
SELECT migrate.revision('l4', $$VACUUM wk.lt; SET lock_timeout = '3s'; INSERT INTO wk.lt VALUES ('worker, own', current_setting('lock_timeout'))$$,
                        parents => '{l3}', project => 'wk_lt');
SET lock_timeout = '1min';
SELECT step, revision FROM migrate.upgrade('l1', 'wk_lt');
CALL migrate.apply('l2', 'wk_lt');
SELECT step, revision FROM migrate.upgrade('l3', 'wk_lt');
CALL migrate.apply('l4', 'wk_lt');
SELECT current_setting('lock_timeout') AS callers_own;
RESET lock_timeout;
SELECT path, setting FROM wk.lt ORDER BY path;
SHOW pg_migrate.ddl_lock_timeout;
SHOW pg_migrate.ddl_lock_retries;
SET pg_migrate.ddl_lock_timeout = -1;
\echo :SQLSTATE
SET pg_migrate.ddl_lock_retries = -1;
\echo :SQLSTATE
SET pg_migrate.ddl_lock_retries = 1001;
\echo :SQLSTATE
