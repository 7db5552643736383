--
-- hardening: stored data is validated before use, bad input of every kind
-- gets an error with a fitting SQLSTATE (never a crash, never a silently
-- wrong answer), and what runs is what was registered.
--
-- The tables are written here directly, as their owner (a superuser) could;
-- each case must end in an error, and the backend must survive it (the
-- \echo after each call shows that the session is still there).
--
-- outcome(statement): "ok" or the SQLSTATE and message of its error
CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END;
$$;

SELECT migrate.revision('h1', 'CREATE TABLE h_t1 (a int)', 'DROP TABLE h_t1', project => 'hd');
SELECT migrate.revision('h2', 'CREATE TABLE h_t2 (a int)', 'DROP TABLE h_t2',
						parents => '{h1}', branch_labels => '{hlab}', project => 'hd');
SELECT migrate.revision('h3', 'CREATE TABLE h_t3 (a int)', 'DROP TABLE h_t3',
						parents => '{h2}', project => 'hd');
SELECT step, revision FROM migrate.upgrade('h2', 'hd');

-- a change that bumps the project's row, as a careless hand-made change would
CREATE FUNCTION pg_temp.bump() RETURNS void LANGUAGE sql
AS $$ UPDATE migrate.projects SET state_version = state_version + 1 WHERE project = 'hd' $$;

