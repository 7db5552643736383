--
-- pgTAP: the assertions of the companion extension pg_migrate_tap, as a
-- project's CI suite uses them: migrations_up_to_date(), no_schema_drift(),
-- revision_applied() and migrations_roundtrip(), each checked passing and
-- failing with pgTAP's check_test() (its description and diagnostics).
-- Project tap works in schema tap_app only.  Everything happens inside
-- the test transaction and is rolled back.
--
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP true

SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS pg_migrate;
CREATE EXTENSION pg_migrate_tap;
CREATE SCHEMA tap_app;
SELECT migrate.revision('t1', 'CREATE TABLE tap_app.a (x int)', 'DROP TABLE tap_app.a', project => 'tap') \g /dev/null
SELECT migrate.set_scope('tap', '{tap_app}') \g /dev/null

SELECT plan(35);

-- nothing applied yet
SELECT * FROM check_test(migrations_up_to_date('tap'), false,
	'migrations_up_to_date() with a pending revision',
	'migrations of project tap are up to date', 'pending: t1');
SELECT * FROM check_test(revision_applied('t1', 'tap'), false,
	'revision_applied() of a pending revision',
	'revision t1 of project tap is applied', 'it is pending');
SELECT * FROM check_test(revision_applied('nosuch', 'tap', 'my description'), false,
	'revision_applied() of an unknown revision',
	'my description', 'revision nosuch is not registered');

-- a sound revision is proven; the proof leaves nothing behind
SELECT * FROM check_test((SELECT r FROM migrations_roundtrip('heads', 'tap') r), true,
	'migrations_roundtrip() of a sound revision',
	'revision t1 of project tap goes up, down and up again', '');
SELECT is(to_regclass('tap_app.a'), NULL, 'the proof left no table behind');

-- a down script that forgets the table: the differences are the diagnostics
SELECT count(*) FROM migrate.upgrade('t1', 'tap') \g /dev/null
SELECT migrate.revision('t2', 'CREATE TABLE tap_app.b (x int); CREATE INDEX b_x ON tap_app.b (x)',
						'DROP INDEX tap_app.b_x', parents => '{t1}', project => 'tap') \g /dev/null
SELECT * FROM check_test((SELECT r FROM migrations_roundtrip('heads', 'tap') r), false,
	'migrations_roundtrip() of a down script that leaves a table',
	'revision t2 of project tap goes up, down and up again',
	E'second up script failed at statement 1: relation "b" already exists (SQLSTATE 42P07)\n'
	'after down: column tap_app.b.x added\n'
	'after down: table tap_app.b added');

-- applied and unchanged: up to date, no drift
SELECT count(*) FROM migrate.upgrade('heads', 'tap') \g /dev/null
SELECT * FROM check_test(migrations_up_to_date('tap'), true,
	'migrations_up_to_date() when everything is applied',
	'migrations of project tap are up to date', '');
SELECT * FROM check_test(revision_applied('t2', 'tap'), true,
	'revision_applied() of an applied revision',
	'revision t2 of project tap is applied', '');
SELECT * FROM check_test(no_schema_drift('tap'), true,
	'no_schema_drift() right after the upgrade',
	'schema of project tap has not drifted', '');

-- a hand-made index is drift, named in the diagnostics
CREATE INDEX hand ON tap_app.a (x);
SELECT * FROM check_test(no_schema_drift('tap'), false,
	'no_schema_drift() after a hand-made index',
	'schema of project tap has not drifted', 'index tap_app.hand: added');

-- nothing pending: one passing line; an irreversible revision: a skip
SELECT * FROM check_test((SELECT r FROM migrations_roundtrip('heads', 'tap') r), true,
	'migrations_roundtrip() with nothing pending',
	'project tap has no pending revision to prove', '');
SELECT migrate.revision('t3', 'CREATE TABLE tap_app.c (x int)', parents => '{t2}', project => 'tap') \g /dev/null
SELECT * FROM migrations_roundtrip('heads', 'tap');

-- a project without a recorded snapshot: a failure that says why
SELECT migrate.revision('n1', 'SELECT 1', project => 'tap_none') \g /dev/null
SELECT * FROM check_test(no_schema_drift('tap_none'), false,
	'no_schema_drift() with no snapshot recorded',
	'schema of project tap_none has not drifted',
	'no schema snapshot is recorded for project "tap_none"');

SELECT * FROM finish();
ROLLBACK;
