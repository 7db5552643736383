--
-- The linter: migrate.lint(), migrate.lint_revision(), migrate.lint_ignores(),
-- linting at registration (pg_migrate.lint_level) and plan()'s findings.
--
SET client_min_messages = notice;
CREATE SCHEMA lnt;
SET search_path = lnt, public;
CREATE TABLE lnt.big (id integer PRIMARY KEY, name varchar(50), n integer,
	code char(3), created timestamp, email text, amount numeric(10,2),
	CONSTRAINT big_n_not_null CHECK (n IS NOT NULL));
INSERT INTO lnt.big SELECT g, 'name' || g, g, 'abc', '2026-01-01', 'e' || g, g
  FROM generate_series(1, 3000) g;
CREATE INDEX big_name_idx ON lnt.big (name);
CREATE TABLE lnt.small (id bigint PRIMARY KEY, big_id integer, note text);
INSERT INTO lnt.small SELECT g, g, 'x' FROM generate_series(1, 10) g;
CREATE TABLE lnt.empty_t (id bigint PRIMARY KEY, v integer);
ANALYZE lnt.big, lnt.small, lnt.empty_t;
SET pg_migrate.lint_large_rows = 1000;

-- 1. Sizes decide the severity of a lock: large, small, empty, new
SELECT rule, severity, statement_no, line, message FROM migrate.lint($$
CREATE INDEX big_n_idx ON big (n);
CREATE INDEX ON small (note);
CREATE INDEX ON empty_t (v);
CREATE TABLE fresh (id bigint PRIMARY KEY, v text);
CREATE INDEX ON fresh (v);
$$);
SELECT hint FROM migrate.lint('CREATE INDEX ON big (n)');
-- without the catalog: sizes unknown, the catalog's rules silent
SELECT rule, severity, statement_no, message FROM migrate.lint(
  'CREATE INDEX ON big (n); ALTER TABLE nosuch ADD COLUMN x int', '{}', false);

-- 2. Type changes: a rewrite predicted from the column's real type
SELECT rule, severity, statement_no, message FROM migrate.lint($$
ALTER TABLE big ALTER COLUMN n TYPE bigint;
ALTER TABLE big ALTER COLUMN name TYPE varchar(100);
ALTER TABLE big ALTER COLUMN name TYPE text;
ALTER TABLE big ALTER COLUMN name TYPE varchar(20);
ALTER TABLE big ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE big ALTER COLUMN amount TYPE numeric(12,3);
ALTER TABLE big ALTER COLUMN code TYPE char(5);
ALTER TABLE big ALTER COLUMN created TYPE timestamptz;
ALTER TABLE big ALTER COLUMN n TYPE integer USING n + 0;
ALTER TABLE big ALTER COLUMN n TYPE varchar(0);
$$);

-- 3. NOT NULL, defaults, constraints
SELECT rule, severity, statement_no, message FROM migrate.lint($$
ALTER TABLE big ALTER COLUMN email SET NOT NULL;
ALTER TABLE big ALTER COLUMN n SET NOT NULL;
ALTER TABLE big ADD COLUMN x integer NOT NULL;
ALTER TABLE empty_t ADD COLUMN x integer NOT NULL;
ALTER TABLE big ADD COLUMN y integer NOT NULL DEFAULT 0;
ALTER TABLE big ADD COLUMN u uuid DEFAULT gen_random_uuid();
ALTER TABLE big ADD COLUMN t timestamptz DEFAULT now();
ALTER TABLE big ADD COLUMN s bigserial;
ALTER TABLE small ADD CONSTRAINT small_big_fk FOREIGN KEY (big_id) REFERENCES big (id);
ALTER TABLE small ADD CONSTRAINT small_note_check CHECK (note <> '') NOT VALID;
ALTER TABLE small VALIDATE CONSTRAINT small_note_check;
ALTER TABLE big ADD CONSTRAINT big_email_key UNIQUE (email);
ALTER TABLE big ADD CONSTRAINT big_email_key2 UNIQUE USING INDEX big_name_idx;
$$);

-- the safe way to SET NOT NULL: a check validated first
SELECT rule, severity, statement_no FROM migrate.lint($$
ALTER TABLE big ADD CONSTRAINT big_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE big VALIDATE CONSTRAINT big_email_nn;
ALTER TABLE big ALTER COLUMN email SET NOT NULL;
$$);

