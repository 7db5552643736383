-- A schema dropped with everything in it; the other way it is all
-- created (nothing existed, nothing blocks).
-- expect forward: destructive
-- expect backward: none
-- diff:from
CREATE SCHEMA legacy;
CREATE TYPE legacy.kind AS ENUM ('a', 'b');
CREATE TABLE legacy.records (id int PRIMARY KEY, k legacy.kind, v text);
CREATE INDEX records_v_idx ON legacy.records (v);
CREATE FUNCTION legacy.count_records() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM legacy.records';
CREATE TABLE keep (id int);
-- diff:to
CREATE TABLE keep (id int);
-- diff:data
INSERT INTO keep VALUES (1);
-- diff:check
SELECT * FROM keep;
-- diff:reference-up
DROP SCHEMA legacy CASCADE;
-- diff:reference-down
CREATE SCHEMA legacy;
CREATE TYPE legacy.kind AS ENUM ('a', 'b');
CREATE TABLE legacy.records (id int PRIMARY KEY, k legacy.kind, v text);
CREATE INDEX records_v_idx ON legacy.records (v);
CREATE FUNCTION legacy.count_records() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM legacy.records';
