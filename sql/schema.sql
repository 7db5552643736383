--
-- schema: schema snapshots, fingerprints, drift() and accept_schema(),
-- set_scope(), and verify()'s up-down-up proofs (README "Checking the
-- schema" and "Testing migrations in CI").  Projects sc (scope schema
-- sc_app), sc_v (scope sc_v) and sc_e (scope sc_e); each works only in
-- its own schemas, so that the other files' objects do not show.
--
\i sql/include/helpers.sql
SET pg_migrate.on_drift = warn;		-- the default; helpers.sql turns it off
CREATE SCHEMA sc_app;
CREATE SCHEMA sc_v;
CREATE SCHEMA sc_e;

-- a project that does not exist: 42704; a scope that names a schema that
-- does not exist: 3F000; system schemas and migrate: 22023; an empty
-- scope: 22023; a NULL element: 22004.  None changes anything.
SELECT migrate.schema_snapshot('sc_nosuch');
\echo :SQLSTATE
SELECT migrate.revision('s1', 'CREATE TABLE sc_app.places (id int PRIMARY KEY, name text DEFAULT ''x'', g point)',
						'DROP TABLE sc_app.places', project => 'sc');
SELECT migrate.set_scope('sc', '{sc_app, sc_nosuch}');
\echo :SQLSTATE
SELECT migrate.set_scope('sc', '{pg_catalog}');
\echo :SQLSTATE
SELECT migrate.set_scope('sc', '{migrate}');
\echo :SQLSTATE
SELECT migrate.set_scope('sc', '{}');
\echo :SQLSTATE
SELECT migrate.set_scope('sc', ARRAY['sc_app', NULL]);
\echo :SQLSTATE
SELECT schema_scope, fingerprint FROM migrate.projects WHERE project = 'sc';

-- nothing recorded yet: drift() cannot compare (55000), status_json says null
SELECT * FROM migrate.drift('sc');
\echo :SQLSTATE
SELECT migrate.status_json('sc') -> 'drift' AS drift,
	   migrate.status_json('sc') -> 'fingerprint' AS fingerprint;

-- the scope is kept sorted and without duplicates, and its snapshot is
-- recorded at once; an event says who did it
SELECT migrate.set_scope('sc', '{sc_app, sc_app}');
SELECT schema_scope, fingerprint ~ '^sha256:[0-9a-f]{64}$' AS fingerprinted
  FROM migrate.projects WHERE project = 'sc';
SELECT revision, direction, outcome, fingerprint = (SELECT fingerprint FROM migrate.projects WHERE project = 'sc') AS same
  FROM migrate.events WHERE project = 'sc' ORDER BY event_id;

-- upgrade records the snapshot after it, and its events carry the fingerprint
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sc');
SELECT migrate.schema_snapshot('sc');
SELECT revision, direction,
	   fingerprint = (SELECT fingerprint FROM migrate.projects WHERE project = 'sc') AS same
  FROM migrate.events WHERE project = 'sc' AND direction = 'up';
SELECT * FROM migrate.drift('sc');
SELECT migrate.status_json('sc') -> 'drift' AS drift;

-- hand-made changes show as one row each, naming the object
CREATE INDEX places_g ON sc_app.places USING gist (g);
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sc');	-- nothing to do: not recorded again
SELECT kind, object, change, expected, actual FROM migrate.drift('sc');
SELECT migrate.accept_schema('sc') AS fingerprint \gset
SELECT fingerprint = :'fingerprint' AS accepted FROM migrate.projects WHERE project = 'sc';
SELECT * FROM migrate.drift('sc');
DROP INDEX sc_app.places_g;
SELECT kind, object, change FROM migrate.drift('sc');
SELECT migrate.accept_schema('sc') IS NOT NULL AS accepted;
ALTER TABLE sc_app.places ADD COLUMN extra int;
SELECT kind, object, change, expected, actual FROM migrate.drift('sc');
ALTER TABLE sc_app.places DROP COLUMN extra;
ALTER TABLE sc_app.places ALTER COLUMN name SET DEFAULT 'y';
SELECT kind, object, change, expected ->> 'default' AS was, actual ->> 'default' AS now FROM migrate.drift('sc');
ALTER TABLE sc_app.places ALTER COLUMN name SET DEFAULT 'x';
SELECT * FROM migrate.drift('sc');		-- back as it was: no drift
SELECT migrate.status_json('sc') -> 'drift' AS drift;
CREATE FUNCTION sc_app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 1';
SELECT migrate.accept_schema('sc') IS NOT NULL AS accepted;
CREATE OR REPLACE FUNCTION sc_app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a + 2';
SELECT kind, object, change FROM migrate.drift('sc');
SELECT migrate.status_json('sc') -> 'drift' AS drift;
SELECT revision, direction FROM migrate.events WHERE project = 'sc' ORDER BY event_id;