-- 4. Catalog-aware: typos, duplicates, foreign keys without an index
SELECT rule, severity, statement_no, message FROM migrate.lint($$
ALTER TABLE bgi ADD COLUMN q integer;
ALTER TABLE big DROP COLUMN emial;
ALTER TABLE big RENAME COLUMN nmae TO name2;
DROP INDEX big_nmae_idx;
DROP INDEX IF EXISTS big_nmae_idx;
CREATE INDEX CONCURRENTLY big_name2_idx ON big (name);
CREATE INDEX CONCURRENTLY big_name_idx ON big (name);
CREATE TABLE child (id bigint PRIMARY KEY, big_id integer REFERENCES big, small_id bigint REFERENCES small);
CREATE INDEX ON child (small_id);
$$);
-- what earlier scripts create is known
SELECT rule, severity, statement_no FROM migrate.lint(
  'ALTER TABLE later ADD COLUMN w text; CREATE INDEX ON later (w)',
  ARRAY['CREATE TABLE later (id bigint PRIMARY KEY)']);

-- 5. Destructive statements, style, transaction control
SELECT rule, severity, statement_no, message FROM migrate.lint($$
ALTER TABLE big DROP COLUMN email;
DROP TABLE small;
ALTER TABLE big RENAME TO huge;
ALTER TABLE big RENAME COLUMN name TO title;
ALTER TABLE big ALTER COLUMN name DROP NOT NULL;
TRUNCATE small CASCADE;
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
ALTER DOMAIN positive ADD CONSTRAINT small_enough CHECK (VALUE < 100);
CREATE TABLE styled (id serial PRIMARY KEY, c char(2), v varchar(10), w varchar, ts timestamp);
COMMIT;
$$);

-- 6. Lock timeouts: pg_migrate sets one unless pg_migrate.ddl_lock_timeout is 0
SELECT rule FROM migrate.lint('ALTER TABLE big ADD COLUMN z int') WHERE rule = 'require-lock-timeout';
SET pg_migrate.ddl_lock_timeout = 0;
SELECT rule, severity, statement_no, message FROM migrate.lint('ALTER TABLE big ADD COLUMN z int; ALTER TABLE small ADD COLUMN z int');
SELECT count(*) FROM migrate.lint($$SET lock_timeout = '2s'; ALTER TABLE big ADD COLUMN z int$$);
RESET pg_migrate.ddl_lock_timeout;

-- 7. Annotations: a finding silenced for one statement, with its reason
SELECT rule, statement_no, line FROM migrate.lint($$
-- migrate:lint-ignore ban-drop-column the application stopped reading it in 4.2
ALTER TABLE big DROP COLUMN email;
ALTER TABLE big DROP COLUMN code;
$$);
\set VERBOSITY default
SELECT * FROM migrate.lint($$-- migrate:lint-ignore ban-drop-colum typo
ALTER TABLE big DROP COLUMN email$$);
\echo :SQLSTATE
SELECT * FROM migrate.lint($$-- migrate:lint-ignore ban-drop-column
ALTER TABLE big DROP COLUMN email$$);
\echo :SQLSTATE
SELECT * FROM migrate.lint($$ALTER TABLE big DROP COLUMN email;
-- migrate:lint-ignore ban-drop-column nothing follows$$);
\echo :SQLSTATE
\set VERBOSITY terse

-- 8. Bad input
SELECT * FROM migrate.lint(NULL);
\echo :SQLSTATE
SELECT * FROM migrate.lint('SELECT 1', NULL);
SELECT * FROM migrate.lint('SELECT 1', '{}', NULL);
SELECT * FROM migrate.lint('SELECT 1', ARRAY[NULL]);
\set VERBOSITY default
SELECT * FROM migrate.lint(E'SELECT 1;\nCREATE TABLE (;');
\echo :SQLSTATE
\set VERBOSITY terse
SELECT count(*) FROM migrate.lint('');
-- names are shown escaped in messages
SELECT message FROM migrate.lint(E'ALTER TABLE "bad\nname" ADD COLUMN "x""y" int NOT NULL');

