-- A function's result type changed: CREATE OR REPLACE cannot, so it is
-- dropped and created again ("drops a function": destructive, or not,
-- since it comes back at once; open).
-- expect forward: none or destructive
-- expect backward: none or destructive
-- diff:from
CREATE FUNCTION answer() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 42';
-- diff:to
CREATE FUNCTION answer() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 42::bigint';
-- diff:reference-up
DROP FUNCTION answer();
CREATE FUNCTION answer() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 42::bigint';
-- diff:reference-down
DROP FUNCTION answer();
CREATE FUNCTION answer() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 42';
