--
-- errors: what happens when a migration fails, when the atomic path meets
-- a statement that cannot run in a transaction, when a downgrade meets an
-- irreversible revision, and what the audit trail records (docs/design.md section 4,
-- docs/revision-graph.md sections 6 and 7: an error never changes anything).
--
\i sql/include/helpers.sql
CREATE SCHEMA err;

--
-- 1. A failing statement in the 2nd of 3 revisions: the original SQLSTATE
-- (42P01) with a context line naming revision, project and statement; no
-- revision of the command stays applied, no table it created survives.
-- Only the failure row, written by a background worker, stays.
--
SELECT migrate.revision('f1', 'CREATE TABLE err.f1 (id integer)', 'DROP TABLE err.f1',
                        project => 'err_fail');
SELECT migrate.revision('f2', 'CREATE TABLE err.f2 (id integer); INSERT INTO err.nosuch VALUES (1); CREATE TABLE err.f2b (id integer)',
                        'DROP TABLE err.f2b; DROP TABLE err.f2', parents => '{f1}', project => 'err_fail');
SELECT migrate.revision('f3', 'CREATE TABLE err.f3 (id integer)', 'DROP TABLE err.f3',
                        parents => '{f2}', project => 'err_fail');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_fail');
\echo :SQLSTATE
SELECT * FROM migrate.current('err_fail');
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'err_fail';
SELECT revision, outcome, sqlstate, statement FROM migrate.events WHERE project = 'err_fail';
SELECT to_regclass('err.f1') AS f1, to_regclass('err.f2') AS f2, to_regclass('err.f3') AS f3;
SELECT revision, state FROM migrate.status('err_fail');

--
-- 2. A unique violation caused by data, in the 2nd of 3 pending revisions
-- on top of an applied one: 23505 with its detail; the version set stays
-- {d1} and the row the 1st pending revision inserted is gone.
--
SELECT migrate.revision('d1', 'CREATE TABLE err.d (id integer PRIMARY KEY); INSERT INTO err.d VALUES (1)',
                        'DROP TABLE err.d', project => 'err_data');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_data');
SELECT migrate.revision('d2', 'INSERT INTO err.d VALUES (2)', 'DELETE FROM err.d WHERE id = 2',
                        parents => '{d1}', project => 'err_data');
SELECT migrate.revision('d3', 'UPDATE err.d SET id = id + 10; INSERT INTO err.d VALUES (12)',
                        'DELETE FROM err.d WHERE id = 12; UPDATE err.d SET id = id - 10', parents => '{d2}', project => 'err_data');
SELECT migrate.revision('d4', 'INSERT INTO err.d VALUES (4)', 'DELETE FROM err.d WHERE id = 4',
                        parents => '{d3}', project => 'err_data');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_data');
\echo :SQLSTATE
SELECT * FROM migrate.current('err_data');
SELECT id FROM err.d ORDER BY id;
SELECT revision, direction, outcome FROM migrate.events WHERE project = 'err_data' ORDER BY event_id;
-- d3 was never applied, so it may be fixed and the upgrade retried.
SELECT migrate.revision('d3', 'UPDATE err.d SET id = id + 10; INSERT INTO err.d VALUES (3)',
                        'DELETE FROM err.d WHERE id = 3; UPDATE err.d SET id = id - 10', parents => '{d2}', project => 'err_data');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_data');
SELECT id FROM err.d ORDER BY id;
SELECT * FROM migrate.current('err_data');

-- A failing down script is reported the same way and reverts nothing.
SELECT migrate.revision('d5', 'CREATE TABLE err.d5 (id integer)', 'DROP TABLE err.d5; DROP TABLE err.d5_missing',
                        parents => '{d4}', project => 'err_data');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_data');
SELECT step, revision, direction FROM migrate.downgrade('d3', 'err_data');
\echo :SQLSTATE
SELECT * FROM migrate.current('err_data');
SELECT to_regclass('err.d5') AS d5;
SELECT id FROM err.d ORDER BY id;