-- a dropped column does not shift the positions a restore would give
DROP FUNCTION sc_app.f(int);
SELECT migrate.revision('s2', 'ALTER TABLE sc_app.places DROP COLUMN name; ALTER TABLE sc_app.places ADD COLUMN label text',
						'ALTER TABLE sc_app.places DROP COLUMN label; ALTER TABLE sc_app.places ADD COLUMN name text DEFAULT ''x''',
						parents => '{s1}', project => 'sc');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sc');
SELECT object, actual -> 'position' AS position
  FROM jsonb_each(migrate.schema_snapshot('sc') -> 'column') AS c(object, actual) ORDER BY 1;
SELECT * FROM migrate.drift('sc');

-- every kind the snapshot describes, and what it does not know under "other"
SELECT migrate.set_scope('sc', '{sc_app, sc_e}');
CREATE TYPE sc_e.mood AS ENUM ('sad', 'ok');
CREATE DOMAIN sc_e.posint AS int NOT NULL CHECK (VALUE > 0);
CREATE TYPE sc_e.pair AS (a int, b text);
CREATE SEQUENCE sc_e.seq INCREMENT 5;
CREATE TABLE sc_e.t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
					 code text COLLATE "C" NOT NULL, m sc_e.mood,
					 twice int GENERATED ALWAYS AS (id * 2) STORED);
COMMENT ON TABLE sc_e.t IS 'the table';
CREATE UNLOGGED TABLE sc_e.p (k int, v text) PARTITION BY RANGE (k);
CREATE TABLE sc_e.p1 PARTITION OF sc_e.p FOR VALUES FROM (0) TO (10);
CREATE TABLE sc_e.c (tid int REFERENCES sc_e.t (id));
ALTER TABLE sc_e.c ADD CONSTRAINT c_pos CHECK (tid > 0) NOT VALID;
CREATE VIEW sc_e.v AS SELECT id FROM sc_e.t WHERE id > 1;
CREATE MATERIALIZED VIEW sc_e.mv AS SELECT count(*) AS n FROM sc_e.t;
CREATE PROCEDURE sc_e.pr() LANGUAGE plpgsql AS $$BEGIN NULL; END$$;
CREATE FUNCTION sc_e.trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_trg BEFORE INSERT ON sc_e.t FOR EACH ROW EXECUTE FUNCTION sc_e.trg();
ALTER TABLE sc_e.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY pol ON sc_e.t FOR SELECT TO regress_monitor USING (id > 0);
CREATE RULE r AS ON INSERT TO sc_e.c WHERE false DO INSTEAD NOTHING;
CREATE AGGREGATE sc_e.total(int) (sfunc = int4pl, stype = int);
CREATE FOREIGN DATA WRAPPER sc_fdw;
CREATE SERVER sc_srv FOREIGN DATA WRAPPER sc_fdw;
CREATE FOREIGN TABLE sc_e.ft (a int) SERVER sc_srv;
SELECT kind, object, change, actual FROM migrate.drift('sc') ORDER BY kind, object;
SELECT migrate.accept_schema('sc') IS NOT NULL AS accepted;
-- what belongs to an extension is not the project's; its version is
CREATE EXTENSION pg_trgm VERSION '1.5' SCHEMA sc_e;
CREATE INDEX t_code_trgm ON sc_e.t USING gin (code sc_e.gin_trgm_ops);
SELECT kind, object, change, actual FROM migrate.drift('sc');
SELECT migrate.accept_schema('sc') IS NOT NULL AS accepted;
ALTER EXTENSION pg_trgm UPDATE TO '1.6';
SELECT kind, object, change, expected, actual FROM migrate.drift('sc');
DROP EXTENSION pg_trgm CASCADE;
DROP SERVER sc_srv CASCADE;
DROP FOREIGN DATA WRAPPER sc_fdw;

-- verify(): up, down, up again for every pending revision, then nothing
-- of it is left.  v1 is sound, v2's down script forgets the table and an
-- index; v2b has no down script, v4 cannot run in a transaction, and v5
-- after it is not run.
SELECT migrate.set_scope('sc_v', '{sc_v}') FROM migrate.revision('v1',
	'CREATE TABLE sc_v.a (id int PRIMARY KEY, g point); CREATE INDEX a_g ON sc_v.a USING gist (g)',
	'DROP TABLE sc_v.a', project => 'sc_v');
