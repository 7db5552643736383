-- An extension installed into a new schema, and a trigram index on an
-- existing table that uses its operator class: the schema first, then
-- the extension, then the index (blocking).  The other way: index,
-- extension, schema (a schema dropped: destructive).
-- expect forward: blocking
-- expect backward: destructive
-- diff:from
CREATE TABLE cities (id int PRIMARY KEY, name text);
-- diff:to
CREATE SCHEMA ext;
CREATE EXTENSION pg_trgm SCHEMA ext;
CREATE TABLE cities (id int PRIMARY KEY, name text);
CREATE INDEX cities_name_trgm ON cities USING gin (name ext.gin_trgm_ops);
-- diff:data
INSERT INTO cities VALUES (1, 'Berlin'), (2, 'Bern');
-- diff:check
SELECT * FROM cities ORDER BY id;
-- diff:reference-up
CREATE SCHEMA ext;
CREATE EXTENSION pg_trgm SCHEMA ext;
CREATE INDEX cities_name_trgm ON cities USING gin (name ext.gin_trgm_ops);
-- diff:reference-down
DROP INDEX cities_name_trgm;
DROP EXTENSION pg_trgm;
DROP SCHEMA ext;
