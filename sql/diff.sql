--
-- diff: migrate.diff(from, to), the DDL between two schema snapshots
-- (README "Generating migrations").  Project df works in schema df only.
--
\i sql/include/helpers.sql
CREATE SCHEMA df;
SELECT migrate.revision('df1', 'SELECT 1', project => 'df');
SELECT migrate.set_scope('df', '{df}');

-- bad input: NULL 22004; not an object, another format, an unknown kind,
-- fields that are not an object: 22023
SELECT * FROM migrate.diff(NULL, '{"format": 1}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('[]', '{"format": 1}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 2}', '{"format": 1}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1, "tables": {}}', '{"format": 1}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "schema": {"s": 1}}');
\echo :SQLSTATE

-- names must be written as quote_ident() writes them, and nothing built
-- from a snapshot may add a statement: 22023, nothing returned
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "schema": {"s; DROP TABLE x": {}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "schema": {"Upper": {}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "table": {"public.t": {}}, "column": {"public.t.c": {"type": "int; DROP TABLE x", "position": 1}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "table": {"public.t": {}}, "column": {"public.t.c": {"type": "integer", "default": "0); DROP TABLE x; SELECT (1", "position": 1}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "table": {"public.t": {}}, "index": {"public.i": {"table": "public.t", "definition": "DROP TABLE public.t"}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "function": {"public.f(integer); DROP TABLE x; --)": {"definition": "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$SELECT 1$$"}}}');
\echo :SQLSTATE
-- a column type or default that adds an ALTER TABLE command, a key that
-- drops a second function, a definition of another object, a line comment
-- that would swallow the next statement, an attribute named twice: 22023
SELECT * FROM migrate.diff('{"format": 1, "table": {"public.t": {}}, "column": {"public.t.k": {"type": "text"}}}',
                           '{"format": 1, "table": {"public.t": {}}, "column": {"public.t.k": {"type": "text"}, "public.t.x": {"type": "integer"}, "public.t.y": {"type": "integer", "default": "1, DROP COLUMN k"}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1, "table": {"public.t": {}}, "constraint": {"public.t.c": {"definition": "CHECK (true), DROP COLUMN k"}}}',
                           '{"format": 1, "table": {"public.t": {}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1, "function": {"public.f(integer), public.g(integer)": {"definition": "CREATE FUNCTION public.f(integer) RETURNS int LANGUAGE sql AS $$SELECT 1$$"}}}', '{"format": 1}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "function": {"public.f()": {"definition": "CREATE FUNCTION public.other() RETURNS int LANGUAGE sql AS $$SELECT 1$$"}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1, "table": {"public.t": {}}}', '{"format": 1, "table": {"public.t": {}}, "index": {"public.i": {"table": "public.t", "definition": "CREATE INDEX i ON public.other (a)"}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1, "table": {"public.t": {}}}', '{"format": 1, "table": {"public.t": {}}, "index": {"public.i": {"table": "public.t", "definition": "CREATE INDEX i ON public.t (a) --"}}}');
\echo :SQLSTATE
SELECT * FROM migrate.diff('{"format": 1}', '{"format": 1, "composite": {"public.c": {"attributes": [["x", "integer"], ["x", "integer"]]}}}');
\echo :SQLSTATE
-- a comment cannot end its line
SELECT statement FROM migrate.diff('{"format": 1}', '{"format": 1, "other": {"aggregate x\nDROP TABLE y": {"type": "aggregate"}}}');

-- the same snapshot: nothing to do
SELECT count(*) FROM migrate.diff(migrate.schema_snapshot('df'), migrate.schema_snapshot('df'));

-- from: two tables and a view over one of them
CREATE TABLE df.rooms (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(50) NOT NULL, area integer);
CREATE TABLE df.old_notes (id integer PRIMARY KEY, body text);
CREATE VIEW df.big_rooms AS SELECT id, name FROM df.rooms WHERE area > 100;
CREATE TEMP TABLE snaps (name text PRIMARY KEY, s jsonb);
INSERT INTO snaps SELECT 'from', migrate.schema_snapshot('df');

-- to: a column widened under the view, a column and an index added, a new
-- table with a foreign key to rooms, a comment, old_notes dropped
ALTER TABLE df.rooms ADD COLUMN capacity integer NOT NULL DEFAULT 0;
DROP VIEW df.big_rooms;
ALTER TABLE df.rooms ALTER COLUMN name TYPE text;
CREATE VIEW df.big_rooms AS SELECT id, name FROM df.rooms WHERE area > 100;
CREATE INDEX rooms_capacity_idx ON df.rooms (capacity);
CREATE TABLE df.doors (id integer PRIMARY KEY, room_id bigint NOT NULL REFERENCES df.rooms ON DELETE CASCADE);
COMMENT ON TABLE df.rooms IS 'Rooms of a floor';
DROP TABLE df.old_notes;
INSERT INTO snaps SELECT 'to', migrate.schema_snapshot('df');

SELECT step, hazard, statement, reverse
  FROM migrate.diff((SELECT s FROM snaps WHERE name = 'from'), (SELECT s FROM snaps WHERE name = 'to'))
 ORDER BY step;

-- the reverses, last first, take "to" back to "from" (column positions
-- apart: a dropped column comes back at the end); the statements again
-- take it to "to"
CREATE FUNCTION pg_temp.positionless(s jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT s || jsonb_build_object('column',
		(SELECT coalesce(jsonb_object_agg(key, value - 'position'), '{}') FROM jsonb_each(s -> 'column')))
$$;
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM migrate.diff((SELECT s FROM snaps WHERE name = 'from'),
										(SELECT s FROM snaps WHERE name = 'to'))
			  ORDER BY step DESC LOOP
		EXECUTE r.reverse;
	END LOOP;
END $$;
SELECT count(*) AS after_down FROM migrate.schema_diff(pg_temp.positionless((SELECT s FROM snaps WHERE name = 'from')),
													   pg_temp.positionless(migrate.schema_snapshot('df')));
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM migrate.diff((SELECT s FROM snaps WHERE name = 'from'),
										(SELECT s FROM snaps WHERE name = 'to'))
			  ORDER BY step LOOP
		EXECUTE r.statement;
	END LOOP;
END $$;
SELECT count(*) AS after_up FROM migrate.schema_diff(pg_temp.positionless((SELECT s FROM snaps WHERE name = 'to')),
													 pg_temp.positionless(migrate.schema_snapshot('df')));

-- renames are never guessed: a column renamed is a drop and an add
INSERT INTO snaps SELECT 'before_rename', migrate.schema_snapshot('df');
ALTER TABLE df.doors RENAME COLUMN room_id TO room;
SELECT step, hazard, statement
  FROM migrate.diff((SELECT s FROM snaps WHERE name = 'before_rename'), migrate.schema_snapshot('df'))
 ORDER BY step;
ALTER TABLE df.doors RENAME COLUMN room TO room_id;

-- enums: values added at the end and in the middle (ADD VALUE), a value
-- removed (the type is renamed, created anew, its columns converted)
CREATE TYPE df.mood AS ENUM ('sad', 'happy');
CREATE TABLE df.people (id integer PRIMARY KEY, mood df.mood NOT NULL DEFAULT 'sad');
INSERT INTO snaps SELECT 'enum1', migrate.schema_snapshot('df');
ALTER TYPE df.mood ADD VALUE 'meh' AFTER 'sad';
ALTER TYPE df.mood ADD VALUE 'ecstatic';
INSERT INTO snaps SELECT 'enum2', migrate.schema_snapshot('df');
SELECT step, hazard, statement
  FROM migrate.diff((SELECT s FROM snaps WHERE name = 'enum1'), (SELECT s FROM snaps WHERE name = 'enum2'))
 ORDER BY step;
SELECT step, hazard, statement
  FROM migrate.diff((SELECT s FROM snaps WHERE name = 'enum2'), (SELECT s FROM snaps WHERE name = 'enum1'))
 ORDER BY step;

-- what the snapshot lists without a definition is a manual step
CREATE AGGREGATE df.total(integer) (sfunc = int4pl, stype = integer);
SELECT step, hazard, statement, reverse
  FROM migrate.diff((SELECT s FROM snaps WHERE name = 'enum2'), migrate.schema_snapshot('df'))
 ORDER BY step;
DROP AGGREGATE df.total(integer);

-- monitors may compare snapshots; PUBLIC may not
SELECT has_function_privilege('public', 'migrate.diff(jsonb, jsonb)', 'EXECUTE') AS public_may;