--
-- 3. Statements PostgreSQL refuses inside a transaction are found at
-- registration (class nontransactional, shown by plan), and the atomic
-- path refuses such a revision with 25001 before running anything.
--
SELECT migrate.revision('n1', 'CREATE TABLE err.n (id integer)', 'DROP TABLE err.n', project => 'err_nontx');
SELECT migrate.revision('n2', 'CREATE INDEX CONCURRENTLY n_id_idx ON err.n (id)',
                        'DROP INDEX CONCURRENTLY err.n_id_idx', parents => '{n1}', project => 'err_nontx');
SELECT migrate.revision('n3', 'INSERT INTO err.n VALUES (1); VACUUM err.n', 'DELETE FROM err.n',
                        parents => '{n2}', project => 'err_nontx');
SELECT id, up_class, down_class, up_statements, down_statements
  FROM migrate.revisions WHERE project = 'err_nontx' ORDER BY seq;
SELECT step, revision, direction, execution, statements FROM migrate.plan('heads', 'err_nontx');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_nontx');
\echo :SQLSTATE
-- Nothing ran, not even n1 which comes first.
SELECT to_regclass('err.n') AS n;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'err_nontx';
SELECT count(*) AS events FROM migrate.events WHERE project = 'err_nontx';
-- A target that needs only transactional revisions is fine.
SELECT step, revision, direction FROM migrate.upgrade('n1', 'err_nontx');
SELECT step, revision, direction FROM migrate.upgrade('n3', 'err_nontx');
\echo :SQLSTATE
SELECT * FROM migrate.current('err_nontx');
SELECT step, revision, direction, execution, statements FROM migrate.plan('base', 'err_nontx');

--
-- 4. Downgrading through an irreversible revision (down NULL) is refused
-- with 55000 naming it, and reverts nothing.
--
SELECT migrate.revision('i1', 'CREATE TABLE err.i1 (id integer)', 'DROP TABLE err.i1', project => 'err_irrev');
SELECT migrate.revision('i2', 'ALTER TABLE err.i1 DROP COLUMN id', NULL, parents => '{i1}', project => 'err_irrev');
SELECT migrate.revision('i3', 'CREATE TABLE err.i3 (id integer)', 'DROP TABLE err.i3', parents => '{i2}', project => 'err_irrev');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_irrev');
SELECT step, revision, direction FROM migrate.downgrade('base', 'err_irrev');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('i1', 'err_irrev');
\echo :SQLSTATE
SELECT * FROM migrate.current('err_irrev');
SELECT to_regclass('err.i3') AS i3;
-- Reverting the revisions above it is fine.
SELECT step, revision, direction FROM migrate.downgrade('i2', 'err_irrev');
SELECT * FROM migrate.current('err_irrev');
SELECT to_regclass('err.i3') AS i3;

--
-- 5. The atomic path inside BEGIN ... ROLLBACK leaves no trace: no tables,
-- no revisions, no applied rows, no events, no lock.
--
SELECT migrate.revision('t1', 'CREATE TABLE err.t1 (id integer)', 'DROP TABLE err.t1', project => 'err_txn');
BEGIN;
SELECT migrate.revision('t2', 'CREATE TABLE err.t2 (id integer)', 'DROP TABLE err.t2',
                        parents => '{t1}', project => 'err_txn');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_txn');
SELECT to_regclass('err.t1') AS t1, to_regclass('err.t2') AS t2;
SELECT * FROM migrate.current('err_txn');
ROLLBACK;
SELECT to_regclass('err.t1') AS t1, to_regclass('err.t2') AS t2;
SELECT id FROM migrate.revisions WHERE project = 'err_txn';
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'err_txn';
SELECT count(*) AS events FROM migrate.events WHERE project = 'err_txn';
SELECT * FROM migrate.current('err_txn');
SELECT locktype, mode FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype NOT IN ('relation', 'virtualxid');
-- The same after an error inside the transaction.
BEGIN;
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_txn');
SELECT 1 / 0;
ROLLBACK;
SELECT to_regclass('err.t1') AS t1;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'err_txn';
SELECT count(*) AS events FROM migrate.events WHERE project = 'err_txn';
-- And after a rollback to a savepoint.
BEGIN;
SAVEPOINT before_upgrade;
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_txn');
ROLLBACK TO SAVEPOINT before_upgrade;
SELECT * FROM migrate.current('err_txn');
SELECT step, revision, direction FROM migrate.plan('heads', 'err_txn');
COMMIT;
SELECT to_regclass('err.t1') AS t1;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'err_txn';