-- 9. Registration: findings as NOTICE and WARNING, or refused at "error"
\set VERBOSITY default
SELECT migrate.revision('l1', 'CREATE TABLE lnt.reg (id integer PRIMARY KEY)', project => 'lint_reg');
SELECT migrate.revision('l2', 'CREATE INDEX reg_id2 ON lnt.big (n)', parents => ARRAY['l1'], project => 'lint_reg');
SET pg_migrate.lint_level = error;
SELECT migrate.revision('l3', 'CREATE INDEX big_n2 ON lnt.big (n); ALTER TABLE lnt.big ADD COLUMN q int NOT NULL', parents => ARRAY['l2'], project => 'lint_reg');
\echo :SQLSTATE
SELECT count(*) FROM migrate.revisions WHERE project = 'lint_reg';
SELECT migrate.revision('l3', $$-- migrate:lint-ignore require-concurrent-index-creation built at night, table is cold
CREATE INDEX big_n2 ON lnt.big (n)$$, parents => ARRAY['l2'], project => 'lint_reg');
SET pg_migrate.lint_level = off;
SELECT migrate.revision('l4', 'ALTER TABLE lnt.big ADD COLUMN q int NOT NULL', parents => ARRAY['l3'], project => 'lint_reg');
SELECT migrate.revision('l5', $$-- migrate:lint-ignore nonsense why
SELECT 1$$, parents => ARRAY['l4'], project => 'lint_reg');
\echo :SQLSTATE
RESET pg_migrate.lint_level;
\set VERBOSITY terse
SELECT * FROM migrate.lint_ignores('lint_reg');

-- 10. plan() counts each step's findings, knowing what earlier steps create
SELECT step, revision, direction, findings FROM migrate.plan('heads', 'lint_reg');
SET pg_migrate.lint_level = off;
SELECT step, revision, findings FROM migrate.plan('heads', 'lint_reg');
RESET pg_migrate.lint_level;

-- 11. lint_revision(): after its unapplied ancestors
SELECT migrate.revision('n1', 'ALTER TABLE lnt.big ADD CONSTRAINT big_code_nn CHECK (code IS NOT NULL) NOT VALID', project => 'lint_nn');
SELECT migrate.revision('n2', 'ALTER TABLE lnt.big VALIDATE CONSTRAINT big_code_nn; ALTER TABLE lnt.big ALTER COLUMN code SET NOT NULL', parents => ARRAY['n1'], project => 'lint_nn');
SELECT rule, severity, statement_no FROM migrate.lint_revision('n2', 'lint_nn');
SELECT rule, severity, statement_no FROM migrate.lint('ALTER TABLE lnt.big VALIDATE CONSTRAINT big_code_nn; ALTER TABLE lnt.big ALTER COLUMN code SET NOT NULL');
SELECT * FROM migrate.lint_revision('nosuch', 'lint_nn');
\echo :SQLSTATE
SELECT * FROM migrate.lint_revision(NULL, 'lint_nn');

-- 13. What PostgreSQL does not do is not reported
CREATE TABLE lnt.cc (id bigint PRIMARY KEY, name varchar(20) NOT NULL, st varchar(20),
	ts timestamp);
INSERT INTO lnt.cc SELECT g, 'n' || g, 's', '2026-01-01' FROM generate_series(1, 2000) g;
CREATE INDEX cc_name_c ON lnt.cc (name COLLATE "C");
ANALYZE lnt.cc;
CREATE DOMAIN lnt.plain_text AS text;
CREATE DOMAIN lnt.short_text AS text CHECK (length(VALUE) < 100);
SELECT rule, severity, statement_no FROM migrate.lint($$
ALTER TABLE cc ALTER COLUMN st TYPE text USING st::text;
ALTER TABLE cc ALTER COLUMN st TYPE varchar(30) USING st;
ALTER TABLE cc ALTER COLUMN st TYPE plain_text;
ALTER TABLE cc ALTER COLUMN st TYPE short_text;
ALTER TABLE cc ALTER COLUMN st TYPE text USING upper(st);
ALTER TABLE cc ALTER COLUMN id SET NOT NULL;
CREATE TABLE IF NOT EXISTS cc (id bigint);
CREATE INDEX ON cc (st);
ALTER TABLE cc ADD COLUMN IF NOT EXISTS name text NOT NULL;
CREATE INDEX IF NOT EXISTS cc_name_c ON cc (name);
CREATE INDEX ON cc (name);
$$);
SET timezone = 'UTC';
SELECT count(*) FROM migrate.lint('ALTER TABLE cc ALTER COLUMN ts TYPE timestamptz');
RESET timezone;
SELECT count(*) FROM migrate.lint('ALTER TABLE cc ALTER COLUMN ts TYPE timestamp(7)');

