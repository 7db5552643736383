--
-- nontransactional: revisions whose scripts contain statements that
-- PostgreSQL refuses inside a transaction block or function (CREATE INDEX
-- CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY, VACUUM;
-- docs/design.md section 4, docs/postgres-facts.md).
--
-- plan() shows such a revision's execution as 'nontransactional'.  The
-- atomic path (SELECT migrate.upgrade/downgrade) refuses it up front with
-- 25001 and runs nothing.  CALL migrate.apply() runs it in a background
-- worker: each statement at top level in a transaction of its own, as the
-- caller's current role, with the caller's search_path.  A failure at
-- statement k keeps statements 1..k-1, leaves the revision unapplied,
-- commits a 'failure' event with the statement number and raises the
-- error with a context line that says so.  Every scenario uses its own
-- project (ntx_*); objects live in schemas ntx and ntx_dep.
--
-- The concurrency side (the deadlock breaker for snapshot-holding waiters,
-- waiters in apply(), a terminated caller, a crash) is in
-- test/t/006_nontransactional.pl.
--
-- apply() prints a NOTICE per revision with its duration: NOTICEs are
-- silenced for the whole file (apply.sql checks their text).
--
\i sql/include/helpers.sql
SET client_min_messages = warning;

CREATE SCHEMA ntx;
CREATE TABLE ntx.items (id integer, code integer);
INSERT INTO ntx.items SELECT g, g % 10 FROM generate_series(1, 1000) AS g;
-- what a statement of a worker saw: one row per INSERT INTO ntx.log
CREATE FUNCTION ntx.backend_type() RETURNS text LANGUAGE sql AS $$
	SELECT backend_type FROM pg_stat_activity WHERE pid = pg_backend_pid()
$$;
CREATE TABLE ntx.log (
	revision text,
	statement integer,
	role name DEFAULT current_user,
	session_role name DEFAULT session_user,
	search_path text DEFAULT current_setting('search_path'),
	application_name text DEFAULT current_setting('application_name'),
	backend_type text DEFAULT ntx.backend_type(),
	pid integer DEFAULT pg_backend_pid(),
	xid xid8 DEFAULT pg_current_xact_id()
);
-- workers still around (there must never be one after a call returns)
CREATE FUNCTION pg_temp.workers() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_migrate worker'
$$;

--
-- 1. Classification and the atomic path.  ntx_main: m1 (transactional)
-- -> m2 (five statements: build an index concurrently, VACUUM, log, rebuild
-- it with REINDEX CONCURRENTLY, log; names unqualified, found through the
-- search_path) -> m3 (transactional).  plan() shows m2 nontransactional,
-- for its up script and for its down script (DROP INDEX CONCURRENTLY).
--
SELECT migrate.revision('m1', 'CREATE TABLE ntx.m1 (id integer)', 'DROP TABLE ntx.m1',
                        project => 'ntx_main');
SELECT migrate.revision('m2', $$
CREATE INDEX CONCURRENTLY items_code_idx ON items (code);
VACUUM (ANALYZE) items;
INSERT INTO log (revision, statement) VALUES ('m2', 3);
REINDEX INDEX CONCURRENTLY items_code_idx;
INSERT INTO log (revision, statement) VALUES ('m2', 5);
$$, 'DROP INDEX CONCURRENTLY ntx.items_code_idx', '{m1}', project => 'ntx_main');
SELECT migrate.revision('m3', 'CREATE TABLE ntx.m3 (id integer)', 'DROP TABLE ntx.m3',
                        '{m2}', project => 'ntx_main');
SELECT step, revision, direction, execution, statements FROM migrate.plan('heads', 'ntx_main');

-- upgrade('heads') and upgrade('m3') refuse with 25001 and a hint to use
-- apply(); upgrade('m2') too.  Nothing ran, not even m1 which comes first.
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ntx_main');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('m3', 'ntx_main');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('m2', 'ntx_main');
\echo :SQLSTATE
SELECT to_regclass('ntx.m1') AS m1, to_regclass('ntx.items_code_idx') AS idx;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'ntx_main';
SELECT count(*) AS events FROM migrate.events WHERE project = 'ntx_main';

