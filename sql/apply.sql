--
-- apply: the per-revision path, CALL migrate.apply(target, project)
-- (docs/design.md section 4).  It applies what upgrade(target) would, in the same
-- order, but commits after each revision: a failure at revision k keeps
-- 1..k-1 applied, rolls back revision k, commits a 'failure' event for it
-- and raises the original error again.  Every scenario uses its own
-- project (ap_*).
--
-- apply() prints a NOTICE per revision that ends with the revision's
-- duration ('applied revision "r" (k of n) in 0.001 s'), which would make
-- this output nondeterministic.  So NOTICEs are silenced for the whole
-- file; section 3 checks their text once, from a second session whose
-- output has the duration masked.
--
\i sql/include/helpers.sql
SET client_min_messages = warning;

--
-- 1. Order of application: FORK from empty applies a b c2 d2 c1 d1, the
-- order of upgrade('heads') (see upgrade.sql) and of plan('heads').  The
-- events, numbered in insertion order, show the order; every revision ran
-- and committed in a transaction of its own (six transaction ids, where
-- SELECT migrate.upgrade() uses one for all six).
--
SELECT pgm_regress.fork('ap_fork');
CREATE TEMP TABLE ap_fork_plan AS
  SELECT step, revision FROM migrate.plan('heads', 'ap_fork');
CALL migrate.apply('heads', 'ap_fork');
\echo :SQLSTATE
SELECT row_number() OVER (ORDER BY event_id) AS n, revision, direction, outcome,
       sqlstate, error_message, statement
  FROM migrate.events WHERE project = 'ap_fork' ORDER BY event_id;
SELECT * FROM pgm_regress.state('ap_fork');
-- the same order as the plan made before
SELECT array_agg(revision ORDER BY step) AS planned,
       (SELECT array_agg(revision ORDER BY event_id) FROM migrate.events
         WHERE project = 'ap_fork') AS applied
  FROM ap_fork_plan;
-- one transaction per revision, each a different one from this session's
SELECT count(*) AS events, count(DISTINCT transaction_id) AS transactions,
       bool_and(backend_pid = pg_backend_pid()) AS this_backend
  FROM migrate.events WHERE project = 'ap_fork';
-- for contrast, the atomic path: one transaction for the whole command
SELECT pgm_regress.fork('ap_atomic');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ap_atomic');
SELECT count(*) AS events, count(DISTINCT transaction_id) AS transactions
  FROM migrate.events WHERE project = 'ap_atomic';

--
-- 2. Nothing to do is a successful no-op that writes nothing: the same
-- target again, the default target.  Afterwards upgrade('heads') finds
-- nothing either, and the project is up to date.
--
CALL migrate.apply('heads', 'ap_fork');
\echo :SQLSTATE
CALL migrate.apply(project => 'ap_fork');
SELECT count(*) AS events FROM migrate.events WHERE project = 'ap_fork';
SELECT * FROM pgm_regress.state('ap_fork');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ap_fork');
SELECT migrate.is_up_to_date('ap_fork');
-- apply() goes the way plan() shows: an applied revision below the heads
-- (c1) is a downgrade to it, each revision reverted in its own
-- transaction; 'heads' then applies them again.
SELECT step, revision, direction FROM migrate.plan('c1', 'ap_fork');
CALL migrate.apply('c1', 'ap_fork');
SELECT * FROM pgm_regress.state('ap_fork');
SELECT revision, direction, count(DISTINCT transaction_id) AS transactions
  FROM migrate.events WHERE project = 'ap_fork' AND direction = 'down'
  GROUP BY revision, direction ORDER BY min(event_id);
CALL migrate.apply('heads', 'ap_fork');
SELECT * FROM pgm_regress.state('ap_fork');
-- a project that does not exist is an error (42704), and is not created
CALL migrate.apply('heads', 'ap_nosuch');
\echo :SQLSTATE
SELECT count(*) AS projects FROM migrate.projects WHERE project = 'ap_nosuch';