-- 14. Relations made in other ways, moved and renamed, are known
SELECT rule, severity, statement_no FROM migrate.lint($$
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS id;
CREATE UNIQUE INDEX ON mv (id);
CREATE TABLE copied AS SELECT * FROM cc;
CREATE INDEX ON copied (id);
SELECT 1 AS a INTO selected;
CREATE INDEX ON selected (a);
CREATE TEMP TABLE scratch (a int);
CREATE INDEX ON scratch (a);
CREATE SCHEMA lnt_new CREATE TABLE t (a int) CREATE INDEX ON t (a);
CREATE INDEX ON lnt_new.t (a);
ALTER TABLE cc SET SCHEMA lnt_new;
CREATE INDEX ON lnt_new.cc (st);
ALTER INDEX big_name_idx RENAME TO big_name_idx2;
DROP INDEX big_name_idx2;
$$);
-- the search_path: a table the script creates in its second schema
CREATE SCHEMA lnt_app;
SET search_path = lnt_app, lnt, public;
SELECT rule, severity, statement_no FROM migrate.lint(
  'CREATE TABLE lnt.bar (x int); CREATE INDEX ON bar (x); CREATE INDEX ON big (n)');
SET search_path = lnt, public;
DROP SCHEMA lnt_app;
-- a function call nested deep in a default
SELECT rule, severity FROM migrate.lint('ALTER TABLE big ADD COLUMN r float8 DEFAULT '
  || repeat('1 + (', 40) || 'random()' || repeat(')', 40));

-- 15. At registration: a typo is an unknown object; a bad annotation in a
-- down script is refused too; a table an unapplied revision creates is new
SET pg_migrate.lint_level = error;
\set VERBOSITY default
SELECT migrate.revision('t1', 'ALTER TABLE lnt.bgi ADD COLUMN q int', project => 'lint_typo');
\echo :SQLSTATE
SELECT migrate.revision('t1', 'SELECT 1', $$-- migrate:lint-ignore nosuch-rule why
SELECT 2$$, project => 'lint_typo');
\echo :SQLSTATE
\set VERBOSITY terse
SELECT migrate.revision('t1', 'CREATE TABLE lnt.fresh_t (id bigint PRIMARY KEY)', project => 'lint_typo');
SELECT migrate.revision('t2', 'CREATE INDEX ON lnt.fresh_t (id); ALTER TABLE lnt.fresh_t ADD COLUMN v int NOT NULL',
  parents => ARRAY['t1'], project => 'lint_typo');
RESET pg_migrate.lint_level;
SELECT step, revision, findings FROM migrate.plan('heads', 'lint_typo');

-- 16. A stored script with an annotation no registration would accept
-- (written by the tables' owner): plan() counts its findings, skipping it
UPDATE migrate.revisions
   SET up_script = E'-- migrate:lint-ignore nosuch-rule why\n'
		'-- migrate:lint-ignore prefer-bigint-over-int ids stay small\n'
		'CREATE TABLE lnt.fresh_t (id integer PRIMARY KEY)'
 WHERE project = 'lint_typo' AND id = 't1';
SELECT step, revision, findings FROM migrate.plan('heads', 'lint_typo');
-- lint_ignores() reads scripts as they are read to run: the change is seen
SELECT * FROM migrate.lint_ignores('lint_typo');
\echo :SQLSTATE

-- 12. Only a superuser changes the policy
CREATE ROLE regress_lint_user;
SET ROLE regress_lint_user;
SET pg_migrate.lint_level = off;
SET pg_migrate.lint_large_rows = 1000000000;
SELECT * FROM migrate.lint('SELECT 1');
RESET ROLE;
DROP ROLE regress_lint_user;
DROP SCHEMA lnt CASCADE;