--
-- 2. apply() runs m2 in a background worker.  The caller's search_path
-- (ntx, public) resolves the unqualified names.  Afterwards: m1 m2 m3
-- applied with one successful 'up' event each, written by this session;
-- the index is valid and ready; VACUUM ran (one manual vacuum of
-- ntx.items); the log rows of statements 3 and 5 were written by another
-- process, a 'pg_migrate worker' named after the revision, as this
-- session's user and role, in two different transactions, neither of
-- them the one of m2's event.  No worker is left and nobody holds the
-- mutex.
--
SET search_path = ntx, public;
CALL migrate.apply('heads', 'ntx_main');
\echo :SQLSTATE
RESET search_path;
SELECT * FROM migrate.current('ntx_main');
SELECT revision, direction, outcome, sqlstate, error_message, statement,
       backend_pid = pg_backend_pid() AS this_backend
  FROM migrate.events WHERE project = 'ntx_main' ORDER BY event_id;
SELECT to_regclass('ntx.m1') AS m1, to_regclass('ntx.m3') AS m3;
SELECT i.indexrelid::regclass AS index, i.indisvalid, i.indisready
  FROM pg_index i WHERE i.indrelid = 'ntx.items'::regclass ORDER BY i.indexrelid::regclass::text;
SELECT vacuum_count AS manual_vacuums FROM pg_stat_user_tables
 WHERE relid = 'ntx.items'::regclass;
SELECT statement, role = current_user AS caller_role,
       session_role = session_user AS caller_user, search_path,
       application_name, backend_type, pid <> pg_backend_pid() AS other_process
  FROM ntx.log WHERE revision = 'm2' ORDER BY statement;
SELECT count(DISTINCT l.xid) AS transactions,
       bool_and(l.xid <> e.transaction_id) AS not_the_event_transaction
  FROM ntx.log l, migrate.events e
 WHERE l.revision = 'm2' AND e.project = 'ntx_main' AND e.revision = 'm2';
SELECT pg_temp.workers() AS workers;
SELECT count(*) AS mutex_holders FROM pg_locks
 WHERE locktype = 'object' AND classid = 'migrate.projects'::regclass;
-- nothing left to do, on either path
CALL migrate.apply('heads', 'ntx_main');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ntx_main');
SELECT count(*) AS events FROM migrate.events WHERE project = 'ntx_main';

--
-- 3. Downgrades.  downgrade() refuses to revert m2, whose down script is
-- nontransactional (25001), and reverts nothing, not even m3 above it.
-- Reverting m3 alone is fine, and apply() re-applies it.  (The refusal is
-- shown without its hint: see the report.)  apply('m1') reverts m3 and
-- then m2 (DROP INDEX CONCURRENTLY, in a worker); apply('heads') brings
-- them back: the round trip of a CI job.
--
SELECT step, revision, direction, execution FROM migrate.plan('m1', 'ntx_main');
\set VERBOSITY terse
SELECT step, revision, direction FROM migrate.downgrade('m1', 'ntx_main');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('base', 'ntx_main');
\echo :SQLSTATE
\set VERBOSITY default
SELECT * FROM migrate.current('ntx_main');
SELECT to_regclass('ntx.m3') AS m3, to_regclass('ntx.items_code_idx') AS idx;
SELECT step, revision, direction FROM migrate.downgrade('m2', 'ntx_main');
CALL migrate.apply('heads', 'ntx_main');
\echo :SQLSTATE
SELECT * FROM migrate.current('ntx_main');
SELECT revision, direction, outcome FROM migrate.events
 WHERE project = 'ntx_main' ORDER BY event_id;
CALL migrate.apply('m1', 'ntx_main');
SELECT * FROM migrate.current('ntx_main');
SELECT to_regclass('ntx.m3') AS m3, to_regclass('ntx.items_code_idx') AS idx;
SET search_path = ntx, public;
CALL migrate.apply('heads', 'ntx_main');
RESET search_path;
SELECT * FROM migrate.current('ntx_main');
SELECT indisvalid FROM pg_index WHERE indexrelid = 'ntx.items_code_idx'::regclass;
SELECT revision, direction, outcome FROM migrate.events
 WHERE project = 'ntx_main' ORDER BY event_id DESC LIMIT 4;