--
-- 6. The audit trail: one event per revision applied, reverted, stamped or
-- unstamped, in order, with who did it.
--
SELECT migrate.revision('v1', 'CREATE TABLE err.v1 (id integer)', 'DROP TABLE err.v1', project => 'err_events');
SELECT migrate.revision('v2', 'CREATE TABLE err.v2 (id integer)', 'DROP TABLE err.v2', parents => '{v1}', project => 'err_events');
SELECT migrate.revision('v3', 'CREATE TABLE err.v3 (id integer)', 'DROP TABLE err.v3', parents => '{v2}', project => 'err_events');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_events');
SELECT step, revision, direction FROM migrate.downgrade('v1', 'err_events');
SELECT step, revision, direction FROM migrate.stamp('heads', 'err_events');
SELECT step, revision, direction FROM migrate.stamp('base', 'err_events');
-- A failed command leaves only its failure row, written and committed by a
-- background worker (no transaction id: its caller's rolled back).
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_events');
\echo :SQLSTATE
SELECT revision, direction, outcome, sqlstate, error_message,
       current_user_name = current_user AS by_current_user,
       session_user_name = session_user AS by_session_user,
       backend_pid = pg_backend_pid() AS this_backend,
       application_name = current_setting('application_name') AS application_name_ok,
       transaction_id IS NOT NULL AS has_xid,
       duration >= '0'::interval AS duration_ok,
       started_at <= now() AS started_ok
  FROM migrate.events WHERE project = 'err_events' ORDER BY event_id;
-- Events in one command share a transaction; separate commands do not.
SELECT count(DISTINCT transaction_id) AS transactions FROM migrate.events WHERE project = 'err_events';
-- Done by the deploy role, the event says so.
SET ROLE regress_deployer;
SELECT migrate.revision('w1', 'SELECT 1', 'SELECT 1', project => 'err_events_role');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_events_role');
SELECT revision, direction, outcome, current_user_name, session_user_name = session_user AS by_session_user
  FROM migrate.events WHERE project = 'err_events_role' ORDER BY event_id;
RESET ROLE;

--
-- A migration cannot call state-changing pg_migrate functions: the outer
-- command holds the project's mutex and its plan (a nested downgrade would
-- leave a version set with holes; in a background worker it would wait
-- for the caller forever).  The whole command fails and nothing changes.
--
SELECT migrate.revision('a', 'SELECT 1', 'SELECT 1', project => 'err_nest');
SELECT migrate.revision('b', 'SELECT 1', 'SELECT 1', parents => ARRAY['a'], project => 'err_nest');
SELECT migrate.revision('c', $$SELECT migrate.downgrade('a', 'err_nest')$$, 'SELECT 1',
                        parents => ARRAY['b'], project => 'err_nest');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_nest');
\echo :SQLSTATE
SELECT * FROM migrate.current('err_nest');
SELECT migrate.revision('n1', $$VACUUM; SELECT migrate.revision('zz', 'SELECT 1', project => 'err_nest2')$$,
                        project => 'err_nest2');
SET client_min_messages = warning;
CALL migrate.apply('heads', 'err_nest2');
\echo :SQLSTATE
RESET client_min_messages;
SELECT * FROM migrate.current('err_nest2');
SELECT count(*) AS zz_registered FROM migrate.revisions WHERE project = 'err_nest2' AND id = 'zz';
-- reading is fine from a migration
SELECT migrate.revision('r1', $$CREATE TABLE err_nest_heads AS SELECT * FROM migrate.heads('err_nest')$$,
                        'DROP TABLE err_nest_heads', project => 'err_nest3');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'err_nest3');
SELECT * FROM err_nest_heads;