--
-- NULL elements in stored arrays: an error naming the revision, every time
-- (0.3.0 crashed the server here, and again on every later call)
--
BEGIN;
UPDATE migrate.revisions SET parents = ARRAY[NULL]::text[] WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT migrate.status_json('hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET branch_labels = ARRAY['x', NULL] WHERE project = 'hd' AND id = 'h2';
SELECT pg_temp.bump();
SELECT * FROM migrate.status('hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET depends_on = ARRAY[NULL]::text[] WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT migrate.is_up_to_date('hd');
\echo :SQLSTATE
ROLLBACK;
-- a whole array NULL is refused by the table; a two-dimensional one is not
BEGIN;
UPDATE migrate.revisions SET parents = '{{h1},{h2}}' WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT * FROM migrate.heads('hd');
\echo :SQLSTATE
ROLLBACK;

--
-- ids, labels and names that registration would refuse
--
BEGIN;
UPDATE migrate.revisions SET parents = ARRAY[E'h2\n\\! touch pwned'] WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT migrate.script('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET id = E'h3\n\\! touch pwned' WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT migrate.script('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET branch_labels = '{heads}' WHERE project = 'hd' AND id = 'h2';
SELECT pg_temp.bump();
SELECT * FROM migrate.current('hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
ALTER TABLE migrate.revisions DROP CONSTRAINT revisions_up_class_check;
UPDATE migrate.revisions SET up_class = 'sometimes' WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT * FROM migrate.plan('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;
-- a label used twice, a dangling parent, a cycle
BEGIN;
UPDATE migrate.revisions SET branch_labels = '{hlab}' WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT * FROM migrate.branches('hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET parents = '{nosuch}' WHERE project = 'hd' AND id = 'h3';
SELECT pg_temp.bump();
SELECT * FROM migrate.history(project => 'hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET parents = '{h3}' WHERE project = 'hd' AND id = 'h1';
SELECT pg_temp.bump();
SELECT step, revision FROM migrate.upgrade('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;

--
-- an applied set that is not closed: status() and upgrade() would disagree
-- (0.3.0: is_up_to_date() said true while status() showed a pending parent)
--
BEGIN;
DELETE FROM migrate.applied WHERE project = 'hd' AND revision = 'h1';
SELECT pg_temp.bump();
SELECT migrate.is_up_to_date('hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
DELETE FROM migrate.applied WHERE project = 'hd' AND revision = 'h1';
SELECT pg_temp.bump();
SELECT step, revision FROM migrate.upgrade('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;

-- a state_version at its end would make every command fail on the bump
BEGIN;
UPDATE migrate.projects SET state_version = 9223372036854775807 WHERE project = 'hd';
SELECT step, revision FROM migrate.upgrade('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;

-- a lock key of 0 would skip the mutex
BEGIN;
UPDATE migrate.projects SET lock_key = 0 WHERE project = 'hd';
SELECT step, revision FROM migrate.upgrade('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;

--
-- what runs is what was registered: a script changed behind pg_migrate's
-- back is refused before it runs, on every path
--
BEGIN;
UPDATE migrate.revisions SET down_script = 'DROP TABLE h_t2; CREATE TABLE h_pwned ()'
 WHERE project = 'hd' AND id = 'h2';
SELECT step, revision FROM migrate.downgrade('h1', 'hd');
\echo :SQLSTATE
ROLLBACK;
BEGIN;
UPDATE migrate.revisions SET up_script = 'CREATE TABLE h_pwned ()' WHERE project = 'hd' AND id = 'h3';
SELECT migrate.script('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;
-- a down script removed (0.3.0 crashed the server when this happened
-- during a downgrade): refused, nothing run
BEGIN;
UPDATE migrate.revisions SET down_script = NULL, down_class = NULL, down_statements = NULL
 WHERE project = 'hd' AND id = 'h2';
SELECT step, revision FROM migrate.downgrade('h1', 'hd');
\echo :SQLSTATE
ROLLBACK;
-- an edge changed without the checksum
BEGIN;
UPDATE migrate.revisions SET branch_labels = '{other}' WHERE project = 'hd' AND id = 'h3';
SELECT step, revision FROM migrate.upgrade('heads', 'hd');
\echo :SQLSTATE
ROLLBACK;
SELECT to_regclass('h_pwned') AS pwned;
SELECT * FROM migrate.current('hd');

--
-- unknown projects are errors everywhere, so a misspelt health check fails
--
SELECT migrate.is_up_to_date('hdd');
\echo :SQLSTATE
SELECT migrate.status_json('hdd');
\echo :SQLSTATE
SELECT step FROM migrate.upgrade('heads', 'hdd');
\echo :SQLSTATE
SELECT step FROM migrate.downgrade('base', 'hdd');
\echo :SQLSTATE
SELECT step FROM migrate.stamp('base', 'hdd');
\echo :SQLSTATE
CALL migrate.apply('heads', 'hdd');
\echo :SQLSTATE
SELECT count(*) FROM migrate.projects WHERE project = 'hdd';

--
-- malformed targets are 22023, unknown revisions 42704
--
SELECT t AS target, pg_temp.outcome(format('SELECT * FROM migrate.plan(%L, %L)', t, 'hd'))
  FROM unnest(ARRAY['', '+', '-', '+x', '-1x', '+99999999999999999999',
					'h1+99999999999999999999', 'h1+', 'h3-1-1', E'h1\n', E'a\x01b',
					'h1 ', 'nosuch', 'h3-1', 'hlab@+1']) WITH ORDINALITY AS u(t, n)
 ORDER BY n;
SELECT pg_temp.outcome(format('SELECT * FROM migrate.show(%L, %L)', E'x\ny', 'hd'));
SELECT pg_temp.outcome(format('SELECT * FROM migrate.history(%L, %L)', E'h1:\x7f', 'hd'));

--
-- control characters never reach a message raw
--
SELECT pg_temp.outcome(format('SELECT migrate.revision(%L, %L, project => %L)',
								  E'evil\nLOG:  forged', 'SELECT 1', 'hd'));
SELECT pg_temp.outcome(format('SELECT migrate.revision(%L, %L, project => %L)',
								  'ok1', 'SELECT 1', E'p\rq'));
SELECT pg_temp.outcome(format('SELECT migrate.revision(%L, %L, parents => %L, project => %L)',
								  'ok1', 'SELECT 1', ARRAY[E'\x1b[31mred'], 'hd'));

--
-- registration is bounded: caps on parents, labels and dependencies (54000)
--
SELECT pg_temp.outcome(format('SELECT migrate.revision(%L, %L, depends_on => %L, project => %L)',
								  'many', 'SELECT 1',
								  (SELECT array_agg('d' || i) FROM generate_series(1, 99999) i), 'hd'));
SELECT pg_temp.outcome(format('SELECT migrate.revision(%L, %L, parents => %L, project => %L)',
								  'many', 'SELECT 1',
								  (SELECT array_agg('p' || i) FROM generate_series(1, 33) i), 'hd'));
SELECT pg_temp.outcome(format('SELECT migrate.revision(%L, %L, branch_labels => %L, project => %L)',
								  'many', 'SELECT 1',
								  (SELECT array_agg('l' || i) FROM generate_series(1, 33) i), 'hd'));
-- at the caps: accepted (256 dependencies through one label repeated)
SELECT migrate.revision('many', 'SELECT 1', parents => '{h3}',
						depends_on => (SELECT array_agg('hlab'::text) FROM generate_series(1, 256)),
						project => 'hd');
SELECT depends_on FROM migrate.history(project => 'hd') WHERE id = 'many';

SELECT * FROM migrate.current('hd');