SELECT migrate.revision('v2', 'CREATE TABLE sc_v.b (x int); CREATE INDEX b_x ON sc_v.b (x); CREATE INDEX b_x2 ON sc_v.b ((x * 2))',
						'DROP INDEX sc_v.b_x', parents => '{v1}', project => 'sc_v');
SELECT * FROM migrate.verify('v1', 'sc_v');
SELECT revision, up_ok, down_restores, reup_identical, jsonb_pretty(differences) AS differences, error
  FROM migrate.verify('v2', 'sc_v');
-- nothing survived: no table, no version state, no event, no snapshot
SELECT to_regclass('sc_v.a') AS a, to_regclass('sc_v.b') AS b;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'sc_v';
SELECT direction FROM migrate.events WHERE project = 'sc_v' ORDER BY event_id;
SELECT migrate.revision('v2b', 'CREATE TABLE sc_v.c (x int)', NULL, parents => '{v1}', project => 'sc_v');
SELECT migrate.revision('v4', 'CREATE INDEX CONCURRENTLY c_x ON sc_v.c (x)', 'DROP INDEX sc_v.c_x',
						parents => '{v2b}', project => 'sc_v');
SELECT migrate.revision('v5', 'CREATE TABLE sc_v.d (x int)', 'DROP TABLE sc_v.d', parents => '{v4}', project => 'sc_v');
SELECT * FROM migrate.verify('v5', 'sc_v');
-- an up script that fails: reported with its statement and SQLSTATE
SELECT migrate.revision('v6', 'CREATE TABLE sc_v.e (x int); SELECT 1 / 0', 'DROP TABLE sc_v.e',
						parents => '{v1}', project => 'sc_v');
SELECT * FROM migrate.verify('v6', 'sc_v');
-- a down script that fails: the revision stays applied for the next
SELECT migrate.revision('v7', 'CREATE TABLE sc_v.f (x int)', 'DROP TABLE sc_v.nosuch',
						parents => '{v1}', project => 'sc_v');
SELECT migrate.revision('v8', 'ALTER TABLE sc_v.f ADD COLUMN y int', 'ALTER TABLE sc_v.f DROP COLUMN y',
						parents => '{v7}', project => 'sc_v');
SELECT * FROM migrate.verify('v8', 'sc_v');
SELECT to_regclass('sc_v.a') AS a, to_regclass('sc_v.f') AS f;
-- applied revisions are not proven again; an unknown target: 42704
SELECT step, revision FROM migrate.upgrade('v1', 'sc_v');
SELECT * FROM migrate.verify('v1', 'sc_v');
SELECT * FROM migrate.verify('nosuch', 'sc_v');
\echo :SQLSTATE
SELECT revision, direction FROM migrate.events WHERE project = 'sc_v' ORDER BY event_id;

-- access: monitors read snapshots and drift; verify, accept_schema and
-- set_scope need deploy access (42501)
SET ROLE regress_monitor;
SELECT count(*) AS rows FROM migrate.drift('sc');
SELECT jsonb_typeof(migrate.schema_snapshot('sc')) AS snapshot;
SELECT * FROM migrate.verify('heads', 'sc_v');
\echo :SQLSTATE
SELECT migrate.accept_schema('sc');
\echo :SQLSTATE
SELECT migrate.set_scope('sc', NULL);
\echo :SQLSTATE
RESET ROLE;
SET ROLE regress_nobody;
SELECT migrate.drift('sc');
\echo :SQLSTATE
RESET ROLE;

-- back to the default scope (NULL)
SELECT migrate.set_scope('sc', NULL);
SELECT schema_scope IS NULL AS default_scope FROM migrate.projects WHERE project = 'sc';

-- schema_diff(): any two snapshots compared as drift() compares them (a
-- staging database's with production's); NULL: 22004; not an object: 22023
SELECT kind, object, change, expected, actual
  FROM migrate.schema_diff('{"format": 1, "table": {"a.t": {}}, "index": {"a.i": {"valid": true}}}',
						   '{"format": 1, "table": {"a.u": {}}, "index": {"a.i": {"valid": false}}}');
SELECT * FROM migrate.schema_diff(NULL, '{}');
\echo :SQLSTATE
SELECT * FROM migrate.schema_diff('[]', '{}');
\echo :SQLSTATE

-- a command over drift: a WARNING by default (the drift becomes part of
-- the recorded schema), or with on_drift = error a refusal before anything
-- runs (55000)
CREATE SCHEMA sc_d;
SELECT migrate.set_scope('sc_d', '{sc_d}') FROM migrate.revision('d1', 'CREATE TABLE sc_d.a (x int)',
	'DROP TABLE sc_d.a', project => 'sc_d');