SELECT pg_temp.workers();

--
-- 4. A failure at statement k keeps statements 1..k-1.  ntx_fail f1:
-- statement 1 builds an index, statement 2 a unique index on a column
-- with a duplicate (23505, DETAIL naming the key), statement 3 never runs.
-- The error comes back with its SQLSTATE, DETAIL and the context line
-- naming revision, project and statement 2.  The index of statement 1
-- exists and is valid; the failed build left its unique index INVALID;
-- f1 is not applied (f2 after it never ran); a 'failure' event with
-- 23505, the message and statement 2 is committed; no worker is left.
--
CREATE TABLE ntx.dup (v integer);
INSERT INTO ntx.dup VALUES (1), (2), (2), (3);
SELECT migrate.revision('f1', $$
CREATE INDEX CONCURRENTLY dup_v_idx ON ntx.dup (v);
CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON ntx.dup (v);
INSERT INTO ntx.log (revision, statement) VALUES ('f1', 3);
$$, 'SELECT 1', project => 'ntx_fail');
SELECT migrate.revision('f2', 'CREATE TABLE ntx.f2 (id integer)', 'DROP TABLE ntx.f2',
                        '{f1}', project => 'ntx_fail');
CALL migrate.apply('heads', 'ntx_fail');
\echo :SQLSTATE
SELECT i.indexrelid::regclass AS index, i.indisvalid
  FROM pg_index i WHERE i.indrelid = 'ntx.dup'::regclass ORDER BY i.indexrelid::regclass::text;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'ntx_fail';
SELECT revision, state FROM migrate.status('ntx_fail');
SELECT to_regclass('ntx.f2') AS f2,
       (SELECT count(*) FROM ntx.log WHERE revision = 'f1') AS statement_3_ran;
SELECT revision, direction, outcome, sqlstate, error_message, statement
  FROM migrate.events WHERE project = 'ntx_fail' ORDER BY event_id;
SELECT pg_temp.workers() AS workers;

-- The same script again: what the failed run left is reconciled first
-- (worker.sql has the details): the valid index of statement 1 is the
-- one the statement creates, so it is accepted and the statement skipped;
-- the INVALID unique index is dropped and built again, and fails again on
-- the same duplicate (23505).  Each step is a 'reconcile' event.
CALL migrate.apply('heads', 'ntx_fail');
\echo :SQLSTATE
SELECT revision, direction, outcome, sqlstate, statement, note
  FROM migrate.events WHERE project = 'ntx_fail' ORDER BY event_id;

-- f1 was never applied, so it may be fixed: remove the duplicate, build
-- again.  apply() completes f1 and f2.
SELECT migrate.revision('f1', $$
CREATE INDEX CONCURRENTLY IF NOT EXISTS dup_v_idx ON ntx.dup (v);
DROP INDEX CONCURRENTLY IF EXISTS ntx.dup_v_key;
DELETE FROM ntx.dup a USING ntx.dup b WHERE a.v = b.v AND a.ctid > b.ctid;
CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON ntx.dup (v);
INSERT INTO ntx.log (revision, statement) VALUES ('f1', 5);
$$, 'SELECT 1', project => 'ntx_fail');
CALL migrate.apply('heads', 'ntx_fail');
\echo :SQLSTATE
SELECT * FROM migrate.current('ntx_fail');
SELECT i.indexrelid::regclass AS index, i.indisvalid, i.indisunique
  FROM pg_index i WHERE i.indrelid = 'ntx.dup'::regclass ORDER BY i.indexrelid::regclass::text;
SELECT v FROM ntx.dup ORDER BY v;
SELECT revision, outcome, sqlstate, statement
  FROM migrate.events WHERE project = 'ntx_fail' ORDER BY event_id;
SELECT pg_temp.workers() AS workers;