--
-- 3. The NOTICE per revision, "applied revision "r" (k of n) in X s", seen
-- by a client.  The calls run in a second session (psql, with the
-- connection settings pg_regress exported) whose output has the duration
-- replaced by N.NNN.  k counts the revisions this call applied, n what it
-- had to apply.  A call with nothing to do prints nothing.  Seen from that
-- other session, the idle project has no holder, no waiters and no
-- progress rows afterwards.
--
\set other_session 'psql -X -q -At -d ' :'DBNAME'
SELECT migrate.revision('n1', 'SELECT 1', 'SELECT 1', project => 'ap_notice');
SELECT migrate.revision('n2', 'SELECT 2', 'SELECT 2', '{n1}', project => 'ap_notice');
SELECT migrate.revision('n3', 'SELECT 3', 'SELECT 3', '{n2}', project => 'ap_notice');
\set notices `:other_session -c "CALL migrate.apply('n1', 'ap_notice')" 2>&1 | sed -E 's/ in [0-9]+\.[0-9]{3} s$/ in N.NNN s/'`
\echo :notices
\set notices `:other_session -c "CALL migrate.apply('heads', 'ap_notice')" 2>&1 | sed -E 's/ in [0-9]+\.[0-9]{3} s$/ in N.NNN s/'`
\echo :notices
\set notices `:other_session -c "CALL migrate.apply('heads', 'ap_notice')" 2>&1`
\echo '[' :notices ']'
SELECT * FROM migrate.current('ap_notice');
\set seen `:other_session -c "SELECT migrate.status_json('ap_notice') -> 'lock', migrate.status_json('ap_notice') -> 'waiting', (SELECT count(*) FROM migrate.progress() WHERE project = 'ap_notice')"`
\echo :seen

--
-- 4. Relative targets are resolved once, against the state before the
-- first revision, with upgrade's rules: LIN '+1' from empty applies r1,
-- '+2' then applies r2 and r3, a further '+2' is out of range (22023) and
-- changes nothing, '-1' then reverts r3 as plan('-1') shows.
--
SELECT pgm_regress.lin('ap_rel');
CALL migrate.apply('+1', 'ap_rel');
SELECT * FROM pgm_regress.state('ap_rel');
CALL migrate.apply('+2', 'ap_rel');
SELECT * FROM pgm_regress.state('ap_rel');
SELECT revision FROM migrate.events WHERE project = 'ap_rel' ORDER BY event_id;
CALL migrate.apply('+2', 'ap_rel');
\echo :SQLSTATE
CALL migrate.apply('-1', 'ap_rel');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_rel');
CALL migrate.apply('r3+1', 'ap_rel');
SELECT * FROM pgm_regress.state('ap_rel');
-- Branch targets: FORK c1branch@head applies a b c1 d1 and leaves the
-- other branch alone; c2branch@+1 then applies c2 only; head with two
-- heads is refused (22023).
SELECT pgm_regress.fork('ap_label');
CALL migrate.apply('c1branch@head', 'ap_label');
SELECT * FROM pgm_regress.state('ap_label');
CALL migrate.apply('c2branch@+1', 'ap_label');
SELECT * FROM pgm_regress.state('ap_label');
CALL migrate.apply('head', 'ap_label');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_label');

--
-- 5. Bad targets and arguments change nothing: an unknown revision (42704,
-- with a "Perhaps you meant" hint when one is close), a range (22023),
-- NULL target or project (22004).
--
SELECT count(*) AS events_before FROM migrate.events WHERE project = 'ap_label';
CALL migrate.apply('nosuch', 'ap_label');
\echo :SQLSTATE
CALL migrate.apply('d', 'ap_label');
\echo :SQLSTATE
CALL migrate.apply('a:d2', 'ap_label');
\echo :SQLSTATE
CALL migrate.apply(NULL, 'ap_label');
\echo :SQLSTATE
CALL migrate.apply('heads', NULL);
\echo :SQLSTATE
CALL migrate.apply(NULL, NULL);
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_label');
SELECT count(*) AS events_after FROM migrate.events WHERE project = 'ap_label';

--
-- 6. A failure at revision k keeps 1..k-1.  LIN-like r1 r2 r3 r4 where the
-- 2nd statement of r3 divides by zero: apply('heads') from empty raises
-- the original error (22012) with the context line naming revision and
-- statement.  r1 and r2 stay applied with their tables; r3 is rolled back
-- (its table, created by its 1st statement, is gone) and r4 never ran.
-- r3 has a committed 'failure' event with SQLSTATE, message and statement
-- number, written in a transaction of its own.
--
SELECT pgm_regress.rev('ap_fail', 'r1');
SELECT pgm_regress.rev('ap_fail', 'r2', '{r1}');
SELECT migrate.revision(id => 'r3', parents => '{r2}', project => 'ap_fail',
                        up => 'CREATE TABLE ap_fail_r3 (x int); INSERT INTO ap_fail_r3 VALUES (1 / 0)',
                        down => 'DROP TABLE ap_fail_r3');