SELECT step, revision FROM migrate.upgrade('heads', 'sc_d');
CREATE INDEX hand ON sc_d.a (x);
SELECT migrate.revision('d2', 'ALTER TABLE sc_d.a ADD COLUMN y int', 'ALTER TABLE sc_d.a DROP COLUMN y',
						parents => '{d1}', project => 'sc_d');
SET pg_migrate.on_drift = error;
SELECT step, revision FROM migrate.upgrade('heads', 'sc_d');
\echo :SQLSTATE
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'sc_d';
SET pg_migrate.on_drift = warn;
SELECT step, revision FROM migrate.upgrade('heads', 'sc_d');
SELECT * FROM migrate.drift('sc_d');

-- session settings do not change a snapshot: a date default in another
-- DateStyle and TimeZone is the same default
ALTER TABLE sc_d.a ADD COLUMN d date DEFAULT '2020-01-31', ADD COLUMN t timestamptz DEFAULT '2020-01-31 12:00+00';
SELECT migrate.accept_schema('sc_d') IS NOT NULL AS accepted;
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'Asia/Tokyo';
SET IntervalStyle = sql_standard;
SELECT * FROM migrate.drift('sc_d');
SELECT actual ->> 'default' AS t_default FROM jsonb_each(migrate.schema_snapshot('sc_d') -> 'column') AS c(object, actual)
 WHERE object = 'sc_d.a.t';
RESET DateStyle;
RESET TimeZone;
RESET IntervalStyle;

-- what else a hand-made change can touch: identity options, storage,
-- replica identity, n_distinct; each one row
ALTER TABLE sc_d.a ADD COLUMN i int GENERATED BY DEFAULT AS IDENTITY, ADD COLUMN s text;
SELECT migrate.accept_schema('sc_d') IS NOT NULL AS accepted;
ALTER TABLE sc_d.a ALTER COLUMN i SET INCREMENT BY 1000;
ALTER TABLE sc_d.a ALTER COLUMN s SET STORAGE MAIN;
ALTER TABLE sc_d.a ALTER COLUMN y SET (n_distinct = 10);
ALTER TABLE sc_d.a REPLICA IDENTITY FULL;
SELECT kind, object, change FROM migrate.drift('sc_d');
SELECT migrate.accept_schema('sc_d') IS NOT NULL AS accepted;

-- policy roles are sorted by name, whatever order they were given in
CREATE POLICY p2 ON sc_d.a TO regress_monitor, regress_deployer USING (true);
SELECT c.actual -> 'roles' AS roles
  FROM jsonb_each(migrate.schema_snapshot('sc_d') -> 'policy') AS c(object, actual);

-- columns of an inheritance child: inherited ones first, as a restore
-- recreates them (CREATE TABLE child (...) INHERITS (parent))
CREATE TABLE sc_d.parent (id int, a int);
CREATE TABLE sc_d.child (c int) INHERITS (sc_d.parent);
ALTER TABLE sc_d.parent ADD COLUMN b int;
SELECT object, actual -> 'position' AS position
  FROM jsonb_each(migrate.schema_snapshot('sc_d') -> 'column') AS c(object, actual)
 WHERE object LIKE 'sc_d.child.%' ORDER BY 2, 1;

-- pg_migrate.schema_fingerprints = off: nothing recorded (cleared)
SELECT migrate.revision('d3', 'SELECT 1', NULL, parents => '{d2}', project => 'sc_d');
SET pg_migrate.schema_fingerprints = off;
SELECT step, revision FROM migrate.upgrade('heads', 'sc_d');
RESET pg_migrate.schema_fingerprints;
SELECT fingerprint IS NULL AS cleared FROM migrate.projects WHERE project = 'sc_d';
SELECT * FROM migrate.drift('sc_d');
\echo :SQLSTATE

-- verify() fires the checks deferred to commit: a deferred foreign key
-- that the up script violates fails the proof
CREATE TABLE sc_v.ref (id int PRIMARY KEY);
SELECT migrate.revision('v9', 'CREATE TABLE sc_v.g (r int REFERENCES sc_v.ref (id) DEFERRABLE INITIALLY DEFERRED); INSERT INTO sc_v.g VALUES (42)',
						'DROP TABLE sc_v.g', parents => '{v1}', project => 'sc_v');
SELECT * FROM migrate.verify('v9', 'sc_v');
-- a down script that cannot run in a transaction cannot be reverted at all
SELECT migrate.revision('v10', 'CREATE TABLE sc_v.h (x int)', 'DROP INDEX CONCURRENTLY sc_v.nosuch',
						parents => '{v1}', project => 'sc_v');
SELECT revision, up_ok, down_restores, error FROM migrate.verify('v10', 'sc_v');