--
-- 5. The worker runs as the caller's current role.  regress_deployer owns
-- schema ntx_dep and its table t.  After SET ROLE regress_deployer, g1
-- creates a table and indexes it and t concurrently: the new table and
-- both indexes belong to regress_deployer, and the log row shows the role
-- (the session user stays this session's).  g2 builds an index on
-- ntx.items, which regress_deployer does not own: 42501 from the worker,
-- at statement 2 (statement 1 stays done), with a failure event naming
-- the role.  The superuser then applies g2.
--
CREATE SCHEMA ntx_dep AUTHORIZATION regress_deployer;
CREATE TABLE ntx_dep.t (id integer);
ALTER TABLE ntx_dep.t OWNER TO regress_deployer;
GRANT USAGE ON SCHEMA ntx TO regress_deployer;
GRANT INSERT ON ntx.log TO regress_deployer;
SELECT migrate.revision('g1', $$
CREATE TABLE ntx_dep.t2 (id integer);
CREATE INDEX CONCURRENTLY t2_id_idx ON ntx_dep.t2 (id);
CREATE INDEX CONCURRENTLY t_id_idx ON ntx_dep.t (id);
INSERT INTO ntx.log (revision, statement) VALUES ('g1', 4);
$$, 'SELECT 1', project => 'ntx_roles');
SELECT migrate.revision('g2', $$
INSERT INTO ntx.log (revision, statement) VALUES ('g2', 1);
CREATE INDEX CONCURRENTLY items_id_idx ON ntx.items (id);
$$, 'SELECT 1', '{g1}', project => 'ntx_roles');
SET ROLE regress_deployer;
CALL migrate.apply('g1', 'ntx_roles');
\echo :SQLSTATE
CALL migrate.apply('heads', 'ntx_roles');
\echo :SQLSTATE
RESET ROLE;
SELECT c.oid::regclass AS relation, c.relkind, c.relowner::regrole AS owner
  FROM pg_class c WHERE c.relnamespace = 'ntx_dep'::regnamespace ORDER BY c.oid::regclass::text;
SELECT revision, statement, role, session_role = session_user AS caller_user
  FROM ntx.log WHERE revision IN ('g1', 'g2') ORDER BY revision, statement;
SELECT to_regclass('ntx.items_id_idx') AS items_id_idx;
SELECT revision, outcome, sqlstate, error_message, statement, current_user_name
  FROM migrate.events WHERE project = 'ntx_roles' ORDER BY event_id;
CALL migrate.apply('heads', 'ntx_roles');
\echo :SQLSTATE
SELECT * FROM migrate.current('ntx_roles');
SELECT c.relowner::regrole = session_user::regrole AS owned_by_session_user, i.indisvalid
  FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
 WHERE c.oid = 'ntx.items_id_idx'::regclass;

--
-- 6. apply() called from a DO block or a procedure (outside a transaction
-- block) runs nontransactional revisions too: the caller's snapshots are
-- released before the worker starts.  Inside a transaction block apply()
-- refuses as always (25001), before starting any worker.
--
SELECT migrate.revision('d1', 'CREATE INDEX CONCURRENTLY dup_v_idx2 ON ntx.dup (v)',
                        'DROP INDEX CONCURRENTLY ntx.dup_v_idx2', project => 'ntx_nested');
SELECT migrate.revision('d2', 'VACUUM ntx.dup', 'SELECT 1', '{d1}', project => 'ntx_nested');
BEGIN;
CALL migrate.apply('heads', 'ntx_nested');
\echo :SQLSTATE
ROLLBACK;
SELECT count(*) AS events FROM migrate.events WHERE project = 'ntx_nested';
DO $$ BEGIN CALL migrate.apply('d1', 'ntx_nested'); END $$;
\echo :SQLSTATE
CREATE PROCEDURE pg_temp.deploy() LANGUAGE plpgsql AS $$
BEGIN
	CALL migrate.apply('heads', 'ntx_nested');
END
$$;
CALL pg_temp.deploy();
\echo :SQLSTATE
SELECT * FROM migrate.current('ntx_nested');
SELECT revision, outcome FROM migrate.events WHERE project = 'ntx_nested' ORDER BY event_id;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'ntx.dup_v_idx2'::regclass;
SELECT pg_temp.workers() AS workers;

RESET client_min_messages;

--
-- apply() owns its transactions and runs them at READ COMMITTED whatever
-- the session's default: at REPEATABLE READ a nontransactional revision
-- still runs (its worker needs the caller to hold no snapshot).
--
SET default_transaction_isolation = 'repeatable read';
SELECT migrate.revision('rr1', 'CREATE TABLE ntx.rr (x integer)', 'DROP TABLE ntx.rr', project => 'ntx_rr');
SELECT migrate.revision('rr2', 'CREATE INDEX CONCURRENTLY rr_x ON ntx.rr (x)', 'DROP INDEX ntx.rr_x',
                        parents => '{rr1}', project => 'ntx_rr');
SET client_min_messages = warning;
CALL migrate.apply('heads', 'ntx_rr');
\echo :SQLSTATE
RESET client_min_messages;
RESET default_transaction_isolation;
SELECT * FROM migrate.current('ntx_rr');
SELECT i.indexrelid::regclass AS index, i.indisvalid
  FROM pg_index i WHERE i.indrelid = 'ntx.rr'::regclass;

--
-- REINDEX SCHEMA is refused inside a transaction block too: registered as
-- nontransactional.
--
SELECT migrate.revision('rs1', 'REINDEX SCHEMA ntx', 'SELECT 1', project => 'ntx_reindex');
SELECT revision, execution FROM migrate.plan('heads', 'ntx_reindex');

--
-- The worker gets the caller's search_path, however long (worker.sql
-- compares every setting on both paths).
--
SELECT migrate.revision('sp1', 'VACUUM ntx.rr', 'SELECT 1', project => 'ntx_sp');
SELECT set_config('search_path', 'ntx, ' || repeat('x', 1100), false) IS NOT NULL AS set;
SET client_min_messages = warning;
CALL migrate.apply('heads', 'ntx_sp');
\echo :SQLSTATE
RESET search_path;
SELECT * FROM migrate.current('ntx_sp');