SELECT pgm_regress.rev('ap_fail', 'r4', '{r3}');
CALL migrate.apply('heads', 'ap_fail');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_fail');
SELECT revision, state FROM migrate.status('ap_fail');
SELECT revision, direction, outcome, sqlstate, error_message, statement
  FROM migrate.events WHERE project = 'ap_fail' ORDER BY event_id;
SELECT count(DISTINCT transaction_id) AS transactions,
       bool_and(duration >= '0') AS durations_ok,
       bool_and(backend_pid = pg_backend_pid()) AS this_backend
  FROM migrate.events WHERE project = 'ap_fail';
SELECT migrate.status_json('ap_fail') - 'lock' - 'waiting' - 'fingerprint' AS status,
       migrate.status_json('ap_fail') -> 'lock' AS lock,
       migrate.status_json('ap_fail') -> 'waiting' AS waiting;
SELECT count(*) AS progress_rows FROM migrate.progress() WHERE project = 'ap_fail';
-- The same failure again: another failure event, nothing else changes.
CALL migrate.apply('heads', 'ap_fail');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_fail');
SELECT count(*) FILTER (WHERE outcome = 'failure') AS failures,
       count(*) FILTER (WHERE outcome = 'success') AS successes
  FROM migrate.events WHERE project = 'ap_fail';
-- r3 was never applied, so it may be fixed; apply() resumes at r3.
SELECT migrate.revision(id => 'r3', parents => '{r2}', project => 'ap_fail',
                        up => 'CREATE TABLE ap_fail_r3 (x int); INSERT INTO ap_fail_r3 VALUES (1 / 1)',
                        down => 'DROP TABLE ap_fail_r3');
CALL migrate.apply('heads', 'ap_fail');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_fail');
SELECT revision, outcome, sqlstate, statement
  FROM migrate.events WHERE project = 'ap_fail' ORDER BY event_id;
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ap_fail');

-- A failure at the first revision keeps nothing and records statement 1
-- with its own SQLSTATE (42P01).
SELECT migrate.revision('f1', 'INSERT INTO ap_first_nosuch VALUES (1)', 'SELECT 1',
                        project => 'ap_first');
SELECT pgm_regress.rev('ap_first', 'f2', '{f1}');
CALL migrate.apply('heads', 'ap_first');
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_first');
SELECT revision, direction, outcome, sqlstate, error_message, statement
  FROM migrate.events WHERE project = 'ap_first' ORDER BY event_id;

--
-- 7. apply() commits, so it refuses to run inside a transaction block
-- (25001, with a hint to call it on its own or use upgrade()), also from a
-- DO block inside one; nothing changes and the transaction is aborted as
-- usual.  A DO block outside a transaction block may call it.
--
SELECT pgm_regress.lin('ap_tx');
BEGIN;
CALL migrate.apply('heads', 'ap_tx');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
DO $$ BEGIN CALL migrate.apply('heads', 'ap_tx'); END $$;
\echo :SQLSTATE
ROLLBACK;
SELECT * FROM pgm_regress.state('ap_tx');
SELECT count(*) AS events FROM migrate.events WHERE project = 'ap_tx';
DO $$ BEGIN CALL migrate.apply('r2', 'ap_tx'); END $$;
\echo :SQLSTATE
SELECT * FROM pgm_regress.state('ap_tx');
SELECT count(DISTINCT transaction_id) AS transactions FROM migrate.events WHERE project = 'ap_tx';

--
-- 8. Privileges: apply needs deploy access (42501 for a monitoring role and
-- for a role without grants); a deploy role applies, and the events name
-- it.  Monitoring roles may watch progress().
--
SELECT migrate.revision('g1', 'SELECT 1', 'SELECT 1', project => 'ap_roles');
SELECT migrate.revision('g2', 'SELECT 2', 'SELECT 2', '{g1}', project => 'ap_roles');
SET ROLE regress_nobody;
CALL migrate.apply('heads', 'ap_roles');
\echo :SQLSTATE
RESET ROLE;
SET ROLE regress_monitor;
CALL migrate.apply('heads', 'ap_roles');
\echo :SQLSTATE
SELECT count(*) AS progress_rows FROM migrate.progress() WHERE project = 'ap_roles';
RESET ROLE;
SELECT * FROM migrate.current('ap_roles');
SET ROLE regress_deployer;
CALL migrate.apply('heads', 'ap_roles');
\echo :SQLSTATE
RESET ROLE;
SELECT revision, outcome, current_user_name
  FROM migrate.events WHERE project = 'ap_roles' ORDER BY event_id;

RESET client_min_messages;
