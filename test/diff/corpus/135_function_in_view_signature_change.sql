-- A function that a view calls, with its result type changed: the view
-- goes before the function is dropped and comes back after it is
-- created again.
-- expect forward: none or destructive
-- expect backward: none or destructive
-- diff:from
CREATE TABLE amounts (id int, v int);
CREATE FUNCTION doubled(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
CREATE VIEW doubled_amounts AS SELECT id, doubled(v) AS d FROM amounts;
-- diff:to
CREATE TABLE amounts (id int, v int);
CREATE FUNCTION doubled(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x::bigint * 2';
CREATE VIEW doubled_amounts AS SELECT id, doubled(v) AS d FROM amounts;
-- diff:reference-up
DROP VIEW doubled_amounts;
DROP FUNCTION doubled(int);
CREATE FUNCTION doubled(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x::bigint * 2';
CREATE VIEW doubled_amounts AS SELECT id, doubled(v) AS d FROM amounts;
-- diff:reference-down
DROP VIEW doubled_amounts;
DROP FUNCTION doubled(int);
CREATE FUNCTION doubled(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
CREATE VIEW doubled_amounts AS SELECT id, doubled(v) AS d FROM amounts;
