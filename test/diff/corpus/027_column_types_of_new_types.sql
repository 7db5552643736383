-- Columns of an enum, a domain, a composite type, an array and jsonb,
-- added to a table with rows, with their new types.  The other way drops
-- columns and types.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE profiles (id int PRIMARY KEY);
-- diff:to
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
CREATE TYPE address AS (street text, city text);
CREATE TABLE profiles (id int PRIMARY KEY, m mood, score positive_int, home address, tags text[], prefs jsonb DEFAULT '{}');
-- diff:data
INSERT INTO profiles VALUES (1), (2);
-- diff:check
SELECT id FROM profiles ORDER BY id;
-- diff:reference-up
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
CREATE TYPE address AS (street text, city text);
ALTER TABLE profiles ADD COLUMN m mood, ADD COLUMN score positive_int, ADD COLUMN home address,
	ADD COLUMN tags text[], ADD COLUMN prefs jsonb DEFAULT '{}';
-- diff:reference-down
ALTER TABLE profiles DROP COLUMN m, DROP COLUMN score, DROP COLUMN home, DROP COLUMN tags, DROP COLUMN prefs;
DROP TYPE mood;
DROP DOMAIN positive_int;
DROP TYPE address;