--
-- A worker that is terminated before it finishes: 57P01, the revision is
-- not applied, the failure is recorded with the statement it was at.
--
SELECT migrate.revision('kt1', $$VACUUM ntx.rr; SELECT pg_terminate_backend(pg_backend_pid())$$,
                        'SELECT 1', project => 'ntx_kill');
SET client_min_messages = warning;
CALL migrate.apply('heads', 'ntx_kill');
\echo :SQLSTATE
RESET client_min_messages;
SELECT * FROM migrate.current('ntx_kill');
SELECT revision, outcome, sqlstate, statement FROM migrate.events WHERE project = 'ntx_kill' ORDER BY event_id;

--
-- DROP INDEX CONCURRENTLY, run by the worker, on a table a view reads,
-- with the drift check on: the check's snapshot (pg_get_viewdef() locks
-- the view's tables) keeps no lock, so the drop does not wait for its own
-- deploy (it used to fail with 40P01).
--
CREATE SCHEMA ntx_dv;
SELECT migrate.revision('dv1', 'CREATE TABLE ntx_dv.t (id bigint PRIMARY KEY, v int); CREATE VIEW ntx_dv.tv AS SELECT id, v FROM ntx_dv.t',
                        'DROP VIEW ntx_dv.tv; DROP TABLE ntx_dv.t', project => 'ntx_dv');
SELECT migrate.revision('dv2', 'CREATE INDEX CONCURRENTLY t_v ON ntx_dv.t (v)', 'DROP INDEX CONCURRENTLY ntx_dv.t_v',
                        parents => '{dv1}', project => 'ntx_dv');
SELECT migrate.set_scope('ntx_dv', '{ntx_dv}');
SET pg_migrate.on_drift = error;
SET client_min_messages = warning;
CALL migrate.apply('heads', 'ntx_dv');
\echo :SQLSTATE
CALL migrate.apply('dv1', 'ntx_dv');
\echo :SQLSTATE
RESET client_min_messages;
RESET pg_migrate.on_drift;
SELECT * FROM migrate.current('ntx_dv');
SELECT count(*) AS indexes FROM pg_indexes WHERE schemaname = 'ntx_dv' AND indexname = 't_v';
